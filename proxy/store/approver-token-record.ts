import { InvalidArgumentError } from '../core/errors.js';
import { checkSha256Hex, checkStringArray, checkText } from './record-fields.js';
import { epochMs } from './timestamps.js';

/**
 * ApproverToken is an approver's API token as stored: only its hash. The caller hashes the presented token (SHA-256,
 * lower-case hex) and looks the hash up; the token itself is shown once, when issued, and never stored.
 */
export interface ApproverToken {
  /** Caller-generated and unique, such as `tok_` and random characters; names the token in listings and logs. */
  readonly id: string;
  readonly tokenHash: string;
  /** The human the token authenticates: the identity votes are counted by. */
  readonly approverId: string;
  readonly groups: readonly string[];
  readonly createdAt: string;
  /** No `expiresAt` means the token works until revoked. */
  readonly expiresAt?: string;
}

/**
 * validateApproverToken checks a token's fields and returns its times as epoch milliseconds.
 *
 * @throws InvalidArgumentError naming the first field that is wrong
 */
export function validateApproverToken(token: ApproverToken): { createdAtMs: number; expiresAtMs: number | null } {
  checkText('id', token.id, 128);
  checkSha256Hex('tokenHash', token.tokenHash);
  checkText('approverId', token.approverId, 512);
  checkStringArray('groups', token.groups);
  const createdAtMs = epochMs('createdAt', token.createdAt);
  const expiresAtMs = token.expiresAt === undefined ? null : epochMs('expiresAt', token.expiresAt);
  if (expiresAtMs !== null && expiresAtMs <= createdAtMs) {
    throw new InvalidArgumentError('expiresAt must be after createdAt');
  }
  return { createdAtMs, expiresAtMs };
}

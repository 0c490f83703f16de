import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * Approval links are what Slack, Teams and webhook messages carry: `…/approvals/ID?token=TOKEN`. A valid token lets
 * its holder *view* the approval page, nothing more. Chat clients fetch links to preview them, so a GET never
 * changes state; approving and denying are POSTs from the page, which need a logged-in approver (OIDC) or an API
 * token, and a CSRF token, and then go through the same eligibility rules as the API. Anyone a message is forwarded
 * to can read the page until the link expires; no one can vote with the link alone.
 *
 * A token is base64url of
 *
 * ```
 * version (1 byte, 1) | expiresAt (8 bytes, big-endian ms since the epoch) | approval id (UTF-8) | HMAC (32 bytes)
 * ```
 *
 * where the HMAC-SHA256 covers LINK_CONTEXT and everything before it. The id is inside so that a genuine token
 * presented for another approval is told apart (`wrong-approval`) from a forged one; the expiry is inside so that
 * verifying needs no storage.
 */

const LINK_VERSION = 1;
/** Separates these MACs from anything else a careless deployment might sign with the same key. */
const LINK_CONTEXT = Buffer.from('airlock/approval-link/v1\0', 'utf8');
const MAC_BYTES = 32;
const HEADER_BYTES = 1 + 8;
/** MIN_LINK_KEY_BYTES is the shortest key accepted: as long as the HMAC-SHA256 output. */
export const MIN_LINK_KEY_BYTES = 32;
const MAX_APPROVAL_ID_BYTES = 256;
const MAX_TOKEN_LENGTH = Math.ceil(((HEADER_BYTES + MAX_APPROVAL_ID_BYTES + MAC_BYTES) * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** ApprovalLinkClaims are what a link token vouches for. */
export interface ApprovalLinkClaims {
  readonly approvalId: string;
  /** Should be no later than the approval's own expiry: the page has nothing to offer after that. */
  readonly expiresAt: Date;
}

/** LinkRefusal says why a link token was refused. A malformed token is `forged`. */
export type LinkRefusal = 'forged' | 'expired' | 'wrong-approval';

/** LinkVerification is `verifyApprovalLink`'s answer. */
export type LinkVerification =
  { readonly ok: true; readonly expiresAt: Date } | { readonly ok: false; readonly reason: LinkRefusal };

/**
 * signApprovalLink makes the token of a link to one approval's page, valid until `expiresAt`.
 *
 * @throws InvalidArgumentError for an empty or overlong (over 256 bytes) approval id, an invalid or negative date,
 *   or a key shorter than 32 bytes
 */
export function signApprovalLink(claims: ApprovalLinkClaims, key: Uint8Array): string {
  checkKey(key);
  const id = Buffer.from(claims.approvalId, 'utf8');
  if (claims.approvalId === '' || id.length > MAX_APPROVAL_ID_BYTES) {
    throw new InvalidArgumentError(`approvalId must be 1 to ${MAX_APPROVAL_ID_BYTES} bytes`);
  }
  const expiresAtMs = claims.expiresAt instanceof Date ? claims.expiresAt.getTime() : Number.NaN;
  if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs < 0) {
    throw new InvalidArgumentError('expiresAt must be a valid Date after 1970');
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(LINK_VERSION, 0);
  header.writeBigUInt64BE(BigInt(expiresAtMs), 1);
  const payload = Buffer.concat([header, id]);
  return Buffer.concat([payload, macOf(payload, key)]).toString('base64url');
}

/**
 * verifyApprovalLink checks a token presented for `approvalId` at `now`. The MAC is checked first, in constant time,
 * and nothing in the token is believed before it passes; then the approval id, then the expiry (a token is refused
 * from its `expiresAt` on).
 *
 * @throws InvalidArgumentError for a key shorter than 32 bytes or an invalid `now` (a bug, not a bad token)
 */
export function verifyApprovalLink(token: string, approvalId: string, key: Uint8Array, now: Date): LinkVerification {
  checkKey(key);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidArgumentError('now must be a valid Date');
  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return { ok: false, reason: 'forged' };
  const bytes = Buffer.from(token, 'base64url');
  // Node's decoder ignores stray trailing bits; insisting on the canonical spelling gives each token one form.
  if (bytes.toString('base64url') !== token) return { ok: false, reason: 'forged' };
  if (bytes.length <= HEADER_BYTES + MAC_BYTES || bytes[0] !== LINK_VERSION) return { ok: false, reason: 'forged' };

  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const mac = bytes.subarray(bytes.length - MAC_BYTES);
  if (!timingSafeEqual(mac, macOf(payload, key))) return { ok: false, reason: 'forged' };

  if (!payload.subarray(HEADER_BYTES).equals(Buffer.from(approvalId, 'utf8'))) {
    return { ok: false, reason: 'wrong-approval' };
  }
  const expiresAt = new Date(Number(payload.readBigUInt64BE(1)));
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}

function macOf(payload: Uint8Array, key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(LINK_CONTEXT).update(payload).digest();
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_LINK_KEY_BYTES) {
    throw new InvalidArgumentError(`the approval link key must be at least ${MIN_LINK_KEY_BYTES} bytes`);
  }
}

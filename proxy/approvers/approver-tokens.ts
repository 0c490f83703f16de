import { createHash, randomBytes } from 'node:crypto';
import type { Approver } from '../approvals/index.js';
import type { ApproverToken, Store } from '../store/index.js';

/**
 * Approver API tokens: `alt_` and 43 base64url characters (32 random bytes). Only the SHA-256 of a token is stored,
 * so a copy of the database authenticates nobody; the token itself is shown once, when issued.
 */

export const APPROVER_TOKEN_PREFIX = 'alt_';
const APPROVER_TOKEN_PATTERN = /^alt_[A-Za-z0-9_-]{43}$/;

/** IssuedApproverToken is a new token: `token` is shown to its holder once and never again. */
export interface IssuedApproverToken {
  readonly id: string;
  readonly token: string;
  readonly record: ApproverToken;
}

/** NewApproverToken says whom a token authenticates: `approverId` is the human's stable identity, their email. */
export interface NewApproverToken {
  readonly approverId: string;
  readonly groups: readonly string[];
  readonly expiresAt?: Date;
}

/** issueApproverToken stores the hash of a new token and returns the token. */
export async function issueApproverToken(
  store: Store,
  request: NewApproverToken,
  now: Date,
): Promise<IssuedApproverToken> {
  const token = APPROVER_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record: ApproverToken = {
    id: `tok_${randomBytes(12).toString('base64url')}`,
    tokenHash: hashApproverToken(token),
    approverId: request.approverId,
    groups: [...request.groups],
    createdAt: now.toISOString(),
    ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt.toISOString() }),
  };
  await store.putApproverToken(record);
  return { id: record.id, token, record };
}

/** isApproverTokenShaped tells a presented bearer token that could be an approver token from anything else (a JWT). */
export function isApproverTokenShaped(token: string): boolean {
  return APPROVER_TOKEN_PATTERN.test(token);
}

/** hashApproverToken is what the store keeps of a token: SHA-256, lower-case hex. */
export function hashApproverToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** findApproverByToken gives the approver a presented token authenticates, or undefined (unknown, revoked, expired). */
export async function findApproverByToken(store: Store, token: string, now: Date): Promise<Approver | undefined> {
  if (!isApproverTokenShaped(token)) return undefined;
  const record = await store.findApproverTokenByHash(hashApproverToken(token), now.toISOString());
  if (record === undefined) return undefined;
  if (!record.approverId.includes('@')) return { id: record.approverId, groups: record.groups };
  return { id: approverIdForEmail(record.approverId), groups: record.groups, email: record.approverId };
}

/**
 * approverIdForEmail is the approver identity for an email address, the same whether the address came from an API
 * token's record or an identity provider's `email` claim, so one person counts once in a quorum however they
 * signed in. Compatibility-normalised and lower-cased, as the owner check compares addresses.
 */
export function approverIdForEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}

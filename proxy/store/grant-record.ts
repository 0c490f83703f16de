import { InvalidArgumentError } from '../core/errors.js';
import { checkText } from './record-fields.js';
import { epochMs } from './timestamps.js';

/**
 * GrantUses says how often a grant may be used: `once` ("this exact call once") or any number of times until it
 * expires ("calls matching this action and resource for N minutes").
 */
export type GrantUses = 'once' | 'until-expiry';

/** NewGrant is what `createGrant` needs: an approver's standing permission for one agent, action and resource. */
export interface NewGrant {
  /** Caller-generated and unique, such as `grt_` and random characters. */
  readonly id: string;
  /** The approval the grant was given on, if any. */
  readonly approvalId?: string;
  readonly agentId: string;
  /** The IAM action, as decoded: `iam:CreateRole`. */
  readonly iamAction: string;
  /** The resource ARN as decoded, matched exactly. */
  readonly resource: string;
  /** The approver who gave the grant (a stable identity, like a vote's `approverId`). */
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly uses: GrantUses;
}

/** Grant is a stored grant and how it has been used. */
export interface Grant extends NewGrant {
  /** How many calls the grant has let through: at most 1 for a `once` grant. */
  readonly useCount: number;
  readonly lastUsedAt?: string;
}

/**
 * validateNewGrant checks a new grant's fields and returns its times as epoch milliseconds.
 *
 * @throws InvalidArgumentError naming the first field that is wrong
 */
export function validateNewGrant(grant: NewGrant): { createdAtMs: number; expiresAtMs: number } {
  checkText('id', grant.id, 128);
  if (grant.approvalId !== undefined) {
    checkText('approvalId', grant.approvalId, 128);
  }
  checkText('agentId', grant.agentId, 128);
  checkText('iamAction', grant.iamAction, 256);
  checkText('resource', grant.resource, 2048);
  checkText('createdBy', grant.createdBy, 512);
  if (grant.uses !== 'once' && grant.uses !== 'until-expiry') {
    throw new InvalidArgumentError("uses must be 'once' or 'until-expiry'");
  }
  const createdAtMs = epochMs('createdAt', grant.createdAt);
  const expiresAtMs = epochMs('expiresAt', grant.expiresAt);
  if (expiresAtMs <= createdAtMs) {
    throw new InvalidArgumentError('expiresAt must be after createdAt');
  }
  return { createdAtMs, expiresAtMs };
}

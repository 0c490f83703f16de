import type { ApprovalRequirement, ApprovalState } from '../approvals/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { checkJsonObject, checkPositiveInteger, checkSha256Hex, checkStringArray, checkText } from './record-fields.js';
import { epochMs } from './timestamps.js';

/** APPROVAL_STATES lists every state; only `pending` ever changes (see proxy/approvals/approval-state.ts). */
export const APPROVAL_STATES: readonly ApprovalState[] = ['pending', 'approved', 'denied', 'expired', 'cancelled'];

/** ResolvedApprovalState is a state an approval can be resolved to: any but `pending`. */
export type ResolvedApprovalState = Exclude<ApprovalState, 'pending'>;

/** NewApproval is what `createOrJoinApproval` needs. Ids and times come from the caller; the store has no clock. */
export interface NewApproval {
  /** Caller-generated and unique, such as `apv_` and random characters. */
  readonly id: string;
  /** SHA-256 (lower-case hex) of the exact request: method, host, path, query, body hash, agent. */
  readonly fingerprint: string;
  readonly agentId: string;
  /** The agent's owner, who may never approve it. */
  readonly agentOwner: string;
  /** The decoded call, as shown to approvers. */
  readonly call: Readonly<Record<string, unknown>>;
  /** The policy's reason for holding the call. */
  readonly reason: string;
  readonly requirement: ApprovalRequirement;
  /** ISO 8601 UTC with milliseconds, like every time in the store. Also "now" for deciding whether to join. */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** ApprovalDecision is what a vote says. One `deny` vetoes; that rule lives with the caller, not the store. */
export type ApprovalDecision = 'approve' | 'deny';

/** NewVote is one approver's vote, as `recordVote` takes it. */
export interface NewVote {
  /** A stable identity (an OIDC subject with its issuer, or a token's owner), never a token. */
  readonly approverId: string;
  /** The approver's groups when they voted, kept so the tally can be explained later. */
  readonly approverGroups: readonly string[];
  readonly decision: ApprovalDecision;
  readonly comment?: string;
  readonly at: string;
}

/** ApprovalVote is a stored vote. */
export type ApprovalVote = NewVote;

/** Approval is a stored approval with its votes, oldest vote first. */
export interface Approval extends NewApproval {
  readonly state: ApprovalState;
  /** When the approval left `pending`. */
  readonly resolvedAt?: string;
  /** When the approved call was forwarded; set once, only on an approved approval. */
  readonly usedAt?: string;
  readonly votes: readonly ApprovalVote[];
}

const MAX_COMMENT_LENGTH = 2000;

/**
 * validateNewApproval checks a new approval's fields and returns its times as epoch milliseconds.
 *
 * @throws InvalidArgumentError naming the first field that is wrong
 */
export function validateNewApproval(approval: NewApproval): { createdAtMs: number; expiresAtMs: number } {
  checkText('id', approval.id, 128);
  checkSha256Hex('fingerprint', approval.fingerprint);
  checkText('agentId', approval.agentId, 128);
  checkText('agentOwner', approval.agentOwner, 254);
  checkJsonObject('call', approval.call);
  checkText('reason', approval.reason);
  const requirement = approval.requirement;
  if (typeof requirement !== 'object' || requirement === null) {
    throw new InvalidArgumentError('requirement must be an object');
  }
  checkPositiveInteger('requirement.minApprovers', requirement.minApprovers);
  checkStringArray('requirement.groups', requirement.groups);
  checkPositiveInteger('requirement.timeoutSeconds', requirement.timeoutSeconds);
  const createdAtMs = epochMs('createdAt', approval.createdAt);
  const expiresAtMs = epochMs('expiresAt', approval.expiresAt);
  if (expiresAtMs <= createdAtMs) {
    throw new InvalidArgumentError('expiresAt must be after createdAt');
  }
  return { createdAtMs, expiresAtMs };
}

/**
 * validateNewVote checks a vote's fields and returns its time as epoch milliseconds.
 *
 * @throws InvalidArgumentError naming the first field that is wrong
 */
export function validateNewVote(vote: NewVote): number {
  checkText('approverId', vote.approverId, 512);
  checkStringArray('approverGroups', vote.approverGroups);
  if (vote.decision !== 'approve' && vote.decision !== 'deny') {
    throw new InvalidArgumentError("decision must be 'approve' or 'deny'");
  }
  if (vote.comment !== undefined) {
    checkText('comment', vote.comment, MAX_COMMENT_LENGTH);
  }
  return epochMs('at', vote.at);
}

const RESOLVED_STATES: readonly ResolvedApprovalState[] = ['approved', 'denied', 'expired', 'cancelled'];

/**
 * checkResolvedState requires one of the states `resolveApproval` may set.
 *
 * @throws InvalidArgumentError for `pending` or anything that is not a state
 */
export function checkResolvedState(state: string): ResolvedApprovalState {
  const resolved = RESOLVED_STATES.find((candidate) => candidate === state);
  if (resolved === undefined) {
    throw new InvalidArgumentError(
      `an approval can be resolved to approved, denied, expired or cancelled, not ${state}`,
    );
  }
  return resolved;
}

/**
 * checkApprovalState requires one of the five states, as a filter for listings.
 *
 * @throws InvalidArgumentError for anything else
 */
export function checkApprovalState(state: string): ApprovalState {
  const known = APPROVAL_STATES.find((candidate) => candidate === state);
  if (known === undefined) {
    throw new InvalidArgumentError(`state must be one of ${APPROVAL_STATES.join(', ')}, not ${state}`);
  }
  return known;
}

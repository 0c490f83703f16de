import type { ApprovalState, TallyOutcome } from '../approvals/index.js';
import type { Approval, Grant } from '../store/index.js';

/**
 * The REST API's JSON shapes (snake_case), built from stored records. The CLI parses answers as these types, the
 * generic webhook sends `ApprovalView`, and the pages share its idea of state and time left; a field added here is
 * added for every reader, so none is removed or renamed without a new API version. This module imports types only,
 * so that the CLI can import it without loading server code.
 */

/** VoteView is one recorded vote. */
export interface VoteView {
  readonly approver: string;
  readonly groups: readonly string[];
  readonly decision: 'approve' | 'deny';
  readonly comment?: string;
  readonly at: string;
}

/** ApprovalView is an approval as `GET /v1/approvals/:id` answers it. */
export interface ApprovalView {
  readonly id: string;
  /** The state as of the answer: a pending approval whose time has run out is shown `expired`, as it will be. */
  readonly state: ApprovalState;
  readonly agent: { readonly id: string; readonly owner: string };
  readonly call: Readonly<Record<string, unknown>>;
  readonly reason: string;
  readonly requirement: {
    readonly min_approvers: number;
    readonly groups: readonly string[];
    readonly timeout_seconds: number;
  };
  readonly created_at: string;
  readonly expires_at: string;
  /** Whole seconds until a pending approval expires; 0 once it is resolved or its time is up. */
  readonly seconds_left: number;
  readonly resolved_at?: string;
  readonly used_at?: string;
  readonly votes: readonly VoteView[];
  /** The approval page's address, with a view token that expires with the approval. */
  readonly link: string;
}

/** GrantView is a grant: the agent may repeat `action` on `resource` until `expires_at`. */
export interface GrantView {
  readonly id: string;
  readonly approval_id?: string;
  readonly agent: string;
  readonly action: string;
  readonly resource: string;
  readonly created_by: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly uses: string;
  readonly use_count: number;
}

/** ApprovalListView is `GET /v1/approvals`: newest first; `next_before` continues the listing. */
export interface ApprovalListView {
  readonly approvals: readonly ApprovalView[];
  readonly next_before: string | null;
}

/** VoteOutcomeView is the answer to an approve or deny vote. */
export interface VoteOutcomeView {
  readonly approval: ApprovalView;
  /** `expired` only when the time ran out as the vote was counted. */
  readonly outcome: TallyOutcome;
  readonly still_needed: number;
  readonly grant?: GrantView;
}

/** shownState is the approval's state as of `now`: a pending approval whose time has run out is shown expired. */
export function shownState(approval: Approval, now: Date): ApprovalState {
  return approval.state === 'pending' && now.getTime() >= Date.parse(approval.expiresAt) ? 'expired' : approval.state;
}

/** secondsLeft is how long a pending approval has until it expires, in whole seconds rounded up; 0 once it has. */
export function secondsLeft(approval: Approval, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(approval.expiresAt) - now.getTime()) / 1000));
}

/** approvalView builds an approval's view as of `now`, with the page link the caller made for it. */
export function approvalView(approval: Approval, now: Date, link: string): ApprovalView {
  const state = shownState(approval, now);
  return {
    id: approval.id,
    state,
    agent: { id: approval.agentId, owner: approval.agentOwner },
    call: approval.call,
    reason: approval.reason,
    requirement: {
      min_approvers: approval.requirement.minApprovers,
      groups: [...approval.requirement.groups],
      timeout_seconds: approval.requirement.timeoutSeconds,
    },
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    seconds_left: state === 'pending' ? secondsLeft(approval, now) : 0,
    ...(approval.resolvedAt === undefined ? {} : { resolved_at: approval.resolvedAt }),
    ...(approval.usedAt === undefined ? {} : { used_at: approval.usedAt }),
    votes: approval.votes.map((vote) => ({
      approver: vote.approverId,
      groups: [...vote.approverGroups],
      decision: vote.decision,
      ...(vote.comment === undefined ? {} : { comment: vote.comment }),
      at: vote.at,
    })),
    link,
  };
}

/** grantView builds a grant's view. */
export function grantView(grant: Grant): GrantView {
  return {
    id: grant.id,
    ...(grant.approvalId === undefined ? {} : { approval_id: grant.approvalId }),
    agent: grant.agentId,
    action: grant.iamAction,
    resource: grant.resource,
    created_by: grant.createdBy,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    uses: grant.uses,
    use_count: grant.useCount,
  };
}

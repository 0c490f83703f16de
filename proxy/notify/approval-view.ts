import type { Approval } from '../store/index.js';

/**
 * ApprovalPayload is the approval as the generic webhook sends it: the REST API's ApprovalView (snake_case), so a
 * receiver can parse both with one type.
 */
export interface ApprovalPayload {
  readonly id: string;
  readonly state: Approval['state'];
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
  readonly seconds_left: number;
  readonly resolved_at?: string;
  readonly used_at?: string;
  readonly votes: readonly {
    readonly approver: string;
    readonly groups: readonly string[];
    readonly decision: 'approve' | 'deny';
    readonly comment?: string;
    readonly at: string;
  }[];
  readonly link: string;
}

/** approvalPayload renders an approval as of `now`; `seconds_left` is 0 once it is resolved or its time ran out. */
export function approvalPayload(approval: Approval, link: string, now: Date): ApprovalPayload {
  const msLeft = Date.parse(approval.expiresAt) - now.getTime();
  return {
    id: approval.id,
    state: approval.state,
    agent: { id: approval.agentId, owner: approval.agentOwner },
    call: approval.call,
    reason: approval.reason,
    requirement: {
      min_approvers: approval.requirement.minApprovers,
      groups: approval.requirement.groups,
      timeout_seconds: approval.requirement.timeoutSeconds,
    },
    created_at: approval.createdAt,
    expires_at: approval.expiresAt,
    seconds_left: approval.state === 'pending' && msLeft > 0 ? Math.floor(msLeft / 1000) : 0,
    ...(approval.resolvedAt === undefined ? {} : { resolved_at: approval.resolvedAt }),
    ...(approval.usedAt === undefined ? {} : { used_at: approval.usedAt }),
    votes: approval.votes.map((vote) => ({
      approver: vote.approverId,
      groups: vote.approverGroups,
      decision: vote.decision,
      ...(vote.comment === undefined ? {} : { comment: vote.comment }),
      at: vote.at,
    })),
    link,
  };
}

import type { Approval, Grant } from '../store/index.js';
import type { HeldCall } from './approval-service.js';

// What the approval service writes to the audit log, one builder per record kind. The decoded call's parameters
// never go in (they may hold what an approver needs to see but the log must not keep); the action, resource, account
// and environment do, so that an auditor can read what was approved without the approval row.

/** CallFacts are the parts of a decoded call the audit log keeps; null where the decoder could not tell. */
interface CallFacts {
  readonly iam_action: string | null;
  readonly resource: string | null;
  readonly account: string | null;
  readonly environment: string | null;
}

/** GrantScope is what a grant covers: the call's IAM action on its resource. */
export interface GrantScope {
  readonly iamAction: string;
  readonly resource: string;
}

/** callFacts reads the audit-worthy fields of a decoded call (see proxy/decode/call.ts). */
export function callFacts(call: Readonly<Record<string, unknown>>): CallFacts {
  return {
    iam_action: textOrNull(call['iam_action']),
    resource: textOrNull(call['resource']),
    account: textOrNull(call['account']),
    environment: textOrNull(call['environment']),
  };
}

/** grantScopeOf is what a grant given on this approval would cover; undefined when the call names no resource. */
export function grantScopeOf(approval: Approval): GrantScope | undefined {
  const { iam_action: iamAction, resource } = callFacts(approval.call);
  return iamAction === null || resource === null ? undefined : { iamAction, resource };
}

/** createdFacts describe a new approval: who asked, for what, why, and what it needs. */
export function createdFacts(approval: Approval, held: HeldCall): Record<string, unknown> {
  return {
    approval_id: approval.id,
    agent: approval.agentId,
    owner: approval.agentOwner,
    ...callFacts(approval.call),
    reason: approval.reason,
    requirement: {
      min_approvers: approval.requirement.minApprovers,
      groups: [...approval.requirement.groups],
      timeout_seconds: approval.requirement.timeoutSeconds,
    },
    fingerprint: approval.fingerprint,
    policy_version: held.policyVersion,
    expires_at: approval.expiresAt,
  };
}

/** rejoinedFacts describe a retry that found its approval (pending, approved and unused, or denied). */
export function rejoinedFacts(approval: Approval): Record<string, unknown> {
  return {
    approval_id: approval.id,
    agent: approval.agentId,
    state: approval.state,
    fingerprint: approval.fingerprint,
  };
}

/** resolutionFacts describe how an approval was decided: the approvers who counted, and who vetoed. */
export function resolutionFacts(
  approval: Approval,
  approvedBy: readonly string[],
  deniedBy: string | undefined,
): Record<string, unknown> {
  return {
    approval_id: approval.id,
    agent: approval.agentId,
    ...callFacts(approval.call),
    approvers: deniedBy === undefined ? [...approvedBy] : [...approvedBy, deniedBy],
    ...(deniedBy === undefined ? {} : { denied_by: deniedBy }),
  };
}

/** usedFacts describe an approved call being forwarded. */
export function usedFacts(approval: Approval | undefined, approvalId: string): Record<string, unknown> {
  return approval === undefined
    ? { approval_id: approvalId }
    : { approval_id: approvalId, agent: approval.agentId, ...callFacts(approval.call) };
}

/** grantFacts describe a grant, without anything secret (a grant holds none). */
export function grantFacts(grant: Grant): Record<string, unknown> {
  return {
    grant_id: grant.id,
    ...(grant.approvalId === undefined ? {} : { approval_id: grant.approvalId }),
    agent: grant.agentId,
    iam_action: grant.iamAction,
    resource: grant.resource,
    created_by: grant.createdBy,
    expires_at: grant.expiresAt,
    uses: grant.uses,
    use_count: grant.useCount,
  };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

import {
  type ApprovalService,
  bodySha256Of,
  fingerprintRequest,
  type ApprovalRequirement,
} from '../approvals/index.js';
import type { CloudCall } from '../decode/index.js';
import type { AuthenticatedRequest } from '../identify/index.js';
import { accessDenied, approvalDenied, approvalExpired, type AwsErrorReply, stillHeld } from '../respond/index.js';
import type { Approval } from '../store/index.js';

/** HeldAgent is who made a held call: the approval names them, and their owner may not approve it. */
export interface HeldAgent {
  readonly id: string;
  readonly owner: string;
}

/** HoldDecision is the part of the policy's hold decision this stage reads. */
export interface HoldDecision {
  readonly reason: string;
  readonly approval: ApprovalRequirement;
  readonly policyVersion: string;
}

/**
 * HoldOutcome is where a held call goes next: through (approved once, or covered by a grant), or back to the agent
 * with an answer in its protocol's error format. `approvalId` is set whenever an approval was involved, for the log.
 */
export type HoldOutcome =
  | {
      readonly cleared: true;
      readonly approvalId?: string;
      /** When the humans' approval was decided, for the approval-to-forward time. */
      readonly approvedAt?: string;
      readonly grantId?: string;
    }
  | {
      readonly cleared: false;
      readonly reply: AwsErrorReply;
      readonly approvalId?: string;
      /** What became of the hold: `pending` (the agent will retry), `denied`, `expired`, `cancelled`, `used`. */
      readonly outcome: string;
    };

export interface HoldStageOptions {
  readonly approvals: ApprovalService;
  /** How long the agent's connection is kept open waiting for a decision. */
  readonly holdMs: number;
}

/**
 * createHoldStage returns the hold stage: a call the policy held waits here, on its open connection, until humans
 * decide or the hold time is up. A retry of the same request (same fingerprint) re-joins the same approval, so the
 * wait survives the SDK's own retries and nobody is asked twice. An approval lets exactly one call through.
 */
export function createHoldStage(options: HoldStageOptions) {
  const { approvals, holdMs } = options;

  return async function holdCall(
    request: AuthenticatedRequest,
    agent: HeldAgent,
    call: CloudCall,
    decision: HoldDecision,
    agentGone: AbortSignal,
  ): Promise<HoldOutcome> {
    if (call.resource !== undefined && call.iam_action !== '') {
      const grant = await approvals.useCoveringGrant(agent.id, call.iam_action, call.resource);
      if (grant !== undefined) return { cleared: true, grantId: grant.id };
    }

    const body = bodySha256Of(request);
    if (!body.known) {
      // An approval binds the exact bytes; a body nobody hashed could be swapped between approval and forward.
      const reason = `${decision.reason}; this call needs approval, but ${body.message}`;
      return { cleared: false, reply: accessDenied(call, reason), outcome: 'unbindable' };
    }
    const fingerprint = fingerprintRequest({ ...request, bodySha256: body.sha256, agentId: agent.id });
    const opened = await approvals.open({
      fingerprint,
      agent,
      call: { ...call },
      reason: decision.reason,
      requirement: decision.approval,
      policyVersion: decision.policyVersion,
    });
    let approval = opened.approval;
    if (approval.state === 'pending') {
      approval = await approvals.waitForDecision(approval.id, { timeoutMs: holdMs, signal: agentGone });
    }
    return settle(approval, opened.link, call, decision.reason);
  };

  async function settle(approval: Approval, link: string, call: CloudCall, reason: string): Promise<HoldOutcome> {
    const approvalId = approval.id;
    switch (approval.state) {
      case 'approved':
        if (await approvals.claim(approvalId)) {
          return {
            cleared: true,
            approvalId,
            ...(approval.resolvedAt === undefined ? {} : { approvedAt: approval.resolvedAt }),
          };
        }
        return {
          cleared: false,
          approvalId,
          outcome: 'used',
          reply: accessDenied(
            call,
            `approval ${approvalId} was already used by an identical call; an approval lets one call through`,
          ),
        };
      case 'denied': {
        const veto = [...approval.votes].reverse().find((vote) => vote.decision === 'deny');
        return {
          cleared: false,
          approvalId,
          outcome: 'denied',
          reply: approvalDenied(call, { id: approvalId, deniedBy: veto?.approverId, comment: veto?.comment }),
        };
      }
      case 'expired':
        return {
          cleared: false,
          approvalId,
          outcome: 'expired',
          reply: approvalExpired(call, { id: approvalId, expiresAt: approval.expiresAt }),
        };
      case 'cancelled':
        return {
          cleared: false,
          approvalId,
          outcome: 'cancelled',
          reply: accessDenied(call, `approval ${approvalId} was cancelled`),
        };
      case 'pending':
        return {
          cleared: false,
          approvalId,
          outcome: 'pending',
          reply: stillHeld(call, reason, { id: approvalId, url: link, expiresAt: approval.expiresAt }),
        };
    }
  }
}

export type HoldStage = ReturnType<typeof createHoldStage>;

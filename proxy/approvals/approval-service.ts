import type { Approval, ApprovalDecision, Grant, ListApprovalsOptions } from '../store/index.js';
import type { Approver, ApprovalRequirement, TallyResult } from './quorum.js';

/**
 * The approval service is the one place where human approval happens: the hold stage opens approvals and waits on
 * them, the REST API, the approval page, Slack's buttons and the CLI vote through it. Every path goes through the
 * same rules (proxy/approvals/quorum.ts), writes the same audit records and wakes the same waiting calls, so no
 * door is laxer than another.
 */

/** HeldCall is what the hold stage knows about a call the policy held. */
export interface HeldCall {
  /** fingerprintRequest of the exact request: a retry of it has the same one. */
  readonly fingerprint: string;
  readonly agent: { readonly id: string; readonly owner: string };
  /** The decoded call as approvers see it: the CloudCall fields, parameters included. */
  readonly call: Readonly<Record<string, unknown>>;
  /** The policy's reason for holding it. */
  readonly reason: string;
  readonly requirement: ApprovalRequirement;
  readonly policyVersion: string;
}

/** OpenedApproval is `open`'s answer: the approval a held call waits on. */
export interface OpenedApproval {
  readonly approval: Approval;
  /** True when a retry re-joined an existing approval: nobody was notified again. */
  readonly joined: boolean;
  /** The approval page's address with a signed, expiring view token. */
  readonly link: string;
}

/**
 * GrantRequest is what an approver may add to an approve vote: this exact call once (the approval itself already
 * is that), or calls of the same agent, action and resource for some minutes.
 */
export interface GrantRequest {
  readonly minutes: number;
}

/** VoteRequest is one approver's vote, as any door hands it in. */
export interface VoteRequest {
  readonly approvalId: string;
  readonly approver: Approver;
  readonly decision: ApprovalDecision;
  readonly comment?: string;
  /** Only with `approve`. */
  readonly grant?: GrantRequest;
  /** Which door the vote came through, for the audit log: `api`, `page`, `slack`, `cli`. */
  readonly via: string;
}

/** VoteResult is what a vote did. A refused vote changed nothing and is audited. */
export type VoteResult =
  | {
      readonly accepted: true;
      readonly approval: Approval;
      readonly tally: TallyResult;
      /** Set when the approve vote decided the approval and asked for a grant. */
      readonly grant?: Grant;
    }
  | {
      readonly accepted: false;
      /** `not-found`, `resolved` (not pending, or its time ran out), or an IneligibleReason / `already-voted`. */
      readonly reason: string;
      readonly message: string;
    };

/** ApprovalServiceEvent is what notifiers and metrics hear. Listeners must not throw; they are not awaited. */
export type ApprovalServiceEvent =
  | { readonly type: 'created'; readonly approval: Approval; readonly link: string }
  | { readonly type: 'resolved'; readonly approval: Approval; readonly link: string }
  | { readonly type: 'used'; readonly approval: Approval };

/** WaitOptions bound how long a held call waits in this process. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ApprovalService {
  /**
   * open stores a pending approval for a held call, or re-joins the one a retry of the same request already has
   * (pending and unexpired, or approved and unused). Only a new approval is audited as created and announced.
   */
  open(held: HeldCall): Promise<OpenedApproval>;

  /**
   * waitForDecision resolves with the approval as soon as it leaves `pending` (in any process sharing the store), or
   * as it stands when the wait times out or the signal aborts. It never rejects on timeout.
   */
  waitForDecision(approvalId: string, options: WaitOptions): Promise<Approval>;

  /** claim records that an approved call is being forwarded now; true exactly once per approved approval. */
  claim(approvalId: string): Promise<boolean>;

  /**
   * useCoveringGrant finds a grant that lets this agent's call through without a new approval, and counts its use;
   * undefined when there is none.
   */
  useCoveringGrant(agentId: string, iamAction: string, resource: string): Promise<Grant | undefined>;

  vote(request: VoteRequest): Promise<VoteResult>;

  get(approvalId: string): Promise<Approval | undefined>;
  list(options?: ListApprovalsOptions): Promise<Approval[]>;
  /** listGrants lists grants newest first; `activeOnly`: those a call could use now. `limit`: 1 to 1000, default 100. */
  listGrants(options?: {
    readonly agentId?: string;
    readonly activeOnly?: boolean;
    readonly limit?: number;
  }): Promise<Grant[]>;

  /** linkFor gives the approval page's address with a fresh view token that expires with the approval. */
  linkFor(approval: Approval): string;

  subscribe(listener: (event: ApprovalServiceEvent) => void): () => void;

  /** close stops timers and wakes every waiter with the approval as it stands; the store is the caller's. */
  close(): Promise<void>;
}

/**
 * The approval API's JSON, as the CLI reads it (the contract is docs/api.md). Fields are snake_case, as on the wire.
 * The CLI renders what it is given and tolerates fields it does not know, so an API newer than the CLI still works.
 */

/** VoteView is one approver's vote on an approval. */
export interface VoteView {
  readonly approver: string;
  readonly groups: readonly string[];
  readonly decision: 'approve' | 'deny';
  readonly comment?: string;
  readonly at: string;
}

/** ApprovalView is an approval as the API shows it. `call` is the decoded call (proxy/decode/call.ts). */
export interface ApprovalView {
  readonly id: string;
  readonly state: string;
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
  readonly votes: readonly VoteView[];
  readonly link: string;
}

/** ApprovalPage is `GET /v1/approvals`: newest first; `next_before` continues the listing. */
export interface ApprovalPage {
  readonly approvals: readonly ApprovalView[];
  readonly next_before: string | null;
}

/** GrantView is a grant an approve vote created: the agent may repeat the action on the resource until it expires. */
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

/** VoteOutcome is the answer to an approve or deny vote. */
export interface VoteOutcome {
  readonly approval: ApprovalView;
  /** `expired` only when the time ran out as the vote was counted. */
  readonly outcome: 'pending' | 'approved' | 'denied' | 'expired';
  readonly still_needed: number;
  readonly grant?: GrantView;
}

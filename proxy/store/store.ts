import type { AuditStorage } from '../audit/audit-storage.js';
import type { ApprovalState } from '../approvals/index.js';
import type { Approval, NewApproval, NewVote, ResolvedApprovalState } from './approval-record.js';
import type { ApproverToken } from './approver-token-record.js';
import type { Grant, NewGrant } from './grant-record.js';

/** ApprovalJoin is the answer to `createOrJoinApproval`: the approval the call waits on, and whether it already existed. */
export interface ApprovalJoin {
  readonly approval: Approval;
  /** True when an existing approval was returned (a retry re-joining); false when the new one was stored. */
  readonly joined: boolean;
}

/** ListApprovalsOptions filter and page `listApprovals`. */
export interface ListApprovalsOptions {
  readonly state?: ApprovalState;
  readonly agentId?: string;
  /** At most this many, 1 to 1000; default 100. */
  readonly limit?: number;
  /** An approval id: list only approvals created before it (the last id of the previous page). */
  readonly before?: string;
}

/** ListGrantsOptions filter `listGrants`. */
export interface ListGrantsOptions {
  readonly agentId?: string;
  /** Only grants in force at this time and not used up: those `findUsableGrant` could return. */
  readonly activeAt?: string;
  /** At most this many, 1 to 1000; default 100. */
  readonly limit?: number;
}

/** ResolvedApprovalsPage is a page of `approvalsResolvedAfter`. */
export interface ResolvedApprovalsPage {
  /** In resolution order, with their votes. */
  readonly approvals: Approval[];
  /** The number of the last resolution in the page (the one asked after, when the page is empty): ask after it next. */
  readonly lastSeq: number;
}

/**
 * Store is Airlock's durable state: approvals with their votes, grants, approver tokens and the audit log. Every
 * method returns a Promise, so that an implementation over the network (PostgreSQL, for several replicas) has the
 * same shape as the embedded SQLite one. The store never reads a clock: every time is the caller's, so replicas and
 * tests agree on what "now" was. Times are ISO 8601 UTC with milliseconds (`Date.prototype.toISOString()`).
 *
 * What the store guarantees, whatever the implementation (see README.md):
 * - A method that resolves has committed durably; one that rejects has changed nothing.
 * - Steps that read and then write (join by fingerprint, a vote, an audit append) are atomic, also across processes.
 * - Terminal approval states never change; an approval and a `once` grant are used at most once.
 *
 * Malformed arguments reject with InvalidArgumentError before anything is written.
 */
export interface Store extends AuditStorage {
  /**
   * createOrJoinApproval stores a new pending approval, unless one for the same fingerprint can still serve the call:
   * a pending approval that has not expired at `approval.createdAt`, or an approved one not yet used (returned with
   * its state; the caller decides what to do with it). Then that one is returned with `joined: true` and nothing is
   * written. An approved and unused approval is preferred to a pending one; otherwise the newest wins.
   *
   * @throws StoreConflictError when `approval.id` is already taken
   */
  createOrJoinApproval(approval: NewApproval): Promise<ApprovalJoin>;

  getApproval(id: string): Promise<Approval | undefined>;

  /** listApprovals lists approvals newest first (by creation time, then id). @throws ApprovalNotFoundError for an unknown `before` */
  listApprovals(options?: ListApprovalsOptions): Promise<Approval[]>;

  /**
   * recordVote adds one approver's vote to a pending approval that has not expired at `vote.at`, and returns the
   * approval with all its votes. The store counts nothing: the tally and the rules about who may vote are the
   * caller's.
   *
   * @throws ApprovalNotFoundError for an unknown id
   * @throws ApprovalStateError when the approval is resolved or its time has run out
   * @throws DuplicateVoteError when this approver has already voted on it (the first vote stands)
   */
  recordVote(approvalId: string, vote: NewVote): Promise<Approval>;

  /**
   * resolveApproval moves a pending approval to a terminal state and reports whether it did. Only `pending` moves,
   * so terminal states never change and of two racing resolutions exactly one wins. Time decides the rest:
   * `approved` and `denied` need the approval unexpired at `at`, `expired` needs it expired, `cancelled` is
   * always possible while pending.
   *
   * @throws ApprovalNotFoundError for an unknown id
   */
  resolveApproval(id: string, state: ResolvedApprovalState, at: string): Promise<boolean>;

  /**
   * markApprovalUsed records that an approved call was forwarded. It succeeds once per approval, and only on an
   * approved one: false means the call must not be forwarded (again).
   *
   * @throws ApprovalNotFoundError for an unknown id
   */
  markApprovalUsed(id: string, at: string): Promise<boolean>;

  /** expireDueApprovals moves every pending approval whose `expiresAt` is at or before `now` to `expired`, and gives their ids. */
  expireDueApprovals(now: string): Promise<string[]>;

  /**
   * latestApprovalFor gives the newest approval for a fingerprint created at or before `now`, in whatever state: the
   * approval service reads it to answer a retry of a denied call with its denial rather than a new prompt.
   */
  latestApprovalFor(fingerprint: string, now: string): Promise<Approval | undefined>;

  /** getApprovals reads up to 10,000 approvals in one step, ordered by id; unknown ids are left out. */
  getApprovals(ids: readonly string[]): Promise<Approval[]>;

  /**
   * lastResolutionSeq gives the number of the newest resolution. Every move out of `pending` (by `resolveApproval` or
   * `expireDueApprovals`, in any process) is numbered in commit order: a resolution committed after this call has a
   * higher number. 0 when nothing was resolved yet.
   */
  lastResolutionSeq(): Promise<number>;

  /**
   * approvalsResolvedAfter gives the approvals whose resolution is numbered above `seq`, oldest resolution first, at
   * most `limit` (1 to 1000). Waiting calls in every process learn of decisions this way, with one query for all.
   */
  approvalsResolvedAfter(seq: number, limit: number): Promise<ResolvedApprovalsPage>;

  /** nextPendingExpiry gives the earliest `expiresAt` of a pending approval, if there is one. */
  nextPendingExpiry(): Promise<string | undefined>;

  /**
   * createGrant stores a grant.
   *
   * @throws StoreConflictError when `grant.id` is already taken
   * @throws ApprovalNotFoundError when `grant.approvalId` names no approval
   */
  createGrant(grant: NewGrant): Promise<Grant>;

  getGrant(id: string): Promise<Grant | undefined>;

  /**
   * findUsableGrant finds a grant for exactly this agent, action and resource that is in force at `now` and not
   * used up. An `until-expiry` grant is preferred (it is not consumed), then the one expiring first.
   */
  findUsableGrant(agentId: string, iamAction: string, resource: string, now: string): Promise<Grant | undefined>;

  /**
   * useGrant counts one use of a grant and reports whether it was still usable at `at`: a `once` grant succeeds
   * once, an `until-expiry` grant until it expires. False means the call is not covered by this grant.
   *
   * @throws GrantNotFoundError for an unknown id
   */
  useGrant(id: string, at: string): Promise<boolean>;

  /** listGrants lists grants newest first (by creation time, then id). */
  listGrants(options?: ListGrantsOptions): Promise<Grant[]>;

  /**
   * putApproverToken stores a new approver token (its hash). Tokens are never replaced: issue a new one and revoke
   * the old.
   *
   * @throws StoreConflictError when the id or the hash is already stored
   */
  putApproverToken(token: ApproverToken): Promise<void>;

  /** findApproverTokenByHash gives the token with this hash if it has not expired at `now`. Revoked tokens are gone. */
  findApproverTokenByHash(tokenHash: string, now: string): Promise<ApproverToken | undefined>;

  /** revokeApproverToken deletes a token, so its hash no longer authenticates anyone; false if there was none. */
  revokeApproverToken(id: string): Promise<boolean>;

  /** close releases the store; every later call rejects with StoreError. Closing twice is harmless. */
  close(): Promise<void>;
}

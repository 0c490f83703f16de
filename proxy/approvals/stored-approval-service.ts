import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import { ApprovalNotFoundError, ApprovalStateError, DuplicateVoteError, InvalidArgumentError } from '../core/errors.js';
import type { Approval, Grant, ListApprovalsOptions, Store } from '../store/index.js';
import {
  createdFacts,
  grantFacts,
  grantScopeOf,
  rejoinedFacts,
  resolutionFacts,
  usedFacts,
} from './approval-audit-facts.js';
import { MIN_LINK_KEY_BYTES, signApprovalLink } from './approval-link.js';
import type {
  ApprovalService,
  ApprovalServiceEvent,
  HeldCall,
  OpenedApproval,
  VoteRequest,
  VoteResult,
  WaitOptions,
} from './approval-service.js';
import { ApprovalServiceClosedError } from './approval-service-errors.js';
import { type DecisionWait, DecisionWaiters } from './decision-waiters.js';
import { ApprovalWatch, READ_BATCH } from './approval-watch.js';
import { quorumVote } from './quorum-votes.js';
import { admitVote, approvalExpiresAt, tally } from './quorum.js';

/** ApprovalServiceOptions are what `createApprovalService` builds on. */
export interface ApprovalServiceOptions {
  readonly store: Store;
  readonly audit: AuditLog;
  /** The key approval links are signed with: at least 32 bytes, used for nothing else. */
  readonly linkKey: Uint8Array;
  /** The API's and pages' base address; links are `${publicUrl}/approvals/${id}?token=…`. */
  readonly publicUrl: string;
  readonly clock?: () => Date;
  /**
   * How often, while calls wait in this process, the store is asked for expired approvals and for decisions taken
   * by other processes; default 250 ms. Decisions taken in this process wake their waiters at once.
   */
  readonly pollIntervalMs?: number;
  readonly log?: Logger;
}

/** MIN_GRANT_MINUTES and MAX_GRANT_MINUTES bound a grant's length: one minute to one day. */
export const MIN_GRANT_MINUTES = 1;
export const MAX_GRANT_MINUTES = 1440;

const DEFAULT_POLL_INTERVAL_MS = 250;
const MAX_POLL_INTERVAL_MS = 60_000;
/** How often a grant is looked for again when another call took it between the look-up and the use. */
const GRANT_ATTEMPTS = 3;

/**
 * createApprovalService builds the ApprovalService over a Store and an AuditLog: the one implementation, used by the
 * hold stage, the API, the approval pages, chat buttons and the CLI alike.
 *
 * Waiting scales with one shared timer: while calls wait, every `pollIntervalMs` it expires what is due and asks the
 * store, in one query for all waiters, which approvals were resolved since it last asked (by any process sharing the
 * store). Independently, an unreferenced alarm is set for the earliest pending expiry, so expired approvals are
 * audited and announced even when no call is waiting on them.
 *
 * Retries: a retry joins its pending approval, or its approved and unused one; a retry of a denied call gets the
 * denial back (no new prompt) until the denied approval's `expiresAt`; after that, and after `expired`,
 * `cancelled` or a used approval, a retry opens a new approval and a new prompt.
 *
 * @throws InvalidArgumentError for a missing store or audit log, a link key under 32 bytes, a `publicUrl` that is
 *   not an http(s) URL, or a `pollIntervalMs` outside 1 to 60000
 */
export function createApprovalService(options: ApprovalServiceOptions): ApprovalService {
  return new StoredApprovalService(options);
}

class StoredApprovalService implements ApprovalService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #linkKey: Uint8Array;
  readonly #publicUrl: string;
  readonly #clock: () => Date;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<(event: ApprovalServiceEvent) => void>();
  readonly #waiters: DecisionWaiters;
  readonly #watch: ApprovalWatch;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ApprovalServiceOptions) {
    if (options.store === undefined || options.store === null) throw new InvalidArgumentError('store is required');
    if (options.audit === undefined || options.audit === null) throw new InvalidArgumentError('audit is required');
    if (!(options.linkKey instanceof Uint8Array) || options.linkKey.length < MIN_LINK_KEY_BYTES) {
      throw new InvalidArgumentError(`linkKey must be at least ${MIN_LINK_KEY_BYTES} bytes`);
    }
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 1 || pollIntervalMs > MAX_POLL_INTERVAL_MS) {
      throw new InvalidArgumentError(`pollIntervalMs must be an integer from 1 to ${MAX_POLL_INTERVAL_MS}`);
    }
    this.#store = options.store;
    this.#audit = options.audit;
    this.#linkKey = options.linkKey;
    this.#publicUrl = checkPublicUrl(options.publicUrl);
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log;
    this.#waiters = new DecisionWaiters({
      onFirst: () => this.#watch.startPolling(),
      onEmpty: () => this.#watch.stopPolling(),
      onDeadline: (wait) => this.#answerAtDeadline(wait),
    });
    this.#watch = new ApprovalWatch({
      store: this.#store,
      audit: this.#audit,
      clock: this.#clock,
      waiters: this.#waiters,
      pollIntervalMs,
      log: this.#log,
      announceExpired: (approval) => this.#emit({ type: 'resolved', approval, link: this.linkFor(approval) }),
    });
  }

  async open(held: HeldCall): Promise<OpenedApproval> {
    this.#refuseIfClosed();
    const now = this.#clock();
    const latest = await this.#store.latestApprovalFor(held.fingerprint, now.toISOString());
    if (latest?.state === 'denied' && Date.parse(latest.expiresAt) > now.getTime()) {
      await this.#audit.append('approval.rejoined', rejoinedFacts(latest), now);
      return { approval: latest, joined: true, link: this.linkFor(latest) };
    }

    const expiresAt = approvalExpiresAt(now, held.requirement);
    const { approval, joined } = await this.#store.createOrJoinApproval({
      id: `apv_${randomBytes(16).toString('base64url')}`,
      fingerprint: held.fingerprint,
      agentId: held.agent.id,
      agentOwner: held.agent.owner,
      call: held.call,
      reason: held.reason,
      requirement: held.requirement,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    const link = this.linkFor(approval);
    if (joined) {
      await this.#audit.append('approval.rejoined', rejoinedFacts(approval), now);
      // Another process may have opened it and gone: this one then sees that it expires.
      if (approval.state === 'pending') this.#watch.expiryAhead(new Date(approval.expiresAt));
      return { approval, joined, link };
    }
    await this.#audit.append('approval.created', createdFacts(approval, held), now);
    this.#watch.expiryAhead(expiresAt);
    this.#emit({ type: 'created', approval, link });
    return { approval, joined, link };
  }

  async waitForDecision(approvalId: string, options: WaitOptions): Promise<Approval> {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs < 0) {
      throw new InvalidArgumentError('timeoutMs must be a non-negative number');
    }
    if (this.#closed || options.timeoutMs === 0 || options.signal?.aborted === true) {
      return this.#require(approvalId);
    }
    // Registered before the first read, so that a decision landing between the read and the wait still wakes it.
    const wait = this.#waiters.add(approvalId, options);
    try {
      await this.#watch.resolutionCursorReady();
      const current = await this.#store.getApproval(approvalId);
      if (current === undefined) wait.fail(new ApprovalNotFoundError(`no approval ${approvalId}`));
      else if (current.state !== 'pending') wait.settle(current);
    } catch (error) {
      wait.fail(error);
    }
    return wait.decided;
  }

  async claim(approvalId: string): Promise<boolean> {
    const now = this.#clock();
    let used: boolean;
    try {
      used = await this.#store.markApprovalUsed(approvalId, now.toISOString());
    } catch (error) {
      if (error instanceof ApprovalNotFoundError) return false;
      throw error;
    }
    if (!used) return false;
    const approval = await this.#store.getApproval(approvalId);
    await this.#audit.append('approval.used', usedFacts(approval, approvalId), now);
    if (approval !== undefined) this.#emit({ type: 'used', approval });
    return true;
  }

  async useCoveringGrant(agentId: string, iamAction: string, resource: string): Promise<Grant | undefined> {
    for (let attempt = 0; attempt < GRANT_ATTEMPTS; attempt++) {
      const now = this.#clock();
      const grant = await this.#store.findUsableGrant(agentId, iamAction, resource, now.toISOString());
      if (grant === undefined) return undefined;
      // A `once` grant can be taken by another call between the look-up and the use: then look again.
      if (await this.#store.useGrant(grant.id, now.toISOString())) {
        const used = (await this.#store.getGrant(grant.id)) ?? grant;
        await this.#audit.append('grant.used', grantFacts(used), now);
        return used;
      }
    }
    return undefined;
  }

  async vote(request: VoteRequest): Promise<VoteResult> {
    this.#refuseIfClosed();
    checkVoteRequest(request);
    const now = this.#clock();
    const approval = await this.#store.getApproval(request.approvalId);
    if (approval === undefined) return this.#refuse(request, 'not-found', 'there is no such approval', now);
    if (approval.state !== 'pending') {
      return this.#refuse(request, 'resolved', `this approval is already ${approval.state}`, now);
    }
    if (now.getTime() >= Date.parse(approval.expiresAt)) {
      return this.#refuse(request, 'resolved', 'this approval ran out of time', now);
    }

    const terms = { agentId: approval.agentId, agentOwner: approval.agentOwner, requirement: approval.requirement };
    const admission = admitVote(request.approver, terms, approval.votes.map(quorumVote), request.decision, now);
    if (!admission.admitted) return this.#refuse(request, admission.reason, admission.message, now);
    const grantScope = request.grant === undefined ? undefined : grantScopeOf(approval);
    if (request.grant !== undefined && grantScope === undefined) {
      return this.#refuse(request, 'grant-not-possible', 'this call names no resource a grant could cover', now);
    }

    let voted: Approval;
    try {
      voted = await this.#store.recordVote(approval.id, {
        approverId: admission.vote.approverId,
        approverGroups: admission.vote.approverGroups,
        decision: request.decision,
        ...(request.comment === undefined ? {} : { comment: request.comment }),
        at: now.toISOString(),
      });
    } catch (error) {
      if (error instanceof DuplicateVoteError) return this.#refuse(request, 'already-voted', error.message, now);
      if (error instanceof ApprovalStateError) return this.#refuse(request, 'resolved', error.message, now);
      throw error;
    }
    await this.#audit.append(
      'vote.recorded',
      {
        approval_id: approval.id,
        approver: request.approver.id,
        groups: [...admission.vote.approverGroups],
        decision: request.decision,
        via: request.via,
        ...(request.comment === undefined ? {} : { comment: request.comment }),
        ...(request.grant === undefined ? {} : { grant_minutes: request.grant.minutes }),
      },
      now,
    );

    const result = tally(voted.requirement, voted.votes.map(quorumVote), now, new Date(voted.expiresAt));
    if (result.outcome !== 'approved' && result.outcome !== 'denied') {
      return { accepted: true, approval: voted, tally: result };
    }
    // Of racing votes, here or in another process, exactly one resolution wins; only the winner tells anyone.
    const won = await this.#store.resolveApproval(approval.id, result.outcome, now.toISOString());
    const resolved = (await this.#store.getApproval(approval.id)) ?? voted;
    if (!won) return { accepted: true, approval: resolved, tally: result };

    // Queued before the waiters wake, so that the call's `approval.used` cannot precede this in the log.
    const auditing = this.#audit.append(
      `approval.${result.outcome}`,
      resolutionFacts(resolved, result.approvedBy, result.deniedBy),
      now,
    );
    this.#waiters.wake(resolved);
    await auditing;
    let grant: Grant | undefined;
    if (result.outcome === 'approved' && request.grant !== undefined && grantScope !== undefined) {
      grant = await this.#store.createGrant({
        id: `grt_${randomBytes(16).toString('base64url')}`,
        approvalId: approval.id,
        agentId: approval.agentId,
        iamAction: grantScope.iamAction,
        resource: grantScope.resource,
        createdBy: request.approver.id,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + request.grant.minutes * 60_000).toISOString(),
        uses: 'until-expiry',
      });
      await this.#audit.append('grant.created', grantFacts(grant), now);
    }
    this.#emit({ type: 'resolved', approval: resolved, link: this.linkFor(resolved) });
    return { accepted: true, approval: resolved, tally: result, ...(grant === undefined ? {} : { grant }) };
  }

  get(approvalId: string): Promise<Approval | undefined> {
    return this.#store.getApproval(approvalId);
  }

  list(options?: ListApprovalsOptions): Promise<Approval[]> {
    return this.#store.listApprovals(options);
  }

  listGrants(
    options: { readonly agentId?: string; readonly activeOnly?: boolean; readonly limit?: number } = {},
  ): Promise<Grant[]> {
    return this.#store.listGrants({
      ...(options.agentId === undefined ? {} : { agentId: options.agentId }),
      ...(options.activeOnly === true ? { activeAt: this.#clock().toISOString() } : {}),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
  }

  linkFor(approval: Approval): string {
    const token = signApprovalLink({ approvalId: approval.id, expiresAt: new Date(approval.expiresAt) }, this.#linkKey);
    return `${this.#publicUrl}/approvals/${encodeURIComponent(approval.id)}?token=${token}`;
  }

  subscribe(listener: (event: ApprovalServiceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#closed = true;
    await this.#watch.close();
    const ids = this.#waiters.approvalIds();
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const approvals = await this.#store.getApprovals(ids.slice(start, start + READ_BATCH)).catch((error) => {
        this.#log?.warn({ err: error }, 'could not read the approvals calls were waiting on');
        return [];
      });
      for (const approval of approvals) this.#waiters.wake(approval);
    }
    // Left: waits whose first read is still running, or whose approval the store could not read.
    for (const id of this.#waiters.approvalIds()) {
      for (const wait of this.#waiters.waitsOn(id)) {
        wait.fail(new ApprovalServiceClosedError('the approval service closed before the approval could be read'));
      }
    }
  }

  /** #require reads an approval that must exist. */
  async #require(approvalId: string): Promise<Approval> {
    const approval = await this.#store.getApproval(approvalId);
    if (approval === undefined) throw new ApprovalNotFoundError(`no approval ${approvalId}`);
    return approval;
  }

  #answerAtDeadline(wait: DecisionWait): void {
    this.#store.getApproval(wait.approvalId).then(
      (approval) => {
        if (approval !== undefined) wait.settle(approval);
        else wait.fail(new ApprovalNotFoundError(`no approval ${wait.approvalId}`));
      },
      (error: unknown) => wait.fail(error),
    );
  }

  async #refuse(request: VoteRequest, reason: string, message: string, now: Date): Promise<VoteResult> {
    await this.#audit.append(
      'vote.refused',
      {
        approval_id: request.approvalId,
        approver: request.approver.id,
        decision: request.decision,
        reason,
        via: request.via,
      },
      now,
    );
    return { accepted: false, reason, message };
  }

  #emit(event: ApprovalServiceEvent): void {
    for (const listener of this.#listeners) {
      try {
        const returned: unknown = listener(event);
        if (returned instanceof Promise) {
          returned.catch((error: unknown) => this.#reportListenerFailure(event, error));
        }
      } catch (error) {
        this.#reportListenerFailure(event, error);
      }
    }
  }

  #reportListenerFailure(event: ApprovalServiceEvent, error: unknown): void {
    this.#log?.error({ err: error, event: event.type, approval: event.approval.id }, 'approval listener failed');
  }

  #refuseIfClosed(): void {
    if (this.#closed) throw new ApprovalServiceClosedError('the approval service is closed');
  }
}

function checkVoteRequest(request: VoteRequest): void {
  if (request.decision !== 'approve' && request.decision !== 'deny') {
    throw new InvalidArgumentError("decision must be 'approve' or 'deny'");
  }
  if (typeof request.via !== 'string' || request.via === '') {
    throw new InvalidArgumentError('via must name the door the vote came through');
  }
  if (request.grant === undefined) return;
  if (request.decision !== 'approve') throw new InvalidArgumentError('only an approve vote can give a grant');
  const { minutes } = request.grant;
  if (!Number.isSafeInteger(minutes) || minutes < MIN_GRANT_MINUTES || minutes > MAX_GRANT_MINUTES) {
    throw new InvalidArgumentError(
      `grant minutes must be an integer from ${MIN_GRANT_MINUTES} to ${MAX_GRANT_MINUTES}`,
    );
  }
}

function checkPublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new InvalidArgumentError('publicUrl must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('publicUrl must be an absolute http or https URL');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError('publicUrl must not carry a query or a fragment');
  }
  return url.href.replace(/\/+$/, '');
}

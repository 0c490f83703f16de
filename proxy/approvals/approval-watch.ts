import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import type { Approval, Store } from '../store/index.js';
import { resolutionFacts } from './approval-audit-facts.js';
import type { DecisionWaiters } from './decision-waiters.js';
import { quorumVote } from './quorum-votes.js';
import { tally } from './quorum.js';

/** READ_BATCH is the most ids one `getApprovals` takes. */
export const READ_BATCH = 10_000;
/** Decisions read per query while catching up; a poll reads at most RESOLUTION_PAGES of them. */
const RESOLUTION_PAGE = 500;
const RESOLUTION_PAGES = 20;
/** The expiry alarm's shortest delay, unless polls are more frequent. */
const MIN_ALARM_DELAY_MS = 1_000;
/** How long the expiry alarm waits after the store failed before it tries again. */
const ALARM_RETRY_MS = 5_000;
const MAX_TIMER_MS = 0x7fffffff;

/** ApprovalWatchOptions are what the watch reads, writes and wakes. */
export interface ApprovalWatchOptions {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly clock: () => Date;
  readonly waiters: DecisionWaiters;
  readonly pollIntervalMs: number;
  readonly log: Logger | undefined;
  /** Tells subscribers about an approval this process expired. */
  readonly announceExpired: (approval: Approval) => void;
}

/**
 * ApprovalWatch keeps a process's waiting calls in step with the store, with two timers whatever the number of
 * waits:
 *
 * - the poll, every `pollIntervalMs` while anyone waits: expire what is due, then ask for every approval resolved
 *   (by any process) since the last resolution number seen, one query for all waits, and wake their waiters;
 * - the expiry alarm, unreferenced, at the earliest pending expiry in the store: approvals expire, are audited and
 *   announced when nobody waits on them, also those an earlier process left pending.
 *
 * Expiry is atomic in the store, so of several processes sweeping at once each approval is expired, audited and
 * announced by exactly one.
 */
export class ApprovalWatch {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #clock: () => Date;
  readonly #waiters: DecisionWaiters;
  readonly #pollIntervalMs: number;
  readonly #log: Logger | undefined;
  readonly #announceExpired: (approval: Approval) => void;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /**
   * The last resolution this process has woken waiters for (see Store.lastResolutionSeq). It is read afresh when
   * waiting starts after nobody waited, so a poll never wades through resolutions nobody here waited on; the
   * generation keeps a read begun before such a restart from moving the new cursor.
   */
  #cursor: number | undefined;
  #cursorLoading: Promise<void> | undefined;
  #cursorGeneration = 0;
  #alarm: NodeJS.Timeout | undefined;
  #alarmAtMs: number | undefined;
  #closed = false;

  constructor(options: ApprovalWatchOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#waiters = options.waiters;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#log = options.log;
    this.#announceExpired = options.announceExpired;
    void this.#armExpiryAlarm();
  }

  /** startPolling starts the shared poll; the waiters call it when the first wait begins. */
  startPolling(): void {
    if (this.#closed || this.#pollTimer !== undefined) return;
    this.#pollTimer = setInterval(() => this.#poll(), this.#pollIntervalMs);
    // The waits' own timeouts keep the process alive; this timer alone must not.
    this.#pollTimer.unref();
  }

  /** stopPolling stops it when the last wait ends, and forgets the cursor (see #cursor). */
  stopPolling(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#cursor = undefined;
    this.#cursorLoading = undefined;
    this.#cursorGeneration += 1;
  }

  /**
   * resolutionCursorReady makes sure the cursor is read before a new wait reads its approval: a resolution after
   * that read is then numbered above the cursor, and the poll finds it.
   */
  async resolutionCursorReady(): Promise<void> {
    if (this.#cursor !== undefined) return;
    const generation = this.#cursorGeneration;
    this.#cursorLoading ??= this.#store.lastResolutionSeq().then((seq) => {
      if (generation === this.#cursorGeneration) this.#cursor = seq;
    });
    await this.#cursorLoading;
  }

  /** expiryAhead brings the alarm forward for a new approval that expires before it would ring. */
  expiryAhead(expiresAt: Date): void {
    if (this.#alarmAtMs === undefined || expiresAt.getTime() < this.#alarmAtMs) this.#setAlarm(expiresAt.getTime());
  }

  /** close stops both timers and waits for a poll under way. */
  async close(): Promise<void> {
    this.#closed = true;
    this.stopPolling();
    clearTimeout(this.#alarm);
    this.#alarm = undefined;
    await this.#polling;
  }

  #poll(): void {
    if (this.#polling !== undefined) return;
    this.#polling = this.#pollOnce()
      .catch((error: unknown) => this.#log?.warn({ err: error }, 'polling approvals failed; trying again'))
      .finally(() => {
        this.#polling = undefined;
      });
  }

  async #pollOnce(): Promise<void> {
    await this.#expireDue();
    const generation = this.#cursorGeneration;
    for (let page = 0; page < RESOLUTION_PAGES; page++) {
      const cursor = this.#cursor;
      if (cursor === undefined || this.#waiters.size === 0) return;
      const { approvals, lastSeq } = await this.#store.approvalsResolvedAfter(cursor, RESOLUTION_PAGE);
      if (generation === this.#cursorGeneration) this.#cursor = lastSeq;
      for (const approval of approvals) this.#waiters.wake(approval);
      if (approvals.length < RESOLUTION_PAGE) return;
    }
  }

  /** #expireDue expires what is due; this process audits and announces exactly the approvals it expired. */
  async #expireDue(): Promise<void> {
    const now = this.#clock();
    const ids = await this.#store.expireDueApprovals(now.toISOString());
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      for (const approval of await this.#store.getApprovals(ids.slice(start, start + READ_BATCH))) {
        const { approvedBy } = tally(
          approval.requirement,
          approval.votes.map(quorumVote),
          now,
          new Date(approval.expiresAt),
        );
        const auditing = this.#audit.append('approval.expired', resolutionFacts(approval, approvedBy, undefined), now);
        this.#waiters.wake(approval);
        await auditing.catch((error: unknown) =>
          this.#log?.error({ err: error, approval: approval.id }, 'could not audit an expired approval'),
        );
        this.#announceExpired(approval);
      }
    }
  }

  async #armExpiryAlarm(): Promise<void> {
    try {
      const next = await this.#store.nextPendingExpiry();
      this.#setAlarm(next === undefined ? undefined : Date.parse(next));
    } catch (error) {
      this.#log?.warn({ err: error }, 'could not read the next approval expiry; trying again');
      this.#setAlarm(this.#clock().getTime() + ALARM_RETRY_MS);
    }
  }

  #setAlarm(atMs: number | undefined): void {
    clearTimeout(this.#alarm);
    this.#alarm = undefined;
    this.#alarmAtMs = atMs;
    if (atMs === undefined || this.#closed) return;
    // Never at once, so that an expiry the sweep cannot reach (another process's clock ahead of ours) cannot spin it.
    const soonest = Math.min(this.#pollIntervalMs, MIN_ALARM_DELAY_MS);
    const delay = Math.min(Math.max(atMs - this.#clock().getTime(), soonest), MAX_TIMER_MS);
    this.#alarm = setTimeout(() => void this.#ringAlarm(), delay);
    this.#alarm.unref();
  }

  async #ringAlarm(): Promise<void> {
    this.#alarm = undefined;
    this.#alarmAtMs = undefined;
    try {
      await this.#expireDue();
    } catch (error) {
      this.#log?.warn({ err: error }, 'expiring approvals failed; trying again');
    }
    if (!this.#closed) await this.#armExpiryAlarm();
  }
}

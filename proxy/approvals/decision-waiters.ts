import type { Approval } from '../store/index.js';
import type { WaitOptions } from './approval-service.js';

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * DecisionWait is one `waitForDecision` call: a promise that settles once, with the approval as it stands. Whatever
 * settles it first (a decision, the deadline, an abort, close) wins; the rest find it settled and do nothing.
 */
export class DecisionWait {
  readonly approvalId: string;
  readonly decided: Promise<Approval>;
  #resolve!: (approval: Approval) => void;
  #reject!: (error: unknown) => void;
  #release: () => void;
  #settled = false;

  constructor(approvalId: string, release: () => void) {
    this.approvalId = approvalId;
    this.#release = release;
    this.decided = new Promise<Approval>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  settle(approval: Approval): void {
    if (this.#end()) this.#resolve(approval);
  }

  fail(error: unknown): void {
    if (this.#end()) this.#reject(error);
  }

  #end(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#release();
    return true;
  }
}

/** DecisionWaitersHooks let the owner run one shared timer while anyone waits, and answer deadlines. */
export interface DecisionWaitersHooks {
  /** The first wait began (the count went from 0 to 1). */
  readonly onFirst: () => void;
  /** The last wait ended. */
  readonly onEmpty: () => void;
  /** A wait's timeout passed or its signal aborted: settle it with the approval as it stands. */
  readonly onDeadline: (wait: DecisionWait) => void;
}

/**
 * DecisionWaiters holds every waiting call of one process, grouped by approval, so that a decision wakes all the
 * calls waiting on it in one step, and a poll asks the store once for all of them. A wait costs an entry in a set, a
 * promise and a timer for its own timeout; nothing polls per wait.
 */
export class DecisionWaiters {
  readonly #byApproval = new Map<string, Set<DecisionWait>>();
  readonly #hooks: DecisionWaitersHooks;
  #size = 0;

  constructor(hooks: DecisionWaitersHooks) {
    this.#hooks = hooks;
  }

  /** size is how many calls are waiting. */
  get size(): number {
    return this.#size;
  }

  /** approvalIds are the approvals someone is waiting on. */
  approvalIds(): string[] {
    return [...this.#byApproval.keys()];
  }

  /** add starts a wait on an approval; its timeout and signal hand it to `onDeadline`. */
  add(approvalId: string, options: WaitOptions): DecisionWait {
    const { signal } = options;
    const onDeadline = (): void => this.#hooks.onDeadline(wait);
    const timer = setTimeout(onDeadline, Math.min(options.timeoutMs, MAX_TIMER_MS));
    signal?.addEventListener('abort', onDeadline, { once: true });
    const wait = new DecisionWait(approvalId, () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onDeadline);
      this.#remove(wait);
    });

    let waits = this.#byApproval.get(approvalId);
    if (waits === undefined) {
      waits = new Set();
      this.#byApproval.set(approvalId, waits);
    }
    waits.add(wait);
    this.#size += 1;
    if (this.#size === 1) this.#hooks.onFirst();
    return wait;
  }

  /** wake settles every wait on this approval with it. */
  wake(approval: Approval): void {
    const waits = this.#byApproval.get(approval.id);
    if (waits === undefined) return;
    // Unmapped first, so that each settle's removal is a map miss rather than a delete from the set being walked.
    this.#byApproval.delete(approval.id);
    for (const wait of waits) wait.settle(approval);
  }

  /** waitsOn gives the waits still open on one approval. */
  waitsOn(approvalId: string): DecisionWait[] {
    return [...(this.#byApproval.get(approvalId) ?? [])];
  }

  #remove(wait: DecisionWait): void {
    const waits = this.#byApproval.get(wait.approvalId);
    if (waits?.delete(wait) === true && waits.size === 0) this.#byApproval.delete(wait.approvalId);
    this.#size -= 1;
    if (this.#size === 0) this.#hooks.onEmpty();
  }
}

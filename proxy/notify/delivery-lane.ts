import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Approval } from '../store/index.js';
import { NotifyDeliveryError, type DeliveryFailure } from './notify-errors.js';

/** NotifyEvent is an approval event a notifier announces; `used` events are not announced. */
export interface NotifyEvent {
  readonly type: 'created' | 'resolved';
  readonly approval: Approval;
  readonly link: string;
}

/** SendAttempt makes one attempt to deliver a prepared notification, throwing NotifyDeliveryError if it failed. */
export type SendAttempt = (signal: AbortSignal) => Promise<void>;

/**
 * NotifyChannel is one destination (Slack's webhook or bot, Teams, one generic webhook). `prepare` builds the
 * message once, so every retry sends the same one.
 */
export interface NotifyChannel {
  /** The notifier's name in logs and metrics: `slack`, `slack-webhook`, `teams`, `webhook[0]`. */
  readonly name: string;
  /** The receiver's host; its URL is a secret. */
  readonly host: string;
  prepare(event: NotifyEvent): SendAttempt;
}

/** DeliveryOutcome is what `onOutcome` hears: one `sent` or `failed` per job, one `retried` per retry. */
export type DeliveryOutcome = 'sent' | 'retried' | 'failed';

/** DeliveryOptions bound each notifier's queue and retries. */
export interface DeliveryOptions {
  /** Jobs a notifier may have waiting; beyond it the oldest waiting job is dropped. */
  readonly maxQueuedJobs: number;
  /** Jobs a notifier sends (or waits to retry) at once. */
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  /** Attempts per job, the first included. */
  readonly maxAttempts: number;
  /** The backoff before the second attempt; it doubles per attempt up to `maxDelayMs`, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After honoured; a longer one is waited this long. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  maxQueuedJobs: 10_000,
  concurrency: 4,
  requestTimeoutMs: 10_000,
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

interface DeliveryJob {
  readonly event: NotifyEvent;
  readonly send: SendAttempt;
}

/**
 * DeliveryLane is one notifier's queue. Jobs wait in arrival order and run up to `concurrency` at a time, except
 * that a job never starts while an earlier job for the same approval is running: `resolved` waits for `created`,
 * so the Slack bot has the message's ts when it edits it. A job runs until it is sent or given up, retries and
 * their backoff included; lanes share nothing, so a failing notifier slows only itself.
 *
 *   waiting: [ created B | resolved A (A running: skipped) | created C ]   running: { A }
 */
export class DeliveryLane {
  readonly #channel: NotifyChannel;
  readonly #options: DeliveryOptions;
  readonly #log: Logger;
  readonly #onOutcome: (outcome: DeliveryOutcome) => void;
  readonly #stopping = new AbortController();
  #waiting: DeliveryJob[] = [];
  readonly #runningApprovals = new Set<string>();
  #running = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(
    channel: NotifyChannel,
    options: DeliveryOptions,
    log: Logger,
    onOutcome: (outcome: DeliveryOutcome) => void,
  ) {
    this.#channel = channel;
    this.#options = options;
    this.#log = log.child({ notifier: channel.name, host: channel.host });
    this.#onOutcome = onOutcome;
  }

  /** name is the notifier's name. */
  get name(): string {
    return this.#channel.name;
  }

  /** enqueue adds a job for the event; after `close` it does nothing. */
  enqueue(event: NotifyEvent): void {
    if (this.#stopping.signal.aborted) return;
    this.#waiting.push({ event, send: this.#channel.prepare(event) });
    if (this.#waiting.length > this.#options.maxQueuedJobs) {
      const dropped = this.#waiting.shift();
      if (dropped !== undefined) {
        this.#log.error(
          { approval_id: dropped.event.approval.id, event: dropped.event.type, queued: this.#waiting.length },
          'notification queue full: dropped the oldest waiting notification',
        );
        this.#onOutcome('failed');
      }
    }
    this.#startWaitingJobs();
  }

  /** idle resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** close drops waiting jobs, aborts running ones (their requests and backoff) and resolves once they stopped. */
  async close(): Promise<void> {
    if (!this.#stopping.signal.aborted) {
      this.#stopping.abort();
      if (this.#waiting.length > 0) {
        this.#log.warn({ abandoned: this.#waiting.length }, 'closing: unsent notifications abandoned');
      }
      this.#waiting = [];
    }
    await this.idle();
  }

  #startWaitingJobs(): void {
    while (this.#running < this.#options.concurrency) {
      const index = this.#waiting.findIndex((job) => !this.#runningApprovals.has(job.event.approval.id));
      if (index === -1) break;
      const [job] = this.#waiting.splice(index, 1);
      if (job === undefined) break;
      this.#running += 1;
      this.#runningApprovals.add(job.event.approval.id);
      void this.#run(job).finally(() => {
        this.#running -= 1;
        this.#runningApprovals.delete(job.event.approval.id);
        this.#startWaitingJobs();
        this.#wakeIdleWaiters();
      });
    }
  }

  #wakeIdleWaiters(): void {
    if (this.#running > 0 || this.#waiting.length > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async #run(job: DeliveryJob): Promise<void> {
    const fields = { approval_id: job.event.approval.id, event: job.event.type };
    const stopping = this.#stopping.signal;
    for (let attempt = 1; attempt <= this.#options.maxAttempts; attempt += 1) {
      if (stopping.aborted) return;
      const failure = await this.#attempt(job, stopping);
      if (failure === undefined) {
        this.#log.info({ ...fields, attempt }, 'notification sent');
        this.#onOutcome('sent');
        return;
      }
      if (stopping.aborted) return;
      const logged = { ...fields, attempt, ...failureFields(failure) };
      if (!failure.retryable || attempt === this.#options.maxAttempts) {
        const why = failure.retryable ? 'attempts exhausted' : 'not retryable';
        this.#log.error(logged, `notification failed: ${why}`);
        this.#onOutcome('failed');
        return;
      }
      const delayMs = this.#backoff(attempt, failure.retryAfterMs);
      this.#log.warn({ ...logged, delay_ms: delayMs }, 'notification failed: will retry');
      this.#onOutcome('retried');
      try {
        await sleep(delayMs, undefined, { signal: stopping });
      } catch {
        return;
      }
    }
  }

  async #attempt(job: DeliveryJob, stopping: AbortSignal): Promise<DeliveryFailure | undefined> {
    const signal = AbortSignal.any([stopping, AbortSignal.timeout(this.#options.requestTimeoutMs)]);
    try {
      await job.send(signal);
      return undefined;
    } catch (error) {
      if (error instanceof NotifyDeliveryError) return error.failure;
      // A bug in building or reading a message: its text may quote what it was parsing, so only its class is logged.
      const errorClass = error instanceof Error ? error.name : typeof error;
      return { reason: 'network', retryable: false, host: this.#channel.host, detail: `internal ${errorClass}` };
    }
  }

  /** #backoff is the wait after a failed attempt: Retry-After when given, else full jitter over a doubling cap. */
  #backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.#options.maxRetryAfterMs);
    const cap = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(Math.random() * cap);
  }
}

function failureFields(failure: DeliveryFailure): Record<string, unknown> {
  return {
    reason: failure.reason,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    ...(failure.retryAfterMs === undefined ? {} : { retry_after_ms: failure.retryAfterMs }),
  };
}

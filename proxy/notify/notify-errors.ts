import { AirlockError } from '../core/errors.js';

/**
 * DeliveryFailureReason says how one attempt to deliver a notification failed: the request never got an answer
 * (`network`, `timeout`), the receiver answered with a failing status (`http-status`, `redirect`), or Slack's Web API
 * answered 200 with `{"ok": false}` (`slack-error`).
 */
export type DeliveryFailureReason = 'network' | 'timeout' | 'http-status' | 'redirect' | 'slack-error';

/** DeliveryFailure is what one failed attempt learnt; every field is safe to log. */
export interface DeliveryFailure {
  readonly reason: DeliveryFailureReason;
  /** True when trying again may succeed: network failures, timeouts, 429, 5xx, Slack's `ratelimited`. */
  readonly retryable: boolean;
  /** The receiver's host, never its URL: webhook URLs are secrets. */
  readonly host: string;
  readonly status?: number | undefined;
  /** The wait the receiver asked for (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** Slack's error code (`channel_not_found`, `ratelimited`) or the network error's code (`ECONNREFUSED`). */
  readonly detail?: string | undefined;
}

/**
 * NotifyDeliveryError: one attempt to deliver a notification failed. Its message names the receiver's host and
 * what went wrong, never the URL, a token or a secret.
 */
export class NotifyDeliveryError extends AirlockError {
  override readonly name: string = 'NotifyDeliveryError';
  override readonly code: string = 'AIRLOCK_ERR_NOTIFY_DELIVERY';
  readonly failure: DeliveryFailure;
  constructor(message: string, failure: DeliveryFailure) {
    super(message);
    this.failure = failure;
  }
}

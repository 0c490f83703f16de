import { NotifyDeliveryError } from './notify-errors.js';

/** PostedResponse is a receiver's answer, its body read (up to a bound) so the connection can be reused. */
export interface PostedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

// Receivers answer with a word or a small JSON object; anything longer is cut rather than buffered whole.
const MAX_RESPONSE_CHARS = 64 * 1024;

/**
 * postJson sends one JSON body and reads the answer, whatever its status. Redirects are not followed: a webhook
 * that moved should be reconfigured, not chased with the payload.
 *
 * @throws NotifyDeliveryError (`network` or `timeout`, retryable) when no answer arrives
 */
export async function postJson(
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<PostedResponse> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'airlock-notify', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
    return { status: response.status, headers: response.headers, text: await readBounded(response) };
  } catch (error) {
    throw unanswered(url.host, error, signal);
  }
}

/**
 * failOnStatus accepts a 2xx answer and turns any other into a failure: 429 and 5xx are retryable (429 with its
 * Retry-After), 3xx and other 4xx are not, as sending the same request again would be refused the same way.
 *
 * @throws NotifyDeliveryError unless the status is 2xx
 */
export function failOnStatus(response: PostedResponse, host: string, now: Date, detail?: string): void {
  const { status } = response;
  if (status >= 200 && status < 300) return;
  const retryable = status === 429 || status >= 500;
  const reason = status >= 300 && status < 400 ? 'redirect' : 'http-status';
  throw new NotifyDeliveryError(`POST to ${host} answered ${status}`, {
    reason,
    retryable,
    host,
    status,
    retryAfterMs:
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), now) : undefined,
    detail,
  });
}

/** parseRetryAfter reads Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

async function readBounded(response: Response): Promise<string> {
  if (response.body === null) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    if (text.length > MAX_RESPONSE_CHARS) {
      await reader.cancel();
      return text.slice(0, MAX_RESPONSE_CHARS);
    }
  }
}

function unanswered(host: string, error: unknown, signal: AbortSignal): NotifyDeliveryError {
  if (signal.aborted && isNamed(signal.reason, 'TimeoutError')) {
    return new NotifyDeliveryError(`POST to ${host} timed out`, { reason: 'timeout', retryable: true, host });
  }
  // undici puts the socket error (ECONNREFUSED, ECONNRESET, ENOTFOUND) in `cause`; only its code is logged.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? (error instanceof Error ? error.name : 'unknown');
  return new NotifyDeliveryError(`POST to ${host} failed: ${code}`, {
    reason: 'network',
    retryable: true,
    host,
    detail: code,
  });
}

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}

function isNamed(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && 'name' in value && value.name === name;
}

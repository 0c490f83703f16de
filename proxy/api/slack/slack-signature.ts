import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack signs every request it sends to an app: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, under the
 * app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<raw body>`. The MAC is computed over the body's bytes as
 * they arrived, before any parsing, and compared in constant time. A timestamp more than five minutes away from now,
 * either way, is refused, so a captured request cannot be replayed later.
 *
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 */

/** SLACK_MAX_CLOCK_SKEW_SECONDS is how far a request's timestamp may be from now: Slack's own recommendation. */
export const SLACK_MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;
/** Unix seconds: at most 12 digits keeps the number exact and the string short. */
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

/** SlackSignatureRefusal says why a request is not taken as Slack's. */
export type SlackSignatureRefusal = 'missing-signature' | 'malformed-signature' | 'stale-timestamp' | 'bad-signature';

/** SignedSlackRequest is what the check reads from a request. */
export interface SignedSlackRequest {
  /** `X-Slack-Signature`, if sent. */
  readonly signature: string | undefined;
  /** `X-Slack-Request-Timestamp`, if sent. */
  readonly timestamp: string | undefined;
  /** The body exactly as received. */
  readonly body: Uint8Array;
}

/**
 * checkSlackSignature tells whether a request carries a valid, fresh Slack signature.
 *
 * @returns undefined when it does, else why not
 */
export function checkSlackSignature(
  request: SignedSlackRequest,
  signingSecret: string,
  now: Date,
): SlackSignatureRefusal | undefined {
  const { signature, timestamp, body } = request;
  if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
    return 'missing-signature';
  }
  if (!SIGNATURE_PATTERN.test(signature) || !TIMESTAMP_PATTERN.test(timestamp)) return 'malformed-signature';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SLACK_MAX_CLOCK_SKEW_SECONDS) return 'stale-timestamp';
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`, 'utf8').update(body).digest();
  const presented = Buffer.from(signature.slice('v0='.length), 'hex');
  return timingSafeEqual(presented, expected) ? undefined : 'bad-signature';
}

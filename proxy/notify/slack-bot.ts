import type { NotifyChannel, NotifyEvent, SendAttempt } from './delivery-lane.js';
import { failOnStatus, parseRetryAfter, postJson, type PostedResponse } from './http-post.js';
import { NotifyDeliveryError } from './notify-errors.js';
import { pendingMessage, resolvedMessage, type SlackMessage } from './slack-blocks.js';
import { slackCode } from './slack-webhook.js';

/** SlackBotOptions configure the chat.postMessage notifier. */
export interface SlackBotOptions {
  /** Slack's Web API base: methods are paths under it. */
  readonly apiUrl: URL;
  readonly botToken: string;
  readonly channel: string;
  readonly clock: () => Date;
  /** How many posted messages are remembered for editing; the oldest is forgotten first. */
  readonly maxTrackedMessages?: number;
}

/** PostedMessage locates a message for chat.update: the channel id Slack answered with, and the message's ts. */
interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

// Slack's `ok: false` codes worth another try; the rest (invalid_auth, channel_not_found...) fail the same again.
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const DEFAULT_MAX_TRACKED_MESSAGES = 10_000;

/**
 * slackBotChannel posts with chat.postMessage as a bot, with Approve and Deny buttons, and on resolution edits the
 * message with chat.update so the buttons give way to the outcome. Message locations live in memory only: after a
 * restart, or when another process posted the message, a resolution is posted as a new message instead.
 */
export function slackBotChannel(options: SlackBotOptions): NotifyChannel {
  const host = options.apiUrl.host;
  const maxTracked = options.maxTrackedMessages ?? DEFAULT_MAX_TRACKED_MESSAGES;
  const posted = new Map<string, PostedMessage>();
  const base = options.apiUrl.pathname.replace(/\/$/, '');
  const methodUrls = {
    'chat.postMessage': new URL(`${base}/chat.postMessage`, options.apiUrl),
    'chat.update': new URL(`${base}/chat.update`, options.apiUrl),
  };

  async function callSlack(
    method: keyof typeof methodUrls,
    payload: object,
    signal: AbortSignal,
  ): Promise<PostedResponse> {
    const url = methodUrls[method];
    const response = await postJson(
      url,
      JSON.stringify(payload),
      { authorization: `Bearer ${options.botToken}` },
      signal,
    );
    failOnStatus(response, host, options.clock(), slackCode(response.text));
    failOnSlackError(response, method, host, options.clock());
    return response;
  }

  async function postMessage(approvalId: string, message: SlackMessage, signal: AbortSignal): Promise<void> {
    const response = await callSlack(
      'chat.postMessage',
      { channel: options.channel, ...message, unfurl_links: false, unfurl_media: false },
      signal,
    );
    const location = postedLocation(response);
    if (location === undefined) return;
    posted.set(approvalId, location);
    if (posted.size > maxTracked) {
      const oldest = posted.keys().next();
      if (oldest.done !== true) posted.delete(oldest.value);
    }
  }

  return {
    name: 'slack',
    host,
    prepare(event: NotifyEvent): SendAttempt {
      const approvalId = event.approval.id;
      if (event.type === 'created') {
        const message = pendingMessage(event.approval, event.link, true);
        return async function postToSlack(signal) {
          await postMessage(approvalId, message, signal);
        };
      }
      const message = resolvedMessage(event.approval, event.link);
      return async function updateSlackMessage(signal) {
        // Read at send time: the lane ran this approval's `created` first, so its location is known by now.
        const location = posted.get(approvalId);
        if (location === undefined) {
          await callSlack(
            'chat.postMessage',
            { channel: options.channel, ...message, unfurl_links: false, unfurl_media: false },
            signal,
          );
          return;
        }
        await callSlack('chat.update', { channel: location.channel, ts: location.ts, ...message }, signal);
        posted.delete(approvalId);
      };
    },
  };
}

/** failOnSlackError turns Slack's `200 {"ok": false, "error": ...}` into a failure. */
function failOnSlackError(response: PostedResponse, method: string, host: string, now: Date): void {
  const answer = parseJsonObject(response.text);
  if (answer?.['ok'] === true) return;
  const error = typeof answer?.['error'] === 'string' ? (slackCode(answer['error']) ?? 'unreadable') : 'unreadable';
  throw new NotifyDeliveryError(`${method} on ${host} failed: ${error}`, {
    reason: 'slack-error',
    retryable: RETRYABLE_SLACK_ERRORS.has(error),
    host,
    status: response.status,
    retryAfterMs: error === 'ratelimited' ? parseRetryAfter(response.headers.get('retry-after'), now) : undefined,
    detail: error,
  });
}

function postedLocation(response: PostedResponse): PostedMessage | undefined {
  const answer = parseJsonObject(response.text);
  const channel = answer?.['channel'];
  const ts = answer?.['ts'];
  return typeof channel === 'string' && typeof ts === 'string' ? { channel, ts } : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

import type { NotifyChannel, NotifyEvent, SendAttempt } from './delivery-lane.js';
import { failOnStatus, postJson } from './http-post.js';
import { followUpMessage, pendingMessage } from './slack-blocks.js';

/**
 * slackWebhookChannel posts to a Slack incoming webhook. Such a webhook can neither edit a message nor receive
 * button clicks, so a new approval gets a message with a link, and its resolution a short follow-up.
 */
export function slackWebhookChannel(webhookUrl: URL, clock: () => Date): NotifyChannel {
  const host = webhookUrl.host;
  return {
    name: 'slack-webhook',
    host,
    prepare(event: NotifyEvent): SendAttempt {
      const message =
        event.type === 'created'
          ? pendingMessage(event.approval, event.link, false)
          : followUpMessage(event.approval, event.link);
      const body = JSON.stringify({ ...message, unfurl_links: false, unfurl_media: false });
      return async function sendToSlackWebhook(signal) {
        const response = await postJson(webhookUrl, body, {}, signal);
        // Slack answers failures with a short code as plain text (`invalid_payload`, `channel_is_archived`).
        failOnStatus(response, host, clock(), slackCode(response.text));
      };
    },
  };
}

/** slackCode keeps a Slack error code and nothing else from a response body. */
export function slackCode(text: string): string | undefined {
  const trimmed = text.trim();
  return /^[a-z_]{1,64}$/.test(trimmed) ? trimmed : undefined;
}

import { randomUUID } from 'node:crypto';
// views.ts, not api/index.ts: the view is a pure function, and the API's door would load the web framework.
import { approvalView } from '../api/views.js';
import type { NotifyChannel, NotifyEvent, SendAttempt } from './delivery-lane.js';
import { failOnStatus, postJson } from './http-post.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/** WebhookEventName is the `event` field and the `X-Airlock-Event` header. */
export type WebhookEventName = 'approval.created' | 'approval.resolved';

/**
 * signedWebhookChannel posts `{"event", "approval", "link"}` signed with the receiver's secret; `approval` is the REST
 * API's ApprovalView, so a receiver parses both with one type. Every attempt of one
 * notification sends the same body and the same `X-Airlock-Delivery` id, so a receiver can drop duplicates; the
 * signature is made afresh per attempt, as its time must be current.
 */
export function signedWebhookChannel(name: string, url: URL, secret: string, clock: () => Date): NotifyChannel {
  const host = url.host;
  return {
    name,
    host,
    prepare(event: NotifyEvent): SendAttempt {
      const eventName: WebhookEventName = event.type === 'created' ? 'approval.created' : 'approval.resolved';
      const body = JSON.stringify({
        event: eventName,
        approval: approvalView(event.approval, clock(), event.link),
        link: event.link,
      });
      const deliveryId = randomUUID();
      return async function sendToWebhook(signal) {
        const now = clock();
        const headers = {
          [SIGNATURE_HEADER]: signWebhookBody(secret, body, Math.floor(now.getTime() / 1000)),
          'x-airlock-event': eventName,
          'x-airlock-delivery': deliveryId,
        };
        failOnStatus(await postJson(url, body, headers, signal), host, now);
      };
    },
  };
}

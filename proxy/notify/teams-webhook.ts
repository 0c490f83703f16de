import type { NotifyChannel, NotifyEvent, SendAttempt } from './delivery-lane.js';
import { failOnStatus, postJson } from './http-post.js';
import { pendingCard, resolvedCard } from './teams-card.js';

/** teamsWebhookChannel posts Adaptive Cards to a Teams Workflows webhook, which answers 202 Accepted. */
export function teamsWebhookChannel(webhookUrl: URL, clock: () => Date): NotifyChannel {
  const host = webhookUrl.host;
  return {
    name: 'teams',
    host,
    prepare(event: NotifyEvent): SendAttempt {
      const card =
        event.type === 'created' ? pendingCard(event.approval, event.link) : resolvedCard(event.approval, event.link);
      const body = JSON.stringify(card);
      return async function sendToTeams(signal) {
        failOnStatus(await postJson(webhookUrl, body, {}, signal), host, clock());
      };
    },
  };
}

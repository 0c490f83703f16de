import type { Logger } from 'pino';
import type { ApprovalServiceEvent } from '../approvals/approval-service.js';
import { InvalidArgumentError } from '../core/errors.js';
import {
  DEFAULT_DELIVERY_OPTIONS,
  DeliveryLane,
  type DeliveryOptions,
  type DeliveryOutcome,
  type NotifyChannel,
} from './delivery-lane.js';
import { DEFAULT_SLACK_API_URL, type NotifyConfig } from './notify-config.js';
import { signedWebhookChannel } from './signed-webhook.js';
import { slackBotChannel } from './slack-bot.js';
import { slackWebhookChannel } from './slack-webhook.js';
import { teamsWebhookChannel } from './teams-webhook.js';

/** NotifierOptions are the notifier's collaborators and, for tests and tuning, its delivery bounds. */
export interface NotifierOptions {
  readonly log: Logger;
  /** Stamps signatures and `seconds_left`; the system clock unless a test pins it. */
  readonly clock?: () => Date;
  /** Hears every delivery's outcome, for metrics; it must not throw (a throw is logged and ignored). */
  readonly onOutcome?: (notifier: string, outcome: DeliveryOutcome) => void;
  readonly delivery?: Partial<DeliveryOptions>;
}

/** Notifier announces approval events to chat and webhooks without ever holding up the approval service. */
export interface Notifier {
  /** The configured notifiers' names (`slack`, `slack-webhook`, `teams`, `webhook[0]`...), for metrics labels. */
  readonly names: readonly string[];
  /** handle queues an event for every notifier and returns at once; it never throws. */
  handle(event: ApprovalServiceEvent): void;
  /** drain resolves when every queued notification is sent or given up, or after `timeoutMs`, whichever is first. */
  drain(timeoutMs: number): Promise<void>;
  /** close abandons queued notifications, aborts those in flight and resolves once they stopped. */
  close(): Promise<void>;
}

/**
 * createNotifier builds one delivery lane per configured destination. Subscribe `handle` to the approval service:
 * it returns at once; sending, retrying and giving up happen in the background, each notifier on its own, so a
 * failing Slack neither delays Teams nor throws into the service.
 *
 * @example
 * const notifier = createNotifier(config.notify, { log, onOutcome: (name, outcome) => metrics.count(name, outcome) });
 * const unsubscribe = approvals.subscribe(notifier.handle);
 * // on shutdown
 * unsubscribe();
 * await notifier.drain(5000);
 * await notifier.close();
 *
 * @throws InvalidArgumentError when a URL is not http(s), the Slack bot lacks its token or channel, a webhook lacks
 *   its secret, or a delivery option is out of range; the message names the field, never its value
 */
export function createNotifier(config: NotifyConfig, options: NotifierOptions): Notifier {
  const clock = options.clock ?? (() => new Date());
  const delivery = deliveryOptions(options.delivery ?? {});
  const log = options.log.child({ component: 'notify' });
  const lanes = channelsFor(config, clock).map(
    (channel) =>
      new DeliveryLane(channel, delivery, log, (outcome) => {
        try {
          options.onOutcome?.(channel.name, outcome);
        } catch (error) {
          log.error({ notifier: channel.name, error_class: errorClass(error) }, 'onOutcome listener threw');
        }
      }),
  );
  const names = lanes.map((lane) => lane.name);

  return {
    names,
    handle: function handleApprovalEvent(event: ApprovalServiceEvent): void {
      if (event.type === 'used') return;
      for (const lane of lanes) {
        try {
          lane.enqueue({ type: event.type, approval: event.approval, link: event.link });
        } catch (error) {
          log.error(
            { notifier: lane.name, approval_id: event.approval.id, error_class: errorClass(error) },
            'could not queue a notification',
          );
        }
      }
    },
    async drain(timeoutMs: number): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      try {
        await Promise.race([Promise.all(lanes.map((lane) => lane.idle())), timeUp]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      await Promise.all(lanes.map((lane) => lane.close()));
    },
  };
}

function channelsFor(config: NotifyConfig, clock: () => Date): NotifyChannel[] {
  const channels: NotifyChannel[] = [];
  const slack = config.slack;
  if (slack?.webhookUrl !== undefined) {
    channels.push(slackWebhookChannel(httpUrl('slack.webhookUrl', slack.webhookUrl), clock));
  }
  if (slack?.botToken !== undefined || slack?.channel !== undefined) {
    if (!slack.botToken) throw new InvalidArgumentError('slack.botToken is required with slack.channel');
    if (!slack.channel) throw new InvalidArgumentError('slack.channel is required with slack.botToken');
    channels.push(
      slackBotChannel({
        apiUrl: httpUrl('slack.apiUrl', slack.apiUrl ?? DEFAULT_SLACK_API_URL),
        botToken: slack.botToken,
        channel: slack.channel,
        clock,
      }),
    );
  }
  if (config.teams !== undefined) {
    channels.push(teamsWebhookChannel(httpUrl('teams.webhookUrl', config.teams.webhookUrl), clock));
  }
  (config.webhooks ?? []).forEach((webhook, index) => {
    const name = `webhook[${index}]`;
    if (!webhook.secret) throw new InvalidArgumentError(`webhooks[${index}].secret is required`);
    channels.push(signedWebhookChannel(name, httpUrl(`webhooks[${index}].url`, webhook.url), webhook.secret, clock));
  });
  return channels;
}

/** httpUrl parses a configured URL; the error names the field only, as the URL itself is a secret. */
function httpUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`${field} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`${field} must be an http or https URL`);
  }
  return url;
}

function deliveryOptions(overrides: Partial<DeliveryOptions>): DeliveryOptions {
  const options = { ...DEFAULT_DELIVERY_OPTIONS, ...overrides };
  for (const [field, value] of Object.entries(options)) {
    const atLeast = field === 'baseDelayMs' || field === 'maxDelayMs' || field === 'maxRetryAfterMs' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < atLeast) {
      throw new InvalidArgumentError(`delivery.${field} must be an integer of at least ${atLeast}`);
    }
  }
  return options;
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

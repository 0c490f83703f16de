/**
 * NotifyConfig says where held calls are announced. It is plain data, validated by the configuration loader; the
 * URLs, the bot token and the signing secrets in it are secrets and are never logged (only a URL's host is).
 */
export interface NotifyConfig {
  readonly slack?: SlackNotifyConfig;
  readonly teams?: TeamsNotifyConfig;
  readonly webhooks?: readonly SignedWebhookConfig[];
}

/**
 * SlackNotifyConfig turns on an incoming webhook (`webhookUrl`), a bot posting with chat.postMessage (`botToken` and
 * `channel`), or both: each is a notifier of its own.
 */
export interface SlackNotifyConfig {
  /** An incoming webhook (`https://hooks.slack.com/services/...`): posts only, cannot edit or show working buttons. */
  readonly webhookUrl?: string;
  /** A bot token (`xoxb-...`) with the `chat:write` scope. */
  readonly botToken?: string;
  /** The channel the bot posts to: an id (`C0123456789`) or a name the bot is a member of. */
  readonly channel?: string;
  /** Slack's Web API base URL; `https://slack.com/api` unless a test or a proxy says otherwise. */
  readonly apiUrl?: string;
}

/** TeamsNotifyConfig is a Teams Workflows webhook ("Post to a channel when a webhook request is received"). */
export interface TeamsNotifyConfig {
  readonly webhookUrl: string;
}

/** SignedWebhookConfig is a generic receiver: JSON events signed with HMAC-SHA256 under `secret`. */
export interface SignedWebhookConfig {
  readonly url: string;
  readonly secret: string;
}

/** DEFAULT_SLACK_API_URL is where chat.postMessage and chat.update live. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

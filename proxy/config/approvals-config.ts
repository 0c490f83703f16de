import { type ConfigReader, join } from './config-reader.js';
import { readSecret, requireSecret, type Secret, type SecretSources } from './secret-source.js';

/** ApprovalsConfig says how long a held call waits on its connection and where approval links point. */
export interface ApprovalsConfig {
  /** How long the agent's connection is kept open for a decision before it gets the retryable error. */
  readonly holdSeconds: number;
  /** The base of approval links in chat messages: how approvers' browsers reach the API port. */
  readonly publicUrl: string;
}

/** OidcConfig is the identity provider whose bearer tokens authenticate approvers. */
export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly groupsClaim: string;
  /**
   * Airlock's client id at the provider, for the approval page's sign-in; absent when not given, and the audience
   * is used then (the usual setup, where the API's tokens are ID tokens issued to Airlock).
   */
  readonly clientId?: string;
  /** The client's secret, when the provider registered Airlock as a confidential client; PKCE alone otherwise. */
  readonly clientSecret?: string;
}

/** SlackUser maps a Slack member who presses a button to the approver they are. */
export interface SlackUser {
  readonly slackUserId: string;
  readonly approverId: string;
  readonly groups: readonly string[];
}

/** SlackConfig: an incoming webhook, or a bot token and channel (buttons), or both. Secrets: environment or files. */
export interface SlackConfig {
  readonly webhookUrl?: string;
  readonly botToken?: string;
  readonly channel?: string;
  readonly apiUrl: string;
  /** Verifies the interactivity endpoint's requests; required with a bot token, whose messages carry buttons. */
  readonly signingSecret?: string;
  readonly users: readonly SlackUser[];
}

/** NotificationsConfig lists where held calls are announced. */
export interface NotificationsConfig {
  readonly slack?: SlackConfig;
  readonly teams?: { readonly webhookUrl: string };
  readonly webhooks: readonly { readonly url: string; readonly secret: string }[];
}

/** DEFAULT_HOLD_SECONDS stays under botocore's 60-second read timeout, so the CLI sees our answer, not its own. */
export const DEFAULT_HOLD_SECONDS = 55;
const MAX_HOLD_SECONDS = 600;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export function readApprovals(
  reader: ConfigReader,
  value: unknown,
  api: { readonly host: string; readonly port: number },
): ApprovalsConfig {
  const fields = reader.mapping(value, 'approvals', ['hold_seconds', 'public_url']);
  const holdSeconds = reader.positiveNumber(fields.hold_seconds, 'approvals.hold_seconds', DEFAULT_HOLD_SECONDS);
  if (holdSeconds > MAX_HOLD_SECONDS) {
    reader.fail('approvals.hold_seconds', `at most ${MAX_HOLD_SECONDS} seconds`, holdSeconds);
  }
  const host = api.host.includes(':') ? `[${api.host}]` : api.host;
  const publicUrl =
    fields.public_url === undefined
      ? `http://${host}:${api.port}`
      : readBaseUrl(reader, fields.public_url, 'approvals.public_url');
  return { holdSeconds, publicUrl };
}

export function readApprovers(
  reader: ConfigReader,
  value: unknown,
  sources: SecretSources,
): { readonly oidc?: OidcConfig } {
  const fields = reader.mapping(value, 'approvers', ['oidc']);
  if (fields.oidc === undefined) return {};
  const path = 'approvers.oidc';
  const oidc = reader.mapping(fields.oidc, path, [
    'issuer',
    'audience',
    'groups_claim',
    'client_id',
    'client_secret_env',
    'client_secret_file',
  ]);
  readBaseUrl(reader, oidc.issuer, join(path, 'issuer'));
  const clientId = reader.optionalString(oidc.client_id, join(path, 'client_id'));
  const clientSecret = readSecret(reader, oidc, path, 'client_secret', sources);
  return {
    oidc: {
      // Tokens' `iss` must equal the issuer exactly, trailing slash and all (Auth0's ends in one): kept as written.
      issuer: reader.string(oidc.issuer, join(path, 'issuer')),
      audience: reader.string(oidc.audience, join(path, 'audience')),
      groupsClaim: reader.string(oidc.groups_claim, join(path, 'groups_claim'), 'groups'),
      ...(clientId === undefined ? {} : { clientId }),
      ...(clientSecret === undefined ? {} : { clientSecret: clientSecret.value }),
    },
  };
}

export function readNotifications(reader: ConfigReader, value: unknown, sources: SecretSources): NotificationsConfig {
  const fields = reader.mapping(value, 'notify', ['slack', 'teams', 'webhooks']);

  let slack: SlackConfig | undefined;
  if (fields.slack !== undefined) {
    const path = 'notify.slack';
    const slackFields = reader.mapping(fields.slack, path, [
      'webhook_url_env',
      'webhook_url_file',
      'bot_token_env',
      'bot_token_file',
      'channel',
      'signing_secret_env',
      'signing_secret_file',
      'api_url',
      'users',
    ]);
    const webhookUrl = readSecret(reader, slackFields, path, 'webhook_url', sources);
    const botToken = readSecret(reader, slackFields, path, 'bot_token', sources);
    const channel = reader.optionalString(slackFields.channel, join(path, 'channel'));
    const signingSecret = readSecret(reader, slackFields, path, 'signing_secret', sources);
    if (webhookUrl === undefined && botToken === undefined) {
      reader.invalid(path, 'needs webhook_url_env (or _file), or bot_token_env (or _file) with channel');
    }
    if (botToken !== undefined && (channel === undefined || signingSecret === undefined)) {
      reader.invalid(path, 'a bot token posts buttons: it needs channel and signing_secret_env (or _file) too');
    }
    slack = {
      ...(webhookUrl === undefined ? {} : { webhookUrl: readUrlSecret(reader, webhookUrl) }),
      ...(botToken === undefined ? {} : { botToken: botToken.value }),
      ...(channel === undefined ? {} : { channel }),
      ...(signingSecret === undefined ? {} : { signingSecret: signingSecret.value }),
      apiUrl: readBaseUrl(reader, slackFields.api_url ?? 'https://slack.com/api', join(path, 'api_url')),
      users: readSlackUsers(reader, slackFields.users, join(path, 'users')),
    };
  }

  let teams: NotificationsConfig['teams'];
  if (fields.teams !== undefined) {
    const teamsFields = reader.mapping(fields.teams, 'notify.teams', ['webhook_url_env', 'webhook_url_file']);
    const url = requireSecret(reader, teamsFields, 'notify.teams', 'webhook_url', sources);
    teams = { webhookUrl: readUrlSecret(reader, url) };
  }

  const webhooks = reader.list(fields.webhooks, 'notify.webhooks').map((entry, index) => {
    const path = join('notify.webhooks', index);
    const webhookFields = reader.mapping(entry, path, ['url', 'secret_env', 'secret_file']);
    return {
      url: readBaseUrl(reader, webhookFields.url, join(path, 'url')),
      secret: requireSecret(reader, webhookFields, path, 'secret', sources).value,
    };
  });
  return { ...(slack === undefined ? {} : { slack }), ...(teams === undefined ? {} : { teams }), webhooks };
}

function readSlackUsers(reader: ConfigReader, value: unknown, path: string): SlackUser[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.fail(path, 'a mapping of Slack member ids to approvers', value);
  }
  return Object.entries(value).map(([slackUserId, entry]) => {
    const userPath = join(path, slackUserId);
    if (!SLACK_USER_ID.test(slackUserId)) reader.invalid(userPath, 'expected a Slack member id such as U0123ABCD');
    const fields = reader.mapping(entry, userPath, ['approver', 'groups']);
    const groups = reader
      .list(fields.groups, join(userPath, 'groups'))
      .map((group, index) => reader.string(group, join(join(userPath, 'groups'), index)));
    return { slackUserId, approverId: reader.string(fields.approver, join(userPath, 'approver')), groups };
  });
}

/** readBaseUrl reads an http(s) URL with no query, fragment or password; a trailing slash is dropped. */
function readBaseUrl(reader: ConfigReader, value: unknown, path: string): string {
  const expected = 'an http:// or https:// URL with no query or password';
  const text = reader.string(value, path);
  const url = parseUrl(text);
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    reader.fail(path, expected, text);
  }
  return url.href.replace(/\/$/, '');
}

/** readUrlSecret checks a webhook URL read from a secret; the message never shows it (it is the secret). */
function readUrlSecret(reader: ConfigReader, secret: Secret): string {
  const url = parseUrl(secret.value);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    reader.invalid(secret.path, `${secret.holder} does not hold an http:// or https:// URL`);
  }
  return url.href;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

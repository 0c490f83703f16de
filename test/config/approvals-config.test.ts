import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { type AirlockConfig, loadConfig } from '../../proxy/config/index.js';
import { ConfigError } from '../../proxy/core/errors.js';

// The approvers' side of airlock.yaml: approvals, approvers, notify, store. Secrets come from the environment and
// never appear in an error message.

type Environment = Readonly<Record<string, string | undefined>>;

function loadYaml(t: Test, text: string, env: Environment = {}): AirlockConfig {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'airlock.yaml'), text);
  return loadConfig(undefined, env, { cwd: dir });
}

function refusal(t: Test, text: string, env: Environment = {}): string {
  try {
    loadYaml(t, text, env);
  } catch (error) {
    t.type(error, ConfigError);
    return (error as Error).message;
  }
  t.fail('the configuration was accepted');
  return '';
}

t.test('defaults: a 55-second hold, links on the API address, normal sync, no OIDC, no notifiers', async (t) => {
  const config = loadYaml(t, 'api: 127.0.0.1:9191\n');
  t.same(config.approvals, { holdSeconds: 55, publicUrl: 'http://127.0.0.1:9191' });
  t.same(config.store, { sync: 'normal' });
  t.same(config.approvers, {});
  t.same(config.notify, { webhooks: [] });
});

t.test('approvals: hold_seconds is bounded, public_url is a base URL without query or password', async (t) => {
  const config = loadYaml(t, 'approvals: { hold_seconds: 20, public_url: "https://airlock.example.com/x/" }\n');
  t.same(config.approvals, { holdSeconds: 20, publicUrl: 'https://airlock.example.com/x' });
  t.match(refusal(t, 'approvals: { hold_seconds: 601 }\n'), /approvals\.hold_seconds: expected at most 600 seconds/);
  t.match(refusal(t, 'approvals: { hold_seconds: 0 }\n'), /approvals\.hold_seconds/);
  const withPassword = refusal(t, 'approvals: { public_url: "https://user:hunter2@airlock.example.com" }\n');
  t.match(withPassword, /approvals\.public_url: expected an http:\/\/ or https:\/\/ URL/);
  t.notMatch(withPassword, /hunter2/, 'the value is never quoted');
  t.match(refusal(t, 'approvals: { hold_secs: 5 }\n'), /approvals\.hold_secs: unknown key/);
});

t.test('store.sync is normal or full', async (t) => {
  t.same(loadYaml(t, 'store: { sync: full }\n').store, { sync: 'full' });
  t.match(refusal(t, 'store: { sync: sometimes }\n'), /store\.sync: expected one of normal, full/);
});

t.test('approvers.oidc keeps the issuer exactly as written, trailing slash and all', async (t) => {
  const config = loadYaml(t, 'approvers: { oidc: { issuer: "https://tenant.auth0.com/", audience: airlock } }\n');
  t.same(config.approvers.oidc, { issuer: 'https://tenant.auth0.com/', audience: 'airlock', groupsClaim: 'groups' });
  t.match(refusal(t, 'approvers: { oidc: { issuer: "ftp://idp", audience: a } }\n'), /approvers\.oidc\.issuer/);
  t.match(refusal(t, 'approvers: { oidc: { issuer: "https://idp" } }\n'), /approvers\.oidc\.audience/);
});

t.test('notify: secrets are read from the variables the *_env keys name', async (t) => {
  const env = {
    SLACK_BOT: 'xoxb-secret-bot-token',
    SLACK_SIGNING: 'signing-secret-value',
    TEAMS_URL: 'https://example.webhook.office.com/workflows/secret-path',
    HOOK_SECRET: 'webhook-hmac-secret',
  };
  const config = loadYaml(
    t,
    [
      'notify:',
      '  slack:',
      '    bot_token_env: SLACK_BOT',
      '    channel: C0123456789',
      '    signing_secret_env: SLACK_SIGNING',
      '    api_url: http://127.0.0.1:9999/api',
      '    users: { U0123ABCD: { approver: bob@example.com, groups: [sre] } }',
      '  teams: { webhook_url_env: TEAMS_URL }',
      '  webhooks: [{ url: "https://hooks.example.com/airlock", secret_env: HOOK_SECRET }]',
      '',
    ].join('\n'),
    env,
  );
  t.same(config.notify, {
    slack: {
      botToken: 'xoxb-secret-bot-token',
      channel: 'C0123456789',
      signingSecret: 'signing-secret-value',
      apiUrl: 'http://127.0.0.1:9999/api',
      users: [{ slackUserId: 'U0123ABCD', approverId: 'bob@example.com', groups: ['sre'] }],
    },
    teams: { webhookUrl: 'https://example.webhook.office.com/workflows/secret-path' },
    webhooks: [{ url: 'https://hooks.example.com/airlock', secret: 'webhook-hmac-secret' }],
  });
});

t.test('notify: a missing variable, a bot without its signing secret, a bad member id are refused', async (t) => {
  const missing = refusal(t, 'notify: { teams: { webhook_url_env: TEAMS_URL } }\n');
  t.match(missing, /notify\.teams\.webhook_url_env: environment variable TEAMS_URL is not set/);
  const notUrl = refusal(t, 'notify: { teams: { webhook_url_env: TEAMS_URL } }\n', { TEAMS_URL: 'not-a-url-secret' });
  t.match(notUrl, /does not hold an http:\/\/ or https:\/\/ URL/);
  t.notMatch(notUrl, /not-a-url-secret/, 'the secret is never shown');
  t.match(
    refusal(t, 'notify: { slack: { bot_token_env: BOT, channel: C1 } }\n', { BOT: 'xoxb-1' }),
    /a bot token posts buttons: it needs channel and signing_secret_env \(or _file\) too/,
  );
  t.match(
    refusal(t, 'notify: { slack: { channel: C1 } }\n'),
    /needs webhook_url_env \(or _file\), or bot_token_env \(or _file\) with channel/,
  );
  t.match(
    refusal(t, 'notify: { slack: { webhook_url_env: HOOK, users: { bob: { approver: b@example.com } } } }\n', {
      HOOK: 'https://hooks.slack.com/services/T/B/x',
    }),
    /expected a Slack member id/,
  );
  t.match(refusal(t, 'notify: { webhooks: [{ url: "https://h.example.com", secret_env: lower } ] }\n'), /UPPER_CASE/);
});

t.test('approvers.oidc: a client id and secret for the page sign-in; the secret is never shown', async (t) => {
  const text =
    'approvers: { oidc: { issuer: "https://idp", audience: api, client_id: pages, client_secret_env: IDP } }\n';
  const config = loadYaml(t, text, { IDP: 'idp-client-secret' });
  t.match(config.approvers.oidc, { clientId: 'pages', clientSecret: 'idp-client-secret' });
  const missing = refusal(t, text);
  t.match(missing, /approvers\.oidc\.client_secret_env: environment variable IDP is not set/);
  const both = refusal(
    t,
    'approvers: { oidc: { issuer: "https://idp", audience: a, client_secret_env: IDP, client_secret_file: s } }\n',
    { IDP: 'idp-client-secret' },
  );
  t.match(both, /client_secret_env/);
  t.notMatch(both, /idp-client-secret/);
});

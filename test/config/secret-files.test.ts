import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { type AirlockConfig, loadConfig, MAX_SECRET_FILE_BYTES } from '../../proxy/config/index.js';
import { ConfigError } from '../../proxy/core/errors.js';

// Every `*_env` secret key of notify has a `*_file` twin: a file holding the secret, as Docker and Kubernetes mount
// them. Exactly one of the two may be given; the file is read at load; its content never appears in an error.

type Environment = Readonly<Record<string, string | undefined>>;

const BOT_TOKEN = 'xoxb-secret-bot-token-from-file';
const SIGNING_SECRET = 'signing-secret-from-file';
const TEAMS_URL = 'https://example.webhook.office.com/workflows/secret-path-from-file';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/secret-from-file';
const HOOK_SECRET = 'webhook-hmac-secret-from-file';

/** configIn writes airlock.yaml into `dir` and loads it with `env`. */
function configIn(dir: string, yaml: string, env: Environment = {}): AirlockConfig {
  writeFileSync(join(dir, 'airlock.yaml'), yaml);
  return loadConfig(undefined, env, { cwd: dir });
}

function refusal(t: Test, dir: string, yaml: string, env: Environment = {}): ConfigError {
  try {
    configIn(dir, yaml, env);
  } catch (error) {
    t.type(error, ConfigError);
    return error as ConfigError;
  }
  t.fail('the configuration was accepted');
  return new ConfigError('accepted');
}

t.test('every secret can come from a file, relative to the config file, less one trailing newline', async (t) => {
  const dir = t.testdir({
    secrets: {
      'bot-token': `${BOT_TOKEN}\n`,
      // Only one newline is the file's ending; a second belongs to the secret (and Windows endings count as one).
      'signing-secret': `${SIGNING_SECRET}\n\n`,
      'slack-url': `${SLACK_URL}\r\n`,
      'teams-url': TEAMS_URL,
    },
  });
  mkdirSync(join(dir, 'run'));
  const hookSecretFile = join(dir, 'run', 'hook');
  writeFileSync(hookSecretFile, `${HOOK_SECRET}\n`);
  // Kubernetes mounts secrets readable by all (0644) by default: not refused.
  chmodSync(hookSecretFile, 0o644);
  const config = configIn(
    dir,
    [
      'notify:',
      '  slack:',
      '    bot_token_file: secrets/bot-token',
      '    signing_secret_file: secrets/signing-secret',
      '    webhook_url_file: ./secrets/slack-url',
      '    channel: C0123456789',
      '  teams: { webhook_url_file: secrets/teams-url }',
      `  webhooks: [{ url: "https://hooks.example.com/airlock", secret_file: "${hookSecretFile}" }]`,
      '',
    ].join('\n'),
  );
  t.same(config.notify, {
    slack: {
      webhookUrl: SLACK_URL,
      botToken: BOT_TOKEN,
      channel: 'C0123456789',
      signingSecret: `${SIGNING_SECRET}\n`,
      apiUrl: 'https://slack.com/api',
      users: [],
    },
    teams: { webhookUrl: TEAMS_URL },
    webhooks: [{ url: 'https://hooks.example.com/airlock', secret: HOOK_SECRET }],
  });
});

t.test('files and variables mix, one per secret', async (t) => {
  const dir = t.testdir({ 'signing-secret': SIGNING_SECRET });
  const config = configIn(
    dir,
    'notify: { slack: { bot_token_env: BOT, signing_secret_file: signing-secret, channel: C1 } }\n',
    { BOT: BOT_TOKEN },
  );
  t.equal(config.notify.slack?.botToken, BOT_TOKEN);
  t.equal(config.notify.slack?.signingSecret, SIGNING_SECRET);
});

t.test('giving both keys of one secret is refused, naming both', async (t) => {
  const dir = t.testdir({ token: BOT_TOKEN, url: TEAMS_URL, hook: HOOK_SECRET });
  const env = { BOT: BOT_TOKEN, TEAMS: TEAMS_URL, HOOK: HOOK_SECRET };
  const cases = [
    {
      yaml: 'notify: { slack: { bot_token_env: BOT, bot_token_file: token, channel: C1, signing_secret_env: BOT } }\n',
      message: /notify\.slack: bot_token_env and bot_token_file are both given; give one$/,
    },
    {
      yaml: 'notify: { teams: { webhook_url_env: TEAMS, webhook_url_file: url } }\n',
      message: /notify\.teams: webhook_url_env and webhook_url_file are both given; give one$/,
    },
    {
      yaml: 'notify: { webhooks: [{ url: "https://h.example.com", secret_env: HOOK, secret_file: hook }] }\n',
      message: /notify\.webhooks\[0\]: secret_env and secret_file are both given; give one$/,
    },
  ];
  for (const { yaml, message } of cases) {
    const error = refusal(t, dir, yaml, env);
    t.match(error.message, message);
    t.notMatch(error.message, /secret-path|xoxb|hmac/, 'no secret in the message');
  }
});

t.test('a required secret given neither way is refused, naming both keys', async (t) => {
  const dir = t.testdir({});
  const teams = refusal(t, dir, 'notify: { teams: {} }\n');
  t.match(teams.message, /notify\.teams: needs webhook_url_env or webhook_url_file$/);
  const webhook = refusal(t, dir, 'notify: { webhooks: [{ url: "https://h.example.com" }] }\n');
  t.match(webhook.message, /notify\.webhooks\[0\]: needs secret_env or secret_file$/);
});

t.test('a missing, unreadable, empty, oversized or non-regular file is refused, naming the path', async (t) => {
  const dir = t.testdir({
    empty: '',
    'only-newline': '\n',
    huge: 'x'.repeat(MAX_SECRET_FILE_BYTES + 1),
    'just-right': `${'y'.repeat(MAX_SECRET_FILE_BYTES - 1)}\n`,
    folder: {},
  });
  const teams = (file: string) => `notify: { teams: { webhook_url_file: ${file} } }\n`;
  const cases = [
    { file: 'absent', message: /notify\.teams\.webhook_url_file: \S+\/absent cannot be read \(ENOENT\)$/ },
    { file: 'empty', message: /notify\.teams\.webhook_url_file: \S+\/empty is empty$/ },
    { file: 'only-newline', message: /\/only-newline is empty$/ },
    { file: 'huge', message: /notify\.teams\.webhook_url_file: \S+\/huge is larger than 64 KiB/ },
    { file: 'folder', message: /\/folder (is not a regular file|cannot be read \(EISDIR\))$/ },
  ];
  for (const { file, message } of cases) {
    const error = refusal(t, dir, teams(file));
    t.match(error.message, message, file);
    t.match(error.message, join(dir, file), `${file}: the absolute path`);
    t.equal(error.path, 'notify.teams.webhook_url_file', `${file}: the key`);
  }
  // 64 KiB is the limit, not a size refused: this one is read, and refused only as not being a URL.
  t.match(refusal(t, dir, teams('just-right')).message, /the file does not hold an http:\/\/ or https:\/\/ URL$/);
});

t.test(
  'a file without read permission is refused, naming the path',
  { skip: process.getuid?.() === 0 ? 'root reads any file' : false },
  async (t) => {
    const dir = t.testdir({ locked: TEAMS_URL });
    chmodSync(join(dir, 'locked'), 0o000);
    t.teardown(() => chmodSync(join(dir, 'locked'), 0o600));
    const error = refusal(t, dir, 'notify: { teams: { webhook_url_file: locked } }\n');
    t.match(error.message, /\/locked cannot be read \(EACCES\)$/);
    t.notMatch(error.message, 'secret-path');
  },
);

t.test("a file's content never appears in an error", async (t) => {
  const secret = 'not-a-url-but-a-secret-token';
  const dir = t.testdir({ teams: `${secret}\n`, hook: secret });
  const notUrl = refusal(t, dir, 'notify: { teams: { webhook_url_file: teams } }\n');
  t.match(notUrl.message, /notify\.teams\.webhook_url_file: the file does not hold an http:\/\/ or https:\/\/ URL$/);
  t.notMatch(notUrl.message, secret);
  const slack = refusal(t, dir, 'notify: { slack: { bot_token_file: hook, channel: C1 } }\n');
  t.match(slack.message, /it needs channel and signing_secret_env \(or _file\) too/);
  t.notMatch(slack.message, secret);
  const wrongKey = refusal(t, dir, `notify: { teams: { webhook_url_file: teams, webhook_url: "${secret}" } }\n`);
  t.match(wrongKey.message, /notify\.teams\.webhook_url: unknown key/);
  t.notMatch(wrongKey.message, secret);
  const notText = refusal(t, dir, 'notify: { teams: { webhook_url_file: [teams] } }\n');
  t.match(notText.message, /notify\.teams\.webhook_url_file: expected a non-empty string, got a list$/);
});

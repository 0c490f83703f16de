import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ENVIRONMENT_OVERRIDES, loadConfig } from '../../proxy/config/index.js';
import { ConfigError } from '../../proxy/core/errors.js';

// AIRLOCK_LISTEN, AIRLOCK_POLICY_DIR, ...: each replaces one key of airlock.yaml, is checked as the file's value
// is, and is named in the error when it is wrong.

type Environment = Readonly<Record<string, string | undefined>>;

const FULL_FILE = `listen: 127.0.0.1:7000
api: 127.0.0.1:7001
state_dir: file-state
policy: { dir: file-rego, watch: false }
log: { level: warn }
workers: 3
approvals: { hold_seconds: 30, public_url: "https://file.example.com" }
store: { sync: full }
`;

const EVERY_VARIABLE: Environment = {
  AIRLOCK_LISTEN: '0.0.0.0:9000',
  AIRLOCK_API: '[::1]:9001',
  AIRLOCK_STATE_DIR: 'env-state',
  AIRLOCK_POLICY_DIR: 'env-rego',
  AIRLOCK_LOG_LEVEL: 'debug',
  AIRLOCK_WORKERS: '2',
  AIRLOCK_PUBLIC_URL: 'https://airlock.example.com/approvals/',
  AIRLOCK_HOLD_SECONDS: '12.5',
  AIRLOCK_STORE_SYNC: 'normal',
};

/** errorOf loads the configuration and returns the ConfigError it fails with. */
function errorOf(t: Test, load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    t.type(error, ConfigError);
    return error as ConfigError;
  }
  t.fail('the configuration was accepted');
  return new ConfigError('accepted');
}

t.test('every variable wins over the file; relative paths resolve against the working directory', async (t) => {
  const cwd = t.testdir({ etc: { 'airlock.yaml': FULL_FILE } });
  const config = loadConfig('etc/airlock.yaml', EVERY_VARIABLE, { cwd });
  t.same(config.listen, { host: '0.0.0.0', port: 9000 });
  t.same(config.api, { host: '::1', port: 9001 });
  t.equal(config.stateDir, join(cwd, 'env-state'), 'not etc/env-state');
  t.same(config.policy, { dir: join(cwd, 'env-rego'), watch: false }, 'the file keeps the keys no variable sets');
  t.equal(config.log.level, 'debug');
  t.equal(config.workers, 2);
  t.same(config.approvals, { holdSeconds: 12.5, publicUrl: 'https://airlock.example.com/approvals' });
  t.same(config.store, { sync: 'normal' });
});

t.test('the file applies where no variable is set, and an empty variable counts as unset', async (t) => {
  const cwd = t.testdir({ 'airlock.yaml': FULL_FILE });
  const empty = Object.fromEntries(ENVIRONMENT_OVERRIDES.map(({ variable }) => [variable, '']));
  const config = loadConfig(undefined, empty, { cwd });
  t.same(config.listen, { host: '127.0.0.1', port: 7000 });
  t.equal(config.stateDir, join(cwd, 'file-state'));
  t.equal(config.policy.dir, join(cwd, 'file-rego'));
  t.equal(config.log.level, 'warn');
  t.equal(config.workers, 3);
  t.same(config.approvals, { holdSeconds: 30, publicUrl: 'https://file.example.com' });
  t.same(config.store, { sync: 'full' });
});

t.test('variables apply without a file, and absolute paths stay', async (t) => {
  const cwd = t.testdir({});
  const config = loadConfig(
    undefined,
    { AIRLOCK_LISTEN: '18080', AIRLOCK_POLICY_DIR: '/srv/rego', AIRLOCK_STATE_DIR: '/var/lib/airlock' },
    { cwd },
  );
  t.equal(config.file, undefined);
  t.same(config.listen, { host: '127.0.0.1', port: 18080 }, 'a bare port, as in the file');
  t.equal(config.policy.dir, '/srv/rego');
  t.equal(config.stateDir, '/var/lib/airlock');
});

t.test('the approval links follow AIRLOCK_API unless public_url is set', async (t) => {
  const cwd = t.testdir({});
  t.equal(
    loadConfig(undefined, { AIRLOCK_API: '127.0.0.1:9191' }, { cwd }).approvals.publicUrl,
    'http://127.0.0.1:9191',
  );
});

t.test('a wrong value is refused as in the file, and the message names the variable', async (t) => {
  const cases: Array<{ variable: string; text: string; path: string; message: RegExp }> = [
    { variable: 'AIRLOCK_LISTEN', text: 'localhost', path: 'listen', message: /^AIRLOCK_LISTEN: expected host:port/ },
    { variable: 'AIRLOCK_LISTEN', text: '70000', path: 'listen', message: /port 0 to 65535\), got 70000$/ },
    { variable: 'AIRLOCK_API', text: '[zz]:80', path: 'api', message: /^AIRLOCK_API: expected host:port/ },
    {
      variable: 'AIRLOCK_LOG_LEVEL',
      text: 'verbose',
      path: 'log.level',
      message: /^AIRLOCK_LOG_LEVEL: expected one of/,
    },
    { variable: 'AIRLOCK_WORKERS', text: '0', path: 'workers', message: /^AIRLOCK_WORKERS: .* 1 to 64, got 0$/ },
    { variable: 'AIRLOCK_WORKERS', text: 'two', path: 'workers', message: /^AIRLOCK_WORKERS: .* got a string$/ },
    { variable: 'AIRLOCK_WORKERS', text: '1.5', path: 'workers', message: /got 1\.5$/ },
    {
      variable: 'AIRLOCK_PUBLIC_URL',
      text: 'ftp://airlock.example.com',
      path: 'approvals.public_url',
      message: /^AIRLOCK_PUBLIC_URL: expected an http:\/\/ or https:\/\/ URL/,
    },
    {
      variable: 'AIRLOCK_HOLD_SECONDS',
      text: '601',
      path: 'approvals.hold_seconds',
      message: /^AIRLOCK_HOLD_SECONDS: expected at most 600 seconds/,
    },
    {
      variable: 'AIRLOCK_HOLD_SECONDS',
      text: '55s',
      path: 'approvals.hold_seconds',
      message: /^AIRLOCK_HOLD_SECONDS: expected a number above 0, got a string$/,
    },
    {
      variable: 'AIRLOCK_STORE_SYNC',
      text: 'always',
      path: 'store.sync',
      message: /^AIRLOCK_STORE_SYNC: expected one/,
    },
  ];
  const cwd = t.testdir({ 'airlock.yaml': FULL_FILE });
  for (const { variable, text, path, message } of cases) {
    const error = errorOf(t, () => loadConfig(undefined, { [variable]: text }, { cwd }));
    t.match(error.message, message, `${variable}=${text}`);
    t.equal(error.path, path, `${variable}=${text}: the key it sets`);
    t.notMatch(error.message, 'airlock.yaml', `${variable}=${text}: not blamed on the file`);
  }
});

t.test('a value that could be a secret is never quoted', async (t) => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
  const cwd = t.testdir({});
  for (const variable of ['AIRLOCK_LISTEN', 'AIRLOCK_LOG_LEVEL', 'AIRLOCK_STORE_SYNC', 'AIRLOCK_WORKERS']) {
    const error = errorOf(t, () => loadConfig(undefined, { [variable]: secret }, { cwd }));
    t.notMatch(error.message, 'wJalr', variable);
  }
  const withPassword = `https://user:${encodeURIComponent(secret)}@airlock.example.com`;
  const error = errorOf(t, () => loadConfig(undefined, { AIRLOCK_PUBLIC_URL: withPassword }, { cwd }));
  t.notMatch(error.message, 'wJalr', 'AIRLOCK_PUBLIC_URL');
});

t.test('a clash between listen and api names the variable that set either', async (t) => {
  const cwd = t.testdir({ 'airlock.yaml': 'api: 127.0.0.1:7001\n' });
  const byListen = errorOf(t, () => loadConfig(undefined, { AIRLOCK_LISTEN: '127.0.0.1:7001' }, { cwd }));
  t.match(byListen.message, /airlock\.yaml: api: must not be the address agents use \(AIRLOCK_LISTEN\)$/);
  const byApi = errorOf(t, () => loadConfig(undefined, { AIRLOCK_API: '0.0.0.0:8080' }, { cwd }));
  t.match(byApi.message, /^AIRLOCK_API: must not be the address agents use \(listen\)$/);
});

t.test("a section of the file that is not a mapping is the file's error, variable or not", async (t) => {
  const cwd = t.testdir({ 'airlock.yaml': 'approvals: 5\n' });
  const error = errorOf(t, () => loadConfig(undefined, { AIRLOCK_HOLD_SECONDS: '5' }, { cwd }));
  t.match(error.message, /airlock\.yaml: approvals: expected a mapping, got 5$/);
});

t.test('docs/configuration.md lists every variable', async (t) => {
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  for (const { variable, key } of ENVIRONMENT_OVERRIDES) {
    t.match(docs, new RegExp(`\\| \`${variable}\` +\\| overrides \`${key.join('.')}\``), variable);
  }
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { type AirlockConfig, loadConfig } from '../../proxy/config/index.js';
import { ConfigError } from '../../proxy/core/errors.js';

const NO_ENV: Readonly<Record<string, string | undefined>> = {};

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** loadYaml writes `text` as airlock.yaml in a fresh directory and loads it through the default lookup. */
function loadYaml(t: Test, text: string, env = NO_ENV): { config: AirlockConfig; dir: string } {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'airlock.yaml'), text);
  return { config: loadConfig(undefined, env, { cwd: dir }), dir };
}

t.test('no file gives the defaults, relative to the working directory', async (t) => {
  const dir = tempDir(t);
  const config = loadConfig(undefined, NO_ENV, { cwd: dir });
  t.equal(config.file, undefined);
  t.same(config.listen, { host: '127.0.0.1', port: 8080 });
  t.same(config.api, { host: '127.0.0.1', port: 8081 });
  t.equal(config.stateDir, join(dir, '.airlock'));
  t.same(config.policy, { dir: join(dir, 'rego'), watch: true });
  t.same(config.limits, {
    maxHeaderBytes: 16384,
    maxDecodedBodyBytes: 8 * 1024 * 1024,
    maxBufferedBodyBytes: 70 * 1024 * 1024,
    headersTimeoutSeconds: 30,
    requestTimeoutSeconds: 300,
    idleTimeoutSeconds: 60,
    upstreamHeadersTimeoutSeconds: 60,
  });
  t.same(config.passThrough, []);
  t.same(config.upstreams, []);
  t.same(config.accounts, []);
  t.same(config.log, { level: 'info' });
  t.equal(config.accountFor(undefined), undefined);
});

t.test('an empty file, or one of comments, gives the defaults', async (t) => {
  for (const text of ['', '# nothing yet\n', '---\n']) {
    const { config, dir } = loadYaml(t, text);
    t.equal(config.file, join(dir, 'airlock.yaml'));
    t.equal(config.stateDir, join(dir, '.airlock'));
  }
});

t.test('a full file is read, with snake_case keys as camelCase and sizes in bytes', async (t) => {
  const { config, dir } = loadYaml(
    t,
    `
listen: 0.0.0.0:18080
api: "[::1]:18081"
state_dir: var/airlock
policy:
  dir: policies
  watch: false
limits:
  max_header_bytes: 32KiB
  max_decoded_body_bytes: 1048576
  max_buffered_body_bytes: "100MiB"
  headers_timeout_seconds: 10
  request_timeout_seconds: 0.5
  idle_timeout_seconds: 5
  upstream_headers_timeout_seconds: 20
pass_through: ["*.github.com", Registry.NPMJS.org]
upstreams:
  - hosts: ["sts.amazonaws.com"]
    url: http://127.0.0.1:5001/
  - hosts: ["*.amazonaws.com"]
    url: http://127.0.0.1:5000
accounts:
  - id: "012345678901"
    environment: prod
    credentials: { type: env, prefix: AIRLOCK_PROD }
  - id: "210987654321"
    environment: staging
    default: true
    credentials:
      type: assume-role
      role_arn: arn:aws:iam::210987654321:role/airlock
      session_name: airlock-staging
      external_id: ext-123
      duration_seconds: 900
      region: eu-west-1
      sts_endpoint: http://127.0.0.1:5000
      base: { type: file, path: creds/aws, profile: airlock }
log:
  level: debug
`,
  );
  t.same(config.listen, { host: '0.0.0.0', port: 18080 });
  t.same(config.api, { host: '::1', port: 18081 });
  t.equal(config.stateDir, join(dir, 'var/airlock'));
  t.same(config.policy, { dir: join(dir, 'policies'), watch: false });
  t.same(config.limits, {
    maxHeaderBytes: 32 * 1024,
    maxDecodedBodyBytes: 1048576,
    maxBufferedBodyBytes: 100 * 1024 * 1024,
    headersTimeoutSeconds: 10,
    requestTimeoutSeconds: 0.5,
    idleTimeoutSeconds: 5,
    upstreamHeadersTimeoutSeconds: 20,
  });
  t.same(config.passThrough, ['*.github.com', 'registry.npmjs.org']);
  t.same(config.upstreams, [
    { hosts: ['sts.amazonaws.com'], url: 'http://127.0.0.1:5001' },
    { hosts: ['*.amazonaws.com'], url: 'http://127.0.0.1:5000' },
  ]);
  t.same(config.accounts, [
    {
      id: '012345678901',
      environment: 'prod',
      default: false,
      credentials: { type: 'env', prefix: 'AIRLOCK_PROD' },
    },
    {
      id: '210987654321',
      environment: 'staging',
      default: true,
      credentials: {
        type: 'assume-role',
        roleArn: 'arn:aws:iam::210987654321:role/airlock',
        roleSessionName: 'airlock-staging',
        externalId: 'ext-123',
        durationSeconds: 900,
        region: 'eu-west-1',
        stsEndpoint: 'http://127.0.0.1:5000',
        base: { type: 'file', path: join(dir, 'creds/aws'), profile: 'airlock' },
      },
    },
  ]);
  t.equal(config.log.level, 'debug');

  t.equal(config.accountFor(undefined)?.id, '210987654321', 'no account: the default');
  t.equal(config.accountFor('012345678901')?.environment, 'prod');
  t.equal(config.accountFor('999999999999'), undefined, 'an unconfigured account is never replaced by the default');
  t.equal(config.upstreamFor('sts.amazonaws.com')?.url, 'http://127.0.0.1:5001', 'first match wins');
  t.equal(config.upstreamFor('iam.amazonaws.com')?.url, 'http://127.0.0.1:5000');
  t.equal(config.upstreamFor('example.com'), undefined);
  t.ok(config.passesThrough('api.github.com'));
  t.ok(config.passesThrough('registry.npmjs.org'));
  t.notOk(config.passesThrough('github.com'));
});

t.test('the configuration is frozen all the way down', async (t) => {
  const { config } = loadYaml(
    t,
    'accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials: {type: env}\n',
  );
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.limits));
  t.ok(Object.isFrozen(config.accounts));
  t.ok(Object.isFrozen(config.accounts[0]));
  t.ok(Object.isFrozen(config.accounts[0]?.credentials));
  t.throws(() => {
    (config.limits as { maxHeaderBytes: number }).maxHeaderBytes = 1;
  }, TypeError);
});

t.test('a lone account is the default unless it says otherwise', async (t) => {
  const one = 'accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials: {type: env}\n';
  t.equal(loadYaml(t, one).config.accountFor(undefined)?.id, '012345678901');
  t.equal(loadYaml(t, `${one}    default: false\n`).config.accountFor(undefined), undefined);
  const two = `${one}  - id: "111111111111"\n    environment: dev\n    credentials: {type: env}\n`;
  t.equal(loadYaml(t, two).config.accountFor(undefined), undefined, 'two accounts, no default');
});

t.test('the config file is found by flag, then AIRLOCK_CONFIG, then ./airlock.yaml', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'airlock.yaml'), 'state_dir: from-default\n');
  writeFileSync(join(dir, 'etc', 'flag.yaml'), 'state_dir: from-flag\n');
  writeFileSync(join(dir, 'etc', 'env.yaml'), 'state_dir: from-env\n');
  const env = { AIRLOCK_CONFIG: 'etc/env.yaml' };
  t.equal(loadConfig('etc/flag.yaml', env, { cwd: dir }).stateDir, join(dir, 'etc', 'from-flag'));
  t.equal(loadConfig(undefined, env, { cwd: dir }).stateDir, join(dir, 'etc', 'from-env'));
  t.equal(loadConfig(undefined, { AIRLOCK_CONFIG: '' }, { cwd: dir }).stateDir, join(dir, 'from-default'));
  t.throws(() => loadConfig('etc/absent.yaml', NO_ENV, { cwd: dir }), {
    constructor: ConfigError,
    message: /absent\.yaml cannot be read \(ENOENT\)/,
  });
  t.throws(() => loadConfig(undefined, { AIRLOCK_CONFIG: 'nope.yaml' }, { cwd: dir }), ConfigError);
});

t.test('AIRLOCK_STATE_DIR overrides state_dir, relative to the working directory', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'airlock.yaml'), 'state_dir: ignored\n');
  const relative = loadConfig('etc/airlock.yaml', { AIRLOCK_STATE_DIR: 'state' }, { cwd: dir });
  t.equal(relative.stateDir, join(dir, 'state'));
  const absolute = loadConfig('etc/airlock.yaml', { AIRLOCK_STATE_DIR: '/var/lib/airlock' }, { cwd: dir });
  t.equal(absolute.stateDir, '/var/lib/airlock');
});

t.test('paths resolve against the file directory; ~ against HOME; absolute paths stay', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'etc'));
  writeFileSync(
    join(dir, 'etc', 'airlock.yaml'),
    `state_dir: /srv/airlock
policy: { dir: ../rego }
accounts:
  - id: "012345678901"
    environment: prod
    credentials: { type: file, path: ~/.aws/credentials }
`,
  );
  const config = loadConfig('etc/airlock.yaml', { HOME: '/home/alice' }, { cwd: dir });
  t.equal(config.stateDir, '/srv/airlock');
  t.equal(config.policy.dir, join(dir, 'rego'));
  t.same(config.accounts[0]?.credentials, { type: 'file', path: '/home/alice/.aws/credentials' });
});

t.test('every invalid setting fails with the file, the key path, what was expected and the type found', async (t) => {
  const account = (credentials: string, extra = '') =>
    `accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials: ${credentials}\n${extra}`;
  const cases: Array<{ note: string; yaml: string; path: string | undefined; message: RegExp }> = [
    { note: 'top level is a list', yaml: '- a\n', path: '', message: /the top level: expected a mapping, got a list/ },
    { note: 'top level is a string', yaml: 'hello\n', path: '', message: /expected a mapping, got a string/ },
    {
      note: 'unknown top-level key',
      yaml: 'listne: 1\n',
      path: 'listne',
      message: /listne: unknown key; the top level accepts listen, api, state_dir/,
    },
    {
      note: 'unknown nested key',
      yaml: 'limits:\n  max_body: 1\n',
      path: 'limits.max_body',
      message: /limits\.max_body: unknown key; limits accepts max_header_bytes/,
    },
    { note: 'listen of wrong type', yaml: 'listen: true\n', path: 'listen', message: /host:port.*got true/ },
    { note: 'listen without port', yaml: 'listen: localhost\n', path: 'listen', message: /host:port/ },
    { note: 'listen port too big', yaml: 'listen: 127.0.0.1:70000\n', path: 'listen', message: /port 0 to 65535/ },
    { note: 'listen bad IPv6', yaml: 'listen: "[zz]:80"\n', path: 'listen', message: /host:port/ },
    { note: 'listen empty host', yaml: 'listen: ":8080"\n', path: 'listen', message: /host:port/ },
    {
      note: 'api on the agents port',
      yaml: 'listen: 127.0.0.1:9000\napi: 127.0.0.1:9000\n',
      path: 'api',
      message: /must not be the address agents use/,
    },
    {
      note: 'api on the agents port, via a wildcard',
      yaml: 'listen: 0.0.0.0:9000\napi: 127.0.0.1:9000\n',
      path: 'api',
      message: /must not be the address agents use/,
    },
    { note: 'state_dir a number', yaml: 'state_dir: 3\n', path: 'state_dir', message: /got 3/ },
    { note: 'state_dir empty', yaml: 'state_dir: ""\n', path: 'state_dir', message: /got an empty string/ },
    { note: 'policy a list', yaml: 'policy: []\n', path: 'policy', message: /expected a mapping, got a list/ },
    { note: 'watch a string', yaml: 'policy: { watch: "yes" }\n', path: 'policy.watch', message: /true or false/ },
    {
      note: 'size in MB',
      yaml: 'limits: { max_header_bytes: 8MB }\n',
      path: 'limits.max_header_bytes',
      message: /8MiB/,
    },
    {
      note: 'size zero',
      yaml: 'limits: { max_buffered_body_bytes: 0 }\n',
      path: 'limits.max_buffered_body_bytes',
      message: /positive/,
    },
    {
      note: 'size a list',
      yaml: 'limits: { max_decoded_body_bytes: [] }\n',
      path: 'limits.max_decoded_body_bytes',
      message: /got a list/,
    },
    {
      note: 'timeout zero',
      yaml: 'limits: { idle_timeout_seconds: 0 }\n',
      path: 'limits.idle_timeout_seconds',
      message: /above 0/,
    },
    {
      note: 'timeout a string',
      yaml: 'limits: { request_timeout_seconds: "30s" }\n',
      path: 'limits.request_timeout_seconds',
      message: /got a string/,
    },
    {
      note: 'pass_through a string',
      yaml: 'pass_through: github.com\n',
      path: 'pass_through',
      message: /expected a list/,
    },
    {
      note: 'pass_through bare *',
      yaml: 'pass_through: ["*"]\n',
      path: 'pass_through[0]',
      message: /host name or \*\.suffix/,
    },
    {
      note: 'upstream no hosts',
      yaml: 'upstreams: [{ url: "http://x:1" }]\n',
      path: 'upstreams[0].hosts',
      message: /non-empty list/,
    },
    {
      note: 'upstream url with a path',
      yaml: 'upstreams: [{ hosts: [a.com], url: "http://127.0.0.1:5000/api" }]\n',
      path: 'upstreams[0].url',
      message: /no path/,
    },
    {
      note: 'upstream url with a password',
      yaml: 'upstreams: [{ hosts: [a.com], url: "http://user:hunter2@127.0.0.1:5000" }]\n',
      path: 'upstreams[0].url',
      message: /no path, query or password/,
    },
    {
      note: 'upstream url not http',
      yaml: 'upstreams: [{ hosts: [a.com], url: "ftp://127.0.0.1" }]\n',
      path: 'upstreams[0].url',
      message: /http/,
    },
    { note: 'accounts a mapping', yaml: 'accounts: {}\n', path: 'accounts', message: /expected a list/ },
    { note: 'account null', yaml: 'accounts: [~]\n', path: 'accounts[0]', message: /got null/ },
    {
      note: 'unquoted account id',
      yaml: 'accounts:\n  - id: 012345678901\n    environment: prod\n    credentials: {type: env}\n',
      path: 'accounts[0].id',
      message: /quoted 12-digit string .*, got 12345678901$/,
    },
    {
      note: 'short account id',
      yaml: 'accounts:\n  - id: "1234"\n    environment: prod\n    credentials: {type: env}\n',
      path: 'accounts[0].id',
      message: /12-digit/,
    },
    {
      note: 'missing environment',
      yaml: 'accounts:\n  - id: "012345678901"\n    credentials: {type: env}\n',
      path: 'accounts[0].environment',
      message: /got nothing/,
    },
    {
      note: 'missing credentials',
      yaml: 'accounts:\n  - id: "012345678901"\n    environment: prod\n',
      path: 'accounts[0].credentials',
      message: /credentials mapping/,
    },
    {
      note: 'duplicate account',
      yaml: `${account('{type: env}')}  - id: "012345678901"\n    environment: dev\n    credentials: {type: env}\n`,
      path: 'accounts[1].id',
      message: /configured twice/,
    },
    {
      note: 'two defaults',
      yaml: `${account('{type: env}', '    default: true\n')}  - id: "111111111111"\n    environment: dev\n    default: true\n    credentials: {type: env}\n`,
      path: 'accounts[1].default',
      message: /accounts\[0\] is already the default/,
    },
    {
      note: 'credentials type unknown',
      yaml: account('{type: vault}'),
      path: 'accounts[0].credentials.type',
      message: /one of env, file, assume-role/,
    },
    {
      note: 'credentials with no type',
      yaml: account('{prefix: AWS}'),
      path: 'accounts[0].credentials.prefix',
      message: /unknown key/,
    },
    {
      note: 'env prefix lower-case',
      yaml: account('{type: env, prefix: aws}'),
      path: 'accounts[0].credentials.prefix',
      message: /upper-case/,
    },
    {
      note: 'file without path',
      yaml: account('{type: file}'),
      path: 'accounts[0].credentials.path',
      message: /non-empty string/,
    },
    {
      note: 'assume-role with a bad ARN',
      yaml: account('{type: assume-role, role_arn: "arn:aws:iam::1:user/x", base: {type: env}}'),
      path: 'accounts[0].credentials.role_arn',
      message: /IAM role ARN/,
    },
    {
      note: 'assume-role duration out of range',
      yaml: account(
        '{type: assume-role, role_arn: "arn:aws:iam::012345678901:role/x", duration_seconds: 60, base: {type: env}}',
      ),
      path: 'accounts[0].credentials.duration_seconds',
      message: /900 to 43200/,
    },
    {
      note: 'assume-role without base',
      yaml: account('{type: assume-role, role_arn: "arn:aws:iam::012345678901:role/x"}'),
      path: 'accounts[0].credentials.base',
      message: /credentials mapping/,
    },
    {
      note: 'assume-role with a bad base',
      yaml: account('{type: assume-role, role_arn: "arn:aws:iam::012345678901:role/x", base: {type: nope}}'),
      path: 'accounts[0].credentials.base.type',
      message: /one of env/,
    },
    {
      note: 'log level unknown',
      yaml: 'log: { level: verbose }\n',
      path: 'log.level',
      message: /one of debug, info, warn, error/,
    },
  ];
  for (const { note, yaml, path, message } of cases) {
    const error = t.throws(() => loadYaml(t, yaml), { constructor: ConfigError, message }, note) as ConfigError;
    t.equal(error.path, path, `${note}: path`);
    t.match(error.message, /airlock\.yaml: /, `${note}: names the file`);
  }
});

t.test('static credentials are refused, and secret values never appear in errors', async (t) => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
  const staticKeys = `accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials:\n      type: static\n      access_key_id: AKIAEXAMPLE\n      secret_access_key: ${secret}\n`;
  const refused = t.throws(() => loadYaml(t, staticKeys), {
    constructor: ConfigError,
    message: /secret keys are not accepted in the configuration file; use type: env .* or type: file/,
  }) as ConfigError;
  t.notMatch(refused.message, secret);

  const misplaced: string[] = [
    `state_dir: [${secret}]\n`,
    `listen: ${secret}\n`,
    `log: { level: ${secret} }\n`,
    `accounts:\n  - id: "${secret}"\n`,
    `upstreams: [{ hosts: [a.com], url: "http://user:${encodeURIComponent(secret)}@h:1" }]\n`,
    `accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials: { type: env, prefix: "${secret}" }\n`,
    `accounts:\n  - id: "012345678901"\n    environment: prod\n    credentials: { type: env, secret_access_key: "${secret}" }\n`,
    `limits: { max_header_bytes: "${secret}" }\n`,
    `pass_through: ["${secret}"]\n`,
  ];
  for (const yaml of misplaced) {
    const error = t.throws(() => loadYaml(t, yaml), ConfigError) as Error;
    t.notMatch(error.message, secret);
    t.notMatch(error.message, 'wJalr');
  }
});

t.test('YAML syntax errors give a line and column, not an excerpt of the file', async (t) => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
  const cases = [
    { yaml: `listen: 1\nlisten: 2\nnote: ${secret}\n`, message: /airlock\.yaml:2:1: Map keys must be unique$/ },
    { yaml: `upstreams: [a, b\nsecret: ${secret}\n`, message: /airlock\.yaml:2:1: / },
    { yaml: `listen: a: ${secret}\n`, message: /airlock\.yaml:1:9: / },
  ];
  for (const { yaml, message } of cases) {
    const error = t.throws(() => loadYaml(t, yaml), { constructor: ConfigError, message }) as Error;
    t.notMatch(error.message, secret);
    t.notMatch(error.message, '\n', 'one line');
  }
});

t.test('a self-referencing alias is refused, not followed forever', async (t) => {
  const yaml = `accounts:
  - id: "012345678901"
    environment: prod
    credentials: &creds
      type: assume-role
      role_arn: arn:aws:iam::012345678901:role/x
      base: *creds
`;
  t.throws(() => loadYaml(t, yaml), ConfigError);
});

t.test('workers is 1 by default and an integer from 1 to 64', async (t) => {
  const directory = t.testdir({ 'airlock.yaml': '' });
  t.equal(loadConfig(join(directory, 'airlock.yaml'), {}).workers, 1);
  writeFileSync(join(directory, 'airlock.yaml'), 'workers: 2\n');
  t.equal(loadConfig(join(directory, 'airlock.yaml'), {}).workers, 2);
  for (const bad of ['0', '65', '1.5', 'two']) {
    writeFileSync(join(directory, 'airlock.yaml'), `workers: ${bad}\n`);
    t.throws(
      () => loadConfig(join(directory, 'airlock.yaml'), {}),
      { code: 'AIRLOCK_ERR_CONFIG', path: 'workers' },
      bad,
    );
  }
});

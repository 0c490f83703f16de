import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { AgentRegistry } from '../../proxy/agents/index.js';
import { envCommand } from '../../proxy/cli/env.js';
import { TRUST_BUNDLE_FILE } from '../../proxy/cli/trust-bundle.js';
import { captureIo, tempDir } from './helpers.js';

const VARIABLES = [
  'HTTPS_PROXY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
];

/** A directory whose name a shell would split and unquote if it were not quoted: a space, a quote, a `$`. */
const AWKWARD_NAME = "it's $HOME here";

/** setUp writes an airlock.yaml whose state directory has an awkward name, and registers deploy-bot in it. */
async function setUp(t: Test, config = 'listen: 127.0.0.1:18080\n') {
  const dir = join(tempDir(t), AWKWARD_NAME);
  mkdirSync(dir);
  const stateDir = join(dir, 'state');
  const file = join(dir, 'airlock.yaml');
  writeFileSync(file, `state_dir: state\n${config}`);
  const registry = AgentRegistry.open(stateDir, { env: {}, refreshIntervalMs: 0 });
  const key = await registry.add({ id: 'deploy-bot', owner: 'alice@example.com' });
  return { file, stateDir, registry, key };
}

async function env(file: string, args: string[], environment: Record<string, string> = {}) {
  const captured = captureIo(environment);
  const code = await envCommand([...args, '--config', file], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** evalInSh evaluates `lines` in a real sh and gives the value of each of VARIABLES afterwards (unset: undefined). */
async function evalInSh(lines: string): Promise<Record<string, string | undefined>> {
  const script =
    'eval "$1"; for name in ' +
    VARIABLES.join(' ') +
    '; do eval "value=\\${$name-<unset>}"; printf \'%s=%s\\n\' "$name" "$value"; done';
  const { stdout } = await promisify(execFile)('sh', ['-c', script, 'sh', lines], { env: { PATH: process.env.PATH } });
  const values: Record<string, string | undefined> = {};
  for (const line of stdout.trimEnd().split('\n')) {
    const equals = line.indexOf('=');
    const value = line.slice(equals + 1);
    values[line.slice(0, equals)] = value === '<unset>' ? undefined : value;
  }
  return values;
}

t.test('env prints lines a shell evaluates to the proxy, the key id and the CA files, quoted', async (t) => {
  const { file, stateDir, key } = await setUp(t);
  const result = await env(file, ['deploy-bot']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '');

  const lines = result.stdout.trimEnd().split('\n');
  for (const line of lines) t.match(line, /^(# .*|export [A-Z_]+='.*')$/, 'a comment or a quoted export');
  t.match(result.stdout, /^# AWS_SECRET_ACCESS_KEY was shown once, by airlock agent add or airlock agent rotate/m);
  t.notMatch(result.stdout, key.secret, 'the secret is never printed again');

  const values = await evalInSh(result.stdout);
  t.same(values, {
    HTTPS_PROXY: 'http://127.0.0.1:18080',
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_CA_BUNDLE: join(stateDir, 'ca.crt'),
    NODE_EXTRA_CA_CERTS: join(stateDir, 'ca.crt'),
    SSL_CERT_FILE: join(stateDir, TRUST_BUNDLE_FILE),
    REQUESTS_CA_BUNDLE: join(stateDir, TRUST_BUNDLE_FILE),
  });
});

t.test('the bundle SSL_CERT_FILE names holds every root Node trusts plus Airlock CA, and nothing else', async (t) => {
  const { file, stateDir } = await setUp(t);
  t.equal((await env(file, ['deploy-bot'])).code, 0);
  const bundle = readFileSync(join(stateDir, TRUST_BUNDLE_FILE), 'utf8');
  const caPem = readFileSync(join(stateDir, 'ca.crt'), 'utf8').trim();
  t.ok(bundle.includes(caPem), "Airlock's CA");
  t.ok(
    rootCertificates.every((root) => bundle.includes(root.trim())),
    `all ${rootCertificates.length} of Node's roots`,
  );
  t.equal(bundle.match(/-----BEGIN CERTIFICATE-----/g)?.length, rootCertificates.length + 1);
  const mode = statSync(join(stateDir, TRUST_BUNDLE_FILE)).mode;
  t.equal(mode & 0o600, 0o600, 'the owner reads and writes it');
  t.equal(mode & 0o022, 0, 'nobody else writes it');

  t.equal((await env(file, ['deploy-bot'])).code, 0, 'a second run replaces it');
  t.equal(readFileSync(join(stateDir, TRUST_BUNDLE_FILE), 'utf8'), bundle);
});

t.test('env --rotate issues a new key and prints its secret; the old key stops working', async (t) => {
  const { file, registry, key } = await setUp(t);
  const result = await env(file, ['deploy-bot', '--rotate']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /^Issued agent deploy-bot a new access key; the previous one no longer works\.$/m);
  const values = await evalInSh(result.stdout);
  t.not(values.AWS_ACCESS_KEY_ID, key.accessKeyId);
  t.equal(registry.lookupSecret(values.AWS_ACCESS_KEY_ID ?? '')?.secret, values.AWS_SECRET_ACCESS_KEY);
  t.equal(registry.lookupSecret(key.accessKeyId), undefined);
});

t.test('env --shell fish prints set -gx lines, quoted for fish', async (t) => {
  const { file, stateDir } = await setUp(t);
  const result = await env(file, ['deploy-bot', '--shell', 'fish']);
  t.equal(result.code, 0, result.stderr);
  const values = new Map<string, string>();
  for (const line of result.stdout.trimEnd().split('\n')) {
    if (line.startsWith('# ')) continue;
    const match = /^set -gx ([A-Z_]+) '((?:[^'\\]|\\[\\'])*)'$/.exec(line);
    t.ok(match, `a fish set line: ${line}`);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2].replace(/\\([\\'])/g, '$1'));
  }
  t.equal(values.get('AWS_CA_BUNDLE'), join(stateDir, 'ca.crt'));
  t.equal(values.get('SSL_CERT_FILE'), join(stateDir, TRUST_BUNDLE_FILE));
});

t.test('env warns, on stderr, of what would stop the printed lines from working', async (t) => {
  const { file, registry } = await setUp(t, 'listen: 0.0.0.0:18080\n');
  await registry.disable('deploy-bot');
  const result = await env(file, ['deploy-bot'], { NO_PROXY: 'localhost,.amazonaws.com' });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^export HTTPS_PROXY='http:\/\/127\.0\.0\.1:18080'$/m, 'every interface: loopback');
  t.match(result.stderr, /^warning: agent deploy-bot is disabled/m);
  t.match(result.stderr, /^warning: listen is 0\.0\.0\.0 \(every interface\)/m);
  t.match(result.stderr, /^warning: NO_PROXY covers AWS hosts/m);
});

t.test('env for an unknown agent fails with one line and creates nothing', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'airlock.yaml');
  writeFileSync(file, 'state_dir: state\n');
  const result = await env(file, ['nobody']);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(result.stderr, 'airlock env: there is no agent named nobody; list them with airlock agent list\n');
  t.notOk(existsSync(join(dir, 'state')), 'no state directory, no secrets key');

  const { file: withAgents } = await setUp(t);
  const other = await env(withAgents, ['nobody']);
  t.equal(other.code, 1);
  t.equal(other.stderr.split('\n').length, 2, 'one line');
});

t.test('env refuses a command line it cannot run, with the usage', async (t) => {
  const { file } = await setUp(t);
  for (const args of [[], ['deploy-bot', '--shell', 'csh'], ['a', 'b'], ['deploy-bot', '--nope']]) {
    const result = await env(file, args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, /^airlock env: .*\nusage: airlock env AGENT/);
  }
  const listenPortZero = await setUp(t, 'listen: 127.0.0.1:0\n');
  const result = await env(listenPortZero.file, ['deploy-bot']);
  t.equal(result.code, 1);
  t.match(result.stderr, /^airlock env: listen has port 0/);
});

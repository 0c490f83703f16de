import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { AgentRegistry } from '../../proxy/agents/index.js';
import { createPolicyEngine } from '../../proxy/decide/index.js';
import { type StatusReport, statusCommand } from '../../proxy/cli/status.js';
import { openSqliteStore } from '../../proxy/store/index.js';
import { at, newApproval } from '../store/helpers.js';
import { captureIo, startFakeApi, tempDir } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const POLICY_DIR = join(REPO, 'rego');

/** listenTcp starts a TCP server on 127.0.0.1 that accepts and closes connections; it stops when the test ends. */
async function listenTcp(t: Test): Promise<number> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.teardown(() => new Promise<void>((done) => server.close(() => done())));
  return (server.address() as { port: number }).port;
}

/** closedPort is a port on 127.0.0.1 that was free a moment ago and has nothing listening on it. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function status(file: string, args: string[] = [], now = new Date(at(125))) {
  const captured = captureIo({});
  const code = await statusCommand([...args, '--config', file], captured.io, { now: () => now });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function writeConfig(dir: string, fields: Record<string, unknown>): string {
  const file = join(dir, 'airlock.yaml');
  // JSON is YAML: paths with any character stay one scalar.
  writeFileSync(file, JSON.stringify({ state_dir: 'state', listen: '127.0.0.1:0', ...fields }));
  return file;
}

t.test('status of a healthy set-up: policy version, server, agents, pending approvals, upstream', async (t) => {
  const dir = tempDir(t);
  const stateDir = join(dir, 'state');
  const api = await startFakeApi(t, (request) =>
    request.url === '/v1/health' ? { status: 200, json: { status: 'ok' } } : { status: 404, json: {} },
  );
  const upstreamPort = await listenTcp(t);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const file = writeConfig(dir, {
    api: `127.0.0.1:${api.port}`,
    policy: { dir: POLICY_DIR, watch: false },
    upstreams: [{ hosts: ['*.amazonaws.com'], url: upstreamUrl }],
  });
  const registry = AgentRegistry.open(stateDir, { env: {} });
  await registry.add({ id: 'deploy-bot', owner: 'alice@example.com' });
  await registry.add({ id: 'ci-bot', owner: 'bob@example.com' });
  const store = openSqliteStore({ stateDir });
  await store.createOrJoinApproval(newApproval({}, 0));
  await store.createOrJoinApproval(newApproval({ fingerprint: 'b'.repeat(64) }, 60));
  await store.close();
  const engine = await createPolicyEngine({ dir: POLICY_DIR });
  const version = engine.version;
  await engine.close();

  const text = await status(file);
  t.equal(text.code, 0, text.stdout + text.stderr);
  t.match(text.stdout, new RegExp(`^policy\\s+ok\\s+${POLICY_DIR} compiles: version ${version}$`, 'm'));
  t.match(text.stdout, new RegExp(`^server\\s+ok\\s+${api.url} answers /v1/health$`, 'm'));
  t.match(text.stdout, /^agents\s+ok\s+2 registered$/m);
  t.match(text.stdout, /^approvals\s+ok\s+2 pending; the oldest has waited 2m 5s$/m);
  t.match(
    text.stdout,
    new RegExp(`^upstream\\s+ok\\s+${upstreamUrl} accepts connections \\(\\*\\.amazonaws\\.com\\)$`, 'm'),
  );
  t.match(text.stdout, /\nhealthy\n$/);
  t.ok(
    api.requests.some((request) => request.method === 'GET' && request.url === '/v1/health'),
    'asked the server',
  );

  const json = await status(file, ['--json']);
  t.equal(json.code, 0);
  const report = JSON.parse(json.stdout) as StatusReport;
  t.same(report, {
    healthy: true,
    policy: { ok: true, dir: POLICY_DIR, version },
    server: { ok: true, url: api.url },
    agents: { ok: true, count: 2 },
    approvals: { ok: true, pending: 2, oldestCreatedAt: at(0) },
    upstreams: [{ ok: true, url: upstreamUrl, hosts: ['*.amazonaws.com'] }],
  });
});

t.test('status names each problem: a policy that does not compile, an unreachable upstream, no server', async (t) => {
  const dir = tempDir(t);
  const policyDir = join(dir, 'policy');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'airlock.rego'), 'package airlock\n\ndecision := {\n');
  const deadUpstream = `http://127.0.0.1:${await closedPort()}`;
  const liveUpstream = `http://127.0.0.1:${await listenTcp(t)}`;
  const file = writeConfig(dir, {
    api: `127.0.0.1:${await closedPort()}`,
    policy: { dir: policyDir },
    upstreams: [
      { hosts: ['sts.amazonaws.com'], url: deadUpstream },
      { hosts: ['*.amazonaws.com'], url: liveUpstream },
    ],
  });

  const text = await status(file);
  t.equal(text.code, 1);
  t.match(text.stdout, new RegExp(`^policy\\s+FAIL\\s+${policyDir} does not compile \\(version [0-9a-f]{12}\\)$`, 'm'));
  t.match(text.stdout, /^policy diagnostics:\n {2}\S*airlock\.rego:\d+:\d+: /m, 'the compiler says where');
  t.match(text.stdout, /^server\s+FAIL\s+http:\/\/127\.0\.0\.1:\d+: no server answers: ECONNREFUSED$/m);
  t.match(text.stdout, new RegExp(`^upstream\\s+FAIL\\s+${deadUpstream} unreachable: ECONNREFUSED`, 'm'));
  t.match(text.stdout, new RegExp(`^upstream\\s+ok\\s+${liveUpstream} accepts connections`, 'm'));
  t.match(text.stdout, /^agents\s+ok\s+none registered/m);
  t.match(text.stdout, /^approvals\s+ok\s+none pending$/m);
  t.match(text.stdout, new RegExp(`\\nnot healthy: policy, server, upstream ${deadUpstream}\\n$`));
  t.notOk(existsSync(join(dir, 'state')), 'status created no state directory');

  const report = JSON.parse((await status(file, ['--json'])).stdout) as StatusReport;
  t.equal(report.healthy, false);
  t.equal(report.policy.ok, false);
  t.ok((report.policy.diagnostics ?? []).length > 0);
  t.same(
    report.upstreams.map((upstream) => [upstream.url, upstream.ok, upstream.error]),
    [
      [deadUpstream, false, 'ECONNREFUSED'],
      [liveUpstream, true, undefined],
    ],
  );
});

t.test('with no upstream configured, status says calls go to AWS and probes nothing', async (t) => {
  const dir = tempDir(t);
  const api = await startFakeApi(t, () => ({ status: 200, json: { status: 'ok' } }));
  const file = writeConfig(dir, { api: `127.0.0.1:${api.port}`, policy: { dir: POLICY_DIR } });
  const result = await status(file);
  t.equal(result.code, 0, result.stdout);
  t.match(result.stdout, /^upstream\s+ok\s+none configured: calls go to AWS itself \(not probed\)$/m);
});

t.test('a server answering /v1/health with an error is not healthy', async (t) => {
  const dir = tempDir(t);
  const api = await startFakeApi(t, () => ({ status: 503, json: { status: 'stopping' } }));
  const file = writeConfig(dir, { api: `127.0.0.1:${api.port}`, policy: { dir: POLICY_DIR } });
  const result = await status(file);
  t.equal(result.code, 1);
  t.match(result.stdout, /^server\s+FAIL\s+\S+: \/v1\/health answered 503$/m);
});

t.test('status refuses arguments it does not take', async (t) => {
  const file = writeConfig(tempDir(t), {});
  const result = await status(file, ['everything']);
  t.equal(result.code, 2);
  t.match(result.stderr, /^airlock status: status takes no arguments\nusage: airlock status/);
});

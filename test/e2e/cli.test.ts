import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startMoto } from '../harness/moto.js';
import { AirlockProxyAgent, sendSignedCall } from './harness/agent-client.js';
import { run, startAirlock } from './harness/airlock.js';

// The operator's commands around the proxy, run as a user runs them: the built CLI in a fresh directory.

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAIN = join(ROOT, 'dist/proxy/cli/main.js');
const airlock = (directory: string, ...args: string[]) =>
  run(process.execPath, [MAIN, ...args, '--config', join(directory, 'airlock.yaml')], { PATH: process.env.PATH });

t.test('airlock ca export prints the CA certificate, the same one on every run, and never the key', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  writeFileSync(join(directory, 'airlock.yaml'), 'state_dir: state\n');
  const first = await airlock(directory, 'ca', 'export');
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  t.notMatch(first.stdout, /PRIVATE KEY/);
  t.equal(first.stdout, readFileSync(join(directory, 'state', 'ca.crt'), 'utf8'));
  t.equal(statSync(join(directory, 'state', 'ca.key')).mode & 0o777, 0o600);
  const second = await airlock(directory, 'ca', 'export');
  t.equal(second.stdout, first.stdout, 'the CA is created once');
});

t.test('airlock serve stops at start with one line naming the cause', async (t) => {
  const taken = createServer();
  await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
  t.teardown(() => taken.close());
  const { port } = taken.address() as { port: number };
  const directory = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  writeFileSync(
    join(directory, 'airlock.yaml'),
    `state_dir: state\nlisten: 127.0.0.1:${port}\npolicy: { dir: ${JSON.stringify(join(ROOT, 'rego'))}, watch: false }\n`,
  );
  const inUse = await airlock(directory, 'serve');
  t.equal(inUse.code, 1);
  t.match(inUse.stderr.trim(), /^airlock serve: .*EADDRINUSE|address already in use/);
  t.equal(inUse.stderr.trim().split('\n').length, 1, 'one line');

  writeFileSync(join(directory, 'airlock.yaml'), 'state_dir: state\nlimitz: {}\n');
  const unknownKey = await airlock(directory, 'serve');
  t.equal(unknownKey.code, 1);
  t.match(unknownKey.stderr, /limitz/);
  t.equal(unknownKey.stderr.trim().split('\n').length, 1, 'one line');

  writeFileSync(join(directory, 'airlock.yaml'), 'state_dir: state\npolicy: { dir: missing-rego }\n');
  const noPolicy = await airlock(directory, 'serve');
  t.equal(noPolicy.code, 1);
  t.match(noPolicy.stderr, /missing-rego/);
  t.equal(noPolicy.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('with workers: 2 the proxy answers from worker processes and stops cleanly', async (t) => {
  const moto = await startMoto();
  t.teardown(() => moto.stop());
  const airlock = await startAirlock({ upstream: moto.url, credentials: moto.credentials, config: { workers: 2 } });
  t.teardown(() => airlock.stop());
  const keys = await airlock.addAgent('worker-bot', 'alice@example.com');
  const agent = new AirlockProxyAgent(airlock, { keepAlive: false });
  t.teardown(() => agent.destroy());
  for (let i = 0; i < 4; i += 1) {
    const answer = await sendSignedCall(agent, keys, {
      method: 'POST',
      host: 'sts.amazonaws.com',
      path: '/',
      service: 'sts',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    t.equal(answer.status, 200);
  }
  // A worker writes a call's log line once the response has gone out, so the last one may still be on its way.
  const calls = () => airlock.logs.filter((line) => line.msg === 'call').length;
  await airlock.waitForLog(() => calls() === 4);
  t.pass('every call was logged by the worker that handled it');
});

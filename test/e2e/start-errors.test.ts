import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { stopChild } from '../harness/moto.js';
import { run, type RunResult } from './harness/airlock.js';

// A configuration that cannot work stops `airlock serve` at start, before it serves anything, with exit code 1 and
// one line on stderr that names the cause: the key, the file, the port or the variable. One line, so a supervisor's
// log (systemd, Kubernetes) shows the whole cause where it shows the failure.

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MAIN = join(ROOT, 'dist/proxy/cli/main.js');
/** A configuration that starts: only the case under test breaks it. */
const WORKING = {
  listen: '127.0.0.1:0',
  api: '127.0.0.1:0',
  state_dir: 'state',
  policy: `{ dir: ${JSON.stringify(join(ROOT, 'rego'))}, watch: false }`,
};

/** writeConfig writes airlock.yaml from `lines` over the working configuration and returns its path. */
function writeConfig(directory: string, lines: Record<string, string>): string {
  const config = Object.entries({ ...WORKING, ...lines })
    .map(([key, value]) => `${key}: ${value}\n`)
    .join('');
  const path = join(directory, 'airlock.yaml');
  writeFileSync(path, config);
  return path;
}

/** startIn runs `airlock serve` with `lines` over the working configuration, to the end of its start. */
function startIn(directory: string, lines: Record<string, string>): Promise<RunResult> {
  const config = writeConfig(directory, lines);
  // A serve that does start runs until the harness's 90 s limit, and its exit code then fails the case.
  return run(process.execPath, [MAIN, 'serve', '--config', config], { PATH: process.env.PATH });
}

/** stopsWithOneLine checks that serve exited 1 with one stderr line that matches every pattern. */
function stopsWithOneLine(t: Test, result: RunResult, ...causes: RegExp[]): void {
  t.equal(result.code, 1, 'exit code 1', { stderr: result.stderr });
  const lines = result.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line on stderr', { stderr: result.stderr });
  for (const cause of causes) t.match(lines[0], cause);
}

function freshDirectory(t: Test): string {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-start-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** stateWithCa makes the state directory, with the CA's two files, that a first run leaves. */
async function stateWithCa(t: Test): Promise<{ directory: string; caCertificate: string; caKey: string }> {
  const directory = freshDirectory(t);
  writeFileSync(join(directory, 'airlock.yaml'), 'state_dir: state\n');
  const created = await run(process.execPath, [MAIN, 'ca', 'export', '--config', join(directory, 'airlock.yaml')], {
    PATH: process.env.PATH,
  });
  t.equal(created.code, 0, 'the CA exists before the case breaks it', { stderr: created.stderr });
  return { directory, caCertificate: join(directory, 'state', 'ca.crt'), caKey: join(directory, 'state', 'ca.key') };
}

async function occupiedPort(t: Test): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  t.teardown(() => new Promise<void>((closed) => server.close(() => closed())));
  return (server.address() as { port: number }).port;
}

t.test('the configuration the cases start from serves, so each case fails for its own cause only', async (t) => {
  const serve = spawn(process.execPath, [MAIN, 'serve', '--config', writeConfig(freshDirectory(t), {})], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => stopChild(serve, 5_000));
  let stdout = '';
  const listening = new Promise<boolean>((resolvePromise) => {
    serve.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"msg":"listening"')) resolvePromise(true);
    });
    serve.once('exit', () => resolvePromise(false));
  });
  t.ok(await listening, 'airlock serve is listening', { stdout });
});

t.test('an unknown key names the key and what its level accepts', async (t) => {
  const result = await startIn(freshDirectory(t), { limitz: '{}' });
  stopsWithOneLine(t, result, /limitz/, /unknown key/);

  const nested = await startIn(freshDirectory(t), { limits: '{ max_header_byte: 1024 }' });
  stopsWithOneLine(t, nested, /limits\.max_header_byte/, /unknown key/);
});

t.test('a value of the wrong type names the key, what was expected and what was found', async (t) => {
  const size = await startIn(freshDirectory(t), { limits: '{ max_header_bytes: true }' });
  stopsWithOneLine(t, size, /limits\.max_header_bytes/, /expected/, /got true/);

  const workers = await startIn(freshDirectory(t), { workers: 'many' });
  stopsWithOneLine(t, workers, /workers/, /expected/);

  const port = await startIn(freshDirectory(t), { listen: '[8080]' });
  stopsWithOneLine(t, port, /listen/, /expected/);
});

t.test('an unusable CA file names the file', async (t) => {
  t.test('a CA key that others may read is refused', async (t) => {
    const { directory, caKey } = await stateWithCa(t);
    chmodSync(caKey, 0o644);
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caKey)));
  });

  t.test('a CA key that is not a key', async (t) => {
    const { directory, caKey } = await stateWithCa(t);
    writeFileSync(caKey, 'not a key\n', { mode: 0o600 });
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caKey)));
  });

  t.test('a CA certificate that is not a certificate', async (t) => {
    const { directory, caCertificate } = await stateWithCa(t);
    writeFileSync(caCertificate, 'not a certificate\n');
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caCertificate)));
  });

  t.test('a directory where the CA certificate should be', async (t) => {
    const { directory, caCertificate } = await stateWithCa(t);
    rmSync(caCertificate);
    mkdirSync(caCertificate);
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caCertificate)));
  });

  t.test('a directory where the CA key should be', async (t) => {
    const { directory, caKey } = await stateWithCa(t);
    rmSync(caKey);
    mkdirSync(caKey, { mode: 0o700 });
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caKey)));
  });

  t.test('a CA certificate without its key', async (t) => {
    const { directory, caCertificate, caKey } = await stateWithCa(t);
    rmSync(caKey);
    stopsWithOneLine(t, await startIn(directory, {}), new RegExp(escape(caCertificate)), new RegExp(escape(caKey)));
  });
});

t.test('a port in use names the address', async (t) => {
  const proxyPort = await occupiedPort(t);
  const proxy = await startIn(freshDirectory(t), { listen: `127.0.0.1:${proxyPort}` });
  stopsWithOneLine(t, proxy, new RegExp(`127\\.0\\.0\\.1:${proxyPort}\\b`), /in use|EADDRINUSE/);

  const apiPort = await occupiedPort(t);
  const api = await startIn(freshDirectory(t), { api: `127.0.0.1:${apiPort}` });
  stopsWithOneLine(t, api, new RegExp(`127\\.0\\.0\\.1:${apiPort}\\b`), /in use|EADDRINUSE/);
});

t.test('a notification secret whose variable is not set names the variable', async (t) => {
  const result = await startIn(freshDirectory(t), {
    notify: '{ teams: { webhook_url_env: AIRLOCK_TEST_TEAMS_WEBHOOK_URL } }',
  });
  stopsWithOneLine(t, result, /AIRLOCK_TEST_TEAMS_WEBHOOK_URL/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

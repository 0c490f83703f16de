import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { AgentRegistry } from '../../proxy/agents/index.js';
import { tempDir } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const MAIN = join(REPO, 'proxy/cli/main.ts');
/** How long a start may take before the test gives up; only a failure waits this long. */
const START_LIMIT_MS = 60_000;

interface ServeRun {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * serveUntilListening runs `airlock serve` until it logs `listening`, then stops it with SIGTERM and gives
 * everything it printed. Stopping first makes the output whole, whichever pipe the test happened to read first.
 */
async function serveUntilListening(t: Test, cwd: string, args: string[]): Promise<ServeRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AIRLOCK_')));
  const child = spawn(TSX, [MAIN, 'serve', ...args], { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  await new Promise<void>((listening, failed) => {
    const limit = setTimeout(
      () => failed(new Error(`not listening after ${START_LIMIT_MS} ms: ${stderr}`)),
      START_LIMIT_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/"msg":"listening"/.test(stdout)) {
        clearTimeout(limit);
        listening();
      }
    });
    void exited.then(() => {
      clearTimeout(limit);
      failed(new Error(`serve exited: ${stderr}`));
    });
  });
  child.kill('SIGTERM');
  await exited;
  return { stdout, stderr };
}

t.test('serve with no agents prints the next steps on stderr, and stops printing them once there is one', async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'airlock.yaml'),
    JSON.stringify({
      state_dir: 'state',
      listen: '127.0.0.1:0',
      api: '127.0.0.1:0',
      policy: { dir: join(REPO, 'rego'), watch: false },
    }),
  );
  const first = await serveUntilListening(t, dir, ['--config', 'airlock.yaml']);
  const lines = first.stdout.trimEnd().split('\n');
  t.ok(
    lines.every((line) => typeof JSON.parse(line) === 'object'),
    'stdout is JSON lines only',
  );
  const listening = lines
    .map((line) => JSON.parse(line) as { msg?: string; api?: string })
    .find((line) => line.msg === 'listening');
  t.match(first.stderr, /no agents are registered yet/);
  t.match(first.stderr, /npx airlock agent add NAME --owner EMAIL --config airlock\.yaml/);
  t.match(first.stderr, /npx airlock env NAME --config airlock\.yaml/);
  t.match(first.stderr, /npx airlock approver add EMAIL --groups GROUP --config airlock\.yaml/);
  t.ok(listening?.api !== undefined && first.stderr.includes(`Approval pages and REST API: ${listening.api}`));

  await AgentRegistry.open(join(dir, 'state'), { env: {} }).add({ id: 'deploy-bot', owner: 'alice@example.com' });
  const second = await serveUntilListening(t, dir, ['--config', 'airlock.yaml']);
  t.notMatch(second.stderr, /Next steps/);
});

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { AGENTS_FILE } from '../../proxy/agents/index.js';
import { openRegistry, tempStateDir } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const MAIN = join(REPO, 'proxy/cli/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** airlock runs the CLI in `cwd` with a clean environment (no AIRLOCK_* variables from the test's shell). */
async function airlock(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AIRLOCK_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [MAIN, ...args], { cwd, env: { ...cleanEnv, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function exported(stdout: string, name: string): string {
  const match = new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(stdout);
  if (match?.[1] === undefined) throw new Error(`no export ${name} line in the output`);
  return match[1];
}

t.test('agent add prints the key once, ready to paste, and the registry knows it', async (t) => {
  const cwd = dirname(tempStateDir(t));
  const run = await airlock(cwd, [
    'agent',
    'add',
    'deploy-bot',
    '--owner',
    'alice@example.com',
    '--group',
    'ci',
    '--group',
    'deployers',
    '--label',
    'team=infra',
    '--label',
    'cost-centre=a=b',
    '--account',
    '012345678901',
  ]);
  t.equal(run.code, 0, run.stderr);
  const accessKeyId = exported(run.stdout, 'AWS_ACCESS_KEY_ID');
  const secret = exported(run.stdout, 'AWS_SECRET_ACCESS_KEY');
  t.match(accessKeyId, /^AKAL[A-Z2-7]{16}$/);
  t.match(secret, /^[A-Za-z0-9+/]{40}$/);

  const registry = openRegistry(join(cwd, '.airlock'));
  t.same(registry.lookupSecret(accessKeyId)?.secret, secret);
  t.same(registry.get('deploy-bot'), {
    id: 'deploy-bot',
    owner: 'alice@example.com',
    groups: ['ci', 'deployers'],
    labels: { 'cost-centre': 'a=b', team: 'infra' },
    account: '012345678901',
  });
  t.notMatch(readFileSync(join(cwd, '.airlock', AGENTS_FILE), 'utf8'), secret);

  const list = await airlock(cwd, ['agent', 'list']);
  t.equal(list.code, 0);
  t.match(list.stdout, /^NAME\s+OWNER\s+GROUPS/);
  t.match(list.stdout, /deploy-bot\s+alice@example\.com\s+ci,deployers\s+cost-centre=a=b,team=infra\s+012345678901/);
  t.notMatch(list.stdout, secret, 'list never shows the secret');
  const json = JSON.parse((await airlock(cwd, ['agent', 'list', '--json'])).stdout) as Array<{ id: string }>;
  t.same(
    json.map((agent) => agent.id),
    ['deploy-bot'],
  );

  const rotated = await airlock(cwd, ['agent', 'rotate', 'deploy-bot']);
  t.equal(rotated.code, 0);
  const newKey = exported(rotated.stdout, 'AWS_ACCESS_KEY_ID');
  t.equal(registry.lookupSecret(accessKeyId), undefined, 'the old key stopped working');
  t.equal(registry.lookupSecret(newKey)?.secret, exported(rotated.stdout, 'AWS_SECRET_ACCESS_KEY'));

  t.equal((await airlock(cwd, ['agent', 'disable', 'deploy-bot'])).code, 0);
  t.equal(registry.lookupSecret(newKey), undefined);
  t.match((await airlock(cwd, ['agent', 'list'])).stdout, /disabled/);
  t.equal((await airlock(cwd, ['agent', 'enable', 'deploy-bot'])).code, 0);
  t.equal(registry.lookupSecret(newKey)?.agentId, 'deploy-bot');

  const removed = await airlock(cwd, ['agent', 'remove', 'deploy-bot']);
  t.equal(removed.code, 0);
  t.equal(registry.lookupSecret(newKey), undefined);
  t.match((await airlock(cwd, ['agent', 'list'])).stdout, /No agents/);
});

t.test('the state directory comes from --config, AIRLOCK_CONFIG, or AIRLOCK_STATE_DIR', async (t) => {
  const cwd = dirname(tempStateDir(t));
  writeFileSync(join(cwd, 'custom.yaml'), 'state_dir: custom-state\n');
  const viaFlag = await airlock(cwd, ['agent', 'add', 'a', '--owner', 'a@example.com', '--config', 'custom.yaml']);
  t.equal(viaFlag.code, 0, viaFlag.stderr);
  t.ok(openRegistry(join(cwd, 'custom-state')).get('a'));

  const viaEnv = await airlock(cwd, ['agent', 'add', 'b', '--owner', 'b@example.com'], {
    AIRLOCK_CONFIG: join(cwd, 'custom.yaml'),
  });
  t.equal(viaEnv.code, 0, viaEnv.stderr);
  t.ok(openRegistry(join(cwd, 'custom-state')).get('b'));

  const override = await airlock(cwd, ['agent', 'add', 'c', '--owner', 'c@example.com'], {
    AIRLOCK_STATE_DIR: 'elsewhere',
  });
  t.equal(override.code, 0, override.stderr);
  t.ok(openRegistry(join(cwd, 'elsewhere')).get('c'));
});

t.test('usage errors exit 2, failures exit 1, both on stderr', async (t) => {
  const cwd = dirname(tempStateDir(t));
  const usage: Array<{ note: string; args: string[]; message: RegExp }> = [
    { note: 'no verb', args: ['agent'], message: /needs a command/ },
    { note: 'unknown verb', args: ['agent', 'frobnicate'], message: /unknown command/ },
    { note: 'no name', args: ['agent', 'add', '--owner', 'a@example.com'], message: /needs NAME/ },
    { note: 'two names', args: ['agent', 'add', 'a', 'b', '--owner', 'a@example.com'], message: /one NAME/ },
    { note: 'no owner', args: ['agent', 'add', 'a'], message: /--owner/ },
    { note: 'unknown flag', args: ['agent', 'add', 'a', '--owner', 'a@b.co', '--bogus'], message: /bogus/ },
    { note: 'label without =', args: ['agent', 'add', 'a', '--owner', 'a@b.co', '--label', 'x'], message: /KEY=VALUE/ },
    { note: 'invalid name', args: ['agent', 'add', 'Not_Valid', '--owner', 'a@example.com'], message: /agent name/ },
    { note: 'invalid owner', args: ['agent', 'add', 'a', '--owner', 'nobody'], message: /owner/ },
  ];
  const usageRuns = await Promise.all(usage.map(({ args }) => airlock(cwd, args)));
  for (const [index, { note, message }] of usage.entries()) {
    const run = usageRuns[index]!;
    t.equal(run.code, 2, note);
    t.match(run.stderr, message, note);
    t.equal(run.stdout, '', `${note}: nothing on stdout`);
  }

  t.equal((await airlock(cwd, ['agent', 'add', 'a', '--owner', 'a@example.com'])).code, 0);
  const failures: Array<{ note: string; args: string[]; message: RegExp }> = [
    { note: 'duplicate', args: ['agent', 'add', 'a', '--owner', 'a@example.com'], message: /already exists/ },
    { note: 'missing agent', args: ['agent', 'rotate', 'nobody'], message: /no agent named nobody/ },
    { note: 'missing config', args: ['agent', 'list', '--config', 'absent.yaml'], message: /absent\.yaml/ },
  ];
  const failureRuns = await Promise.all(failures.map(({ args }) => airlock(cwd, args)));
  for (const [index, { note, message }] of failures.entries()) {
    const run = failureRuns[index]!;
    t.equal(run.code, 1, note);
    t.match(run.stderr, message, note);
    t.equal(run.stdout, '', `${note}: nothing on stdout`);
  }
});

t.test('an account missing from the configuration is a warning, not a failure', async (t) => {
  const cwd = dirname(tempStateDir(t));
  writeFileSync(
    join(cwd, 'airlock.yaml'),
    'accounts:\n  - id: "111111111111"\n    environment: prod\n    credentials: { type: env }\n',
  );
  const run = await airlock(cwd, ['agent', 'add', 'a', '--owner', 'a@example.com', '--account', '222222222222']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /account 222222222222 is not configured/);
  const configured = await airlock(cwd, ['agent', 'add', 'b', '--owner', 'a@example.com']);
  t.equal(configured.stderr, '', 'the lone account is the default');
});

t.test('agent add from several processes at once: one key file, every agent kept', async (t) => {
  const cwd = dirname(tempStateDir(t));
  const runs = await Promise.all(
    Array.from({ length: 6 }, (_, index) =>
      airlock(cwd, ['agent', 'add', `agent-${index}`, '--owner', 'a@example.com']),
    ),
  );
  const registry = openRegistry(join(cwd, '.airlock'));
  t.equal(registry.list().length, 6);
  for (const run of runs) {
    t.equal(run.code, 0, run.stderr);
    const accessKeyId = exported(run.stdout, 'AWS_ACCESS_KEY_ID');
    t.equal(registry.lookupSecret(accessKeyId)?.secret, exported(run.stdout, 'AWS_SECRET_ACCESS_KEY'));
  }
});

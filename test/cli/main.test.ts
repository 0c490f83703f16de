import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { tempDir } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const MAIN = join(REPO, 'proxy/cli/main.ts');

/** airlock runs the real entry point in `cwd`, with no AIRLOCK_* variables but those given. */
async function airlock(cwd: string, args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AIRLOCK_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [MAIN, ...args], { cwd, env: { ...clean, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

t.test('airlock dispatches approver, approvals and audit, and lists them in its help', async (t) => {
  const cwd = tempDir(t);
  const help = await airlock(cwd, ['--help']);
  t.match(help.stderr, /approver add\|revoke/);
  t.match(help.stderr, /approvals list\|show\|approve\|deny/);
  t.match(help.stderr, /audit verify\|export/);

  const added = await airlock(cwd, ['approver', 'add', 'bob@example.com', '--groups', 'sre']);
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout, /^export AIRLOCK_TOKEN=alt_/m);

  const verified = await airlock(cwd, ['audit', 'verify']);
  t.equal(verified.code, 0, verified.stderr);
  t.equal(verified.stdout, 'audit log verified: 1 record, last checkpoint at seq 1\n');

  const noToken = await airlock(cwd, ['approvals', 'list']);
  t.equal(noToken.code, 1);
  t.match(noToken.stderr, /^airlock approvals: set AIRLOCK_TOKEN/);
});

import { spawnSync } from 'node:child_process';
import t from 'tap';

/*
 * OPA's conformance suite through the compiler: no wrong result, ever, and no fewer passes than the baseline
 * recorded in scripts/conformance/baseline.json (a ratchet: raise it with `npm run conformance -- --update-baseline`).
 * Runs the built script, so `npm test` builds first.
 */
t.test('the conformance suite gives no wrong result and keeps its pass count', (t) => {
  const run = spawnSync(process.execPath, ['dist/scripts/conformance.js', '--check'], {
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  const total = /^total \((\d+) cases\)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(run.stdout);
  t.ok(total, 'prints a total line');
  if (total) t.comment(`conformance: ${total[2]} passed, ${total[3]} refused, ${total[4]} wrong, ${total[5]} errored`);
  t.match(run.stdout, /conformance check passed/, run.stderr || 'check passed');
  t.equal(run.status, 0, 'exits 0');
  t.end();
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadCases } from './conformance/cases.js';
import type { Outcome, Verdict } from './conformance/judge.js';

/*
 * npm run conformance [-- --check] [--filter TEXT] [--verbose] [--update-baseline]
 *
 * Runs OPA's conformance cases (../shared/conformance/opa-v1) through compileRego and @open-policy-agent/opa-wasm
 * and prints, per folder and in total, how many passed, were refused at compile time, gave a wrong result, or
 * errored. With --check it fails on any wrong result, or when fewer cases pass than the recorded baseline.
 */

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const suiteRoot = resolve(repo, '..', 'shared', 'conformance', 'opa-v1');
const baselineFile = join(repo, 'scripts', 'conformance', 'baseline.json');
const resultsFile = join(repo, '.conformance', 'results.json');
const CASE_TIMEOUT_MS = 20_000;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;

const allCases = loadCases(suiteRoot);
const selected = allCases.map((c, index) => ({ c, index })).filter(({ c }) => !filter || c.note.includes(filter));
const verdicts = new Map<number, Verdict>();

await runAll();
report();

async function runAll(): Promise<void> {
  const queue = selected.map(({ index }) => index);
  const workers = Math.max(1, Math.min(availableParallelism(), 4));
  await Promise.all(Array.from({ length: workers }, () => drain(queue)));
}

/** drain runs cases from the shared queue in one worker, replacing the worker when a case hangs. */
async function drain(queue: number[]): Promise<void> {
  let worker = startWorker();
  while (queue.length > 0) {
    const index = queue.shift()!;
    const verdict = await new Promise<Verdict>((done) => {
      const timer = setTimeout(() => {
        worker.removeAllListeners();
        void worker.terminate();
        worker = startWorker();
        done({ outcome: 'errored', detail: `no answer within ${CASE_TIMEOUT_MS} ms` });
      }, CASE_TIMEOUT_MS);
      worker.once('message', (msg: { verdict: Verdict }) => {
        clearTimeout(timer);
        done(msg.verdict);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        worker = startWorker();
        done({ outcome: 'errored', detail: `worker died: ${err.message}` });
      });
      worker.postMessage(index);
    });
    worker.removeAllListeners('error');
    verdicts.set(index, verdict);
  }
  await worker.terminate();
}

function startWorker(): Worker {
  return new Worker(join(here, 'conformance', 'worker.js'), { workerData: { root: suiteRoot } });
}

function report(): void {
  const outcomes: Outcome[] = ['passed', 'refused', 'wrong', 'errored'];
  const byFolder = new Map<string, Record<Outcome, number>>();
  const total: Record<Outcome, number> = { passed: 0, refused: 0, wrong: 0, errored: 0 };
  const rows: { note: string; outcome: Outcome; detail?: string }[] = [];
  for (const { c, index } of selected) {
    const verdict = verdicts.get(index) ?? { outcome: 'errored', detail: 'not run' };
    const counts = byFolder.get(c.folder) ?? { passed: 0, refused: 0, wrong: 0, errored: 0 };
    counts[verdict.outcome]++;
    total[verdict.outcome]++;
    byFolder.set(c.folder, counts);
    rows.push({ note: c.note, ...verdict });
  }

  const line = (name: string, counts: Record<Outcome, number>) =>
    `${name.padEnd(44)} ${outcomes.map((o) => String(counts[o]).padStart(7)).join(' ')}`;
  console.log(`${'folder'.padEnd(44)} ${outcomes.map((o) => o.padStart(7)).join(' ')}`);
  for (const [folder, counts] of [...byFolder].sort(([a], [b]) => a.localeCompare(b)))
    console.log(line(folder, counts));
  console.log(line(`total (${selected.length} cases)`, total));

  if (flag('--verbose')) {
    for (const row of rows.filter((r) => r.outcome !== 'passed')) {
      console.log(`\n[${row.outcome}] ${row.note}\n  ${(row.detail ?? '').split('\n').join('\n  ')}`);
    }
  }
  for (const row of rows.filter((r) => r.outcome === 'wrong')) console.log(`WRONG: ${row.note}: ${row.detail}`);

  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(rows, null, 1)}\n`);

  if (filter) return;
  const baseline = readBaseline();
  if (flag('--update-baseline') && total.wrong === 0 && total.passed > baseline) {
    writeFileSync(baselineFile, `${JSON.stringify({ passed: total.passed }, null, 2)}\n`);
    console.log(`baseline raised from ${baseline} to ${total.passed}`);
  }
  if (flag('--check')) {
    const problems: string[] = [];
    if (total.wrong > 0) problems.push(`${total.wrong} wrong result(s)`);
    if (total.passed < baseline) problems.push(`${total.passed} passed, below the recorded baseline of ${baseline}`);
    if (problems.length > 0) {
      console.error(`conformance check failed: ${problems.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log(`conformance check passed: ${total.passed} passed (baseline ${baseline}), 0 wrong`);
    }
  }
}

function readBaseline(): number {
  const parsed = JSON.parse(readFileSync(baselineFile, 'utf8')) as { passed: number };
  return parsed.passed;
}

import { performance } from 'node:perf_hooks';
import { compileRego, loadCompiledPolicy } from '../../proxy/policy/compiler/index.js';
import { loadPolicySources } from '../../proxy/policy/sources.js';
import { largePolicy } from './large-policy.js';

/*
 * npm run bench:policy [-- --evaluations N]
 *
 * Compile time of the default policy (first compile in a fresh process, then the median of warm compiles) and of a
 * generated 2,000-line policy (large-policy.ts), the median / p99 nanoseconds per `evaluate()` through
 * @open-policy-agent/opa-wasm over representative inputs, and RSS along the evaluation loop (1,000,000 by default).
 */

const args = process.argv.slice(2);
const evaluations = Number(args[args.indexOf('--evaluations') + 1]) || 1_000_000;
const RSS_SAMPLES = 10;
const WARM_COMPILES = 20;

const sources = loadPolicySources(['rego'], { includeTests: false });

let started = performance.now();
let wasm = await compileRego(sources.modules, ['airlock/decision']);
const firstCompileMs = performance.now() - started;

const compileTimes: number[] = [];
for (let i = 0; i < WARM_COMPILES; i++) {
  started = performance.now();
  wasm = await compileRego(sources.modules, ['airlock/decision']);
  compileTimes.push(performance.now() - started);
}

const large = largePolicy(2000);
const largeLines = Object.values(large).reduce((sum, source) => sum + source.split('\n').length, 0);
started = performance.now();
await compileRego(large, ['airlock/decision']);
const largeFirstMs = performance.now() - started;
const largeTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  started = performance.now();
  await compileRego(large, ['airlock/decision']);
  largeTimes.push(performance.now() - started);
}

const policy = await loadCompiledPolicy(wasm);
policy.setData(sources.data);

const inputs = [
  call('s3:GetObject', { read_only: true, environment: 'prod' }),
  call('ec2:DescribeInstances', { read_only: true }),
  call('s3:PutObject', { environment: 'dev' }),
  call('iam:CreateRole', { environment: 'prod' }),
  call('sts:AssumeRole', { read_only: true }),
  call('dynamodb:DeleteTable', { environment: 'prod' }),
];

for (let i = 0; i < 20_000; i++) policy.evaluate(inputs[i % inputs.length], 'airlock/decision');
// Written through once so that its pages are resident before the first RSS reading, not counted as growth.
const samples = new Float64Array(evaluations).fill(1);
const rss = [settledRss()];
const rssEvery = Math.max(1, Math.floor(evaluations / RSS_SAMPLES));
for (let i = 0; i < evaluations; i++) {
  const input = inputs[i % inputs.length];
  const t0 = process.hrtime.bigint();
  policy.evaluate(input, 'airlock/decision');
  samples[i] = Number(process.hrtime.bigint() - t0);
  if ((i + 1) % rssEvery === 0) rss.push(settledRss());
}
samples.sort();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))] ?? 0;

console.log('default policy (rego/), entrypoint airlock/decision');
console.log(`  wasm size                     ${wasm.length} bytes`);
console.log(`  compile, first in process     ${firstCompileMs.toFixed(1)} ms`);
console.log(`  compile, median of ${WARM_COMPILES} warm    ${median(compileTimes).toFixed(1)} ms`);
console.log(
  `  evaluate, median              ${Math.round(at(0.5))} ns   (${evaluations} evaluations, ${inputs.length} inputs)`,
);
console.log(`  evaluate, p99                 ${Math.round(at(0.99))} ns`);
console.log(`  RSS along the loop, after GC  ${rss.map(mb).join(' ')} MiB`);
console.log(`generated policy (large-policy.ts), ${largeLines} lines in ${Object.keys(large).length} modules`);
console.log(`  compile, first                ${largeFirstMs.toFixed(1)} ms`);
console.log(`  compile, median of 5          ${median(largeTimes).toFixed(1)} ms`);

function call(iamAction: string, overrides: Record<string, unknown>): unknown {
  const [service, action] = iamAction.split(':');
  return {
    agent: { id: 'deploy-bot', owner: 'alice@example.com', groups: ['ci'], labels: {} },
    call: {
      cloud: 'aws',
      service,
      action,
      iam_action: iamAction,
      region: 'us-east-1',
      account: '123456789012',
      environment: 'dev',
      resource: 'arn:aws:iam::123456789012:role/app',
      read_only: false,
      decoded: true,
      params: { RoleName: 'app' },
      ...overrides,
    },
    http: { method: 'POST', host: `${service}.amazonaws.com`, path: '/' },
    time: { now: '2026-11-21T03:00:00Z', weekday: 'Saturday', hour_utc: 3 },
  };
}

/**
 * settledRss is the resident set once V8 has collected what the loop left behind (the script runs with
 * --expose-gc), so that a leak shows as growth rather than hiding among garbage not yet collected.
 */
function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompileError, compileRego } from '../policy/compiler/index.js';
import { writeBundle } from '../policy/bundle.js';
import { loadPolicySources } from '../policy/sources.js';
import { runRegoTests } from '../policy/test-runner.js';

const USAGE = `usage:
  airlock policy build [paths...] -e ENTRYPOINT... -o FILE   compile to FILE (.wasm, or an OPA bundle .tar.gz)
  airlock policy test [paths...] [--run REGEX]              run test_* rules of *_test.rego files
  airlock policy check [paths...]                           report compile errors, write nothing`;

/** policyCommand runs `airlock policy …` and returns the process exit code. */
export async function policyCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'build':
        return await build(rest);
      case 'test':
        return await test(rest);
      case 'check':
        return await check(rest);
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof CompileError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}

async function build(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { entrypoint: { type: 'string', short: 'e', multiple: true }, output: { type: 'string', short: 'o' } },
  });
  const entrypoints = values.entrypoint ?? [];
  if (entrypoints.length === 0 || !values.output) {
    console.error(`policy build needs -e ENTRYPOINT and -o FILE\n${USAGE}`);
    return 2;
  }
  const sources = loadPolicySources(pathsOr(positionals), { includeTests: false });
  const wasm = await compileRego(sources.modules, entrypoints);
  if (values.output.endsWith('.tar.gz')) writeFileSync(values.output, writeBundle(wasm, entrypoints, sources.data));
  else if (values.output.endsWith('.wasm')) writeFileSync(values.output, wasm);
  else {
    console.error(`policy build: -o must name a .wasm or .tar.gz file, not ${values.output}`);
    return 2;
  }
  console.log(`wrote ${values.output} (${wasm.length} bytes of wasm, entrypoints: ${entrypoints.join(', ')})`);
  return 0;
}

async function test(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { run: { type: 'string', short: 'r' }, verbose: { type: 'boolean', short: 'v' } },
  });
  const sources = loadPolicySources(pathsOr(positionals), { includeTests: true });
  const run = values.run === undefined ? undefined : new RegExp(values.run);
  const outcomes = await runRegoTests(sources.modules, sources.data, { run });
  let file = '';
  for (const o of outcomes) {
    if (o.file !== file) {
      file = o.file;
      console.log(`${file}:`);
    }
    const detail = o.detail === undefined ? '' : `\n    got: ${o.detail}`;
    console.log(`${o.name}: ${o.outcome} (${formatDuration(o.durationMs)})${detail}`);
  }
  const passed = outcomes.filter((o) => o.outcome === 'PASS').length;
  console.log('-'.repeat(80));
  if (outcomes.length === 0) {
    console.log('no tests found');
    return 1;
  }
  console.log(`${passed === outcomes.length ? 'PASS' : 'FAIL'}: ${passed}/${outcomes.length}`);
  return passed === outcomes.length ? 0 : 1;
}

async function check(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const sources = loadPolicySources(pathsOr(positionals), { includeTests: true });
  await compileRego(sources.modules, []);
  console.log(`${Object.keys(sources.modules).length} module(s): no errors`);
  return 0;
}

function pathsOr(positionals: string[]): string[] {
  return positionals.length > 0 ? positionals : ['rego'];
}

function formatDuration(ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1000)}µs` : `${ms.toFixed(1)}ms`;
}

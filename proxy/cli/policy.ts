import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompileError, compileRego } from '../policy/compiler/index.js';
import { writeBundle } from '../policy/bundle.js';
import { loadPolicySources, type PolicySources } from '../policy/sources.js';
import { countOutcomes, formatJson, formatPretty, runRegoTests, type TestResult } from '../policy/testing/index.js';
import { type CommandIo, isParseArgsError, printLine, processIo } from './command-io.js';

const USAGE = `usage:
  airlock policy build [paths...] -e ENTRYPOINT... -o FILE   compile to FILE (.wasm, or an OPA bundle .tar.gz)
  airlock policy test [paths...] [--run REGEX] [-v]         run every test_* rule, as opa test (todo_test_* skipped)
                      [--format pretty|json] [-z]           -z: exit 0 when tests were only skipped
  airlock policy check [paths...]                           report compile errors, write nothing`;

/**
 * policyCommand runs `airlock policy …` and returns the process exit code. `policy test` writes to `io`; the other
 * verbs write to the console.
 */
export async function policyCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'build':
        return await build(rest);
      case 'test':
        return await test(rest, io);
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

/** TEST_FORMATS are the reports `policy test --format` can print. */
const TEST_FORMATS = ['pretty', 'json'] as const;

function parseTestArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      run: { type: 'string', short: 'r' },
      verbose: { type: 'boolean', short: 'v' },
      format: { type: 'string', default: 'pretty' },
      'exit-zero-on-skipped': { type: 'boolean', short: 'z' },
    },
  });
}

/**
 * test runs `policy test` and returns its exit code: 0 when every test passed (or, with -z, was skipped), 1 when
 * one did not or the policy does not compile, 2 for a command line it cannot run.
 */
async function test(argv: string[], io: CommandIo): Promise<number> {
  const usageError = (message: string): number => {
    printLine(io.stderr, `policy test: ${message}\n${USAGE}`);
    return 2;
  };
  let parsed: ReturnType<typeof parseTestArgs>;
  try {
    parsed = parseTestArgs(argv);
  } catch (err) {
    if (isParseArgsError(err)) return usageError(err.message);
    throw err;
  }
  const { values, positionals } = parsed;
  const format = TEST_FORMATS.find((f) => f === values.format);
  if (format === undefined) return usageError(`--format must be ${TEST_FORMATS.join(' or ')}, not ${values.format}`);
  let run: RegExp | undefined;
  try {
    run = values.run === undefined ? undefined : new RegExp(values.run);
  } catch (err) {
    return usageError(`--run: ${(err as Error).message}`);
  }

  let sources: PolicySources;
  try {
    sources = loadPolicySources(pathsOr(positionals), { includeTests: true });
  } catch (err) {
    printLine(io.stderr, `policy test: ${(err as Error).message}`);
    return 1;
  }
  let results: TestResult[];
  try {
    results = await runRegoTests(sources.modules, sources.data, { run });
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    printLine(io.stderr, err.message);
    return 1;
  }

  if (format === 'json') printLine(io.stdout, formatJson(results));
  if (results.length === 0) {
    printLine(io.stderr, 'no tests found');
    return 1;
  }
  if (format === 'pretty') printLine(io.stdout, formatPretty(results, { verbose: values.verbose }));
  const counts = countOutcomes(results);
  const skippedFail = counts.SKIPPED > 0 && !values['exit-zero-on-skipped'];
  return counts.FAIL > 0 || counts.ERROR > 0 || skippedFail ? 1 : 0;
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

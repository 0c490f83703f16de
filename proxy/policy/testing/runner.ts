import {
  CompileError,
  compileRego,
  createHostBuiltins,
  loadCompiledPolicy,
  type Diagnostic,
  type Location,
  type Module,
  parseModule,
  type Rule,
} from '../compiler/index.js';
import { type DiscoveredTest, discoverTests, renameDuplicateTests } from './discover.js';
import { explainFailures, type FailedExpression, type FailedTest } from './explain.js';
import { keepPrintCalls } from './print-calls.js';
import { SourceQuoter } from './source-text.js';

/** TestOutcome is how a test ended, named as `opa test` names it. */
export type TestOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

/** TestResult is one Rego test's result. */
export interface TestResult {
  /** `data.pkg.test_name` */
  name: string;
  /** `data.pkg` */
  package: string;
  file: string;
  /** Where the test rule starts. */
  location: Location;
  outcome: TestOutcome;
  /** How long evaluating it took, in nanoseconds; 0 when it was skipped. */
  durationNs: number;
  /** For a FAIL whose test was defined but not `true`: what it was. */
  value?: unknown;
  /** For a FAIL: the first expression of its body that failed, when the runner could find it. */
  failedExpression?: FailedExpression;
  /** For an ERROR: what went wrong. */
  error?: string;
  /** What its `print` calls wrote, line by line. */
  output: string[];
}

/** RunTestsOptions filters the tests run; every field is optional. */
export interface RunTestsOptions {
  /** Only tests whose full name (`data.pkg.test_name`) matches, as `opa test --run`. */
  run?: RegExp;
}

/**
 * runRegoTests runs the tests of Rego modules (file name → source) against `data`, as `opa test` does: every rule
 * named `test_*` in any module is a test, which passes when it is defined and `true`; rules named `todo_test_*`
 * are reported skipped. `print` output is captured per test, and for each failed test the runner finds the first
 * expression of its body that failed (explain.ts).
 *
 * @throws {CompileError} when the modules do not compile.
 */
export async function runRegoTests(
  sources: Readonly<Record<string, string>>,
  data: unknown,
  options: RunTestsOptions = {},
): Promise<TestResult[]> {
  const modules = await parseAll(sources);
  const discovered = discoverTests([...modules.values()]);
  const selected = discovered.filter((t) => options.run === undefined || options.run.test(t.name));
  const prepare = (parsed: Module[]): Module[] =>
    parsed.map((m) => keepPrintCalls(renameDuplicateTests(m, discovered)));
  const runnable = selected.filter((t) => t.kind === 'test');
  const wasm = await compileRego(
    sources,
    runnable.map((t) => t.entrypoint),
    { rewriteModules: prepare },
  );

  let output: string[] = [];
  const host = createHostBuiltins({ print: (line) => output.push(line) });
  const policy = await loadCompiledPolicy(wasm, host);
  policy.setData(data as object);

  const results = new Map<DiscoveredTest, TestResult>();
  const failed: FailedTest[] = [];
  for (const test of selected) {
    const result: TestResult = {
      name: test.name,
      package: test.package,
      file: test.file,
      location: test.location,
      outcome: 'SKIPPED',
      durationNs: 0,
      output: [],
    };
    results.set(test, result);
    if (test.kind === 'todo') continue;
    if (test.kind === 'parameterized') {
      result.outcome = 'ERROR';
      result.error = 'tests with cases in the rule head (test_x[case]) are not supported: write one test rule per case';
      continue;
    }
    output = [];
    const now = new Date();
    const started = process.hrtime.bigint();
    try {
      const set = host.evaluate(() => policy.evaluate(undefined, test.entrypoint) as { result: unknown }[], { now });
      result.durationNs = Number(process.hrtime.bigint() - started);
      if (set.length === 1 && set[0]?.result === true) result.outcome = 'PASS';
      else {
        result.outcome = 'FAIL';
        if (set.length > 0) result.value = set[0]?.result;
        const module = modules.get(test.file) as Module;
        failed.push({ test, module, rule: module.rules[test.ruleIndex] as Rule, now });
      }
    } catch (err) {
      result.durationNs = Number(process.hrtime.bigint() - started);
      result.outcome = 'ERROR';
      result.error = err instanceof Error ? err.message : String(err);
    }
    result.output = output;
  }

  const quoters = new Map(failed.map((f) => [f.test.file, new SourceQuoter(sources[f.test.file] ?? '')]));
  const explained = await explainFailures({ sources, data, prepare }, failed, quoters);
  for (const [test, failedExpression] of explained) {
    const result = results.get(test);
    if (result) result.failedExpression = failedExpression;
  }
  return [...results.values()];
}

/**
 * parseAll parses every module; when one does not parse, the compiler is asked to report it, so that the problems
 * read exactly as every other command's.
 */
async function parseAll(sources: Readonly<Record<string, string>>): Promise<Map<string, Module>> {
  const modules = new Map<string, Module>();
  const diagnostics: Diagnostic[] = [];
  for (const [file, source] of Object.entries(sources)) {
    const parsed = parseModule(source, file);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.module) modules.set(file, parsed.module);
  }
  if (diagnostics.length > 0) {
    await compileRego(sources, []);
    throw new CompileError(diagnostics);
  }
  return modules;
}

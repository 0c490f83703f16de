import { performance } from 'node:perf_hooks';
import { CompileError, compileRego, loadCompiledPolicy, parseModule } from './compiler/index.js';

/** TestOutcome is one Rego test's result, as `opa test` reports them. */
export interface TestOutcome {
  /** `data.pkg.test_name` */
  name: string;
  file: string;
  outcome: 'PASS' | 'FAIL' | 'ERROR';
  durationMs: number;
  /** What the test evaluated to, or the error, when it did not pass. */
  detail?: string;
}

export interface RunTestsOptions {
  /** Only tests whose full name matches. */
  run?: RegExp;
}

/**
 * runRegoTests compiles the modules with every `test_*` rule of every `*_test.rego` file as an entrypoint and
 * evaluates each one: a test passes when it is defined and true, as with `opa test`.
 *
 * @throws {CompileError} when the modules do not compile.
 */
export async function runRegoTests(
  modules: Record<string, string>,
  data: unknown,
  options: RunTestsOptions = {},
): Promise<TestOutcome[]> {
  const tests = discoverTests(modules).filter((t) => !options.run || options.run.test(t.name));
  if (tests.length === 0) return [];
  const entrypoints = tests.map((t) => t.entrypoint);
  const policy = await loadCompiledPolicy(await compileRego(modules, entrypoints));
  policy.setData(data as object);
  return tests.map((test) => {
    const started = performance.now();
    try {
      const result = policy.evaluate(undefined, test.entrypoint) as { result: unknown }[];
      const durationMs = performance.now() - started;
      if (result.length === 1 && result[0]?.result === true) {
        return { name: test.name, file: test.file, outcome: 'PASS', durationMs };
      }
      const detail = result.length === 0 ? 'undefined' : JSON.stringify(result[0]?.result);
      return { name: test.name, file: test.file, outcome: 'FAIL', durationMs, detail };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { name: test.name, file: test.file, outcome: 'ERROR', durationMs: performance.now() - started, detail };
    }
  });
}

interface DiscoveredTest {
  name: string;
  file: string;
  entrypoint: string;
}

function discoverTests(modules: Record<string, string>): DiscoveredTest[] {
  const tests = new Map<string, DiscoveredTest>();
  for (const [file, source] of Object.entries(modules)) {
    if (!file.endsWith('_test.rego')) continue;
    const { module, diagnostics } = parseModule(source, file);
    if (!module || diagnostics.length > 0) throw new CompileError(diagnostics);
    for (const rule of module.rules) {
      const [head, ...rest] = rule.head.ref;
      if (rest.length > 0 || head?.type !== 'var' || !head.name.startsWith('test_')) continue;
      if (rule.head.kind !== 'complete') continue;
      const path = [...module.package, head.name];
      const name = `data.${path.join('.')}`;
      if (!tests.has(name)) tests.set(name, { name, file, entrypoint: path.join('/') });
    }
  }
  return [...tests.values()];
}

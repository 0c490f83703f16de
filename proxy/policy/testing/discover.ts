import type { Location, Module, Rule, Term } from '../compiler/index.js';

/*
 * Test discovery, as `opa test` does it: in every module, a rule whose name (the first part of its head's ground
 * ref that starts so) starts with `test_` is a test, and one starting with `todo_test_` a test to skip. Each
 * definition is its own test: when a name is defined again, in the same module or another of its package, the
 * later definitions are renamed `test_x#01`, `test_x#02`, … before compiling, so that each is evaluated alone.
 */

/** TEST_PREFIX starts the name of a test rule. */
export const TEST_PREFIX = 'test_';
/** SKIP_TEST_PREFIX starts the name of a test that is reported as skipped, never run. */
export const SKIP_TEST_PREFIX = 'todo_test_';

/**
 * TestKind says what the runner does with a test: evaluate it, report it skipped, or report that it cannot run it
 * (a test with a variable in its head after the name, `test_x[case]`, whose cases `opa test` reports one by one).
 */
export type TestKind = 'test' | 'todo' | 'parameterized';

/** DiscoveredTest is one test rule definition. */
export interface DiscoveredTest {
  /** `data.pkg.test_name`, as `opa test` prints it (`data.pkg.test_name#01` for a second definition). */
  name: string;
  /** `data.pkg` */
  package: string;
  file: string;
  /** Where the rule starts. */
  location: Location;
  kind: TestKind;
  /** The path to evaluate: `pkg/test_name`. */
  entrypoint: string;
  /** Which rule of its module it is (the module as parsed, before any rewrite). */
  ruleIndex: number;
  /** The name the rule is compiled under, when it differs from the one written (`test_x#01`). */
  rename?: string;
}

/** discoverTests finds the tests of parsed modules, in file-name order, then source order. */
export function discoverTests(modules: readonly Module[]): DiscoveredTest[] {
  const tests: DiscoveredTest[] = [];
  const definitions = new Map<string, number>();
  const sorted = [...modules].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const module of sorted) {
    module.rules.forEach((rule, ruleIndex) => {
      const found = testNameOf(rule);
      if (found === undefined) return;
      let path = found.path;
      let rename: string | undefined;
      if (found.kind !== 'todo') {
        const key = [...module.package, ...path].join('/');
        const seen = definitions.get(key) ?? 0;
        definitions.set(key, seen + 1);
        if (seen > 0) {
          rename = `${path[path.length - 1]}#${String(seen).padStart(2, '0')}`;
          path = [...path.slice(0, -1), rename];
        }
      }
      const pkg = ['data', ...module.package].join('.');
      const test: DiscoveredTest = {
        name: `${pkg}.${path.join('.')}`,
        package: pkg,
        file: module.file,
        location: rule.loc,
        kind: found.kind,
        entrypoint: [...module.package, ...path].join('/'),
        ruleIndex,
      };
      if (rename !== undefined) test.rename = rename;
      tests.push(test);
    });
  }
  return tests;
}

/**
 * renameDuplicateTests gives the rules of `tests` that define a name again the names discovery chose for them,
 * in the module as the compiler parsed it (which has its rules in the same order as the one discovery read).
 */
export function renameDuplicateTests(module: Module, tests: readonly DiscoveredTest[]): Module {
  const renames = new Map<number, string>();
  for (const t of tests) if (t.file === module.file && t.rename !== undefined) renames.set(t.ruleIndex, t.rename);
  if (renames.size === 0) return module;
  const rules = module.rules.map((rule, i): Rule => {
    const rename = renames.get(i);
    const found = rename === undefined ? undefined : testNameOf(rule);
    if (rename === undefined || found === undefined) return rule;
    const at = found.path.length - 1;
    const old = rule.head.ref[at] as Term;
    const renamed: Term =
      at === 0 ? { type: 'var', name: rename, loc: old.loc } : { type: 'string', value: rename, loc: old.loc };
    const ref = rule.head.ref.map((t, j) => (j === at ? renamed : t));
    return { ...rule, head: { ...rule.head, ref } };
  });
  return { ...module, rules };
}

/** The test name of a rule: the ground prefix of its head ref up to the first part named like a test. */
function testNameOf(rule: Rule): { path: string[]; kind: TestKind } | undefined {
  if (rule.head.kind === 'function' || rule.default) return undefined;
  const path: string[] = [];
  for (const [i, term] of rule.head.ref.entries()) {
    const part = i === 0 && term.type === 'var' ? term.name : term.type === 'string' ? term.value : undefined;
    if (part === undefined) return undefined;
    path.push(part);
    const todo = part.startsWith(SKIP_TEST_PREFIX);
    if (!todo && !part.startsWith(TEST_PREFIX)) continue;
    if (todo) return { path, kind: 'todo' };
    const parameterized = rule.head.ref.slice(i + 1).some((t) => t.type !== 'string');
    return { path, kind: parameterized || rule.head.kind === 'partial-object' ? 'parameterized' : 'test' };
  }
  return undefined;
}

import {
  CompileError,
  compileRego,
  createHostBuiltins,
  loadCompiledPolicy,
  type Expr,
  type Location,
  type Module,
  type Rule,
} from '../compiler/index.js';
import type { DiscoveredTest } from './discover.js';
import { operandProbes, prefixProbes, type ProbeGroup, withProbes } from './probes.js';
import type { SourceQuoter } from './source-text.js';

/*
 * Explaining a failed test: which expression of its body failed, and what its operands were there. Two rounds of
 * probes (probes.ts), each compiled once for all the failing tests together; when a round does not compile (a
 * prefix of a body can be unsafe where the whole body is not), each test's probes are compiled on their own, and a
 * test whose probes still do not compile is reported without an explanation rather than with a wrong one.
 */

/** FailedExpression is the first expression of a failed test's body that no binding satisfied. */
export interface FailedExpression {
  location: Location;
  /** The expression as written, on one line; absent if it could not be quoted. */
  text?: string;
  /** Its operands that are not literals, with the values they had where it failed. */
  operands: OperandValues[];
}

/** OperandValues is an operand of a failed expression and each value it took there (none: undefined). */
export interface OperandValues {
  text: string;
  values: unknown[];
}

/** ProbeContext is what compiling probes beside the tested policy takes. */
export interface ProbeContext {
  sources: Readonly<Record<string, string>>;
  data: unknown;
  /** The rewrites the test run compiled the modules with (renamed tests, kept print calls). */
  prepare: (modules: Module[]) => Module[];
}

/** FailedTest is a test that failed, with the instant it ran at, which its probes run at too. */
export interface FailedTest {
  test: DiscoveredTest;
  /** Its module and rule as parsed. */
  module: Module;
  rule: Rule;
  now: Date;
}

/** explainFailures finds, for each failed test it can, the expression that failed. */
export async function explainFailures(
  context: ProbeContext,
  failed: readonly FailedTest[],
  quoters: ReadonlyMap<string, SourceQuoter>,
): Promise<Map<DiscoveredTest, FailedExpression>> {
  const explained = new Map<DiscoveredTest, FailedExpression>();
  const prefixes = failed.flatMap((f, id) => {
    const group = prefixProbes(f.module, f.rule, id);
    return group === undefined ? [] : [{ failed: f, id, group }];
  });
  const prefixAnswers = await evaluateGroups(
    context,
    prefixes.map((p) => ({ group: p.group, now: p.failed.now })),
  );
  const located = prefixes.flatMap((p, i) => {
    const answers = prefixAnswers[i];
    if (answers === undefined) return [];
    // The first prefix with no result ends with the failing expression; a probe that errs stops the search.
    const index = answers.findIndex((a) => a === undefined || a.length === 0);
    if (index < 0 || answers[index] === undefined) return [];
    return [{ ...p, index }];
  });

  const operandGroups = located.map((l) => operandProbes(l.failed.module, l.failed.rule, l.index, l.id));
  const operandAnswers = await evaluateGroups(
    context,
    located.flatMap((l, i) => (operandGroups[i] ?? []).map((group) => ({ group, now: l.failed.now }))),
  );
  let next = 0;
  located.forEach((l, i) => {
    const expr = l.failed.rule.body[l.index] as Expr;
    const quoter = quoters.get(l.failed.module.file);
    const operands: OperandValues[] = [];
    for (const probe of operandGroups[i] ?? []) {
      // The group's one probe is a partial set rule, always defined: its result set is [{result: [values…]}].
      const [resultSet] = operandAnswers[next++] ?? [];
      const text = quoter?.term(probe.operand);
      if (resultSet === undefined || text === undefined) continue;
      const values = (resultSet[0] as { result?: unknown } | undefined)?.result;
      operands.push({ text, values: Array.isArray(values) ? values : [] });
    }
    const text = quoter?.expression(expr);
    const location = expr.loc;
    explained.set(l.failed.test, text === undefined ? { location, operands } : { location, text, operands });
  });
  return explained;
}

/** A group's answers: each probe's result set, or undefined where evaluating it raised an error. */
type GroupAnswers = (unknown[] | undefined)[];

/**
 * evaluateGroups compiles the groups' probes beside the policy and evaluates them, each group at its instant:
 * all together, or one group at a time if together they do not compile. A group that does not compile on its own
 * answers undefined.
 */
async function evaluateGroups(
  context: ProbeContext,
  groups: readonly { group: ProbeGroup; now: Date }[],
): Promise<(GroupAnswers | undefined)[]> {
  if (groups.length === 0) return [];
  try {
    return await evaluateTogether(context, groups);
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    if (groups.length === 1) return [undefined];
  }
  const answers: (GroupAnswers | undefined)[] = [];
  // One at a time: each compile is the whole policy, and the machine is shared.
  for (const g of groups) answers.push(...(await evaluateGroups(context, [g])));
  return answers;
}

async function evaluateTogether(
  context: ProbeContext,
  groups: readonly { group: ProbeGroup; now: Date }[],
): Promise<GroupAnswers[]> {
  const probeGroups = groups.map((g) => g.group);
  const wasm = await compileRego(
    context.sources,
    probeGroups.flatMap((g) => g.entrypoints),
    { rewriteModules: (modules) => context.prepare(modules.map((m) => withProbes(m, probeGroups))) },
  );
  const host = createHostBuiltins();
  const policy = await loadCompiledPolicy(wasm, host);
  policy.setData(context.data as object);
  return groups.map(({ group, now }) =>
    group.entrypoints.map((entrypoint) => {
      try {
        return host.evaluate(() => policy.evaluate(undefined, entrypoint) as unknown[], { now });
      } catch {
        return undefined;
      }
    }),
  );
}

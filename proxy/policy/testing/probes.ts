import { type Body, type Expr, isGround, type Module, type Rule, type Term } from '../compiler/index.js';

/*
 * Probe rules: extra rules compiled beside a failing test to find which expression of its body failed, and what
 * that expression's operands were, without a second Rego engine. For a test `test_t if { e1; e2; e3 }`:
 *
 *   $probe_0_0 if { e1 }                  the first prefix that is undefined ends with the failing
 *   $probe_0_1 if { e1; e2 }              expression: say e2 = `d.effect == "hold"`
 *   $probe_0_2 if { e1; e2; e3 }
 *
 *   $probe_0_v0 contains $value if { e1; $value = d.effect }     what `d.effect` was where e2 failed
 *
 * A prefix holds when some binding of its variables satisfies it, so the failing expression is the one that no
 * binding of the expressions before it satisfied. Probes live in the test's own module, so they see its imports
 * and package; their names start with `$`, which no Rego name can.
 */

/** ProbeGroup is some probe rules for one module, compiled and evaluated together. */
export interface ProbeGroup {
  file: string;
  rules: Rule[];
  /** One per rule, in order. */
  entrypoints: string[];
}

/** PrefixProbes is a group of one rule per prefix of a test's body. */
export interface PrefixProbes extends ProbeGroup {
  body: Body;
}

/** OperandProbe is a group of one rule collecting the values of one operand of the failing expression. */
export interface OperandProbe extends ProbeGroup {
  operand: Term;
}

/**
 * prefixProbes makes the prefix probes of a test rule, or undefined for a rule they cannot explain: one with an
 * `else` (which of its bodies failed?) or whose value is not `true` (its body may well have held).
 */
export function prefixProbes(module: Module, rule: Rule, id: number): PrefixProbes | undefined {
  if (rule.else !== undefined || rule.head.kind !== 'complete' || rule.body.length === 0) return undefined;
  const value = rule.head.value;
  if (value !== undefined && !(value.type === 'boolean' && value.value)) return undefined;
  const rules = rule.body.map((_, k) => probeRule(`$probe_${id}_${k}`, rule, rule.body.slice(0, k + 1)));
  return { file: module.file, body: rule.body, rules, entrypoints: rules.map((r) => entrypointOf(module, r)) };
}

/** operandProbes makes one probe per operand worth showing of `body[failed]`, evaluated after the expressions before it. */
export function operandProbes(module: Module, rule: Rule, failed: number, id: number): OperandProbe[] {
  const expr = rule.body[failed] as Expr;
  const before = rule.body.slice(0, failed);
  return operandsWorthShowing(expr).map((operand, i) => {
    const value: Term = { type: 'var', name: '$value', loc: operand.loc };
    const collect: Expr = {
      kind: 'call',
      loc: operand.loc,
      negated: false,
      // The operand is evaluated as the expression evaluated it: under its `with` modifiers.
      with: expr.with,
      operator: [{ type: 'var', name: 'eq', loc: operand.loc }],
      args: [value, operand],
    };
    const probe = probeRule(`$probe_${id}_v${i}`, rule, [...before, collect], value);
    return { file: module.file, operand, rules: [probe], entrypoints: [entrypointOf(module, probe)] };
  });
}

/** withProbes adds to a module the probe rules meant for it. */
export function withProbes(module: Module, groups: readonly ProbeGroup[]): Module {
  const rules = groups.filter((g) => g.file === module.file).flatMap((g) => g.rules);
  return rules.length === 0 ? module : { ...module, rules: [...module.rules, ...structuredClone(rules)] };
}

/**
 * The operands of an expression whose values explain its failure: both sides of a comparison, the arguments of a
 * call, the term of a bare term, the collection of `some … in` and `every`; literals left out, being in the quote.
 */
function operandsWorthShowing(expr: Expr): Term[] {
  let operands: Term[];
  const [op, ...opRest] = expr.operator ?? [];
  if (expr.kind === 'call') {
    const assign = op?.type === 'var' && op.name === 'assign' && opRest.length === 0;
    operands = assign ? (expr.args ?? []).slice(1) : (expr.args ?? []);
  } else if (expr.kind === 'term') operands = expr.term ? [expr.term] : [];
  else operands = expr.domain ? [expr.domain] : [];
  return operands.filter((t) => !isGround(t) && !(t.type === 'var' && t.name.startsWith('$')));
}

/** A probe rule: `name if { body }`, or `name contains key if { body }` when a key is given. */
function probeRule(name: string, test: Rule, body: Body, key?: Term): Rule {
  const loc = test.loc;
  const ref: Term[] = [{ type: 'var', name, loc }];
  const head: Rule['head'] =
    key === undefined
      ? { ref, kind: 'complete', assign: false, loc }
      : { ref, kind: 'partial-set', key, assign: false, loc };
  return { head, body, default: false, loc };
}

function entrypointOf(module: Module, rule: Rule): string {
  const head = rule.head.ref[0];
  return [...module.package, head?.type === 'var' ? head.name : ''].join('/');
}

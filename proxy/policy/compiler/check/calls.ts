import { BUILTIN_DECLS } from '../builtins/catalogue.js';
import type { Diagnostic, Location } from '../diagnostics.js';
import type { Body, Expr, Term } from '../parse/ast.js';
import { type CheckedRule, lookupNode, pathString, type RuleNode } from './program.js';
import type { Arity } from './safety.js';
import { operatorName, stringOperands } from './terms.js';

/*
 * checkCalls is the check stage that types each call's shape, as OPA's type checker does for arity: a call used
 * as a value takes exactly the function's arity; a call expression may take one more, its output. Unknown
 * functions, deprecated and refused built-ins are errors here, before anything is planned.
 */

/** COMPILER_OPERATORS are calls the planner lowers itself rather than calling a function. */
const COMPILER_OPERATORS = new Set(['eq', 'assign']);

/** Callee is what a call's operator names. */
export type Callee =
  | { kind: 'builtin'; name: string; arity: number; variadic: boolean; relation: boolean; hasResult: boolean }
  | { kind: 'function'; node: RuleNode; arity: number }
  | { kind: 'dynamic' }
  | { kind: 'unknown'; name: string };

/** resolveCallee looks up a call's operator among the built-ins and the policy's functions. */
export function resolveCallee(root: RuleNode, op: readonly Term[]): Callee {
  const head = op[0];
  if (head?.type === 'var' && head.name === 'data') {
    const path = stringOperands(op.slice(1));
    if (path === undefined) return { kind: 'dynamic' };
    const node = lookupNode(root, path);
    if (node?.kind === 'function') return { kind: 'function', node, arity: node.arity ?? 0 };
    return { kind: 'unknown', name: pathString(path) };
  }
  const name = operatorName(op) ?? '';
  const decl = BUILTIN_DECLS.get(name);
  if (decl === undefined) return { kind: 'unknown', name };
  return {
    kind: 'builtin',
    name,
    arity: decl.args.length,
    variadic: decl.variadic !== undefined,
    relation: decl.relation === true,
    hasResult: decl.result !== undefined,
  };
}

/** calleeArity adapts resolveCallee for the safety stage. */
export function calleeArity(root: RuleNode): Arity {
  return (op) => {
    const c = resolveCallee(root, op);
    if (c.kind === 'builtin') return c.variadic ? undefined : c.arity;
    if (c.kind === 'function') return c.arity;
    return undefined;
  };
}

/** CallContext is what checking a call needs: the rule tree, the built-ins some `with` replaces, the sink. */
interface CallContext {
  root: RuleNode;
  mocked: ReadonlySet<string>;
  diags: Diagnostic[];
}

/**
 * checkCalls checks every call in the tree. A call to a refused built-in is an error here unless some `with`
 * in the policy replaces that built-in: then the planner decides, refusing each call it plans that no `with`
 * replaces (as in a test that mocks `http.send`).
 */
export function checkCalls(root: RuleNode, diags: Diagnostic[]): void {
  const ctx: CallContext = { root, mocked: mockedBuiltins(root), diags };
  visitRules(root, (r) => checkRuleCalls(ctx, r));
}

function visitRules(n: RuleNode, f: (r: CheckedRule) => void): void {
  for (const r of n.rules) f(r);
  if (n.default) f(n.default);
  for (const c of n.children.values()) visitRules(c, f);
}

/** mockedBuiltins are the built-ins named as the target of some `with` (`with http.send as mock`). */
function mockedBuiltins(root: RuleNode): Set<string> {
  const out = new Set<string>();
  const body = (b: Body) => {
    for (const e of b) {
      for (const w of e.with) {
        const name = operatorName(w.target.terms);
        if (name !== undefined && BUILTIN_DECLS.has(name)) out.add(name);
      }
      if (e.body) body(e.body);
      const terms = [e.term, ...(e.args ?? []), e.key, e.value, e.domain, ...e.with.map((w) => w.value)];
      for (const t of terms) if (t !== undefined) closures(t);
    }
  };
  const closures = (t: Term): void => {
    switch (t.type) {
      case 'arraycomprehension':
      case 'setcomprehension':
        closures(t.term);
        body(t.body);
        return;
      case 'objectcomprehension':
        closures(t.key);
        closures(t.value);
        body(t.body);
        return;
      case 'ref':
        t.terms.forEach(closures);
        return;
      case 'array':
      case 'set':
        t.items.forEach(closures);
        return;
      case 'object':
        for (const [k, v] of t.entries) {
          closures(k);
          closures(v);
        }
        return;
      case 'call':
        t.args.forEach(closures);
        return;
      default:
        return;
    }
  };
  const rule = (r: CheckedRule): void => {
    body(r.body);
    for (const t of [r.value, ...r.keyPath, ...r.args]) closures(t);
    if (r.key) closures(r.key);
    if (r.else) rule(r.else);
  };
  visitRules(root, rule);
  return out;
}

function checkRuleCalls(ctx: CallContext, r: CheckedRule): void {
  const terms = (t: Term) => checkTermCalls(ctx, t);
  for (const t of [...r.keyPath, r.value, ...r.args]) terms(t);
  if (r.key) terms(r.key);
  checkBodyCalls(ctx, r.body);
  if (r.else) checkRuleCalls(ctx, r.else);
}

function checkBodyCalls(ctx: CallContext, body: Body): void {
  for (const e of body) checkExprCalls(ctx, e);
}

function checkExprCalls(ctx: CallContext, e: Expr): void {
  const terms = (t: Term) => checkTermCalls(ctx, t);
  if (e.term) terms(e.term);
  for (const a of e.args ?? []) terms(a);
  if (e.domain) terms(e.domain);
  if (e.key) terms(e.key);
  if (e.value) terms(e.value);
  for (const w of e.with) terms(w.value);
  if (e.body) checkBodyCalls(ctx, e.body);
  if (e.kind === 'call' && e.operator) checkCall(ctx, e.operator, (e.args ?? []).length, true, e.loc);
}

function checkTermCalls(ctx: CallContext, t: Term): void {
  const rec = (x: Term) => checkTermCalls(ctx, x);
  switch (t.type) {
    case 'ref':
      t.terms.forEach(rec);
      return;
    case 'array':
    case 'set':
      t.items.forEach(rec);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        rec(k);
        rec(v);
      }
      return;
    case 'call':
      t.args.forEach(rec);
      checkCall(ctx, t.operator, t.args.length, false, t.loc);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      rec(t.term);
      checkBodyCalls(ctx, t.body);
      return;
    case 'objectcomprehension':
      rec(t.key);
      rec(t.value);
      checkBodyCalls(ctx, t.body);
      return;
    default:
      return;
  }
}

function checkCall(ctx: CallContext, op: readonly Term[], argc: number, isExpr: boolean, loc: Location): void {
  const { root, diags } = ctx;
  const name = operatorName(op);
  if (name !== undefined && COMPILER_OPERATORS.has(name)) {
    if (argc !== 2) diags.push({ code: 'rego_type_error', message: `${name}: arity mismatch`, location: loc });
    return;
  }
  const callee = resolveCallee(root, op);
  const error = (message: string) => diags.push({ code: 'rego_type_error', message, location: loc });
  switch (callee.kind) {
    case 'unknown':
      error(`undefined function ${callee.name}`);
      return;
    case 'dynamic':
      diags.push({
        code: 'rego_unsupported_error',
        message: 'calls to functions named by a variable (dynamic dispatch) are not supported',
        location: loc,
      });
      return;
    case 'builtin': {
      const decl = BUILTIN_DECLS.get(callee.name);
      if (decl?.refusal !== undefined && !ctx.mocked.has(callee.name)) {
        diags.push({ code: 'rego_unsupported_error', message: `${callee.name}: ${decl.refusal}`, location: loc });
        return;
      }
      if (decl?.deprecated) {
        error(`deprecated built-in function calls in expression: ${callee.name}`);
        return;
      }
      if (callee.variadic) return;
      const max = callee.arity + (isExpr && callee.hasResult ? 1 : 0);
      if (argc < callee.arity) error(`${callee.name}: too few arguments`);
      else if (argc > max) error(`${callee.name}: too many arguments`);
      return;
    }
    case 'function': {
      const max = callee.arity + (isExpr ? 1 : 0);
      const fname = pathString(callee.node.path);
      if (argc < callee.arity) error(`${fname}: too few arguments`);
      else if (argc > max) error(`${fname}: too many arguments`);
      return;
    }
  }
}

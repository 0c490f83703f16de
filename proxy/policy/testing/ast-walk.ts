import type { Body, Expr, Module, Rule, Term } from '../compiler/index.js';

/*
 * The two walks over the compiler's AST the test runner needs: every term of an expression, however deep (to find
 * where an expression ends in its source), and a rewrite of every body of a module (to keep `print` calls).
 */

/** operandsOf lists the terms an expression holds directly, `with` targets and values included. */
export function operandsOf(expr: Expr): Term[] {
  const terms: Term[] = [];
  if (expr.term) terms.push(expr.term);
  if (expr.operator) terms.push(...expr.operator);
  if (expr.args) terms.push(...expr.args);
  if (expr.vars) terms.push(...expr.vars);
  if (expr.key) terms.push(expr.key);
  if (expr.value) terms.push(expr.value);
  if (expr.domain) terms.push(expr.domain);
  for (const w of expr.with) terms.push(w.target, w.value);
  return terms;
}

/** forEachTerm calls `visit` on `term` and on every term inside it, comprehension and `every` bodies included. */
export function forEachTerm(term: Term, visit: (t: Term) => void): void {
  visit(term);
  const inner = (t: Term): void => forEachTerm(t, visit);
  switch (term.type) {
    case 'ref':
      term.terms.forEach(inner);
      return;
    case 'array':
    case 'set':
      term.items.forEach(inner);
      return;
    case 'object':
      for (const [k, v] of term.entries) {
        inner(k);
        inner(v);
      }
      return;
    case 'call':
      term.operator.forEach(inner);
      term.args.forEach(inner);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      inner(term.term);
      forEachBodyTerm(term.body, visit);
      return;
    case 'objectcomprehension':
      inner(term.key);
      inner(term.value);
      forEachBodyTerm(term.body, visit);
      return;
    default:
      return;
  }
}

/** forEachExprTerm calls `visit` on every term of an expression, however deep. */
export function forEachExprTerm(expr: Expr, visit: (t: Term) => void): void {
  for (const t of operandsOf(expr)) forEachTerm(t, visit);
  if (expr.body) forEachBodyTerm(expr.body, visit);
}

function forEachBodyTerm(body: Body, visit: (t: Term) => void): void {
  for (const e of body) forEachExprTerm(e, visit);
}

/**
 * mapBodies rebuilds a module with `rewrite` applied to every body in it, innermost first: rule bodies, `else`
 * bodies, `every` bodies and comprehension bodies, in rule heads too.
 */
export function mapBodies(module: Module, rewrite: (body: Body) => Body): Module {
  const body = (b: Body): Body => rewrite(b.map(expr));
  const expr = (e: Expr): Expr => {
    const out: Expr = { ...e, with: e.with.map((w) => ({ ...w, value: term(w.value) })) };
    if (e.term) out.term = term(e.term);
    if (e.args) out.args = e.args.map(term);
    if (e.key) out.key = term(e.key);
    if (e.value) out.value = term(e.value);
    if (e.domain) out.domain = term(e.domain);
    if (e.body) out.body = body(e.body);
    return out;
  };
  const term = (t: Term): Term => {
    switch (t.type) {
      case 'ref':
        return { ...t, terms: t.terms.map(term) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(term) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [term(k), term(v)]) };
      case 'call':
        return { ...t, args: t.args.map(term) };
      case 'arraycomprehension':
      case 'setcomprehension':
        return { ...t, term: term(t.term), body: body(t.body) };
      case 'objectcomprehension':
        return { ...t, key: term(t.key), value: term(t.value), body: body(t.body) };
      default:
        return t;
    }
  };
  const rule = (r: Rule): Rule => {
    const head = { ...r.head };
    if (r.head.key) head.key = term(r.head.key);
    if (r.head.value) head.value = term(r.head.value);
    const out: Rule = { ...r, head, body: body(r.body) };
    if (r.else) out.else = rule(r.else);
    return out;
  };
  return { ...module, rules: module.rules.map(rule) };
}

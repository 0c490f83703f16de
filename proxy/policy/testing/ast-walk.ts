import type { Body, Expr, Term } from '../compiler/index.js';

/*
 * The walk over the compiler's AST the test runner needs to find where an expression ends in its source: every
 * term of an expression, however deep.
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

import type { Body, Expr, Rule, Term } from './ast.js';

/*
 * Compact, Rego-like printing of the AST for diagnostics, debugging and tests. Operators print as the built-in
 * calls they are (`plus(x, 1)`), and wildcards with their generated names (`$_0`), so that the printed form shows
 * exactly what the parser produced.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** printTerm prints a term: `data.a[x]`, `plus(x, 1)`, `{1, 2}`, `[x | p[x]]`. */
export function printTerm(term: Term): string {
  switch (term.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(term.value);
    case 'number':
      return term.value;
    case 'string':
      return JSON.stringify(term.value);
    case 'var':
      return term.name;
    case 'ref':
      return printRef(term.terms);
    case 'array':
      return `[${term.items.map(printTerm).join(', ')}]`;
    case 'set':
      return term.items.length === 0 ? 'set()' : `{${term.items.map(printTerm).join(', ')}}`;
    case 'object':
      return `{${term.entries.map(([k, v]) => `${printTerm(k)}: ${printTerm(v)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${printTerm(term.term)} | ${printBody(term.body)}]`;
    case 'setcomprehension':
      return `{${printTerm(term.term)} | ${printBody(term.body)}}`;
    case 'objectcomprehension':
      return `{${printTerm(term.key)}: ${printTerm(term.value)} | ${printBody(term.body)}}`;
    case 'call':
      return `${printRef(term.operator)}(${term.args.map(printTerm).join(', ')})`;
  }
}

/** printRef prints ref terms: a var head, then `.name` for name-like strings and `[term]` for anything else. */
export function printRef(terms: readonly Term[]): string {
  return terms
    .map((t, i) => {
      if (i === 0) return printTerm(t);
      if (t.type === 'string' && NAME.test(t.value)) return `.${t.value}`;
      return `[${printTerm(t)}]`;
    })
    .join('');
}

/** printExpr prints one expression of a body. */
export function printExpr(expr: Expr): string {
  let text: string;
  switch (expr.kind) {
    case 'term':
      text = expr.term === undefined ? '?' : printTerm(expr.term);
      break;
    case 'call':
      text = `${printRef(expr.operator ?? [])}(${(expr.args ?? []).map(printTerm).join(', ')})`;
      break;
    case 'some':
      text = `some ${(expr.vars ?? []).map(printTerm).join(', ')}`;
      break;
    case 'somein':
    case 'every': {
      const key = expr.key === undefined ? '' : `${printTerm(expr.key)}, `;
      const value = expr.value === undefined ? '?' : printTerm(expr.value);
      const domain = expr.domain === undefined ? '?' : printTerm(expr.domain);
      text = `${expr.kind === 'every' ? 'every' : 'some'} ${key}${value} in ${domain}`;
      if (expr.kind === 'every') text += ` { ${printBody(expr.body ?? [])} }`;
      break;
    }
  }
  const withs = expr.with.map((w) => ` with ${printTerm(w.target)} as ${printTerm(w.value)}`).join('');
  return `${expr.negated ? 'not ' : ''}${text}${withs}`;
}

/** printBody prints expressions separated by `; `. */
export function printBody(body: Body): string {
  return body.map(printExpr).join('; ');
}

/** printRule prints a rule as `kind head if { body }`, then its else chain: `complete p := 1 if { x } else := 2 if { true }`. */
export function printRule(rule: Rule): string {
  const { head } = rule;
  let text = `${rule.default ? 'default ' : ''}${head.kind} ${printRef(head.ref)}`;
  if (head.args !== undefined) text += `(${head.args.map(printTerm).join(', ')})`;
  if (head.kind === 'partial-set' && head.key !== undefined) text += ` contains ${printTerm(head.key)}`;
  if (head.value !== undefined) text += ` ${head.assign ? ':=' : '='} ${printTerm(head.value)}`;
  text += ` if { ${printBody(rule.body)} }`;
  for (let e = rule.else; e !== undefined; e = e.else) {
    text += ' else';
    if (e.head.value !== undefined) text += ` ${e.head.assign ? ':=' : '='} ${printTerm(e.head.value)}`;
    text += ` if { ${printBody(e.body)} }`;
  }
  return text;
}

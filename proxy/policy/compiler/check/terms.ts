import { BUILTIN_DECLS } from '../builtins/catalogue.js';
import type { Location } from '../diagnostics.js';
import type { Body, Expr, Module, RefTerm, Rule, Term, VarTerm } from '../parse/ast.js';

/*
 * Small helpers over the AST that every check stage uses: building terms, walking them, and naming vars.
 */

/** ROOT_DOCUMENTS are the two vars that always name a document, never a local. */
export const ROOT_DOCUMENTS: ReadonlySet<string> = new Set(['input', 'data']);

/** varTerm builds a var term. */
export function varTerm(name: string, loc: Location): VarTerm {
  return { type: 'var', name, loc };
}

/** stringTerm builds a string term. */
export function stringTerm(value: string, loc: Location): Term {
  return { type: 'string', value, loc };
}

/** refTerm builds a ref term, flattening a ref head (`[ref a.b, "c"]` is `a.b.c`). */
export function refTerm(terms: Term[], loc: Location): Term {
  const head = terms[0];
  if (head !== undefined && head.type === 'ref') return refTerm([...head.terms, ...terms.slice(1)], loc);
  if (terms.length === 1 && head !== undefined) return head;
  return { type: 'ref', terms, loc };
}

/** displayName is the name a user wrote for a var the checker renamed (`x#3` was `x`). */
export function displayName(name: string): string {
  const i = name.indexOf('#');
  const base = i < 0 ? name : name.slice(0, i);
  return base.startsWith('$_') ? '_' : base;
}

/** isWildcard says whether a var came from `_`. */
export function isWildcard(name: string): boolean {
  return name.startsWith('$_');
}

/** refPath turns a ref's operands into strings when they all are strings, else undefined. */
export function stringOperands(terms: readonly Term[]): string[] | undefined {
  const out: string[] = [];
  for (const t of terms) {
    if (t.type !== 'string') return undefined;
    out.push(t.value);
  }
  return out;
}

/**
 * ClosureLocals records, for each comprehension term and `every` expression, the vars local to it (declared
 * inside it, or appearing only inside it). The rewrite stage fills it; safety uses it to tell a closure's free
 * vars from its own.
 */
export type ClosureLocals = WeakMap<object, ReadonlySet<string>>;

/**
 * walkTermVars calls `f` for each var in `t`. Closures (comprehensions) are entered only when `closures` is
 * given, and then only their vars not local to them are reported.
 */
export function walkTermVars(t: Term, f: (v: VarTerm) => void, closures?: ClosureLocals): void {
  switch (t.type) {
    case 'var':
      f(t);
      return;
    case 'ref':
      for (const x of t.terms) walkTermVars(x, f, closures);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) walkTermVars(x, f, closures);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        walkTermVars(k, f, closures);
        walkTermVars(v, f, closures);
      }
      return;
    case 'call':
      // The operator's head names a function, not a var; later operands may (`data.h[x](1)`).
      for (const x of t.operator.slice(1)) walkTermVars(x, f, closures);
      for (const x of t.args) walkTermVars(x, f, closures);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension': {
      if (closures === undefined) return;
      const locals = closures.get(t) ?? new Set<string>();
      const g = (v: VarTerm) => {
        if (!locals.has(v.name)) f(v);
      };
      if (t.type === 'objectcomprehension') {
        walkTermVars(t.key, g, closures);
        walkTermVars(t.value, g, closures);
      } else walkTermVars(t.term, g, closures);
      for (const e of t.body) walkExprVars(e, g, closures);
      return;
    }
    default:
      return;
  }
}

/** walkExprVars calls `f` for each var an expression uses (operators of calls excluded). */
export function walkExprVars(e: Expr, f: (v: VarTerm) => void, closures?: ClosureLocals): void {
  if (e.kind === 'every') {
    if (e.domain) walkTermVars(e.domain, f, closures);
    if (closures === undefined) return;
    const locals = closures.get(e) ?? new Set<string>();
    const g = (v: VarTerm) => {
      if (!locals.has(v.name)) f(v);
    };
    for (const x of e.body ?? []) walkExprVars(x, g, closures);
  } else {
    for (const t of exprTerms(e)) walkTermVars(t, f, closures);
  }
  for (const w of e.with) if (!builtinNamed(w.value)) walkTermVars(w.value, f, closures);
}

/** exprTerms lists the terms of a term or call expression (for `some ... in`, its key, value and domain). */
export function exprTerms(e: Expr): Term[] {
  switch (e.kind) {
    case 'term':
      return e.term ? [e.term] : [];
    case 'call':
      return e.args ?? [];
    case 'somein':
    case 'every': {
      const out: Term[] = [];
      if (e.key) out.push(e.key);
      if (e.value) out.push(e.value);
      if (e.domain) out.push(e.domain);
      return out;
    }
    case 'some':
      return e.vars ?? [];
  }
}

/** termVarNames collects the names of the vars in a term (closures by their free vars when given). */
export function termVarNames(t: Term, closures?: ClosureLocals): Set<string> {
  const out = new Set<string>();
  walkTermVars(t, (v) => out.add(v.name), closures);
  return out;
}

/** operatorName joins a call operator's terms into a dotted name (`io.jwt.decode`), or undefined if not static. */
export function operatorName(op: readonly Term[]): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < op.length; i++) {
    const t = op[i] as Term;
    if (i === 0 && t.type === 'var') parts.push(t.name);
    else if (i > 0 && t.type === 'string') parts.push(t.value);
    else return undefined;
  }
  return parts.join('.');
}

/** isRef narrows a term to a ref. */
export function isRef(t: Term): t is RefTerm {
  return t.type === 'ref';
}

/** mapBody maps every expression of a body. */
export function mapBody(body: Body, f: (e: Expr) => Expr): Body {
  return body.map(f);
}

/**
 * mapBodies rebuilds a module with `rewrite` applied to every body in it, innermost first: rule bodies, `else`
 * bodies, `every` bodies and comprehension bodies wherever they stand (rule heads and `with` values included), as
 * OPA's generic visitor reaches them.
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

/**
 * builtinNamed says whether a term names a built-in function (`count`, `object.union_n`), as the value of
 * `with count as object.union_n`: a function to call, not a var or a document.
 */
export function builtinNamed(t: Term): boolean {
  const op = t.type === 'ref' ? t.terms : [t];
  const name = operatorName(op);
  return name !== undefined && BUILTIN_DECLS.has(name);
}

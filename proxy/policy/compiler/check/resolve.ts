import type { Diagnostic } from '../diagnostics.js';
import type { Body, Expr, Import, Module, Rule, Term, With } from '../parse/ast.js';
import { ROOT_DOCUMENTS, refTerm, stringTerm, varTerm, walkTermVars } from './terms.js';

/*
 * resolveRefs is the first check stage, as OPA's `resolveAllRefs`: every var that names a rule of the module's
 * package or an import alias becomes the full ref it stands for (`p` in package `a.b` is `data.a.b.p`), unless
 * a local declaration (a function parameter, `some x`, `x :=`) shadows it in that scope.
 */

/** Globals maps a name visible throughout a module to the ref it stands for. */
type Globals = Map<string, Term[]>;

/** IGNORED_IMPORTS are the import roots that only switch on syntax and name no document. */
const IGNORED_IMPORT_ROOTS = new Set(['rego', 'future']);

/** resolveRefs returns the modules with refs resolved; problems go to `diags`. */
export function resolveRefs(modules: Module[], diags: Diagnostic[]): Module[] {
  return modules.map((m) => resolveModule(m, diags));
}

function resolveModule(m: Module, diags: Diagnostic[]): Module {
  const globals: Globals = new Map();
  for (const r of m.rules) {
    const head = r.head.ref[0];
    if (head === undefined || head.type !== 'var') continue;
    if (ROOT_DOCUMENTS.has(head.name)) {
      diags.push({
        code: 'rego_compile_error',
        message: `rules must not shadow ${head.name} (use a different rule name)`,
        location: r.head.loc,
      });
      continue;
    }
    globals.set(head.name, [
      varTerm('data', head.loc),
      ...m.package.map((p) => stringTerm(p, head.loc)),
      stringTerm(head.name, head.loc),
    ]);
  }
  for (const imp of m.imports) resolveImport(imp, globals, diags);
  return { ...m, rules: m.rules.map((r) => resolveRule(r, globals)) };
}

function resolveImport(imp: Import, globals: Globals, diags: Diagnostic[]): void {
  const terms = imp.path.type === 'ref' ? imp.path.terms : [imp.path as Term];
  const head = terms[0];
  if (head === undefined || head.type !== 'var') return;
  if (IGNORED_IMPORT_ROOTS.has(head.name)) return;
  if (!ROOT_DOCUMENTS.has(head.name)) {
    diags.push({
      code: 'rego_compile_error',
      message: `invalid import ${head.name}: must begin with input or data`,
      location: imp.loc,
    });
    return;
  }
  let alias = imp.alias;
  if (alias === undefined) {
    const last = terms[terms.length - 1];
    if (last === undefined) return;
    if (last.type === 'string') alias = last.value;
    else if (last.type === 'var') alias = last.name;
  }
  if (alias === undefined || ROOT_DOCUMENTS.has(alias)) return;
  if (globals.has(alias) && terms.length > 1) {
    diags.push({ code: 'rego_compile_error', message: `import must not shadow import ${alias}`, location: imp.loc });
  }
  globals.set(alias, terms);
}

/** Scope is a stack of names declared locally, which shadow globals. */
class Scope {
  readonly #frames: Set<string>[] = [];
  push(names: Set<string>): void {
    this.#frames.push(names);
  }
  pop(): void {
    this.#frames.pop();
  }
  has(name: string): boolean {
    return this.#frames.some((f) => f.has(name));
  }
}

function resolveRule(r: Rule, globals: Globals): Rule {
  const scope = new Scope();
  const argVars = new Set<string>();
  for (const a of r.head.args ?? []) walkTermVars(a, (v) => argVars.add(v.name));
  scope.push(argVars);
  scope.push(declaredVars(r.body));
  const head = {
    ...r.head,
    ref: r.head.ref.map((t, i) => (i === 0 ? t : resolveTerm(t, globals, scope))),
    ...(r.head.key ? { key: resolveTerm(r.head.key, globals, scope) } : {}),
    ...(r.head.value ? { value: resolveTerm(r.head.value, globals, scope) } : {}),
  };
  const body = resolveBody(r.body, globals, scope);
  scope.pop();
  scope.pop();
  const out: Rule = { ...r, head, body };
  if (r.else) {
    // An else branch shares the head's parameters but has its own body.
    const e = r.else.head.args ? r.else : { ...r.else, head: { ...r.else.head, args: r.head.args } };
    out.else = resolveRule(e, globals);
  }
  return out;
}

/**
 * declaredVars lists the vars a body declares itself (`some x`, `x :=`, `some x in xs`), not those of nested
 * comprehensions, as OPA's `declaredVars`.
 */
export function declaredVars(body: Body): Set<string> {
  const out = new Set<string>();
  const visit = (e: Expr) => {
    if (e.kind === 'call' && isAssign(e)) {
      const lhs = e.args?.[0];
      if (lhs) walkTermVars(lhs, (v) => out.add(v.name));
    } else if (e.kind === 'some') {
      for (const v of e.vars ?? []) out.add(v.name);
    } else if (e.kind === 'somein') {
      if (e.key) walkTermVars(e.key, (v) => out.add(v.name));
      if (e.value) walkTermVars(e.value, (v) => out.add(v.name));
    } else if (e.kind === 'every') {
      for (const x of e.body ?? []) visit(x);
    }
  };
  for (const e of body) visit(e);
  return out;
}

/** isAssign says whether an expression is `x := y`. */
export function isAssign(e: Expr): boolean {
  const op = e.operator;
  return e.kind === 'call' && op?.length === 1 && op[0]?.type === 'var' && op[0].name === 'assign';
}

function resolveBody(body: Body, globals: Globals, scope: Scope): Body {
  return body.map((e) => resolveExpr(e, globals, scope));
}

function resolveExpr(e: Expr, globals: Globals, scope: Scope): Expr {
  const out: Expr = { ...e, with: e.with.map((w) => resolveWith(w, globals, scope)) };
  if (e.term) out.term = resolveTerm(e.term, globals, scope);
  if (e.operator) out.operator = resolveOperator(e.operator, globals, scope);
  if (e.args) out.args = e.args.map((a) => resolveTerm(a, globals, scope));
  if (e.domain) out.domain = resolveTerm(e.domain, globals, scope);
  if (e.kind === 'every') {
    const names = new Set<string>();
    if (e.key) walkTermVars(e.key, (v) => names.add(v.name));
    if (e.value) walkTermVars(e.value, (v) => names.add(v.name));
    for (const n of declaredVars(e.body ?? [])) names.add(n);
    scope.push(names);
    out.body = resolveBody(e.body ?? [], globals, scope);
    scope.pop();
  }
  return out;
}

function resolveWith(w: With, globals: Globals, scope: Scope): With {
  const target = resolveTerm(w.target, globals, scope);
  return {
    ...w,
    target: target.type === 'ref' ? target : { type: 'ref', terms: [target], loc: w.target.loc },
    value: resolveTerm(w.value, globals, scope),
  };
}

function resolveOperator(op: Term[], globals: Globals, scope: Scope): Term[] {
  const head = op[0];
  const rest = op.slice(1).map((t) => resolveTerm(t, globals, scope));
  if (head?.type === 'var' && !scope.has(head.name)) {
    const g = globals.get(head.name);
    if (g) return [...g.map((t) => ({ ...t, loc: head.loc })), ...rest];
  }
  return head ? [head, ...rest] : rest;
}

function resolveTerm(t: Term, globals: Globals, scope: Scope): Term {
  switch (t.type) {
    case 'var': {
      if (scope.has(t.name)) return t;
      const g = globals.get(t.name);
      return g
        ? refTerm(
            g.map((x) => ({ ...x, loc: t.loc })),
            t.loc,
          )
        : t;
    }
    case 'ref': {
      const [head, ...rest] = t.terms;
      if (head === undefined) return t;
      return refTerm([resolveTerm(head, globals, scope), ...rest.map((x) => resolveTerm(x, globals, scope))], t.loc);
    }
    case 'array':
      return { ...t, items: t.items.map((x) => resolveTerm(x, globals, scope)) };
    case 'set':
      return { ...t, items: t.items.map((x) => resolveTerm(x, globals, scope)) };
    case 'object':
      return {
        ...t,
        entries: t.entries.map(([k, v]) => [resolveTerm(k, globals, scope), resolveTerm(v, globals, scope)]),
      };
    case 'call':
      return {
        ...t,
        operator: resolveOperator(t.operator, globals, scope),
        args: t.args.map((x) => resolveTerm(x, globals, scope)),
      };
    case 'arraycomprehension':
    case 'setcomprehension': {
      scope.push(declaredVars(t.body));
      const out = { ...t, term: resolveTerm(t.term, globals, scope), body: resolveBody(t.body, globals, scope) };
      scope.pop();
      return out;
    }
    case 'objectcomprehension': {
      scope.push(declaredVars(t.body));
      const out = {
        ...t,
        key: resolveTerm(t.key, globals, scope),
        value: resolveTerm(t.value, globals, scope),
        body: resolveBody(t.body, globals, scope),
      };
      scope.pop();
      return out;
    }
    default:
      return t;
  }
}

import type { Diagnostic, Location } from '../diagnostics.js';
import type { Body, Expr, Rule, Term, VarTerm, With } from '../parse/ast.js';
import { isAssign } from './resolve.js';
import { builtinNamed, type ClosureLocals, exprTerms, ROOT_DOCUMENTS, walkTermVars } from './terms.js';

/*
 * rewriteLocals is the check stage that gives every local var a name unique to its scope, as OPA's
 * `rewriteLocalVars`, so that later stages and the planner can treat a name as one variable:
 *
 *   p if { x := 1; [x | some x in xs] }      becomes      p if { x#1 := 1; [x#2 | xs[$k#3] = x#2] }
 *
 * Scopes: a rule body (with the head and the function parameters), each comprehension and each `every` body.
 * A var declared in a scope (`some x`, `x :=`, `some x in xs`, `every x in xs`) is new there and hides an outer
 * one. An undeclared var is the outer scope's var of that name when the outer scope uses it, else it belongs to
 * the innermost scope that uses it. `some ... in` becomes iteration over a ref (`xs[$k] = x`), and `some x` is
 * dropped once its names are declared.
 */

/** Rewriter renames one program's locals; its counter keeps names unique across rules. */
export class Rewriter {
  #next = 0;
  readonly closures: ClosureLocals = new WeakMap();
  readonly #diags: Diagnostic[];

  constructor(diags: Diagnostic[]) {
    this.#diags = diags;
  }

  /** rewriteRule renames the locals of one rule (and its else chain), each branch its own scope. */
  rewriteRule(r: Rule): Rule {
    const scope = new LocalScope(this, new Map());
    // Function parameters, head terms and top-level body vars all live in the rule's scope.
    const headTerms: Term[] = [...(r.head.args ?? []), ...r.head.ref.slice(1)];
    if (r.head.key) headTerms.push(r.head.key);
    if (r.head.value) headTerms.push(r.head.value);
    const body = scope.rewriteBody(r.body, headTerms);
    const rn = (t: Term) => scope.renameTerm(t);
    const head = {
      ...r.head,
      ref: r.head.ref.map((t, i) => (i === 0 ? t : rn(t))),
      ...(r.head.args ? { args: r.head.args.map(rn) } : {}),
      ...(r.head.key ? { key: rn(r.head.key) } : {}),
      ...(r.head.value ? { value: rn(r.head.value) } : {}),
    };
    const out: Rule = { ...r, head, body };
    if (r.else) out.else = this.rewriteRule(r.else);
    return out;
  }

  /** fresh makes a new unique name for a var written `name`. */
  fresh(name: string): string {
    this.#next++;
    return `${name}#${this.#next}`;
  }

  report(message: string, location: Location): void {
    this.#diags.push({ code: 'rego_compile_error', message, location });
  }
}

/** LocalScope is one scope being renamed: the names it sees, mapped to their unique names. */
class LocalScope {
  readonly #rw: Rewriter;
  /** Every name visible here: the outer scope's and this scope's own. */
  readonly names: Map<string, string>;
  /** This scope's own unique names (what it declares or alone uses). */
  readonly locals = new Set<string>();
  /** Names this scope declared with `:=`, and names it referred to, for OPA's redeclaration errors. */
  readonly #assigned = new Set<string>();
  readonly #declared = new Set<string>();
  /** Names this scope's own (undeclared) locals were read under so far. */
  readonly #referenced = new Set<string>();

  constructor(rw: Rewriter, outer: ReadonlyMap<string, string>) {
    this.#rw = rw;
    this.names = new Map(outer);
  }

  /**
   * rewriteBody renames a body. `extraTerms` are terms of the same scope outside the body (a rule head, a
   * comprehension's output term), whose vars belong to this scope as well.
   */
  rewriteBody(body: Body, extraTerms: Term[], declared: Term[] = []): Body {
    // Vars declared here get fresh names; so do undeclared vars used here and not visible from outside.
    for (const t of declared) walkTermVars(t, (v) => this.#declare(v, false));
    const used = new Set<string>();
    const collect = (v: VarTerm) => {
      if (!ROOT_DOCUMENTS.has(v.name)) used.add(v.name);
    };
    for (const t of extraTerms) walkTermVars(t, collect);
    for (const e of body) {
      if (e.kind === 'some' || e.kind === 'somein' || isAssign(e)) continue;
      if (e.kind === 'every') {
        if (e.domain) walkTermVars(e.domain, collect);
      } else for (const t of exprTerms(e)) walkTermVars(t, collect);
      for (const w of e.with) if (!this.#namesBuiltin(w.value)) walkTermVars(w.value, collect);
    }
    for (const e of body) {
      if (isAssign(e)) {
        const rhs = e.args?.[1];
        if (rhs) walkTermVars(rhs, collect);
      } else if (e.kind === 'somein' && e.domain) walkTermVars(e.domain, collect);
    }
    const declaredHere = new Set<string>();
    for (const e of body) {
      if (e.kind === 'some') for (const v of e.vars ?? []) declaredHere.add(v.name);
      else if (e.kind === 'somein') {
        if (e.key) walkTermVars(e.key, (v) => declaredHere.add(v.name));
        if (e.value) walkTermVars(e.value, (v) => declaredHere.add(v.name));
      } else if (isAssign(e) && e.args?.[0]) walkTermVars(e.args[0], (v) => declaredHere.add(v.name));
    }
    for (const n of used) {
      if (this.names.has(n) || declaredHere.has(n)) continue;
      const u = this.#rw.fresh(n);
      this.names.set(n, u);
      this.locals.add(u);
    }
    const out: Body = [];
    for (const e of body) out.push(...this.#rewriteExpr(e));
    return out;
  }

  #declare(v: VarTerm, assign: boolean): void {
    if (assign) {
      if (ROOT_DOCUMENTS.has(v.name)) {
        this.#rw.report(`variables must not shadow ${v.name} (use a different variable name)`, v.loc);
        return;
      }
      if (this.#referenced.has(v.name) && !this.#declared.has(v.name)) {
        this.#rw.report(`var ${v.name} referenced above`, v.loc);
        return;
      }
      if (this.#assigned.has(v.name) || this.#declared.has(v.name)) {
        this.#rw.report(`var ${v.name} assigned above`, v.loc);
        return;
      }
      this.#assigned.add(v.name);
    }
    if (v.name.startsWith('$_')) return;
    this.#declared.add(v.name);
    const u = this.#rw.fresh(v.name);
    this.names.set(v.name, u);
    this.locals.add(u);
  }

  #rewriteExpr(e: Expr): Expr[] {
    const withs = e.with.map((w): With => ({
      ...w,
      value: this.#namesBuiltin(w.value) ? w.value : this.renameTerm(w.value),
    }));
    switch (e.kind) {
      case 'some':
        for (const v of e.vars ?? []) this.#declare(v, false);
        return [];
      case 'somein': {
        const domain = this.renameTerm(e.domain as Term);
        if (e.key) walkTermVars(e.key, (v) => this.#declare(v, false));
        if (e.value) walkTermVars(e.value, (v) => this.#declare(v, false));
        return this.#someIn(e, domain, withs);
      }
      case 'every': {
        const domain = this.renameTerm(e.domain as Term);
        const inner = new LocalScope(this.#rw, this.names);
        const decl: Term[] = [];
        if (e.key) decl.push(e.key);
        if (e.value) decl.push(e.value);
        const body = inner.rewriteBody(e.body ?? [], [], decl);
        const out: Expr = { ...e, domain, body, with: withs };
        if (e.key) out.key = inner.renameTerm(e.key);
        if (e.value) out.value = inner.renameTerm(e.value);
        this.#rw.closures.set(out, inner.locals);
        return [out];
      }
      case 'call': {
        if (isAssign(e)) {
          const [lhs, rhs] = e.args ?? [];
          const rhs2 = rhs ? this.renameTerm(rhs) : rhs;
          if (lhs) {
            if (lhs.type === 'ref') this.#rw.report('cannot assign to ref', lhs.loc);
            walkTermVars(lhs, (v) => this.#declare(v, true));
          }
          const lhs2 = lhs ? this.renameTerm(lhs) : lhs;
          return [{ ...e, args: [lhs2, rhs2].filter((t): t is Term => t !== undefined), with: withs }];
        }
        return [
          {
            ...e,
            operator: (e.operator ?? []).map((t, i) => (i === 0 ? t : this.renameTerm(t))),
            args: (e.args ?? []).map((t) => this.renameTerm(t)),
            with: withs,
          },
        ];
      }
      case 'term':
        return [{ ...e, term: this.renameTerm(e.term as Term), with: withs }];
    }
  }

  /** #someIn turns `some k, v in xs` into `xs[k] = v` (`xs[$k] = v` without a key). */
  #someIn(e: Expr, domain: Term, withs: With[]): Expr[] {
    const loc = e.loc;
    const eq = (a: Term, b: Term): Expr => ({
      kind: 'call',
      loc,
      negated: false,
      with: withs,
      operator: [{ type: 'var', name: 'eq', loc }],
      args: [a, b],
    });
    let key: Term;
    let keyPattern: Term | undefined;
    if (e.key && e.key.type === 'var') key = this.renameTerm(e.key);
    else {
      const k = this.#rw.fresh('$k');
      this.locals.add(k);
      key = { type: 'var', name: k, loc };
      if (e.key) keyPattern = this.renameTerm(e.key);
    }
    const elem: Term = { type: 'ref', terms: [...(domain.type === 'ref' ? domain.terms : [domain]), key], loc };
    let value: Term;
    if (e.value) value = this.renameTerm(e.value);
    else {
      const v = this.#rw.fresh('$v');
      this.locals.add(v);
      value = { type: 'var', name: v, loc };
    }
    // A key pattern (`some [a, b], v in xs`) is matched against the key once the iteration binds it.
    return keyPattern ? [eq(elem, value), eq(keyPattern, key)] : [eq(elem, value)];
  }

  /** #namesBuiltin says whether a `with` value names a built-in (and no local of that name hides it). */
  #namesBuiltin(t: Term): boolean {
    const head = t.type === 'ref' ? t.terms[0] : t;
    return head?.type === 'var' && !this.names.has(head.name) && builtinNamed(t);
  }

  /** renameTerm renames the vars of a term, entering comprehensions as scopes of their own. */
  renameTerm(t: Term): Term {
    switch (t.type) {
      case 'var': {
        const u = this.names.get(t.name);
        if (u !== undefined && this.locals.has(u) && !this.#declared.has(t.name)) this.#referenced.add(t.name);
        if (u !== undefined) return { ...t, name: u };
        if (ROOT_DOCUMENTS.has(t.name)) return t;
        // A var first met here (a head var with no body use) still gets a unique name.
        const f = this.#rw.fresh(t.name);
        this.names.set(t.name, f);
        this.locals.add(f);
        this.#referenced.add(t.name);
        return { ...t, name: f };
      }
      case 'ref': {
        const [head, ...rest] = t.terms;
        if (head === undefined) return t;
        const h =
          head.type === 'var' && ROOT_DOCUMENTS.has(head.name) && !this.names.has(head.name)
            ? head
            : this.renameTerm(head);
        return { ...t, terms: [h, ...rest.map((x) => this.renameTerm(x))] };
      }
      case 'array':
        return { ...t, items: t.items.map((x) => this.renameTerm(x)) };
      case 'set':
        return { ...t, items: t.items.map((x) => this.renameTerm(x)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.renameTerm(k), this.renameTerm(v)]) };
      case 'call':
        return {
          ...t,
          operator: t.operator.map((x, i) => (i === 0 ? x : this.renameTerm(x))),
          args: t.args.map((x) => this.renameTerm(x)),
        };
      case 'arraycomprehension':
      case 'setcomprehension': {
        const inner = new LocalScope(this.#rw, this.names);
        const body = inner.rewriteBody(t.body, [t.term]);
        const out = { ...t, term: inner.renameTerm(t.term), body };
        this.#rw.closures.set(out, inner.locals);
        return out;
      }
      case 'objectcomprehension': {
        const inner = new LocalScope(this.#rw, this.names);
        const body = inner.rewriteBody(t.body, [t.key, t.value]);
        const out = { ...t, key: inner.renameTerm(t.key), value: inner.renameTerm(t.value), body };
        this.#rw.closures.set(out, inner.locals);
        return out;
      }
      default:
        return t;
    }
  }
}

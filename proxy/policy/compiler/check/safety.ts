import type { Diagnostic } from '../diagnostics.js';
import type { Body, Expr, Term, VarTerm } from '../parse/ast.js';
import type { CheckedRule, RuleNode } from './program.js';
import { builtinNamed, type ClosureLocals, displayName, ROOT_DOCUMENTS, walkExprVars, walkTermVars } from './terms.js';

/*
 * checkSafety is the check stage that makes sure every var is bound before it is used, and reorders each body
 * so that the planner can plan it front to back, as OPA's `checkSafetyRuleBodies` / `reorderBodyForSafety`:
 *
 *   p if { x > 1; x = input.a[i] }      becomes      p if { x = input.a[i]; x > 1 }
 *
 * An expression may run once all its input vars are bound; it then binds its output vars: the vars of ref
 * operands whose head is bound (`input.a[i]` binds `i`), the unbound side of a unification whose other side is
 * bound, and the last argument of a call given one argument more than the function takes. Negated
 * expressions, `with` values, `every` and closures (comprehensions) bind nothing and need their vars bound.
 */

/** Arity answers how many arguments a call's operator takes, or undefined when it is not a known function. */
export type Arity = (operator: readonly Term[]) => number | undefined;

/** SafetyChecker reorders bodies and reports unsafe vars. */
export class SafetyChecker {
  readonly #closures: ClosureLocals;
  readonly #arity: Arity;
  readonly #diags: Diagnostic[];

  constructor(closures: ClosureLocals, arity: Arity, diags: Diagnostic[]) {
    this.#closures = closures;
    this.#arity = arity;
    this.#diags = diags;
  }

  /** checkTree reorders the bodies of every rule in the tree. */
  checkTree(n: RuleNode): void {
    for (const r of n.rules) this.checkRule(r);
    if (n.default) this.checkRule(n.default);
    for (const c of n.children.values()) this.checkTree(c);
  }

  /** checkRule reorders one rule body (and its else chain); head vars must be bound by the body or parameters. */
  checkRule(r: CheckedRule): void {
    const globals = new Set<string>();
    for (const a of r.args) patternVars(a, globals);
    const { body, safe } = this.reorder(r.body, globals);
    r.body = body;
    // Head terms may hold comprehensions, which run after the body.
    r.keyPath = r.keyPath.map((t) => this.#closureTerm(t, safe));
    r.value = this.#closureTerm(r.value, safe);
    if (r.key) r.key = this.#closureTerm(r.key, safe);
    const head: Term[] = [...r.keyPath, r.value];
    if (r.key) head.push(r.key);
    this.#reportUnbound(head, safe);
    if (r.else) this.checkRule(r.else);
  }

  #reportUnbound(terms: Term[], safe: ReadonlySet<string>): void {
    const seen = new Set<string>();
    for (const t of terms) {
      walkTermVars(
        t,
        (v) => {
          if (safe.has(v.name) || ROOT_DOCUMENTS.has(v.name) || seen.has(v.name)) return;
          seen.add(v.name);
          this.#unsafe(v);
        },
        this.#closures,
      );
    }
  }

  #unsafe(v: VarTerm): void {
    this.#diags.push({
      code: 'rego_unsafe_var_error',
      message: `var ${displayName(v.name)} is unsafe`,
      location: v.loc,
    });
  }

  /**
   * reorder returns the body ordered for safety and the vars bound after it. `globals` are bound on entry
   * (function parameters, or the enclosing scope's vars for a closure).
   */
  reorder(body: Body, globals: ReadonlySet<string>): { body: Body; safe: Set<string> } {
    const safe = new Set(globals);
    const done = new Set<Expr>();
    const out: Body = [];
    for (;;) {
      const n = out.length;
      for (const e of body) {
        if (done.has(e)) continue;
        const outputs = this.outputVars(e, safe);
        if (this.#unsafeVars(e, safe, outputs).length > 0) continue;
        done.add(e);
        // Closures inside the expression run with everything bound so far (their free vars included).
        out.push(this.#reorderClosures(e, new Set([...safe, ...outputs])));
        for (const v of outputs) safe.add(v);
      }
      if (out.length === n) break;
    }
    const reported = new Set<string>();
    for (const e of body) {
      if (done.has(e)) continue;
      for (const v of this.#unsafeVars(e, safe, this.outputVars(e, safe))) {
        if (reported.has(v.name)) continue;
        reported.add(v.name);
        this.#unsafe(v);
      }
    }
    return { body: out, safe };
  }

  /** #unsafeVars lists the vars of `e` that are neither bound nor bound by `e` itself (closures' free vars must be bound). */
  #unsafeVars(e: Expr, safe: ReadonlySet<string>, outputs: ReadonlySet<string>): VarTerm[] {
    const out: VarTerm[] = [];
    const seen = new Set<string>();
    const add = (v: VarTerm) => {
      if (safe.has(v.name) || ROOT_DOCUMENTS.has(v.name) || seen.has(v.name)) return;
      seen.add(v.name);
      out.push(v);
    };
    // Vars outside closures may be bound by the expression itself; closure vars and `with` values may not.
    const own = (v: VarTerm) => {
      if (!outputs.has(v.name)) add(v);
    };
    if (e.kind === 'every') {
      if (e.domain) walkTermVars(e.domain, add, this.#closures);
      const locals = this.#closures.get(e) ?? new Set<string>();
      for (const x of e.body ?? []) walkExprVars(x, (v) => (locals.has(v.name) ? undefined : add(v)), this.#closures);
    } else {
      const terms: Term[] = e.kind === 'term' ? (e.term ? [e.term] : []) : (e.args ?? []);
      for (const t of terms) {
        walkTermVars(t, own);
        walkClosures(t, (c) => walkTermVars(c, add, this.#closures));
      }
      for (const t of (e.operator ?? []).slice(1)) walkTermVars(t, add, this.#closures);
    }
    for (const w of e.with) if (!builtinNamed(w.value)) walkTermVars(w.value, add, this.#closures);
    return out;
  }

  /** outputVars lists the vars `e` binds when the vars in `safe` are bound. */
  outputVars(e: Expr, safe: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    if (e.negated || e.kind === 'every') return out;
    const terms: Term[] = e.kind === 'term' ? (e.term ? [e.term] : []) : (e.args ?? []);
    refOutputs(terms, safe, out);
    if (e.kind !== 'call') return out;
    const both = new Set([...safe, ...out]);
    const op = e.operator ?? [];
    const name = op.length === 1 && op[0]?.type === 'var' ? op[0].name : undefined;
    const args = e.args ?? [];
    if ((name === 'eq' || name === 'assign') && args.length === 2) {
      unifyOutputs(args[0] as Term, args[1] as Term, both, this.#closures);
    } else {
      const arity = this.#arity(op);
      if (arity !== undefined && args.length === arity + 1) {
        const inputs = new Set<string>();
        for (const a of args.slice(0, arity)) walkTermVars(a, (v) => inputs.add(v.name), this.#closures);
        if ([...inputs].every((v) => both.has(v) || ROOT_DOCUMENTS.has(v))) patternVars(args[arity] as Term, both);
      }
    }
    for (const v of both) if (!safe.has(v)) out.add(v);
    return out;
  }

  /** #reorderClosures reorders the bodies of the comprehensions and `every` of an expression. */
  #reorderClosures(e: Expr, safe: ReadonlySet<string>): Expr {
    const terms = (t: Term): Term => this.#closureTerm(t, safe);
    const out: Expr = { ...e, with: e.with.map((w) => ({ ...w, value: terms(w.value) })) };
    if (e.term) out.term = terms(e.term);
    if (e.args) out.args = e.args.map(terms);
    if (e.kind === 'every') {
      const inner = new Set(safe);
      if (e.key) patternVars(e.key, inner);
      if (e.value) patternVars(e.value, inner);
      out.body = this.reorder(e.body ?? [], inner).body;
      this.#closures.set(out, this.#closures.get(e) ?? new Set());
    }
    return out;
  }

  #closureTerm(t: Term, safe: ReadonlySet<string>): Term {
    const rec = (x: Term) => this.#closureTerm(x, safe);
    switch (t.type) {
      case 'ref':
        return { ...t, terms: t.terms.map(rec) };
      case 'array':
        return { ...t, items: t.items.map(rec) };
      case 'set':
        return { ...t, items: t.items.map(rec) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [rec(k), rec(v)]) };
      case 'call':
        return { ...t, args: t.args.map(rec) };
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension': {
        const { body, safe: after } = this.reorder(t.body, safe);
        const heads = t.type === 'objectcomprehension' ? [t.key, t.value] : [t.term];
        this.#reportUnbound(heads, after);
        const out =
          t.type === 'objectcomprehension'
            ? { ...t, body, key: this.#closureTerm(t.key, after), value: this.#closureTerm(t.value, after) }
            : { ...t, body, term: this.#closureTerm(t.term, after) };
        this.#closures.set(out, this.#closures.get(t) ?? new Set());
        return out;
      }
      default:
        return t;
    }
  }
}

/** walkClosures calls `f` for each comprehension directly inside `t` (not inside another comprehension). */
export function walkClosures(t: Term, f: (c: Term) => void): void {
  switch (t.type) {
    case 'ref':
      for (const x of t.terms) walkClosures(x, f);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) walkClosures(x, f);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        walkClosures(k, f);
        walkClosures(v, f);
      }
      return;
    case 'call':
      for (const x of t.args) walkClosures(x, f);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      f(t);
      return;
    default:
      return;
  }
}

/**
 * refOutputs adds the vars bound by iterating refs in `terms`: the vars among the operands of a ref whose head
 * is bound, as OPA's `outputVarsForTerms` (closures excluded).
 */
export function refOutputs(terms: readonly Term[], safe: ReadonlySet<string>, out: Set<string>): void {
  for (;;) {
    const before = out.size;
    const isSafe = (name: string) => safe.has(name) || out.has(name) || ROOT_DOCUMENTS.has(name);
    const visit = (t: Term): void => {
      switch (t.type) {
        case 'ref': {
          const [head, ...rest] = t.terms;
          if (head === undefined) return;
          visit(head);
          let headSafe = true;
          walkTermVars(head, (v) => {
            if (!isSafe(v.name)) headSafe = false;
          });
          for (const x of rest) {
            if (headSafe && x.type === 'var' && !isSafe(x.name)) out.add(x.name);
            else if (headSafe && (x.type === 'array' || x.type === 'object')) {
              // A pattern as a key (`r[[1, x]]`) binds its vars by matching each key.
              const vs = new Set<string>();
              patternVars(x, vs);
              for (const v of vs) if (!isSafe(v)) out.add(v);
            }
            visit(x);
          }
          return;
        }
        case 'array':
        case 'set':
          for (const x of t.items) visit(x);
          return;
        case 'object':
          for (const [k, v] of t.entries) {
            visit(k);
            visit(v);
          }
          return;
        case 'call':
          for (const x of t.args) visit(x);
          return;
        default:
          return;
      }
    };
    for (const t of terms) visit(t);
    if (out.size === before) return;
  }
}

/** patternVars adds the vars a pattern binds: a var, or vars inside array elements and object values. */
export function patternVars(t: Term, out: Set<string>): void {
  switch (t.type) {
    case 'var':
      out.add(t.name);
      return;
    case 'array':
      for (const x of t.items) patternVars(x, out);
      return;
    case 'object':
      for (const [, v] of t.entries) patternVars(v, out);
      return;
    default:
      return;
  }
}

/** unifyOutputs binds, in `safe`, the vars that `a = b` binds, to a fixed point (OPA's `Unify`). */
function unifyOutputs(a: Term, b: Term, safe: Set<string>, closures: ClosureLocals): void {
  const allSafe = (t: Term) => {
    let ok = true;
    walkTermVars(
      t,
      (v) => {
        if (!safe.has(v.name) && !ROOT_DOCUMENTS.has(v.name)) ok = false;
      },
      closures,
    );
    return ok;
  };
  const unify = (x: Term, y: Term): void => {
    if (x.type === 'var' && !safe.has(x.name) && allSafe(y)) {
      safe.add(x.name);
      return;
    }
    if (y.type === 'var' && !safe.has(y.name) && allSafe(x)) {
      safe.add(y.name);
      return;
    }
    if (x.type === 'array' && y.type === 'array') {
      if (x.items.length !== y.items.length) return;
      for (let i = 0; i < x.items.length; i++) unify(x.items[i] as Term, y.items[i] as Term);
      return;
    }
    if (x.type === 'object' && y.type === 'object') {
      for (const [kx, vx] of x.entries) {
        const match = y.entries.find(([ky]) => sameKey(kx, ky));
        if (match) unify(vx, match[1]);
      }
      return;
    }
    if ((x.type === 'array' || x.type === 'object') && allSafe(y)) patternVars(x, safe);
    else if ((y.type === 'array' || y.type === 'object') && allSafe(x)) patternVars(y, safe);
  };
  for (;;) {
    const before = safe.size;
    unify(a, b);
    if (safe.size === before) return;
  }
}

/** sameKey says whether two object keys are the same scalar constant or the same var. */
export function sameKey(a: Term, b: Term): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'var':
      return a.name === (b as { name: string }).name;
    case 'string':
    case 'number':
    case 'boolean':
      return (a as { value: unknown }).value === (b as { value: unknown }).value;
    case 'null':
      return true;
    default:
      return false;
  }
}

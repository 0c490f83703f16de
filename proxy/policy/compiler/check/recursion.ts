import type { Diagnostic } from '../diagnostics.js';
import type { Body, Expr, Term } from '../parse/ast.js';
import { type CheckedRule, pathString, type RuleNode } from './program.js';
import { rulesBelow } from './ruletree.js';

/*
 * checkRecursion is the check stage that refuses rules depending on themselves, directly, through other rules,
 * functions or comprehensions, as OPA's `checkRecursion`: Rego has no recursion, and the planner relies on it.
 */

/** checkRecursion reports each cycle in the rule dependency graph once. */
export function checkRecursion(root: RuleNode, diags: Diagnostic[]): void {
  const nodes: RuleNode[] = [];
  const collect = (n: RuleNode) => {
    if (n.kind !== undefined) nodes.push(n);
    for (const c of n.children.values()) collect(c);
  };
  collect(root);
  const deps = new Map<RuleNode, Set<RuleNode>>();
  for (const n of nodes) {
    const out = new Set<RuleNode>();
    const rules = n.default ? [...n.rules, n.default] : n.rules;
    for (const r of rules) ruleDeps(root, r, out);
    // An object built by ref-head rules takes in the rules below it.
    for (const { node } of rulesBelow(n)) out.add(node);
    deps.set(n, out);
  }
  const state = new Map<RuleNode, 'visiting' | 'done'>();
  const stack: RuleNode[] = [];
  const visit = (n: RuleNode): void => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const s = state.get(d);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(d));
        const first = d.rules[0] ?? d.default;
        diags.push({
          code: 'rego_recursion_error',
          message: `rule ${pathString(d.path)} is recursive: ${[...cycle, d].map((x) => pathString(x.path)).join(' -> ')}`,
          location: first?.loc ?? { file: '', row: 1, col: 1 },
        });
      } else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
}

/**
 * refDeps adds the rule nodes a ref into `data` may read: the tree is followed by the ref's operands, a var
 * operand standing for any key (`data[x].allow` reaches every `allow` one level down), as OPA's dynamic rule
 * lookup does. The planner builds documents from the same matches (`matchesKey`).
 */
export function refDeps(root: RuleNode, terms: readonly Term[], out: Set<RuleNode>): void {
  const walk = (n: RuleNode, i: number): void => {
    if (n.kind !== undefined) {
      out.add(n);
      return;
    }
    const t = terms[i];
    if (t === undefined) {
      addAll(n, out);
      return;
    }
    for (const [k, c] of n.children) if (matchesKey(t, k)) walk(c, i + 1);
  };
  walk(root, 1);
}

/** matchesKey says whether a ref operand may select the child named `key` (vars and non-scalars may). */
export function matchesKey(t: Term, key: string): boolean {
  switch (t.type) {
    case 'string':
      return t.value === key;
    case 'number':
    case 'boolean':
    case 'null':
    case 'array':
    case 'object':
    case 'set':
      return false;
    default:
      return true;
  }
}

function addAll(n: RuleNode, out: Set<RuleNode>): void {
  if (n.kind !== undefined) out.add(n);
  for (const c of n.children.values()) addAll(c, out);
}

function ruleDeps(root: RuleNode, r: CheckedRule, out: Set<RuleNode>): void {
  for (const t of [...r.keyPath, r.value, ...r.args]) termDeps(root, t, out);
  if (r.key) termDeps(root, r.key, out);
  bodyDeps(root, r.body, out);
  if (r.else) ruleDeps(root, r.else, out);
}

function bodyDeps(root: RuleNode, body: Body, out: Set<RuleNode>): void {
  for (const e of body) exprDeps(root, e, out);
}

function exprDeps(root: RuleNode, e: Expr, out: Set<RuleNode>): void {
  for (const t of [e.term, ...(e.args ?? []), e.domain, e.key, e.value]) if (t) termDeps(root, t, out);
  for (const w of e.with) termDeps(root, w.value, out);
  if (e.operator) termDeps(root, { type: 'ref', terms: e.operator, loc: e.loc }, out);
  if (e.body) bodyDeps(root, e.body, out);
}

function termDeps(root: RuleNode, t: Term, out: Set<RuleNode>): void {
  const rec = (x: Term) => termDeps(root, x, out);
  switch (t.type) {
    case 'var':
      if (t.name === 'data') addAll(root, out);
      return;
    case 'ref': {
      const head = t.terms[0];
      if (head?.type === 'var' && head.name === 'data') refDeps(root, t.terms, out);
      else if (head) rec(head);
      t.terms.slice(1).forEach(rec);
      return;
    }
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
      rec({ type: 'ref', terms: t.operator, loc: t.loc });
      t.args.forEach(rec);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      rec(t.term);
      bodyDeps(root, t.body, out);
      return;
    case 'objectcomprehension':
      rec(t.key);
      rec(t.value);
      bodyDeps(root, t.body, out);
      return;
    default:
      return;
  }
}

import type { Diagnostic } from '../diagnostics.js';
import type { Body, Module, Rule, Term } from '../parse/ast.js';
import { type CheckedRule, type NodeKind, newRuleNode, pathString, type RuleNode } from './program.js';

/*
 * buildRuleTree is the check stage that groups rules by their full path across modules, as OPA's rule tree:
 * a rule `a.b[x].c := v` in package `p` sits at node `p.a.b` with key path `[x, "c"]`. Rules of different kinds
 * at one node, `default` on anything but a complete rule or function, and two defaults are compile errors.
 */

/** buildRuleTree returns the root node (`data`) of the rules of all modules. */
export function buildRuleTree(modules: Module[], diags: Diagnostic[], fresh: (name: string) => string): RuleNode {
  const root = newRuleNode([]);
  for (const m of modules) {
    let node = root;
    for (const k of m.package) {
      let c = node.children.get(k);
      if (c === undefined) {
        c = newRuleNode([...node.path, k]);
        node.children.set(k, c);
      }
      node = c;
    }
    node.isPackage = true;
    for (const r of m.rules) addRule(root, m, r, diags, fresh);
  }
  checkNodes(root, diags);
  return root;
}

function addRule(root: RuleNode, m: Module, r: Rule, diags: Diagnostic[], fresh: (name: string) => string): void {
  const head = r.head.ref[0];
  if (head === undefined || head.type !== 'var') {
    diags.push({ code: 'rego_compile_error', message: 'rule head must start with a name', location: r.head.loc });
    return;
  }
  const rest = r.head.ref.slice(1);
  const path = [...m.package, head.name];
  let i = 0;
  while (i < rest.length && (rest[i] as Term).type === 'string') {
    path.push((rest[i] as Term & { value: string }).value);
    i++;
  }
  const keyPath = rest.slice(i);
  const rule = checkedRule(r, keyPath, fresh);
  if (keyPath.length > 0 && rule.kind === 'function') {
    diags.push({
      code: 'rego_unsupported_error',
      message: 'functions with ref heads are not supported',
      location: r.loc,
    });
    return;
  }
  let node = root;
  for (const k of path) {
    let c = node.children.get(k);
    if (c === undefined) {
      c = newRuleNode([...node.path, k]);
      node.children.set(k, c);
    }
    node = c;
  }
  if (node.kind !== undefined && node.kind !== rule.kind) {
    diags.push({
      code: 'rego_type_error',
      message: `conflicting rules ${pathString(node.path)} found`,
      location: r.loc,
    });
    return;
  }
  const first = node.rules[0];
  if (rule.kind === 'partial-set' && first && (first.keyPath.length === 0) !== (rule.keyPath.length === 0)) {
    diags.push({
      code: 'rego_type_error',
      message: `conflicting rules ${pathString(node.path)} found`,
      location: r.loc,
    });
    return;
  }
  node.kind = rule.kind;
  if (rule.kind === 'function') {
    const arity = rule.args.length;
    if (node.arity !== undefined && node.arity !== arity) {
      diags.push({
        code: 'rego_type_error',
        message: `conflicting rules ${pathString(node.path)} found`,
        location: r.loc,
      });
      return;
    }
    node.arity = arity;
  }
  if (r.default) {
    if (rule.kind !== 'complete' && rule.kind !== 'function') {
      diags.push({
        code: 'rego_type_error',
        message: `default rules must not be partial: ${pathString(node.path)}`,
        location: r.loc,
      });
      return;
    }
    if (node.default !== undefined) {
      diags.push({
        code: 'rego_type_error',
        message: `multiple default rules ${pathString(node.path)} found`,
        location: r.loc,
      });
      return;
    }
    node.default = rule;
    return;
  }
  node.rules.push(rule);
}

/**
 * checkedRule normalises one rule's head: implied `true` values, and the kind as the path decides it (a
 * "complete" rule whose ref ends in non-strings builds an object, like a partial object).
 */
function checkedRule(r: Rule, keyPath: Term[], fresh: (name: string) => string): CheckedRule {
  let kind: NodeKind = r.head.kind;
  if (kind === 'complete' && keyPath.length > 0) kind = 'partial-object';
  if (kind === 'partial-object' && keyPath.length === 0) kind = 'complete';
  const body: Body = [...r.body];
  // Head terms that compute (refs, calls, comprehensions) are evaluated at the end of the body, as OPA's
  // rewriting of rule heads does: `q := xs[_]` is `q := $v if { $v = xs[_] }`, iterating like a body would.
  const hoist = (t: Term): Term => {
    if (r.default || !isDynamic(t)) return t;
    const v: Term = { type: 'var', name: fresh('$hv'), loc: t.loc };
    body.push({
      kind: 'call',
      loc: t.loc,
      negated: false,
      with: [],
      operator: [{ type: 'var', name: 'eq', loc: t.loc }],
      args: [v, t],
    });
    return v;
  };
  const path = keyPath.map(hoist);
  const value: Term = hoist(r.head.value ?? { type: 'boolean', value: true, loc: r.head.loc });
  const out: CheckedRule = {
    kind,
    keyPath: path,
    value,
    args: r.head.args ?? [],
    body,
    default: r.default,
    loc: r.loc,
  };
  if (r.head.key) out.key = hoist(r.head.key);
  if (r.else) {
    const e = checkedRule(r.else, keyPath, fresh);
    if (e.args.length === 0 && out.args.length > 0) e.args = out.args;
    e.kind = kind;
    out.else = e;
  }
  return out;
}

/** isDynamic says whether a term computes something (a ref, call or comprehension inside). */
function isDynamic(t: Term): boolean {
  switch (t.type) {
    case 'ref':
    case 'call':
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      return true;
    case 'array':
    case 'set':
      return t.items.some(isDynamic);
    case 'object':
      return t.entries.some(([k, v]) => isDynamic(k) || isDynamic(v));
    default:
      return false;
  }
}

/**
 * checkNodes reports rules that sit above other rules where the two cannot combine: a complete rule, a function
 * or a plain partial set with rules below it. Objects built by ref-head rules (`p[k] := v`, `p[k] contains v`)
 * take the rules below as more keys, as in OPA.
 */
function checkNodes(n: RuleNode, diags: Diagnostic[]): void {
  const objectLike = n.kind === 'partial-object' || (n.kind === 'partial-set' && (n.rules[0]?.keyPath.length ?? 0) > 0);
  if (n.kind !== undefined && !objectLike && hasRuleBelow(n)) {
    const first = n.rules[0] ?? n.default;
    const below = [...n.children.values()].find(hasRuleKind) ?? [...n.children.values()][0];
    diags.push({
      code: 'rego_type_error',
      message: `rule ${pathString(n.path)} conflicts with [${below ? pathString(below.path) : ''}]`,
      location: first?.loc ?? { file: '', row: 1, col: 1 },
    });
  }
  for (const c of n.children.values()) checkNodes(c, diags);
}

function hasRuleKind(n: RuleNode): boolean {
  return n.kind !== undefined || hasRuleBelow(n);
}

function hasRuleBelow(n: RuleNode): boolean {
  for (const c of n.children.values()) if (hasRuleKind(c)) return true;
  return false;
}

/** rulesBelow lists the nearest rule nodes under `n` (not under another rule node), with their relative paths. */
export function rulesBelow(n: RuleNode): { node: RuleNode; rel: string[] }[] {
  const out: { node: RuleNode; rel: string[] }[] = [];
  const visit = (c: RuleNode, rel: string[]) => {
    if (c.kind !== undefined) {
      if (c.kind !== 'function') out.push({ node: c, rel });
      return;
    }
    for (const [k, g] of c.children) visit(g, [...rel, k]);
  };
  for (const [k, c] of n.children) visit(c, [k]);
  return out;
}

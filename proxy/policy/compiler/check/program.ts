import type { Location } from '../diagnostics.js';
import type { Body, Term } from '../parse/ast.js';

/*
 * Program is what the checker hands the planner: every rule of every module, grouped by its full path under
 * `data` into a tree, with bodies rewritten (refs resolved, locals renamed per scope, `some ... in` turned into
 * iteration, implied values filled in) and ordered so that each var is bound before it is used.
 *
 *   data ─┬─ airlock ─┬─ decision      (node with rules: complete)
 *         │           └─ deny          (node with rules: partial-set)
 *         └─ lib ──── f                (node with rules: function, arity 1)
 *
 * A rule sits at the node named by the leading strings of its head ref (`a.b[x].c` sits at `a.b`); the rest of
 * the ref (`[x, "c"]`) is its `keyPath`, the keys under which its value is inserted into the node's object.
 */

/** NodeKind says how the rules at one node combine into its value. */
export type NodeKind = 'complete' | 'partial-set' | 'partial-object' | 'function';

/**
 * CheckedRule is one rule body, checked and rewritten. For `partial-set` the element is `key`; for
 * `partial-object` (and multi-level ref heads) the value is `value`, inserted under `keyPath`; a partial set
 * with a ref head (`a[k] contains x`) has a non-empty `keyPath` too, the set sitting at its end.
 */
export interface CheckedRule {
  kind: NodeKind;
  /** Head ref operands after the node's path (`[x, "c"]` for `a.b[x].c` at `a.b`). */
  keyPath: Term[];
  /** The set element of a partial set. */
  key?: Term;
  /** The value (complete, partial-object, function); `true` when the source implied it. */
  value: Term;
  /** Function parameters, as patterns. */
  args: Term[];
  /** Body, ordered for safety. */
  body: Body;
  default: boolean;
  else?: CheckedRule;
  loc: Location;
}

/** RuleNode is one node of the rule tree. */
export interface RuleNode {
  /** Path under `data` (`['airlock', 'decision']`). */
  path: string[];
  children: Map<string, RuleNode>;
  /** Set when rules sit at this node. */
  kind?: NodeKind;
  /** Non-default rules at this node, in source order. */
  rules: CheckedRule[];
  /** The `default` rule, if any. */
  default?: CheckedRule;
  /** Number of parameters, for functions. */
  arity?: number;
  /** Set when some module declares this package. */
  isPackage?: boolean;
}

/** Program is the checked policy. */
export interface Program {
  root: RuleNode;
  /** Source files, in the order the modules were given. */
  files: string[];
}

/** newRuleNode makes an empty node. */
export function newRuleNode(path: string[]): RuleNode {
  return { path, children: new Map(), rules: [] };
}

/** lookupNode finds the node at `path`, or undefined. */
export function lookupNode(root: RuleNode, path: readonly string[]): RuleNode | undefined {
  let n: RuleNode | undefined = root;
  for (const k of path) {
    n = n.children.get(k);
    if (n === undefined) return undefined;
  }
  return n;
}

/**
 * hasRules says whether a node is a virtual document: it or a descendant holds rules, or it is a package (an
 * empty package is still an empty object in its parent's document).
 */
export function hasRules(n: RuleNode): boolean {
  if (n.kind !== undefined || n.isPackage === true) return true;
  for (const c of n.children.values()) if (hasRules(c)) return true;
  return false;
}

/** pathString prints a node path as OPA prints refs: `data.a.b`, `data.a["x-y"]`. */
export function pathString(path: readonly string[]): string {
  let s = 'data';
  for (const p of path) s += /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return s;
}

import type { Diagnostic } from '../diagnostics.js';
import type { Annotations, Module, Rule } from '../parse/ast.js';
import { refPartName } from '../parse/annotations.js';
import { isGround } from '../parse/expressions.js';
import { printTerm } from '../parse/print.js';

/*
 * AnnotationSet indexes every module's METADATA blocks by what they describe, as OPA's `ast.AnnotationSet`:
 *
 *   rule          the rule statement right below the block            by module and rule
 *   document      every rule of the same path, in any module          by path   ┐ one tree, so a document
 *   subpackages   the package and every package below it              by path   ┘ and a subpackages block clash
 *   package       the package, in every module that declares it       by package path
 *
 * A package, document or subpackages block declared twice for the same path is a `rego_type_error`.
 */

/** AnnotationRef is one link of a rule's metadata chain: the path it applies to (under `data`), and the block. */
export interface AnnotationRef {
  path: string[];
  annotations?: Annotations;
}

/** PathNode is a node of the path tree that holds document and subpackages blocks. */
interface PathNode {
  value?: AnnotationRef;
  children: Map<string, PathNode>;
}

/** RuleSite names a rule statement: the module (as given) and the rule's index in it. */
export interface RuleSite {
  module: number;
  rule: number;
}

export class AnnotationSet {
  readonly #byRule = new Map<string, Annotations[]>();
  readonly #byPackage = new Map<string, AnnotationRef>();
  readonly #byPath: PathNode = { children: new Map() };

  /**
   * AnnotationSet indexes the modules' blocks; redeclarations go to `diagnostics`. Modules are visited in file
   * name order, as OPA sorts them, so the same block is reported whatever order the modules came in.
   */
  constructor(modules: readonly Module[], diagnostics: Diagnostic[]) {
    const order = modules
      .map((m, i) => ({ m, i }))
      .sort((a, b) => (a.m.file < b.m.file ? -1 : a.m.file > b.m.file ? 1 : 0));
    for (const { m, i } of order) {
      for (const a of m.annotations) this.#add(m, i, a, diagnostics);
    }
  }

  #add(m: Module, moduleIndex: number, a: Annotations, diagnostics: Diagnostic[]): void {
    const redeclared = (other: AnnotationRef) =>
      diagnostics.push({
        code: 'rego_type_error',
        message: `${a.scope} annotation redeclared: ${other.annotations?.loc.file}:${other.annotations?.loc.row}`,
        location: a.loc,
      });
    if (a.target.kind === 'rule') {
      const rule = m.rules[a.target.index] as Rule;
      const ref: AnnotationRef = { path: rulePath(m, rule), annotations: a };
      if (a.scope === 'rule') {
        const key = siteKey({ module: moduleIndex, rule: a.target.index });
        this.#byRule.set(key, [...(this.#byRule.get(key) ?? []), a]);
      } else if (a.scope === 'document') {
        const node = this.#node(ref.path);
        if (node.value !== undefined) redeclared(node.value);
        else node.value = ref;
      }
      return;
    }
    const ref: AnnotationRef = { path: m.package, annotations: a };
    if (a.scope === 'package') {
      const key = pathKey(m.package);
      const existing = this.#byPackage.get(key);
      if (existing !== undefined) redeclared(existing);
      else this.#byPackage.set(key, ref);
    } else if (a.scope === 'subpackages') {
      const node = this.#node(m.package);
      if (node.value !== undefined) redeclared(node.value);
      else node.value = ref;
    }
  }

  #node(path: readonly string[]): PathNode {
    let node = this.#byPath;
    for (const key of path) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  }

  /**
   * chain is what `rego.metadata.chain()` returns in a rule, as OPA's `AnnotationSet.Chain`: the rule's own
   * blocks, closest first (or just the rule's path when it has none), then the document block, the package
   * block, and the subpackages blocks from the closest package up. `site` is undefined for an `else` branch,
   * which no block is attached to.
   */
  chain(m: Module, site: RuleSite | undefined, rule: Rule): AnnotationRef[] {
    const path = rulePath(m, rule);
    const own = this.ruleAnnotations(site);
    const refs: AnnotationRef[] = own.length > 0 ? own.map((a) => ({ path, annotations: a })) : [{ path }];
    const document = this.#lookup(path)?.value;
    if (document !== undefined) refs.push(document);
    const pkg = this.#byPackage.get(pathKey(m.package));
    if (pkg !== undefined) refs.push(pkg);
    refs.push(...this.#ancestors(m.package).reverse());
    return refs;
  }

  /** ruleAnnotations are a rule statement's `rule`-scoped blocks, closest to the rule first. */
  ruleAnnotations(site: RuleSite | undefined): Annotations[] {
    const own = site === undefined ? [] : (this.#byRule.get(siteKey(site)) ?? []);
    return [...own].sort((a, b) => b.loc.row - a.loc.row || b.loc.col - a.loc.col);
  }

  #lookup(path: readonly string[]): PathNode | undefined {
    let node: PathNode | undefined = this.#byPath;
    for (const key of path) {
      node = node.children.get(key);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The blocks on the path tree from the root down to `path`, root first. */
  #ancestors(path: readonly string[]): AnnotationRef[] {
    const out: AnnotationRef[] = [];
    let node: PathNode | undefined = this.#byPath;
    for (const key of path) {
      node = node.children.get(key);
      if (node === undefined) break;
      if (node.value !== undefined) out.push(node.value);
    }
    return out;
  }
}

function siteKey(site: RuleSite): string {
  return `${site.module}/${site.rule}`;
}

function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/**
 * rulePath is the path a rule defines, as far as it is constant (OPA's `rule.Ref().GroundPrefix()`): the
 * package, the rule name, then the head ref's parts up to the first one that is not a constant, each printed
 * as OPA's `Ref.toArray` prints it.
 */
export function rulePath(m: Module, rule: Rule): string[] {
  const path = [...m.package];
  for (const [i, part] of rule.head.ref.entries()) {
    if (i > 0 && !isGround(part)) break;
    path.push(refPartName(part) ?? printTerm(part));
  }
  return path;
}

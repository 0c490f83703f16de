import type { Diagnostic, Location } from '../diagnostics.js';
import type { Annotations, AnnotationValue, Body, Expr, Module, Rule, RuleHead, Term, With } from '../parse/ast.js';
import { formatGoFloat } from '../parse/go-format.js';
import { type AnnotationRef, AnnotationSet, type RuleSite } from './annotation-set.js';
import { operatorName } from './terms.js';

/*
 * rewriteMetadataCalls answers `rego.metadata.chain()` and `rego.metadata.rule()` at compile time, as OPA's
 * `rewriteRegoMetadataCalls` stage does: each call becomes the constant OPA computes for the rule it is in, so
 * nothing is left to call at run time.
 *
 *   # METADATA                        p := x if { x := rego.metadata.rule() }
 *   # title: P                   ⟶    p := x if { x := {"scope": "rule", "title": "P"} }
 *   p := x if { ... }
 *
 * A call expression with an output (`rego.metadata.rule(x)`) becomes `x = <constant>`. Each `else` branch is a
 * rule of its own here, as in OPA: no block is attached to it, so its chain starts with the bare path.
 */

const CHAIN = 'rego.metadata.chain';
const RULE = 'rego.metadata.rule';

/** MetadataConstants computes the two constants for one rule, refusing blocks Airlock cannot reproduce. */
class MetadataConstants {
  #chain: Term | undefined;
  #rule: Term | undefined;
  /** How many calls these constants answered. */
  answered = 0;

  constructor(
    private readonly set: AnnotationSet,
    private readonly module: Module,
    private readonly site: RuleSite | undefined,
    private readonly subject: Rule,
    private readonly diagnostics: Diagnostic[],
  ) {}

  chain(loc: Location): Term {
    this.answered++;
    this.#chain ??= arrayTerm(
      this.set.chain(this.module, this.site, this.subject).map((ref) => this.#link(ref, loc)),
      loc,
    );
    return relocate(this.#chain, loc);
  }

  rule(loc: Location): Term {
    this.answered++;
    if (this.#rule === undefined) {
      const [primary] = this.set.ruleAnnotations(this.site);
      this.#rule = primary === undefined ? objectTerm([], loc) : this.#annotations(primary, loc, RULE);
    }
    return relocate(this.#rule, loc);
  }

  #link(ref: AnnotationRef, loc: Location): Term {
    const entries: [string, Term][] = [
      [
        'path',
        arrayTerm(
          ref.path.map((p) => stringTerm(p, loc)),
          loc,
        ),
      ],
    ];
    if (ref.annotations !== undefined) entries.push(['annotations', this.#annotations(ref.annotations, loc, CHAIN)]);
    return objectTerm(entries, loc);
  }

  /** The object OPA's `Annotations.toObject` builds: only the fields that are set. */
  #annotations(a: Annotations, loc: Location, builtin: string): Term {
    if (a.unsupported !== undefined) {
      this.diagnostics.push({
        code: 'rego_unsupported_error',
        message: `${builtin}: the METADATA block at ${a.loc.file}:${a.loc.row} holds ${a.unsupported}, whose value Airlock cannot reproduce exactly as OPA would`,
        location: loc,
      });
    }
    const str = (s: string) => stringTerm(s, loc);
    const entries: [string, Term][] = [['scope', str(a.scope)]];
    if (a.title !== undefined) entries.push(['title', str(a.title)]);
    if (a.entrypoint) entries.push(['entrypoint', { type: 'boolean', value: true, loc }]);
    if (a.description !== undefined) entries.push(['description', str(a.description)]);
    if (a.organizations.length > 0) entries.push(['organizations', arrayTerm(a.organizations.map(str), loc)]);
    if (a.relatedResources.length > 0) {
      const resources = a.relatedResources.map((r) => {
        const fields: [string, Term][] = [['ref', str(r.ref)]];
        if (r.description !== undefined) fields.push(['description', str(r.description)]);
        return objectTerm(fields, loc);
      });
      entries.push(['related_resources', arrayTerm(resources, loc)]);
    }
    if (a.authors.length > 0) {
      const authors = a.authors.map((author) => {
        const fields: [string, Term][] = [];
        if (author.name !== undefined) fields.push(['name', str(author.name)]);
        if (author.email !== undefined) fields.push(['email', str(author.email)]);
        return objectTerm(fields, loc);
      });
      entries.push(['authors', arrayTerm(authors, loc)]);
    }
    if (a.schemas.length > 0) {
      const schemas = a.schemas.map((s) => {
        const fields: [string, Term][] = [];
        if (s.path.length > 0) fields.push(['path', arrayTerm(s.path.map(str), loc)]);
        if (s.schema !== undefined) fields.push(['schema', arrayTerm(s.schema.map(str), loc)]);
        if (s.definition !== undefined) fields.push(['definition', valueTerm(s.definition, loc)]);
        return objectTerm(fields, loc);
      });
      entries.push(['schemas', arrayTerm(schemas, loc)]);
    }
    if (a.custom !== undefined) entries.push(['custom', valueTerm(a.custom, loc)]);
    return objectTerm(entries, loc);
  }
}

/**
 * rewriteMetadataCalls replaces every `rego.metadata.*` call in the modules by its constant; rules without such
 * calls are returned as they are.
 */
export function rewriteMetadataCalls(modules: Module[], set: AnnotationSet, diagnostics: Diagnostic[]): Module[] {
  return modules.map((m, moduleIndex) => {
    const constantsFor: ConstantsFor = (r, site) => new MetadataConstants(set, m, site, r, diagnostics);
    const rules = m.rules.map((rule, index) => rewriteRule(rule, constantsFor, { module: moduleIndex, rule: index }));
    return rules.every((r, i) => r === m.rules[i]) ? m : { ...m, rules };
  });
}

type ConstantsFor = (rule: Rule, site: RuleSite | undefined) => MetadataConstants;

function rewriteRule(rule: Rule, constantsFor: ConstantsFor, site: RuleSite | undefined): Rule {
  const constants = constantsFor(rule, site);
  const rewriter = new CallRewriter(constants);
  const head = rewriter.head(rule.head);
  const body = rewriter.body(rule.body);
  const elseRule = rule.else === undefined ? undefined : rewriteRule(rule.else, constantsFor, undefined);
  if (constants.answered === 0 && elseRule === rule.else) return rule;
  const out: Rule = { ...rule, head, body };
  if (elseRule !== undefined) out.else = elseRule;
  return out;
}

/** CallRewriter replaces the calls in one rule (or one else branch). */
class CallRewriter {
  constructor(private readonly constants: MetadataConstants) {}

  head(h: RuleHead): RuleHead {
    const out: RuleHead = { ...h, ref: h.ref.map((t) => this.term(t)) };
    if (h.args !== undefined) out.args = h.args.map((t) => this.term(t));
    if (h.key !== undefined) out.key = this.term(h.key);
    if (h.value !== undefined) out.value = this.term(h.value);
    return out;
  }

  body(b: Body): Body {
    return b.map((e) => this.expr(e));
  }

  expr(e: Expr): Expr {
    const out: Expr = { ...e, with: e.with.map((w): With => ({ ...w, value: this.term(w.value) })) };
    const name = e.kind === 'call' && e.operator !== undefined ? operatorName(e.operator) : undefined;
    const args = e.args ?? [];
    if ((name === CHAIN || name === RULE) && args.length <= 1) {
      const value = name === CHAIN ? this.constants.chain(e.loc) : this.constants.rule(e.loc);
      const [output] = args;
      if (output === undefined) {
        delete out.operator;
        delete out.args;
        return { ...out, kind: 'term', term: value };
      }
      return { ...out, operator: [{ type: 'var', name: 'eq', loc: e.loc }], args: [this.term(output), value] };
    }
    if (e.term !== undefined) out.term = this.term(e.term);
    if (e.args !== undefined) out.args = e.args.map((t) => this.term(t));
    if (e.key !== undefined) out.key = this.term(e.key);
    if (e.value !== undefined) out.value = this.term(e.value);
    if (e.domain !== undefined) out.domain = this.term(e.domain);
    if (e.body !== undefined) out.body = this.body(e.body);
    return out;
  }

  term(t: Term): Term {
    switch (t.type) {
      case 'call': {
        const name = operatorName(t.operator);
        if (name === CHAIN && t.args.length === 0) return this.constants.chain(t.loc);
        if (name === RULE && t.args.length === 0) return this.constants.rule(t.loc);
        return { ...t, args: t.args.map((a) => this.term(a)) };
      }
      case 'ref':
        return { ...t, terms: t.terms.map((x) => this.term(x)) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((x) => this.term(x)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [this.term(k), this.term(v)]) };
      case 'arraycomprehension':
      case 'setcomprehension':
        return { ...t, term: this.term(t.term), body: this.body(t.body) };
      case 'objectcomprehension':
        return { ...t, key: this.term(t.key), value: this.term(t.value), body: this.body(t.body) };
      default:
        return t;
    }
  }
}

function stringTerm(value: string, loc: Location): Term {
  return { type: 'string', value, loc };
}

function arrayTerm(items: Term[], loc: Location): Term {
  return { type: 'array', items, loc };
}

function objectTerm(entries: [string, Term][], loc: Location): Term {
  return { type: 'object', entries: entries.map(([k, v]): [Term, Term] => [stringTerm(k, loc), v]), loc };
}

/** valueTerm is an annotation value as a Rego constant; numbers are written as Go writes them. */
function valueTerm(v: AnnotationValue, loc: Location): Term {
  if (v === null) return { type: 'null', loc };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, loc };
  if (typeof v === 'string') return stringTerm(v, loc);
  if (typeof v === 'bigint') return { type: 'number', value: String(v), loc };
  if (typeof v === 'number') return { type: 'number', value: formatGoFloat(v), loc };
  if (Array.isArray(v))
    return arrayTerm(
      v.map((x) => valueTerm(x, loc)),
      loc,
    );
  return objectTerm(
    Object.entries(v).map(([k, x]): [string, Term] => [k, valueTerm(x, loc)]),
    loc,
  );
}

/** relocate gives a constant the location of the call it replaces. */
function relocate(t: Term, loc: Location): Term {
  switch (t.type) {
    case 'array':
      return { ...t, items: t.items.map((x) => relocate(x, loc)), loc };
    case 'object':
      return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [relocate(k, loc), relocate(v, loc)]), loc };
    default:
      return { ...t, loc };
  }
}

import type { Location } from '../diagnostics.js';

/*
 * The abstract syntax of Rego v1, as the parser produces it and the checker rewrites it.
 *
 * Operators are calls: `a + b` is `{type: 'call', operator: ['plus'], args: [a, b]}`, `x := y` is an `assign`
 * call expression, `x = y` an `eq` call expression, `x in xs` an `internal.member_2` call, `k, v in xs` an
 * `internal.member_3` call. Operator names are OPA's built-in names:
 *   + plus   - minus   * mul   / div   % rem   & and   | or
 *   == equal   != neq   < lt   <= lte   > gt   >= gte   := assign   = eq
 * A unary minus on a number literal is folded into the literal; on anything else it is `minus(0, x)`.
 */

/** Term is a Rego value, variable, reference, call or comprehension, with its source location. */
export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehensionTerm
  | SetComprehensionTerm
  | ObjectComprehensionTerm
  | CallTerm;

export interface NullTerm {
  type: 'null';
  loc: Location;
}

export interface BooleanTerm {
  type: 'boolean';
  value: boolean;
  loc: Location;
}

/** NumberTerm keeps the literal's text so that integers beyond 2^53 and long decimals lose nothing. */
export interface NumberTerm {
  type: 'number';
  value: string;
  loc: Location;
}

/** StringTerm holds the decoded string (escapes resolved; raw strings verbatim). */
export interface StringTerm {
  type: 'string';
  value: string;
  loc: Location;
}

/**
 * VarTerm is a variable. `_` is the wildcard: the parser renames each occurrence to a fresh `$_N` name so that no
 * two wildcards unify. Names starting with `$` are generated and can never clash with a user's names.
 */
export interface VarTerm {
  type: 'var';
  name: string;
  loc: Location;
}

/**
 * RefTerm is `head.a[b]["c"]`: the head is a var (`input`, `data`, a local, an import alias) or a composite or
 * call term (`[1,2][0]`, `f(x).y`); each later operand is the term between brackets, with `.a` parsed as the
 * string `"a"`.
 */
export interface RefTerm {
  type: 'ref';
  terms: Term[];
  loc: Location;
}

export interface ArrayTerm {
  type: 'array';
  items: Term[];
  loc: Location;
}

export interface ObjectTerm {
  type: 'object';
  entries: [Term, Term][];
  loc: Location;
}

export interface SetTerm {
  type: 'set';
  items: Term[];
  loc: Location;
}

export interface ArrayComprehensionTerm {
  type: 'arraycomprehension';
  term: Term;
  body: Body;
  loc: Location;
}

export interface SetComprehensionTerm {
  type: 'setcomprehension';
  term: Term;
  body: Body;
  loc: Location;
}

export interface ObjectComprehensionTerm {
  type: 'objectcomprehension';
  key: Term;
  value: Term;
  body: Body;
  loc: Location;
}

/**
 * CallTerm is a call used as a value: `count(x)`, `data.lib.f(1)`, `a + b`. The operator is the ref of the
 * function, as terms: `count` is `[var count]`, `data.lib.f` is `[var data, "lib", "f"]`, `io.jwt.decode` is
 * `[var io, "jwt", "decode"]`.
 */
export interface CallTerm {
  type: 'call';
  operator: Term[];
  args: Term[];
  loc: Location;
}

/** Body is a conjunction of expressions, as in a rule body, a comprehension or a query. */
export type Body = Expr[];

/**
 * Expr is one expression of a body. `negated` is a leading `not`; `with` holds `with ... as ...` modifiers in
 * source order.
 *
 * A `call` expression whose argument count is one more than the function's arity binds its last argument to the
 * result (`count(xs, n)`); otherwise the result must be defined and not `false` for the expression to hold.
 */
export interface Expr {
  kind: 'term' | 'call' | 'some' | 'somein' | 'every';
  loc: Location;
  negated: boolean;
  with: With[];
  /** Present for kind 'term': the expression holds when the term is defined and not false. */
  term?: Term;
  /** Present for kind 'call': the operator as ref terms (see CallTerm). */
  operator?: Term[];
  /** Present for kind 'call'. */
  args?: Term[];
  /** Present for kind 'some': `some x, y` declares these vars local. */
  vars?: VarTerm[];
  /** Present for kinds 'somein' and 'every' when two names are given (`some k, v in xs`, `every k, v in xs`). */
  key?: Term;
  /** Present for kinds 'somein' and 'every': the element (`x` in `some x in xs`). */
  value?: Term;
  /** Present for kinds 'somein' and 'every': the collection iterated. */
  domain?: Term;
  /** Present for kind 'every'. */
  body?: Body;
}

/** With is one `with target as value`; target is a ref (`input.x`, `data.a.b`, `count`, `data.lib.f`). */
export interface With {
  target: RefTerm;
  value: Term;
  loc: Location;
}

/**
 * RuleKind says what a rule's head defines:
 * - `complete`: `p := v`, `p = v`, `p if ...` (value true), `a.b.c := v` (ref head, all static);
 * - `partial-set`: `p contains x`, `a.b[k] contains x`;
 * - `partial-object`: `p[k] := v`, `a.b[k].c := v` (a ref head with a variable part);
 * - `function`: `f(x) := y`, `f(x) if ...` (value true).
 */
export type RuleKind = 'complete' | 'partial-set' | 'partial-object' | 'function';

/**
 * RuleHead is the part before `if`. `ref` is the rule's path relative to the package, as terms: `p` is
 * `[var p]`, `a.b[x].c` is `[var a, "b", var x, "c"]`. For `contains`, `key` is the element; for functions,
 * `args` are the parameters. `value` is absent where Rego implies `true` (it is filled by the checker).
 */
export interface RuleHead {
  ref: Term[];
  kind: RuleKind;
  args?: Term[];
  key?: Term;
  value?: Term;
  /** `:=` rather than `=`. */
  assign: boolean;
  loc: Location;
}

/** Rule is one rule definition with its `else` chain (each `else` is a rule of the same head ref and kind). */
export interface Rule {
  head: RuleHead;
  body: Body;
  default: boolean;
  else?: Rule;
  loc: Location;
}

/** Import is `import data.a.b as c`, `import input.x`, `import rego.v1`, `import future.keywords.in`. */
export interface Import {
  path: RefTerm;
  alias?: string;
  loc: Location;
}

/**
 * Module is one parsed Rego file. `package` is the path after `data`, as strings: `package a.b` is `['a','b']`.
 * `annotations` are its METADATA blocks in source order, each attached to the package or to one of `rules`.
 */
export interface Module {
  file: string;
  package: string[];
  packageLoc: Location;
  imports: Import[];
  rules: Rule[];
  annotations: Annotations[];
}

/** AnnotationScope says what a METADATA block describes (OPA's annotation scopes). */
export type AnnotationScope = 'rule' | 'document' | 'package' | 'subpackages';

/** AnnotationTarget is the statement a METADATA block is attached to: the package, or `rules[index]`. */
export type AnnotationTarget = { kind: 'package' } | { kind: 'rule'; index: number };

/**
 * AnnotationValue is a value from a METADATA block's `custom` or a schema `definition`, as Go's YAML decoder
 * produces it: `bigint` for integers, `number` for floating-point numbers.
 */
export type AnnotationValue =
  null | boolean | string | number | bigint | AnnotationValue[] | { [key: string]: AnnotationValue };

/** AuthorAnnotation is one author; OPA leaves out an empty name or email. */
export interface AuthorAnnotation {
  name?: string;
  email?: string;
}

/** RelatedResourceAnnotation is one related resource: a URL as OPA prints it, and an optional description. */
export interface RelatedResourceAnnotation {
  ref: string;
  description?: string;
}

/**
 * SchemaAnnotation declares a schema for a document: `path` and `schema` are refs as arrays of names
 * (`input.x` is `['input', 'x']`, `schema.y` is `['schema', 'y']`); an inline schema is `definition`.
 */
export interface SchemaAnnotation {
  path: string[];
  schema?: string[];
  definition?: AnnotationValue;
}

/**
 * Annotations is one METADATA block (OPA's `ast.Annotations`). Fields OPA leaves out when empty are absent;
 * `scope` is filled in when the block does not set it (`rule` before a rule, `document` for an entrypoint rule,
 * `package` before the package). `loc` is the `# METADATA` line.
 */
export interface Annotations {
  scope: AnnotationScope;
  title?: string;
  description?: string;
  entrypoint: boolean;
  organizations: string[];
  relatedResources: RelatedResourceAnnotation[];
  authors: AuthorAnnotation[];
  schemas: SchemaAnnotation[];
  custom?: { [key: string]: AnnotationValue };
  target: AnnotationTarget;
  loc: Location;
  /**
   * Set when the block holds something whose value Airlock cannot reproduce exactly as OPA would (a YAML tag, a
   * URL Go would rewrite); then the compiler refuses to answer `rego.metadata.*` with it.
   */
  unsupported?: string;
}

import type { Location } from '../diagnostics.js';
import type { Body, CallTerm, Expr, RefTerm, Term, VarTerm, With } from './ast.js';
import { type Mark, PARSE_ABORT, TokenCursor } from './cursor.js';
import { isKeywordKind, type Token, type TokenKind } from './lexer.js';

/*
 * ExpressionParser parses terms, expressions and bodies. Precedence follows OPA's grammar, loosest first:
 *
 *   Literal    := 'some' Vars | 'some' Term 'in' ... | 'every' ... Body | ['not'] Expr With*
 *   Expr       := InTerm [(':=' | '=') InTerm]
 *   InTerm     := Relation [',' Relation 'in' Relation] ('in' Relation)*     -- the comma form only outside lists
 *   Relation   := Or (('==' | '!=' | '<' | '<=' | '>' | '>=') Or)*
 *   Or         := And ('|' And)*
 *   And        := Arith ('&' Arith)*
 *   Arith      := Factor (('+' | '-') Factor)*
 *   Factor     := Term (('*' | '/' | '%') Term)*
 *   Term       := Operand (Suffix)*   where a suffix `.name`, `[Expr]` or `(Args)` must touch what precedes it
 *
 * All binary operators are left-associative. In a list (call arguments, array, set, object) `k, v in xs` is not
 * recognised, since the comma separates items there: `f(k, v in xs)` is `f(k, internal.member_2(v, xs))`.
 */

/** The built-in each binary operator token calls, as OPA names them. */
const OPERATOR_NAMES: Partial<Record<TokenKind, string>> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '|': 'or',
  '&': 'and',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
};

/** Binary operator tokens by precedence level, loosest first (the level after the last is a Term). */
const PRECEDENCE: readonly (readonly TokenKind[])[] = [
  ['==', '!=', '<', '<=', '>', '>='],
  ['|'],
  ['&'],
  ['+', '-'],
  ['*', '/', '%'],
];

/** BINARY_OPERATORS are the tokens that combine two terms. */
export const BINARY_OPERATORS: ReadonlySet<TokenKind> = new Set(PRECEDENCE.flat());

/** The precedence level of each binary operator token (an index into PRECEDENCE). */
const LEVEL_OF: ReadonlyMap<TokenKind, number> = new Map(
  PRECEDENCE.flatMap((operators, level) => operators.map((op) => [op, level] as const)),
);

/** A token that can begin a term. */
function canStartTerm(token: Token): boolean {
  switch (token.kind) {
    case 'null':
    case 'true':
    case 'false':
    case 'number':
    case 'string':
    case 'ident':
    case 'contains':
    case '[':
    case '{':
    case '(':
    case '-':
    case '.':
      return true;
    default:
      return false;
  }
}

/** isGround tells whether a term is a constant: no variables, references, calls or comprehensions inside. */
export function isGround(term: Term): boolean {
  switch (term.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return term.items.every(isGround);
    case 'object':
      return term.entries.every(([k, v]) => isGround(k) && isGround(v));
    default:
      return false;
  }
}

/** memberArity is 2 for `x in xs`, 3 for `k, v in xs`, and 0 for any other term. */
export function memberArity(term: Term): 0 | 2 | 3 {
  if (term.type !== 'call' || term.operator.length !== 2) return 0;
  const [root, name] = term.operator;
  if (root?.type !== 'var' || root.name !== 'internal' || name?.type !== 'string') return 0;
  if (name.value === 'member_2' && term.args.length === 2) return 2;
  if (name.value === 'member_3' && term.args.length === 3) return 3;
  return 0;
}

export class ExpressionParser extends TokenCursor {
  /**
   * parseQuery parses a whole input as one body: expressions separated by new lines or `;`, up to end of file.
   */
  parseQuery(): Body {
    if (this.at('eof')) this.fail(this.tok, 'empty query: expected an expression');
    const body: Body = [];
    for (;;) {
      body.push(this.parseLiteral());
      if (this.at(';')) {
        this.advance();
        continue;
      }
      if (this.at('eof')) return body;
      if (!this.tok.newlineBefore) this.unexpected('a new line or `;` between expressions');
    }
  }

  /**
   * parseBody parses `Literal ((';' | newline) Literal)*` after `opener` up to and including `end`.
   *
   * `ruleCol` is the column of the enclosing rule. When a line starting at or left of it fails to parse, the likely
   * cause is a missing `}` before the next rule, and the error says so.
   */
  protected parseBody(opener: Token, end: '}' | ']', what: string, ruleCol?: number): Body {
    this.enter();
    try {
      return this.parseBodyLiterals(opener, end, what, ruleCol);
    } finally {
      this.leave();
    }
  }

  private parseBodyLiterals(opener: Token, end: '}' | ']', what: string, ruleCol: number | undefined): Body {
    if (this.at(end)) this.fail(this.tok, `found empty ${what}: a body needs at least one expression`);
    const body: Body = [];
    // Each iteration parses a literal, which consumes at least one token, or fails.
    for (;;) {
      const start = this.tok;
      const looksLikeNextRule = body.length > 0 && ruleCol !== undefined && start.newlineBefore && start.col <= ruleCol;
      const before = this.mark();
      try {
        body.push(this.parseLiteral());
        if (this.at(';')) {
          this.advance();
          continue;
        }
        if (this.at(end)) {
          this.advance();
          return body;
        }
        if (this.at('eof')) this.fail(this.tok, `unexpected end of file: ${closeHint(end, what, opener)}`);
        if (!this.tok.newlineBefore) this.unexpected(`a new line, \`;\` or \`${end}\``);
      } catch (e) {
        if (e === PARSE_ABORT && looksLikeNextRule) {
          this.reset(before);
          this.fail(start, closeHint(end, what, opener));
        }
        throw e;
      }
    }
  }

  /** Literal := 'some' ... | 'every' ... | ['not'] Expr With* */
  protected parseLiteral(): Expr {
    const start = this.tok;
    if (this.startsKeywordRef()) return this.parseLiteralExpr(start, false);
    let negated = false;
    if (this.at('not')) {
      this.advance();
      negated = true;
    }
    if (this.at('some') && !this.startsKeywordRef()) {
      if (negated) this.fail(this.tok, 'illegal negation of `some`: `not` cannot apply to a declaration');
      return this.parseSome(start);
    }
    if (this.at('every') && !this.startsKeywordRef()) {
      if (negated) this.fail(this.tok, 'illegal negation of `every`: use `not` on a rule that holds the `every`');
      return this.parseEvery(start);
    }
    return this.parseLiteralExpr(start, negated);
  }

  private parseLiteralExpr(start: Token, negated: boolean): Expr {
    if (!canStartTerm(this.tok) && !this.startsKeywordRef()) this.unexpected('an expression');
    const loc = this.loc(start);
    const lhs = this.parseInfix(true);
    let expr: Expr;
    if (this.at(':=') || this.at('=')) {
      const op = this.advance();
      this.expectTermStart(`a value after \`${op.kind}\``);
      const rhs = this.parseInfix(true);
      const name = op.kind === ':=' ? 'assign' : 'eq';
      expr = { kind: 'call', loc, negated, with: [], operator: [this.var(name, op)], args: [lhs, rhs] };
    } else if (lhs.type === 'call') {
      // A call at the top of an expression is the expression itself, as in OPA.
      expr = { kind: 'call', loc, negated, with: [], operator: lhs.operator, args: lhs.args };
    } else {
      expr = { kind: 'term', loc, negated, with: [], term: lhs };
    }
    if (this.at('with')) expr.with = this.parseWith();
    return expr;
  }

  /** With := 'with' Ref 'as' InTerm */
  private parseWith(): With[] {
    const withs: With[] = [];
    while (this.at('with')) {
      const withToken = this.advance();
      if (!this.at('ident') && !this.startsKeywordRef()) {
        this.unexpected('a reference after `with` (e.g. `with input.user as "alice"`)');
      }
      const target = this.parseTerm();
      let ref: RefTerm;
      if (target.type === 'var') {
        ref = { type: 'ref', terms: [target], loc: target.loc };
      } else if (target.type === 'ref') {
        ref = target;
      } else {
        this.fail(withToken, 'expected a reference after `with` (e.g. `with input.user as "alice"`)');
      }
      this.expect('as', '`as` after the `with` target (e.g. `with input.user as "alice"`)');
      this.expectTermStart('a value after `as`');
      const value = this.parseInfix(true);
      withs.push({ target: ref, value, loc: this.loc(withToken) });
    }
    return withs;
  }

  /** Some := 'some' Var (',' Var)* | 'some' Term [',' Term] 'in' Term */
  private parseSome(start: Token): Expr {
    const someToken = this.advance();
    const loc = this.loc(start);
    if (!this.declaresVariables()) return this.finishSomeIn(someToken, this.parseInfix(true), loc);
    const vars: VarTerm[] = [];
    for (;;) {
      vars.push(this.varFromToken(this.advance()));
      if (!this.at(',')) break;
      this.advance();
    }
    return { kind: 'some', loc, negated: false, with: [], vars };
  }

  /**
   * True when the tokens after `some` are a plain list of names (`some x, y`) rather than a membership
   * (`some x in xs`, `some k, [a, b] in xs`). Deciding by lookahead, not by trial parsing, keeps nested
   * `some ... in [... some ...]` linear.
   */
  private declaresVariables(): boolean {
    let i = 0;
    // Each step moves past one `name ,` pair.
    for (;;) {
      if (this.peek(i).kind !== 'ident') return false;
      const after = this.peek(i + 1);
      if (after.kind === ',' && this.peek(i + 2).kind === 'ident') {
        i += 2;
        continue;
      }
      if (after.kind === 'in') {
        // `in[x]` and `in.x` touching their bracket or dot are refs named `in`, as OPA reads them.
        const next = this.peek(i + 2);
        return !next.spaceBefore && (next.kind === '[' || next.kind === '.');
      }
      if (after.kind === ',' || BINARY_OPERATORS.has(after.kind)) return false;
      const isSuffix = after.kind === '.' || after.kind === '[' || after.kind === '(';
      return !(isSuffix && !after.spaceBefore);
    }
  }

  private finishSomeIn(someToken: Token, term: Term, loc: Location): Expr {
    const arity = memberArity(term);
    if (term.type !== 'call' || arity === 0) {
      this.fail(someToken, 'expected `x in xs` or `k, v in xs` after `some` (or `some x, y` to declare variables)');
    }
    const expr: Expr =
      arity === 2
        ? { kind: 'somein', loc, negated: false, with: [], value: term.args[0], domain: term.args[1] }
        : {
            kind: 'somein',
            loc,
            negated: false,
            with: [],
            key: term.args[0],
            value: term.args[1],
            domain: term.args[2],
          };
    if (this.at('with')) expr.with = this.parseWith();
    return expr;
  }

  /** Every := 'every' Var [',' Var] 'in' Term '{' Body '}' */
  private parseEvery(start: Token): Expr {
    const everyToken = this.advance();
    const term = this.parseInfix(true);
    const arity = memberArity(term);
    if (term.type !== 'call' || arity === 0) {
      this.fail(everyToken, 'expected `x in xs` or `k, v in xs` after `every` (e.g. `every x in xs { x > 0 }`)');
    }
    const [first, second, third] = term.args;
    const key = arity === 3 ? first : undefined;
    const value = arity === 3 ? second : first;
    if (key !== undefined && key.type !== 'var')
      this.fail(everyToken, 'expected the key after `every` to be a variable');
    if (value?.type !== 'var') this.fail(everyToken, 'expected the value after `every` to be a variable');
    const domain = arity === 3 ? third : second;
    if (!this.at('{')) this.unexpected('`{` to start the body of `every` (e.g. `every x in xs { x > 0 }`)');
    const body = this.parseBody(this.advance(), '}', '`every` body');
    const expr: Expr = { kind: 'every', loc: this.loc(start), negated: false, with: [], value, domain, body };
    if (key !== undefined) expr.key = key;
    if (this.at('with')) expr.with = this.parseWith();
    return expr;
  }

  /**
   * InTerm := Relation [',' Relation 'in' Relation] ('in' Relation)*
   * `keyVal` allows the `k, v in xs` form; it is off inside lists, where the comma separates items.
   */
  protected parseInfix(keyVal: boolean): Term {
    let lhs = this.parseBinary(0);
    if (keyVal && this.at(',')) {
      const keyValue = lhs;
      const member3 = this.attempt(() => {
        this.advance();
        const value = this.parseBinary(0);
        if (!this.at('in') || this.startsKeywordRef()) throw PARSE_ABORT;
        const op = this.advance();
        return this.member(3, [keyValue, value, this.parseBinary(0)], op, keyValue.loc);
      });
      if (member3 !== undefined) lhs = member3;
    }
    while (this.at('in') && !this.startsKeywordRef()) {
      const op = this.advance();
      this.expectTermStart('a collection after `in`');
      lhs = this.member(2, [lhs, this.parseBinary(0)], op, lhs.loc);
    }
    return lhs;
  }

  private parseBinary(level: number): Term {
    if (level === PRECEDENCE.length) return this.parseTerm();
    let lhs = this.parseBinary(level + 1);
    while (LEVEL_OF.get(this.tok.kind) === level) {
      const op = this.advance();
      this.expectTermStart(`a term after \`${op.kind}\``);
      const rhs = this.parseBinary(level + 1);
      lhs = this.call([this.var(OPERATOR_NAMES[op.kind] ?? op.kind, op)], [lhs, rhs], lhs.loc);
    }
    return lhs;
  }

  /** Term := Operand Suffix* */
  protected parseTerm(): Term {
    this.enter();
    try {
      return this.parseSuffixes(this.parseOperand(), false);
    } finally {
      this.leave();
    }
  }

  /** Fails with "unexpected X: expected `what`" unless the current token can begin a term. */
  protected expectTermStart(what: string): void {
    if (!canStartTerm(this.tok) && !this.startsKeywordRef()) this.unexpected(what);
  }

  private parseOperand(): Term {
    const token = this.tok;
    if (this.startsKeywordRef()) return this.varFromToken(this.advance());
    switch (token.kind) {
      case 'null':
        this.advance();
        return { type: 'null', loc: this.loc(token) };
      case 'true':
      case 'false':
        this.advance();
        return { type: 'boolean', value: token.kind === 'true', loc: this.loc(token) };
      case 'number':
        return this.parseNumber(token, '');
      case '.':
        this.advance();
        if (!this.at('number')) this.unexpected('a number after `.`');
        return this.parseNumber(token, '.');
      case '-':
        return this.parseNegation();
      case 'string':
        this.advance();
        return { type: 'string', value: token.value, loc: this.loc(token) };
      case 'ident':
      case 'contains': // `contains` is a keyword only in rule heads; elsewhere it is the built-in's name
        return this.varFromToken(this.advance());
      case '[':
        return this.parseArray();
      case '{':
        return this.parseSetOrObject();
      case '(':
        return this.parseParenthesized();
      default:
        this.unexpected('a term (a value, variable, reference or call)');
    }
  }

  /** A leading `-` folds into a number literal; before anything else it is `minus(0, x)`. */
  private parseNegation(): Term {
    const minus = this.advance();
    if (this.at('number')) return this.parseNumber(minus, '-');
    if (this.at('.') && this.peek().kind === 'number') {
      this.advance();
      return this.parseNumber(minus, '-.');
    }
    this.expectTermStart('a term after `-`');
    const operand = this.parseTerm();
    const zero: Term = { type: 'number', value: '0', loc: this.loc(minus) };
    return this.call([this.var('minus', minus)], [zero, operand], this.loc(minus));
  }

  /** Numbers keep their text (so big integers and long decimals lose nothing); `.5` is normalised to `0.5`. */
  private parseNumber(start: Token, prefix: '' | '-' | '.' | '-.'): Term {
    const token = this.advance();
    const text = token.text;
    const afterPoint = prefix.endsWith('.');
    if (!afterPoint && text.length > 1 && text[0] === '0' && !/^0[.eE]/.test(text)) {
      this.fail(token, `expected number without leading zero: \`${text}\``);
    }
    if (magnitudeTooLarge(afterPoint ? `0.${text}` : text)) this.fail(token, `number too big: \`${text}\``);
    let value = prefix + text;
    if (value.startsWith('.')) value = `0${value}`;
    if (value.startsWith('-.')) value = `-0${value.slice(1)}`;
    return { type: 'number', value, loc: this.loc(start) };
  }

  private parseParenthesized(): Term {
    const open = this.advance();
    this.expectTermStart('an expression after `(`');
    const inner = this.parseInfix(true);
    if (!this.at(')')) this.unexpected(`\`)\` to close the \`(\` at ${open.row}:${open.col}`);
    this.advance();
    return inner;
  }

  /**
   * parseSuffixes applies `.name`, `[key]` and `(args)` to a term. A suffix must touch what precedes it; rule heads
   * (`allowSpaceBefore`) also accept whitespace before the first one, as OPA does.
   */
  protected parseSuffixes(head: Term, allowSpaceBefore: boolean): Term {
    const next = this.tok;
    const isSuffix = next.kind === '.' || next.kind === '[' || next.kind === '(';
    if (isSuffix && (allowSpaceBefore || !next.spaceBefore)) return this.parseRef(head, allowSpaceBefore);
    if (head.type === 'var' && (head.name === 'data' || head.name === 'input')) {
      // The root documents are always references, as OPA parses them.
      return { type: 'ref', terms: [head], loc: head.loc };
    }
    return head;
  }

  private parseRef(head: Term, allowSpaceBefore: boolean): Term {
    switch (head.type) {
      case 'var':
      case 'array':
      case 'object':
      case 'set':
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
      case 'call':
        break;
      default:
        this.fail(this.tok, `illegal ref: a ${describeTermKind(head)} cannot be indexed, called or followed by \`.\``);
    }
    let terms: Term[] = [head];
    let first = true;
    // Each iteration consumes a suffix or ends the loop.
    for (;;) {
      const token = this.tok;
      if (token.spaceBefore && !(first && allowSpaceBefore)) break;
      first = false;
      if (token.kind === '.') {
        this.advance();
        const name = this.tok;
        if (name.spaceBefore || (name.kind !== 'ident' && !isKeywordKind(name.kind))) {
          this.unexpected('a name right after `.` (use `["..."]` for other keys)');
        }
        this.advance();
        terms.push({ type: 'string', value: name.text, loc: this.loc(name) });
      } else if (token.kind === '[') {
        const open = this.advance();
        this.expectTermStart('a key inside `[...]`');
        const key = this.parseInfix(true);
        if (!this.at(']')) this.unexpected(`\`]\` to close the \`[\` at ${open.row}:${open.col}`);
        this.advance();
        terms.push(key);
      } else if (token.kind === '(') {
        const call = this.parseCall(terms, head.loc);
        const after = this.tok;
        if (after.spaceBefore || (after.kind !== '.' && after.kind !== '[')) return call;
        terms = [call];
      } else {
        break;
      }
    }
    return { type: 'ref', terms, loc: head.loc };
  }

  /** Call := Ref '(' [Args] ')'; `set()` is the empty set. */
  private parseCall(operator: Term[], loc: Location): Term {
    const open = this.advance();
    const args = this.parseTermList(')', open);
    const [only] = operator;
    if (args.length === 0 && operator.length === 1 && only?.type === 'var' && only.name === 'set') {
      return { type: 'set', items: [], loc };
    }
    return this.call(operator, args, loc);
  }

  /** Items separated by `,` up to and including `end`; a trailing comma is allowed. */
  private parseTermList(end: ')' | ']' | '}', open: Token, items: Term[] = []): Term[] {
    if (this.at(end)) {
      this.advance();
      return items;
    }
    // Each iteration consumes a term, or fails.
    for (;;) {
      this.expectTermStart(`a term or \`${end}\``);
      items.push(this.parseInfix(false));
      if (this.at(end)) {
        this.advance();
        return items;
      }
      if (this.at(',')) {
        this.advance();
        if (this.at(end)) {
          this.advance();
          return items;
        }
        continue;
      }
      this.unexpectedInList(end, open);
    }
  }

  private unexpectedInList(end: string, open: Token): never {
    if (this.at('eof')) {
      this.fail(
        this.tok,
        `unexpected end of file: expected \`${end}\` to close the \`${open.kind}\` at ${open.row}:${open.col}`,
      );
    }
    this.unexpected(`\`,\` or \`${end}\``);
  }

  /**
   * Array := '[' ']' | '[' Term '|' Body ']' | '[' Items ']'
   * `[a | b]` is a comprehension rather than an array holding `a | b`, as in OPA.
   */
  private parseArray(): Term {
    const open = this.advance();
    const loc = this.loc(open);
    if (this.at(']')) {
      this.advance();
      return { type: 'array', items: [], loc };
    }
    let mayBeComprehension = true;
    if (this.at(',')) {
      // A leading comma is accepted for compatibility with OPA.
      this.advance();
      mayBeComprehension = false;
    }
    const start = this.mark();
    const head = this.parseTerm();
    if (this.at(']')) {
      this.advance();
      return { type: 'array', items: [head], loc };
    }
    if (this.at(',')) {
      this.advance();
      return { type: 'array', items: this.parseTermList(']', open, [head]), loc };
    }
    if (this.at('|') && mayBeComprehension) {
      this.advance();
      const body = this.parseComprehensionBody(open, ']');
      if (body !== undefined) return { type: 'arraycomprehension', term: head, body, loc };
    }
    this.reset(start);
    return { type: 'array', items: this.parseTermList(']', open), loc };
  }

  /**
   * The body of a comprehension. If it fails at a `,`, the `|` was probably an `or` inside a collection
   * (`[a | b, c]`), so it returns undefined for the caller to re-read the collection.
   */
  private parseComprehensionBody(open: Token, end: '}' | ']'): Body | undefined {
    const start = this.mark();
    try {
      return this.parseBody(open, end, 'comprehension body');
    } catch (e) {
      if (e !== PARSE_ABORT || !this.at(',')) throw e;
      this.reset(start);
      return undefined;
    }
  }

  /** `{}` is the empty object; `{1, 2}` a set; `{"a": 1}` an object; `{x | ...}` and `{k: v | ...}` comprehensions. */
  private parseSetOrObject(): Term {
    const open = this.advance();
    if (this.at('}')) {
      this.advance();
      return { type: 'object', entries: [], loc: this.loc(open) };
    }
    let mayBeComprehension = true;
    if (this.at(',')) {
      this.advance();
      mayBeComprehension = false;
    }
    const start = this.mark();
    // A bare term first, so that `{a | b}` is a comprehension rather than a set holding `a | b`.
    const head = this.parseTerm();
    if ((this.at('|') && mayBeComprehension) || this.at('}') || this.at(',')) {
      return this.parseSetRest(start, open, head, mayBeComprehension);
    }
    if (this.at(':')) return this.parseObjectRest(open, head, mayBeComprehension);
    this.reset(start);
    const key = this.parseInfix(false);
    if (this.at('}') || this.at(',')) return this.parseSetRest(start, open, key, false);
    if (this.at(':')) return this.parseObjectRest(open, key, mayBeComprehension);
    if (this.at('eof')) this.unexpectedInList('}', open);
    this.unexpected('`,`, `:` or `}` in a set or object');
  }

  private parseSetRest(start: Mark, open: Token, head: Term, mayBeComp: boolean): Term {
    const loc = this.loc(open);
    if (this.at('}')) {
      this.advance();
      return { type: 'set', items: [head], loc };
    }
    if (this.at(',')) {
      this.advance();
      return { type: 'set', items: this.parseTermList('}', open, [head]), loc };
    }
    if (mayBeComp) {
      this.advance(); // '|'
      const body = this.parseComprehensionBody(open, '}');
      if (body !== undefined) return { type: 'setcomprehension', term: head, body, loc };
    }
    this.reset(start);
    return { type: 'set', items: this.parseTermList('}', open), loc };
  }

  private parseObjectRest(open: Token, key: Term, mayBeComprehension: boolean): Term {
    const loc = this.loc(open);
    this.advance(); // ':'
    this.expectTermStart('a value after `:`');
    const start = this.mark();
    if (mayBeComprehension) {
      const value = this.parseTerm();
      if (this.at('}') || this.at(',')) return this.finishObject(open, key, value);
      if (this.at('|')) {
        this.advance();
        const body = this.parseComprehensionBody(open, '}');
        if (body !== undefined) return { type: 'objectcomprehension', key, value, body, loc };
      }
      this.reset(start);
    }
    const value = this.parseInfix(false);
    if (this.at('}') || this.at(',')) return this.finishObject(open, key, value);
    this.unexpectedInList('}', open);
  }

  private finishObject(open: Token, key: Term, value: Term): Term {
    const entries: [Term, Term][] = [[key, value]];
    const loc = this.loc(open);
    if (this.at('}')) {
      this.advance();
      return { type: 'object', entries, loc };
    }
    this.advance(); // ','
    // Each iteration consumes a key and a value, or fails.
    while (!this.at('}')) {
      this.expectTermStart('an object key or `}`');
      const k = this.parseInfix(false);
      this.expect(':', '`:` after an object key');
      this.expectTermStart('a value after `:`');
      entries.push([k, this.parseInfix(false)]);
      if (this.at(',')) {
        this.advance();
      } else if (!this.at('}')) {
        this.unexpectedInList('}', open);
      }
    }
    this.advance();
    return { type: 'object', entries, loc };
  }

  /** A var from a name token; each `_` becomes a fresh `$_N`. */
  protected varFromToken(token: Token): VarTerm {
    const name = token.text === '_' ? `$_${this.wildcards++}` : token.text;
    return { type: 'var', name, loc: this.loc(token) };
  }

  protected var(name: string, token: Token): VarTerm {
    return { type: 'var', name, loc: this.loc(token) };
  }

  private call(operator: Term[], args: Term[], loc: Location): CallTerm {
    return { type: 'call', operator, args, loc };
  }

  private member(arity: 2 | 3, args: Term[], op: Token, loc: Location): CallTerm {
    const operator: Term[] = [
      this.var('internal', op),
      { type: 'string', value: `member_${arity}`, loc: this.loc(op) },
    ];
    return this.call(operator, args, loc);
  }
}

/** The message for a body whose closing bracket is missing. */
function closeHint(end: string, what: string, opener: Token): string {
  return `expected \`${end}\` to close the ${what} started at ${opener.row}:${opener.col}`;
}

function describeTermKind(term: Term): string {
  switch (term.type) {
    case 'ref':
      return 'reference in parentheses';
    case 'null':
      return 'null';
    default:
      return term.type;
  }
}

/**
 * True for a literal whose binary exponent would pass OPA's limit of 1e5 (about 30,000 decimal digits), which OPA
 * rejects as "number too big" to keep arithmetic on it bounded.
 */
function magnitudeTooLarge(text: string): boolean {
  if (text.length < 1_000 && !text.includes('e') && !text.includes('E')) return false;
  const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return false;
  const integer = (match[1] ?? '').replace(/^0+/, '');
  const fraction = match[2] ?? '';
  if (!/[1-9]/.test(integer + fraction)) return false;
  const exponent = Number(match[3] ?? '0');
  const leadingFractionZeros = integer === '' ? (/^0*/.exec(fraction)?.[0].length ?? 0) : 0;
  const decimalMagnitude = exponent + (integer === '' ? -leadingFractionZeros : integer.length);
  return !(Math.abs(decimalMagnitude) <= 30_000);
}

import { DIAGNOSTIC_LIMIT, type Location } from '../diagnostics.js';
import type { Body, Expr, Import, Module, RefTerm, Rule, RuleHead, Term } from './ast.js';
import { PARSE_ABORT } from './cursor.js';
import { BINARY_OPERATORS, ExpressionParser, isGround } from './expressions.js';
import { isKeywordKind, KEYWORDS, type Token, type TokenKind } from './lexer.js';
import { printRef } from './print.js';

/*
 * ModuleParser parses a Rego v1 module: one `package`, then imports and rules in any order.
 *
 *   Module   := 'package' Ref (Import | Rule)*
 *   Import   := 'import' Ref ['as' Var]
 *   Rule     := ['default'] Head [RuleBody ('else' ElseRule)* | ('{' Body '}')*]
 *   Head     := Var [Suffixes] [('contains' Term) | ((':=' | '=') Term)]
 *   RuleBody := 'if' ('{' Body '}' | Literal) | '{' Body '}'      -- the second form is v0 and reported
 *   ElseRule := [(':=' | '=') Term] ['if'] ('{' Body '}' | Literal)
 *
 * A statement that fails to parse is reported; the parser then skips to the next line that starts a statement at
 * the same or a lesser indentation, outside any bracket, and goes on, so one run reports several problems.
 */

/** Roots an import path may start with. */
const IMPORT_ROOTS = ['data', 'future', 'input', 'rego'];
/** Keywords that `import future.keywords.<kw>` may name (all are on by default in v1). */
const FUTURE_KEYWORDS = ['contains', 'every', 'if', 'in'];
const KEYWORD_NAMES: ReadonlySet<string> = new Set(KEYWORDS);

export class ModuleParser extends ExpressionParser {
  /** parseModule parses the whole token stream; the module is returned only if nothing was reported. */
  parseModule(): Module | undefined {
    if (this.at('eof')) {
      this.report({ file: this.file, row: 1, col: 1 }, 'empty module: expected `package <name>`');
      return undefined;
    }
    let pkg: { path: string[]; loc: Location } | undefined;
    if (this.at('package') && !this.startsKeywordRef()) {
      pkg = this.statement(() => this.parsePackage());
    } else {
      this.report(this.loc(this.tok), 'package expected: a module must start with `package <name>`');
    }
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (!this.at('eof') && this.diagnostics.length < DIAGNOSTIC_LIMIT) {
      const before = this.pos;
      this.statement(() => {
        if (this.at('import') && !this.startsKeywordRef()) {
          imports.push(this.parseImport());
        } else if (this.at('package') && !this.startsKeywordRef()) {
          this.fail(this.tok, 'unexpected `package`: a module has exactly one package declaration');
        } else {
          rules.push(...this.parseRules());
        }
      });
      if (this.pos === before) this.pos++; // every statement consumes input; this only guards the loop
    }
    if (pkg === undefined || this.diagnostics.length > 0) return undefined;
    return { file: this.file, package: pkg.path, packageLoc: pkg.loc, imports, rules, annotations: [] };
  }

  /** Runs one statement; on failure skips to where the next statement plausibly starts. */
  private statement<T>(parse: () => T): T | undefined {
    const start = this.pos;
    try {
      return parse();
    } catch (e) {
      if (e !== PARSE_ABORT) throw e;
      this.skipToNextStatement(start);
      return undefined;
    }
  }

  private skipToNextStatement(start: number): void {
    const column = this.tokens[start]?.col ?? 1;
    let depth = 0;
    for (let i = start; i < this.pos; i++) depth += bracketDelta(this.tokens[i]?.kind);
    const failedAt = this.pos;
    // Each iteration moves one token forward, so this ends at `eof` at the latest.
    for (;;) {
      const token = this.tok;
      if (token.kind === 'eof') return;
      const startsStatement =
        token.newlineBefore &&
        token.col <= column &&
        (token.kind === 'ident' || token.kind === 'default' || token.kind === 'import' || token.kind === 'package');
      // Failing right at a new statement usually means a bracket was left open: resume there.
      if (this.pos > start && startsStatement && (depth <= 0 || this.pos === failedAt)) return;
      depth += bracketDelta(token.kind);
      this.pos++;
    }
  }

  /** Package := 'package' Name ('.' Name | '[' String ']')* */
  private parsePackage(): { path: string[]; loc: Location } {
    const keyword = this.advance();
    const term = this.parseNamedTerm('a package name after `package` (e.g. `package airlock`)');
    const terms = term.type === 'ref' ? term.terms : [term];
    const path: string[] = [];
    for (const [i, part] of terms.entries()) {
      if (i === 0 && part.type === 'var') {
        path.push(part.name);
      } else if (i > 0 && part.type === 'string') {
        path.push(part.value);
      } else {
        this.failAt(part.loc, `unexpected ${part.type} in package path: expected a name or a string in brackets`);
      }
    }
    return { path, loc: this.loc(keyword) };
  }

  /** Import := 'import' Ref ['as' Var] */
  private parseImport(): Import {
    const keyword = this.advance();
    const term = this.parseNamedTerm('a path after `import` (e.g. `import data.lib`)');
    const path: RefTerm = term.type === 'ref' ? term : { type: 'ref', terms: [term], loc: term.loc };
    const [root, ...rest] = path.terms;
    if (root?.type !== 'var') this.failAt(path.loc, 'unexpected import path: expected a reference');
    for (const part of rest) {
      if (part.type !== 'string') this.failAt(part.loc, `unexpected ${part.type} in import path: expected a name`);
    }
    const names = rest.map((part) => (part.type === 'string' ? part.value : ''));
    if (!IMPORT_ROOTS.includes(root.name)) {
      this.failAt(
        path.loc,
        `unexpected import path, must begin with one of: {${IMPORT_ROOTS.join(', ')}}, got: ${root.name}`,
      );
    }
    const imp: Import = { path, loc: this.loc(keyword) };
    if (this.at('as')) {
      this.advance();
      if (!this.at('ident')) this.unexpected('an alias name after `as`');
      imp.alias = this.advance().text;
    }
    if (root.name === 'future') {
      if (names[0] !== 'keywords' || names.length > 2) {
        this.failAt(path.loc, 'invalid import, must be `future.keywords` or `future.keywords.<keyword>`');
      }
      if (names.length === 2 && !FUTURE_KEYWORDS.includes(names[1] ?? '')) {
        this.failAt(path.loc, `unexpected keyword, must be one of [${FUTURE_KEYWORDS.join(' ')}]`);
      }
      if (imp.alias !== undefined) this.failAt(path.loc, '`future` imports cannot be aliased');
    } else if (root.name === 'rego') {
      if (names.length !== 1 || names[0] !== 'v1') {
        this.failAt(path.loc, `invalid import \`${['rego', ...names].join('.')}\`, must be \`rego.v1\``);
      }
    } else if (imp.alias === undefined) {
      const last = names.length > 0 ? (names[names.length - 1] ?? '') : root.name;
      if (KEYWORD_NAMES.has(last)) {
        this.failAt(
          path.loc,
          `unexpected import path, must not end with a keyword, got: ${last} (hint: import a different path or use an alias)`,
        );
      }
    }
    return imp;
  }

  /** A name (keywords allowed, as in OPA's paths) followed by its suffixes. */
  private parseNamedTerm(expected: string): Term {
    if (this.tok.kind !== 'ident' && !isKeywordKind(this.tok.kind)) this.unexpected(expected);
    return this.parseSuffixes(this.varFromToken(this.advance()), false);
  }

  /** Rule: see the grammar at the top of the file. Returns the rule and any further bodies of the same head. */
  private parseRules(): Rule[] {
    const start = this.tok;
    const isDefault = this.at('default') && !this.startsKeywordRef();
    if (isDefault) this.advance();
    if (!this.at('ident') && !this.startsKeywordRef()) {
      this.unexpected(isDefault ? 'a rule name after `default`' : 'a rule, `import` or `package`');
    }
    const head = this.parseHead(isDefault);
    if (isDefault) return [this.finishDefaultRule(start, head)];

    const isFunction = head.kind === 'function';
    const hasIf = this.at('if');
    // `p[x] { ... }` and `p[x]` are v0 partial sets: still parsed, so that the error can say what to write.
    const v0PartialSet =
      !hasIf && head.kind !== 'partial-set' && !isFunction && head.ref.length === 2 && head.value === undefined;
    if (v0PartialSet) {
      head.key = head.ref[1];
      head.ref = head.ref.slice(0, 1);
      head.kind = 'partial-set';
    }
    const what = isFunction ? 'function' : 'rule';
    let body: Body | undefined;
    if (hasIf) {
      this.advance();
      body = this.parseIfBody(start);
    } else if (this.at('{')) {
      this.report(this.loc(start), `\`if\` keyword is required before ${what} body`);
      body = this.parseBody(this.advance(), '}', `${what} body`, start.col);
    } else if (head.kind !== 'partial-set' && head.value === undefined && !isFunction) {
      if (head.ref.length === 1) {
        const name = printRef(head.ref);
        this.failAt(
          this.loc(start),
          `rule \`${name}\` must have a value or a body: write \`${name} := <value>\` or \`${name} if { ... }\``,
        );
      }
      this.report(this.loc(start), 'rule must have value assignment and/or body declaration');
    }
    if (v0PartialSet) {
      const name = printRef(head.ref);
      this.report(
        this.loc(start),
        `\`contains\` keyword is required for partial set rules (write \`${name} contains <value> if { ... }\`)`,
      );
    }
    const rule: Rule = { head, body: body ?? [this.trueExpr(head.loc)], default: false, loc: this.loc(start) };
    if (body === undefined) return [rule];

    const rules = [rule];
    if (this.at('else') && !this.startsKeywordRef()) {
      if (head.ref.slice(1).some((t) => !isGround(t))) {
        this.fail(this.tok, 'else keyword cannot be used on rules with variables in head');
      }
      if (head.kind === 'partial-set') this.fail(this.tok, 'else keyword cannot be used on multi-value rules');
      rule.else = this.parseElseChain(head, start.col);
    }
    // `p if { a } { b }` defines `p` twice, with the same head: one rule per body.
    while (this.at('{')) {
      if (rule.else !== undefined) this.fail(this.tok, 'expected `else` keyword: a rule with `else` has one body');
      const open = this.advance();
      const more = this.parseBody(open, '}', `${what} body`, start.col);
      rules.push({ head: this.copyHead(head, this.loc(open)), body: more, default: false, loc: this.loc(open) });
    }
    return rules;
  }

  /** Head := Var [Suffixes] [('contains' Term) | ((':=' | '=') Term)] */
  private parseHead(isDefault: boolean): RuleHead {
    const nameToken = this.tok;
    const name = this.varFromToken(this.advance());
    if (BINARY_OPERATORS.has(this.tok.kind)) {
      this.unexpected('`:=`, `if`, `contains`, `[` or `(` after a rule name');
    }
    const term = this.parseSuffixes(name, true);
    let ref: Term[];
    let args: Term[] | undefined;
    if (term.type === 'var') {
      ref = [term];
    } else if (term.type === 'ref' && term.terms[0]?.type === 'var') {
      ref = term.terms;
    } else if (term.type === 'call' && term.operator[0]?.type === 'var') {
      ref = term.operator;
      args = term.args;
    } else {
      this.failAt(this.loc(nameToken), 'invalid rule head: expected a name, `name.path`, `name[key]` or `name(args)`');
    }
    const head: RuleHead = { ref, kind: 'complete', assign: false, loc: this.loc(nameToken) };
    if (args !== undefined) head.args = args;
    const printed = printRef(ref);
    if (this.at('contains')) {
      if (args !== undefined) {
        this.fail(this.tok, 'the `contains` keyword can only be used with multi-value rule definitions');
      }
      this.advance();
      this.expectTermStart(`a value after \`contains\` (e.g. \`${printed} contains <value> if { ... }\`)`);
      head.key = this.parseInfix(true);
      head.kind = 'partial-set';
      return head;
    }
    if (this.at(':=') || this.at('=')) {
      const op = this.advance();
      head.assign = op.kind === ':=';
      const example = isDefault ? `default ${printed} := <value>` : `${printed} := <value> if { ... }`;
      this.expectTermStart(`a value after \`${op.kind}\` (e.g. \`${example}\`)`);
      head.value = this.parseInfix(true);
    }
    if (args !== undefined) {
      head.kind = 'function';
    } else if (ref.slice(1).some((t) => !isGround(t))) {
      head.kind = 'partial-object';
    }
    return head;
  }

  /** After `if`: a braced body, or a single expression (a braced set literal is never a condition). */
  private parseIfBody(start: Token): Body {
    if (this.at('eof')) this.unexpected('a rule body after `if`');
    if (!this.at('{')) return [this.parseLiteral()];
    // `{ some ...`, `{ every ...` and `{ not ...` cannot be literals; anything else may be, as OPA reads it.
    const first = this.peek().kind;
    if (first !== 'some' && first !== 'every' && first !== 'not') {
      const brace = this.mark();
      const literal = this.attempt(() => this.parseLiteral());
      if (literal !== undefined && !(literal.kind === 'term' && literal.term?.type === 'set')) {
        // `p if {"a": 1}` reads as an object-valued condition, as in OPA.
        return [literal];
      }
      this.reset(brace);
    }
    return this.parseBody(this.advance(), '}', 'rule body', start.col);
  }

  /** ElseRule := 'else' [(':=' | '=') Term] [['if'] ('{' Body '}' | Literal)] */
  private parseElseChain(head: RuleHead, ruleCol: number): Rule {
    let first: Rule | undefined;
    let previous: Rule | undefined;
    // Each iteration consumes an `else`.
    while (this.at('else') && !this.startsKeywordRef()) {
      const elseToken = this.advance();
      const elseHead = this.copyHead(head, this.loc(elseToken));
      delete elseHead.value;
      if (this.at(':=') || this.at('=')) {
        elseHead.assign = this.advance().kind === ':=';
        this.expectTermStart('a value after `else :=`');
        elseHead.value = this.parseInfix(true);
      } else if (!this.at('if') && !this.at('{')) {
        this.unexpected('`:=`, `=`, `if` or `{` after `else`');
      }
      let body: Body;
      let more = true;
      if (this.at('if')) {
        this.advance();
        if (this.at('eof')) this.unexpected('a rule body after `if`');
        body = this.at('{') ? this.parseBody(this.advance(), '}', 'else body', ruleCol) : [this.parseLiteral()];
      } else if (this.at('{')) {
        this.report(this.loc(elseToken), '`if` keyword is required before rule body');
        body = this.parseBody(this.advance(), '}', 'else body', ruleCol);
      } else {
        body = [this.trueExpr(elseHead.loc)];
        more = false; // `else := v` with no body ends the chain, as in OPA
      }
      const rule: Rule = { head: elseHead, body, default: false, loc: this.loc(elseToken) };
      if (previous === undefined) {
        first = rule;
      } else {
        previous.else = rule;
      }
      previous = rule;
      if (!more) break;
    }
    if (first === undefined) this.unexpected('`else`');
    return first;
  }

  /** `default p := v`: the value must be a constant and the arguments distinct variables. */
  private finishDefaultRule(start: Token, head: RuleHead): Rule {
    const printed = printRef(head.ref);
    if (head.value === undefined) {
      this.failAt(this.loc(start), `illegal default rule (must have a value): write \`default ${printed} := <value>\``);
    }
    const offending = nonConstantKind(head.value);
    if (offending !== undefined) {
      this.report(this.loc(start), `illegal default rule (value cannot contain ${offending})`);
    }
    const seen = new Set<string>();
    for (const arg of head.args ?? []) {
      if (arg.type !== 'var') {
        this.report(this.loc(start), `illegal default rule (arguments cannot contain ${arg.type})`);
      } else if (seen.has(arg.name)) {
        this.report(this.loc(start), `illegal default rule (arguments cannot be repeated ${arg.name})`);
      } else {
        seen.add(arg.name);
      }
    }
    if (this.at('if') || (this.at('{') && !this.tok.newlineBefore)) {
      this.fail(this.tok, `a default rule cannot have a body: write \`default ${printed} := <value>\` alone`);
    }
    return { head, body: [this.trueExpr(head.loc)], default: true, loc: this.loc(start) };
  }

  /** A copy of a head for another body or an `else`: function arguments get fresh wildcards. */
  private copyHead(head: RuleHead, loc: Location): RuleHead {
    const copy: RuleHead = { ...head, loc };
    if (head.args !== undefined) {
      copy.args = head.args.map((arg) =>
        arg.type === 'var' && arg.name.startsWith('$_') ? { ...arg, name: `$_${this.wildcards++}` } : arg,
      );
    }
    return copy;
  }

  /** The body Rego implies for a rule written without one. */
  private trueExpr(loc: Location): Expr {
    return { kind: 'term', loc, negated: false, with: [], term: { type: 'boolean', value: true, loc } };
  }

  private failAt(location: Location, message: string): never {
    this.report(location, message);
    throw PARSE_ABORT;
  }
}

function bracketDelta(kind: TokenKind | undefined): number {
  switch (kind) {
    case '{':
    case '[':
    case '(':
      return 1;
    case '}':
    case ']':
    case ')':
      return -1;
    default:
      return 0;
  }
}

/** The first kind of non-constant found in a default value (comprehensions are allowed: they are closed). */
function nonConstantKind(term: Term): string | undefined {
  switch (term.type) {
    case 'var':
    case 'ref':
    case 'call':
      return term.type;
    case 'array':
    case 'set':
      for (const item of term.items) {
        const found = nonConstantKind(item);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'object':
      for (const [k, v] of term.entries) {
        const found = nonConstantKind(k) ?? nonConstantKind(v);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

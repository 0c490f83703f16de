import type { Diagnostic, Location } from '../diagnostics.js';
import { isKeywordKind, type Token, type TokenKind } from './lexer.js';

/*
 * TokenCursor is the parser's position in the token array, its diagnostics, and the two guards that keep it from
 * running away: a nesting limit (so deeply nested input gets a clean error instead of a stack overflow) and a work
 * budget (so pathological backtracking cannot hang).
 *
 * A failed production reports a diagnostic and throws PARSE_ABORT; the statement loop catches it, skips to the next
 * statement and goes on. A speculative parse takes a `mark()` and, on PARSE_ABORT, `reset()`s to it, which also
 * drops whatever it reported.
 */

/** ParseAbort unwinds a failed production. It carries nothing: the diagnostic is already recorded. */
export class ParseAbort {
  /** Set when the work budget ran out: nothing may retry after this. */
  constructor(readonly final: boolean) {}
}

/** PARSE_ABORT is thrown when one statement cannot be parsed; the parser recovers at the next statement. */
export const PARSE_ABORT = new ParseAbort(false);
/** PARSE_GIVE_UP is thrown when the work budget is spent; nothing more is parsed. */
export const PARSE_GIVE_UP = new ParseAbort(true);

/** MAX_NESTING bounds brackets, braces, parentheses and bodies nested in one another. */
export const MAX_NESTING = 200;

/** Mark is a parser position to come back to, with the diagnostics and wildcard count as they were. */
export interface Mark {
  pos: number;
  diagnostics: number;
  wildcards: number;
}

export class TokenCursor {
  protected readonly tokens: readonly Token[];
  protected readonly file: string;
  protected pos = 0;
  /** Counts `_` occurrences so that each becomes a distinct `$_N` var. */
  protected wildcards = 0;
  readonly diagnostics: Diagnostic[] = [];
  #depth = 0;
  /** Above zero inside `attempt()`, whose failures are discarded: no message is worth composing then. */
  #speculating = 0;
  #work = 0;
  readonly #workBudget: number;

  constructor(tokens: readonly Token[], file: string) {
    this.tokens = tokens;
    this.file = file;
    // Linear parsing touches each token a handful of times; this allows generous backtracking on top.
    this.#workBudget = 10_000 + tokens.length * 200;
  }

  /** The current token; the array always ends with `eof`, and `pos` never passes it. */
  protected get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  /** The token `n` places ahead (or `eof`). */
  protected peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)] as Token;
  }

  protected at(kind: TokenKind): boolean {
    return this.tokens[this.pos]?.kind === kind;
  }

  /** Consumes the current token, reporting its lexical problem if it has one. */
  protected advance(): Token {
    const token = this.tok;
    if (token.problem !== undefined) this.fail(token, token.problem);
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  /** Consumes a token of the given kind or fails with `expected` as the explanation. */
  protected expect(kind: TokenKind, expected: string): Token {
    if (!this.at(kind)) this.unexpected(expected);
    return this.advance();
  }

  /**
   * True when the current token is directly followed, with no space, by `.` or `[`: then even a keyword starts a
   * reference (`input.in`, `else.x := 1`), as OPA allows keywords in refs.
   */
  protected startsKeywordRef(): boolean {
    const token = this.tok;
    if (!isKeywordKind(token.kind) || token.kind === 'true' || token.kind === 'false' || token.kind === 'null') {
      return false;
    }
    const next = this.peek();
    return !next.spaceBefore && (next.kind === '.' || next.kind === '[');
  }

  protected loc(token: Token): Location {
    return { file: this.file, row: token.row, col: token.col };
  }

  protected report(location: Location, message: string): void {
    this.diagnostics.push({ code: 'rego_parse_error', message, location });
  }

  /** Reports a problem at a token and abandons the current statement. */
  protected fail(token: Token, message: string): never {
    if (this.#speculating === 0) this.report(this.loc(token), message);
    throw PARSE_ABORT;
  }

  /** Fails on the current token: "unexpected X: expected Y" (or the token's own lexical problem). */
  protected unexpected(expected: string): never {
    if (this.#speculating > 0) throw PARSE_ABORT;
    const token = this.tok;
    if (token.problem !== undefined) this.fail(token, token.problem);
    // `in[...]` touching its bracket reads as a reference named `in`, as in OPA; say how to get the operator.
    const hint =
      token.kind === 'in' && this.startsKeywordRef() ? ' (write `in [...]` with a space for membership)' : '';
    this.fail(token, `unexpected ${describeToken(token)}: expected ${expected}${hint}`);
  }

  protected mark(): Mark {
    return { pos: this.pos, diagnostics: this.diagnostics.length, wildcards: this.wildcards };
  }

  protected reset(mark: Mark): void {
    this.pos = mark.pos;
    this.diagnostics.length = mark.diagnostics;
    this.wildcards = mark.wildcards;
  }

  /**
   * Runs `attempt`; if it fails, rewinds to where it started and returns undefined. Exhausting the work budget is
   * not a failure to recover from, so that still propagates.
   */
  protected attempt<T>(attempt: () => T): T | undefined {
    const start = this.mark();
    this.#speculating++;
    try {
      return attempt();
    } catch (e) {
      if (e !== PARSE_ABORT) throw e;
      this.reset(start);
      return undefined;
    } finally {
      this.#speculating--;
    }
  }

  /** Enters one level of nesting (and spends work); pair with `leave()` in a `finally`. */
  protected enter(): void {
    this.#work++;
    if (this.#work > this.#workBudget) {
      this.report(this.loc(this.tok), 'policy too complex to parse: too much backtracking (simplify the expression)');
      throw PARSE_GIVE_UP;
    }
    this.#depth++;
    if (this.#depth > MAX_NESTING) {
      this.#depth--;
      this.fail(
        this.tok,
        `nesting too deep: more than ${MAX_NESTING} levels of brackets, braces, parentheses or bodies`,
      );
    }
  }

  protected leave(): void {
    this.#depth--;
  }
}

/** describeToken names a token the way a policy author would: "`}`", "keyword `if`", "end of file". */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of file';
    case 'ident':
      return `name \`${token.text}\``;
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return `string ${token.text.length > 24 ? `${token.text.slice(0, 21)}...` : token.text}`;
    case 'illegal':
      return `character \`${token.text}\``;
    default:
      return isKeywordKind(token.kind) ? `keyword \`${token.kind}\`` : `\`${token.kind}\``;
  }
}

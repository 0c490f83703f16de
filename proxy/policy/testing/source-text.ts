import { type Expr, type Location, type Term, type Token, tokenize } from '../compiler/index.js';
import { forEachExprTerm, forEachTerm } from './ast-walk.js';

/*
 * Quoting Rego source for failure messages. The AST records where each term starts, not where it ends, so the
 * quote runs from the first token of the expression (or term) to the token where its last-starting term starts,
 * then on over whatever that term still spans: brackets left open, a `.name` or a `(` touching it.
 *
 *   d.approval == {"min_approvers": 1}        last-starting term: 1 → then `}` closes the `{` opened inside
 *   ^start                           ^last
 *
 * Tokens are joined with one space wherever the source had any, so a quote spanning lines reads as one.
 */

const OPENERS: ReadonlySet<string> = new Set(['(', '[', '{']);
const CLOSERS: ReadonlySet<string> = new Set([')', ']', '}']);

/** SourceQuoter quotes expressions and terms of one source file. */
export class SourceQuoter {
  readonly #tokens: Token[];
  /** Token index by `row:col`. */
  readonly #at = new Map<string, number>();

  constructor(source: string) {
    this.#tokens = tokenize(source);
    this.#tokens.forEach((t, i) => this.#at.set(`${t.row}:${t.col}`, i));
  }

  /** expression quotes an expression as written (`not allow with input as {}`), or undefined if it cannot. */
  expression(expr: Expr): string | undefined {
    const locs: Location[] = [expr.loc];
    forEachExprTerm(expr, (t) => locs.push(t.loc));
    return this.#quote(locs);
  }

  /** term quotes a term as written (`d.effect`, `count(xs)`), or undefined if it cannot. */
  term(term: Term): string | undefined {
    const locs: Location[] = [];
    forEachTerm(term, (t) => locs.push(t.loc));
    return this.#quote(locs);
  }

  #quote(locs: readonly Location[]): string | undefined {
    const indexes = locs.map((l) => this.#at.get(`${l.row}:${l.col}`));
    if (indexes.some((i) => i === undefined)) return undefined;
    const found = indexes as number[];
    const start = Math.min(...found);
    const last = Math.max(...found);
    let depth = 0;
    for (let i = start; i <= last; i++) depth += delta(this.#tokens[i] as Token);
    let end = last;
    for (;;) {
      const previous = this.#tokens[end] as Token;
      const next = this.#tokens[end + 1];
      if (next === undefined || next.kind === 'eof') break;
      const continues =
        depth > 0 ||
        // `-1`: the literal's location is its minus sign; `.name`: a ref part located at its dot.
        previous.kind === '-' ||
        previous.kind === '.' ||
        // `set()`, `f()`: a call with no arguments has no term after its name.
        (next.kind === '(' && !next.spaceBefore);
      if (!continues) break;
      end++;
      depth += delta(next);
      if (depth < 0) return undefined;
    }
    return this.#tokens
      .slice(start, end + 1)
      .map((t, i) => (i > 0 && t.spaceBefore ? ` ${t.text}` : t.text))
      .join('');
  }
}

function delta(token: Token): number {
  if (OPENERS.has(token.kind)) return 1;
  if (CLOSERS.has(token.kind)) return -1;
  return 0;
}

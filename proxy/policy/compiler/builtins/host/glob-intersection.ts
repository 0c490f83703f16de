/*
 * regex.globs_match: whether two "globs" (the regular-expression subset of yashtewari/glob-intersection, which
 * OPA uses) can match a common string. A glob is a sequence of tokens — a character, `.` (any character) or a set
 * `[a-z0-9]` — each optionally followed by `+` or `*`; `\` escapes. Tokenizing follows that library; the decision
 * is exact: a breadth-first search over pairs of positions, the product of the two globs' automata.
 */

import { BuiltinError } from './errors.js';

type CharClass = { kind: 'char'; char: string } | { kind: 'dot' } | { kind: 'set'; chars: ReadonlySet<string> };

interface GlobToken {
  match: CharClass;
  repeat: 'one' | 'plus' | 'star';
}

function invalid(builtin: string, input: string, position: number, message: string): BuiltinError {
  return new BuiltinError(`${builtin}: input:${input}, pos:${position}, ${message}: the input provided is invalid`);
}

function tokenize(builtin: string, input: string): GlobToken[] {
  const runes = [...input];
  const tokens: GlobToken[] = [];
  let i = 0;
  const next = (): { char: string; escaped: boolean } | undefined => {
    if (i >= runes.length) return undefined;
    if (runes[i] === '\\') {
      if (i === runes.length - 1) throw invalid(builtin, input, i, 'input ends with a \\ (escape) character');
      i += 2;
      return { char: runes[i - 1]!, escaped: true };
    }
    i += 1;
    return { char: runes[i - 1]!, escaped: false };
  };
  for (;;) {
    const r = next();
    if (r === undefined) break;
    let match: CharClass;
    if (!r.escaped && r.char === '.') match = { kind: 'dot' };
    else if (!r.escaped && r.char === ']') throw invalid(builtin, input, i, "set-close ']' with no preceding '['");
    else if (!r.escaped && (r.char === '+' || r.char === '*')) {
      throw invalid(builtin, input, i, `flag '${r.char}' must be preceded by a non-flag`);
    } else if (!r.escaped && r.char === '[')
      match = { kind: 'set', chars: readSet(builtin, input, runes, next, () => i) };
    else match = { kind: 'char', char: r.char };
    let repeat: GlobToken['repeat'] = 'one';
    if (runes[i] === '+' || runes[i] === '*') {
      repeat = runes[i] === '+' ? 'plus' : 'star';
      i++;
    }
    tokens.push({ match, repeat });
  }
  return tokens;
}

function readSet(
  builtin: string,
  input: string,
  runes: readonly string[],
  next: () => { char: string; escaped: boolean } | undefined,
  position: () => number,
): Set<string> {
  const chars = new Set<string>();
  let previous: string | undefined;
  for (;;) {
    const r = next();
    if (r === undefined) throw invalid(builtin, input, position(), 'found [ without matching ]');
    if (!r.escaped && r.char === ']') return chars;
    if (!r.escaped && r.char === '-') {
      if (previous === undefined) {
        throw invalid(builtin, input, position(), "range character '-' must be preceded by a Unicode character");
      }
      if (position() >= runes.length - 1) {
        throw invalid(builtin, input, position(), "range character '-' must be followed by a Unicode character");
      }
      const high = next()!;
      if (!high.escaped && (high.char === ']' || high.char === '-')) {
        throw invalid(builtin, input, position(), "range character '-' cannot be followed by a special symbol");
      }
      const from = previous.codePointAt(0)!;
      const to = high.char.codePointAt(0)!;
      if (to < from) {
        throw invalid(
          builtin,
          input,
          position(),
          `range is out of order: '${high.char}' comes before '${previous}' in Unicode`,
        );
      }
      for (let cp = from; cp <= to; cp++) chars.add(String.fromCodePoint(cp));
      previous = undefined;
      continue;
    }
    chars.add(r.char);
    previous = r.char;
  }
}

function overlaps(a: CharClass, b: CharClass): boolean {
  if (a.kind === 'dot' || b.kind === 'dot') return true;
  if (a.kind === 'char' && b.kind === 'char') return a.char === b.char;
  if (a.kind === 'char') return (b as { chars: ReadonlySet<string> }).chars.has(a.char);
  if (b.kind === 'char') return a.chars.has(b.char);
  for (const ch of a.chars) if (b.chars.has(ch)) return true;
  return false;
}

/** expand rewrites `x+` as `x x*`, so every token is either exactly one character or a star. */
function expand(tokens: readonly GlobToken[]): GlobToken[] {
  return tokens.flatMap((t) =>
    t.repeat === 'plus'
      ? [
          { match: t.match, repeat: 'one' as const },
          { match: t.match, repeat: 'star' as const },
        ]
      : [t],
  );
}

/** globsIntersect decides whether some string matches both globs. */
export function globsIntersect(builtin: string, first: string, second: string): boolean {
  const a = expand(tokenize(builtin, first));
  const b = expand(tokenize(builtin, second));
  const seen = new Set<number>();
  const width = b.length + 1;
  const queue: [number, number][] = [[0, 0]];
  while (queue.length > 0) {
    const [i, j] = queue.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    // A star may match nothing.
    if (ta?.repeat === 'star') queue.push([i + 1, j]);
    if (tb?.repeat === 'star') queue.push([i, j + 1]);
    if (ta !== undefined && tb !== undefined && overlaps(ta.match, tb.match)) {
      // Both consume one common character; a star stays put to consume more.
      queue.push([ta.repeat === 'star' ? i : i + 1, tb.repeat === 'star' ? j : j + 1]);
    }
  }
  return false;
}

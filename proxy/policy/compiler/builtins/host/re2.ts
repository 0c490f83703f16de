/*
 * Go regular expressions (RE2 syntax) run on JavaScript's engine. A pattern is translated into an equivalent JS
 * RegExp (unicode mode), so that what RE2 means is what runs:
 *   - `.` never matches `\n` unless `(?s)`; `\s` is RE2's ASCII space class; `\A`, `\z`, `\Q…\E`, `\x{…}`, octal
 *     escapes, `(?P<name>…)`, POSIX classes `[[:alpha:]]`, `\pN` and `\p{Greek}` are rewritten;
 *   - flags `(?i)`, `(?m)`, `(?s)`, `(?U)`, also scoped `(?i:…)`, are applied by rewriting (case folding expands
 *     letters into classes), since JS has no inline flags here;
 *   - what RE2 rejects (look-around, back-references, repeat counts over 1000) is rejected.
 * Matching iterates as Go's regexp does (leftmost-first; an empty match right after a match is skipped).
 *
 * Known difference: JS backtracks, RE2 does not, so a pathological pattern can take exponential time here where Go
 * takes linear time.
 */

/** Re2SyntaxError is Go's `error parsing regexp: …`. */
export class Re2SyntaxError extends Error {}

/** Re2UnsupportedError marks valid RE2 that the translation does not cover (refused, not approximated). */
export class Re2UnsupportedError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const RE2_SPACE = '\\t\\n\\f\\r ';
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/-']);

function fail(pattern: string, message: string): never {
  throw new Re2SyntaxError(`error parsing regexp: ${message}: \`${pattern}\``);
}

function escapeLiteral(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch)) return ch === '-' && !inClass ? '-' : `\\${ch}`;
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return ch;
}

/** caseVariants lists a character and its other-case forms (simple folding). */
function caseVariants(ch: string): string[] {
  const variants = new Set([ch]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1) variants.add(v);
  if (ch === 'k' || ch === 'K') variants.add('\u212a');
  if (ch === 's' || ch === 'S') variants.add('\u017f');
  return [...variants];
}

function literal(ch: string, flags: Flags, inClass: boolean): string {
  if (flags.i) {
    const variants = caseVariants(ch);
    if (variants.length > 1) {
      const body = variants.map((v) => escapeLiteral(v, true)).join('');
      return inClass ? body : `[${body}]`;
    }
  }
  return escapeLiteral(ch, inClass);
}

/** Translator walks an RE2 pattern once, emitting JS regex source. */
class Translator {
  readonly #pattern: string;
  readonly #chars: string[];
  #pos = 0;
  groupNames: (string | undefined)[] = [undefined];

  constructor(pattern: string) {
    this.#pattern = pattern;
    this.#chars = [...pattern];
  }

  translate(): string {
    const out = this.#sequence({ i: false, m: false, s: false, U: false }, false);
    if (this.#pos < this.#chars.length) fail(this.#pattern, 'unexpected )');
    return out;
  }

  #peek(offset = 0): string | undefined {
    return this.#chars[this.#pos + offset];
  }

  #rest(): string {
    return this.#chars.slice(this.#pos).join('');
  }

  /** Emits until `)` (inGroup) or the end; flag groups `(?i)` change `flags` for the rest of the sequence. */
  #sequence(outer: Flags, inGroup: boolean): string {
    const flags = { ...outer };
    let out = '';
    let lastAtom: 'none' | 'atom' | 'quantified' = 'none';
    while (this.#pos < this.#chars.length) {
      const ch = this.#peek()!;
      if (ch === ')') {
        if (!inGroup) fail(this.#pattern, 'unexpected )');
        break;
      }
      if (ch === '|') {
        this.#pos++;
        out += '|';
        lastAtom = 'none';
        continue;
      }
      const quantifier = this.#quantifier(flags);
      if (quantifier !== undefined) {
        if (lastAtom === 'none') fail(this.#pattern, `missing argument to repetition operator: \`${quantifier.text}\``);
        if (lastAtom === 'quantified')
          fail(this.#pattern, `invalid nested repetition operator: \`${quantifier.text}\``);
        out += quantifier.js;
        lastAtom = 'quantified';
        continue;
      }
      if (ch === '(' && this.#peek(1) === '?') {
        const flagGroup = this.#flagGroup(flags);
        if (flagGroup === 'set') continue;
        if (flagGroup !== undefined) {
          out += flagGroup;
          lastAtom = 'atom';
          continue;
        }
      }
      out += this.#atom(flags);
      lastAtom = 'atom';
    }
    return out;
  }

  #quantifier(flags: Flags): { js: string; text: string } | undefined {
    const ch = this.#peek();
    let base: string;
    let text: string;
    if (ch === '*' || ch === '+' || ch === '?') {
      this.#pos++;
      base = ch;
      text = ch;
    } else if (ch === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.#rest());
      if (match === null) return undefined;
      const min = Number(match[1]);
      const max = match[3] === undefined || match[3] === '' ? undefined : Number(match[3]);
      if (min > 1000 || (max !== undefined && (max > 1000 || max < min))) {
        fail(this.#pattern, `invalid repeat count: \`${match[0]}\``);
      }
      this.#pos += [...match[0]].length;
      base = match[0];
      text = match[0];
    } else {
      return undefined;
    }
    let lazy = false;
    if (this.#peek() === '?') {
      this.#pos++;
      lazy = true;
      text += '?';
    }
    if (flags.U) lazy = !lazy;
    return { js: base + (lazy ? '?' : ''), text };
  }

  /** Handles `(?flags)` (returns 'set'), `(?flags:…)`, `(?P<n>…)`, `(?<n>…)`, `(?:…)`; undefined otherwise. */
  #flagGroup(flags: Flags): string | 'set' | undefined {
    const rest = this.#rest();
    const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
    if (named !== null) {
      this.#pos += named[0].length;
      this.groupNames.push(named[1]);
      const body = this.#sequence(flags, true);
      this.#expect(')');
      return `(?<${named[1]}>${body})`;
    }
    const flagMatch = /^\(\?([imsU]*)(?:-([imsU]*))?(:|\))/.exec(rest);
    if (flagMatch === null) {
      if (/^\(\?[=!<]/.test(rest)) fail(this.#pattern, `invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
      fail(this.#pattern, `invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
    }
    const [whole, on = '', off = '', end] = flagMatch;
    if (on === '' && off === '' && end === ')') fail(this.#pattern, 'missing argument to repetition operator');
    const next = { ...flags };
    for (const f of on) next[f as keyof Flags] = true;
    for (const f of off) next[f as keyof Flags] = false;
    this.#pos += whole.length;
    if (end === ')') {
      Object.assign(flags, next);
      return 'set';
    }
    const body = this.#sequence(next, true);
    this.#expect(')');
    return `(?:${body})`;
  }

  #expect(ch: string): void {
    if (this.#peek() !== ch) fail(this.#pattern, 'missing closing )');
    this.#pos++;
  }

  #atom(flags: Flags): string {
    const ch = this.#peek()!;
    this.#pos++;
    switch (ch) {
      case '(': {
        this.groupNames.push(undefined);
        const body = this.#sequence(flags, true);
        this.#expect(')');
        return `(${body})`;
      }
      case '[':
        return this.#characterClass(flags);
      case '.':
        return flags.s ? '[\\s\\S]' : '[^\\n]';
      case '^':
        return flags.m ? '(?:^|(?<=\\n))' : '(?<![\\s\\S])';
      case '$':
        return flags.m ? '(?:$|(?=\\n))' : '(?![\\s\\S])';
      case '\\':
        return this.#escape(flags, false);
      case '{':
      case '}':
      case ']':
        return `\\${ch}`;
      default:
        return literal(ch, flags, false);
    }
  }

  /** #escape translates the escape after `\`; inClass says whether we are inside `[…]`. */
  #escape(flags: Flags, inClass: boolean): string {
    const ch = this.#peek();
    if (ch === undefined) fail(this.#pattern, 'trailing backslash at end of expression');
    this.#pos++;
    switch (ch) {
      case 'A':
        if (inClass) break;
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) break;
        return '(?![\\s\\S])';
      case 'b':
      case 'B':
        if (inClass) break;
        return `\\${ch}`;
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${ch}`;
      case 's':
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case 'S':
        if (inClass) throw new Re2UnsupportedError('\\S inside a character class');
        return `[^${RE2_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'f':
        return '\\f';
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'v':
        return '\\v';
      case 'x': {
        const rest = this.#rest();
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(rest);
        const plain = /^[0-9A-Fa-f]{2}/.exec(rest);
        const hex = braced?.[1] ?? plain?.[0];
        if (hex === undefined) fail(this.#pattern, 'invalid escape sequence: `\\x`');
        this.#pos += (braced?.[0] ?? plain![0]).length;
        const cp = Number.parseInt(hex, 16);
        if (cp > 0x10ffff) fail(this.#pattern, 'invalid escape sequence');
        return literal(String.fromCodePoint(cp), flags, inClass);
      }
      case 'p':
      case 'P': {
        const rest = this.#rest();
        const braced = /^\{(\^?)([A-Za-z_]+)\}/.exec(rest);
        const single = /^[A-Za-z]/.exec(rest);
        let name: string;
        let negate = ch === 'P';
        if (braced !== null) {
          this.#pos += braced[0].length;
          name = braced[2]!;
          if (braced[1] === '^') negate = !negate;
        } else if (single !== null) {
          this.#pos += 1;
          name = single[0];
        } else {
          fail(this.#pattern, 'invalid character class range');
        }
        const property = name === 'Any' ? undefined : /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
        if (property === undefined) return negate ? '[^\\s\\S]' : '[\\s\\S]';
        try {
          new RegExp(`\\p{${property}}`, 'u');
        } catch {
          fail(this.#pattern, `invalid character class range: \`\\p{${name}}\``);
        }
        return `\\${negate ? 'P' : 'p'}{${property}}`;
      }
      case 'Q': {
        const rest = this.#rest();
        const end = rest.indexOf('\\E');
        const quoted = end === -1 ? rest : rest.slice(0, end);
        this.#pos += [...quoted].length + (end === -1 ? 0 : 2);
        return [...quoted].map((c) => literal(c, flags, inClass)).join('');
      }
      default:
        break;
    }
    if (ch >= '0' && ch <= '7') {
      // Octal: \0 up to two more digits; \1-\7 only when another octal digit follows (else a back-reference).
      let digits = ch;
      const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
      if (ch !== '0' && !isOctal(this.#peek())) fail(this.#pattern, `invalid escape sequence: \`\\${ch}\``);
      while (digits.length < 3 && isOctal(this.#peek())) digits += this.#chars[this.#pos++]!;
      return literal(String.fromCodePoint(Number.parseInt(digits, 8)), flags, inClass);
    }
    if (/^[\p{P}\p{S}]$/u.test(ch) && ch.codePointAt(0)! < 0x80) return escapeLiteral(ch, inClass);
    fail(this.#pattern, `invalid escape sequence: \`\\${ch}\``);
  }

  #characterClass(flags: Flags): string {
    let negate = false;
    if (this.#peek() === '^') {
      negate = true;
      this.#pos++;
    }
    let body = '';
    let first = true;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined) fail(this.#pattern, `missing closing ]: \`[${this.#pattern}\``);
      if (ch === ']' && !first) {
        this.#pos++;
        break;
      }
      first = false;
      if (ch === '[' && this.#peek(1) === ':') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.#rest());
        if (posix !== null) {
          const range = POSIX_CLASSES[posix[2]!];
          if (range === undefined) fail(this.#pattern, `invalid character class range: \`${posix[0]}\``);
          if (posix[1] === '^') throw new Re2UnsupportedError('negated POSIX class');
          this.#pos += posix[0].length;
          body += flags.i && (posix[2] === 'lower' || posix[2] === 'upper') ? 'A-Za-z' : range;
          continue;
        }
      }
      const low = this.#classChar(flags);
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined && low.single !== undefined) {
        this.#pos++;
        const high = this.#classChar(flags);
        if (high.single === undefined) fail(this.#pattern, 'invalid character class range');
        if (high.single.codePointAt(0)! < low.single.codePointAt(0)!) {
          fail(this.#pattern, `invalid character class range: \`${low.single}-${high.single}\``);
        }
        body += `${escapeLiteral(low.single, true)}-${escapeLiteral(high.single, true)}`;
        if (flags.i) body += foldedRange(low.single, high.single);
        continue;
      }
      body += low.js;
    }
    return `[${negate ? '^' : ''}${body}]`;
  }

  /** #classChar reads one class member: a character (single) or an escape standing for a set (js only). */
  #classChar(flags: Flags): { js: string; single?: string } {
    const ch = this.#chars[this.#pos++]!;
    if (ch !== '\\') return { js: literal(ch, flags, true), single: ch };
    const next = this.#peek();
    if (next !== undefined && /^[\p{P}\p{S}]$/u.test(next) && next.codePointAt(0)! < 0x80) {
      this.#pos++;
      return { js: escapeLiteral(next, true), single: next };
    }
    const start = this.#pos;
    const js = this.#escape({ ...flags, i: false }, true);
    const consumed = this.#chars.slice(start, this.#pos).join('');
    const single = decodeSingle(consumed);
    return single === undefined ? { js } : { js: flags.i ? literal(single, flags, true) : js, single };
  }
}

/** decodeSingle is the character an escape body (after `\`) stands for, when it stands for one. */
function decodeSingle(body: string): string | undefined {
  const simple: Record<string, string> = { a: '\x07', f: '\f', t: '\t', n: '\n', r: '\r', v: '\v' };
  if (simple[body] !== undefined) return simple[body];
  const hex = /^x\{?([0-9A-Fa-f]+)\}?$/.exec(body);
  if (hex !== null) return String.fromCodePoint(Number.parseInt(hex[1]!, 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCodePoint(Number.parseInt(body, 8));
  return undefined;
}

/** foldedRange adds the other-case range of an ASCII letter range for (?i). */
function foldedRange(low: string, high: string): string {
  const lo = low.codePointAt(0)!;
  const hi = high.codePointAt(0)!;
  let out = '';
  const clamp = (a: number, b: number, from: number, to: number, shift: number): void => {
    const start = Math.max(a, from);
    const end = Math.min(b, to);
    if (start <= end) out += `${String.fromCodePoint(start + shift)}-${String.fromCodePoint(end + shift)}`;
  };
  clamp(lo, hi, 0x61, 0x7a, -32);
  clamp(lo, hi, 0x41, 0x5a, 32);
  return out;
}

/** CompiledRe2 is a translated pattern, with the names of its groups (index 0 is the whole match). */
export interface CompiledRe2 {
  regexp: RegExp;
  groupNames: readonly (string | undefined)[];
}

const cache = new Map<string, CompiledRe2>();
const CACHE_LIMIT = 100;

/**
 * compileRe2 translates and compiles an RE2 pattern (cached, like OPA's cache of 100 patterns).
 *
 * @throws {Re2SyntaxError} when RE2 would reject the pattern.
 * @throws {Re2UnsupportedError} for valid RE2 the translation does not cover.
 */
export function compileRe2(pattern: string): CompiledRe2 {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const translator = new Translator(pattern);
  const source = translator.translate();
  let regexp: RegExp;
  try {
    regexp = new RegExp(source, 'gu');
  } catch (error) {
    throw new Re2SyntaxError(`error parsing regexp: ${(error as Error).message}: \`${pattern}\``);
  }
  const compiled = { regexp, groupNames: translator.groupNames };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/** A match: the start and end (UTF-16 indexes) of the whole match and of each group (undefined if unset). */
export type MatchIndexes = readonly ([number, number] | undefined)[];

function execAt(compiled: CompiledRe2, s: string, from: number): MatchIndexes | undefined {
  const re = compiled.regexp;
  re.lastIndex = from;
  const m = re.exec(s);
  if (m === null) return undefined;
  const groups: ([number, number] | undefined)[] = [[m.index, m.index + m[0].length]];
  // Group offsets: JS gives texts, not positions, without the `d` flag; compute with `d` lazily.
  if (m.length > 1) {
    const withIndices = new RegExp(re.source, 'dgu');
    withIndices.lastIndex = from;
    const d = withIndices.exec(s)!;
    for (let i = 1; i < d.length; i++) groups.push(d.indices![i] as [number, number] | undefined);
  }
  return groups;
}

/** findAll is Go's Regexp.FindAll*Index: successive non-overlapping matches, at most n (n < 0: all). */
export function findAll(compiled: CompiledRe2, s: string, n: number): MatchIndexes[] {
  const matches: MatchIndexes[] = [];
  let pos = 0;
  let previousEnd = -1;
  while ((n < 0 || matches.length < n) && pos <= s.length) {
    const m = execAt(compiled, s, pos);
    if (m === undefined) break;
    const [start, end] = m[0]!;
    let accept = true;
    if (end === start) {
      // An empty match right after the previous match is not a match.
      if (start === previousEnd) accept = false;
      pos = start >= s.length ? s.length + 1 : start + String.fromCodePoint(s.codePointAt(start)!).length;
    } else {
      pos = end;
    }
    previousEnd = end;
    if (accept) matches.push(m);
  }
  return matches;
}

/** matches is Go's Regexp.MatchString. */
export function matches(compiled: CompiledRe2, s: string): boolean {
  compiled.regexp.lastIndex = 0;
  return compiled.regexp.test(s);
}

/** split is Go's Regexp.Split(s, -1). */
export function split(compiled: CompiledRe2, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const found = findAll(compiled, s, -1);
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const m of found) {
    const [start, stop] = m[0]!;
    end = start;
    if (stop !== 0) parts.push(s.slice(begin, end));
    begin = stop;
  }
  if (end !== s.length) parts.push(s.slice(begin));
  return parts;
}

/** expandTemplate is Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(template: string, compiled: CompiledRe2, s: string, m: MatchIndexes): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar === -1) break;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    const bare = /^[A-Za-z0-9_]+/.exec(rest);
    const name = braced?.[1] ?? bare?.[0];
    if (name === undefined) {
      out += '$';
      continue;
    }
    rest = rest.slice((braced?.[0] ?? bare![0]).length);
    let index = -1;
    if (/^\d+$/.test(name)) index = Number(name);
    else index = compiled.groupNames.indexOf(name);
    const group = index >= 0 ? m[index] : undefined;
    if (group !== undefined) out += s.slice(group[0], group[1]);
  }
  return out + rest;
}

/** replaceAll is Go's Regexp.ReplaceAllString. */
export function replaceAll(compiled: CompiledRe2, s: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = execAt(compiled, s, searchPos);
    if (m === undefined) break;
    const [start, end] = m[0]!;
    out += s.slice(lastEnd, start);
    // No replacement for an empty match right after another match.
    if (end > lastEnd || start === 0) out += expandTemplate(template, compiled, s, m);
    lastEnd = end;
    const width = searchPos < s.length ? String.fromCodePoint(s.codePointAt(searchPos)!).length : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastEnd);
}

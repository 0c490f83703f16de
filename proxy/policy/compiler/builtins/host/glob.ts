/*
 * glob.match and glob.quote_meta, with the syntax of gobwas/glob (which OPA uses), compiled to an anchored JS
 * regular expression:
 *   `*` any run of non-delimiter characters, `**` any run at all, `?` one non-delimiter character,
 *   `[abc]` `[!abc]` `[a-z]` `[!a-z]` one character (delimiters included), `{x,y}` alternatives (nestable), `\`
 *   escapes. A bracket holds either one range or a list, as gobwas's lexer allows.
 * Delimiters: `null` means none; `[]` means `["."]`, as OPA defines.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { operandTypeError, stringOperand } from './operands.js';

const escapeForClass = (ch: string): string => (/[\\\][^-]/.test(ch) ? `\\${ch}` : ch);
const escapeLiteral = (ch: string): string => (/[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch);

function compileGlob(pattern: string, delimiters: readonly string[]): RegExp {
  const runes = [...pattern];
  let i = 0;
  const notDelimiter = delimiters.length === 0 ? '[\\s\\S]' : `[^${delimiters.map(escapeForClass).join('')}]`;
  const fail = (message: string): never => {
    throw new Error(`${message} in glob ${JSON.stringify(pattern)}`);
  };

  const text = (breakers: readonly string[]): string => {
    let out = '';
    let escaped = false;
    while (i < runes.length) {
      const r = runes[i]!;
      if (!escaped) {
        if (r === '\\') {
          escaped = true;
          i++;
          continue;
        }
        if (breakers.includes(r)) break;
      }
      escaped = false;
      out += escapeLiteral(r);
      i++;
    }
    return out;
  };

  const range = (): string => {
    let negate = false;
    if (runes[i] === '!') {
      negate = true;
      i++;
    }
    if (i >= runes.length) fail('unexpected end of input');
    let body: string;
    if (runes[i + 1] === '-' && i + 2 < runes.length) {
      const lo = runes[i]!;
      const hi = runes[i + 2]!;
      i += 3;
      if (runes[i] !== ']') fail('expected close range character');
      if (hi.codePointAt(0)! < lo.codePointAt(0)!) fail('range is out of order');
      body = `${escapeForClass(lo)}-${escapeForClass(hi)}`;
    } else {
      let chars = '';
      let escaped = false;
      while (i < runes.length) {
        const r = runes[i]!;
        if (!escaped && r === '\\') {
          escaped = true;
          i++;
          continue;
        }
        if (!escaped && r === ']') break;
        escaped = false;
        chars += escapeForClass(r);
        i++;
      }
      if (i >= runes.length) fail('unexpected end of input');
      body = chars;
    }
    i++; // the closing bracket
    if (body === '') return negate ? '[\\s\\S]' : '[^\\s\\S]';
    return `[${negate ? '^' : ''}${body}]`;
  };

  const sequence = (inTerms: boolean): string => {
    let out = '';
    while (i < runes.length) {
      const r = runes[i]!;
      if (inTerms && (r === ',' || r === '}')) return out;
      if (r === '{') {
        i++;
        const alternatives: string[] = [];
        for (;;) {
          alternatives.push(sequence(true));
          if (i >= runes.length) fail('unexpected end of input');
          const separator = runes[i++];
          if (separator === '}') break;
        }
        out += `(?:${alternatives.join('|')})`;
      } else if (r === '[') {
        i++;
        out += range();
      } else if (r === '?') {
        i++;
        out += notDelimiter;
      } else if (r === '*') {
        if (runes[i + 1] === '*') {
          i += 2;
          out += '[\\s\\S]*';
        } else {
          i++;
          out += `${notDelimiter}*`;
        }
      } else {
        out += text(inTerms ? ['?', '*', '[', '{', '}', ','] : ['?', '*', '[', '{']);
      }
    }
    if (inTerms) fail('unexpected end of input');
    return out;
  };

  return new RegExp(`^${sequence(false)}$`, 'u');
}

const cache = new Map<string, RegExp>();

function cachedGlob(pattern: string, delimiters: readonly string[]): RegExp {
  const key = `${pattern}-${delimiters.join('')}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compileGlob(pattern, delimiters);
    if (cache.size >= 100) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
  }
  return compiled;
}

/** GLOB_BUILTINS implements glob.match and glob.quote_meta. */
export const GLOB_BUILTINS: HostBuiltinTable = {
  'glob.match': ([pattern, delimiters, value]) => {
    const name = 'glob.match';
    const text = stringOperand(name, 1, pattern);
    let runes: string[];
    if (delimiters === null) {
      runes = [];
    } else if (Array.isArray(delimiters)) {
      runes = delimiters.map((d) => {
        if (typeof d !== 'string') throw operandTypeError(name, 2, d, 'string');
        if ([...d].length !== 1) {
          throw new BuiltinError(
            `${name}: operand 2 must be array of runes but got ${JSON.stringify(d)}`,
            'eval_type_error',
          );
        }
        return d;
      });
      if (runes.length === 0) runes = ['.'];
    } else {
      throw operandTypeError(name, 2, delimiters ?? null, 'array', 'null');
    }
    const subject = stringOperand(name, 3, value);
    let compiled: RegExp;
    try {
      compiled = cachedGlob(text, runes);
    } catch (error) {
      throw new BuiltinError(`${name}: ${(error as Error).message}`);
    }
    return compiled.test(subject);
  },

  'glob.quote_meta': ([pattern]) =>
    stringOperand('glob.quote_meta', 1, pattern).replace(/[*?\\[\]{}]/g, (ch) => `\\${ch}`),
};

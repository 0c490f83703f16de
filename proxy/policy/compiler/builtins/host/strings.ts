/*
 * String built-ins (OPA's topdown/strings.go). The Wasm runtime implements the basic ones natively; the host
 * versions here serve the rest (strings.any_prefix_match, strings.count, strings.replace_n, strings.render_template,
 * indexof_n, …) and stand in for the basic ones wherever the runtime has no `builtin_*` export. Strings are
 * handled as code points, as Go handles them as runes.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError, builtinFailure, HostLimitError } from './errors.js';
import {
  collectionMembers,
  numberOperand,
  objectOperand,
  operandError,
  safeIntegerOperand,
  stringOperand,
  stringsOperand,
} from './operands.js';
import { renderTemplate } from './template.js';
import { objectEntries } from './value.js';

const runes = (s: string): string[] => [...s];

/** goReplaceAll is strings.NewReplacer(pairs…).Replace: at each position the first `old` (in order) that matches. */
function goReplaceAll(s: string, pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const match = pairs.find(([old]) => old !== '' && s.startsWith(old, i));
    if (match !== undefined) {
      out += match[1];
      i += match[0].length;
      continue;
    }
    const empty = pairs.find(([old]) => old === '');
    if (empty !== undefined) out += empty[1];
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    out += ch;
    i += ch.length;
  }
  const empty = pairs.find(([old]) => old === '');
  if (empty !== undefined) out += empty[1];
  return out;
}

/** Go's unicode.IsSpace. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

function trimWith(s: string, drop: (ch: string) => boolean, left: boolean, right: boolean): string {
  const chars = runes(s);
  let start = 0;
  let end = chars.length;
  if (left) while (start < end && drop(chars[start]!)) start++;
  if (right) while (end > start && drop(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** mapRunes applies a case mapping per code point, keeping a character whose mapping is not a single one. */
function mapRunes(s: string, map: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = map(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

function indexesOf(base: string, search: string): number[] {
  const haystack = runes(base);
  const needle = runes(search);
  const found: number[] = [];
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((ch, j) => haystack[i + j] === ch)) found.push(i);
  }
  return found;
}

function anyStartsWithAny(strings: readonly string[], prefixes: readonly string[]): boolean {
  return strings.some((s) => prefixes.some((p) => s.startsWith(p)));
}

const reverse = (s: string): string => runes(s).reverse().join('');

/** STRINGS_BUILTINS implements the string built-ins that depend only on strings. */
export const STRINGS_BUILTINS: HostBuiltinTable = {
  'strings.any_prefix_match': ([strings, prefixes]) =>
    anyStartsWithAny(
      stringsOperand('strings.any_prefix_match', 1, strings),
      stringsOperand('strings.any_prefix_match', 2, prefixes),
    ),

  'strings.any_suffix_match': ([strings, suffixes]) =>
    anyStartsWithAny(
      stringsOperand('strings.any_suffix_match', 1, strings).map(reverse),
      stringsOperand('strings.any_suffix_match', 2, suffixes).map(reverse),
    ),

  'strings.count': ([s, search]) => {
    const base = stringOperand('strings.count', 1, s);
    const needle = stringOperand('strings.count', 2, search);
    if (needle === '') return runes(base).length + 1;
    return base.split(needle).length - 1;
  },

  'strings.replace_n': ([patterns, s]) => {
    const name = 'strings.replace_n';
    const object = objectOperand(name, 1, patterns);
    const pairs = objectEntries(object).map(([key, value]): [string, string] => {
      if (typeof key !== 'string') throw operandError(name, 1, 'non-string key found in pattern object');
      if (typeof value !== 'string') throw operandError(name, 1, 'non-string value found in pattern object');
      return [key, value];
    });
    return goReplaceAll(stringOperand(name, 2, s), pairs);
  },

  'strings.reverse': ([s]) => reverse(stringOperand('strings.reverse', 1, s)),

  'strings.render_template': ([template, variables]) => {
    const name = 'strings.render_template';
    const text = stringOperand(name, 1, template);
    const object = objectOperand(name, 2, variables);
    return renderTemplate(name, text, object);
  },

  indexof: ([s, search]) => {
    const base = stringOperand('indexof', 1, s);
    const needle = stringOperand('indexof', 2, search);
    if (needle === '') throw builtinFailure('indexof', 'empty search character');
    return indexesOf(base, needle)[0] ?? -1;
  },

  indexof_n: ([s, search]) => {
    const base = stringOperand('indexof_n', 1, s);
    const needle = stringOperand('indexof_n', 2, search);
    if (needle === '') throw builtinFailure('indexof_n', 'empty search character');
    return indexesOf(base, needle);
  },

  substring: ([s, start, length]) => {
    const base = stringOperand('substring', 1, s);
    const from = safeIntegerOperand('substring', 2, start);
    const count = safeIntegerOperand('substring', 3, length);
    if (from < 0) throw builtinFailure('substring', 'negative offset');
    const chars = runes(base);
    if (from >= chars.length) return '';
    return (count < 0 ? chars.slice(from) : chars.slice(from, from + count)).join('');
  },

  contains: ([s, search]) => stringOperand('contains', 1, s).includes(stringOperand('contains', 2, search)),
  startswith: ([s, prefix]) => stringOperand('startswith', 1, s).startsWith(stringOperand('startswith', 2, prefix)),
  endswith: ([s, suffix]) => stringOperand('endswith', 1, s).endsWith(stringOperand('endswith', 2, suffix)),
  lower: ([s]) => mapRunes(stringOperand('lower', 1, s), (ch) => ch.toLowerCase()),
  upper: ([s]) => mapRunes(stringOperand('upper', 1, s), (ch) => ch.toUpperCase()),

  split: ([s, delimiter]) => {
    const text = stringOperand('split', 1, s);
    const separator = stringOperand('split', 2, delimiter);
    return separator === '' ? runes(text) : text.split(separator);
  },

  replace: ([s, old, replacement]) =>
    goReplaceAll(stringOperand('replace', 1, s), [
      [stringOperand('replace', 2, old), stringOperand('replace', 3, replacement)],
    ]),

  trim: ([s, cutset]) => {
    const cut = new Set(runes(stringOperand('trim', 2, cutset)));
    return trimWith(stringOperand('trim', 1, s), (ch) => cut.has(ch), true, true);
  },
  trim_left: ([s, cutset]) => {
    const cut = new Set(runes(stringOperand('trim_left', 2, cutset)));
    return trimWith(stringOperand('trim_left', 1, s), (ch) => cut.has(ch), true, false);
  },
  trim_right: ([s, cutset]) => {
    const cut = new Set(runes(stringOperand('trim_right', 2, cutset)));
    return trimWith(stringOperand('trim_right', 1, s), (ch) => cut.has(ch), false, true);
  },
  trim_prefix: ([s, prefix]) => {
    const text = stringOperand('trim_prefix', 1, s);
    const p = stringOperand('trim_prefix', 2, prefix);
    return text.startsWith(p) ? text.slice(p.length) : text;
  },
  trim_suffix: ([s, suffix]) => {
    const text = stringOperand('trim_suffix', 1, s);
    const p = stringOperand('trim_suffix', 2, suffix);
    return p !== '' && text.endsWith(p) ? text.slice(0, text.length - p.length) : text;
  },
  trim_space: ([s]) => trimWith(stringOperand('trim_space', 1, s), (ch) => GO_SPACE.test(ch), true, true),

  concat: ([delimiter, parts]) => {
    const separator = stringOperand('concat', 1, delimiter);
    const members = collectionMembers('concat', 2, parts);
    return members
      .map((m) => {
        if (typeof m !== 'string') {
          throw new BuiltinError(`concat: operand 2 must be array of strings but got ${typeof m}`, 'eval_type_error');
        }
        return m;
      })
      .join(separator);
  },

  format_int: ([value, base]) => {
    const n = numberOperand('format_int', 1, value);
    const radix = numberOperand('format_int', 2, base);
    const radixNumber = Number(radix);
    if (![2, 8, 10, 16].includes(radixNumber)) {
      throw operandError('format_int', 2, 'must be one of {2, 8, 10, 16}');
    }
    // OPA truncates toward zero (big.Float.Int).
    const integer = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
    if (typeof n === 'number' && !Number.isSafeInteger(integer === 0n ? 0 : Number(integer))) {
      throw new HostLimitError('format_int: operand 1 is too large for an exact answer on the host');
    }
    return integer.toString(radixNumber);
  },
};

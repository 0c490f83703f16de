// String built-ins (OPA's strings.go), with Go's semantics: bytes for matching, code points (runes) for
// indexes and lengths, Go's Unicode white space and simple case mapping.

import { abortWith } from '../abort';
import { alloc } from '../alloc';
import { encodeUtf8 } from '../json-parse';
import { codePointOffset, countCodePoints, decodeCodePoint, decodedSize, isAscii } from '../utf8';
import {
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  slotsOf,
  TYPE_STRING,
  elementAt,
  intOf,
  keyAt,
  lengthOf,
  makeBoolean,
  makeCollection,
  makeInt,
  makeString,
  numberKind,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from '../values';
import { arrayAppend } from '../collections';
import { caseMap } from './casefold';
import { builtinError, elementError, typeError } from './errors';

/** findBytes returns the offset of the first `needle` in `hay` at or after `from`, or -1. */
export function findBytes(hay: usize, hayLength: usize, needle: usize, needleLength: usize, from: usize): isize {
  if (needleLength == 0) return from <= hayLength ? <isize>from : -1;
  if (needleLength > hayLength) return -1;
  const first = load<u8>(needle);
  const last = hayLength - needleLength;
  for (let i = from; i <= last; i++) {
    if (load<u8>(hay + i) == first && memory.compare(hay + i, needle, needleLength) == 0) return <isize>i;
  }
  return -1;
}

/** builtin_concat joins an array or set of strings with a separator. */
export function builtin_concat(separator: usize, parts: usize): usize {
  if (typeOf(separator) != TYPE_STRING) return typeError('concat: operand 1 must be string but got ', separator);
  const type = typeOf(parts);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('concat: operand 2 must be one of {set, array} but got ', parts);
  const n = lengthOf(parts);
  if (n == 0) return makeString(0, 0);
  let total: usize = stringLength(separator) * (n - 1);
  for (let i: usize = 0; i < n; i++) {
    const part = elementAt(parts, i);
    if (typeOf(part) != TYPE_STRING) return elementError('concat: operand 2 must be ', parts, part, 'string');
    total += stringLength(part);
  }
  if (n == 1) return elementAt(parts, 0);
  const text = alloc(total);
  let at: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    if (i > 0) {
      memory.copy(text + at, stringBytes(separator), stringLength(separator));
      at += stringLength(separator);
    }
    const part = elementAt(parts, i);
    memory.copy(text + at, stringBytes(part), stringLength(part));
    at += stringLength(part);
  }
  return makeString(text, total);
}

/** builtin_contains reports whether `s` contains `sub`. */
export function builtin_contains(s: usize, sub: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('contains: operand 1 must be string but got ', s);
  if (typeOf(sub) != TYPE_STRING) return typeError('contains: operand 2 must be string but got ', sub);
  return makeBoolean(findBytes(stringBytes(s), stringLength(s), stringBytes(sub), stringLength(sub), 0) >= 0);
}

/** builtin_startswith reports whether `s` starts with `prefix`. */
export function builtin_startswith(s: usize, prefix: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('startswith: operand 1 must be string but got ', s);
  if (typeOf(prefix) != TYPE_STRING) return typeError('startswith: operand 2 must be string but got ', prefix);
  const n = stringLength(prefix);
  return makeBoolean(n <= stringLength(s) && memory.compare(stringBytes(s), stringBytes(prefix), n) == 0);
}

/** builtin_endswith reports whether `s` ends with `suffix`. */
export function builtin_endswith(s: usize, suffix: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('endswith: operand 1 must be string but got ', s);
  if (typeOf(suffix) != TYPE_STRING) return typeError('endswith: operand 2 must be string but got ', suffix);
  const n = stringLength(suffix);
  const m = stringLength(s);
  return makeBoolean(n <= m && memory.compare(stringBytes(s) + m - n, stringBytes(suffix), n) == 0);
}

/** builtin_indexof is the code point index of the first `search` in `s`, or -1. */
export function builtin_indexof(s: usize, search: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('indexof: operand 1 must be string but got ', s);
  if (typeOf(search) != TYPE_STRING) return typeError('indexof: operand 2 must be string but got ', search);
  if (stringLength(search) == 0) return builtinError('empty search character');
  const at = findBytes(stringBytes(s), stringLength(s), stringBytes(search), stringLength(search), 0);
  if (at < 0) return makeInt(-1);
  return makeInt(<i64>countCodePoints(stringBytes(s), <usize>at));
}

/** builtin_indexof_n is the code point indexes of every (possibly overlapping) `search` in `s`. */
export function builtin_indexof_n(s: usize, search: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('indexof_n: operand 1 must be string but got ', s);
  if (typeOf(search) != TYPE_STRING) return typeError('indexof_n: operand 2 must be string but got ', search);
  if (stringLength(search) == 0) return builtinError('empty search character');
  const result = makeCollection(TYPE_ARRAY, 0);
  const bytes = stringBytes(s);
  let from: usize = 0;
  let runes: usize = 0;
  let counted: usize = 0;
  for (;;) {
    const at = findBytes(bytes, stringLength(s), stringBytes(search), stringLength(search), from);
    if (at < 0) break;
    runes += countCodePoints(bytes + counted, <usize>at - counted);
    counted = <usize>at;
    arrayAppend(result, makeInt(<i64>runes));
    // Next candidate: the next code point (matches may overlap).
    from = <usize>at + 1;
    while (from < stringLength(s) && (load<u8>(bytes + from) & 0xc0) == 0x80) from++;
  }
  return result;
}

/** builtin_strings_count counts the non-overlapping occurrences of `sub` in `s`. */
export function builtin_strings_count(s: usize, sub: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('strings.count: operand 1 must be string but got ', s);
  if (typeOf(sub) != TYPE_STRING) return typeError('strings.count: operand 2 must be string but got ', sub);
  const n = stringLength(sub);
  if (n == 0) return makeInt(<i64>countCodePoints(stringBytes(s), stringLength(s)) + 1);
  let count: i64 = 0;
  let from: usize = 0;
  for (;;) {
    const at = findBytes(stringBytes(s), stringLength(s), stringBytes(sub), n, from);
    if (at < 0) break;
    count++;
    from = <usize>at + n;
  }
  return makeInt(count);
}

function mapCase(s: usize, upper: bool): usize {
  const bytes = stringBytes(s);
  const length = stringLength(s);
  if (isAscii(bytes, length)) {
    let i: usize = 0;
    // Unchanged strings are returned as they are, as OPA does.
    for (; i < length; i++) {
      const c = load<u8>(bytes + i);
      if (upper ? c >= 0x61 && c <= 0x7a : c >= 0x41 && c <= 0x5a) break;
    }
    if (i == length) return s;
    const out = alloc(length);
    memory.copy(out, bytes, i);
    for (; i < length; i++) {
      const c = load<u8>(bytes + i);
      store<u8>(out + i, upper ? (c >= 0x61 && c <= 0x7a ? c - 32 : c) : c >= 0x41 && c <= 0x5a ? c + 32 : c);
    }
    return makeString(out, length);
  }
  // A mapped code point is at most one byte longer in UTF-8 here (ı -> I shrinks, µ -> Μ grows to 2 bytes,
  // and invalid bytes become U+FFFD: 3 bytes for 1).
  const out = alloc(length * 3);
  let at: usize = 0;
  const end = bytes + length;
  let p = bytes;
  while (p < end) {
    const cp = decodeCodePoint(p, end);
    p += decodedSize();
    const mapped = caseMap(cp, upper);
    if (mapped < 0) abortWith(upper ? 'upper: unsupported character' : 'lower: unsupported character');
    at += encodeUtf8(out + at, mapped);
  }
  return makeString(out, at);
}

/** builtin_lower maps a string to lower case (Go's simple case mapping). */
export function builtin_lower(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('lower: operand 1 must be string but got ', s);
  return mapCase(s, false);
}

/** builtin_upper maps a string to upper case (Go's simple case mapping). */
export function builtin_upper(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('upper: operand 1 must be string but got ', s);
  return mapCase(s, true);
}

/** builtin_split splits `s` at every `delimiter` (an empty delimiter splits into code points). */
export function builtin_split(s: usize, delimiter: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('split: operand 1 must be string but got ', s);
  if (typeOf(delimiter) != TYPE_STRING) return typeError('split: operand 2 must be string but got ', delimiter);
  const bytes = stringBytes(s);
  const length = stringLength(s);
  const d = stringBytes(delimiter);
  const n = stringLength(delimiter);
  const result = makeCollection(TYPE_ARRAY, 0);
  if (n == 0) {
    // Go's explode: one string per UTF-8 sequence (an invalid byte on its own).
    const end = bytes + length;
    let p = bytes;
    while (p < end) {
      decodeCodePoint(p, end);
      arrayAppend(result, makeString(p, decodedSize()));
      p += decodedSize();
    }
    return result;
  }
  let from: usize = 0;
  for (;;) {
    const at = findBytes(bytes, length, d, n, from);
    if (at < 0) break;
    arrayAppend(result, makeString(bytes + from, <usize>at - from));
    from = <usize>at + n;
  }
  if (from == 0) {
    arrayAppend(result, s);
    return result;
  }
  arrayAppend(result, makeString(bytes + from, length - from));
  return result;
}

/** builtin_replace replaces every non-overlapping `old` in `s` with `new`, left to right. */
export function builtin_replace(s: usize, old: usize, replacement: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('replace: operand 1 must be string but got ', s);
  if (typeOf(old) != TYPE_STRING) return typeError('replace: operand 2 must be string but got ', old);
  if (typeOf(replacement) != TYPE_STRING) return typeError('replace: operand 3 must be string but got ', replacement);
  const bytes = stringBytes(s);
  const length = stringLength(s);
  const n = stringLength(old);
  const r = stringBytes(replacement);
  const m = stringLength(replacement);
  if (n == 0) {
    // Go's replacer inserts at every byte offset, splitting multi-byte characters: refuse those.
    if (!isAscii(bytes, length)) abortWith('replace: empty pattern in a non-ASCII string');
    const out = alloc(length + (length + 1) * m);
    let at: usize = 0;
    for (let i: usize = 0; i <= length; i++) {
      memory.copy(out + at, r, m);
      at += m;
      if (i < length) store<u8>(out + at++, load<u8>(bytes + i));
    }
    return makeString(out, at);
  }
  let count: usize = 0;
  let from: usize = 0;
  for (;;) {
    const at = findBytes(bytes, length, stringBytes(old), n, from);
    if (at < 0) break;
    count++;
    from = <usize>at + n;
  }
  if (count == 0) return s;
  const total = length - count * n + count * m;
  const out = alloc(total);
  let written: usize = 0;
  from = 0;
  for (;;) {
    const at = findBytes(bytes, length, stringBytes(old), n, from);
    if (at < 0) break;
    memory.copy(out + written, bytes + from, <usize>at - from);
    written += <usize>at - from;
    memory.copy(out + written, r, m);
    written += m;
    from = <usize>at + n;
  }
  memory.copy(out + written, bytes + from, length - from);
  return makeString(out, total);
}

/**
 * builtin_strings_replace_n replaces, left to right without overlap, the keys of `patterns` with their values;
 * at each position the first matching key in key order wins (Go's strings.NewReplacer, as OPA calls it).
 */
export function builtin_strings_replace_n(patterns: usize, s: usize): usize {
  if (typeOf(patterns) != TYPE_OBJECT)
    return typeError('strings.replace_n: operand 1 must be object but got ', patterns);
  if (typeOf(s) != TYPE_STRING) return typeError('strings.replace_n: operand 2 must be string but got ', s);
  const count = lengthOf(patterns);
  for (let i: usize = 0; i < count; i++) {
    if (typeOf(keyAt(patterns, i)) != TYPE_STRING) {
      return builtinError('strings.replace_n: operand 1 non-string key found in pattern object');
    }
    if (typeOf(valueAt(patterns, i)) != TYPE_STRING) {
      return builtinError('strings.replace_n: operand 1 non-string value found in pattern object');
    }
    if (stringLength(keyAt(patterns, i)) == 0) abortWith('strings.replace_n: empty pattern');
  }
  const bytes = stringBytes(s);
  const length = stringLength(s);
  // Room for the worst case is unknown up front: build into a growing array of pieces, then join.
  let capacity = length * 2 + 16;
  let out = alloc(capacity);
  let written: usize = 0;
  let i: usize = 0;
  while (i < length) {
    let matched = false;
    for (let k: usize = 0; k < count; k++) {
      const key = keyAt(patterns, k);
      const n = stringLength(key);
      if (n <= length - i && memory.compare(bytes + i, stringBytes(key), n) == 0) {
        const value = valueAt(patterns, k);
        const m = stringLength(value);
        if (written + m > capacity) {
          const grown = alloc((written + m) * 2);
          memory.copy(grown, out, written);
          out = grown;
          capacity = (written + m) * 2;
        }
        memory.copy(out + written, stringBytes(value), m);
        written += m;
        i += n;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (written + 1 > capacity) {
      const grown = alloc(capacity * 2);
      memory.copy(grown, out, written);
      out = grown;
      capacity *= 2;
    }
    store<u8>(out + written++, load<u8>(bytes + i));
    i++;
  }
  return makeString(out, written);
}

// Trimming. A cutset is a set of code points.

function inCutset(cp: i32, cutset: usize, cutsetLength: usize): bool {
  const end = cutset + cutsetLength;
  let p = cutset;
  while (p < end) {
    if (decodeCodePoint(p, end) == cp) return true;
    p += decodedSize();
  }
  return false;
}

/** trimmedStart is the offset of the first code point of `s` not in the cutset. */
function trimmedStart(bytes: usize, length: usize, cutset: usize, cutsetLength: usize): usize {
  const end = bytes + length;
  let p = bytes;
  while (p < end) {
    const cp = decodeCodePoint(p, end);
    if (!inCutset(cp, cutset, cutsetLength)) break;
    p += decodedSize();
  }
  return p - bytes;
}

/** trimmedEnd is the offset just past the last code point of `s` (from `start`) not in the cutset. */
function trimmedEnd(bytes: usize, start: usize, length: usize, cutset: usize, cutsetLength: usize): usize {
  let end = length;
  while (end > start) {
    // Step back to the start of the last code point.
    let p = end - 1;
    while (p > start && (load<u8>(bytes + p) & 0xc0) == 0x80 && end - p < 4) p--;
    const cp = decodeCodePoint(bytes + p, bytes + end);
    // A malformed tail decodes short: treat its last byte alone.
    if (p + decodedSize() != end) p = end - 1;
    const last = p + decodedSize() == end ? cp : 0xfffd;
    if (!inCutset(last, cutset, cutsetLength)) break;
    end = p;
  }
  return end;
}

function trimWith(s: usize, cutset: usize, left: bool, right: bool): usize {
  const bytes = stringBytes(s);
  const length = stringLength(s);
  const start = left ? trimmedStart(bytes, length, stringBytes(cutset), stringLength(cutset)) : 0;
  const end = right ? trimmedEnd(bytes, start, length, stringBytes(cutset), stringLength(cutset)) : length;
  if (start == 0 && end == length) return s;
  return makeString(bytes + start, end - start);
}

/** builtin_trim removes leading and trailing code points found in `cutset`. */
export function builtin_trim(s: usize, cutset: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim: operand 1 must be string but got ', s);
  if (typeOf(cutset) != TYPE_STRING) return typeError('trim: operand 2 must be string but got ', cutset);
  return trimWith(s, cutset, true, true);
}

/** builtin_trim_left removes leading code points found in `cutset`. */
export function builtin_trim_left(s: usize, cutset: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim_left: operand 1 must be string but got ', s);
  if (typeOf(cutset) != TYPE_STRING) return typeError('trim_left: operand 2 must be string but got ', cutset);
  return trimWith(s, cutset, true, false);
}

/** builtin_trim_right removes trailing code points found in `cutset`. */
export function builtin_trim_right(s: usize, cutset: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim_right: operand 1 must be string but got ', s);
  if (typeOf(cutset) != TYPE_STRING) return typeError('trim_right: operand 2 must be string but got ', cutset);
  return trimWith(s, cutset, false, true);
}

/** builtin_trim_prefix removes `prefix` once from the start of `s`. */
export function builtin_trim_prefix(s: usize, prefix: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim_prefix: operand 1 must be string but got ', s);
  if (typeOf(prefix) != TYPE_STRING) return typeError('trim_prefix: operand 2 must be string but got ', prefix);
  const n = stringLength(prefix);
  if (n == 0 || n > stringLength(s) || memory.compare(stringBytes(s), stringBytes(prefix), n) != 0) return s;
  return makeString(stringBytes(s) + n, stringLength(s) - n);
}

/** builtin_trim_suffix removes `suffix` once from the end of `s`. */
export function builtin_trim_suffix(s: usize, suffix: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim_suffix: operand 1 must be string but got ', s);
  if (typeOf(suffix) != TYPE_STRING) return typeError('trim_suffix: operand 2 must be string but got ', suffix);
  const n = stringLength(suffix);
  const m = stringLength(s);
  if (n == 0 || n > m || memory.compare(stringBytes(s) + m - n, stringBytes(suffix), n) != 0) return s;
  return makeString(stringBytes(s), m - n);
}

/** isSpace is Go's unicode.IsSpace. */
function isSpace(cp: i32): bool {
  if (cp <= 0xff) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0xa0;
  return (
    cp == 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp == 0x2028 ||
    cp == 0x2029 ||
    cp == 0x202f ||
    cp == 0x205f ||
    cp == 0x3000
  );
}

/** builtin_trim_space removes leading and trailing white space (Go's unicode.IsSpace). */
export function builtin_trim_space(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('trim_space: operand 1 must be string but got ', s);
  const bytes = stringBytes(s);
  const length = stringLength(s);
  const end = bytes + length;
  let p = bytes;
  while (p < end) {
    const cp = decodeCodePoint(p, end);
    if (!isSpace(cp)) break;
    p += decodedSize();
  }
  const start = p - bytes;
  let stop = length;
  while (stop > start) {
    let q = stop - 1;
    while (q > start && (load<u8>(bytes + q) & 0xc0) == 0x80 && stop - q < 4) q--;
    const cp = decodeCodePoint(bytes + q, bytes + stop);
    if (q + decodedSize() != stop || !isSpace(cp)) break;
    stop = q;
  }
  if (start == 0 && stop == length) return s;
  return makeString(bytes + start, stop - start);
}

/**
 * builtin_substring is `length` code points of `s` from code point `start` (a negative length: to the end).
 * A negative start is an error.
 */
export function builtin_substring(s: usize, start: usize, length: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('substring: operand 1 must be string but got ', s);
  if (typeOf(start) != TYPE_NUMBER) return typeError('substring: operand 2 must be number but got ', start);
  if (numberKind(start) != NUMBER_INT)
    return builtinError('substring: operand 2 must be integer number but got floating-point number');
  if (typeOf(length) != TYPE_NUMBER) return typeError('substring: operand 3 must be number but got ', length);
  if (numberKind(length) != NUMBER_INT)
    return builtinError('substring: operand 3 must be integer number but got floating-point number');
  const from = intOf(start);
  const count = intOf(length);
  if (from < 0) return builtinError('negative offset');
  const bytes = stringBytes(s);
  const size = stringLength(s);
  if (size == 0) return s;
  const ascii = isAscii(bytes, size);
  const units = ascii ? <i64>size : <i64>countCodePoints(bytes, size);
  if (from >= units) return makeString(0, 0);
  if (count < 0) {
    if (from == 0) return s;
    const offset = ascii ? <usize>from : codePointOffset(bytes, size, <usize>from);
    return makeString(bytes + offset, size - offset);
  }
  if (from == 0 && count >= units) return s;
  const upto = count > units - from ? units : from + count;
  const first = ascii ? <usize>from : codePointOffset(bytes, size, <usize>from);
  const last = ascii ? <usize>upto : codePointOffset(bytes, size, <usize>upto);
  return makeString(bytes + first, last - first);
}

/** builtin_strings_reverse reverses a string by code points. */
export function builtin_strings_reverse(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('strings.reverse: operand 1 must be string but got ', s);
  const bytes = stringBytes(s);
  const length = stringLength(s);
  const out = alloc(length);
  const end = bytes + length;
  let p = bytes;
  let at = length;
  while (p < end) {
    decodeCodePoint(p, end);
    const size = decodedSize();
    if (size == 1 && load<u8>(p) >= 0x80) abortWith('strings.reverse: invalid UTF-8');
    at -= size;
    memory.copy(out + at, p, size);
    p += size;
  }
  return makeString(out, length);
}

/** stringsOperand reads a string, or an array or set of strings, into `operandStrings`; false on a type error. */
let operandStrings: usize = 0;
let operandCount: usize = 0;
function stringsOperand(v: usize, typePrefix: string, elementPrefix: string): bool {
  const type = typeOf(v);
  if (type == TYPE_STRING) {
    operandStrings = alloc(4);
    store<u32>(operandStrings, <u32>v);
    operandCount = 1;
    return true;
  }
  if (type != TYPE_ARRAY && type != TYPE_SET) {
    typeError(typePrefix, v);
    return false;
  }
  const n = lengthOf(v);
  for (let i: usize = 0; i < n; i++) {
    const s = elementAt(v, i);
    if (typeOf(s) != TYPE_STRING) {
      elementError(elementPrefix, v, s, 'string');
      return false;
    }
  }
  operandStrings = slotsOf(v);
  operandCount = n;
  return true;
}

function anyAffixMatch(strings: usize, affixes: usize, suffix: bool): usize {
  if (!stringsOperand(strings, suffix ? SUFFIX_TYPE_1 : PREFIX_TYPE_1, suffix ? SUFFIX_ELEMENT_1 : PREFIX_ELEMENT_1))
    return 0;
  const s = operandStrings;
  const n = operandCount;
  if (!stringsOperand(affixes, suffix ? SUFFIX_TYPE_2 : PREFIX_TYPE_2, suffix ? SUFFIX_ELEMENT_2 : PREFIX_ELEMENT_2))
    return 0;
  const a = operandStrings;
  const m = operandCount;
  for (let i: usize = 0; i < n; i++) {
    const text = <usize>load<u32>(s + (i << 2));
    const length = stringLength(text);
    for (let j: usize = 0; j < m; j++) {
      const affix = <usize>load<u32>(a + (j << 2));
      const k = stringLength(affix);
      if (k > length) continue;
      const at = suffix ? stringBytes(text) + length - k : stringBytes(text);
      if (memory.compare(at, stringBytes(affix), k) == 0) return makeBoolean(true);
    }
  }
  return makeBoolean(false);
}

const PREFIX_TYPE_1 = 'strings.any_prefix_match: operand 1 must be one of {string, set, array} but got ';
const PREFIX_TYPE_2 = 'strings.any_prefix_match: operand 2 must be one of {string, set, array} but got ';
const PREFIX_ELEMENT_1 = 'strings.any_prefix_match: operand 1 must be ';
const PREFIX_ELEMENT_2 = 'strings.any_prefix_match: operand 2 must be ';
const SUFFIX_TYPE_1 = 'strings.any_suffix_match: operand 1 must be one of {string, set, array} but got ';
const SUFFIX_TYPE_2 = 'strings.any_suffix_match: operand 2 must be one of {string, set, array} but got ';
const SUFFIX_ELEMENT_1 = 'strings.any_suffix_match: operand 1 must be ';
const SUFFIX_ELEMENT_2 = 'strings.any_suffix_match: operand 2 must be ';

/** builtin_strings_any_prefix_match: some string (or one) starts with some prefix (or one). */
export function builtin_strings_any_prefix_match(strings: usize, prefixes: usize): usize {
  return anyAffixMatch(strings, prefixes, false);
}

/** builtin_strings_any_suffix_match: some string (or one) ends with some suffix (or one). */
export function builtin_strings_any_suffix_match(strings: usize, suffixes: usize): usize {
  return anyAffixMatch(strings, suffixes, true);
}

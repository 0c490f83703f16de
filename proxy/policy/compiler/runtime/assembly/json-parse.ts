// JSON text to values (`opa_json_parse`), and Rego value text to values (`opa_value_parse`: JSON plus set
// literals `{1, 2}`, `set()` and non-string object keys). The SDK parses the input document on every evaluation,
// so this is a hot path:
//   - strings without escapes are not copied: the value points into the text (the SDK never reuses it);
//   - elements are gathered on a reusable stack and each array, object or set is allocated once, at its size;
//   - string bodies are scanned eight bytes at a time.
// Any syntax error makes the whole parse return 0.

import { alloc } from './alloc';
import { sortObject, sortUnique } from './collections';
import { parseNumber } from './number-parse';
import {
  TYPE_ARRAY,
  TYPE_OBJECT,
  TYPE_SET,
  makeBoolean,
  makeCollection,
  makeInt,
  makeString,
  opa_null,
  slotsOf,
} from './values';

/** Nesting deeper than this is refused, so that hostile input cannot exhaust the wasm call stack. */
const MAX_DEPTH: i32 = 1000;

let end: usize = 0;
let pos: usize = 0;
let failed = false;
let regoSyntax = false;
let depth: i32 = 0;

// The element stack: value addresses of the collections being parsed, innermost last. It lives below the heap's
// reset point (allocated at start) and is replaced by a larger one on the heap when a document needs more.
let stack: usize = 0;
let stackCapacity: usize = 0;
let stackTop: usize = 0;

/** jsonParseInit allocates the element stack; called once from the start function. */
export function jsonParseInit(): void {
  stackCapacity = 4096;
  stack = alloc(stackCapacity << 2);
}

// @ts-ignore: decorator
@inline
function push(v: usize): void {
  if (stackTop == stackCapacity) growStack();
  store<u32>(stack + (stackTop << 2), <u32>v);
  stackTop++;
}

function growStack(): void {
  const capacity = stackCapacity << 1;
  const grown = alloc(capacity << 2);
  memory.copy(grown, stack, stackCapacity << 2);
  stack = grown;
  stackCapacity = capacity;
}

/** parseText parses the `length` bytes at `bytes` as JSON (or Rego value syntax); 0 on any error. */
export function parseText(bytes: usize, length: usize, rego: bool): usize {
  end = bytes + length;
  pos = bytes;
  failed = false;
  regoSyntax = rego;
  depth = 0;
  const savedStack = stack;
  const savedCapacity = stackCapacity;
  stackTop = 0;
  skipSpace();
  const v = parseValue();
  skipSpace();
  // A larger stack allocated for this document lives above the reset point: go back to the permanent one.
  stack = savedStack;
  stackCapacity = savedCapacity;
  if (failed || pos != end) return 0;
  return v;
}

// @ts-ignore: decorator
@inline
function fail(): usize {
  failed = true;
  pos = end;
  return 0;
}

// @ts-ignore: decorator
@inline
function skipSpace(): void {
  let p = pos;
  const e = end;
  while (p < e) {
    const c = load<u8>(p);
    if (c > 0x20 || (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09)) break;
    p++;
  }
  pos = p;
}

function parseValue(): usize {
  if (pos >= end) return fail();
  const c = load<u8>(pos);
  switch (c) {
    case 0x22:
      return parseString();
    case 0x7b:
      return parseObject();
    case 0x5b:
      return parseArray();
    case 0x74:
      return parseWord(0x65757274, makeBoolean(true)); // "true"
    case 0x66:
      if (pos + 5 <= end && load<u32>(pos + 1) == 0x65736c61) {
        // "alse"
        pos += 5;
        return makeBoolean(false);
      }
      return fail();
    case 0x6e:
      return parseWord(0x6c6c756e, opa_null()); // "null"
    case 0x73:
      // Rego's empty set: set()
      if (regoSyntax && pos + 5 <= end && load<u32>(pos) == 0x28746573 && load<u8>(pos + 4) == 0x29) {
        pos += 5;
        return makeCollection(TYPE_SET, 0);
      }
      return fail();
  }
  if (c == 0x2d || <u32>c - 48 < 10) return parseNumberToken();
  return fail();
}

function parseWord(word: u32, v: usize): usize {
  if (pos + 4 <= end && load<u32>(pos) == word) {
    pos += 4;
    return v;
  }
  return fail();
}

function parseNumberToken(): usize {
  const start = pos;
  const e = end;
  let p = start;
  // Fast path: a short integer is read while it is scanned.
  const negative = load<u8>(p) == 0x2d;
  if (negative) p++;
  const digitsStart = p;
  let n: i64 = 0;
  while (p < e) {
    const d = <u32>load<u8>(p) - 48;
    if (d >= 10) break;
    n = n * 10 + <i64>d;
    p++;
  }
  const digits = p - digitsStart;
  const next = p < e ? load<u8>(p) : 0;
  if (
    digits > 0 &&
    digits <= 18 &&
    (digits == 1 || load<u8>(digitsStart) != 48) &&
    next != 0x2e &&
    (next | 0x20) != 0x65
  ) {
    pos = p;
    return makeInt(negative ? -n : n);
  }
  // Everything else: find the token's end; parseNumber checks the grammar.
  while (p < e) {
    const c = load<u8>(p);
    if (<u32>c - 48 < 10 || c == 0x2d || c == 0x2b || c == 0x2e || (c | 0x20) == 0x65) p++;
    else break;
  }
  pos = p;
  const v = parseNumber(start, p - start);
  if (v == 0) return fail();
  return v;
}

// SWAR helpers: a byte of `w` is '"', '\\' or a control character (< 0x20).
// @ts-ignore: decorator
@inline
function hasSpecialByte(w: u64): bool {
  const ones: u64 = 0x0101010101010101;
  const highs: u64 = 0x8080808080808080;
  const quote = w ^ 0x2222222222222222;
  const slash = w ^ 0x5c5c5c5c5c5c5c5c;
  const zeroQuote = (quote - ones) & ~quote;
  const zeroSlash = (slash - ones) & ~slash;
  const control = (w - 0x2020202020202020) & ~w;
  return ((zeroQuote | zeroSlash | control) & highs) != 0;
}

function parseString(): usize {
  const start = pos + 1; // past the opening quote
  const e = end;
  let p = start;
  // Find the closing quote; most strings have no escapes.
  while (p + 8 <= e && !hasSpecialByte(load<u64>(p))) p += 8;
  while (p < e) {
    const c = load<u8>(p);
    if (c == 0x22) {
      pos = p + 1;
      return makeString(start, p - start);
    }
    if (c == 0x5c) {
      pos = p;
      return parseEscapedString(start);
    }
    if (c < 0x20) return fail();
    p++;
  }
  return fail();
}

/** parseEscapedString decodes a string with escapes into a new buffer; `pos` is at the first backslash. */
function parseEscapedString(start: usize): usize {
  // The decoded text is never longer than the escaped text; find the end first to size the buffer.
  let scan = pos;
  while (scan < end) {
    const c = load<u8>(scan);
    if (c == 0x22) break;
    scan += c == 0x5c ? 2 : 1;
  }
  if (scan >= end) return fail();
  const out = alloc(scan - start);
  let length = pos - start;
  memory.copy(out, start, length);
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 0x22) {
      pos++;
      return makeString(out, length);
    }
    if (c < 0x20) return fail();
    if (c != 0x5c) {
      store<u8>(out + length++, c);
      pos++;
      continue;
    }
    if (pos + 1 >= end) return fail();
    const e = load<u8>(pos + 1);
    pos += 2;
    let decoded: i32 = -1;
    switch (e) {
      case 0x22:
        decoded = 0x22;
        break;
      case 0x5c:
        decoded = 0x5c;
        break;
      case 0x2f:
        decoded = 0x2f;
        break;
      case 0x62:
        decoded = 0x08;
        break;
      case 0x66:
        decoded = 0x0c;
        break;
      case 0x6e:
        decoded = 0x0a;
        break;
      case 0x72:
        decoded = 0x0d;
        break;
      case 0x74:
        decoded = 0x09;
        break;
      case 0x75: {
        let cp = readHex4();
        if (cp < 0) return fail();
        if (cp >= 0xd800 && cp < 0xdc00) {
          // A high surrogate: combine with a following low surrogate, else it stands for U+FFFD.
          if (pos + 6 <= end && load<u8>(pos) == 0x5c && load<u8>(pos + 1) == 0x75) {
            const saved = pos;
            pos += 2;
            const low = readHex4();
            if (low >= 0xdc00 && low < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            else {
              pos = saved;
              cp = 0xfffd;
            }
          } else {
            cp = 0xfffd;
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        length += encodeUtf8(out + length, cp);
        continue;
      }
      default:
        return fail();
    }
    store<u8>(out + length++, <u8>decoded);
  }
  return fail();
}

function readHex4(): i32 {
  if (pos + 4 > end) return -1;
  let v: i32 = 0;
  for (let i = 0; i < 4; i++) {
    const c = <i32>load<u8>(pos + <usize>i);
    let d: i32;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return -1;
    v = (v << 4) | d;
  }
  pos += 4;
  return v;
}

/** encodeUtf8 writes code point `cp` as UTF-8 at `out`; returns the byte count. */
export function encodeUtf8(out: usize, cp: i32): usize {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 0x3f)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 0x3f)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 0x3f)));
  return 4;
}

/** finish makes a collection of `type` from the stack entries above `base` (pairs for objects). */
function finish(type: u8, base: usize, count: usize): usize {
  const v = makeCollection(type, count);
  const slotCount = type == TYPE_OBJECT ? count << 1 : count;
  if (count > 0) memory.copy(slotsOf(v), stack + (base << 2), slotCount << 2);
  store<u32>(v, <u32>count, 4);
  stackTop = base;
  return v;
}

function parseArray(): usize {
  if (++depth > MAX_DEPTH) return fail();
  pos++;
  const base = stackTop;
  skipSpace();
  if (pos < end && load<u8>(pos) == 0x5d) {
    pos++;
    depth--;
    return finish(TYPE_ARRAY, base, 0);
  }
  for (;;) {
    const v = parseValue();
    if (failed) return 0;
    push(v);
    skipSpace();
    if (pos >= end) return fail();
    const c = load<u8>(pos++);
    if (c == 0x5d) break;
    if (c != 0x2c) return fail();
    skipSpace();
    // Rego, unlike JSON, allows a comma after the last element.
    if (regoSyntax && pos < end && load<u8>(pos) == 0x5d) {
      pos++;
      break;
    }
  }
  depth--;
  return finish(TYPE_ARRAY, base, stackTop - base);
}

function parseObject(): usize {
  if (++depth > MAX_DEPTH) return fail();
  pos++;
  const base = stackTop;
  skipSpace();
  if (pos < end && load<u8>(pos) == 0x7d) {
    pos++;
    depth--;
    return finish(TYPE_OBJECT, base, 0);
  }
  let isSet = false;
  let first = true;
  for (;;) {
    if (!regoSyntax && (pos >= end || load<u8>(pos) != 0x22)) return fail();
    const key = parseValue();
    if (failed) return 0;
    push(key);
    skipSpace();
    if (pos >= end) return fail();
    let c = load<u8>(pos++);
    if (first && regoSyntax && (c == 0x2c || c == 0x7d)) isSet = true;
    first = false;
    if (!isSet) {
      if (c != 0x3a) return fail();
      skipSpace();
      const v = parseValue();
      if (failed) return 0;
      push(v);
      skipSpace();
      if (pos >= end) return fail();
      c = load<u8>(pos++);
    }
    if (c == 0x7d) break;
    if (c != 0x2c) return fail();
    skipSpace();
    if (regoSyntax && pos < end && load<u8>(pos) == 0x7d) {
      pos++;
      break;
    }
  }
  depth--;
  if (isSet) {
    const s = finish(TYPE_SET, base, stackTop - base);
    sortUnique(s);
    return s;
  }
  const o = finish(TYPE_OBJECT, base, (stackTop - base) >> 1);
  sortObject(o);
  return o;
}

// The typed bridge to host built-ins (the host side is builtins/host/codec.ts). The SDK hands a host built-in the
// JSON text of each argument (`opa_json_dump`, then `JSON.parse`) and reads its answer with `opa_json_parse`. Plain
// JSON would lose sets, non-string object keys and the digits of numbers a double cannot hold, so `airlock_call_host`
// passes arguments in a tagged form and reads the answer back from it:
//
//   {"$airlock.set": [m1, m2, …]}        a set, members in OPA's order
//   {"$airlock.object": [[k1, v1], …]}   an object with a non-string key, or a key starting "$airlock."
//   {"$airlock.number": "123…"}          an integer beyond ±(2^53 - 1), or a number kept as its decimal text
//
// A value with nothing to tag is passed as it is: a copy is made only along the path to something that changes.
// Only answers from host built-ins are read this way; the input and data documents are plain JSON, always.

import { abortWith } from './abort';
import { alloc } from './alloc';
import { arrayAppend, copyCollection, objectInsert, setAdd } from './collections';
import { formatInt } from './number-format';
import { parseNumber } from './number-parse';
import {
  NUMBER_INT,
  NUMBER_REF,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  elementAt,
  floatLiteralLength,
  floatOf,
  intOf,
  keyAt,
  lengthOf,
  makeCollection,
  makeString,
  numberKind,
  numberTextLength,
  numberTextOf,
  slotsOf,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from './values';

// "$airlock.set$airlock.object$airlock.number": the three tags, each starting with the 9-byte prefix "$airlock.".
// @ts-ignore: decorator
@lazy
const TAGS = memory.data<u8>([
  0x24, 0x61, 0x69, 0x72, 0x6c, 0x6f, 0x63, 0x6b, 0x2e, 0x73, 0x65, 0x74,
  0x24, 0x61, 0x69, 0x72, 0x6c, 0x6f, 0x63, 0x6b, 0x2e, 0x6f, 0x62, 0x6a, 0x65, 0x63, 0x74,
  0x24, 0x61, 0x69, 0x72, 0x6c, 0x6f, 0x63, 0x6b, 0x2e, 0x6e, 0x75, 0x6d, 0x62, 0x65, 0x72,
]);
const TAG_PREFIX_LENGTH: usize = 9;
const SET_TAG: usize = 0;
const SET_TAG_LENGTH: usize = 12;
const OBJECT_TAG: usize = 12;
const OBJECT_TAG_LENGTH: usize = 15;
const NUMBER_TAG: usize = 27;
const NUMBER_TAG_LENGTH: usize = 15;

/** JavaScript's Number.MAX_SAFE_INTEGER: integers beyond it may not survive `JSON.parse` on the host. */
const MAX_SAFE_INTEGER: i64 = 9007199254740991;

/** hasTagPrefix reports whether string `s` starts with "$airlock.". */
// @ts-ignore: decorator
@inline
function hasTagPrefix(s: usize): bool {
  return (
    stringLength(s) >= TAG_PREFIX_LENGTH &&
    load<u8>(stringBytes(s)) == 0x24 &&
    memory.compare(stringBytes(s), TAGS, TAG_PREFIX_LENGTH) == 0
  );
}

/** isTag reports whether string `s` is the tag at `offset` in TAGS, `length` bytes long. */
function isTag(s: usize, offset: usize, length: usize): bool {
  return stringLength(s) == length && memory.compare(stringBytes(s), TAGS + offset, length) == 0;
}

/** tagged makes `{"<tag>": v}`. */
function tagged(offset: usize, length: usize, v: usize): usize {
  const o = makeCollection(TYPE_OBJECT, 1);
  store<u32>(slotsOf(o), <u32>makeString(TAGS + offset, length));
  store<u32>(slotsOf(o), <u32>v, 4);
  store<u32>(o, 1, 4);
  return o;
}

/** encodeArgument returns `v` in the tagged form; `v` itself when nothing inside it needs a tag. */
export function encodeArgument(v: usize): usize {
  switch (typeOf(v)) {
    case TYPE_NUMBER:
      return encodeNumber(v);
    case TYPE_ARRAY:
      return encodeArray(v);
    case TYPE_OBJECT:
      return encodeObject(v);
    case TYPE_SET:
      return encodeSet(v);
  }
  return v;
}

function encodeNumber(v: usize): usize {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    const n = intOf(v);
    if (n >= -MAX_SAFE_INTEGER && n <= MAX_SAFE_INTEGER) return v;
    const text = alloc(20);
    return tagged(NUMBER_TAG, NUMBER_TAG_LENGTH, makeString(text, formatInt(n, text)));
  }
  if (kind == NUMBER_REF) return tagged(NUMBER_TAG, NUMBER_TAG_LENGTH, makeString(numberTextOf(v), numberTextLength(v)));
  // A float reads back on the host as the same f64, but an integer literal too long for an i64 that the f64 only
  // approximates (100000000000000000000000) is an integer to OPA: send its digits.
  const length = floatLiteralLength(v);
  if (length != 0 && abs(floatOf(v)) > <f64>MAX_SAFE_INTEGER && isIntegerText(numberTextOf(v), length)) {
    return tagged(NUMBER_TAG, NUMBER_TAG_LENGTH, makeString(numberTextOf(v), length));
  }
  return v;
}

/** isIntegerText reports whether the `length` bytes at `text` are an optional '-' and digits only. */
function isIntegerText(text: usize, length: usize): bool {
  for (let i: usize = load<u8>(text) == 0x2d ? 1 : 0; i < length; i++) {
    if (<u32>load<u8>(text + i) - 48 >= 10) return false;
  }
  return true;
}

function encodeArray(a: usize): usize {
  const n = lengthOf(a);
  let copy: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const element = elementAt(a, i);
    const encoded = encodeArgument(element);
    if (encoded == element) continue;
    if (copy == 0) copy = copyCollection(a, 0);
    store<u32>(slotsOf(copy) + (i << 2), <u32>encoded);
  }
  return copy != 0 ? copy : a;
}

function encodeObject(o: usize): usize {
  const n = lengthOf(o);
  if (n == 0) return o;
  // Keys are sorted, strings between the scalars and the composites: the first and last key tell.
  if (typeOf(keyAt(o, 0)) != TYPE_STRING || typeOf(keyAt(o, n - 1)) != TYPE_STRING) return encodeTaggedObject(o);
  let copy: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    if (hasTagPrefix(keyAt(o, i))) return encodeTaggedObject(o);
    const value = valueAt(o, i);
    const encoded = encodeArgument(value);
    if (encoded == value) continue;
    if (copy == 0) copy = copyCollection(o, 0);
    store<u32>(slotsOf(copy) + (i << 3), <u32>encoded, 4);
  }
  return copy != 0 ? copy : o;
}

function encodeTaggedObject(o: usize): usize {
  const n = lengthOf(o);
  const pairs = makeCollection(TYPE_ARRAY, n);
  for (let i: usize = 0; i < n; i++) {
    const pair = makeCollection(TYPE_ARRAY, 2);
    arrayAppend(pair, encodeArgument(keyAt(o, i)));
    arrayAppend(pair, encodeArgument(valueAt(o, i)));
    arrayAppend(pairs, pair);
  }
  return tagged(OBJECT_TAG, OBJECT_TAG_LENGTH, pairs);
}

function encodeSet(s: usize): usize {
  const n = lengthOf(s);
  const members = makeCollection(TYPE_ARRAY, n);
  for (let i: usize = 0; i < n; i++) arrayAppend(members, encodeArgument(elementAt(s, i)));
  return tagged(SET_TAG, SET_TAG_LENGTH, members);
}

/**
 * decodeResult turns the tagged forms in a host built-in's answer (as `opa_json_parse` read it: no sets, string
 * keys only) back into sets, objects with any keys and exact numbers; `v` itself when it holds no tag. A key
 * starting "$airlock." that is not one well-formed tag aborts: the host escapes every genuine one.
 */
export function decodeResult(v: usize): usize {
  const type = typeOf(v);
  if (type == TYPE_ARRAY) return decodeArray(v);
  if (type == TYPE_OBJECT) return decodeObject(v);
  return v;
}

function decodeArray(a: usize): usize {
  const n = lengthOf(a);
  let copy: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const element = elementAt(a, i);
    const decoded = decodeResult(element);
    if (decoded == element) continue;
    if (copy == 0) copy = copyCollection(a, 0);
    store<u32>(slotsOf(copy) + (i << 2), <u32>decoded);
  }
  return copy != 0 ? copy : a;
}

function decodeObject(o: usize): usize {
  const n = lengthOf(o);
  let copy: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const key = keyAt(o, i);
    if (hasTagPrefix(key)) {
      if (n != 1) malformed();
      return decodeTagged(key, valueAt(o, 0));
    }
    const value = valueAt(o, i);
    const decoded = decodeResult(value);
    if (decoded == value) continue;
    if (copy == 0) copy = copyCollection(o, 0);
    store<u32>(slotsOf(copy) + (i << 3), <u32>decoded, 4);
  }
  return copy != 0 ? copy : o;
}

function decodeTagged(tag: usize, v: usize): usize {
  if (isTag(tag, SET_TAG, SET_TAG_LENGTH) && typeOf(v) == TYPE_ARRAY) {
    const n = lengthOf(v);
    const s = makeCollection(TYPE_SET, n);
    for (let i: usize = 0; i < n; i++) setAdd(s, decodeResult(elementAt(v, i)));
    return s;
  }
  if (isTag(tag, OBJECT_TAG, OBJECT_TAG_LENGTH) && typeOf(v) == TYPE_ARRAY) {
    const n = lengthOf(v);
    const o = makeCollection(TYPE_OBJECT, n);
    for (let i: usize = 0; i < n; i++) {
      const pair = elementAt(v, i);
      if (typeOf(pair) != TYPE_ARRAY || lengthOf(pair) != 2) malformed();
      objectInsert(o, decodeResult(elementAt(pair, 0)), decodeResult(elementAt(pair, 1)));
    }
    return o;
  }
  if (isTag(tag, NUMBER_TAG, NUMBER_TAG_LENGTH) && typeOf(v) == TYPE_STRING) {
    const n = parseNumber(stringBytes(v), stringLength(v));
    if (n != 0) return n;
  }
  malformed();
  return 0;
}

function malformed(): void {
  abortWith('internal: a host built-in answered with a malformed tagged value');
}

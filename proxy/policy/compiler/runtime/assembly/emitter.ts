// The exports the emitted policy code calls (see the table in ../README.md). They take and return value
// addresses; 0 is undefined.

import { abortWith } from './abort';
import { arrayAppend, objectGet, objectInsert, search, setAdd } from './collections';
import { compareValues, equalValues } from './compare';
import { decodeResult, encodeArgument } from './host-bridge';
import { opa_builtin0, opa_builtin1, opa_builtin2, opa_builtin3, opa_builtin4, opa_println } from './env';
import { parseNumber } from './number-parse';
import { mergeObjects, valueWith } from './paths';
import { countCodePoints } from './utf8';
import {
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  elementAt,
  intOf,
  keyAt,
  lengthOf,
  makeInt,
  numberKind,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from './values';

/** opa_number_ref makes a number from its decimal text (kept exactly when an i64 or f64 cannot hold it). */
export function opa_number_ref(text: usize, length: usize): usize {
  const v = parseNumber(text, length);
  if (v == 0) abortWith('internal: illegal number literal');
  return v;
}

/** opa_value_get returns an object's member, an array's element (key: an integer) or a set's member; or 0. */
export function opa_value_get(v: usize, key: usize): usize {
  const type = typeOf(v);
  if (type == TYPE_OBJECT) return objectGet(v, key);
  if (type == TYPE_ARRAY) {
    if (typeOf(key) != TYPE_NUMBER || numberKind(key) != NUMBER_INT) return 0;
    const i = intOf(key);
    if (i < 0 || i >= <i64>lengthOf(v)) return 0;
    return elementAt(v, <usize>i);
  }
  if (type == TYPE_SET) {
    const i = search(v, key);
    return i >= 0 ? elementAt(v, <usize>i) : 0;
  }
  return 0;
}

/** opa_value_length counts a string's code points, or an array's, object's or set's entries; else 0. */
export function opa_value_length(v: usize): i32 {
  const type = typeOf(v);
  if (type == TYPE_STRING) return <i32>countCodePoints(stringBytes(v), stringLength(v));
  if (type >= TYPE_ARRAY) return <i32>lengthOf(v);
  return 0;
}

/** opa_value_compare orders two values in OPA's total order: -1, 0 or 1. */
export function opa_value_compare(a: usize, b: usize): i32 {
  return compareValues(a, b);
}

/** opa_value_equal returns 1 when the values are equal (numbers by value), else 0. */
export function opa_value_equal(a: usize, b: usize): i32 {
  return equalValues(a, b) ? 1 : 0;
}

/** opa_array_append appends `v` to array `a`. */
export function opa_array_append(a: usize, v: usize): void {
  arrayAppend(a, v);
}

/** opa_object_insert sets `key` to `v` in object `o`. */
export function opa_object_insert(o: usize, key: usize, v: usize): void {
  objectInsert(o, key, v);
}

/** airlock_object_insert_once inserts `key`: 0 when inserted or already equal, 1 on a conflicting value. */
export function airlock_object_insert_once(o: usize, key: usize, v: usize): i32 {
  const existing = objectGet(o, key);
  if (existing == 0) {
    objectInsert(o, key, v);
    return 0;
  }
  return equalValues(existing, v) ? 0 : 1;
}

/** opa_set_add adds `v` to set `s`. */
export function opa_set_add(s: usize, v: usize): void {
  setAdd(s, v);
}

/** opa_value_merge deep-merges two objects (`a` wins on conflicts); 0 if either is not an object. */
export function opa_value_merge(a: usize, b: usize): usize {
  if (a == 0 || b == 0) return 0;
  return mergeObjects(a, b);
}

/** airlock_scan_key is the key of entry `i` of an array (its index), object or set (the member); else 0. */
export function airlock_scan_key(v: usize, i: i32): usize {
  const type = typeOf(v);
  if (type < TYPE_ARRAY || <u32>i >= <u32>lengthOf(v)) return 0;
  if (type == TYPE_ARRAY) return makeInt(<i64>i);
  if (type == TYPE_OBJECT) return keyAt(v, <usize>i);
  return elementAt(v, <usize>i);
}

/** airlock_scan_value is the value of entry `i` of an array, object or set (the member); else 0. */
export function airlock_scan_value(v: usize, i: i32): usize {
  const type = typeOf(v);
  if (type < TYPE_ARRAY || <u32>i >= <u32>lengthOf(v)) return 0;
  if (type == TYPE_OBJECT) return valueAt(v, <usize>i);
  return elementAt(v, <usize>i);
}

/** airlock_value_with returns a copy of `base` (0: `{}`) with `v` at `path`, an array of keys. */
export function airlock_value_with(base: usize, path: usize, v: usize): usize {
  if (typeOf(path) != TYPE_ARRAY) abortWith('internal: with path is not an array');
  return valueWith(base, path, 0, v);
}

/**
 * airlock_call_host calls host built-in `id` with `argc` arguments through `env.opa_builtin<argc>`; unused arguments
 * are 0. Arguments go out and the answer comes back in the typed bridge's form (host-bridge.ts). Returns the
 * answer, 0 for undefined.
 */
export function airlock_call_host(id: i32, argc: i32, a: usize, b: usize, c: usize, d: usize): usize {
  let result: usize = 0;
  switch (argc) {
    case 0:
      result = opa_builtin0(id, 0);
      break;
    case 1:
      result = opa_builtin1(id, 0, encodeArgument(a));
      break;
    case 2:
      result = opa_builtin2(id, 0, encodeArgument(a), encodeArgument(b));
      break;
    case 3:
      result = opa_builtin3(id, 0, encodeArgument(a), encodeArgument(b), encodeArgument(c));
      break;
    case 4:
      result = opa_builtin4(id, 0, encodeArgument(a), encodeArgument(b), encodeArgument(c), encodeArgument(d));
      break;
    default:
      abortWith('internal: too many built-in call arguments');
  }
  return result != 0 ? decodeResult(result) : 0;
}

/** airlock_println prints the NUL-terminated text at `text` through the host (debugging). */
export function airlock_println(text: usize): void {
  opa_println(text);
}

// OPA's total order over values, and equality. Types order null < boolean < number < string < array < object <
// set; numbers by value (1 == 1.0); strings by their UTF-8 bytes; arrays element-wise, then by length; objects
// and sets entry by entry in their sorted order (key, then value), then by length.

import { compareDecimals, decimalOf } from './number-decimal';
import { digitsToF64 } from './number-parse';
import { scanNumber, scannedDigitCount, scannedDigits, scannedNegative, scannedPoint } from './number-parse';
import {
  NUMBER_FLOAT,
  NUMBER_INT,
  NUMBER_REF,
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  elementAt,
  floatOf,
  intOf,
  keyAt,
  lengthOf,
  numberKind,
  numberTextLength,
  numberTextOf,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from './values';

/**
 * compareFirstDifference orders two different 8-byte words loaded little-endian by their first differing byte
 * in memory, the lowest one that differs (wasm has no byte swap: find the byte instead of swapping both words).
 */
// @ts-ignore: decorator
@inline
function compareFirstDifference(x: u64, y: u64): i32 {
  const shift = ctz<u64>(x ^ y) & ~(<u64>7);
  return ((x >> shift) & 0xff) < ((y >> shift) & 0xff) ? -1 : 1;
}

/** compareBytes orders two byte strings as Go orders strings: bytewise, a prefix first. */
export function compareBytes(a: usize, aLength: usize, b: usize, bLength: usize): i32 {
  const common = aLength < bLength ? aLength : bLength;
  let i: usize = 0;
  while (i + 8 <= common) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    if (x != y) return compareFirstDifference(x, y);
    i += 8;
  }
  while (i < common) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
    i++;
  }
  if (aLength == bLength) return 0;
  return aLength < bLength ? -1 : 1;
}

/**
 * compareStrings orders two string values. Most strings compared (object keys, set members) differ in their first
 * eight bytes, or first byte when shorter: that decides here, without the call and loop of compareBytes.
 */
// @ts-ignore: decorator
@inline
export function compareStrings(a: usize, b: usize): i32 {
  const aBytes = stringBytes(a);
  const bBytes = stringBytes(b);
  const aLength = stringLength(a);
  const bLength = stringLength(b);
  if (aLength >= 8 && bLength >= 8) {
    const x = load<u64>(aBytes);
    const y = load<u64>(bBytes);
    if (x != y) return compareFirstDifference(x, y);
  } else if (aLength != 0 && bLength != 0) {
    const x = load<u8>(aBytes);
    const y = load<u8>(bBytes);
    if (x != y) return x < y ? -1 : 1;
  }
  return compareBytes(aBytes, aLength, bBytes, bLength);
}

/** compareIntFloat orders an i64 and a finite f64 exactly. */
function compareIntFloat(i: i64, f: f64): i32 {
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  const t = <i64>f;
  if (i != t) return i < t ? -1 : 1;
  const fraction = f - <f64>t;
  return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

/** hasPoint reports whether the text of number `v` (kept as text) has a decimal point. */
function hasPoint(v: usize): bool {
  const text = numberTextOf(v);
  const length = numberTextLength(v);
  for (let i: usize = 0; i < length; i++) if (load<u8>(text + i) == 0x2e) return true;
  return false;
}

/** textToF64 is the f64 nearest to the number `v` kept as text. */
function textToF64(v: usize): f64 {
  scanNumber(numberTextOf(v), numberTextLength(v));
  return digitsToF64(scannedNegative(), scannedDigits(), scannedDigitCount(), scannedPoint());
}

/** compareNumbers orders two numbers by value. */
export function compareNumbers(a: usize, b: usize): i32 {
  const ka = numberKind(a);
  const kb = numberKind(b);
  if (ka == NUMBER_INT && kb == NUMBER_INT) {
    const x = intOf(a);
    const y = intOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka == NUMBER_FLOAT && kb == NUMBER_FLOAT) {
    const x = floatOf(a);
    const y = floatOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka == NUMBER_INT && kb == NUMBER_FLOAT) return compareIntFloat(intOf(a), floatOf(b));
  if (ka == NUMBER_FLOAT && kb == NUMBER_INT) return -compareIntFloat(intOf(b), floatOf(a));
  // A number kept as text is involved. OPA compares such numbers exactly, except that two numbers written with
  // a decimal point are equal when they are the same f64.
  const pointA = ka == NUMBER_FLOAT || (ka == NUMBER_REF && hasPoint(a));
  const pointB = kb == NUMBER_FLOAT || (kb == NUMBER_REF && hasPoint(b));
  if (pointA && pointB) {
    const x = ka == NUMBER_FLOAT ? floatOf(a) : textToF64(a);
    const y = kb == NUMBER_FLOAT ? floatOf(b) : textToF64(b);
    if (x == y && isFinite(x)) return 0;
  }
  return compareDecimals(decimalOf(a), decimalOf(b));
}

/** compareValues orders two values in OPA's total order: -1, 0 or 1. */
export function compareValues(a: usize, b: usize): i32 {
  if (a == b) return 0;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TYPE_BOOLEAN: {
      const x = load<u8>(a, 1);
      const y = load<u8>(b, 1);
      return x == y ? 0 : x < y ? -1 : 1;
    }
    case TYPE_NUMBER:
      return compareNumbers(a, b);
    case TYPE_STRING:
      return compareStrings(a, b);
    case TYPE_ARRAY:
    case TYPE_SET: {
      const n = lengthOf(a);
      const m = lengthOf(b);
      const common = n < m ? n : m;
      for (let i: usize = 0; i < common; i++) {
        const c = compareValues(elementAt(a, i), elementAt(b, i));
        if (c != 0) return c;
      }
      return n == m ? 0 : n < m ? -1 : 1;
    }
    case TYPE_OBJECT: {
      const n = lengthOf(a);
      const m = lengthOf(b);
      const common = n < m ? n : m;
      for (let i: usize = 0; i < common; i++) {
        let c = compareValues(keyAt(a, i), keyAt(b, i));
        if (c != 0) return c;
        c = compareValues(valueAt(a, i), valueAt(b, i));
        if (c != 0) return c;
      }
      return n == m ? 0 : n < m ? -1 : 1;
    }
  }
  return 0;
}

/** equalValues reports whether two values are equal (numbers by value). */
export function equalValues(a: usize, b: usize): bool {
  if (a == b) return true;
  const ta = typeOf(a);
  if (ta != typeOf(b)) return false;
  switch (ta) {
    case TYPE_BOOLEAN:
      return load<u8>(a, 1) == load<u8>(b, 1);
    case TYPE_NUMBER:
      if (numberKind(a) == NUMBER_INT && numberKind(b) == NUMBER_INT) return intOf(a) == intOf(b);
      return compareNumbers(a, b) == 0;
    case TYPE_STRING: {
      const n = stringLength(a);
      return n == stringLength(b) && compareBytes(stringBytes(a), n, stringBytes(b), n) == 0;
    }
    case TYPE_ARRAY:
    case TYPE_SET: {
      const n = lengthOf(a);
      if (n != lengthOf(b)) return false;
      for (let i: usize = 0; i < n; i++) if (!equalValues(elementAt(a, i), elementAt(b, i))) return false;
      return true;
    }
    case TYPE_OBJECT: {
      const n = lengthOf(a);
      if (n != lengthOf(b)) return false;
      for (let i: usize = 0; i < n; i++) {
        if (!equalValues(keyAt(a, i), keyAt(b, i)) || !equalValues(valueAt(a, i), valueAt(b, i))) return false;
      }
      return true;
    }
  }
  return true;
}

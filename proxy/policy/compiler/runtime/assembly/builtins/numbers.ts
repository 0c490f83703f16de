// Number built-ins (OPA's numbers.go, casts.go, and format_int from strings.go).

import { abortWith } from '../abort';
import { alloc } from '../alloc';
import { decimalOf } from '../number-decimal';
import { parseNumber } from '../number-parse';
import {
  NUMBER_FLOAT,
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_STRING,
  booleanOf,
  floatOf,
  intOf,
  makeCollection,
  makeInt,
  makeString,
  numberKind,
  slotsOf,
  stringBytes,
  stringLength,
  typeOf,
} from '../values';
import { builtinError, typeError } from './errors';

/** Ranges longer than this abort rather than exhaust memory (OPA would run until cancelled). */
const MAX_RANGE: i64 = 10000000;

/** integerOf returns the integer value of `v` (ints, and floats with no fraction); sets `integerOk`. */
let integerOk = false;
function integerOf(v: usize): i64 {
  integerOk = false;
  if (typeOf(v) != TYPE_NUMBER) return 0;
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    integerOk = true;
    return intOf(v);
  }
  if (kind == NUMBER_FLOAT) {
    const f = floatOf(v);
    if (f == Math.trunc(f) && abs(f) < 9.2e18) {
      integerOk = true;
      return <i64>f;
    }
  }
  return 0;
}

function range(from: i64, to: i64, step: i64): usize {
  const span = from <= to ? to - from : from - to;
  if (span / step >= MAX_RANGE) abortWith('numbers.range: range too large');
  const count = <usize>(span / step + 1);
  const result = makeCollection(TYPE_ARRAY, count);
  const out = slotsOf(result);
  let n = from;
  for (let i: usize = 0; i < count; i++) {
    store<u32>(out + (i << 2), <u32>makeInt(n));
    n = from <= to ? n + step : n - step;
  }
  store<u32>(result, <u32>count, 4);
  return result;
}

/** builtin_numbers_range is the integers from `a` to `b` inclusive, counting up or down. */
export function builtin_numbers_range(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('numbers.range: operand 1 must be integer but got ', a);
  const from = integerOf(a);
  if (!integerOk) return builtinError('numbers.range: operand 1 must be integer number but got floating-point number');
  if (typeOf(b) != TYPE_NUMBER) return typeError('numbers.range: operand 2 must be integer but got ', b);
  const to = integerOf(b);
  if (!integerOk) return builtinError('numbers.range: operand 2 must be integer number but got floating-point number');
  return range(from, to, 1);
}

/** builtin_numbers_range_step is the integers from `a` to `b` inclusive, `step` apart. */
export function builtin_numbers_range_step(a: usize, b: usize, step: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('numbers.range_step: operand 1 must be integer but got ', a);
  const from = integerOf(a);
  if (!integerOk)
    return builtinError('numbers.range_step: operand 1 must be integer number but got floating-point number');
  if (typeOf(b) != TYPE_NUMBER) return typeError('numbers.range_step: operand 2 must be integer but got ', b);
  const to = integerOf(b);
  if (!integerOk)
    return builtinError('numbers.range_step: operand 2 must be integer number but got floating-point number');
  if (typeOf(step) != TYPE_NUMBER) return typeError('numbers.range_step: operand 3 must be integer but got ', step);
  const by = integerOf(step);
  if (!integerOk)
    return builtinError('numbers.range_step: operand 3 must be integer number but got floating-point number');
  if (by <= 0) return builtinError('numbers.range_step: step must be a positive integer');
  return range(from, to, by);
}

/**
 * builtin_to_number converts null (0), booleans (0, 1), numbers and number strings. Strings are read as Go's
 * strconv.ParseFloat reads them (a sign, ".5", "5.", exponents), refusing infinities, NaN and out-of-range values.
 */
export function builtin_to_number(v: usize): usize {
  const type = typeOf(v);
  if (type == TYPE_NULL) return makeInt(0);
  if (type == TYPE_BOOLEAN) return makeInt(booleanOf(v) ? 1 : 0);
  if (type == TYPE_NUMBER) return v;
  if (type != TYPE_STRING)
    return typeError('to_number: operand 1 must be one of {null, boolean, number, string} but got ', v);
  const bytes = stringBytes(v);
  const length = stringLength(v);
  const n = parseNumber(bytes, length);
  if (n != 0) return numberInRange(n);
  // Not JSON syntax: accept Go's other decimal forms by rewriting them ("+5" -> "5", ".5" -> "0.5", "5." -> "5").
  let mantissaDigits = 0;
  for (let k: usize = 0; k < length; k++) {
    const c = load<u8>(bytes + k);
    if ((c | 0x20) == 0x65) break;
    if (<u32>c - 48 < 10) mantissaDigits++;
    // Hexadecimal floats and digit separators: Go reads some of them; refuse rather than guess.
    if ((c | 0x20) == 0x78 || (c | 0x20) == 0x70 || c == 0x5f) abortWith('to_number: unsupported number syntax');
  }
  if (mantissaDigits == 0) return builtinError('to_number: invalid syntax');
  const text = alloc(length + 2);
  let out: usize = 0;
  let i: usize = 0;
  if (i < length && (load<u8>(bytes) == 0x2b || load<u8>(bytes) == 0x2d)) {
    if (load<u8>(bytes) == 0x2d) store<u8>(text + out++, 0x2d);
    i++;
  }
  if (i < length && load<u8>(bytes + i) == 0x2e) store<u8>(text + out++, 0x30);
  // Leading zeros ("007") are fine for Go but not for JSON.
  while (i + 1 < length && load<u8>(bytes + i) == 0x30 && <u32>load<u8>(bytes + i + 1) - 48 < 10) i++;
  for (; i < length; i++) {
    const c = load<u8>(bytes + i);
    store<u8>(text + out++, c);
    if (c == 0x2e && (i + 1 == length || <u32>load<u8>(bytes + i + 1) - 48 >= 10)) {
      // "5." or "5.e3": a point without fraction digits.
      store<u8>(text + out++, 0x30);
    }
  }
  const m = parseNumber(text, out);
  if (m == 0) return builtinError('to_number: invalid syntax');
  return numberInRange(m);
}

/** numberInRange refuses numbers beyond the f64 range, as ParseFloat does. */
function numberInRange(n: usize): usize {
  if (numberKind(n) == NUMBER_INT || numberKind(n) == NUMBER_FLOAT) return n;
  const d = decimalOf(n);
  // |v| >= 1.8e308 overflows ParseFloat; tiny values underflow to 0 without error.
  if (d.point > 309 || (d.point == 309 && load<u8>(d.digits) >= 0x32))
    return builtinError('to_number: value out of range');
  return n;
}

/** builtin_format_int formats the integer part of a number in base 2, 8, 10 or 16. */
export function builtin_format_int(v: usize, base: usize): usize {
  if (typeOf(v) != TYPE_NUMBER) return typeError('format_int: operand 1 must be number but got ', v);
  if (typeOf(base) != TYPE_NUMBER) return typeError('format_int: operand 2 must be number but got ', base);
  // OPA matches the base's text exactly: 10 is a base, 10.0 is not.
  const b = numberKind(base) == NUMBER_INT ? intOf(base) : 0;
  if (b != 2 && b != 8 && b != 10 && b != 16)
    return builtinError('format_int: operand 2 must be one of {2, 8, 10, 16}');
  let n: i64;
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    n = intOf(v);
  } else if (kind == NUMBER_FLOAT && abs(floatOf(v)) < 9.2e18) {
    n = <i64>Math.trunc(floatOf(v));
  } else {
    abortWith('format_int: number too large');
    return 0;
  }
  const text = alloc(66);
  let length: usize = 0;
  let magnitude = n < 0 ? <u64>0 - <u64>n : <u64>n;
  const digits = alloc(64);
  let count: usize = 0;
  do {
    const d = <u32>(magnitude % <u64>b);
    store<u8>(digits + count++, <u8>(d < 10 ? 48 + d : 0x61 + d - 10));
    magnitude /= <u64>b;
  } while (magnitude != 0);
  if (n < 0) store<u8>(text + length++, 0x2d);
  while (count > 0) store<u8>(text + length++, load<u8>(digits + --count));
  return makeString(text, length);
}

// Arithmetic on numbers, as OPA does it: integers stay integers and are exact at any size (an i64 that would
// overflow continues as a big integer); results with a fraction are computed exactly in decimal from the
// operands' decimal values (so 0.1 + 0.2 == 0.3, as in OPA, which computes on the literals) and kept as an f64
// when the f64 prints back as the exact result, else as exact decimal text. Division that does not terminate
// rounds to the nearest f64. OPA rounds such results to a 64-bit binary mantissa instead, so they can differ
// from OPA's in the last digits (1/3 is 0.3333333333333333 here, 0.33333333333333333334 in OPA).

import { abortWith } from './abort';
import { alloc } from './alloc';
import {
  bigAdd,
  bigCompare,
  bigDecimalLength,
  bigDivide,
  bigFromDigits,
  bigFromU64,
  bigIsZero,
  bigMul,
  bigPow,
  bigRemainder,
  bigSub,
  bigToDigits,
} from './bigint';
import { Decimal, decimalOf, makeDecimal } from './number-decimal';
import { formatDecimal, shortestDecimal, shortestDigitCount, shortestDigits, shortestPoint } from './number-format';
import { digitsToF64 } from './number-parse';
import { NUMBER_FLOAT, NUMBER_INT, floatOf, intOf, makeFloat, makeInt, makeNumberText, numberKind } from './values';

export const OP_PLUS: i32 = 0;
export const OP_MINUS: i32 = 1;
export const OP_MULTIPLY: i32 = 2;
export const OP_DIVIDE: i32 = 3;
export const OP_REMAINDER: i32 = 4;

/** The error of the last arithmetic that returned 0 (OPA's message). */
let lastError: string = '';

/** arithmeticError is OPA's message for why the last arithmetic returned 0. */
export function arithmeticError(): string {
  return lastError;
}

/** Exact arithmetic refuses (aborts) beyond this many digits or this decimal exponent, rather than run away. */
const MAX_DIGITS: i32 = 2000;

/** arithmetic applies `op` to numbers `a` and `b`; 0 on a division or modulo by zero, or a modulo of fractions. */
export function arithmetic(op: i32, a: usize, b: usize): usize {
  if (numberKind(a) == NUMBER_INT && numberKind(b) == NUMBER_INT) {
    const x = intOf(a);
    const y = intOf(b);
    switch (op) {
      case OP_PLUS: {
        const r = x + y;
        if (((x ^ r) & (y ^ r)) >= 0) return makeInt(r);
        break;
      }
      case OP_MINUS: {
        const r = x - y;
        if (((x ^ y) & (x ^ r)) >= 0) return makeInt(r);
        break;
      }
      case OP_MULTIPLY: {
        if (x == 0 || y == 0) return makeInt(0);
        const r = x * y;
        if (!((x == -1 && y == i64.MIN_VALUE) || (y == -1 && x == i64.MIN_VALUE)) && r / y == x) return makeInt(r);
        break;
      }
      case OP_DIVIDE: {
        if (y == 0) {
          lastError = 'divide by zero';
          return 0;
        }
        if (x == 0) return makeInt(0);
        if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return makeInt(x / y);
        const limit: i64 = 1 << 53;
        // Both exact as f64: IEEE division rounds the true quotient correctly.
        if (x > -limit && x < limit && y > -limit && y < limit) return makeFloat(<f64>x / <f64>y);
        break;
      }
      case OP_REMAINDER: {
        if (y == 0) {
          lastError = 'modulo by zero';
          return 0;
        }
        // wasm's i64.rem_s truncates like Go's %, and i64.MIN % -1 is 0 (it does not trap).
        return makeInt(x % y);
      }
    }
  }
  return decimalArithmetic(op, decimalOf(a), decimalOf(b));
}

// A signed big decimal: ±magnitude × 10^exponent.
let resultNegative = false;

function checkSize(d: Decimal): void {
  if (d.count > MAX_DIGITS || d.point > MAX_DIGITS || d.point < -MAX_DIGITS) {
    abortWith('number too large for exact arithmetic');
  }
}

function magnitudeOf(d: Decimal): usize {
  return bigFromDigits(d.digits, <usize>d.count);
}

// @ts-ignore: decorator
@inline
function exponentOf(d: Decimal): i32 {
  return d.point - d.count;
}

function scaled(magnitude: usize, by: i32): usize {
  return by == 0 ? magnitude : bigMul(magnitude, bigPow(10, <u32>by));
}

/** signedAdd returns the magnitude of ±x + ±y and sets `resultNegative`. */
function signedAdd(xNegative: bool, x: usize, yNegative: bool, y: usize): usize {
  if (xNegative == yNegative) {
    resultNegative = xNegative;
    return bigAdd(x, y);
  }
  const c = bigCompare(x, y);
  if (c == 0) {
    resultNegative = false;
    return bigFromU64(0);
  }
  if (c > 0) {
    resultNegative = xNegative;
    return bigSub(x, y);
  }
  resultNegative = yNegative;
  return bigSub(y, x);
}

function decimalArithmetic(op: i32, a: Decimal, b: Decimal): usize {
  checkSize(a);
  checkSize(b);
  const ea = exponentOf(a);
  const eb = exponentOf(b);
  switch (op) {
    case OP_PLUS:
    case OP_MINUS: {
      const e = min(ea, eb);
      const x = scaled(magnitudeOf(a), ea - e);
      const y = scaled(magnitudeOf(b), eb - e);
      const bNegative = op == OP_MINUS ? !b.negative && b.count != 0 : b.negative;
      const m = signedAdd(a.negative, x, bNegative, y);
      return numberFromBig(resultNegative, m, e);
    }
    case OP_MULTIPLY:
      return numberFromBig(a.negative != b.negative, bigMul(magnitudeOf(a), magnitudeOf(b)), ea + eb);
    case OP_DIVIDE:
      return divide(a, b);
    case OP_REMAINDER: {
      if (a.count > a.point || b.count > b.point) {
        lastError = 'modulo on floating-point number';
        return 0;
      }
      if (b.count == 0) {
        lastError = 'modulo by zero';
        return 0;
      }
      const x = scaled(magnitudeOf(a), ea);
      const y = scaled(magnitudeOf(b), eb);
      bigDivide(x, y);
      // Truncated remainder: the sign of the dividend, as Go's big.Int.Rem.
      return numberFromBig(a.negative, bigRemainder(), 0);
    }
  }
  return 0;
}

/** Significant digits computed for a quotient that does not terminate, before rounding to an f64. */
const QUOTIENT_DIGITS: i32 = 30;

function divide(a: Decimal, b: Decimal): usize {
  if (b.count == 0) {
    lastError = 'divide by zero';
    return 0;
  }
  if (a.count == 0) return makeInt(0);
  const negative = a.negative != b.negative;
  // q = ma·10^k / mb, enough digits that a non-terminating quotient can be rounded correctly.
  const k = max(0, QUOTIENT_DIGITS + b.count - a.count);
  const q = bigDivide(scaled(magnitudeOf(a), k), magnitudeOf(b));
  const exponent = exponentOf(a) - exponentOf(b) - k;
  if (bigIsZero(bigRemainder())) return numberFromBig(negative, q, exponent);
  // Inexact: the digits of q followed by a 1 stand for "a little more than q" when rounding.
  const digits = alloc(bigDecimalLength(q) + 1);
  let count = bigToDigits(q, digits);
  store<u8>(digits + count, 0x31);
  count++;
  const point = <i32>count + exponent - 1;
  const f = digitsToF64(negative, digits, count, point);
  if (isFinite(f) && abs(f) >= 2.2250738585072014e-308) return makeFloat(f);
  // Beyond the f64 range: keep the quotient's digits as text.
  return numberFromDecimal(negative, digits, count - 1, point);
}

/** numberFromBig makes the number ±m × 10^exponent. */
export function numberFromBig(negative: bool, m: usize, exponent: i32): usize {
  const digits = alloc(bigDecimalLength(m));
  const count = bigToDigits(m, digits);
  return numberFromDecimal(negative, digits, count, <i32>count + exponent);
}

/**
 * numberFromDecimal makes the number ±0.DIGITS × 10^point: an int when it is an integer that fits, an f64 when
 * the f64 prints back as this value, else the value's exact text.
 */
export function numberFromDecimal(negative: bool, digits: usize, count: usize, point: i32): usize {
  const d = makeDecimal(negative, digits, count, point);
  if (d.count == 0) return makeInt(0);
  if (d.count <= d.point) {
    if (d.point <= 19) {
      let n: u64 = 0;
      for (let i = 0; i < d.point; i++) n = n * 10 + (i < d.count ? <u64>(load<u8>(d.digits + <usize>i) - 48) : 0);
      if (d.point < 19 || n <= <u64>i64.MAX_VALUE) return makeInt(d.negative ? -(<i64>n) : <i64>n);
      if (d.negative && n == <u64>i64.MAX_VALUE + 1) return makeInt(i64.MIN_VALUE);
    }
    return decimalText(d);
  }
  const f = digitsToF64(d.negative, d.digits, <usize>d.count, d.point);
  if (isFinite(f) && abs(f) >= 2.2250738585072014e-308) {
    if (d.count <= 15) return makeFloat(f);
    shortestDecimal(f);
    if (
      <i32>shortestDigitCount() == d.count &&
      shortestPoint() == d.point &&
      memory.compare(shortestDigits(), d.digits, <usize>d.count) == 0
    ) {
      return makeFloat(f);
    }
  }
  return decimalText(d);
}

/** decimalText makes a number kept as the text of `d`. */
function decimalText(d: Decimal): usize {
  const text = alloc(<usize>d.count + 32 + (d.point > 0 && d.point <= 400 ? <usize>d.point : 0));
  let length: usize;
  if (d.count <= d.point && d.point <= 400) {
    // An integer: all its digits, as OPA prints integers.
    length = 0;
    if (d.negative) store<u8>(text + length++, 0x2d);
    memory.copy(text + length, d.digits, <usize>d.count);
    length += <usize>d.count;
    for (let i = d.count; i < d.point; i++) store<u8>(text + length++, 48);
  } else {
    length = formatDecimal(d.negative, d.digits, <usize>d.count, d.point, text);
  }
  return makeNumberText(text, length);
}

/** numberFromF64 makes the number for a computed finite f64: an int when it is integral and fits. */
export function numberFromF64(f: f64): usize {
  if (f == Math.trunc(f) && f > -9223372036854775808.0 && f < 9223372036854775808.0) return makeInt(<i64>f);
  if (f == Math.trunc(f)) {
    shortestDecimal(f);
    return numberFromDecimal(f < 0, shortestDigits(), shortestDigitCount(), shortestPoint());
  }
  return makeFloat(f);
}

export const ROUND_NEAREST: i32 = 0;
export const ROUND_CEIL: i32 = 1;
export const ROUND_FLOOR: i32 = 2;

/** roundNumber rounds `v` to an integer: half away from zero, up, or down (OPA's round, ceil, floor). */
export function roundNumber(v: usize, mode: i32): usize {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) return v;
  if (kind == NUMBER_FLOAT) {
    const f = floatOf(v);
    if (abs(f) < 4503599627370496.0) {
      // Below 2^52 every f64 with a fraction is exact in these steps.
      const t = Math.trunc(f);
      const fraction = f - t;
      let r = t;
      if (mode == ROUND_NEAREST) {
        if (fraction >= 0.5) r = t + 1;
        else if (fraction <= -0.5) r = t - 1;
      } else if (mode == ROUND_CEIL) {
        if (fraction > 0) r = t + 1;
      } else if (fraction < 0) {
        r = t - 1;
      }
      return makeInt(<i64>r);
    }
  }
  // Integral floats beyond 2^52 and numbers kept as text: round the decimal value.
  const d = decimalOf(v);
  checkSize(d);
  if (d.count <= d.point) return numberFromDecimal(d.negative, d.digits, <usize>d.count, d.point);
  const integerDigits = max(d.point, 0);
  let m = bigFromDigits(d.digits, <usize>integerDigits);
  let up = false;
  if (mode == ROUND_NEAREST) {
    // The first fraction digit decides (half away from zero); it is 0 when the point is left of the digits.
    up = d.point >= 0 && load<u8>(d.digits + <usize>d.point) >= 0x35;
  } else if (mode == ROUND_CEIL) {
    up = !d.negative;
  } else {
    up = d.negative;
  }
  if (up) m = bigAdd(m, bigFromU64(1));
  return numberFromBig(d.negative, m, 0);
}

/** absNumber returns |v|. */
export function absNumber(v: usize): usize {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    const n = intOf(v);
    if (n >= 0) return v;
    if (n != i64.MIN_VALUE) return makeInt(-n);
  } else if (kind == NUMBER_FLOAT) {
    return numberFromF64(abs(floatOf(v)));
  }
  const d = decimalOf(v);
  return numberFromDecimal(false, d.digits, <usize>d.count, d.point);
}

/** negateNumber returns -v. */
export function negateNumber(v: usize): usize {
  if (numberKind(v) == NUMBER_INT && intOf(v) != i64.MIN_VALUE) return makeInt(-intOf(v));
  if (numberKind(v) == NUMBER_FLOAT) return makeFloat(-floatOf(v));
  const d = decimalOf(v);
  return numberFromDecimal(!d.negative, d.digits, <usize>d.count, d.point);
}

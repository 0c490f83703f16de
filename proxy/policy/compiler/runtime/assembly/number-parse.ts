// Number literals to values. A literal becomes an i64 when it is written as an integer (no fraction, no exponent)
// and fits; otherwise an f64 when the f64 keeps the literal's value (its shortest decimal form is the literal's
// value); otherwise the value keeps the literal's text, so that big and very precise numbers stay exact.
//
// Decimal to f64 conversion is correctly rounded (as JavaScript's): short literals take Clinger's fast path (an exact
// integer times or divided by an exact power of ten), the rest go through big integers.

import { alloc } from './alloc';
import {
  bigBitLength,
  bigDivide,
  bigFromDigits,
  bigIsZero,
  bigMul,
  bigPow,
  bigRemainder,
  bigShiftLeft,
  bigAnyBitsBelow,
  bigBit,
  bigBitsAt,
} from './bigint';
import { shortestDecimal, shortestDigits, shortestDigitCount, shortestPoint } from './number-format';
import { makeFloatLiteral, makeInt, makeNumberText } from './values';

// @ts-ignore: decorator
@lazy
const EXACT_POWERS_OF_TEN = memory.data<f64>([
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
]);

// @ts-ignore: decorator
@inline
function exactPowerOfTen(n: i32): f64 {
  return load<f64>(EXACT_POWERS_OF_TEN + ((<usize>n) << 3));
}

// The literal being parsed, split into parts (set by `scanNumber`).
/** Whether the literal starts with '-'. */
let literalNegative = false;
/** Address and count of its significant digits: leading zeros skipped, trailing zeros kept, no '.'. */
let literalDigits: usize = 0;
let literalDigitCount: usize = 0;
/** The value is 0.DIGITS × 10^literalPoint (for a non-zero literal). */
let literalPoint: i32 = 0;
/** Whether it is written as an integer (no '.', no exponent). */
let literalIsInteger = false;
/** Whether every digit is zero. */
let literalIsZero = false;

/**
 * scanNumber checks that the `length` bytes at `text` are a JSON number and splits it into the `literal*` parts.
 * Returns false on a syntax error.
 */
export function scanNumber(text: usize, length: usize): bool {
  let i: usize = 0;
  literalNegative = false;
  if (i < length && load<u8>(text) == 0x2d) {
    literalNegative = true;
    i++;
  }
  const intStart = i;
  while (i < length && <u32>load<u8>(text + i) - 48 < 10) i++;
  const intEnd = i;
  if (intEnd == intStart) return false;
  if (load<u8>(text + intStart) == 48 && intEnd - intStart > 1) return false;
  let fracStart = i;
  let fracEnd = i;
  literalIsInteger = true;
  if (i < length && load<u8>(text + i) == 0x2e) {
    literalIsInteger = false;
    i++;
    fracStart = i;
    while (i < length && <u32>load<u8>(text + i) - 48 < 10) i++;
    fracEnd = i;
    if (fracEnd == fracStart) return false;
  }
  let exponent: i32 = 0;
  if (i < length && (load<u8>(text + i) | 0x20) == 0x65) {
    literalIsInteger = false;
    i++;
    let negativeExponent = false;
    if (i < length && (load<u8>(text + i) == 0x2b || load<u8>(text + i) == 0x2d)) {
      negativeExponent = load<u8>(text + i) == 0x2d;
      i++;
    }
    const expStart = i;
    while (i < length && <u32>load<u8>(text + i) - 48 < 10) {
      // Saturate: anything this large is zero or infinite anyway, and kept as text.
      if (exponent < 100000000) exponent = exponent * 10 + (<i32>load<u8>(text + i) - 48);
      i++;
    }
    if (i == expStart) return false;
    if (negativeExponent) exponent = -exponent;
  }
  if (i != length) return false;

  // Gather the significant digits; with a fraction they are copied so that they are contiguous.
  let start = intStart;
  while (start < intEnd && load<u8>(text + start) == 48) start++;
  if (fracEnd == fracStart) {
    literalDigits = text + start;
    literalDigitCount = intEnd - start;
    literalPoint = <i32>(intEnd - start) + exponent;
  } else if (start < intEnd) {
    const count = intEnd - start + fracEnd - fracStart;
    literalDigits = alloc(count);
    memory.copy(literalDigits, text + start, intEnd - start);
    memory.copy(literalDigits + intEnd - start, text + fracStart, fracEnd - fracStart);
    literalDigitCount = count;
    literalPoint = <i32>(intEnd - start) + exponent;
  } else {
    let fracFirst = fracStart;
    while (fracFirst < fracEnd && load<u8>(text + fracFirst) == 48) fracFirst++;
    literalDigits = text + fracFirst;
    literalDigitCount = fracEnd - fracFirst;
    literalPoint = -(<i32>(fracFirst - fracStart)) + exponent;
  }
  literalIsZero = literalDigitCount == 0;
  return true;
}

/** The parts of the last `scanNumber`, for callers outside this file. */
export function scannedNegative(): bool {
  return literalNegative;
}
export function scannedDigits(): usize {
  return literalDigits;
}
export function scannedDigitCount(): usize {
  return literalDigitCount;
}
export function scannedPoint(): i32 {
  return literalPoint;
}
export function scannedIsInteger(): bool {
  return literalIsInteger;
}

/**
 * parseNumber makes the number value for the JSON number text at `text`, or returns 0 if it is not one. The text
 * must outlive the value when the value keeps it (big or very precise numbers).
 */
export function parseNumber(text: usize, length: usize): usize {
  // Fast path: short integers, the common case in JSON.
  if (length <= 18) {
    let i: usize = 0;
    const negative = length > 0 && load<u8>(text) == 0x2d;
    if (negative) i = 1;
    if (i < length && (load<u8>(text + i) != 48 || i + 1 == length)) {
      let n: i64 = 0;
      for (; i < length; i++) {
        const d = <u32>load<u8>(text + i) - 48;
        if (d >= 10) break;
        n = n * 10 + <i64>d;
      }
      if (i == length && length > (negative ? 1 : 0)) return makeInt(negative ? -n : n);
    }
  }
  if (!scanNumber(text, length)) return 0;
  return numberFromScanned(text, length);
}

/** numberFromScanned makes the number value for the literal last split by `scanNumber`. */
export function numberFromScanned(text: usize, length: usize): usize {
  if (literalIsZero) {
    // -0 and 0.0e5 are all zero; OPA prints them as written but compares them equal to 0.
    return literalIsInteger ? makeInt(0) : makeFloatLiteral(0, text, length);
  }
  if (literalIsInteger && literalDigitCount <= 19) {
    let n: u64 = 0;
    for (let i: usize = 0; i < literalDigitCount; i++) n = n * 10 + <u64>(load<u8>(literalDigits + i) - 48);
    // Two's complement: the magnitude of i64.MIN_VALUE is one more than i64.MAX_VALUE.
    if (literalDigitCount < 19 || n <= <u64>i64.MAX_VALUE) return makeInt(literalNegative ? -(<i64>n) : <i64>n);
    if (literalNegative && n == <u64>i64.MAX_VALUE + 1) return makeInt(i64.MIN_VALUE);
  }
  const f = digitsToF64(literalNegative, literalDigits, literalDigitCount, literalPoint);
  if (keepsLiteral(f)) return makeFloatLiteral(f, text, length);
  return makeNumberText(text, length);
}

/** keepsLiteral reports whether the f64 `f` has the value of the literal last split by `scanNumber`. */
function keepsLiteral(f: f64): bool {
  if (!isFinite(f) || f == 0) return false;
  // With at most 15 significant digits and a normal result, the f64 always prints back as the literal.
  let significant = literalDigitCount;
  while (significant > 0 && load<u8>(literalDigits + significant - 1) == 48) significant--;
  if (significant <= 15 && abs(f) >= 2.2250738585072014e-308) return true;
  shortestDecimal(f);
  if (shortestDigitCount() != significant || shortestPoint() != literalPoint) return false;
  return memory.compare(shortestDigits(), literalDigits, significant) == 0;
}

/**
 * digitsToF64 returns the f64 nearest to ±0.DIGITS × 10^point, where DIGITS are `count` ASCII digits at `digits`
 * (ties to even, as JavaScript's number parsing).
 */
export function digitsToF64(negative: bool, digits: usize, count: usize, point: i32): f64 {
  while (count > 0 && load<u8>(digits + count - 1) == 48) count--;
  if (count == 0) return negative ? -0.0 : 0.0;
  // Far outside the f64 range: no need for big integers.
  if (point > 310) return negative ? -Infinity : Infinity;
  if (point < -330) return negative ? -0.0 : 0.0;
  const exponent = point - <i32>count; // value = DIGITS × 10^exponent
  if (count <= 15) {
    let w: u64 = 0;
    for (let i: usize = 0; i < count; i++) w = w * 10 + <u64>(load<u8>(digits + i) - 48);
    const m = <f64>w;
    let f: f64 = 0;
    let exact = true;
    if (exponent >= 0 && exponent <= 22) f = m * exactPowerOfTen(exponent);
    else if (exponent < 0 && exponent >= -22) f = m / exactPowerOfTen(-exponent);
    else if (exponent > 22 && exponent <= 22 + 15 - <i32>count) f = m * exactPowerOfTen(exponent - 22) * 1e22;
    else exact = false;
    if (exact) return negative ? -f : f;
  }
  const d = bigFromDigits(digits, count);
  let f: f64;
  if (exponent >= 0) {
    f = bigToF64(bigMul(d, bigPow(10, <u32>exponent)), 0, false);
  } else {
    const divisor = bigPow(10, <u32>-exponent);
    // Scale so that the quotient has at least 66 bits: 53 kept, a rounding bit, and slack.
    const shift = max<i32>(0, 66 + <i32>bigBitLength(divisor) - <i32>bigBitLength(d));
    const q = bigDivide(bigShiftLeft(d, <u32>shift), divisor);
    f = bigToF64(q, -shift, !bigIsZero(bigRemainder()));
  }
  return negative ? -f : f;
}

/**
 * bigToF64 rounds q × 2^exponent to the nearest f64 (ties to even). `sticky` says the true value is slightly more
 * than q × 2^exponent (a non-zero remainder was dropped).
 */
export function bigToF64(q: usize, exponent: i32, sticky: bool): f64 {
  const length = <i32>bigBitLength(q);
  if (length == 0) return 0;
  const top = length - 1 + exponent; // 2^top ≤ value < 2^(top+1)
  if (top > 1023) return Infinity;
  // Bits of precision available at this magnitude: 53, fewer for subnormals.
  let precision = 53;
  if (top < -1022) precision = 53 - (-1022 - top);
  const drop = length - precision;
  let mantissa: u64;
  if (drop <= 0) {
    mantissa = bigBitsAt(q, 0, <u32>length) << (<u64>-drop);
  } else {
    mantissa = precision > 0 ? bigBitsAt(q, <u32>drop, <u32>precision) : 0;
    const round = bigBit(q, <u32>(drop - 1)) != 0;
    const rest = sticky || bigAnyBitsBelow(q, <u32>(drop - 1));
    if (round && (rest || (mantissa & 1) != 0)) mantissa++;
  }
  return scaleByPowerOfTwo(<f64>mantissa, exponent + drop);
}

/** scaleByPowerOfTwo returns m × 2^k, exactly when the result is representable. */
export function scaleByPowerOfTwo(m: f64, k: i32): f64 {
  while (k > 1000) {
    m *= reinterpret<f64>((<u64>(1023 + 1000)) << 52);
    k -= 1000;
  }
  while (k < -1000) {
    // Two steps so that no intermediate result is rounded: m has at most 53 bits.
    m *= reinterpret<f64>((<u64>(1023 - 1000)) << 52);
    k += 1000;
  }
  return m * reinterpret<f64>((<u64>(1023 + k)) << 52);
}

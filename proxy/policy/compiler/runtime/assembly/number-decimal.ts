// The decimal view of a number, ±0.DIGITS × 10^point, used where numbers must be handled exactly: comparing
// numbers kept as text, and arithmetic that f64 would round.

import { alloc } from './alloc';
import { formatInt } from './number-format';
import {
  shortestDecimal,
  shortestDigitCount,
  shortestDigits,
  shortestIsNegative,
  shortestPoint,
} from './number-format';
import { scanNumber, scannedDigitCount, scannedDigits, scannedNegative, scannedPoint } from './number-parse';
import { NUMBER_FLOAT, NUMBER_INT, floatOf, intOf, numberKind, numberTextLength, numberTextOf } from './values';

/** Decimal is ±0.DIGITS × 10^point; DIGITS has no leading or trailing zeros; zero has no digits. */
@unmanaged
export class Decimal {
  negative: bool;
  count: i32;
  point: i32;
  digits: usize;
}

export function makeDecimal(negative: bool, digits: usize, count: usize, point: i32): Decimal {
  while (count > 0 && load<u8>(digits) == 48) {
    digits++;
    count--;
    point--;
  }
  while (count > 0 && load<u8>(digits + count - 1) == 48) count--;
  const d = changetype<Decimal>(alloc(offsetof<Decimal>()));
  d.negative = count != 0 && negative;
  d.count = <i32>count;
  d.point = count != 0 ? point : 0;
  d.digits = digits;
  return d;
}

/** decimalOf returns the exact decimal value of number `v` (of a float: its shortest decimal form). */
export function decimalOf(v: usize): Decimal {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    const n = intOf(v);
    const text = alloc(24);
    let length = formatInt(n, text);
    let digits = text;
    if (n < 0) {
      digits++;
      length--;
    }
    return makeDecimal(n < 0, digits, length, <i32>length);
  }
  if (kind == NUMBER_FLOAT) {
    const f = floatOf(v);
    if (f == 0) return makeDecimal(false, 0, 0, 0);
    shortestDecimal(f);
    const count = shortestDigitCount();
    const digits = alloc(count);
    memory.copy(digits, shortestDigits(), count);
    return makeDecimal(shortestIsNegative(), digits, count, shortestPoint());
  }
  scanNumber(numberTextOf(v), numberTextLength(v));
  return makeDecimal(scannedNegative(), scannedDigits(), scannedDigitCount(), scannedPoint());
}

/** compareDecimals orders two decimals by value: -1, 0 or 1. */
export function compareDecimals(a: Decimal, b: Decimal): i32 {
  const signA = a.count == 0 ? 0 : a.negative ? -1 : 1;
  const signB = b.count == 0 ? 0 : b.negative ? -1 : 1;
  if (signA != signB) return signA < signB ? -1 : 1;
  if (signA == 0) return 0;
  let magnitude = 0;
  if (a.point != b.point) {
    magnitude = a.point < b.point ? -1 : 1;
  } else {
    const common = min(a.count, b.count);
    magnitude = memory.compare(a.digits, b.digits, <usize>common);
    if (magnitude == 0 && a.count != b.count) magnitude = a.count < b.count ? -1 : 1;
    magnitude = magnitude < 0 ? -1 : magnitude > 0 ? 1 : 0;
  }
  return signA * magnitude;
}

/** decimalIsInteger reports whether `d` has no fractional part. */
export function decimalIsInteger(d: Decimal): bool {
  return d.count <= d.point || d.count == 0;
}

// Numbers to text. Integers print as integers; f64s print as the shortest decimal that reads back as the same
// f64 (AssemblyScript's Grisu2 `dtoa`, which always reads back exactly and is almost always shortest), laid out
// like JavaScript's `Number.prototype.toString` (so `JSON.parse` returns the same double); numbers kept as text
// print as their text.

import { dtoa_buffered } from 'util/number';
import {
  NUMBER_FLOAT,
  NUMBER_INT,
  floatLiteralLength,
  floatOf,
  intOf,
  numberKind,
  numberTextLength,
  numberTextOf,
} from './values';

// @ts-ignore: decorator
@lazy
const DTOA_OUTPUT = memory.data(64);
// @ts-ignore: decorator
@lazy
const SHORTEST_DIGITS = memory.data(32);

let shortestCount: usize = 0;
let shortestPointValue: i32 = 0;
let shortestNegative = false;

/**
 * shortestDecimal splits the finite, non-zero `f` into ±0.DIGITS × 10^point, DIGITS without leading or trailing
 * zeros, read with `shortestDigits`, `shortestDigitCount`, `shortestPoint`, `shortestIsNegative`.
 */
export function shortestDecimal(f: f64): void {
  const chars = <usize>dtoa_buffered(DTOA_OUTPUT, f);
  shortestNegative = false;
  shortestCount = 0;
  let point: i32 = 0;
  let seenPoint = false;
  let exponent: i32 = 0;
  let leading = true;
  for (let i: usize = 0; i < chars; i++) {
    const c = <u32>load<u16>(DTOA_OUTPUT + (i << 1));
    if (c == 0x2d) {
      shortestNegative = true;
    } else if (c == 0x2e) {
      seenPoint = true;
    } else if (c == 0x65) {
      let negative = false;
      for (i++; i < chars; i++) {
        const e = <u32>load<u16>(DTOA_OUTPUT + (i << 1));
        if (e == 0x2d) negative = true;
        else if (e != 0x2b) exponent = exponent * 10 + <i32>(e - 48);
      }
      if (negative) exponent = -exponent;
    } else {
      if (leading && c == 48) {
        if (seenPoint) point--;
        continue;
      }
      leading = false;
      store<u8>(SHORTEST_DIGITS + shortestCount, <u8>c);
      shortestCount++;
      if (!seenPoint) point++;
    }
  }
  while (shortestCount > 0 && load<u8>(SHORTEST_DIGITS + shortestCount - 1) == 48) shortestCount--;
  shortestPointValue = point + exponent;
}

export function shortestDigits(): usize {
  return SHORTEST_DIGITS;
}
export function shortestDigitCount(): usize {
  return shortestCount;
}
export function shortestPoint(): i32 {
  return shortestPointValue;
}
export function shortestIsNegative(): bool {
  return shortestNegative;
}

/** formatInt writes `n` in decimal at `out` (room for 20 bytes) and returns the length. */
export function formatInt(n: i64, out: usize): usize {
  let length: usize = 0;
  let magnitude = <u64>n;
  if (n < 0) {
    store<u8>(out, 0x2d);
    length = 1;
    magnitude = <u64>0 - <u64>n;
  }
  let digits: usize = 1;
  for (let m = magnitude; m >= 10; m /= 10) digits++;
  for (let i = digits; i > 0; i--) {
    store<u8>(out + length + i - 1, <u8>(48 + <u32>(magnitude % 10)));
    magnitude /= 10;
  }
  return length + digits;
}

/** formatFloat writes the finite `f` at `out` (room for 32 bytes) and returns the length. */
export function formatFloat(f: f64, out: usize): usize {
  if (f == 0) {
    store<u8>(out, 48);
    return 1;
  }
  shortestDecimal(f);
  return formatDecimal(shortestNegative, SHORTEST_DIGITS, shortestCount, shortestPointValue, out);
}

/**
 * formatDecimal writes ±0.DIGITS × 10^point (DIGITS: `count` ASCII digits, no leading or trailing zeros) at `out`
 * as JavaScript would print it: plain up to 21 integer digits and down to 6 leading zeros, else with an exponent.
 * Returns the length; needs room for count + 28 bytes.
 */
export function formatDecimal(negative: bool, digits: usize, count: usize, point: i32, out: usize): usize {
  let n: usize = 0;
  if (negative) store<u8>(out + n++, 0x2d);
  const k = <i32>count;
  if (k <= point && point <= 21) {
    memory.copy(out + n, digits, count);
    n += count;
    for (let i = k; i < point; i++) store<u8>(out + n++, 48);
  } else if (0 < point && point <= 21) {
    memory.copy(out + n, digits, <usize>point);
    n += <usize>point;
    store<u8>(out + n++, 0x2e);
    memory.copy(out + n, digits + <usize>point, count - <usize>point);
    n += count - <usize>point;
  } else if (-6 < point && point <= 0) {
    store<u8>(out + n++, 48);
    store<u8>(out + n++, 0x2e);
    for (let i = point; i < 0; i++) store<u8>(out + n++, 48);
    memory.copy(out + n, digits, count);
    n += count;
  } else {
    store<u8>(out + n++, load<u8>(digits));
    if (count > 1) {
      store<u8>(out + n++, 0x2e);
      memory.copy(out + n, digits + 1, count - 1);
      n += count - 1;
    }
    store<u8>(out + n++, 0x65);
    const exponent = point - 1;
    store<u8>(out + n++, exponent < 0 ? 0x2d : 0x2b);
    n += formatInt(<i64>abs(exponent), out + n);
  }
  return n;
}

/** numberTextBound is an upper bound on the length of the text of number `v`. */
export function numberTextBound(v: usize): usize {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) return 20;
  if (kind == NUMBER_FLOAT) return max<usize>(48, floatLiteralLength(v));
  return numberTextLength(v);
}

/** formatNumber writes number `v` at `out` (room for `numberTextBound(v)` bytes) and returns the length. */
export function formatNumber(v: usize, out: usize): usize {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) return formatInt(intOf(v), out);
  if (kind == NUMBER_FLOAT) {
    const literal = floatLiteralLength(v);
    if (literal == 0) return formatFloat(floatOf(v), out);
    memory.copy(out, numberTextOf(v), literal);
    return literal;
  }
  const length = numberTextLength(v);
  memory.copy(out, numberTextOf(v), length);
  return length;
}

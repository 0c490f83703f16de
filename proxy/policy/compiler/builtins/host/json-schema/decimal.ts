/*
 * Numbers as gojsonschema compares them: exact rationals read from a number's text (Go's big.Rat), and printed in
 * error messages as Go prints `new(big.Float).SetRat(r)` with `%v` (shortest digits at the float's precision,
 * `%g` layout: `5`, `0.1`, `1e+06`).
 */

import { HostLimitError } from '../errors.js';

/** Rational is num/den in lowest terms, den > 0. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Exponents past this would make the host build huge integers; OPA's own limit is 1e6. */
const MAX_EXPONENT = 10_000n;

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(num: bigint, den: bigint): Rational {
  const g = gcd(num, den);
  return g <= 1n ? { num, den } : { num: num / g, den: den / g };
}

/**
 * parseRational reads a decimal number's text (`-1.5e3`) exactly, as big.Rat.SetString does, or undefined when
 * it is not a number.
 *
 * @throws {HostLimitError} for exponents too large to compute with here.
 */
export function parseRational(text: string): Rational | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  const exponent = BigInt(m[4] ?? '0') - BigInt(fraction.length);
  if (abs(exponent) > MAX_EXPONENT) throw new HostLimitError(`the number ${text} is too large to compare exactly`);
  let num = BigInt(`${m[2]}${fraction}` || '0');
  if (m[1] === '-') num = -num;
  const scale = 10n ** abs(exponent);
  return exponent >= 0n ? rational(num * scale, 1n) : rational(num, scale);
}

export function isInteger(r: Rational): boolean {
  return r.den === 1n;
}

/** compareRationals is big.Rat.Cmp: -1, 0 or 1. */
export function compareRationals(a: Rational, b: Rational): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** quotientIsInteger says whether a / b is an integer (b non-zero). */
export function quotientIsInteger(a: Rational, b: Rational): boolean {
  return (a.num * b.den) % (a.den * b.num) === 0n;
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** A decimal 0.digits × 10^point, digits without leading or trailing zeros (Go's math/big decimal). */
interface Decimal {
  digits: string;
  point: number;
}

/** decimalOf is the exact decimal of mantissa × 2^exp. */
function decimalOf(mantissa: bigint, exp: number): Decimal {
  if (mantissa === 0n) return { digits: '', point: 0 };
  const n = exp >= 0 ? mantissa << BigInt(exp) : mantissa * 5n ** BigInt(-exp);
  const text = n.toString();
  const digits = text.replace(/0+$/, '');
  return { digits, point: text.length + Math.min(exp, 0) };
}

const digitAt = (d: Decimal, i: number): string => (i >= 0 && i < d.digits.length ? d.digits[i]! : '0');

function roundDown(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  d.digits = d.digits.slice(0, n).replace(/0+$/, '');
}

function roundUp(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  let i = n;
  while (i > 0 && d.digits[i - 1]! >= '9') i--;
  if (i === 0) {
    d.digits = '1';
    d.point++;
    return;
  }
  d.digits = d.digits.slice(0, i - 1) + String(Number(d.digits[i - 1]) + 1);
}

function roundNearest(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  const up =
    d.digits[n] === '5' && n + 1 === d.digits.length ? n > 0 && Number(d.digits[n - 1]) % 2 !== 0 : d.digits[n]! >= '5';
  if (up) roundUp(d, n);
  else roundDown(d, n);
}

/**
 * roundShortest is math/big's roundShortest: the fewest digits that still read back as the float mantissa ×
 * 2^exp at `precision` bits.
 */
function roundShortest(d: Decimal, mantissa: bigint, exp: number): void {
  if (d.digits === '') return;
  const lower = decimalOf(2n * mantissa - 1n, exp - 1);
  const upper = decimalOf(2n * mantissa + 1n, exp - 1);
  const inclusive = mantissa % 2n === 0n;
  for (let i = 0; i < d.digits.length; i++) {
    const m = d.digits[i]!;
    const l = digitAt(lower, i);
    const u = digitAt(upper, i);
    const okDown = l !== m || (inclusive && i + 1 === lower.digits.length);
    const okUp = m !== u && (inclusive || Number(m) + 1 < Number(u) || i + 1 < upper.digits.length);
    if (okDown && okUp) return roundNearest(d, i + 1);
    if (okDown) return roundDown(d, i + 1);
    if (okUp) return roundUp(d, i + 1);
  }
}

function formatE(d: Decimal, precision: number): string {
  let out = d.digits[0] ?? '0';
  if (precision > 0) out += `.${d.digits.slice(1, precision + 1).padEnd(precision, '0')}`;
  const exp = d.digits.length > 0 ? d.point - 1 : 0;
  return `${out}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function formatF(d: Decimal, precision: number): string {
  let out = d.point > 0 ? d.digits.slice(0, d.point).padEnd(d.point, '0') : '0';
  if (precision > 0) {
    out += '.';
    for (let i = 0; i < precision; i++) out += digitAt(d, d.point + i);
  }
  return out;
}

/** formatGoFloat prints r as Go's fmt `%v` prints `new(big.Float).SetRat(r)`. */
export function formatGoFloat(r: Rational): string {
  if (r.num === 0n) return '0';
  const sign = r.num < 0n ? '-' : '';
  const a = abs(r.num);
  const b = r.den;
  const precision = Math.max(bitLength(a), bitLength(b), 64);
  // floor(log2(a/b)), then the exponent that leaves `precision` bits before the binary point.
  let log2 = bitLength(a) - bitLength(b);
  if (log2 >= 0 ? a < b << BigInt(log2) : a << BigInt(-log2) < b) log2--;
  let exp = log2 - (precision - 1);
  const numerator = exp <= 0 ? a << BigInt(-exp) : a;
  const denominator = exp <= 0 ? b : b << BigInt(exp);
  let mantissa = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && mantissa % 2n === 1n)) mantissa++;
  if (mantissa === 1n << BigInt(precision)) {
    mantissa >>= 1n;
    exp++;
  }
  const d = decimalOf(mantissa, exp);
  roundShortest(d, mantissa, exp);
  const decimalExp = d.point - 1;
  if (decimalExp < -4 || decimalExp >= 6) return sign + formatE(d, d.digits.length - 1);
  return sign + formatF(d, Math.max(d.digits.length - d.point, 0));
}

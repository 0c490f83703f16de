/*
 * units.parse and units.parse_bytes (OPA's topdown/parse_units.go and parse_bytes.go), with the same arithmetic:
 * units.parse multiplies exact rationals (Go's big.Rat) and prints a non-integer with 10 decimals;
 * units.parse_bytes multiplies 64-bit-mantissa binary floats (Go's big.Float at its default precision) and
 * truncates, so that "1.1KiB" is 1126 exactly as in OPA.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError, HostLimitError } from './errors.js';
import { stringOperand } from './operands.js';

/** A decimal amount as the exact fraction numerator / denominator (denominator > 0). */
interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** parseDecimal reads "-3.5E2", ".5", "10" as an exact fraction; undefined if it is not a number. */
function parseDecimal(text: string): Fraction | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  let numerator = BigInt((whole || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  const exp = Number(exponent);
  if (exp >= 0) numerator *= 10n ** BigInt(exp);
  else denominator *= 10n ** BigInt(-exp);
  if (sign === '-') numerator = -numerator;
  return { numerator, denominator };
}

/** splitAmount separates "10.2gb" into "10.2" and "gb", as OPA's extractNumAndUnit does. */
function splitAmount(builtin: string, s: string): { amount: string; unit: string } {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      return { amount: s.slice(0, i), unit: s.slice(i) };
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        return { amount: s.slice(0, i), unit: s.slice(i) };
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > 6) throw new BuiltinError(`${builtin}: exponent too large`);
    }
  }
  return { amount: s, unit: '' };
}

const SI: Readonly<Record<string, bigint>> = {
  k: 1000n,
  m: 1000n ** 2n,
  g: 1000n ** 3n,
  t: 1000n ** 4n,
  p: 1000n ** 5n,
  e: 1000n ** 6n,
};
const BINARY: Readonly<Record<string, bigint>> = {
  ki: 1n << 10n,
  mi: 1n << 20n,
  gi: 1n << 30n,
  ti: 1n << 40n,
  pi: 1n << 50n,
  ei: 1n << 60n,
};

function unitsMultiplier(unit: string): Fraction | undefined {
  if (unit === '') return { numerator: 1n, denominator: 1n };
  if (unit === 'm') return { numerator: 1n, denominator: 1000n };
  if (unit === 'M') return { numerator: SI.m!, denominator: 1n };
  const lower = unit.toLowerCase();
  if (unit.length === 1 && SI[lower] !== undefined && lower !== 'm') return { numerator: SI[lower]!, denominator: 1n };
  if (unit.length === 2 && BINARY[lower] !== undefined) return { numerator: BINARY[lower]!, denominator: 1n };
  return undefined;
}

/** fixed10 prints a fraction with 10 decimals, rounding half away from zero (big.Rat.FloatString). */
function fixed10(f: Fraction): string {
  const negative = f.numerator < 0n;
  const scaled = (negative ? -f.numerator : f.numerator) * 10n ** 10n;
  let q = scaled / f.denominator;
  const r = scaled % f.denominator;
  if (r * 2n >= f.denominator) q += 1n;
  const digits = q.toString().padStart(11, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** divRoundHalfEven is round(a / b) with ties to even, for a ≥ 0, b > 0. */
function divRoundHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r * 2n > b || (r * 2n === b && q % 2n === 1n)) return q + 1n;
  return q;
}

/** A non-negative binary float: mantissa × 2^exponent, with mantissa of at most 64 bits. */
interface BinaryFloat {
  mantissa: bigint;
  exponent: number;
}

/** toFloat64Bits rounds a non-negative fraction to a 64-bit mantissa (big.Float, prec 64, nearest-even). */
function toFloat64Bits(numerator: bigint, denominator: bigint): BinaryFloat {
  if (numerator === 0n) return { mantissa: 0n, exponent: 0 };
  let exponent = bitLength(numerator) - bitLength(denominator) - 64;
  const scaled = (e: number): bigint =>
    e >= 0
      ? divRoundHalfEven(numerator, denominator << BigInt(e))
      : divRoundHalfEven(numerator << BigInt(-e), denominator);
  let mantissa = scaled(exponent);
  while (bitLength(mantissa) > 64) {
    exponent++;
    mantissa = scaled(exponent);
  }
  while (bitLength(mantissa) < 64) {
    exponent--;
    mantissa = scaled(exponent);
  }
  return { mantissa, exponent };
}

function multiplyFloat64Bits(a: BinaryFloat, factor: bigint): BinaryFloat {
  const product = a.mantissa * factor;
  const excess = bitLength(product) - 64;
  if (excess <= 0) return { mantissa: product, exponent: a.exponent };
  return normalise(divRoundHalfEven(product, 1n << BigInt(excess)), a.exponent + excess);
}

function normalise(mantissa: bigint, exponent: number): BinaryFloat {
  // Rounding up may carry into a 65th bit.
  if (bitLength(mantissa) > 64) return { mantissa: mantissa >> 1n, exponent: exponent + 1 };
  return { mantissa, exponent };
}

function truncate(f: BinaryFloat): bigint {
  return f.exponent >= 0 ? f.mantissa << BigInt(f.exponent) : f.mantissa >> BigInt(-f.exponent);
}

/** UNITS_BUILTINS implements units.parse and units.parse_bytes. */
export const UNITS_BUILTINS: HostBuiltinTable = {
  'units.parse': ([value]) => {
    const name = 'units.parse';
    const s = stringOperand(name, 1, value).replaceAll('"', '');
    if (s.includes(' ')) throw new BuiltinError(`${name}: spaces not allowed in resource strings`);
    const { amount, unit: rawUnit } = splitAmount(name, s);
    if (amount === '') throw new BuiltinError(`${name}: no amount provided`);
    const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
    const multiplier = unitsMultiplier(unit);
    if (multiplier === undefined) throw new BuiltinError(`${name}: unit ${unit} not recognized`);
    const number = parseDecimal(amount);
    if (number === undefined) throw new BuiltinError(`${name}: could not parse amount to a number`);
    const product: Fraction = {
      numerator: number.numerator * multiplier.numerator,
      denominator: number.denominator * multiplier.denominator,
    };
    if (product.numerator % product.denominator === 0n) {
      const integer = product.numerator / product.denominator;
      return Number.isSafeInteger(Number(integer)) ? Number(integer) : integer;
    }
    const text = fixed10(product);
    const significant = text
      .replace(/^-?0*\.?0*/, '')
      .replace(/\.?0*$/, '')
      .replace('.', '');
    if (significant.length > 15) throw new HostLimitError(`${name}: ${text} has more digits than the host can return`);
    return Number(text);
  },

  'units.parse_bytes': ([value]) => {
    const name = 'units.parse_bytes';
    const s = stringOperand(name, 1, value).toLowerCase().replaceAll('"', '');
    if (s.includes(' ')) throw new BuiltinError(`${name}: spaces not allowed in resource strings`);
    const { amount, unit } = splitAmount(name, s);
    if (amount === '') throw new BuiltinError(`${name}: no byte amount provided`);
    const base = unit.replace(/b$/, '');
    let multiplier: bigint | undefined;
    if (unit === '') multiplier = 1n;
    else if (/^[kmgtpe]b?$/.test(unit)) multiplier = SI[base];
    else if (/^[kmgtpe]ib?$/.test(unit)) multiplier = BINARY[base];
    if (multiplier === undefined) throw new BuiltinError(`${name}: byte unit ${unit} not recognized`);
    const number = parseDecimal(amount);
    if (number === undefined) throw new BuiltinError(`${name}: could not parse byte amount to a number`);
    const negative = number.numerator < 0n;
    const magnitude = toFloat64Bits(negative ? -number.numerator : number.numerator, number.denominator);
    const total = truncate(multiplyFloat64Bits(magnitude, multiplier));
    const signed = negative ? -total : total;
    return Number.isSafeInteger(Number(signed)) ? Number(signed) : signed;
  },
};

/*
 * Decimal digits of a double, rounded the way Go's strconv rounds them (half to even on the exact binary value),
 * for the Go-compatible formatting in sprintf.ts and units. JS's toFixed/toPrecision round ties away from zero, so
 * `sprintf("%.0f", [2.5])` would print 3 where OPA prints 2.
 */

/** DecimalDigits is `0.d1d2d3… × 10^pointPosition`: `digits` has no leading zeros ("" for zero). */
export interface DecimalDigits {
  digits: string;
  /** Position of the decimal point relative to the first digit: 123.4 is digits "1234", point 3. */
  point: number;
}

/** exactDigits is the exact decimal expansion of |x| (every double has a finite one). */
export function exactDigits(x: number): DecimalDigits {
  const magnitude = Math.abs(x);
  if (magnitude === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, magnitude);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (biasedExponent === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  let digits: string;
  let point: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    point = digits.length;
  } else {
    // m / 2^k = m * 5^k / 10^k
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    point = digits.length + exponent;
  }
  return trimDigits(digits, point);
}

/** shortestDigits is the shortest decimal that reads back as x (what Go's precision -1 and JS's String give). */
export function shortestDigits(x: number): DecimalDigits {
  const magnitude = Math.abs(x);
  if (magnitude === 0) return { digits: '', point: 0 };
  const [mantissa, exp] = magnitude.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  return trimDigits(digits, Number(exp) + 1);
}

function trimDigits(digits: string, point: number): DecimalDigits {
  let start = 0;
  while (start < digits.length && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === '0') end--;
  return { digits: digits.slice(start, end), point: point - start };
}

/** roundDigits keeps `count` significant digits, rounding half to even (Go's decimal.Round). */
export function roundDigits(d: DecimalDigits, count: number): DecimalDigits {
  if (count < 0) return { digits: '', point: d.point };
  if (d.digits.length <= count) return d;
  const next = d.digits.charCodeAt(count) - 48;
  const rest = d.digits.slice(count + 1);
  const previous = count > 0 ? d.digits.charCodeAt(count - 1) - 48 : 0;
  const roundUp = next > 5 || (next === 5 && (/[1-9]/.test(rest) || previous % 2 === 1));
  let kept = d.digits.slice(0, count);
  let point = d.point;
  if (roundUp) {
    const incremented = (BigInt(kept === '' ? '0' : kept) + 1n).toString();
    if (incremented.length > kept.length) point += 1;
    kept = incremented;
  }
  return trimDigits(kept, point);
}

/** formatFixed prints |x| with `precision` digits after the point (Go's %f), rounding half to even. */
export function formatFixed(x: number, precision: number): string {
  const exact = exactDigits(x);
  const rounded = roundDigits(exact, exact.point + precision);
  return fixedText(rounded, precision);
}

/** fixedText prints digits as `int.frac` with exactly `precision` fraction digits. */
export function fixedText(d: DecimalDigits, precision: number): string {
  let integer = '';
  for (let i = 0; i < d.point; i++) integer += d.digits[i] ?? '0';
  if (integer === '') integer = '0';
  if (precision <= 0) return integer;
  let fraction = '';
  for (let i = d.point; i < d.point + precision; i++) fraction += i < 0 ? '0' : (d.digits[i] ?? '0');
  return `${integer}.${fraction}`;
}

/** exponentText prints digits as `d.ddde±XX` with `precision` fraction digits (Go's %e). */
export function exponentText(d: DecimalDigits, precision: number, upper = false): string {
  const exponent = d.digits === '' ? 0 : d.point - 1;
  let mantissa = d.digits[0] ?? '0';
  if (precision > 0) {
    mantissa += '.';
    for (let i = 1; i <= precision; i++) mantissa += d.digits[i] ?? '0';
  }
  const sign = exponent < 0 ? '-' : '+';
  const magnitude = Math.abs(exponent).toString().padStart(2, '0');
  return `${mantissa}${upper ? 'E' : 'e'}${sign}${magnitude}`;
}

/**
 * formatGoFloat prints |x| as Go's strconv.FormatFloat(x, verb, precision, 64) does for 'e', 'f' and 'g'
 * (precision -1: the shortest digits that read back as x). The sign is the caller's.
 */
export function formatGoFloat(x: number, verb: 'e' | 'E' | 'f' | 'g' | 'G', precision: number): string {
  const shortest = precision < 0;
  switch (verb) {
    case 'e':
    case 'E': {
      const d = shortest ? shortestDigits(x) : roundDigits(exactDigits(x), precision + 1);
      return exponentText(d, shortest ? Math.max(d.digits.length - 1, 0) : precision, verb === 'E');
    }
    case 'f': {
      if (!shortest) return formatFixed(x, precision);
      const d = shortestDigits(x);
      return fixedText(d, Math.max(d.digits.length - d.point, 0));
    }
    case 'g':
    case 'G': {
      let significant = precision === 0 ? 1 : precision;
      const d = shortest ? shortestDigits(x) : roundDigits(exactDigits(x), significant);
      let exponentLimit = significant;
      if (shortest) exponentLimit = 6;
      else if (exponentLimit > d.digits.length && d.digits.length >= d.point) exponentLimit = d.digits.length;
      if (shortest) significant = d.digits.length;
      const exponent = d.digits === '' ? 0 : d.point - 1;
      if (exponent < -4 || exponent >= exponentLimit) {
        return exponentText(d, Math.max(Math.min(d.digits.length, significant) - 1, 0), verb === 'G');
      }
      return fixedText(d, Math.max(d.digits.length - d.point, 0));
    }
  }
}

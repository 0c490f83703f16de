/*
 * Go's time.ParseDuration, step for step (including its float arithmetic for fractions), so that
 * time.parse_duration_ns gives OPA's nanoseconds to the last digit.
 */

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/** DurationError is Go's ParseDuration error (`time: invalid duration "x"`). */
export class DurationError extends Error {}

/** parseDuration parses a Go duration string ("1h30m", "-1.5s") into nanoseconds. */
export function parseDuration(text: string): bigint {
  const quoted = JSON.stringify(text);
  let s = text;
  let total = 0n;
  let negative = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      negative = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${quoted}`);
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw new DurationError(`time: invalid duration ${quoted}`);
    // The integer part.
    const before = s.length;
    let whole = 0n;
    let i = 0;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > 1n << 63n) throw new DurationError(`time: invalid duration ${quoted}`);
      i++;
    }
    s = s.slice(i);
    const hadWhole = before !== s.length;
    // The fraction: digits kept as an integer with a float64 scale, dropping digits that would overflow.
    let fraction = 0n;
    let scale = 1;
    let hadFraction = false;
    if (s[0] === '.') {
      s = s.slice(1);
      const fractionStart = s.length;
      let overflow = false;
      let j = 0;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') {
        if (!overflow) {
          if (fraction > MAX_INT64 / 10n) {
            overflow = true;
          } else {
            const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
            if (next < 0n || next > MAX_INT64) overflow = true;
            else {
              fraction = next;
              scale *= 10;
            }
          }
        }
        j++;
      }
      s = s.slice(j);
      hadFraction = fractionStart !== s.length;
    }
    if (!hadWhole && !hadFraction) throw new DurationError(`time: invalid duration ${quoted}`);
    let k = 0;
    while (k < s.length && s[k] !== '.' && !(s[k]! >= '0' && s[k]! <= '9')) k++;
    if (k === 0) throw new DurationError(`time: missing unit in duration ${quoted}`);
    const unitName = s.slice(0, k);
    s = s.slice(k);
    const unit = UNIT_NS[unitName];
    if (unit === undefined)
      throw new DurationError(`time: unknown unit ${JSON.stringify(unitName)} in duration ${quoted}`);
    if (whole > (1n << 63n) / unit) throw new DurationError(`time: invalid duration ${quoted}`);
    let value = whole * unit;
    if (fraction > 0n) {
      // float64 is needed to be nanosecond accurate for fractions of hours (Go's own comment).
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > 1n << 63n) throw new DurationError(`time: invalid duration ${quoted}`);
    }
    total += value;
    if (total > 1n << 63n) throw new DurationError(`time: invalid duration ${quoted}`);
  }
  if (negative) return -total;
  if (total > MAX_INT64) throw new DurationError(`time: invalid duration ${quoted}`);
  return total;
}

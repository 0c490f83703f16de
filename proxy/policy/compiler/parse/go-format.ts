import { GoAnyMap, type GoValue } from './metadata-yaml.js';

/*
 * How Go reads and prints the text OPA's annotation code handles: `strconv.FormatFloat(f, 'g', -1, 64)` (the
 * text of a YAML float in a METADATA block's `custom`), `fmt`'s `%s`, `%q` and `%+q` (in OPA's error messages),
 * `strings.Fields` and `strings.TrimSpace` (authors), and the URLs `net/url` prints back unchanged.
 */

/**
 * formatGoFloat is `strconv.FormatFloat(x, 'g', -1, 64)`: the shortest digits that read back as `x`, in
 * exponent form when the exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`), else in plain decimals.
 */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const [mantissa = '', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0] ?? ''}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * formatGoValue is `fmt.Sprintf("%s", v)` of a value Go's YAML decoder produced: strings as they are, other
 * scalars as `%!s(int=1)`, slices as `[a b]`, maps as `map[k:v]` with sorted keys.
 */
export function formatGoValue(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return '%!s(<nil>)';
  if (typeof v === 'boolean') return `%!s(bool=${v})`;
  if (typeof v === 'bigint') return `%!s(${v > 2n ** 63n - 1n ? 'uint64' : 'int'}=${v})`;
  if (typeof v === 'number') return `%!s(float64=${formatGoFloat(v)})`;
  if (Array.isArray(v)) return `[${v.map(formatGoValue).join(' ')}]`;
  const entries: [string, string][] =
    v instanceof GoAnyMap
      ? v.entries.map(([k, x]) => [formatGoValue(k), formatGoValue(x)])
      : [...v].map(([k, x]) => [k, formatGoValue(x)]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, x]) => `${k}:${x}`).join(' ')}]`;
}

/** goQuoteRune is Go's `%+q` of a rune: printable ASCII as itself, anything else escaped. */
export function goQuoteRune(cp: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (cp === 0x27) return "'\\''";
  if (cp === 0x5c) return "'\\\\'";
  if (named[cp] !== undefined) return `'${named[cp]}'`;
  if (cp >= 0x20 && cp < 0x7f) return `'${String.fromCodePoint(cp)}'`;
  if (cp < 0x80) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  return cp > 0xffff ? `'\\U${cp.toString(16).padStart(8, '0')}'` : `'\\u${cp.toString(16).padStart(4, '0')}'`;
}

/** The characters Go's `unicode.IsSpace` accepts, for `strings.Fields` and `strings.TrimSpace`. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_SPACES = new RegExp(`[${GO_SPACE}]+`, 'u');
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu');

export function goFields(s: string): string[] {
  return s.split(GO_SPACES).filter((part) => part !== '');
}

export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, '');
}

/** goQuote is Go's `%q` of a string, for the texts that JSON escapes the same way. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * plainUrlText returns what Go's `url.Parse(s).String()` prints for a URL made only of characters Go leaves as
 * they are (the scheme is lower-cased), or undefined for anything else.
 */
export function plainUrlText(s: string): string | undefined {
  const pchar = "[A-Za-z0-9\\-._~!$&'()*+,;=:@\\[\\]]|%[0-9A-Fa-f]{2}";
  const tail = `(?:${pchar}|/)*(?:\\?(?:${pchar}|[/?])*)?(?:#(?:${pchar}|[/?])*)?`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(s);
  if (scheme !== null) {
    const [, name = '', rest = ''] = scheme;
    // After `//` comes a host (and port) Go validates; only a plain one is certain to print back unchanged.
    const ok = rest.startsWith('//')
      ? new RegExp(`^//[A-Za-z0-9.\\-_~]*(?::[0-9]*)?(?:[/?#]${tail})?$`).test(rest)
      : new RegExp(`^${tail}$`).test(rest);
    return ok ? `${name.toLowerCase()}:${rest}` : undefined;
  }
  // A relative reference: its first path segment must not hold a colon.
  return new RegExp(`^${tail}$`).test(s) && !/^[^/?#]*:/.test(s) && !s.startsWith('//') ? s : undefined;
}

/*
 * sprintf as OPA runs it: Go's fmt.Sprintf over arguments converted the way OPA's builtinSprintf converts them.
 * A number becomes a Go int (an integer within int64), a *big.Int (a larger integer) or a float64; a string stays
 * a string; anything else becomes the string of its Rego text (so `%v` of a set prints `{1, 2}` and `%t` of
 * `true` prints `%!t(string=true)`, as OPA does).
 *
 * The SDK ships its own `sprintf` (sprintf-js) that shadows any custom built-in of that name, so this one is
 * registered as `airlock.sprintf` (see HOST_NAME_ALIASES).
 */

import { HostLimitError } from './errors.js';
import { formatGoFloat } from './go-float.js';
import { arrayOperand, stringOperand } from './operands.js';
import { quoteGo, type RegoValue, regoText } from './value.js';

/** GoArgument is one sprintf argument as Go's fmt sees it. */
type GoArgument =
  | { kind: 'int'; value: bigint }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toGoArgument(value: RegoValue): GoArgument {
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'bigint') {
    return { kind: value >= INT64_MIN && value <= INT64_MAX ? 'int' : 'bigint', value };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      if (!Number.isSafeInteger(value)) {
        // The SDK's JSON.parse already rounded this integer: its digits are not the policy's.
        throw new HostLimitError(`sprintf: the integer ${value} is too large to print exactly on the host`);
      }
      return { kind: 'int', value: BigInt(value) };
    }
    return { kind: 'float', value };
  }
  return { kind: 'string', value: regoText(value) };
}

/** GoVerb is one parsed `%…` directive. */
interface GoVerb {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width: number | undefined;
  precision: number | undefined;
  verb: string;
}

/** sprintf formats `format` with `args` as Go's fmt.Sprintf, over OPA's argument conversion. */
export function sprintf(format: string, args: readonly RegoValue[]): string {
  const goArgs = args.map(toGoArgument);
  let out = '';
  let next = 0;
  const chars = [...format];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    const directive: GoVerb = {
      minus: false,
      plus: false,
      space: false,
      zero: false,
      sharp: false,
      width: undefined,
      precision: undefined,
      verb: '',
    };
    flags: while (i < chars.length) {
      switch (chars[i]) {
        case '-':
          directive.minus = true;
          directive.zero = false;
          break;
        case '+':
          directive.plus = true;
          break;
        case ' ':
          directive.space = true;
          break;
        case '0':
          directive.zero = !directive.minus;
          break;
        case '#':
          directive.sharp = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    if (chars[i] === '[') throw new HostLimitError('sprintf: explicit argument indexes are not supported');
    if (chars[i] === '*') {
      i++;
      const widthArg = goArgs[next++];
      if (widthArg?.kind !== 'int') {
        out += '%!(BADWIDTH)';
      } else {
        directive.width = Number(widthArg.value);
        if (directive.width < 0) {
          directive.minus = true;
          directive.zero = false;
          directive.width = -directive.width;
        }
      }
    } else {
      const width = readNumber(chars, i);
      if (width !== undefined) {
        directive.width = width.value;
        i = width.end;
      }
    }
    if (chars[i] === '.') {
      i++;
      if (chars[i] === '*') {
        i++;
        const precisionArg = goArgs[next++];
        if (precisionArg?.kind !== 'int' || precisionArg.value < 0n) out += '%!(BADPREC)';
        else directive.precision = Number(precisionArg.value);
      } else {
        const precision = readNumber(chars, i);
        directive.precision = precision?.value ?? 0;
        if (precision !== undefined) i = precision.end;
      }
    }
    if (i >= chars.length) {
      out += '%!(NOVERB)';
      break;
    }
    directive.verb = chars[i]!;
    i++;
    if (directive.verb === '%') {
      out += '%';
      continue;
    }
    const arg = goArgs[next];
    if (arg === undefined) {
      out += `%!${directive.verb}(MISSING)`;
      continue;
    }
    next++;
    out += formatArgument(directive, arg);
  }
  if (next < goArgs.length) {
    out += `%!(EXTRA ${goArgs
      .slice(next)
      .map((a) => `${goTypeName(a)}=${formatArgument(plainVerb('v'), a)}`)
      .join(', ')})`;
  }
  return out;
}

function readNumber(chars: readonly string[], start: number): { value: number; end: number } | undefined {
  let end = start;
  while (end < chars.length && chars[end]! >= '0' && chars[end]! <= '9') end++;
  if (end === start) return undefined;
  return { value: Number(chars.slice(start, end).join('')), end };
}

function plainVerb(verb: string): GoVerb {
  return {
    minus: false,
    plus: false,
    space: false,
    zero: false,
    sharp: false,
    width: undefined,
    precision: undefined,
    verb,
  };
}

function goTypeName(arg: GoArgument): string {
  switch (arg.kind) {
    case 'int':
      return 'int';
    case 'bigint':
      return '*big.Int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
  }
}

function badVerb(d: GoVerb, arg: GoArgument): string {
  // big.Int formats its own bad verbs, naming itself without the pointer.
  const type = arg.kind === 'bigint' ? 'big.Int' : goTypeName(arg);
  return `%!${d.verb}(${type}=${formatArgument(plainVerb('v'), arg)})`;
}

function formatArgument(d: GoVerb, arg: GoArgument): string {
  if (d.verb === 'T') return pad(d, goTypeName(arg), false);
  switch (arg.kind) {
    case 'int':
    case 'bigint':
      return formatInteger(d, arg);
    case 'float':
      return formatFloat(d, arg);
    case 'string':
      return formatString(d, arg);
  }
}

/** pad applies width: spaces on the left (or right with '-'), or zeros after the sign for numbers with '0'. */
function pad(d: GoVerb, text: string, numeric: boolean): string {
  const width = d.width ?? 0;
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (d.minus) return text + ' '.repeat(fill);
  if (d.zero) {
    if (numeric && (text.startsWith('-') || text.startsWith('+') || text.startsWith(' '))) {
      return text[0] + '0'.repeat(fill) + text.slice(1);
    }
    return '0'.repeat(fill) + text;
  }
  return ' '.repeat(fill) + text;
}

function signOf(negative: boolean, d: GoVerb): string {
  if (negative) return '-';
  if (d.plus) return '+';
  if (d.space) return ' ';
  return '';
}

function formatInteger(d: GoVerb, arg: { kind: 'int' | 'bigint'; value: bigint }): string {
  const value = arg.value;
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let digits: string;
  let prefix = '';
  switch (d.verb) {
    case 'v':
    case 'd':
      digits = magnitude.toString(10);
      break;
    case 's':
      if (arg.kind === 'int') return badVerb(d, arg);
      digits = magnitude.toString(10);
      break;
    case 'b':
      digits = magnitude.toString(2);
      if (d.sharp) prefix = '0b';
      break;
    case 'o':
      digits = magnitude.toString(8);
      if (d.sharp) prefix = '0';
      break;
    case 'O':
      digits = magnitude.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = magnitude.toString(16);
      if (d.sharp) prefix = '0x';
      break;
    case 'X':
      digits = magnitude.toString(16).toUpperCase();
      if (d.sharp) prefix = '0X';
      break;
    case 'c':
      if (arg.kind === 'bigint') return badVerb(d, arg);
      return pad(d, runeOf(value), false);
    case 'q':
      if (arg.kind === 'bigint') return badVerb(d, arg);
      return pad(d, quoteRune(value), false);
    case 'U': {
      if (arg.kind === 'bigint') return badVerb(d, arg);
      let text = `U+${magnitude.toString(16).toUpperCase().padStart(4, '0')}`;
      if (negative) text = `U+${(2n ** 64n + value).toString(16).toUpperCase()}`;
      if (d.sharp && !negative) text += ` '${runeOf(value)}'`;
      return pad(d, text, false);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return badVerb(d, arg);
    default:
      return badVerb(d, arg);
  }
  if (d.precision !== undefined) {
    if (d.precision === 0 && magnitude === 0n) digits = '';
    digits = digits.padStart(d.precision, '0');
    // An explicit precision turns off zero padding, as in Go.
    return pad({ ...d, zero: false }, signOf(negative, d) + prefix + digits, true);
  }
  const sign = signOf(negative, d);
  if (d.zero && !d.minus && d.width !== undefined) {
    const body = prefix + digits;
    const fill = d.width - sign.length - body.length;
    return sign + prefix + (fill > 0 ? '0'.repeat(fill) : '') + digits;
  }
  return pad(d, sign + prefix + digits, true);
}

function runeOf(codePoint: bigint): string {
  const cp = Number(codePoint);
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

function quoteRune(codePoint: bigint): string {
  const ch = runeOf(codePoint);
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  return `'${quoteGo(ch).slice(1, -1)}'`;
}

function formatFloat(d: GoVerb, arg: { kind: 'float'; value: number }): string {
  const x = arg.value;
  let body: string;
  switch (d.verb) {
    case 'v':
      body = formatGoFloat(x, 'g', d.precision ?? -1);
      break;
    case 'e':
    case 'E':
      body = formatGoFloat(x, d.verb, d.precision ?? 6);
      break;
    case 'f':
    case 'F':
      body = formatGoFloat(x, 'f', d.precision ?? 6);
      break;
    case 'g':
    case 'G':
      body = formatGoFloat(x, d.verb, d.precision ?? -1);
      break;
    case 'x':
    case 'X':
    case 'b':
      throw new HostLimitError(`sprintf: %${d.verb} of a floating-point number is not supported on the host`);
    default:
      return badVerb(d, arg);
  }
  if (d.sharp && !body.includes('.') && !/[eE]/.test(body)) body += '.';
  const sign = signOf(x < 0 || Object.is(x, -0), d);
  if (d.zero && !d.minus && d.width !== undefined) {
    const fill = d.width - sign.length - body.length;
    return sign + (fill > 0 ? '0'.repeat(fill) : '') + body;
  }
  return pad(d, sign + body, true);
}

function formatString(d: GoVerb, arg: { kind: 'string'; value: string }): string {
  let s = arg.value;
  switch (d.verb) {
    case 'v':
    case 's':
      if (d.precision !== undefined) s = [...s].slice(0, d.precision).join('');
      return pad(d, s, false);
    case 'q':
      if (d.precision !== undefined) s = [...s].slice(0, d.precision).join('');
      if (d.sharp && canBackquote(s)) return pad(d, `\`${s}\``, false);
      return pad(d, d.plus ? quoteAscii(s) : quoteGo(s), false);
    case 'x':
    case 'X': {
      let bytes = [...new TextEncoder().encode(s)];
      if (d.precision !== undefined) bytes = bytes.slice(0, d.precision);
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
      const prefix = d.sharp ? '0x' : '';
      const text = d.space ? hex.map((h) => prefix + h).join(' ') : prefix + hex.join('');
      return pad(d, d.verb === 'X' ? text.toUpperCase() : text, false);
    }
    default:
      return badVerb(d, arg);
  }
}

/** canBackquote is Go's strconv.CanBackquote: no backquote, no control character but tab, no BOM. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '`' || cp === 0xfeff || cp === 0x7f || (cp < 0x20 && ch !== '\t')) return false;
  }
  return true;
}

function quoteAscii(s: string): string {
  const quoted = quoteGo(s);
  let out = '';
  for (const ch of quoted) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/** SPRINTF_BUILTINS is `sprintf`, under the name the host registers it by. */
export const SPRINTF_BUILTINS = {
  sprintf: ([format, args]: readonly RegoValue[]): RegoValue =>
    sprintf(stringOperand('sprintf', 1, format), arrayOperand('sprintf', 2, args)),
};

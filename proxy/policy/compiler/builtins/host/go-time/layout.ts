/*
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): splitting a layout into elements the way Go's
 * nextStdChunk does, formatting an instant with one (Time.Format) and parsing a string with one (time.Parse), so
 * that time.format and time.parse_ns accept and produce exactly what OPA's do.
 */

import {
  type CivilTime,
  civilTime,
  daysInMonth,
  instantOf,
  isLeapYear,
  MONTH_NAMES,
  NS_PER_SECOND,
  UTC,
  WEEKDAY_NAMES,
  type Zone,
} from './civil.js';

/** Elements of a layout; the names are Go's `std*` constants. */
type LayoutElement =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9';

interface Chunk {
  prefix: string;
  element: LayoutElement | undefined;
  /** Digits of a fractional-second element (`.000` is 3). */
  fracDigits: number;
  /** Separator of a fractional-second element: `.` or `,`. */
  fracSeparator: string;
  /** The layout text of the element. */
  text: string;
  suffix: string;
}

const ZERO_ELEMENTS: readonly LayoutElement[] = [
  'ZeroMonth',
  'ZeroDay',
  'ZeroHour12',
  'ZeroMinute',
  'ZeroSecond',
  'Year',
];

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';

/** nextChunk finds the first layout element in `layout`, with the literal text before it (Go's nextStdChunk). */
function nextChunk(layout: string): Chunk {
  const found = (i: number, element: LayoutElement, length: number, prefixEnd = i): Chunk => ({
    prefix: layout.slice(0, prefixEnd),
    element,
    fracDigits: 0,
    fracSeparator: '.',
    text: layout.slice(prefixEnd, i + length),
    suffix: layout.slice(i + length),
  });
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    switch (layout[i]) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return found(i, 'LongMonth', 7);
          if (!startsWithLower(layout.slice(i + 3))) return found(i, 'Month', 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return found(i, 'LongWeekDay', 6);
          if (!startsWithLower(layout.slice(i + 3))) return found(i, 'WeekDay', 3);
        }
        if (at(i, 'MST')) return found(i, 'TZ', 3);
        break;
      case '0': {
        const next = layout[i + 1];
        if (next !== undefined && next >= '1' && next <= '6') return found(i, ZERO_ELEMENTS[Number(next) - 1]!, 2);
        if (at(i, '002')) return found(i, 'ZeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return found(i, 'Hour', 2);
        return found(i, 'NumMonth', 1);
      case '2':
        if (at(i, '2006')) return found(i, 'LongYear', 4);
        return found(i, 'Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          // `_2006` is a literal underscore followed by the long year.
          if (at(i + 1, '2006')) return found(i + 1, 'LongYear', 4, i + 1);
          return found(i, 'UnderDay', 2);
        }
        if (at(i, '__2')) return found(i, 'UnderYearDay', 3);
        break;
      case '3':
        return found(i, 'Hour12', 1);
      case '4':
        return found(i, 'Minute', 1);
      case '5':
        return found(i, 'Second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return found(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return found(i, 'pm', 2);
        break;
      case '-':
        if (at(i, '-070000')) return found(i, 'NumSecondsTz', 7);
        if (at(i, '-07:00:00')) return found(i, 'NumColonSecondsTZ', 9);
        if (at(i, '-0700')) return found(i, 'NumTZ', 5);
        if (at(i, '-07:00')) return found(i, 'NumColonTZ', 6);
        if (at(i, '-07')) return found(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (at(i, 'Z070000')) return found(i, 'ISO8601SecondsTZ', 7);
        if (at(i, 'Z07:00:00')) return found(i, 'ISO8601ColonSecondsTZ', 9);
        if (at(i, 'Z0700')) return found(i, 'ISO8601TZ', 5);
        if (at(i, 'Z07:00')) return found(i, 'ISO8601ColonTZ', 6);
        if (at(i, 'Z07')) return found(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',': {
        const digit = layout[i + 1];
        if (digit === '0' || digit === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === digit) j++;
          // Only a fractional second if the run of digits ends here (not "123").
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              element: digit === '0' ? 'FracSecond0' : 'FracSecond9',
              fracDigits: j - (i + 1),
              fracSeparator: layout[i]!,
              text: layout.slice(i, j),
              suffix: layout.slice(j),
            };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, element: undefined, fracDigits: 0, fracSeparator: '.', text: '', suffix: '' };
}

const pad = (n: number, width: number): string => {
  const digits = Math.abs(n).toString().padStart(width, '0');
  return n < 0 ? `-${digits}` : digits;
};

function formatOffset(element: LayoutElement, offsetSeconds: number): string {
  if (offsetSeconds === 0 && element.startsWith('ISO8601')) return 'Z';
  let zoneMinutes = Math.trunc(offsetSeconds / 60);
  let absOffset = offsetSeconds;
  let out: string;
  if (zoneMinutes < 0) {
    out = '-';
    zoneMinutes = -zoneMinutes;
    absOffset = -absOffset;
  } else {
    out = '+';
  }
  out += pad(Math.trunc(zoneMinutes / 60), 2);
  const colon = element.includes('Colon');
  if (colon) out += ':';
  if (element !== 'NumShortTZ' && element !== 'ISO8601ShortTZ') out += pad(zoneMinutes % 60, 2);
  if (element.includes('Seconds')) {
    if (colon) out += ':';
    out += pad(absOffset % 60, 2);
  }
  return out;
}

function formatFraction(nanosecond: number, chunk: Chunk): string {
  const trim = chunk.element === 'FracSecond9';
  if (trim && (chunk.fracDigits === 0 || nanosecond === 0)) return '';
  let digits = pad(nanosecond, 9).slice(0, chunk.fracDigits);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : chunk.fracSeparator + digits;
}

function formatElement(chunk: Chunk, t: CivilTime): string {
  switch (chunk.element!) {
    case 'Year':
      return pad(((t.year % 100) + 100) % 100, 2);
    case 'LongYear':
      return pad(t.year, 4);
    case 'Month':
      return MONTH_NAMES[t.month - 1]!.slice(0, 3);
    case 'LongMonth':
      return MONTH_NAMES[t.month - 1]!;
    case 'NumMonth':
      return String(t.month);
    case 'ZeroMonth':
      return pad(t.month, 2);
    case 'WeekDay':
      return WEEKDAY_NAMES[t.weekday]!.slice(0, 3);
    case 'LongWeekDay':
      return WEEKDAY_NAMES[t.weekday]!;
    case 'Day':
      return String(t.day);
    case 'UnderDay':
      return t.day < 10 ? ` ${t.day}` : String(t.day);
    case 'ZeroDay':
      return pad(t.day, 2);
    case 'UnderYearDay':
      return String(t.yearDay).padStart(3, ' ');
    case 'ZeroYearDay':
      return pad(t.yearDay, 3);
    case 'Hour':
      return pad(t.hour, 2);
    case 'Hour12':
      return String(t.hour % 12 === 0 ? 12 : t.hour % 12);
    case 'ZeroHour12':
      return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, 2);
    case 'Minute':
      return String(t.minute);
    case 'ZeroMinute':
      return pad(t.minute, 2);
    case 'Second':
      return String(t.second);
    case 'ZeroSecond':
      return pad(t.second, 2);
    case 'PM':
      return t.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return t.hour >= 12 ? 'pm' : 'am';
    case 'TZ': {
      if (t.zoneName !== '') return t.zoneName;
      const minutes = Math.trunc(t.offsetSeconds / 60);
      return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60), 2)}${pad(Math.abs(minutes) % 60, 2)}`;
    }
    case 'FracSecond0':
    case 'FracSecond9':
      return formatFraction(t.nanosecond, chunk);
    default:
      return formatOffset(chunk.element!, t.offsetSeconds);
  }
}

/** formatTime formats the instant `ns` in `zone` with a Go layout (Time.Format). */
export function formatTime(ns: bigint, zone: Zone, layout: string): string {
  const t = civilTime(ns, zone);
  let out = '';
  let rest = layout;
  for (;;) {
    const chunk = nextChunk(rest);
    out += chunk.prefix;
    if (chunk.element === undefined) return out;
    out += formatElement(chunk, t);
    rest = chunk.suffix;
  }
}

/** TimeParseError is Go's time.ParseError text. */
export class TimeParseError extends Error {}

const quote = (s: string): string => JSON.stringify(s);

/** skipLiteral consumes `prefix` from `value`; a space in the layout matches any run of spaces (Go's skip). */
function skipLiteral(value: string, prefix: string): string | undefined {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return undefined;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return undefined;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

/** getNumber reads one or two digits (exactly two when `fixed`), as Go's getnum. */
function getNumber(value: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(value, 0)) return undefined;
  if (!isDigitAt(value, 1)) {
    if (fixed) return undefined;
    return [Number(value[0]), value.slice(1)];
  }
  return [Number(value.slice(0, 2)), value.slice(2)];
}

/** getNumber3 reads one to three digits (exactly three when `fixed`), as Go's getnum3. */
function getNumber3(value: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(value, i); i++) n = n * 10 + Number(value[i]);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, value.slice(i)];
}

function lookupName(names: readonly string[], value: string): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, value.slice(name.length)];
    }
  }
  return undefined;
}

/** parseFraction reads `.ddd` (or `,ddd`) of `length` characters as nanoseconds (Go's parseNanoseconds). */
function parseFraction(value: string, length: number): number | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  const digits = value.slice(1, Math.min(length, 10));
  if (!/^\d*$/.test(digits)) return undefined;
  return Number(digits.padEnd(9, '0'));
}

/** zoneAbbreviationLength is how much of `value` reads as a zone abbreviation (Go's parseTimeZone), or 0. */
function zoneAbbreviationLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) {
    const offset = /^GMT([+-]\d+)?/.exec(value)!;
    const hours = offset[1] === undefined ? 0 : Number(offset[1]);
    return offset[1] === undefined || hours < -23 || hours > 23 ? 3 : offset[0].length;
  }
  if (value[0] === '+' || value[0] === '-') {
    const offset = /^[+-]\d+/.exec(value);
    return offset !== null && Math.abs(Number(offset[0])) <= 23 ? offset[0].length : 0;
  }
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper]! >= 'A' && value[upper]! <= 'Z') upper++;
  if (upper === 3) return 3;
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (upper === 5 && value[4] === 'T') return 5;
  return 0;
}

/**
 * parseTime parses `value` with a Go layout, as time.Parse does (UTC unless the value carries an offset), and
 * returns the instant in nanoseconds.
 *
 * @throws {TimeParseError} with Go's message.
 */
export function parseTime(layout: string, value: string): bigint {
  const originalLayout = layout;
  const originalValue = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yearDay = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanosecond = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  let rest = value;
  let remainingLayout = layout;
  const cannotParse = (hold: string, element: string): TimeParseError =>
    new TimeParseError(
      `parsing time ${quote(originalValue)} as ${quote(originalLayout)}: cannot parse ${quote(hold)} as ${quote(element)}`,
    );
  const outOfRange = (what: string): TimeParseError =>
    new TimeParseError(`parsing time ${quote(originalValue)}: ${what} out of range`);

  for (;;) {
    const chunk = nextChunk(remainingLayout);
    const skipped = skipLiteral(rest, chunk.prefix);
    if (skipped === undefined) throw cannotParse(rest, chunk.prefix);
    rest = skipped;
    if (chunk.element === undefined) {
      if (rest.length !== 0) {
        throw new TimeParseError(`parsing time ${quote(originalValue)}: extra text: ${quote(rest)}`);
      }
      break;
    }
    remainingLayout = chunk.suffix;
    const hold = rest;
    let ok = true;
    let rangeError = '';
    const number = (fixed: boolean): number => {
      const got = getNumber(rest, fixed);
      if (got === undefined) {
        ok = false;
        return 0;
      }
      rest = got[1];
      return got[0];
    };
    switch (chunk.element) {
      case 'Year':
        if (rest.length < 2 || !/^\d\d/.test(rest)) {
          ok = false;
          break;
        }
        year = Number(rest.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        rest = rest.slice(2);
        break;
      case 'LongYear':
        if (rest.length < 4 || !/^\d{4}/.test(rest)) {
          ok = false;
          break;
        }
        year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      case 'Month':
      case 'LongMonth': {
        const names = chunk.element === 'Month' ? MONTH_NAMES.map((m) => m.slice(0, 3)) : MONTH_NAMES;
        const got = lookupName(names, rest);
        if (got === undefined) ok = false;
        else [month, rest] = [got[0] + 1, got[1]];
        break;
      }
      case 'NumMonth':
      case 'ZeroMonth':
        month = number(chunk.element === 'ZeroMonth');
        if (ok && (month <= 0 || month > 12)) rangeError = 'month';
        break;
      case 'WeekDay':
      case 'LongWeekDay': {
        const names = chunk.element === 'WeekDay' ? WEEKDAY_NAMES.map((d) => d.slice(0, 3)) : WEEKDAY_NAMES;
        const got = lookupName(names, rest);
        if (got === undefined) ok = false;
        else rest = got[1];
        break;
      }
      case 'Day':
      case 'UnderDay':
      case 'ZeroDay':
        if (chunk.element === 'UnderDay' && rest[0] === ' ') rest = rest.slice(1);
        day = number(chunk.element === 'ZeroDay');
        break;
      case 'UnderYearDay':
      case 'ZeroYearDay': {
        for (let i = 0; i < 2; i++) if (chunk.element === 'UnderYearDay' && rest[0] === ' ') rest = rest.slice(1);
        const got = getNumber3(rest, chunk.element === 'ZeroYearDay');
        if (got === undefined) ok = false;
        else [yearDay, rest] = got;
        break;
      }
      case 'Hour':
        hour = number(false);
        if (ok && (hour < 0 || hour >= 24)) rangeError = 'hour';
        break;
      case 'Hour12':
      case 'ZeroHour12':
        hour = number(chunk.element === 'ZeroHour12');
        if (ok && (hour < 0 || hour > 12)) rangeError = 'hour';
        break;
      case 'Minute':
      case 'ZeroMinute':
        minute = number(chunk.element === 'ZeroMinute');
        if (ok && (minute < 0 || minute >= 60)) rangeError = 'minute';
        break;
      case 'Second':
      case 'ZeroSecond': {
        second = number(chunk.element === 'ZeroSecond');
        if (!ok) break;
        if (second < 0 || second >= 60) {
          rangeError = 'second';
          break;
        }
        // A fractional second in the value that the layout does not ask for is read anyway.
        if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigitAt(rest, 1)) {
          const following = nextChunk(remainingLayout).element;
          if (following === 'FracSecond0' || following === 'FracSecond9') break;
          let n = 2;
          while (isDigitAt(rest, n)) n++;
          nanosecond = parseFraction(rest, n)!;
          rest = rest.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const marker = rest.slice(0, 2);
        const [pm, am] = chunk.element === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (rest.length < 2) ok = false;
        else if (marker === pm) pmSet = true;
        else if (marker === am) amSet = true;
        else ok = false;
        if (ok) rest = rest.slice(2);
        break;
      }
      case 'ISO8601TZ':
      case 'ISO8601ShortTZ':
      case 'ISO8601ColonTZ':
      case 'ISO8601SecondsTZ':
      case 'ISO8601ColonSecondsTZ':
      case 'NumTZ':
      case 'NumShortTZ':
      case 'NumColonTZ':
      case 'NumSecondsTz':
      case 'NumColonSecondsTZ': {
        if (chunk.element.startsWith('ISO8601') && rest[0] === 'Z') {
          rest = rest.slice(1);
          zoneOffset = 0;
          break;
        }
        const parsed = parseOffset(chunk.element, rest);
        if (parsed === undefined) {
          ok = false;
          break;
        }
        if (parsed.hours > 24) rangeError = 'time zone offset hour';
        if (parsed.minutes > 60) rangeError = 'time zone offset minute';
        if (parsed.seconds > 60) rangeError = 'time zone offset second';
        zoneOffset = parsed.sign * ((parsed.hours * 60 + parsed.minutes) * 60 + parsed.seconds);
        rest = parsed.rest;
        break;
      }
      case 'TZ': {
        if (rest.startsWith('UTC')) {
          rest = rest.slice(3);
          zoneOffset = 0;
          break;
        }
        const length = zoneAbbreviationLength(rest);
        if (length === 0) {
          ok = false;
          break;
        }
        // The abbreviation names a zone at offset zero unless it is the local zone's, which here is UTC.
        rest = rest.slice(length);
        break;
      }
      case 'FracSecond0': {
        const length = 1 + chunk.fracDigits;
        const got = rest.length < length ? undefined : parseFraction(rest, length);
        if (got === undefined) ok = false;
        else [nanosecond, rest] = [got, rest.slice(length)];
        break;
      }
      case 'FracSecond9': {
        if (rest.length < 2 || (rest[0] !== '.' && rest[0] !== ',') || !isDigitAt(rest, 1)) break;
        let i = 0;
        while (isDigitAt(rest, i + 1)) i++;
        nanosecond = parseFraction(rest, 1 + i)!;
        rest = rest.slice(1 + i);
        break;
      }
    }
    if (rangeError !== '') throw outOfRange(rangeError);
    if (!ok) throw cannotParse(hold, chunk.text);
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yearDay >= 0) {
    let m = 0;
    let d = 0;
    let yd = yearDay;
    if (isLeapYear(year)) {
      if (yd === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yd > 31 + 29) {
        yd--;
      }
    }
    if (yd < 1 || yd > 365) throw outOfRange('day-of-year');
    if (m === 0) {
      const daysBefore = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      m = Math.floor((yd - 1) / 31) + 1;
      if (daysBefore[m]! < yd) m++;
      d = yd - daysBefore[m - 1]!;
    }
    if (month >= 0 && month !== m) {
      throw new TimeParseError(`parsing time ${quote(originalValue)}: day-of-year does not match month`);
    }
    month = m;
    if (day >= 0 && day !== d) {
      throw new TimeParseError(`parsing time ${quote(originalValue)}: day-of-year does not match day`);
    }
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysInMonth(year, month)) throw outOfRange('day');

  const utcInstant = instantOf({ year, month, day, hour, minute, second, nanosecond }, UTC);
  if (zoneOffset !== undefined) return utcInstant - BigInt(zoneOffset) * NS_PER_SECOND;
  // A zone abbreviation other than UTC gives a zone with that name at offset zero (the local zone is UTC here):
  // the instant is the wall time read as UTC, as Go's time.Parse does.
  return utcInstant;
}

function parseOffset(
  element: LayoutElement,
  value: string,
): { sign: number; hours: number; minutes: number; seconds: number; rest: string } | undefined {
  let sign: string;
  let hours: string;
  let minutes = '00';
  let seconds = '00';
  let rest: string;
  if (element === 'ISO8601ColonTZ' || element === 'NumColonTZ') {
    if (value.length < 6 || value[3] !== ':') return undefined;
    [sign, hours, minutes, rest] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else if (element === 'NumShortTZ' || element === 'ISO8601ShortTZ') {
    if (value.length < 3) return undefined;
    [sign, hours, rest] = [value[0]!, value.slice(1, 3), value.slice(3)];
  } else if (element === 'ISO8601ColonSecondsTZ' || element === 'NumColonSecondsTZ') {
    if (value.length < 9 || value[3] !== ':' || value[6] !== ':') return undefined;
    [sign, hours, minutes, seconds, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(4, 6),
      value.slice(7, 9),
      value.slice(9),
    ];
  } else if (element === 'ISO8601SecondsTZ' || element === 'NumSecondsTz') {
    if (value.length < 7) return undefined;
    [sign, hours, minutes, seconds, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(3, 5),
      value.slice(5, 7),
      value.slice(7),
    ];
  } else {
    if (value.length < 5) return undefined;
    [sign, hours, minutes, rest] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  if (!/^\d\d$/.test(hours) || !/^\d\d$/.test(minutes) || !/^\d\d$/.test(seconds)) return undefined;
  if (sign !== '+' && sign !== '-') return undefined;
  return {
    sign: sign === '-' ? -1 : 1,
    hours: Number(hours),
    minutes: Number(minutes),
    seconds: Number(seconds),
    rest,
  };
}

/** NAMED_LAYOUTS are the layout names OPA accepts in place of a layout (Go's constants). */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

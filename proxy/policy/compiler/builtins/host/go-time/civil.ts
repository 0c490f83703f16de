/*
 * Instants and civil (calendar) time, as Go's time package computes them: the proleptic Gregorian calendar,
 * instants as nanoseconds since the Unix epoch (bigint, exact), and time zones resolved through Intl (the IANA
 * database Node ships), standing in for Go's tzdata.
 */

/** Zone is a time zone: a fixed offset or an IANA location. */
export type Zone = { kind: 'fixed'; name: string; offsetSeconds: number } | { kind: 'iana'; name: string };

export const UTC: Zone = { kind: 'fixed', name: 'UTC', offsetSeconds: 0 };

/** CivilTime is a wall-clock reading in some zone. */
export interface CivilTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 = Sunday, as Go's time.Weekday. */
  weekday: number;
  /** 1–366 */
  yearDay: number;
  /** Offset from UTC in seconds, east positive. */
  offsetSeconds: number;
  /** Zone abbreviation (`UTC`, `PST`), as `MST` prints it; empty when unknown. */
  zoneName: string;
}

export const NS_PER_SECOND = 1_000_000_000n;

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** floorDiv divides rounding toward negative infinity. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** daysFromCivil counts days from 1970-01-01 to the given proleptic Gregorian date (month 1–12, any day). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Normalise the month first, as Go's time.Date does.
  let y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthIndex = m > 2 ? m - 3 : m + 9;
  const dayOfYear = Math.floor((153 * monthIndex + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** civilFromDays is the date `days` days after 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    zoneFormatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * loadZone resolves a zone name as OPA's time built-ins do: "" and "UTC" are UTC, "Local" the host's zone, anything
 * else an IANA name.
 *
 * @throws {Error} `unknown time zone <name>` (Go's message) for a name the IANA database does not know.
 */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const iana = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  if (iana === 'UTC' || iana === 'Etc/UTC') return name === 'Local' ? { ...UTC, name: 'Local' } : UTC;
  try {
    zoneFormatter(iana);
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  return { kind: 'iana', name: iana };
}

/** zoneAt is the offset (seconds east of UTC) and abbreviation of a zone at the instant `unixSeconds`. */
export function zoneAt(zone: Zone, unixSeconds: bigint): { offsetSeconds: number; name: string } {
  if (zone.kind === 'fixed')
    return { offsetSeconds: zone.offsetSeconds, name: zone.name === 'Local' ? 'UTC' : zone.name };
  // Intl works on Date, which covers ±8.64e15 ms: every int64 nanosecond instant fits.
  const ms = Number(unixSeconds) * 1000;
  const parts = zoneFormatter(zone.name).formatToParts(new Date(ms));
  const field = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  let year = Number(field('year'));
  if (field('era') === 'BC') year = 1 - year;
  const localSeconds =
    daysFromCivil(year, Number(field('month')), Number(field('day'))) * 86400 +
    Number(field('hour')) * 3600 +
    Number(field('minute')) * 60 +
    Number(field('second'));
  const offsetSeconds = localSeconds - Number(unixSeconds);
  let name = field('timeZoneName');
  // Intl names zones without a common abbreviation "GMT+5:30"; Go's tzdata names them "+0530".
  const gmt = /^GMT([+-])(\d{1,2})(?::(\d\d))?$/.exec(name);
  if (gmt !== null) name = `${gmt[1]}${gmt[2]!.padStart(2, '0')}${gmt[3] ?? ''}`;
  return { offsetSeconds, name };
}

/** civilTime reads the instant `ns` on the wall clock of `zone`. */
export function civilTime(ns: bigint, zone: Zone): CivilTime {
  const unixSeconds = floorDiv(ns, NS_PER_SECOND);
  const nanosecond = Number(ns - unixSeconds * NS_PER_SECOND);
  const { offsetSeconds, name } = zoneAt(zone, unixSeconds);
  const local = unixSeconds + BigInt(offsetSeconds);
  const days = Number(floorDiv(local, 86400n));
  const secondOfDay = Number(local - BigInt(days) * 86400n);
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    nanosecond,
    weekday: (((days + 4) % 7) + 7) % 7,
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    offsetSeconds,
    zoneName: name,
  };
}

/**
 * instantOf is the instant of a wall-clock reading in `zone`, normalising out-of-range fields as Go's time.Date
 * does (month 13 is January of the next year, day 0 the last day of the previous month).
 */
export function instantOf(
  fields: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    nanosecond: number;
  },
  zone: Zone,
): bigint {
  const localSeconds =
    BigInt(daysFromCivil(fields.year, fields.month, 1) + fields.day - 1) * 86400n +
    BigInt(fields.hour * 3600 + fields.minute * 60 + fields.second);
  const localNs = localSeconds * NS_PER_SECOND + BigInt(fields.nanosecond);
  if (zone.kind === 'fixed') return localNs - BigInt(zone.offsetSeconds) * NS_PER_SECOND;
  // Go: take the offset in effect at (local - offset), trying the zone's offsets around that instant.
  const guess = zoneAt(zone, localSeconds).offsetSeconds;
  const first = localSeconds - BigInt(guess);
  const offset = zoneAt(zone, first).offsetSeconds;
  if (offset === guess) return localNs - BigInt(offset) * NS_PER_SECOND;
  const second = localSeconds - BigInt(offset);
  const offsetAgain = zoneAt(zone, second).offsetSeconds;
  return localNs - BigInt(offsetAgain === offset ? offset : guess) * NS_PER_SECOND;
}

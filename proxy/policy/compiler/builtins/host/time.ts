/*
 * time.* built-ins (OPA's topdown/time.go) over Go-compatible calendars, layouts and durations in go-time/.
 *
 * Instants are nanoseconds, exact as bigint. An instant past 2^53 that arrives as a JS number (the SDK's JSON
 * bridge) may already be off by up to half a unit in the last place (±128 ns today); such a call is computed at
 * both ends of that interval as well, and if the answers differ the host refuses (HostLimitError) instead of
 * guessing.
 */

import type { HostBuiltinTable } from './builtin.js';
import { writeJson } from './codec.js';
import { BuiltinError, HostLimitError } from './errors.js';
import { civilTime, daysInMonth, instantOf, loadZone, UTC, WEEKDAY_NAMES, type Zone } from './go-time/civil.js';
import { DurationError, parseDuration } from './go-time/duration.js';
import { formatTime, NAMED_LAYOUTS, parseTime, TimeParseError } from './go-time/layout.js';
import { operandTypeError, safeIntegerOperand, stringOperand } from './operands.js';
import type { RegoValue } from './value.js';

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** Bounds of the exact value behind a number: one point if exact, an interval if the bridge may have rounded. */
type InstantCandidates = readonly bigint[];

/** instantCandidates lists the nanosecond values a number operand may stand for (see the file comment). */
function instantCandidates(builtin: string, n: number | bigint): InstantCandidates {
  if (typeof n === 'bigint') return [n];
  if (!Number.isInteger(n)) throw new BuiltinError(`${builtin}: timestamp too big`);
  const exact = BigInt(n);
  if (Number.isSafeInteger(n)) return [exact];
  const bits = (exact < 0n ? -exact : exact).toString(2).length;
  const halfUlp = 1n << BigInt(bits - 54);
  return [exact, exact - halfUlp, exact + halfUlp];
}

interface TimeOperand {
  candidates: InstantCandidates;
  zone: Zone;
  layout: string;
}

/** timeOperand reads `ns` or `[ns, tz]` or `[ns, tz, layout]` (OPA's tzTime). */
function timeOperand(builtin: string, position: number, value: RegoValue | undefined): TimeOperand {
  const expected = 'either number (ns) or [number (ns), string (tz)]';
  let ns: RegoValue | undefined = value;
  let zone = UTC;
  let layout = '';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new BuiltinError(`${builtin}: operand ${position} must be ${expected} but got array`, 'eval_type_error');
    }
    ns = value[0];
    if (value.length > 1) {
      const zoneName = stringOperand(builtin, position, value[1]);
      try {
        zone = loadZone(zoneName);
      } catch (error) {
        throw new BuiltinError(`${builtin}: ${(error as Error).message}`);
      }
    }
    if (value.length > 2) layout = stringOperand(builtin, position, value[2]);
  } else if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw new BuiltinError(
      `${builtin}: operand ${position} must be ${expected} but got ${value === undefined ? 'null' : typeNameOf(value)}`,
      'eval_type_error',
    );
  }
  if (typeof ns !== 'number' && typeof ns !== 'bigint') throw operandTypeError(builtin, position, ns ?? null, 'number');
  const candidates = instantCandidates(builtin, ns);
  if (candidates[0]! < MIN_INT64 || candidates[0]! > MAX_INT64) throw new BuiltinError(`${builtin}: timestamp too big`);
  return { candidates, zone, layout };
}

function typeNameOf(value: RegoValue): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
}

/**
 * certainly computes `compute` for every combination of candidate instants and returns the answer if they all
 * agree; otherwise the input's lost digits matter and the host refuses.
 */
function certainly(
  builtin: string,
  operands: readonly InstantCandidates[],
  compute: (...ns: bigint[]) => RegoValue,
): RegoValue {
  const first = compute(...operands.map((c) => c[0]!));
  if (operands.every((c) => c.length === 1)) return first;
  const expected = writeJson(first, 'typed');
  const combos = operands.reduce<bigint[][]>((acc, c) => acc.flatMap((prefix) => c.map((n) => [...prefix, n])), [[]]);
  for (const combo of combos) {
    let answer: string;
    try {
      answer = writeJson(compute(...combo), 'typed');
    } catch {
      answer = '';
    }
    if (answer !== expected) {
      throw new HostLimitError(
        `${builtin}: a timestamp past 2^53 lost digits on the way to the host that change the answer`,
      );
    }
  }
  return first;
}

function inInt64Range(builtin: string, ns: bigint): bigint {
  if (ns < MIN_INT64 || ns > MAX_INT64) throw new BuiltinError(`${builtin}: time outside of valid range`);
  return ns;
}

function parsed(builtin: string, parse: () => bigint): bigint {
  try {
    return inInt64Range(builtin, parse());
  } catch (error) {
    if (error instanceof TimeParseError || error instanceof DurationError) {
      throw new BuiltinError(`${builtin}: ${error.message}`);
    }
    throw error;
  }
}

/** addDate is Go's Time.AddDate: calendar arithmetic on the wall clock, then normalised. */
function addDate(ns: bigint, zone: Zone, years: number, months: number, days: number): bigint {
  const t = civilTime(ns, zone);
  return instantOf(
    {
      year: t.year + years,
      month: t.month + months,
      day: t.day + days,
      hour: t.hour,
      minute: t.minute,
      second: t.second,
      nanosecond: t.nanosecond,
    },
    zone,
  );
}

/** diff is OPA's time.diff (after icza/gox): the calendar difference between two instants, in t1's zone. */
function diff(a: bigint, zoneA: Zone, b: bigint): number[] {
  const [early, late] = a <= b ? [a, b] : [b, a];
  const t1 = civilTime(early, zoneA);
  const t2 = civilTime(late, zoneA);
  let year = t2.year - t1.year;
  let month = t2.month - t1.month;
  let day = t2.day - t1.day;
  let hour = t2.hour - t1.hour;
  let minute = t2.minute - t1.minute;
  let second = t2.second - t1.second;
  if (second < 0) {
    second += 60;
    minute--;
  }
  if (minute < 0) {
    minute += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    day += daysInMonth(t1.year, t1.month);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, minute, second];
}

/** TIME_BUILTINS implements time.* except time.now_ns's clock, which the evaluation scope holds. */
export const TIME_BUILTINS: HostBuiltinTable = {
  'time.now_ns': (_args, call) => call.scope.current().nowNs,

  'time.parse_ns': ([layout, value]) => {
    const name = 'time.parse_ns';
    const layoutText = stringOperand(name, 1, layout);
    const valueText = stringOperand(name, 2, value);
    return parsed(name, () => parseTime(NAMED_LAYOUTS[layoutText] ?? layoutText, valueText));
  },

  'time.parse_rfc3339_ns': ([value]) => {
    const name = 'time.parse_rfc3339_ns';
    const text = stringOperand(name, 1, value);
    return parsed(name, () => parseTime(NAMED_LAYOUTS.RFC3339!, text));
  },

  'time.parse_duration_ns': ([value]) => {
    const name = 'time.parse_duration_ns';
    const text = stringOperand(name, 1, value);
    return parsed(name, () => parseDuration(text));
  },

  'time.format': ([value]) => {
    const name = 'time.format';
    const { candidates, zone, layout } = timeOperand(name, 1, value);
    const goLayout = layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[layout] ?? layout);
    return certainly(name, [candidates], (ns) => formatTime(ns, zone, goLayout));
  },

  'time.date': ([value]) => {
    const { candidates, zone } = timeOperand('time.date', 1, value);
    return certainly('time.date', [candidates], (ns) => {
      const t = civilTime(ns, zone);
      return [t.year, t.month, t.day];
    });
  },

  'time.clock': ([value]) => {
    const { candidates, zone } = timeOperand('time.clock', 1, value);
    return certainly('time.clock', [candidates], (ns) => {
      const t = civilTime(ns, zone);
      return [t.hour, t.minute, t.second];
    });
  },

  'time.weekday': ([value]) => {
    const { candidates, zone } = timeOperand('time.weekday', 1, value);
    return certainly('time.weekday', [candidates], (ns) => WEEKDAY_NAMES[civilTime(ns, zone).weekday]!);
  },

  'time.add_date': ([value, years, months, days]) => {
    const name = 'time.add_date';
    const { candidates, zone } = timeOperand(name, 1, value);
    const y = safeIntegerOperand(name, 2, years);
    const m = safeIntegerOperand(name, 3, months);
    const d = safeIntegerOperand(name, 4, days);
    // The result carries the input's low digits, so an inexact input is refused whenever it is inexact.
    if (candidates.length > 1) {
      throw new HostLimitError(`${name}: a timestamp past 2^53 lost digits on the way to the host`);
    }
    return inInt64Range(name, addDate(candidates[0]!, zone, y, m, d));
  },

  'time.diff': ([first, second]) => {
    const name = 'time.diff';
    const a = timeOperand(name, 1, first);
    const b = timeOperand(name, 2, second);
    return certainly(name, [a.candidates, b.candidates], (x, y) => diff(x!, a.zone, y!));
  },
};

/*
 * ASN.1 times as golang.org/x/crypto/cryptobyte reads them for crypto/x509 (time.Parse with the layouts
 * "060102150405Z0700" or "0601021504Z0700" for UTCTime, "20060102150405Z0700" for GeneralizedTime, and only
 * inputs that Format back to the same text), and as encoding/json writes the resulting time.Time (RFC 3339 in the
 * time's own offset, "Z" for UTC).
 */

import { daysFromCivil, daysInMonth } from '../go-time/civil.js';

/** AsnTime is a time.Time parsed from ASN.1: the wall clock as written and its UTC offset. */
export interface AsnTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly offsetSeconds: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** parseZone reads Go's Z0700: "Z", or a sign and four digits, hour at most 24 and minute at most 60. */
function parseZone(text: string): number | undefined {
  if (text === 'Z') return 0;
  const match = /^([+-])(\d\d)(\d\d)$/.exec(text);
  if (match === null) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (hours > 24 || minutes > 60) return undefined;
  const offset = (hours * 60 + minutes) * 60;
  return match[1] === '-' ? -offset : offset;
}

/** formatZone is Go's Z0700 output: "Z" for a zero offset, else the sign, hours and minutes. */
function formatZone(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z';
  const minutes = Math.abs(offsetSeconds) / 60;
  return `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}${pad(minutes % 60, 2)}`;
}

function validFields(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60;
}

function build(
  year: number,
  [month, day, hour, minute, second]: number[],
  zone: string,
): { time: AsnTime; zoneText: string } | undefined {
  if (!validFields(month!, day!, hour!, minute!, second!) || day! > daysInMonth(year, month!)) return undefined;
  const offsetSeconds = parseZone(zone);
  if (offsetSeconds === undefined) return undefined;
  return {
    time: { year, month: month!, day: day!, hour: hour!, minute: minute!, second: second!, offsetSeconds },
    zoneText: formatZone(offsetSeconds),
  };
}

/** parseUtcTime is cryptobyte's ReadASN1UTCTime on the element's text. */
export function parseUtcTime(text: string): AsnTime | undefined {
  const match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(.*)$/s.exec(text);
  if (match === null) return undefined;
  const twoDigitYear = Number(match[1]);
  const year = twoDigitYear >= 69 ? 1900 + twoDigitYear : 2000 + twoDigitYear;
  const fields = [match[2], match[3], match[4], match[5], match[6] ?? '0'].map(Number);
  const built = build(year, fields, match[7]!);
  // Only the canonical text survives Go's Format round trip (a "+0000" comes back as "Z").
  if (built === undefined || built.zoneText !== match[7]) return undefined;
  // UTCTime's 50–99 mean 1950–1999; Go's layout read them as 2050–2099 only for 50–68.
  return year >= 2050 ? { ...built.time, year: year - 100 } : built.time;
}

/** parseGeneralizedTime is cryptobyte's ReadASN1GeneralizedTime on the element's text. */
export function parseGeneralizedTime(text: string): AsnTime | undefined {
  const match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(.*)$/s.exec(text);
  if (match === null) return undefined;
  const fields = [match[2], match[3], match[4], match[5], match[6]].map(Number);
  const built = build(Number(match[1]), fields, match[7]!);
  return built === undefined || built.zoneText !== match[7] ? undefined : built.time;
}

/** unixSeconds is the instant of an AsnTime. */
export function unixSeconds(time: AsnTime): number {
  const days = daysFromCivil(time.year, time.month, time.day);
  return days * 86400 + time.hour * 3600 + time.minute * 60 + time.second - time.offsetSeconds;
}

/** TimeJsonError is time.Time.MarshalJSON's error for an offset RFC 3339 cannot write. */
export class TimeJsonError extends Error {}

/**
 * timeJson is time.Time.MarshalJSON: RFC 3339 with the time's own offset.
 *
 * @throws {TimeJsonError} for an offset of 24 hours, which Go refuses to write.
 */
export function timeJson(time: AsnTime): string {
  const clock = `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}T${pad(time.hour, 2)}:${pad(time.minute, 2)}:${pad(time.second, 2)}`;
  if (time.offsetSeconds === 0) return `${clock}Z`;
  const minutes = Math.abs(time.offsetSeconds) / 60;
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) {
    throw new TimeJsonError('Time.MarshalJSON: timezone hour outside of range [0,23]');
  }
  return `${clock}${time.offsetSeconds < 0 ? '-' : '+'}${pad(hours, 2)}:${pad(minutes % 60, 2)}`;
}

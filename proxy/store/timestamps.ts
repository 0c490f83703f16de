import { InvalidArgumentError } from '../core/errors.js';

// The one form the store accepts: `Date.prototype.toISOString()` of a year 0000–9999, always UTC, always with
// milliseconds. A single form means a stored time converts back to exactly the text it came from.
const ISO_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * epochMs converts a timestamp from the store's API (ISO 8601 UTC with milliseconds, as `toISOString()` writes it)
 * to milliseconds since the epoch, the form SQLite compares and indexes.
 *
 * @throws InvalidArgumentError naming `field` when `timestamp` is not in that exact form or is not a real time
 */
export function epochMs(field: string, timestamp: string): number {
  if (typeof timestamp !== 'string' || !ISO_TIMESTAMP_PATTERN.test(timestamp)) {
    throw new InvalidArgumentError(`${field} must be an ISO 8601 UTC time with milliseconds, as toISOString() writes`);
  }
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== timestamp) {
    throw new InvalidArgumentError(`${field} is not a real time: ${timestamp}`);
  }
  return ms;
}

/** isoTimestamp converts stored milliseconds back to the API's form. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** isoTimestampOrUndefined converts an optional stored time (SQL NULL) back to the API's form. */
export function isoTimestampOrUndefined(ms: number | null): string | undefined {
  return ms === null ? undefined : isoTimestamp(ms);
}

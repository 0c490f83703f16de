/** BYTE_UNITS are the suffixes a size may carry: binary multiples, as `8MiB` means 8 × 2^20 bytes. */
const BYTE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/;

/**
 * parseByteSize reads a size: a non-negative integer count of bytes, or a string such as `16384`, `512KiB`, `8MiB`,
 * `1.5GiB`. Decimal units (KB, MB) are not accepted, so `8MB` cannot be mistaken for `8MiB`. Returns undefined for
 * anything else, including a size that is not a whole number of bytes or not a safe integer.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * (BYTE_UNITS[match[2] ?? 'B'] ?? Number.NaN);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

import { InvalidArgumentError, StoreError } from '../core/errors.js';

// Checks shared by the record validators. They catch callers' bugs before SQL does, with a message that names the
// field; the schema's CHECK constraints remain the last word.

const MAX_TEXT_LENGTH = 4096;

/** checkText requires a non-empty string of at most `maxLength` characters. */
export function checkText(field: string, value: unknown, maxLength = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InvalidArgumentError(`${field} must be a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

/** checkStringArray requires an array of non-empty strings. */
export function checkStringArray(field: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    throw new InvalidArgumentError(`${field} must be an array of non-empty strings`);
  }
  return value;
}

/** checkJsonObject requires a plain object and returns its JSON text, the form it is stored in. */
export function checkJsonObject(field: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${field} must be a JSON object`);
  }
  return JSON.stringify(value);
}

/** checkPositiveInteger requires a safe integer of at least 1. */
export function checkPositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${field} must be a positive integer`);
  }
  return value;
}

/** parseJsonObject reads back a JSON object column; the schema only lets valid JSON in. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreError('a stored JSON object column holds something else');
  }
  return value as Record<string, unknown>;
}

/** parseStringArray reads back a JSON array-of-strings column. */
export function parseStringArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new StoreError('a stored JSON string array column holds something else');
  }
  return value;
}

const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** checkSha256Hex requires a SHA-256 (or HMAC-SHA-256) digest in lower-case hex. */
export function checkSha256Hex(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX_PATTERN.test(value)) {
    throw new InvalidArgumentError(`${field} must be a SHA-256 in lower-case hex`);
  }
  return value;
}

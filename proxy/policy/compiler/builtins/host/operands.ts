/*
 * Narrowing of built-in operands, failing with OPA's type-error text (`<name>: operand 1 must be string but got
 * number`), so that strict mode reads the same as OPA.
 */

import { BuiltinError, HostLimitError } from './errors.js';
import {
  isJsonObject,
  type JsonObject,
  RegoObject,
  RegoSet,
  type RegoTypeName,
  type RegoValue,
  typeName,
} from './value.js';

/** operandTypeError is OPA's error for operand `position` (1-based) of `builtin` having the wrong type. */
export function operandTypeError(
  builtin: string,
  position: number,
  got: RegoValue,
  ...expected: RegoTypeName[]
): BuiltinError {
  const want = expected.length === 1 ? expected[0] : `one of {${[...expected].sort().join(', ')}}`;
  return new BuiltinError(
    `${builtin}: operand ${position} must be ${want} but got ${typeName(got)}`,
    'eval_type_error',
  );
}

/** operandError is OPA's error for an operand of the right type but an unusable value. */
export function operandError(builtin: string, position: number, detail: string): BuiltinError {
  return new BuiltinError(`${builtin}: operand ${position} ${detail}`, 'eval_builtin_error');
}

export function stringOperand(builtin: string, position: number, value: RegoValue | undefined): string {
  if (typeof value !== 'string') throw operandTypeError(builtin, position, value ?? null, 'string');
  return value;
}

export function numberOperand(builtin: string, position: number, value: RegoValue | undefined): number | bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw operandTypeError(builtin, position, value ?? null, 'number');
  }
  return value;
}

/**
 * integerOperand is a number operand that must be an integer, as a bigint. OPA reports a fraction as
 * `operand N must be integer number but got floating-point number`.
 */
export function integerOperand(builtin: string, position: number, value: RegoValue | undefined): bigint {
  const n = numberOperand(builtin, position, value);
  if (typeof n === 'bigint') return n;
  if (!Number.isInteger(n))
    throw operandError(builtin, position, 'must be integer number but got floating-point number');
  return BigInt(n);
}

/**
 * safeIntegerOperand is an integer operand the host can use as a JS number. Past 2^53 the SDK's JSON bridge may
 * already have rounded it, so the host refuses rather than answer for a number that was never asked.
 */
export function safeIntegerOperand(builtin: string, position: number, value: RegoValue | undefined): number {
  const n = integerOperand(builtin, position, value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new HostLimitError(`${builtin}: operand ${position} is too large for an exact answer on the host`);
  }
  return Number(n);
}

export function booleanOperand(builtin: string, position: number, value: RegoValue | undefined): boolean {
  if (typeof value !== 'boolean') throw operandTypeError(builtin, position, value ?? null, 'boolean');
  return value;
}

export function arrayOperand(builtin: string, position: number, value: RegoValue | undefined): readonly RegoValue[] {
  if (!Array.isArray(value)) throw operandTypeError(builtin, position, value ?? null, 'array');
  return value;
}

export function objectOperand(
  builtin: string,
  position: number,
  value: RegoValue | undefined,
): JsonObject | RegoObject {
  if (value instanceof RegoObject || (value !== undefined && isJsonObject(value))) return value;
  throw operandTypeError(builtin, position, value ?? null, 'object');
}

/** stringKeyedObjectOperand is an object operand whose keys must all be strings. */
export function stringKeyedObjectOperand(builtin: string, position: number, value: RegoValue | undefined): JsonObject {
  const object = objectOperand(builtin, position, value);
  if (object instanceof RegoObject) {
    throw operandError(builtin, position, 'must be an object with string keys');
  }
  return object;
}

/** collectionMembers lists the elements of an array or the members of a set (a set arrives as an array over JSON). */
export function collectionMembers(
  builtin: string,
  position: number,
  value: RegoValue | undefined,
): readonly RegoValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof RegoSet) return value.members;
  throw operandTypeError(builtin, position, value ?? null, 'array', 'set');
}

/** stringsOperand is a string, or an array or set of strings, as a list (strings.any_prefix_match and kin). */
export function stringsOperand(builtin: string, position: number, value: RegoValue | undefined): readonly string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) || value instanceof RegoSet) {
    const members = Array.isArray(value) ? value : value.members;
    return members.map((m) => {
      if (typeof m !== 'string') throw operandTypeError(builtin, position, m, 'string');
      return m;
    });
  }
  throw operandTypeError(builtin, position, value ?? null, 'string', 'array', 'set');
}

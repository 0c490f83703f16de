// Array built-ins (OPA's array.go): array.concat, array.slice, array.reverse.

import {
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_NUMBER,
  elementAt,
  intOf,
  lengthOf,
  makeCollection,
  numberKind,
  slotsOf,
  typeOf,
} from '../values';
import { builtinError, typeError } from './errors';

/** builtin_array_concat joins two arrays. */
export function builtin_array_concat(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_ARRAY) return typeError('array.concat: operand 1 must be array but got ', a);
  if (typeOf(b) != TYPE_ARRAY) return typeError('array.concat: operand 2 must be array but got ', b);
  const n = lengthOf(a);
  const m = lengthOf(b);
  const result = makeCollection(TYPE_ARRAY, n + m);
  memory.copy(slotsOf(result), slotsOf(a), n << 2);
  memory.copy(slotsOf(result) + (n << 2), slotsOf(b), m << 2);
  store<u32>(result, <u32>(n + m), 4);
  return result;
}

/** isInt reports whether `v` is an integer number written as one (OPA's IntOperand). */
export function isInt(v: usize): bool {
  return typeOf(v) == TYPE_NUMBER && numberKind(v) == NUMBER_INT;
}

/** builtin_array_slice is array[start:stop], both clamped to the array. */
export function builtin_array_slice(a: usize, start: usize, stop: usize): usize {
  if (typeOf(a) != TYPE_ARRAY) return typeError('array.slice: operand 1 must be array but got ', a);
  if (typeOf(start) != TYPE_NUMBER) return typeError('array.slice: operand 2 must be number but got ', start);
  if (!isInt(start)) return builtinError('array.slice: operand 2 must be integer number but got floating-point number');
  if (typeOf(stop) != TYPE_NUMBER) return typeError('array.slice: operand 3 must be number but got ', stop);
  if (!isInt(stop)) return builtinError('array.slice: operand 3 must be integer number but got floating-point number');
  const n = <i64>lengthOf(a);
  let to = intOf(stop);
  if (to < 0) to = 0;
  else if (to > n) to = n;
  let from = intOf(start);
  if (from < 0) from = 0;
  else if (from > to) from = to;
  const count = <usize>(to - from);
  const result = makeCollection(TYPE_ARRAY, count);
  memory.copy(slotsOf(result), slotsOf(a) + ((<usize>from) << 2), count << 2);
  store<u32>(result, <u32>count, 4);
  return result;
}

/** builtin_array_reverse returns the array's elements in reverse order. */
export function builtin_array_reverse(a: usize): usize {
  if (typeOf(a) != TYPE_ARRAY) return typeError('array.reverse: operand 1 must be array but got ', a);
  const n = lengthOf(a);
  const result = makeCollection(TYPE_ARRAY, n);
  const out = slotsOf(result);
  for (let i: usize = 0; i < n; i++) store<u32>(out + (i << 2), <u32>elementAt(a, n - 1 - i));
  store<u32>(result, <u32>n, 4);
  return result;
}

// Comparison operators: OPA compares any two values in its total order (1 < "a" is true).

import { compareValues, equalValues } from '../compare';
import { makeBoolean } from '../values';

/** builtin_equal is `==`. */
export function builtin_equal(a: usize, b: usize): usize {
  return makeBoolean(equalValues(a, b));
}

/** builtin_neq is `!=`. */
export function builtin_neq(a: usize, b: usize): usize {
  return makeBoolean(!equalValues(a, b));
}

/** builtin_lt is `<`. */
export function builtin_lt(a: usize, b: usize): usize {
  return makeBoolean(compareValues(a, b) < 0);
}

/** builtin_lte is `<=`. */
export function builtin_lte(a: usize, b: usize): usize {
  return makeBoolean(compareValues(a, b) <= 0);
}

/** builtin_gt is `>`. */
export function builtin_gt(a: usize, b: usize): usize {
  return makeBoolean(compareValues(a, b) > 0);
}

/** builtin_gte is `>=`. */
export function builtin_gte(a: usize, b: usize): usize {
  return makeBoolean(compareValues(a, b) >= 0);
}

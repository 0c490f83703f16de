// Aggregates (OPA's aggregates.go): count, sum, product, max, min, sort, all, any.

import { copyAs, sortArrayInPlace } from '../collections';
import { compareValues, equalValues } from '../compare';
import { OP_MULTIPLY, OP_PLUS, arithmetic, arithmeticError } from '../number-arith';
import { countCodePoints } from '../utf8';
import {
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  booleanOf,
  elementAt,
  lengthOf,
  makeBoolean,
  makeInt,
  stringBytes,
  stringLength,
  typeOf,
} from '../values';
import { builtinError, elementError, typeError } from './errors';

/** builtin_count counts a string's code points or a collection's entries. */
export function builtin_count(v: usize): usize {
  const type = typeOf(v);
  if (type == TYPE_STRING) return makeInt(<i64>countCodePoints(stringBytes(v), stringLength(v)));
  if (type == TYPE_ARRAY || type == TYPE_OBJECT || type == TYPE_SET) return makeInt(<i64>lengthOf(v));
  return typeError('count: operand 1 must be one of {array, object, set, string} but got ', v);
}

function fold(v: usize, op: i32, start: i64, name: string, elementPrefix: string): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET) return typeError(name, v);
  const n = lengthOf(v);
  for (let i: usize = 0; i < n; i++) {
    const x = elementAt(v, i);
    if (typeOf(x) != TYPE_NUMBER) return elementError(elementPrefix, v, x, 'number');
  }
  let acc = makeInt(start);
  for (let i: usize = 0; i < n; i++) {
    acc = arithmetic(op, acc, elementAt(v, i));
    if (acc == 0) return builtinError(arithmeticError());
  }
  return acc;
}

/** builtin_sum adds the numbers of an array or set. */
export function builtin_sum(v: usize): usize {
  return fold(v, OP_PLUS, 0, 'sum: operand 1 must be one of {set, array} but got ', 'sum: operand 1 must be ');
}

/** builtin_product multiplies the numbers of an array or set. */
export function builtin_product(v: usize): usize {
  return fold(
    v,
    OP_MULTIPLY,
    1,
    'product: operand 1 must be one of {set, array} but got ',
    'product: operand 1 must be ',
  );
}

/** builtin_max is the greatest element of an array or set (undefined when empty). */
export function builtin_max(v: usize): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('max: operand 1 must be one of {set, array} but got ', v);
  const n = lengthOf(v);
  if (n == 0) return 0;
  if (type == TYPE_SET) return elementAt(v, n - 1);
  // As OPA: the last of equal greatest elements.
  let best = elementAt(v, 0);
  for (let i: usize = 1; i < n; i++) {
    const x = elementAt(v, i);
    if (compareValues(best, x) <= 0) best = x;
  }
  return best;
}

/** builtin_min is the least element of an array or set (undefined when empty). */
export function builtin_min(v: usize): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('min: operand 1 must be one of {set, array} but got ', v);
  const n = lengthOf(v);
  if (n == 0) return 0;
  if (type == TYPE_SET) return elementAt(v, 0);
  // As OPA: the last of equal least elements.
  let best = elementAt(v, 0);
  for (let i: usize = 1; i < n; i++) {
    const x = elementAt(v, i);
    if (compareValues(best, x) >= 0) best = x;
  }
  return best;
}

/** builtin_sort returns the elements of an array or set as a sorted array. */
export function builtin_sort(v: usize): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('sort: operand 1 must be one of {set, array} but got ', v);
  const sorted = copyAs(v, TYPE_ARRAY);
  if (type == TYPE_ARRAY) sortArrayInPlace(sorted);
  return sorted;
}

/** builtin_all is true when every element of an array or set is `true`. */
export function builtin_all(v: usize): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('all: operand 1 must be one of {array, set} but got ', v);
  const n = lengthOf(v);
  for (let i: usize = 0; i < n; i++) {
    const x = elementAt(v, i);
    if (typeOf(x) != TYPE_BOOLEAN || !booleanOf(x)) return makeBoolean(false);
  }
  return makeBoolean(true);
}

/** builtin_any is true when some element of an array or set is `true`. */
export function builtin_any(v: usize): usize {
  const type = typeOf(v);
  if (type != TYPE_ARRAY && type != TYPE_SET)
    return typeError('any: operand 1 must be one of {array, set} but got ', v);
  const n = lengthOf(v);
  const yes = makeBoolean(true);
  for (let i: usize = 0; i < n; i++) if (equalValues(elementAt(v, i), yes)) return yes;
  return makeBoolean(false);
}

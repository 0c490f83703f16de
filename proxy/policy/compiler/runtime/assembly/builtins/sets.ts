// Set built-ins (OPA's sets.go and aggregates.go): union and intersection of a set of sets, and the membership
// tests behind `x in xs` (internal.member_2) and `k, v in xs` (internal.member_3).

import { objectGet, search } from '../collections';
import { equalValues } from '../compare';
import { opa_value_get } from '../emitter';
import {
  TYPE_ARRAY,
  TYPE_OBJECT,
  TYPE_SET,
  elementAt,
  lengthOf,
  makeBoolean,
  makeCollection,
  typeOf,
  valueAt,
} from '../values';
import { typeError } from './errors';
import { setIntersection, setUnion } from './set-algebra';

/** builtin_union is the union of a set of sets. */
export function builtin_union(sets: usize): usize {
  if (typeOf(sets) != TYPE_SET) return typeError('union: operand 1 must be set but got ', sets);
  const n = lengthOf(sets);
  for (let i: usize = 0; i < n; i++) {
    const s = elementAt(sets, i);
    if (typeOf(s) != TYPE_SET) return typeError('union: operand 1 must be set but got ', s);
  }
  let result = makeCollection(TYPE_SET, 0);
  for (let i: usize = 0; i < n; i++) result = setUnion(result, elementAt(sets, i));
  return result;
}

/** builtin_intersection is the intersection of a set of sets (the empty set for none). */
export function builtin_intersection(sets: usize): usize {
  if (typeOf(sets) != TYPE_SET) return typeError('intersection: operand 1 must be set but got ', sets);
  const n = lengthOf(sets);
  if (n == 0) return makeCollection(TYPE_SET, 0);
  for (let i: usize = 0; i < n; i++) {
    const s = elementAt(sets, i);
    if (typeOf(s) != TYPE_SET) return typeError('intersection: operand 1 must be set but got ', s);
  }
  let result = elementAt(sets, 0);
  for (let i: usize = 1; i < n; i++) result = setIntersection(result, elementAt(sets, i));
  return result;
}

/** builtin_internal_member_2 is `x in xs`: a set member, an array element or an object value equal to `x`. */
export function builtin_internal_member_2(x: usize, xs: usize): usize {
  const type = typeOf(xs);
  if (type == TYPE_SET) return makeBoolean(search(xs, x) >= 0);
  const n = type == TYPE_ARRAY || type == TYPE_OBJECT ? lengthOf(xs) : 0;
  if (type == TYPE_ARRAY) {
    for (let i: usize = 0; i < n; i++) if (equalValues(elementAt(xs, i), x)) return makeBoolean(true);
  } else if (type == TYPE_OBJECT) {
    for (let i: usize = 0; i < n; i++) if (equalValues(valueAt(xs, i), x)) return makeBoolean(true);
  }
  return makeBoolean(false);
}

/** builtin_internal_member_3 is `k, v in xs`: `xs[k]` is `v` (for a set: `k` is a member and equals `v`). */
export function builtin_internal_member_3(k: usize, v: usize, xs: usize): usize {
  const type = typeOf(xs);
  if (type == TYPE_SET) return makeBoolean(search(xs, k) >= 0 && equalValues(k, v));
  if (type == TYPE_OBJECT) {
    const found = objectGet(xs, k);
    return makeBoolean(found != 0 && equalValues(found, v));
  }
  if (type == TYPE_ARRAY) {
    const found = opa_value_get(xs, k);
    return makeBoolean(found != 0 && equalValues(found, v));
  }
  return makeBoolean(false);
}

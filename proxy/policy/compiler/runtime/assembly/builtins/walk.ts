// walk (OPA's walk.go): every [path, value] pair inside a value, the value itself first, then depth first: array
// elements by index, object entries and set members in their sorted order. A set member's path key is the member.

import { arrayAppend, copyCollection } from '../collections';
import { TYPE_ARRAY, TYPE_OBJECT, elementAt, keyAt, lengthOf, makeCollection, makeInt, typeOf, valueAt } from '../values';

/** builtin_walk is the array of every [path, value] pair in `v`, in OPA's order. */
export function builtin_walk(v: usize): usize {
  const pairs = makeCollection(TYPE_ARRAY, 1);
  walkInto(pairs, makeCollection(TYPE_ARRAY, 0), v);
  return pairs;
}

function walkInto(pairs: usize, path: usize, v: usize): void {
  const pair = makeCollection(TYPE_ARRAY, 2);
  arrayAppend(pair, path);
  arrayAppend(pair, v);
  arrayAppend(pairs, pair);
  const type = typeOf(v);
  if (type < TYPE_ARRAY) return;
  const n = lengthOf(v);
  for (let i: usize = 0; i < n; i++) {
    if (type == TYPE_ARRAY) walkInto(pairs, extended(path, makeInt(<i64>i)), elementAt(v, i));
    else if (type == TYPE_OBJECT) walkInto(pairs, extended(path, keyAt(v, i)), valueAt(v, i));
    else walkInto(pairs, extended(path, elementAt(v, i)), elementAt(v, i));
  }
}

/** extended is a new path: `path` and then `key` (paths are shared by the pairs, so never appended in place). */
// @ts-ignore: decorator
@inline
function extended(path: usize, key: usize): usize {
  const copy = copyCollection(path, 1);
  arrayAppend(copy, key);
  return copy;
}

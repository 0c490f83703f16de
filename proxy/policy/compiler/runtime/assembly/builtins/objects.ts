// Object built-ins (OPA's object.go): object.get, object.keys, object.remove, object.filter, object.union,
// object.union_n.

import { copyAs, copyCollection, objectGet, objectInsert, search } from '../collections';
import { equalValues } from '../compare';
import { opa_value_get } from '../emitter';
import {
  TYPE_ARRAY,
  TYPE_OBJECT,
  TYPE_SET,
  elementAt,
  keyAt,
  lengthOf,
  makeCollection,
  slotsOf,
  typeOf,
  valueAt,
} from '../values';
import { elementError, typeError } from './errors';

/**
 * builtin_object_get returns obj[key], or `fallback` when absent. An array `key` is a path: each element indexes
 * one level (objects by key, arrays by integer index, sets by member); an empty path returns `obj`.
 */
export function builtin_object_get(obj: usize, key: usize, fallback: usize): usize {
  if (typeOf(obj) != TYPE_OBJECT) return typeError('object.get: operand 1 must be object but got ', obj);
  if (typeOf(key) != TYPE_ARRAY) {
    const found = objectGet(obj, key);
    return found != 0 ? found : fallback;
  }
  let current = obj;
  const n = lengthOf(key);
  for (let i: usize = 0; i < n; i++) {
    const type = typeOf(current);
    if (type != TYPE_OBJECT && type != TYPE_ARRAY && type != TYPE_SET) return fallback;
    current = opa_value_get(current, elementAt(key, i));
    if (current == 0) return fallback;
  }
  return current;
}

/** builtin_object_keys is the set of an object's keys. */
export function builtin_object_keys(obj: usize): usize {
  if (typeOf(obj) != TYPE_OBJECT) return typeError('object.keys: operand 1 must be object but got ', obj);
  return copyAs(obj, TYPE_SET);
}

/** keySet is the keys named by an array, set or object (its keys) as a sorted set; 0 for another type. */
function keySet(keys: usize): usize {
  const type = typeOf(keys);
  if (type == TYPE_SET) return keys;
  if (type == TYPE_OBJECT) return copyAs(keys, TYPE_SET);
  if (type == TYPE_ARRAY) {
    const set = makeCollection(TYPE_SET, lengthOf(keys));
    const n = lengthOf(keys);
    for (let i: usize = 0; i < n; i++) {
      // setAdd keeps members sorted and unique.
      setAddInto(set, elementAt(keys, i));
    }
    return set;
  }
  return 0;
}

function setAddInto(set: usize, member: usize): void {
  const i = search(set, member);
  if (i >= 0) return;
  const at = <usize>(-i - 1);
  const n = lengthOf(set);
  const slots = slotsOf(set);
  memory.copy(slots + ((at + 1) << 2), slots + (at << 2), (n - at) << 2);
  store<u32>(slots + (at << 2), <u32>member);
  store<u32>(set, <u32>(n + 1), 4);
}

/** builtin_object_remove returns `obj` without the keys named by an array, set or object. */
export function builtin_object_remove(obj: usize, keys: usize): usize {
  if (typeOf(obj) != TYPE_OBJECT) return typeError('object.remove: operand 1 must be object but got ', obj);
  const remove = keySet(keys);
  if (remove == 0) return typeError('object.remove: operand 2 must be one of {object, set, array} but got ', keys);
  const n = lengthOf(obj);
  const result = makeCollection(TYPE_OBJECT, n);
  const out = slotsOf(result);
  let count: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const key = keyAt(obj, i);
    if (search(remove, key) >= 0) continue;
    store<u32>(out + (count << 3), <u32>key);
    store<u32>(out + (count << 3), <u32>valueAt(obj, i), 4);
    count++;
  }
  store<u32>(result, <u32>count, 4);
  return result;
}

/** builtin_object_filter returns `obj` with only the keys named by an array, set or object. */
export function builtin_object_filter(obj: usize, keys: usize): usize {
  if (typeOf(obj) != TYPE_OBJECT) return typeError('object.filter: operand 1 must be object but got ', obj);
  const keep = keySet(keys);
  if (keep == 0) return typeError('object.filter: operand 2 must be one of {object, set, array} but got ', keys);
  const n = lengthOf(obj);
  const result = makeCollection(TYPE_OBJECT, n);
  const out = slotsOf(result);
  let count: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const key = keyAt(obj, i);
    if (search(keep, key) < 0) continue;
    store<u32>(out + (count << 3), <u32>key);
    store<u32>(out + (count << 3), <u32>valueAt(obj, i), 4);
    count++;
  }
  store<u32>(result, <u32>count, 4);
  return result;
}

/** mergeOverwrite merges `b` into `a`: where both have an object they merge, else `b`'s value wins. */
function mergeOverwrite(a: usize, b: usize): usize {
  const merged = copyCollection(a, lengthOf(b));
  const n = lengthOf(b);
  for (let i: usize = 0; i < n; i++) {
    const key = keyAt(b, i);
    const bValue = valueAt(b, i);
    const aValue = objectGet(a, key);
    if (aValue != 0 && typeOf(aValue) == TYPE_OBJECT && typeOf(bValue) == TYPE_OBJECT) {
      objectInsert(merged, key, mergeOverwrite(aValue, bValue));
    } else {
      objectInsert(merged, key, bValue);
    }
  }
  return merged;
}

/** builtin_object_union merges two objects recursively; on conflicts `b` wins. */
export function builtin_object_union(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_OBJECT) return typeError('object.union: operand 1 must be object but got ', a);
  if (typeOf(b) != TYPE_OBJECT) return typeError('object.union: operand 2 must be object but got ', b);
  if (equalValues(a, b)) return a;
  return mergeOverwrite(a, b);
}

/** builtin_object_union_n merges an array of objects left to right, as `object.union` does. */
export function builtin_object_union_n(objects: usize): usize {
  if (typeOf(objects) != TYPE_ARRAY) return typeError('object.union_n: operand 1 must be array but got ', objects);
  const n = lengthOf(objects);
  for (let i: usize = 0; i < n; i++) {
    const o = elementAt(objects, i);
    if (typeOf(o) != TYPE_OBJECT) return elementError('object.union_n: operand 1 must be ', objects, o, 'object');
  }
  let result = makeCollection(TYPE_OBJECT, 0);
  for (let i: usize = 0; i < n; i++) result = mergeOverwrite(result, elementAt(objects, i));
  return result;
}

// Writing into documents by path: `opa_value_add_path` / `opa_value_remove_path` (ABI, for hosts that patch the
// data document in place) and `airlock_value_with` (the `with` keyword: a copy with one path replaced).

import { copyCollection, objectGet, objectInsert, search } from './collections';
import { TYPE_ARRAY, TYPE_OBJECT, elementAt, lengthOf, opa_object, slotsOf, typeOf } from './values';

/** OPA's error codes for the path functions. */
export const ERR_OK: i32 = 0;
export const ERR_INTERNAL: i32 = 1;
export const ERR_INVALID_TYPE: i32 = 2;
export const ERR_INVALID_PATH: i32 = 3;

/** addPath sets `path` (an array of keys) in object `base` to `v`, making missing objects on the way. */
export function addPath(base: usize, path: usize, v: usize): i32 {
  if (base == 0 || path == 0 || v == 0) return ERR_INTERNAL;
  if (typeOf(path) != TYPE_ARRAY) return ERR_INVALID_TYPE;
  const n = lengthOf(path);
  if (n == 0) return ERR_INVALID_PATH;
  let current = base;
  for (let i: usize = 0; i + 1 < n; i++) {
    if (typeOf(current) != TYPE_OBJECT) return ERR_INVALID_TYPE;
    const key = elementAt(path, i);
    let next = objectGet(current, key);
    if (next == 0) {
      next = opa_object();
      objectInsert(current, key, next);
    }
    current = next;
  }
  if (typeOf(current) != TYPE_OBJECT) return ERR_INVALID_TYPE;
  objectInsert(current, elementAt(path, n - 1), v);
  return ERR_OK;
}

/** removePath deletes the member at `path` (an array of keys) from object `base`; a missing path is not an error. */
export function removePath(base: usize, path: usize): i32 {
  if (base == 0 || path == 0) return ERR_INTERNAL;
  if (typeOf(path) != TYPE_ARRAY) return ERR_INVALID_TYPE;
  const n = lengthOf(path);
  if (n == 0) return ERR_INVALID_PATH;
  let current = base;
  for (let i: usize = 0; i + 1 < n; i++) {
    if (typeOf(current) != TYPE_OBJECT) return ERR_INVALID_TYPE;
    current = objectGet(current, elementAt(path, i));
    if (current == 0) return ERR_OK;
  }
  if (typeOf(current) != TYPE_OBJECT) return ERR_INVALID_TYPE;
  objectRemove(current, elementAt(path, n - 1));
  return ERR_OK;
}

/** objectRemove deletes `key` from object `o` in place. */
export function objectRemove(o: usize, key: usize): void {
  const i = search(o, key);
  if (i < 0) return;
  const n = lengthOf(o);
  const at = slotsOf(o) + ((<usize>i) << 3);
  memory.copy(at, at + 8, (n - <usize>i - 1) << 3);
  store<u32>(o, <u32>(n - 1), 4);
}

/**
 * valueWith returns a copy of `base` (0: undefined, taken as `{}`) with `v` at `path` (an array of keys), copying
 * only the objects along the path; anything on the path that is not an object is replaced by one.
 */
export function valueWith(base: usize, path: usize, from: usize, v: usize): usize {
  if (from >= lengthOf(path)) return v;
  const key = elementAt(path, from);
  const copy = base != 0 && typeOf(base) == TYPE_OBJECT ? copyCollection(base, 1) : opa_object();
  const child = objectGet(copy, key);
  objectInsert(copy, key, valueWith(child, path, from + 1, v));
  return copy;
}

/** mergeObjects deep-merges objects `a` and `b`; `a` wins where they disagree on something not an object. */
export function mergeObjects(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_OBJECT || typeOf(b) != TYPE_OBJECT) return 0;
  const merged = copyCollection(a, lengthOf(b));
  const n = lengthOf(b);
  const bSlots = slotsOf(b);
  for (let i: usize = 0; i < n; i++) {
    const key = <usize>load<u32>(bSlots + (i << 3));
    const bValue = <usize>load<u32>(bSlots + (i << 3), 4);
    const aValue = objectGet(a, key);
    if (aValue == 0) objectInsert(merged, key, bValue);
    else if (typeOf(aValue) == TYPE_OBJECT && typeOf(bValue) == TYPE_OBJECT) {
      objectInsert(merged, key, mergeObjects(aValue, bValue));
    }
  }
  return merged;
}

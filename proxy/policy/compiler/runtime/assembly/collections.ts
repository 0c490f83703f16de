// Arrays, objects and sets: growth, sorted insertion, lookup. Object entries and set members stay sorted in
// OPA's order, so lookup is a binary search and iteration order is OPA's.

import { alloc, allocExtend } from './alloc';
import { compareStrings, compareValues } from './compare';
import {
  TYPE_OBJECT,
  TYPE_STRING,
  capacityOf,
  keyAt,
  lengthOf,
  makeCollection,
  slotsOf,
  typeOf,
  valueAt,
  elementAt,
} from './values';

// @ts-ignore: decorator
@inline
function slotBytes(v: usize): usize {
  return typeOf(v) == TYPE_OBJECT ? 8 : 4;
}

/** compareKeys orders two object keys or set members; strings, the common case, skip the type dispatch. */
// @ts-ignore: decorator
@inline
function compareKeys(a: usize, b: usize): i32 {
  if (typeOf(a) == TYPE_STRING && typeOf(b) == TYPE_STRING) return compareStrings(a, b);
  return compareValues(a, b);
}

/** reserve makes room for at least `wanted` entries in collection `v`. */
export function reserve(v: usize, wanted: usize): void {
  const capacity = capacityOf(v);
  if (wanted <= capacity) return;
  let grown: usize = capacity < 4 ? 4 : capacity << 1;
  if (grown < wanted) grown = wanted;
  const size = slotBytes(v);
  const slots = slotsOf(v);
  const moved = slots == 0 ? alloc(grown * size) : allocExtend(slots, capacity * size, grown * size);
  store<u32>(v, <u32>grown, 8);
  store<u32>(v, <u32>moved, 12);
}

/** arrayAppend appends `element` to array `a`. */
export function arrayAppend(a: usize, element: usize): void {
  const n = lengthOf(a);
  if (n == capacityOf(a)) reserve(a, n + 1);
  store<u32>(slotsOf(a) + (n << 2), <u32>element);
  store<u32>(a, <u32>(n + 1), 4);
}

/**
 * search finds `key` among the sorted keys of object `o` or members of set `o`: its index, or -(insertion index)-1
 * when absent.
 */
export function search(o: usize, key: usize): isize {
  const slots = slotsOf(o);
  const shift: usize = typeOf(o) == TYPE_OBJECT ? 3 : 2;
  let low: isize = 0;
  let high: isize = <isize>lengthOf(o) - 1;
  if (typeOf(key) == TYPE_STRING) {
    // Object keys are nearly always strings: compare them without the type dispatch.
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const probe = <usize>load<u32>(slots + ((<usize>mid) << shift));
      const c = typeOf(probe) == TYPE_STRING ? compareStrings(probe, key) : typeOf(probe) < TYPE_STRING ? -1 : 1;
      if (c == 0) return mid;
      if (c < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -low - 1;
  }
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const c = compareValues(<usize>load<u32>(slots + ((<usize>mid) << shift)), key);
    if (c == 0) return mid;
    if (c < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -low - 1;
}

/** openSlot shifts entries from `index` on up by one, making room at `index`; returns the slot's address. */
function openSlot(v: usize, index: usize): usize {
  const n = lengthOf(v);
  if (n == capacityOf(v)) reserve(v, n + 1);
  const size = slotBytes(v);
  const at = slotsOf(v) + index * size;
  if (index < n) memory.copy(at + size, at, (n - index) * size);
  store<u32>(v, <u32>(n + 1), 4);
  return at;
}

/** objectGet returns the value under `key` in object `o`, or 0. */
export function objectGet(o: usize, key: usize): usize {
  const i = search(o, key);
  return i >= 0 ? valueAt(o, <usize>i) : 0;
}

/** objectInsert sets `key` to `value` in object `o`, replacing any value it had. */
export function objectInsert(o: usize, key: usize, value: usize): void {
  // Appending in order is the common case (JSON input, compiled object literals): check the last key first.
  const n = lengthOf(o);
  if (n == 0 || compareKeys(keyAt(o, n - 1), key) < 0) {
    const at = openSlot(o, n);
    store<u32>(at, <u32>key);
    store<u32>(at, <u32>value, 4);
    return;
  }
  const i = search(o, key);
  if (i >= 0) {
    store<u32>(slotsOf(o) + ((<usize>i) << 3), <u32>value, 4);
    return;
  }
  const at = openSlot(o, <usize>(-i - 1));
  store<u32>(at, <u32>key);
  store<u32>(at, <u32>value, 4);
}

/** setAdd adds `member` to set `s` unless an equal member is there. */
export function setAdd(s: usize, member: usize): void {
  const n = lengthOf(s);
  if (n == 0 || compareValues(elementAt(s, n - 1), member) < 0) {
    store<u32>(openSlot(s, n), <u32>member);
    return;
  }
  const i = search(s, member);
  if (i >= 0) return;
  store<u32>(openSlot(s, <usize>(-i - 1)), <u32>member);
}

/** setContains reports whether set `s` has a member equal to `member`. */
export function setContains(s: usize, member: usize): bool {
  return search(s, member) >= 0;
}

/** copyCollection returns a shallow copy of an array, object or set, with room for `extra` more entries. */
export function copyCollection(v: usize, extra: usize): usize {
  const n = lengthOf(v);
  const copy = makeCollection(typeOf(v), n + extra);
  memory.copy(slotsOf(copy), slotsOf(v), n * slotBytes(v));
  store<u32>(copy, <u32>n, 4);
  return copy;
}

/** copyAs returns the elements of an array or set (or an object's keys) as a new collection of `type`. */
export function copyAs(v: usize, type: u8): usize {
  const n = lengthOf(v);
  const copy = makeCollection(type, n);
  if (typeOf(v) == TYPE_OBJECT) {
    for (let i: usize = 0; i < n; i++) store<u32>(slotsOf(copy) + (i << 2), <u32>keyAt(v, i));
  } else {
    memory.copy(slotsOf(copy), slotsOf(v), n << 2);
  }
  store<u32>(copy, <u32>n, 4);
  return copy;
}

// Sorting for values built out of order (JSON objects, Rego set literals, sort()): a stable merge sort of slots,
// `size` bytes each, compared by the value whose address is the slot's first u32.

function mergeSort(slots: usize, count: usize, size: usize): void {
  if (count < 2) return;
  // Insertion sort short runs, then merge runs pairwise through a scratch area.
  const RUN: usize = 8;
  for (let start: usize = 0; start < count; start += RUN) {
    const end = min(start + RUN, count);
    for (let i = start + 1; i < end; i++) {
      const k = load<u32>(slots + i * size);
      const v = size == 8 ? load<u32>(slots + i * size, 4) : 0;
      let j = i;
      while (j > start && compareKeys(<usize>load<u32>(slots + (j - 1) * size), <usize>k) > 0) {
        store<u32>(slots + j * size, load<u32>(slots + (j - 1) * size));
        if (size == 8) store<u32>(slots + j * size, load<u32>(slots + (j - 1) * size, 4), 4);
        j--;
      }
      store<u32>(slots + j * size, k);
      if (size == 8) store<u32>(slots + j * size, v, 4);
    }
  }
  if (count <= RUN) return;
  let from = slots;
  let to = alloc(count * size);
  for (let width = RUN; width < count; width <<= 1) {
    for (let left: usize = 0; left < count; left += width << 1) {
      const mid = min(left + width, count);
      const right = min(left + (width << 1), count);
      let i = left;
      let j = mid;
      let k = left;
      while (i < mid && j < right) {
        // `<=` keeps equal keys in their original order (stability).
        if (compareKeys(<usize>load<u32>(from + i * size), <usize>load<u32>(from + j * size)) <= 0) {
          memory.copy(to + k * size, from + i * size, size);
          i++;
        } else {
          memory.copy(to + k * size, from + j * size, size);
          j++;
        }
        k++;
      }
      if (i < mid) memory.copy(to + k * size, from + i * size, (mid - i) * size);
      k += mid - i;
      if (j < right) memory.copy(to + k * size, from + j * size, (right - j) * size);
    }
    const t = from;
    from = to;
    to = t;
  }
  if (from != slots) memory.copy(slots, from, count * size);
}

/** Objects with up to this many entries are sorted by insertion: most JSON objects are small. */
const INSERTION_SORT_MAX: usize = 32;

/**
 * insertionSortEntries sorts `count` object entries (key, value) by key, stably, and reports whether two keys
 * are equal: the insertion of a key stops at the nearest key not above it, which is an equal key if there is one.
 */
function insertionSortEntries(slots: usize, count: usize): bool {
  let duplicates = false;
  for (let i: usize = 1; i < count; i++) {
    const entry = load<u64>(slots + (i << 3));
    // The key is the entry's first u32: the low half of the little-endian u64.
    const key = <usize>(<u32>entry);
    let j = i;
    while (j > 0) {
      const c = compareKeys(<usize>load<u32>(slots + ((j - 1) << 3)), key);
      if (c <= 0) {
        if (c == 0) duplicates = true;
        break;
      }
      store<u64>(slots + (j << 3), load<u64>(slots + ((j - 1) << 3)));
      j--;
    }
    if (j != i) store<u64>(slots + (j << 3), entry);
  }
  return duplicates;
}

/**
 * sortObject sorts the entries of an object built in input order and drops duplicate keys, the last duplicate
 * winning (as JSON parsers do).
 */
export function sortObject(o: usize): void {
  const n = lengthOf(o);
  if (n < 2) return;
  const slots = slotsOf(o);
  if (n <= INSERTION_SORT_MAX) {
    if (!insertionSortEntries(slots, n)) return;
  } else {
    // Already sorted and unique? (Common: generated JSON often has sorted keys.)
    let sorted = true;
    for (let i: usize = 1; i < n; i++) {
      if (compareKeys(keyAt(o, i - 1), keyAt(o, i)) >= 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) return;
    mergeSort(slots, n, 8);
  }
  let out: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    if (i + 1 < n && compareKeys(keyAt(o, i), keyAt(o, i + 1)) == 0) continue;
    store<u64>(slots + (out << 3), load<u64>(slots + (i << 3)));
    out++;
  }
  store<u32>(o, <u32>out, 4);
}

/** sortUnique sorts the members of a set built in input order and drops duplicates. */
export function sortUnique(s: usize): void {
  const n = lengthOf(s);
  if (n < 2) return;
  const slots = slotsOf(s);
  mergeSort(slots, n, 4);
  let out: usize = 1;
  for (let i: usize = 1; i < n; i++) {
    const member = load<u32>(slots + (i << 2));
    if (compareValues(<usize>load<u32>(slots + ((out - 1) << 2)), <usize>member) == 0) continue;
    store<u32>(slots + (out << 2), member);
    out++;
  }
  store<u32>(s, <u32>out, 4);
}

/** sortArrayInPlace sorts the elements of an array (used by `sort`). */
export function sortArrayInPlace(a: usize): void {
  mergeSort(slotsOf(a), lengthOf(a), 4);
}

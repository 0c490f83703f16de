// Set algebra on sorted sets: difference, intersection and union by merging the two sorted member lists.

import { compareValues } from '../compare';
import { elementAt, lengthOf, makeCollection, slotsOf, TYPE_SET } from '../values';

const DIFFERENCE: i32 = 0;
const INTERSECTION: i32 = 1;
const UNION: i32 = 2;

function merge(a: usize, b: usize, mode: i32): usize {
  const n = lengthOf(a);
  const m = lengthOf(b);
  const result = makeCollection(TYPE_SET, mode == UNION ? n + m : mode == DIFFERENCE ? n : min(n, m));
  const out = slotsOf(result);
  let count: usize = 0;
  let i: usize = 0;
  let j: usize = 0;
  while (i < n && j < m) {
    const x = elementAt(a, i);
    const y = elementAt(b, j);
    const c = compareValues(x, y);
    if (c < 0) {
      if (mode != INTERSECTION) store<u32>(out + (count++ << 2), <u32>x);
      i++;
    } else if (c > 0) {
      if (mode == UNION) store<u32>(out + (count++ << 2), <u32>y);
      j++;
    } else {
      if (mode != DIFFERENCE) store<u32>(out + (count++ << 2), <u32>x);
      i++;
      j++;
    }
  }
  if (mode != INTERSECTION) {
    for (; i < n; i++) store<u32>(out + (count++ << 2), <u32>elementAt(a, i));
  }
  if (mode == UNION) {
    for (; j < m; j++) store<u32>(out + (count++ << 2), <u32>elementAt(b, j));
  }
  store<u32>(result, <u32>count, 4);
  return result;
}

/** setDifference returns the members of set `a` not in set `b`. */
export function setDifference(a: usize, b: usize): usize {
  return merge(a, b, DIFFERENCE);
}

/** setIntersection returns the members in both sets. */
export function setIntersection(a: usize, b: usize): usize {
  return merge(a, b, INTERSECTION);
}

/** setUnion returns the members in either set. */
export function setUnion(a: usize, b: usize): usize {
  return merge(a, b, UNION);
}

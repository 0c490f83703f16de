// Unsigned arbitrary-precision integers, for the rare numbers that fit neither an i64 nor an f64 exactly, and for
// correctly rounded conversions between decimal text and f64. Only slow paths use them, so they favour brevity
// over speed. A big integer lives on the heap and is never modified once returned:
//
//   [0..4) number of limbs (no leading zero limbs; 0 means the value 0)   [8..) limbs, u32, least significant first

import { alloc } from './alloc';

// @ts-ignore: decorator
@inline
export function bigLength(a: usize): u32 {
  return load<u32>(a);
}

// @ts-ignore: decorator
@inline
function limb(a: usize, i: u32): u32 {
  return load<u32>(a + 8 + ((<usize>i) << 2));
}

// @ts-ignore: decorator
@inline
function setLimb(a: usize, i: u32, v: u32): void {
  store<u32>(a + 8 + ((<usize>i) << 2), v);
}

function bigAlloc(limbs: u32): usize {
  const a = alloc(8 + ((<usize>limbs) << 2));
  store<u32>(a, limbs);
  return a;
}

/** trim drops leading zero limbs. */
function trim(a: usize): usize {
  let n = bigLength(a);
  while (n > 0 && limb(a, n - 1) == 0) n--;
  store<u32>(a, n);
  return a;
}

export function bigFromU64(v: u64): usize {
  const a = bigAlloc(2);
  setLimb(a, 0, <u32>v);
  setLimb(a, 1, <u32>(v >>> 32));
  return trim(a);
}

export function bigIsZero(a: usize): bool {
  return bigLength(a) == 0;
}

/** bigFitsU64 reports whether `a` < 2^64. */
export function bigFitsU64(a: usize): bool {
  return bigLength(a) <= 2;
}

export function bigToU64(a: usize): u64 {
  const n = bigLength(a);
  if (n == 0) return 0;
  if (n == 1) return <u64>limb(a, 0);
  return ((<u64>limb(a, 1)) << 32) | (<u64>limb(a, 0));
}

export function bigBitLength(a: usize): u32 {
  const n = bigLength(a);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <u32>clz(limb(a, n - 1)));
}

/** bigBit returns bit `i` of `a`. */
export function bigBit(a: usize, i: u32): u32 {
  const word = i >>> 5;
  if (word >= bigLength(a)) return 0;
  return (limb(a, word) >>> (i & 31)) & 1;
}

/** bigAnyBitsBelow reports whether any of the lowest `count` bits of `a` is set. */
export function bigAnyBitsBelow(a: usize, count: u32): bool {
  const n = bigLength(a);
  const words = count >>> 5;
  for (let i: u32 = 0; i < words && i < n; i++) if (limb(a, i) != 0) return true;
  const rest = count & 31;
  if (rest != 0 && words < n) return (limb(a, words) & ((1 << rest) - 1)) != 0;
  return false;
}

/** bigBitsAt returns the `count` (≤ 64) bits of `a` starting at bit `from` as an integer. */
export function bigBitsAt(a: usize, from: u32, count: u32): u64 {
  let result: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    result |= (<u64>bigBit(a, from + i)) << i;
  }
  return result;
}

export function bigCompare(a: usize, b: usize): i32 {
  const n = bigLength(a);
  const m = bigLength(b);
  if (n != m) return n < m ? -1 : 1;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const x = limb(a, <u32>i);
    const y = limb(b, <u32>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** bigMulAddSmall returns a·m + add. */
export function bigMulAddSmall(a: usize, m: u32, add: u32): usize {
  const n = bigLength(a);
  const r = bigAlloc(n + 1);
  let carry: u64 = <u64>add;
  for (let i: u32 = 0; i < n; i++) {
    const t = <u64>limb(a, i) * <u64>m + carry;
    setLimb(r, i, <u32>t);
    carry = t >>> 32;
  }
  setLimb(r, n, <u32>carry);
  return trim(r);
}

export function bigAdd(a: usize, b: usize): usize {
  if (bigLength(a) < bigLength(b)) {
    const t = a;
    a = b;
    b = t;
  }
  const n = bigLength(a);
  const m = bigLength(b);
  const r = bigAlloc(n + 1);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const t = <u64>limb(a, i) + (i < m ? <u64>limb(b, i) : 0) + carry;
    setLimb(r, i, <u32>t);
    carry = t >>> 32;
  }
  setLimb(r, n, <u32>carry);
  return trim(r);
}

/** bigSub returns a − b; requires a ≥ b. */
export function bigSub(a: usize, b: usize): usize {
  const n = bigLength(a);
  const m = bigLength(b);
  const r = bigAlloc(n);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let t = <i64>limb(a, i) - (i < m ? <i64>limb(b, i) : 0) - borrow;
    borrow = 0;
    if (t < 0) {
      t += <i64>0x100000000;
      borrow = 1;
    }
    setLimb(r, i, <u32>t);
  }
  return trim(r);
}

export function bigMul(a: usize, b: usize): usize {
  const n = bigLength(a);
  const m = bigLength(b);
  const r = bigAlloc(n + m);
  memory.fill(r + 8, 0, (<usize>(n + m)) << 2);
  for (let i: u32 = 0; i < n; i++) {
    let carry: u64 = 0;
    const x = <u64>limb(a, i);
    for (let j: u32 = 0; j < m; j++) {
      const t = x * <u64>limb(b, j) + <u64>limb(r, i + j) + carry;
      setLimb(r, i + j, <u32>t);
      carry = t >>> 32;
    }
    setLimb(r, i + m, <u32>carry);
  }
  return trim(r);
}

export function bigShiftLeft(a: usize, bits: u32): usize {
  const n = bigLength(a);
  if (n == 0) return a;
  const words = bits >>> 5;
  const shift = bits & 31;
  const r = bigAlloc(n + words + 1);
  memory.fill(r + 8, 0, (<usize>words) << 2);
  let carry: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = limb(a, i);
    setLimb(r, i + words, shift == 0 ? x : (x << shift) | carry);
    carry = shift == 0 ? 0 : x >>> (32 - shift);
  }
  setLimb(r, n + words, carry);
  return trim(r);
}

export function bigShiftRight(a: usize, bits: u32): usize {
  const n = bigLength(a);
  const words = bits >>> 5;
  if (words >= n) return bigFromU64(0);
  const shift = bits & 31;
  const m = n - words;
  const r = bigAlloc(m);
  for (let i: u32 = 0; i < m; i++) {
    const lo = limb(a, i + words);
    const hi = i + words + 1 < n ? limb(a, i + words + 1) : 0;
    setLimb(r, i, shift == 0 ? lo : (lo >>> shift) | (hi << (32 - shift)));
  }
  return trim(r);
}

/** The remainder of the last `bigDivide`. */
let remainder: usize = 0;

/** bigRemainder is the remainder left by the last `bigDivide`. */
export function bigRemainder(): usize {
  return remainder;
}

/** bigDivSmall returns a / d and leaves a % d in `bigRemainder()`. */
export function bigDivSmall(a: usize, d: u32): usize {
  const n = bigLength(a);
  const q = bigAlloc(n);
  let rest: u64 = 0;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const t = (rest << 32) | (<u64>limb(a, <u32>i));
    setLimb(q, <u32>i, <u32>(t / <u64>d));
    rest = t % <u64>d;
  }
  remainder = bigFromU64(rest);
  return trim(q);
}

/**
 * bigDivide returns ⌊a / b⌋ (b ≠ 0) and leaves a mod b in `bigRemainder()`. Long division one limb at a time
 * (Knuth's algorithm D): normalise so the divisor's top bit is set, estimate each quotient limb from the top two
 * limbs, correct it at most twice.
 */
export function bigDivide(a: usize, b: usize): usize {
  const m = bigLength(b);
  if (m == 1) return bigDivSmall(a, limb(b, 0));
  if (bigCompare(a, b) < 0) {
    remainder = a;
    return bigFromU64(0);
  }
  const shift = <u32>clz(limb(b, m - 1));
  const v = bigShiftLeft(b, shift);
  const uShifted = bigShiftLeft(a, shift);
  const n = bigLength(a) + 1;
  const u = bigAlloc(n);
  memory.fill(u + 8, 0, (<usize>n) << 2);
  memory.copy(u + 8, uShifted + 8, (<usize>bigLength(uShifted)) << 2);
  const q = bigAlloc(n - m);
  const vTop = <u64>limb(v, m - 1);
  const vNext = <u64>limb(v, m - 2);
  for (let j = <i32>(n - m) - 1; j >= 0; j--) {
    const top = ((<u64>limb(u, <u32>j + m)) << 32) | (<u64>limb(u, <u32>j + m - 1));
    let qhat = top / vTop;
    let rhat = top % vTop;
    while (qhat > 0xffffffff || qhat * vNext > ((rhat << 32) | (<u64>limb(u, <u32>j + m - 2)))) {
      qhat--;
      rhat += vTop;
      if (rhat > 0xffffffff) break;
    }
    // Multiply and subtract qhat·v from u[j .. j+m].
    let borrow: i64 = 0;
    let carry: u64 = 0;
    for (let i: u32 = 0; i < m; i++) {
      const p = qhat * <u64>limb(v, i) + carry;
      carry = p >>> 32;
      const t = <i64>limb(u, <u32>j + i) - <i64>(p & 0xffffffff) - borrow;
      setLimb(u, <u32>j + i, <u32>t);
      borrow = t < 0 ? 1 : 0;
    }
    const t = <i64>limb(u, <u32>j + m) - <i64>carry - borrow;
    setLimb(u, <u32>j + m, <u32>t);
    if (t < 0) {
      // qhat was one too large: add v back.
      qhat--;
      let c: u64 = 0;
      for (let i: u32 = 0; i < m; i++) {
        const s = <u64>limb(u, <u32>j + i) + <u64>limb(v, i) + c;
        setLimb(u, <u32>j + i, <u32>s);
        c = s >>> 32;
      }
      setLimb(u, <u32>j + m, <u32>(<u64>limb(u, <u32>j + m) + c));
    }
    setLimb(q, <u32>j, <u32>qhat);
  }
  store<u32>(u, m);
  remainder = bigShiftRight(trim(u), shift);
  return trim(q);
}

/** bigPow returns base^exponent. */
export function bigPow(base: u32, exponent: u32): usize {
  let result = bigFromU64(1);
  let square = bigFromU64(<u64>base);
  while (exponent != 0) {
    if (exponent & 1) result = bigMul(result, square);
    exponent >>>= 1;
    if (exponent != 0) square = bigMul(square, square);
  }
  return result;
}

/** bigFromDigits parses `length` ASCII decimal digits at `digits`. */
export function bigFromDigits(digits: usize, length: usize): usize {
  let result = bigFromU64(0);
  let i: usize = 0;
  while (i < length) {
    let chunk: u32 = 0;
    let scale: u32 = 1;
    for (let k = 0; k < 9 && i < length; k++, i++) {
      chunk = chunk * 10 + (<u32>load<u8>(digits + i) - 48);
      scale *= 10;
    }
    result = bigMulAddSmall(result, scale, chunk);
  }
  return result;
}

/** bigDecimalLength is an upper bound on the number of decimal digits of `a`. */
export function bigDecimalLength(a: usize): usize {
  return <usize>(bigLength(a) * 10 + 1);
}

/** bigToDigits writes the decimal digits of `a` at `out` and returns how many. */
export function bigToDigits(a: usize, out: usize): usize {
  if (bigIsZero(a)) {
    store<u8>(out, 48);
    return 1;
  }
  // Collect base-10^9 chunks, least significant first, then print them most significant first.
  const chunks = alloc(<usize>bigLength(a) * 8 + 8);
  let count: usize = 0;
  let rest = a;
  while (!bigIsZero(rest)) {
    rest = bigDivSmall(rest, 1000000000);
    store<u32>(chunks + (count << 2), <u32>bigToU64(remainder));
    count++;
  }
  let length: usize = 0;
  for (let i = <isize>count - 1; i >= 0; i--) {
    let chunk = load<u32>(chunks + ((<usize>i) << 2));
    const width: i32 = i == <isize>count - 1 ? decimalWidth(chunk) : 9;
    for (let k = width - 1; k >= 0; k--) {
      store<u8>(out + length + <usize>k, <u8>(48 + (chunk % 10)));
      chunk /= 10;
    }
    length += <usize>width;
  }
  return length;
}

function decimalWidth(v: u32): i32 {
  let width = 1;
  while (v >= 10) {
    v /= 10;
    width++;
  }
  return width;
}

// The value representation. A value is the address of a block whose first byte is its type (codes as in OPA's
// C runtime). Layouts, by byte offset:
//
//   null     [0]=1
//   boolean  [0]=2 [1]=0|1
//   number   [0]=3 [1]=kind  int:   [8..16) i64
//                            float: [8..16) f64, [2..4) literal length, [4..8) literal address (length 0: computed)
//                            ref:   [4..8) text address, [8..12) text length   (decimal text, any precision)
//   string   [0]=4 [4..8) byte length [8..12) address of the UTF-8 bytes
//   array    [0]=5 [4..8) length [8..12) capacity [12..16) address of `capacity` element addresses
//   object   [0]=6 [4..8) length [8..12) capacity [12..16) address of `capacity` (key, value) address pairs
//   set      [0]=7 [4..8) length [8..12) capacity [12..16) address of `capacity` member addresses
//
// Object keys and set members are kept sorted in OPA's total order (compare.ts). Address 0 means undefined.

import { alloc } from './alloc';

export const TYPE_NULL: u8 = 1;
export const TYPE_BOOLEAN: u8 = 2;
export const TYPE_NUMBER: u8 = 3;
export const TYPE_STRING: u8 = 4;
export const TYPE_ARRAY: u8 = 5;
export const TYPE_OBJECT: u8 = 6;
export const TYPE_SET: u8 = 7;

export const NUMBER_INT: u8 = 1;
export const NUMBER_FLOAT: u8 = 2;
export const NUMBER_REF: u8 = 3;

/** Size of every collection header (array, object, set). */
export const COLLECTION_SIZE: usize = 16;

/** Ints in [0, SMALL_INT_COUNT) are preallocated: array scans make one per element. */
const SMALL_INT_COUNT: i64 = 1024;

let nullValue: usize = 0;
let trueValue: usize = 0;
let falseValue: usize = 0;
let smallInts: usize = 0;

/** valuesInit preallocates the shared constants; the heap must be ready. */
export function valuesInit(): void {
  nullValue = alloc(8);
  store<u8>(nullValue, TYPE_NULL);
  trueValue = alloc(8);
  store<u8>(trueValue, TYPE_BOOLEAN);
  store<u8>(trueValue, 1, 1);
  falseValue = alloc(8);
  store<u8>(falseValue, TYPE_BOOLEAN);
  store<u8>(falseValue, 0, 1);
  smallInts = alloc(<usize>SMALL_INT_COUNT * 16);
  for (let i: i64 = 0; i < SMALL_INT_COUNT; i++) {
    const v = smallInts + ((<usize>i) << 4);
    store<u8>(v, TYPE_NUMBER);
    store<u8>(v, NUMBER_INT, 1);
    store<i64>(v, i, 8);
  }
}

// @ts-ignore: decorator
@inline
export function typeOf(v: usize): u8 {
  return load<u8>(v);
}

/** opa_null returns the null value. */
export function opa_null(): usize {
  return nullValue;
}

/** opa_boolean returns true for a non-zero `b`, else false. */
export function opa_boolean(b: i32): usize {
  return b != 0 ? trueValue : falseValue;
}

// @ts-ignore: decorator
@inline
export function makeBoolean(b: bool): usize {
  return b ? trueValue : falseValue;
}

// @ts-ignore: decorator
@inline
export function booleanOf(v: usize): bool {
  return load<u8>(v, 1) != 0;
}

/** opa_number_int makes an integer number. */
export function opa_number_int(n: i64): usize {
  if (<u64>n < <u64>SMALL_INT_COUNT) return smallInts + ((<usize>n) << 4);
  const v = alloc(16);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUMBER_INT, 1);
  store<i64>(v, n, 8);
  return v;
}

/** makeInt is `opa_number_int` for runtime code. */
// @ts-ignore: decorator
@inline
export function makeInt(n: i64): usize {
  return opa_number_int(n);
}

/** makeFloat makes a computed floating-point number; `f` must be finite. */
export function makeFloat(f: f64): usize {
  const v = alloc(16);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUMBER_FLOAT, 1);
  store<u16>(v, 0, 2);
  store<f64>(v, f, 8);
  return v;
}

/**
 * makeFloatLiteral makes a floating-point number that remembers the literal it was written as (not copied), so
 * that it prints as written (`1.0`, `1e3`), as OPA prints numbers.
 */
export function makeFloatLiteral(f: f64, text: usize, length: usize): usize {
  const v = alloc(16);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUMBER_FLOAT, 1);
  store<u16>(v, length <= 0xffff ? <u16>length : 0, 2);
  store<u32>(v, <u32>text, 4);
  store<f64>(v, f, 8);
  return v;
}

/** floatLiteralLength is the length of the literal a float was written as; 0 for a computed float. */
// @ts-ignore: decorator
@inline
export function floatLiteralLength(v: usize): usize {
  return <usize>load<u16>(v, 2);
}

/** makeNumberText makes a number kept as its decimal text (not copied). */
export function makeNumberText(text: usize, length: usize): usize {
  const v = alloc(16);
  store<u8>(v, TYPE_NUMBER);
  store<u8>(v, NUMBER_REF, 1);
  store<u32>(v, <u32>text, 4);
  store<u32>(v, <u32>length, 8);
  return v;
}

// @ts-ignore: decorator
@inline
export function numberKind(v: usize): u8 {
  return load<u8>(v, 1);
}

// @ts-ignore: decorator
@inline
export function intOf(v: usize): i64 {
  return load<i64>(v, 8);
}

// @ts-ignore: decorator
@inline
export function floatOf(v: usize): f64 {
  return load<f64>(v, 8);
}

// @ts-ignore: decorator
@inline
export function numberTextOf(v: usize): usize {
  return <usize>load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline
export function numberTextLength(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

/** opa_string makes a string over the `length` UTF-8 bytes at `bytes`, which are not copied. */
export function opa_string(bytes: usize, length: usize): usize {
  const v = alloc(12);
  store<u8>(v, TYPE_STRING);
  store<u32>(v, <u32>length, 4);
  store<u32>(v, <u32>bytes, 8);
  return v;
}

/** makeString is `opa_string` for runtime code. */
// @ts-ignore: decorator
@inline
export function makeString(bytes: usize, length: usize): usize {
  return opa_string(bytes, length);
}

// @ts-ignore: decorator
@inline
export function stringLength(v: usize): usize {
  return <usize>load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline
export function stringBytes(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

/** makeCollection makes an empty array, object or set with room for `capacity` entries. */
export function makeCollection(type: u8, capacity: usize): usize {
  const v = alloc(COLLECTION_SIZE);
  const slotBytes: usize = type == TYPE_OBJECT ? 8 : 4;
  store<u8>(v, type);
  store<u32>(v, 0, 4);
  store<u32>(v, <u32>capacity, 8);
  store<u32>(v, capacity != 0 ? <u32>alloc(capacity * slotBytes) : 0, 12);
  return v;
}

/** opa_array_with_cap makes an empty array with room for `capacity` elements. */
export function opa_array_with_cap(capacity: i32): usize {
  return makeCollection(TYPE_ARRAY, <usize>max(capacity, 0));
}

/** opa_object makes an empty object. */
export function opa_object(): usize {
  return makeCollection(TYPE_OBJECT, 0);
}

/** opa_set makes an empty set. */
export function opa_set(): usize {
  return makeCollection(TYPE_SET, 0);
}

// @ts-ignore: decorator
@inline
export function lengthOf(v: usize): usize {
  return <usize>load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline
export function capacityOf(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

// @ts-ignore: decorator
@inline
export function slotsOf(v: usize): usize {
  return <usize>load<u32>(v, 12);
}

/** elementAt is element `i` of an array or member `i` of a set. */
// @ts-ignore: decorator
@inline
export function elementAt(v: usize, i: usize): usize {
  return <usize>load<u32>(slotsOf(v) + (i << 2));
}

/** keyAt is the key of entry `i` of an object. */
// @ts-ignore: decorator
@inline
export function keyAt(v: usize, i: usize): usize {
  return <usize>load<u32>(slotsOf(v) + (i << 3));
}

/** valueAt is the value of entry `i` of an object. */
// @ts-ignore: decorator
@inline
export function valueAt(v: usize, i: usize): usize {
  return <usize>load<u32>(slotsOf(v) + (i << 3), 4);
}

/** opa_value_type returns the type code of `v`. */
export function opa_value_type(v: usize): i32 {
  return <i32>load<u8>(v);
}

// Values to text: JSON (`opa_json_dump`: sets as arrays, non-string object keys as strings holding their JSON
// text, as OPA does) and Rego value syntax (`opa_value_dump`: sets as `{…}`, the empty set as `set()`, object keys
// as values). Both NUL-terminated UTF-8, written into a buffer on the heap.

import { alloc } from './alloc';
import {
  bufferAscii,
  bufferByte,
  bufferBytes,
  bufferClose,
  bufferCommit,
  bufferOpen,
  bufferReserve,
  bufferSize,
} from './buffer';
import { formatNumber, numberTextBound } from './number-format';
import {
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  booleanOf,
  elementAt,
  keyAt,
  lengthOf,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from './values';

// JSON escapes for bytes below 0x20: 1 means \u00XX, anything else is the letter after the backslash.
// @ts-ignore: decorator
@lazy
const ESCAPES = memory.data<u8>([
  1, 1, 1, 1, 1, 1, 1, 1, 0x62, 0x74, 0x6e, 1, 0x66, 0x72, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
]);

/** dumpJson returns the address of the NUL-terminated JSON text of `v`. */
export function dumpJson(v: usize): usize {
  bufferOpen(256);
  writeValue(v, false);
  bufferByte(0);
  return bufferClose();
}

/** dumpRego returns the address of the NUL-terminated Rego value text of `v`. */
export function dumpRego(v: usize): usize {
  bufferOpen(256);
  writeValue(v, true);
  bufferByte(0);
  return bufferClose();
}

/** writeJson appends the JSON text of `v` to the open buffer (for built-ins that build text). */
export function writeJson(v: usize): void {
  writeValue(v, false);
}

// @ts-ignore: decorator
@inline
function isSpecial(w: u64): bool {
  const ones: u64 = 0x0101010101010101;
  const quote = w ^ 0x2222222222222222;
  const slash = w ^ 0x5c5c5c5c5c5c5c5c;
  return (
    ((((quote - ones) & ~quote) | ((slash - ones) & ~slash) | ((w - 0x2020202020202020) & ~w)) & 0x8080808080808080) !=
    0
  );
}

/** writeQuoted appends the `length` UTF-8 bytes at `bytes` as a JSON string literal. */
export function writeQuoted(bytes: usize, length: usize): void {
  let i = bytes;
  const end = bytes + length;
  while (i + 8 <= end && !isSpecial(load<u64>(i))) i += 8;
  while (i < end) {
    const c = load<u8>(i);
    if (c == 0x22 || c == 0x5c || c < 0x20) break;
    i++;
  }
  if (i == end) {
    // Nothing to escape, the common case: the quotes and the bytes in one go.
    const out = bufferReserve(length + 2);
    store<u8>(out, 0x22);
    memory.copy(out + 1, bytes, length);
    store<u8>(out + length + 1, 0x22);
    bufferCommit(length + 2);
    return;
  }
  bufferByte(0x22);
  let run = bytes;
  for (;;) {
    while (i + 8 <= end && !isSpecial(load<u64>(i))) i += 8;
    while (i < end) {
      const c = load<u8>(i);
      if (c == 0x22 || c == 0x5c || c < 0x20) break;
      i++;
    }
    if (i > run) bufferBytes(run, i - run);
    if (i >= end) break;
    const c = load<u8>(i);
    const out = bufferReserve(6);
    store<u8>(out, 0x5c);
    if (c == 0x22 || c == 0x5c) {
      store<u8>(out + 1, c);
      bufferCommit(2);
    } else {
      const escape = load<u8>(ESCAPES + <usize>c);
      if (escape != 1) {
        store<u8>(out + 1, escape);
        bufferCommit(2);
      } else {
        store<u8>(out + 1, 0x75);
        store<u8>(out + 2, 0x30);
        store<u8>(out + 3, 0x30);
        store<u8>(out + 4, hexDigit(c >> 4));
        store<u8>(out + 5, hexDigit(c & 15));
        bufferCommit(6);
      }
    }
    i++;
    run = i;
  }
  bufferByte(0x22);
}

// @ts-ignore: decorator
@inline
function hexDigit(d: u8): u8 {
  return d < 10 ? 48 + d : 0x61 + d - 10;
}

function writeValue(v: usize, rego: bool): void {
  switch (typeOf(v)) {
    case TYPE_NULL:
      bufferAscii('null');
      return;
    case TYPE_BOOLEAN:
      if (booleanOf(v)) bufferAscii('true');
      else bufferAscii('false');
      return;
    case TYPE_NUMBER: {
      const out = bufferReserve(numberTextBound(v));
      bufferCommit(formatNumber(v, out));
      return;
    }
    case TYPE_STRING:
      writeQuoted(stringBytes(v), stringLength(v));
      return;
    case TYPE_ARRAY: {
      bufferByte(0x5b);
      const n = lengthOf(v);
      for (let i: usize = 0; i < n; i++) {
        if (i > 0) bufferByte(0x2c);
        writeValue(elementAt(v, i), rego);
      }
      bufferByte(0x5d);
      return;
    }
    case TYPE_SET: {
      const n = lengthOf(v);
      if (rego && n == 0) {
        bufferAscii('set()');
        return;
      }
      bufferByte(rego ? 0x7b : 0x5b);
      for (let i: usize = 0; i < n; i++) {
        if (i > 0) bufferByte(0x2c);
        writeValue(elementAt(v, i), rego);
      }
      bufferByte(rego ? 0x7d : 0x5d);
      return;
    }
    case TYPE_OBJECT: {
      bufferByte(0x7b);
      const n = lengthOf(v);
      for (let i: usize = 0; i < n; i++) {
        if (i > 0) bufferByte(0x2c);
        const key = keyAt(v, i);
        if (rego || typeOf(key) == TYPE_STRING) writeValue(key, rego);
        else writeKeyAsString(key);
        bufferByte(0x3a);
        writeValue(valueAt(v, i), rego);
      }
      bufferByte(0x7d);
      return;
    }
  }
}

/** writeKeyAsString writes a non-string object key as a JSON string holding the key's JSON text. */
function writeKeyAsString(key: usize): void {
  const start = bufferSize();
  writeValue(key, false);
  const length = bufferSize() - start;
  const copy = alloc(length);
  memory.copy(copy, bufferReserve(0) - length, length);
  // Rewind to where the key started, then write it quoted.
  bufferCommit(<usize>-length);
  writeQuoted(copy, length);
}

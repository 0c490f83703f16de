// UTF-8 helpers. Strings are UTF-8 bytes; Rego counts and indexes strings in code points.

/**
 * countCodePoints returns the number of code points in the `length` UTF-8 bytes at `bytes`, counting each invalid
 * byte as one (as Go's `len([]rune(s))`, which OPA uses).
 */
export function countCodePoints(bytes: usize, length: usize): usize {
  let count: usize = 0;
  let i: usize = 0;
  const end = bytes + length;
  while (i < length) {
    // Eight ASCII bytes at a time.
    if (i + 8 <= length && (load<u64>(bytes + i) & 0x8080808080808080) == 0) {
      count += 8;
      i += 8;
      continue;
    }
    if (load<u8>(bytes + i) < 0x80) {
      i++;
    } else {
      decodeCodePoint(bytes + i, end);
      i += decodedLength;
    }
    count++;
  }
  return count;
}

/** isAscii reports whether all `length` bytes at `bytes` are below 0x80. */
export function isAscii(bytes: usize, length: usize): bool {
  let i: usize = 0;
  while (i + 8 <= length) {
    if ((load<u64>(bytes + i) & 0x8080808080808080) != 0) return false;
    i += 8;
  }
  while (i < length) {
    if (load<u8>(bytes + i) >= 0x80) return false;
    i++;
  }
  return true;
}

/** The byte length of the code point decoded last by `decodeCodePoint`. */
let decodedLength: usize = 0;

/** decodedSize is the byte length of the code point the last `decodeCodePoint` read. */
// @ts-ignore: decorator
@inline
export function decodedSize(): usize {
  return decodedLength;
}

/**
 * decodeCodePoint reads the code point at `at` (before `end`). Invalid bytes read as U+FFFD, one byte long, as Go
 * reads them.
 */
export function decodeCodePoint(at: usize, end: usize): i32 {
  const b0 = <i32>load<u8>(at);
  if (b0 < 0x80) {
    decodedLength = 1;
    return b0;
  }
  decodedLength = 1;
  if (b0 < 0xc2 || b0 > 0xf4) return 0xfffd;
  if (b0 < 0xe0) {
    if (at + 1 >= end) return 0xfffd;
    const b1 = <i32>load<u8>(at + 1);
    if ((b1 & 0xc0) != 0x80) return 0xfffd;
    decodedLength = 2;
    return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
  }
  if (b0 < 0xf0) {
    if (at + 2 >= end) return 0xfffd;
    const b1 = <i32>load<u8>(at + 1);
    const b2 = <i32>load<u8>(at + 2);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return 0xfffd;
    const cp = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) return 0xfffd;
    decodedLength = 3;
    return cp;
  }
  if (at + 3 >= end) return 0xfffd;
  const b1 = <i32>load<u8>(at + 1);
  const b2 = <i32>load<u8>(at + 2);
  const b3 = <i32>load<u8>(at + 3);
  if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return 0xfffd;
  const cp = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
  if (cp < 0x10000 || cp > 0x10ffff) return 0xfffd;
  decodedLength = 4;
  return cp;
}

/** codePointOffset returns the byte offset of code point `index` (counted as `countCodePoints` does), or `length`. */
export function codePointOffset(bytes: usize, length: usize, index: usize): usize {
  let i: usize = 0;
  let seen: usize = 0;
  const end = bytes + length;
  while (i < length) {
    if (seen == index) return i;
    if (load<u8>(bytes + i) < 0x80) i++;
    else {
      decodeCodePoint(bytes + i, end);
      i += decodedLength;
    }
    seen++;
  }
  return length;
}

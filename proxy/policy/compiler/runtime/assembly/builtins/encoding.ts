// Encoding built-ins (OPA's encoding.go): base64 and base64url as Go's encoding/base64 (padding required,
// '\r' and '\n' ignored when decoding), and json.marshal / json.unmarshal / json.is_valid as Go's encoding/json
// on OPA values (object keys sorted, <, > and & escaped, numbers printed as OPA prints them).

import { abortWith } from '../abort';
import { alloc } from '../alloc';
import {
  bufferAscii,
  bufferByte,
  bufferBytes,
  bufferClose,
  bufferOpen,
  bufferReserve,
  bufferCommit,
  bufferSize,
} from '../buffer';
import { parseText } from '../json-parse';
import {
  formatInt,
  shortestDecimal,
  shortestDigitCount,
  shortestDigits,
  shortestIsNegative,
  shortestPoint,
} from '../number-format';
import { decodeCodePoint, decodedSize } from '../utf8';
import {
  NUMBER_FLOAT,
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_SET,
  TYPE_STRING,
  booleanOf,
  elementAt,
  floatLiteralLength,
  floatOf,
  intOf,
  keyAt,
  lengthOf,
  makeBoolean,
  makeString,
  numberKind,
  numberTextLength,
  numberTextOf,
  stringBytes,
  stringLength,
  typeOf,
  valueAt,
} from '../values';
import { builtinError, typeError } from './errors';

// @ts-ignore: decorator
@lazy
const STANDARD = memory.data<u8>([
  0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
  0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c,
  0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x30, 0x31, 0x32, 0x33, 0x34,
  0x35, 0x36, 0x37, 0x38, 0x39, 0x2b, 0x2f,
]);

/** The alphabet character for 6-bit value `v`: '+' and '/' become '-' and '_' in the URL alphabet. */
// @ts-ignore: decorator
@inline
function alphabet(v: u32, url: bool): u8 {
  if (url && v >= 62) return v == 62 ? 0x2d : 0x5f;
  return load<u8>(STANDARD + <usize>v);
}

/** sextet decodes one alphabet character: its 6-bit value, or -1. */
function sextet(c: u32, url: bool): i32 {
  if (c >= 0x41 && c <= 0x5a) return <i32>(c - 0x41);
  if (c >= 0x61 && c <= 0x7a) return <i32>(c - 0x61 + 26);
  if (c >= 0x30 && c <= 0x39) return <i32>(c - 0x30 + 52);
  if (url) return c == 0x2d ? 62 : c == 0x5f ? 63 : -1;
  return c == 0x2b ? 62 : c == 0x2f ? 63 : -1;
}

function encode(s: usize, url: bool, pad: bool): usize {
  const bytes = stringBytes(s);
  const n = stringLength(s);
  const out = alloc(((n + 2) / 3) * 4);
  let at: usize = 0;
  let i: usize = 0;
  for (; i + 3 <= n; i += 3) {
    const w =
      ((<u32>load<u8>(bytes + i)) << 16) | ((<u32>load<u8>(bytes + i + 1)) << 8) | (<u32>load<u8>(bytes + i + 2));
    store<u8>(out + at++, alphabet(w >> 18, url));
    store<u8>(out + at++, alphabet((w >> 12) & 63, url));
    store<u8>(out + at++, alphabet((w >> 6) & 63, url));
    store<u8>(out + at++, alphabet(w & 63, url));
  }
  const rest = n - i;
  if (rest > 0) {
    let w = (<u32>load<u8>(bytes + i)) << 16;
    if (rest == 2) w |= (<u32>load<u8>(bytes + i + 1)) << 8;
    store<u8>(out + at++, alphabet(w >> 18, url));
    store<u8>(out + at++, alphabet((w >> 12) & 63, url));
    if (rest == 2) store<u8>(out + at++, alphabet((w >> 6) & 63, url));
    else if (pad) store<u8>(out + at++, 0x3d);
    if (pad) store<u8>(out + at++, 0x3d);
  }
  return makeString(out, at);
}

/**
 * decode decodes padded base64 as Go's Encoding.DecodeString: '\r' and '\n' are skipped, the input must end in
 * complete quantums (with '=' padding), and nothing may follow the padding. Returns 0 on error.
 */
function decode(bytes: usize, n: usize, url: bool): usize {
  const out = alloc((n / 4) * 3 + 3);
  let at: usize = 0;
  let i: usize = 0;
  let quantum: u32 = 0;
  let have = 0;
  let padding = 0;
  while (i < n) {
    const c = <u32>load<u8>(bytes + i++);
    if (c == 0x0d || c == 0x0a) continue;
    if (padding > 0) {
      if (c != 0x3d) return 0;
      padding++;
      continue;
    }
    if (c == 0x3d) {
      // Padding may start only in the third or fourth place of a quantum.
      if (have < 2) return 0;
      padding = 1;
      continue;
    }
    const v = sextet(c, url);
    if (v < 0) return 0;
    quantum = (quantum << 6) | (<u32>v);
    have++;
    if (have == 4) {
      store<u8>(out + at++, <u8>(quantum >> 16));
      store<u8>(out + at++, <u8>(quantum >> 8));
      store<u8>(out + at++, <u8>quantum);
      quantum = 0;
      have = 0;
    }
  }
  if (padding > 0) {
    // have is 2 (needs "==") or 3 (needs "=").
    if (have + padding != 4) return 0;
    if (have == 2) {
      store<u8>(out + at++, <u8>(quantum >> 4));
    } else {
      store<u8>(out + at++, <u8>(quantum >> 10));
      store<u8>(out + at++, <u8>(quantum >> 2));
    }
  } else if (have != 0) {
    return 0;
  }
  return makeString(out, at);
}

export function builtin_base64_encode(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('base64.encode: operand 1 must be string but got ', s);
  return encode(s, false, true);
}

export function builtin_base64_decode(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('base64.decode: operand 1 must be string but got ', s);
  const r = decode(stringBytes(s), stringLength(s), false);
  return r != 0 ? r : builtinError('base64.decode: illegal base64 data');
}

/** builtin_base64_is_valid is true for decodable base64; false for anything else, including non-strings. */
export function builtin_base64_is_valid(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return makeBoolean(false);
  return makeBoolean(decode(stringBytes(s), stringLength(s), false) != 0);
}

export function builtin_base64url_encode(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('base64url.encode: operand 1 must be string but got ', s);
  return encode(s, true, true);
}

export function builtin_base64url_encode_no_pad(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('base64url.encode_no_pad: operand 1 must be string but got ', s);
  return encode(s, true, false);
}

/** builtin_base64url_decode decodes base64url, adding missing padding first (RFC 7515, appendix C). */
export function builtin_base64url_decode(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('base64url.decode: operand 1 must be string but got ', s);
  const bytes = stringBytes(s);
  const n = stringLength(s);
  let text = bytes;
  let length = n;
  if (n == 0 || load<u8>(bytes + n - 1) != 0x3d) {
    const missing = n % 4;
    if (missing == 1) return builtinError('illegal base64url string');
    if (missing != 0) {
      text = alloc(n + 4 - missing);
      memory.copy(text, bytes, n);
      for (let i = missing; i < 4; i++) store<u8>(text + length++, 0x3d);
    }
  }
  const r = decode(text, length, true);
  return r != 0 ? r : builtinError('base64url.decode: illegal base64 data');
}

// JSON.

/** builtin_json_unmarshal parses a JSON string (numbers keep their text, as OPA's decoder does). */
export function builtin_json_unmarshal(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return typeError('json.unmarshal: operand 1 must be string but got ', s);
  const v = parseText(stringBytes(s), stringLength(s), false);
  return v != 0 ? v : builtinError('json.unmarshal: invalid JSON');
}

/** builtin_json_is_valid is true for a string holding one JSON value; false otherwise (never an error). */
export function builtin_json_is_valid(s: usize): usize {
  if (typeOf(s) != TYPE_STRING) return makeBoolean(false);
  return makeBoolean(parseText(stringBytes(s), stringLength(s), false) != 0);
}

/** builtin_json_marshal serialises a value as Go's encoding/json does with OPA's values (sets become arrays). */
export function builtin_json_marshal(v: usize): usize {
  bufferOpen(64);
  marshal(v);
  const length = bufferSize();
  return makeString(bufferClose(), length);
}

// @ts-ignore: decorator
@inline
function hex(d: u32): u8 {
  return <u8>(d < 10 ? 48 + d : 0x61 + d - 10);
}

function escapeUnicode(cp: u32): void {
  const out = bufferReserve(6);
  store<u8>(out, 0x5c);
  store<u8>(out + 1, 0x75);
  store<u8>(out + 2, hex((cp >> 12) & 15));
  store<u8>(out + 3, hex((cp >> 8) & 15));
  store<u8>(out + 4, hex((cp >> 4) & 15));
  store<u8>(out + 5, hex(cp & 15));
  bufferCommit(6);
}

/** marshalString writes a JSON string as Go's encoder: HTML characters, U+2028/9 and invalid UTF-8 escaped. */
function marshalString(bytes: usize, length: usize): void {
  bufferByte(0x22);
  const end = bytes + length;
  let p = bytes;
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c < 0x80) {
      if (c == 0x22 || c == 0x5c) {
        bufferByte(0x5c);
        bufferByte(<u8>c);
      } else if (c == 0x0a) bufferAscii('\\n');
      else if (c == 0x0d) bufferAscii('\\r');
      else if (c == 0x09) bufferAscii('\\t');
      else if (c == 0x08) bufferAscii('\\b');
      else if (c == 0x0c) bufferAscii('\\f');
      else if (c < 0x20 || c == 0x3c || c == 0x3e || c == 0x26) escapeUnicode(c);
      else bufferByte(<u8>c);
      p++;
      continue;
    }
    const cp = decodeCodePoint(p, end);
    const size = decodedSize();
    if (cp == 0xfffd && size == 1) escapeUnicode(0xfffd);
    else if (cp == 0x2028 || cp == 0x2029) escapeUnicode(<u32>cp);
    else bufferBytes(p, size);
    p += size;
  }
  bufferByte(0x22);
}

function marshalNumber(v: usize): void {
  const kind = numberKind(v);
  if (kind == NUMBER_INT) {
    bufferCommit(formatInt(intOf(v), bufferReserve(20)));
  } else if (kind == NUMBER_FLOAT) {
    const literal = floatLiteralLength(v);
    if (literal != 0) bufferBytes(numberTextOf(v), literal);
    else marshalComputedFloat(floatOf(v));
  } else {
    bufferBytes(numberTextOf(v), numberTextLength(v));
  }
}

/** marshalComputedFloat prints a computed float as OPA does (Go's %g with the shortest digits). */
function marshalComputedFloat(f: f64): void {
  if (f == 0) {
    bufferByte(0x30);
    return;
  }
  shortestDecimal(f);
  const digits = shortestDigits();
  const count = <i32>shortestDigitCount();
  const point = shortestPoint();
  if (shortestIsNegative()) bufferByte(0x2d);
  const exponent = point - 1;
  if (exponent < -4 || exponent >= 6) {
    // d.ddde±XX, at least two exponent digits.
    bufferByte(load<u8>(digits));
    if (count > 1) {
      bufferByte(0x2e);
      bufferBytes(digits + 1, <usize>(count - 1));
    }
    bufferByte(0x65);
    bufferByte(exponent < 0 ? 0x2d : 0x2b);
    const e = exponent < 0 ? -exponent : exponent;
    if (e < 10) bufferByte(0x30);
    bufferCommit(formatInt(<i64>e, bufferReserve(20)));
  } else if (point <= 0) {
    bufferAscii('0.');
    for (let i = point; i < 0; i++) bufferByte(0x30);
    bufferBytes(digits, <usize>count);
  } else if (point >= count) {
    bufferBytes(digits, <usize>count);
    for (let i = count; i < point; i++) bufferByte(0x30);
  } else {
    bufferBytes(digits, <usize>point);
    bufferByte(0x2e);
    bufferBytes(digits + <usize>point, <usize>(count - point));
  }
}

function marshal(v: usize): void {
  switch (typeOf(v)) {
    case TYPE_NULL:
      bufferAscii('null');
      return;
    case TYPE_BOOLEAN:
      bufferAscii(booleanOf(v) ? 'true' : 'false');
      return;
    case TYPE_NUMBER:
      marshalNumber(v);
      return;
    case TYPE_STRING:
      marshalString(stringBytes(v), stringLength(v));
      return;
    case TYPE_ARRAY:
    case TYPE_SET: {
      bufferByte(0x5b);
      const n = lengthOf(v);
      for (let i: usize = 0; i < n; i++) {
        if (i > 0) bufferByte(0x2c);
        marshal(elementAt(v, i));
      }
      bufferByte(0x5d);
      return;
    }
  }
  // An object: Go sorts keys as strings. With string keys that is our order; other keys would need their text
  // forms sorted (and could collide), which is refused rather than guessed.
  bufferByte(0x7b);
  const n = lengthOf(v);
  for (let i: usize = 0; i < n; i++) {
    const key = keyAt(v, i);
    if (typeOf(key) != TYPE_STRING) abortWith('json.marshal: object with non-string keys');
    if (i > 0) bufferByte(0x2c);
    marshalString(stringBytes(key), stringLength(key));
    bufferByte(0x3a);
    marshal(valueAt(v, i));
  }
  bufferByte(0x7d);
}

/*
 * Rego strings are Go strings: byte sequences, usually UTF-8. Built-ins that decode bytes (base64, hex, URL
 * escapes) may produce invalid UTF-8, which OPA keeps and later reads rune by rune, one U+FFFD per bad byte. JS
 * strings cannot hold bytes, so decoded bytes become a string with that same per-byte replacement (Go's
 * `for range` decoding), which is what OPA prints and counts.
 */

import { quoteGo } from './value.js';

/** utf8Bytes encodes a string as UTF-8. */
export function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** goString decodes bytes as Go ranges over a string: each byte of an invalid sequence becomes U+FFFD. */
export function goString(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    let ok = true;
    for (let k = 1; ok && k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** validUtf8 is utf8.Valid. */
export function validUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** quoteBytes is strconv.Quote of a Go string given as bytes: invalid UTF-8 bytes come out as \xNN. */
export function quoteBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += quoteGo(Buffer.from(bytes.subarray(i, i + length)).toString('utf8')).slice(1, -1);
      i += length;
    }
  }
  return `"${out}"`;
}

/** utf8SequenceLength is the length of the valid UTF-8 sequence at `i`, or 0 if the byte there starts none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const length = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  return validUtf8(bytes.subarray(i, i + length)) ? length : 0;
}

/*
 * Go's encoding/pem Decode: finds the next well-formed "-----BEGIN TYPE-----" … "-----END TYPE-----" block,
 * skipping malformed ones, and returns it with the bytes after it. Bodies are base64 with spaces and tabs removed
 * (Go's StdEncoding skips CR and LF itself); a body that does not decode makes Go skip the block too.
 */

import { goString } from '../bytes.js';
import { Base64Error, decodeStdBase64 } from './go-base64.js';

/** PemBlock is Go's pem.Block. */
export interface PemBlock {
  readonly type: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly bytes: Uint8Array;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const PEM_START = ascii('\n-----BEGIN ');
const PEM_END = ascii('\n-----END ');
const PEM_END_OF_LINE = ascii('-----');

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const hasPrefix = (s: Uint8Array, prefix: Uint8Array): boolean =>
  s.length >= prefix.length && indexOf(s.subarray(0, prefix.length), prefix) === 0;

const hasSuffix = (s: Uint8Array, suffix: Uint8Array): boolean =>
  s.length >= suffix.length && hasPrefix(s.subarray(s.length - suffix.length), suffix);

const isSpaceOrTab = (b: number | undefined): boolean => b === 0x20 || b === 0x09;

function trimRightSpacesAndTabs(s: Uint8Array): Uint8Array {
  let end = s.length;
  while (end > 0 && isSpaceOrTab(s[end - 1])) end--;
  return s.subarray(0, end);
}

/** getLine splits off the first line (without its CR LF or LF, and trailing spaces and tabs). */
function getLine(data: Uint8Array): { line: Uint8Array; rest: Uint8Array } {
  let i = data.indexOf(0x0a);
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] === 0x0d) i--;
  }
  return { line: trimRightSpacesAndTabs(data.subarray(0, i)), rest: data.subarray(j) };
}

/** trimSpace is Go's bytes.TrimSpace for the ASCII whitespace PEM headers can hold. */
function trimSpace(s: Uint8Array): Uint8Array {
  const isSpace = (b: number | undefined) => b === 0x20 || (b !== undefined && b >= 0x09 && b <= 0x0d);
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s[start])) start++;
  while (end > start && isSpace(s[end - 1])) end--;
  return s.subarray(start, end);
}

/** decodePem is Go's pem.Decode: the next block and the rest, or no block and the input unchanged. */
export function decodePem(data: Uint8Array): { block: PemBlock | undefined; rest: Uint8Array } {
  let rest = data;
  for (;;) {
    if (hasPrefix(rest, PEM_START.subarray(1))) {
      rest = rest.subarray(PEM_START.length - 1);
    } else {
      const at = indexOf(rest, PEM_START);
      if (at < 0) return { block: undefined, rest: data };
      rest = rest.subarray(at + PEM_START.length);
    }

    const typeLine = getLine(rest);
    rest = typeLine.rest;
    if (!hasSuffix(typeLine.line, PEM_END_OF_LINE)) continue;
    const type = typeLine.line.subarray(0, typeLine.line.length - PEM_END_OF_LINE.length);

    const headers = new Map<string, string>();
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const { line, rest: next } = getLine(rest);
      const colon = line.indexOf(0x3a);
      if (colon < 0) break;
      headers.set(goString(trimSpace(line.subarray(0, colon))), goString(trimSpace(line.subarray(colon + 1))));
      rest = next;
    }
    if (truncated) return { block: undefined, rest: data };

    let endIndex: number;
    let endTrailerIndex: number;
    // Without headers the END line may follow at once, without a leading newline.
    if (headers.size === 0 && hasPrefix(rest, PEM_END.subarray(1))) {
      endIndex = 0;
      endTrailerIndex = PEM_END.length - 1;
    } else {
      endIndex = indexOf(rest, PEM_END);
      endTrailerIndex = endIndex + PEM_END.length;
    }
    if (endIndex < 0) continue;

    // After "-----END " come the same type and five dashes, then only whitespace to the end of the line.
    const trailerLength = type.length + PEM_END_OF_LINE.length;
    const endTrailer = rest.subarray(endTrailerIndex);
    if (endTrailer.length < trailerLength) continue;
    const trailer = endTrailer.subarray(0, trailerLength);
    if (!hasPrefix(trailer, type) || !hasSuffix(trailer, PEM_END_OF_LINE)) continue;
    if (getLine(endTrailer.subarray(trailerLength)).line.length !== 0) continue;

    const body = rest.subarray(0, endIndex).filter((b) => !isSpaceOrTab(b));
    let bytes: Uint8Array;
    try {
      bytes = decodeStdBase64(body);
    } catch (error) {
      if (error instanceof Base64Error) continue;
      throw error;
    }
    return {
      block: { type: goString(type), headers, bytes },
      // Go measures from END's leading newline, which an empty block's END line may lack.
      rest: getLine(rest.subarray(endIndex + PEM_END.length - 1)).rest,
    };
  }
}

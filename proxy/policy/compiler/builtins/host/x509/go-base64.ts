/*
 * Go's encoding/base64 StdEncoding decoder (padding required, CR and LF skipped anywhere), with its exact error:
 * `illegal base64 data at input byte N`, N counted in the bytes of the input. OPA's x509 built-ins decode their
 * string operands with it, and encoding/pem decodes block bodies with it.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INVALID = 0xff;
const PAD = 0x3d; // '='
const CR = 0x0d;
const LF = 0x0a;

const DECODE_MAP = (() => {
  const map = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < ALPHABET.length; i++) map[ALPHABET.charCodeAt(i)] = i;
  return map;
})();

/** Base64Error is Go's base64.CorruptInputError. */
export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

const isNewline = (b: number | undefined): boolean => b === CR || b === LF;

/**
 * decodeStdBase64 is Go's base64.StdEncoding.DecodeString over the bytes of `src`.
 *
 * @throws {Base64Error} at the first byte Go reports.
 */
export function decodeStdBase64(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  let si = 0;
  // Go decodes quantum by quantum; its 8- and 4-byte fast paths give the same bytes and errors.
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let dlen = 4;
    let trailingGarbageAt: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        throw new Base64Error(si - j);
      }
      const input = src[si]!;
      si++;
      const decoded = DECODE_MAP[input]!;
      if (decoded !== INVALID) {
        quantum[j] = decoded;
        continue;
      }
      if (isNewline(input)) {
        j--;
        continue;
      }
      if (input !== PAD || j < 2) throw new Base64Error(si - 1);
      if (j === 2) {
        // "==" is expected: the first "=" is consumed, newlines may sit between the two.
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== PAD) throw new Base64Error(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailingGarbageAt = si;
      dlen = j;
      break;
    }
    const value = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    const bytes = [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailingGarbageAt !== undefined) throw new Base64Error(trailingGarbageAt);
  }
  return Uint8Array.from(out);
}

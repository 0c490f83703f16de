/*
 * A DER reader with the semantics of golang.org/x/crypto/cryptobyte, which Go's crypto/x509 parses certificates
 * with: single-byte tags only, minimal definite lengths up to four length bytes, minimally encoded INTEGERs,
 * BOOLEANs of 0x00 or 0xff, BIT STRINGs with zero padding bits, OID arcs below 2^31. Every read either succeeds
 * and consumes, or fails (`undefined` / `false`), as cryptobyte's methods do; a failed read of the wrong tag has
 * still consumed its element, as in cryptobyte.
 */

import { type AsnTime, parseGeneralizedTime, parseUtcTime } from './asn1-time.js';

/** Tag numbers as cryptobyte_asn1 names them (class and constructed bits included). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  ENUM: 0x0a,
  UTF8String: 0x0c,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  GeneralString: 0x1b,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** contextSpecific is cryptobyte's Tag(n).ContextSpecific(), optionally .Constructed(). */
export const contextSpecific = (n: number, constructed = false): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** Element is one TLV: its tag byte, the whole encoding and the contents. */
export interface Element {
  readonly tag: number;
  readonly full: Uint8Array;
  readonly content: Uint8Array;
}

/** BitString is Go's asn1.BitString: the bytes as encoded and the number of bits used. */
export interface BitString {
  readonly bytes: Uint8Array;
  readonly bitLength: number;
}

/** rightAlign is Go's BitString.RightAlign: the bits shifted so that the padding is at the front. */
export function rightAlign(bits: BitString): Uint8Array {
  const shift = 8 - (bits.bitLength % 8);
  if (shift === 8 || bits.bytes.length === 0) return bits.bytes;
  const out = new Uint8Array(bits.bytes.length);
  out[0] = bits.bytes[0]! >> shift;
  for (let i = 1; i < bits.bytes.length; i++) {
    out[i] = ((bits.bytes[i - 1]! << (8 - shift)) & 0xff) | (bits.bytes[i]! >> shift);
  }
  return out;
}

/** bitAt is Go's BitString.At. */
export function bitAt(bits: BitString, i: number): number {
  if (i < 0 || i >= bits.bitLength) return 0;
  return (bits.bytes[Math.floor(i / 8)]! >> (7 - (i % 8))) & 1;
}

/** checkInteger is cryptobyte's checkASN1Integer: non-empty and minimally encoded. */
export function checkInteger(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.length === 1) return true;
  return !((bytes[0] === 0 && (bytes[1]! & 0x80) === 0) || (bytes[0] === 0xff && (bytes[1]! & 0x80) === 0x80));
}

/** signedInteger reads two's complement big-endian bytes. */
export function signedInteger(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  return n;
}

/** unsignedInteger reads big-endian bytes as a non-negative number. */
export function unsignedInteger(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** DerReader is a cryptobyte.String: the bytes not yet read. */
export class DerReader {
  #s: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#s = bytes;
  }

  /** rest is what has not been read. */
  get rest(): Uint8Array {
    return this.#s;
  }

  empty(): boolean {
    return this.#s.length === 0;
  }

  /** readAnyElement is ReadAnyASN1Element / ReadAnyASN1: the next TLV, whatever its tag. */
  readAnyElement(): Element | undefined {
    const s = this.#s;
    if (s.length < 2) return undefined;
    const tag = s[0]!;
    const lengthByte = s[1]!;
    // High-tag-number identifiers are not supported.
    if ((tag & 0x1f) === 0x1f) return undefined;
    let headerLength: number;
    let length: number;
    if ((lengthByte & 0x80) === 0) {
      headerLength = 2;
      length = lengthByte + 2;
    } else {
      const lengthLength = lengthByte & 0x7f;
      if (lengthLength === 0 || lengthLength > 4 || s.length < 2 + lengthLength) return undefined;
      let contentLength = 0;
      for (let i = 0; i < lengthLength; i++) contentLength = contentLength * 256 + s[2 + i]!;
      // DER: the short form when it fits, and no leading zero octet.
      if (contentLength < 128) return undefined;
      if (s[2] === 0) return undefined;
      headerLength = 2 + lengthLength;
      length = headerLength + contentLength;
    }
    if (s.length < length) return undefined;
    this.#s = s.subarray(length);
    return { tag, full: s.subarray(0, length), content: s.subarray(headerLength, length) };
  }

  /** readElement is ReadASN1Element: the next TLV, whole, if it has `tag`. */
  readElement(tag: number): Uint8Array | undefined {
    const element = this.readAnyElement();
    return element?.tag === tag ? element.full : undefined;
  }

  /** read is ReadASN1: the contents of the next TLV, if it has `tag`. */
  read(tag: number): Uint8Array | undefined {
    const element = this.readAnyElement();
    return element?.tag === tag ? element.content : undefined;
  }

  /** readReader is ReadASN1 into a reader over the contents. */
  readReader(tag: number): DerReader | undefined {
    const content = this.read(tag);
    return content === undefined ? undefined : new DerReader(content);
  }

  /** peek is PeekASN1Tag. */
  peek(tag: number): boolean {
    return this.#s.length > 0 && this.#s[0] === tag;
  }

  /** skipOptional is SkipOptionalASN1. */
  skipOptional(tag: number): boolean {
    return !this.peek(tag) || this.read(tag) !== undefined;
  }

  /** readOptional is ReadOptionalASN1: `null` when absent, `undefined` when malformed. */
  readOptional(tag: number): Uint8Array | null | undefined {
    if (!this.peek(tag)) return null;
    return this.read(tag);
  }

  /** readBigInteger is ReadASN1Integer into a *big.Int (or ReadASN1 with another tag and the same checks). */
  readBigInteger(tag: number = TAG.INTEGER): bigint | undefined {
    const bytes = this.read(tag);
    if (bytes === undefined || !checkInteger(bytes)) return undefined;
    return signedInteger(bytes);
  }

  /** readInt64 is ReadASN1Integer into an int (64 bits) or ReadASN1Int64WithTag. */
  readInt64(tag: number = TAG.INTEGER): bigint | undefined {
    const bytes = this.read(tag);
    if (bytes === undefined || !checkInteger(bytes) || bytes.length > 8) return undefined;
    const n = signedInteger(bytes);
    return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
  }

  /** readUint64 is ReadASN1Integer into a uint. */
  readUint64(): bigint | undefined {
    const bytes = this.read(TAG.INTEGER);
    if (bytes === undefined || !checkInteger(bytes)) return undefined;
    if (bytes.length > 9 || (bytes.length === 9 && bytes[0] !== 0)) return undefined;
    if ((bytes[0]! & 0x80) !== 0) return undefined;
    return unsignedInteger(bytes);
  }

  /** readBoolean is ReadASN1Boolean. */
  readBoolean(): boolean | undefined {
    const bytes = this.read(TAG.BOOLEAN);
    if (bytes === undefined || bytes.length !== 1) return undefined;
    if (bytes[0] === 0) return false;
    if (bytes[0] === 0xff) return true;
    return undefined;
  }

  /** readBitString is ReadASN1BitString. */
  readBitString(): BitString | undefined {
    const bytes = this.read(TAG.BIT_STRING);
    if (bytes === undefined || bytes.length === 0) return undefined;
    const padding = bytes[0]!;
    const data = bytes.subarray(1);
    if (
      padding > 7 ||
      (data.length === 0 && padding !== 0) ||
      (data.length > 0 && (data[data.length - 1]! & ((1 << padding) - 1)) !== 0)
    ) {
      return undefined;
    }
    return { bytes: data, bitLength: data.length * 8 - padding };
  }

  /** readObjectIdentifier is ReadASN1ObjectIdentifier: arcs, each below 2^31. */
  readObjectIdentifier(): number[] | undefined {
    const bytes = this.read(TAG.OBJECT_IDENTIFIER);
    if (bytes === undefined || bytes.length === 0) return undefined;
    return parseOidArcs(bytes);
  }

  /** readUtcTime is ReadASN1UTCTime. */
  readUtcTime(): AsnTime | undefined {
    const bytes = this.read(TAG.UTCTime);
    return bytes === undefined ? undefined : parseUtcTime(latin1(bytes));
  }

  /** readGeneralizedTime is ReadASN1GeneralizedTime. */
  readGeneralizedTime(): AsnTime | undefined {
    const bytes = this.read(TAG.GeneralizedTime);
    return bytes === undefined ? undefined : parseGeneralizedTime(latin1(bytes));
  }
}

/** latin1 maps each byte to one character, for parsers that only accept ASCII anyway. */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** parseOidArcs is cryptobyte's OID decoding: base-128 arcs, minimally encoded, each below 2^31. */
export function parseOidArcs(bytes: Uint8Array): number[] | undefined {
  const arcs: number[] = [];
  let i = 0;
  const readArc = (): number | undefined => {
    let value = 0;
    for (let n = 0; i < bytes.length; n++) {
      if (n === 5 || value >= 1 << 24) return undefined;
      const b = bytes[i++]!;
      if (n === 0 && b === 0x80) return undefined;
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return value;
    }
    return undefined;
  };
  const first = readArc();
  if (first === undefined) return undefined;
  if (first < 80) arcs.push(Math.floor(first / 40), first % 40);
  else arcs.push(2, first - 80);
  while (i < bytes.length) {
    const arc = readArc();
    if (arc === undefined) return undefined;
    arcs.push(arc);
  }
  return arcs;
}

/** encodeElement writes one DER TLV. */
export function encodeElement(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  let header: number[];
  if (body.length < 128) {
    header = [tag, body.length];
  } else {
    const lengthBytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  return new Uint8Array(Buffer.concat([Uint8Array.from(header), body]));
}

/** encodeOid writes an OBJECT IDENTIFIER. */
export function encodeOid(arcs: readonly number[]): Uint8Array {
  const bytes: number[] = [];
  const values = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  for (const value of values) {
    const groups: number[] = [];
    for (let v = value; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length === 0 ? 0 : 0x80));
      if (v < 128) break;
    }
    bytes.push(...groups);
  }
  return encodeElement(TAG.OBJECT_IDENTIFIER, Uint8Array.from(bytes));
}

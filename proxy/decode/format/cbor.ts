import type { JsonValue } from '../call.js';
import { DecodeError } from '../errors.js';
import { setOwn } from './own.js';

/**
 * decodeCbor reads one CBOR data item (RFC 8949) into a JSON value, as Smithy's rpc-v2-cbor protocol uses it:
 *
 * - unsigned and negative integers become numbers; beyond 2^53 they become decimal strings, so nothing is rounded
 * - byte strings become base64 strings, as JSON protocols carry blobs
 * - text strings must be valid UTF-8; map keys must be text strings and unique
 * - floats NaN and ±Infinity become the strings Smithy's JSON protocols use (`"NaN"`, `"Infinity"`, `"-Infinity"`)
 * - tags are read through (epoch-seconds timestamps, tag 1, stay numbers); bignums (tags 2, 3) become decimal strings
 * - `undefined` becomes null; other simple values are refused
 *
 * Indefinite-length strings, arrays and maps are accepted. Every length is checked against the bytes left before
 * anything is allocated, nesting is limited, and trailing bytes are refused, so hostile input fails fast.
 *
 * @throws DecodeError `malformed-request` for anything that is not exactly one well-formed item.
 */
export function decodeCbor(bytes: Uint8Array, maxDepth = 64): JsonValue {
  const reader = new CborReader(bytes, maxDepth);
  const value = reader.readItem(0);
  if (reader.offset !== bytes.length) reader.fail(`${bytes.length - reader.offset} bytes after the CBOR item`);
  return value;
}

/** Major types, the top three bits of an initial byte. */
const UNSIGNED = 0;
const NEGATIVE = 1;
const BYTES = 2;
const TEXT = 3;
const ARRAY = 4;
const MAP = 5;
const SIMPLE = 7;

/** INDEFINITE marks an argument of 31 on strings, arrays and maps. */
const INDEFINITE = -1;
const BREAK = 0xff;

const utf8 = new TextDecoder('utf-8', { fatal: true });

class CborReader {
  offset = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #maxDepth: number;

  constructor(bytes: Uint8Array, maxDepth: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#maxDepth = maxDepth;
  }

  fail(message: string): never {
    throw new DecodeError('malformed-request', `malformed CBOR at byte ${this.offset}: ${message}`);
  }

  readItem(depth: number): JsonValue {
    if (depth > this.#maxDepth) this.fail(`nested deeper than ${this.#maxDepth}`);
    const initial = this.#byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === SIMPLE) return this.#readSimple(info);
    const argument = this.#readArgument(major, info);
    switch (major) {
      case UNSIGNED:
        return typeof argument === 'bigint' ? argument.toString() : argument;
      case NEGATIVE:
        return typeof argument === 'bigint' ? (-1n - argument).toString() : -1 - argument;
      case BYTES:
        return Buffer.from(this.#readString(BYTES, argument)).toString('base64');
      case TEXT:
        return this.#utf8(this.#readString(TEXT, argument));
      case ARRAY:
        return this.#readArray(argument, depth);
      case MAP:
        return this.#readMap(argument, depth);
      default: // major type 6, a tag
        return this.#readTagged(argument, depth);
    }
  }

  #byte(): number {
    if (this.offset >= this.#bytes.length) this.fail('unexpected end of input');
    return this.#bytes[this.offset++]!;
  }

  #need(count: number): void {
    if (count > this.#bytes.length - this.offset)
      this.fail(`needs ${count} bytes, ${this.#bytes.length - this.offset} left`);
  }

  /** #readArgument reads the count or value that follows an initial byte; INDEFINITE for argument 31. */
  #readArgument(major: number, info: number): number | bigint {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.#byte();
      case 25:
        this.#need(2);
        this.offset += 2;
        return this.#view.getUint16(this.offset - 2);
      case 26:
        this.#need(4);
        this.offset += 4;
        return this.#view.getUint32(this.offset - 4);
      case 27: {
        this.#need(8);
        this.offset += 8;
        const big = this.#view.getBigUint64(this.offset - 8);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 31:
        if (major === BYTES || major === TEXT || major === ARRAY || major === MAP) return INDEFINITE;
        return this.fail(`indefinite length on major type ${major}`);
      default:
        return this.fail(`reserved additional information ${info}`);
    }
  }

  /** #count turns an argument into a length no larger than the bytes left, each element taking at least `unit`. */
  #count(argument: number | bigint, unit: number): number {
    if (typeof argument === 'bigint' || argument * unit > this.#bytes.length - this.offset) {
      this.fail(`length ${argument} exceeds the ${this.#bytes.length - this.offset} bytes left`);
    }
    return argument;
  }

  #readString(major: number, argument: number | bigint): Uint8Array {
    if (argument !== INDEFINITE) {
      const length = this.#count(argument, 1);
      this.offset += length;
      return this.#bytes.subarray(this.offset - length, this.offset);
    }
    // Indefinite strings are definite chunks of the same major type, ended by a break.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (this.offset < this.#bytes.length && this.#bytes[this.offset] === BREAK) {
        this.offset++;
        break;
      }
      const initial = this.#byte();
      if (initial >> 5 !== major || (initial & 0x1f) === 31) this.fail('bad chunk in an indefinite-length string');
      const chunk = this.#readString(major, this.#readArgument(major, initial & 0x1f));
      chunks.push(chunk);
      total += chunk.length;
    }
    const joined = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    return joined;
  }

  #utf8(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('text string is not valid UTF-8');
    }
  }

  #atBreak(): boolean {
    if (this.offset < this.#bytes.length && this.#bytes[this.offset] === BREAK) {
      this.offset++;
      return true;
    }
    return false;
  }

  #readArray(argument: number | bigint, depth: number): JsonValue[] {
    const items: JsonValue[] = [];
    if (argument === INDEFINITE) {
      while (!this.#atBreak()) items.push(this.readItem(depth + 1));
      return items;
    }
    const length = this.#count(argument, 1);
    for (let i = 0; i < length; i++) items.push(this.readItem(depth + 1));
    return items;
  }

  #readMap(argument: number | bigint, depth: number): { [key: string]: JsonValue } {
    const map: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    const readEntry = () => {
      const keyAt = this.offset;
      const initial = this.#byte();
      if (initial >> 5 !== TEXT) {
        this.offset = keyAt;
        this.fail('map key is not a text string');
      }
      const key = this.#utf8(this.#readString(TEXT, this.#readArgument(TEXT, initial & 0x1f)));
      if (seen.has(key)) this.fail(`duplicate map key ${JSON.stringify(key)}`);
      seen.add(key);
      setOwn(map, key, this.readItem(depth + 1));
    };
    if (argument === INDEFINITE) {
      while (!this.#atBreak()) readEntry();
      return map;
    }
    const length = this.#count(argument, 2);
    for (let i = 0; i < length; i++) readEntry();
    return map;
  }

  #readTagged(tag: number | bigint, depth: number): JsonValue {
    if (tag === 2 || tag === 3) {
      // Bignums: a byte string holding the magnitude, big-endian.
      const initial = this.#byte();
      if (initial >> 5 !== BYTES) this.fail('bignum tag without a byte string');
      const magnitude = this.#readString(BYTES, this.#readArgument(BYTES, initial & 0x1f));
      let n = 0n;
      for (const b of magnitude) n = (n << 8n) | BigInt(b);
      const value = tag === 2 ? n : -1n - n;
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    }
    return this.readItem(depth + 1);
  }

  #readSimple(info: number): JsonValue {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 25:
        this.#need(2);
        this.offset += 2;
        return finite(halfToNumber(this.#view.getUint16(this.offset - 2)));
      case 26:
        this.#need(4);
        this.offset += 4;
        return finite(this.#view.getFloat32(this.offset - 4));
      case 27:
        this.#need(8);
        this.offset += 8;
        return finite(this.#view.getFloat64(this.offset - 8));
      case 31:
        return this.fail('break outside an indefinite-length item');
      default:
        return this.fail(`unsupported simple value ${info}`);
    }
  }
}

/** finite keeps JSON-representable numbers and spells the others as Smithy's JSON protocols do. */
function finite(n: number): number | string {
  if (Number.isFinite(n)) return n;
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? 'Infinity' : '-Infinity';
}

/** halfToNumber decodes an IEEE 754 half-precision float (RFC 8949 appendix D). */
function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (mantissa + 1024) * 2 ** (exponent - 25);
}

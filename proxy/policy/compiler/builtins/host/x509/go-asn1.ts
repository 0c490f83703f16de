/*
 * The part of Go's encoding/asn1 Unmarshal that crypto/x509 uses for certificate requests and private keys, driven
 * by schemas that mirror the Go struct types, with Go's acceptance rules (extra elements at the end of a SEQUENCE
 * are ignored, OPTIONAL members fall back to their defaults) and its error texts ("asn1: structure error: tags
 * don't match (16 vs {class:1 tag:2 length:97 isCompound:true}) {optional:false …} certificateRequest @2").
 *
 * One difference is unavoidable: where Go prints a field's parameters it prints the *address* of an explicit tag
 * number; here the number itself is printed.
 */

import { goString } from '../bytes.js';
import { HostLimitError } from '../errors.js';
import { type BitString, checkInteger, signedInteger } from './der.js';
import { validUtf8 } from '../bytes.js';
import { type AttributeValue, decodeBmp } from './names.js';

/** Asn1Error is an encoding/asn1 error with Go's full message. */
export class Asn1Error extends Error {}

const structural = (message: string) => new Asn1Error(`asn1: structure error: ${message}`);
const syntax = (message: string) => new Asn1Error(`asn1: syntax error: ${message}`);

const CLASS_UNIVERSAL = 0;
const CLASS_CONTEXT_SPECIFIC = 2;

const UNIVERSAL = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  NumericString: 18,
  PrintableString: 19,
  T61String: 20,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  GeneralString: 27,
  BMPString: 30,
} as const;

interface TagAndLength {
  readonly cls: number;
  readonly tag: number;
  readonly length: number;
  readonly compound: boolean;
}

/** Params are a struct field's `asn1:"…"` tag. */
export interface Params {
  readonly optional?: boolean;
  readonly explicit?: boolean;
  readonly tag?: number;
  readonly set?: boolean;
  readonly defaultValue?: bigint;
}

/** RawValue is asn1.RawValue. */
export interface RawValue {
  readonly cls: number;
  readonly tag: number;
  readonly compound: boolean;
  readonly bytes: Uint8Array;
  readonly fullBytes: Uint8Array;
}

/** Schema describes one Go type: its name (for messages), its universal tag, how to read its contents. */
export interface Schema<T> {
  readonly name: string;
  readonly matchAny: boolean;
  readonly tag: number;
  readonly compound: boolean;
  /** The value of an absent OPTIONAL member (Go's zero value). */
  readonly zero: T;
  decode(content: Uint8Array, element: TagAndLength, full: Uint8Array): T;
}

function parseBase128(bytes: Uint8Array, start: number): { value: number; offset: number } {
  let value = 0;
  let offset = start;
  for (let shifted = 0; offset < bytes.length; shifted++) {
    if (shifted === 5) throw structural('base 128 integer too large');
    const b = bytes[offset]!;
    if (shifted === 0 && b === 0x80) throw syntax('integer is not minimally encoded');
    value = value * 128 + (b & 0x7f);
    offset++;
    if ((b & 0x80) === 0) {
      if (value > 0x7fffffff) throw structural('base 128 integer too large');
      return { value, offset };
    }
  }
  throw syntax('truncated base 128 integer');
}

function parseTagAndLength(bytes: Uint8Array, start: number): { element: TagAndLength; offset: number } {
  let offset = start;
  const first = bytes[offset++]!;
  const cls = first >> 6;
  const compound = (first & 0x20) === 0x20;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    const parsed = parseBase128(bytes, offset);
    tag = parsed.value;
    offset = parsed.offset;
    if (tag < 0x1f) throw syntax('non-minimal tag');
  }
  if (offset >= bytes.length) throw syntax('truncated tag or length');
  const lengthByte = bytes[offset++]!;
  let length: number;
  if ((lengthByte & 0x80) === 0) {
    length = lengthByte & 0x7f;
  } else {
    const count = lengthByte & 0x7f;
    if (count === 0) throw syntax('indefinite length found (not DER)');
    length = 0;
    for (let i = 0; i < count; i++) {
      if (offset >= bytes.length) throw syntax('truncated tag or length');
      const b = bytes[offset++]!;
      if (length >= 1 << 23) throw structural('length too large');
      length = length * 256 + b;
      if (length === 0) throw structural('superfluous leading zeros in length');
    }
    if (length < 0x80) throw structural('non-minimal length');
  }
  return { element: { cls, tag, length, compound }, offset };
}

const formatElement = (t: TagAndLength): string =>
  `{class:${t.cls} tag:${t.tag} length:${t.length} isCompound:${t.compound}}`;

const formatParams = (p: Params): string =>
  `{optional:${p.optional === true} explicit:${p.explicit === true} application:false private:false ` +
  `defaultValue:${p.defaultValue ?? '<nil>'} tag:${p.tag ?? '<nil>'} stringType:0 timeType:0 set:${p.set === true} ` +
  'omitEmpty:false}';

function absent<T>(schema: Schema<T>, params: Params): { ok: true; value: T } | { ok: false } {
  if (params.optional !== true) return { ok: false };
  return { ok: true, value: (params.defaultValue ?? schema.zero) as T };
}

/** parseField is encoding/asn1's parseField: one member at `start`, and the offset after it. */
export function parseField<T>(
  schema: Schema<T>,
  bytes: Uint8Array,
  start: number,
  params: Params = {},
): { value: T; offset: number } {
  if (start === bytes.length) {
    const fallback = absent(schema, params);
    if (!fallback.ok) throw syntax('sequence truncated');
    return { value: fallback.value, offset: start };
  }
  if (schema === (ANY as Schema<unknown>)) {
    const { element, offset } = parseTagAndLength(bytes, start);
    if (offset + element.length > bytes.length) throw syntax('data truncated');
    const value = decodeAny(element, bytes.subarray(offset, offset + element.length));
    return { value: value as T, offset: offset + element.length };
  }
  let { element, offset } = parseTagAndLength(bytes, start);
  if (params.explicit === true) {
    if (offset === bytes.length) throw structural('explicit tag has no child');
    if (
      element.cls === CLASS_CONTEXT_SPECIFIC &&
      element.tag === params.tag &&
      (element.length === 0 || element.compound)
    ) {
      if (schema !== (RAW_VALUE as Schema<unknown>)) {
        if (element.length === 0) throw structural('zero length explicit tag was not an asn1.Flag');
        ({ element, offset } = parseTagAndLength(bytes, offset));
      }
    } else {
      const fallback = absent(schema, params);
      if (!fallback.ok) throw structural("explicitly tagged member didn't match");
      return { value: fallback.value, offset: start };
    }
  }
  let expectedClass = CLASS_UNIVERSAL;
  let expectedTag = params.set === true ? UNIVERSAL.SET : schema.tag;
  let matchAnyClassAndTag = schema.matchAny;
  if (params.explicit !== true && params.tag !== undefined) {
    expectedClass = CLASS_CONTEXT_SPECIFIC;
    expectedTag = params.tag;
    matchAnyClassAndTag = false;
  }
  if (
    (!matchAnyClassAndTag && (element.cls !== expectedClass || element.tag !== expectedTag)) ||
    (!schema.matchAny && element.compound !== schema.compound)
  ) {
    const fallback = absent(schema, params);
    if (!fallback.ok) {
      throw structural(
        `tags don't match (${expectedTag} vs ${formatElement(element)}) ${formatParams(params)} ${schema.name} @${offset}`,
      );
    }
    return { value: fallback.value, offset: start };
  }
  if (offset + element.length > bytes.length) throw syntax('data truncated');
  const content = bytes.subarray(offset, offset + element.length);
  offset += element.length;
  return { value: schema.decode(content, element, bytes.subarray(start, offset)), offset };
}

/** unmarshal is asn1.Unmarshal: the value and the bytes after it. */
export function unmarshal<T>(
  schema: Schema<T>,
  bytes: Uint8Array,
  params: Params = {},
): { value: T; rest: Uint8Array } {
  const { value, offset } = parseField(schema, bytes, 0, params);
  return { value, rest: bytes.subarray(offset) };
}

function parseInt64(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw structural('empty integer');
  if (!checkInteger(bytes)) throw structural('integer not minimally-encoded');
  if (bytes.length > 8) throw structural('integer too large');
  return signedInteger(bytes);
}

function parseBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw structural('empty integer');
  if (!checkInteger(bytes)) throw structural('integer not minimally-encoded');
  return signedInteger(bytes);
}

function parseBitString(bytes: Uint8Array): BitString {
  if (bytes.length === 0) throw syntax('zero length BIT STRING');
  const padding = bytes[0]!;
  if (padding > 7 || (bytes.length === 1 && padding > 0) || (bytes[bytes.length - 1]! & ((1 << padding) - 1)) !== 0) {
    throw syntax('invalid padding bits in BIT STRING');
  }
  return { bytes: bytes.subarray(1), bitLength: (bytes.length - 1) * 8 - padding };
}

function parseObjectIdentifier(bytes: Uint8Array): number[] {
  if (bytes.length === 0) throw syntax('zero length OBJECT IDENTIFIER');
  const first = parseBase128(bytes, 0);
  const arcs = first.value < 80 ? [Math.floor(first.value / 40), first.value % 40] : [2, first.value - 80];
  let offset = first.offset;
  while (offset < bytes.length) {
    const next = parseBase128(bytes, offset);
    arcs.push(next.value);
    offset = next.offset;
  }
  return arcs;
}

const PRINTABLE = /^[A-Za-z0-9'()+,\-./ :=?*&]*$/;

/** decodeAny is encoding/asn1's handling of an `any` member: known universal primitives, else nil. */
function decodeAny(element: TagAndLength, content: Uint8Array): AttributeValue {
  if (element.compound || element.cls !== CLASS_UNIVERSAL) return null;
  const text = () => Buffer.from(content).toString('latin1');
  switch (element.tag) {
    case UNIVERSAL.PrintableString:
      if (!PRINTABLE.test(text())) throw syntax('PrintableString contains invalid character');
      return text();
    case UNIVERSAL.NumericString:
      if (!/^[0-9 ]*$/.test(text())) throw syntax('NumericString contains invalid character');
      return text();
    case UNIVERSAL.IA5String:
      if (!content.every((b) => b < 0x80)) throw syntax('IA5String contains invalid character');
      return text();
    case UNIVERSAL.T61String:
      return goString(content);
    case UNIVERSAL.UTF8String:
      if (!validUtf8(content)) throw new Asn1Error('asn1: invalid UTF-8 string');
      return Buffer.from(content).toString('utf8');
    case UNIVERSAL.INTEGER:
      return parseInt64(content);
    case UNIVERSAL.BIT_STRING: {
      const bits = parseBitString(content);
      return { bitString: bits.bytes, bitLength: bits.bitLength };
    }
    case UNIVERSAL.OID:
      return parseObjectIdentifier(content);
    case UNIVERSAL.UTCTime:
    case UNIVERSAL.GeneralizedTime:
      throw new HostLimitError('crypto.x509: time-valued name attributes are not supported on the host');
    case UNIVERSAL.OCTET_STRING:
      return content;
    case UNIVERSAL.BMPString: {
      if (content.length % 2 !== 0) throw new Asn1Error('pkcs12: odd-length BMP string');
      const trimmed =
        content.length >= 2 && content[content.length - 1] === 0 && content[content.length - 2] === 0
          ? content.subarray(0, content.length - 2)
          : content;
      return decodeBmp(trimmed);
    }
  }
  return null;
}

/** ANY is an `any` (empty interface) member. */
export const ANY: Schema<AttributeValue> = {
  name: '',
  matchAny: true,
  tag: -1,
  compound: false,
  zero: null,
  decode: () => null,
};

/** RAW_VALUE is asn1.RawValue: any element, kept as it is. */
export const RAW_VALUE: Schema<RawValue | undefined> = {
  name: 'RawValue',
  matchAny: true,
  tag: -1,
  compound: false,
  zero: undefined,
  decode: (content, element, full) => ({
    cls: element.cls,
    tag: element.tag,
    compound: element.compound,
    bytes: content,
    fullBytes: full,
  }),
};

/** INT is a Go int (64 bits). */
export const INT: Schema<bigint> = {
  name: 'int',
  matchAny: false,
  tag: UNIVERSAL.INTEGER,
  compound: false,
  zero: 0n,
  decode: parseInt64,
};

/** BIG_INT is a *big.Int (absent: nil). */
export const BIG_INT: Schema<bigint | undefined> = {
  name: '',
  matchAny: false,
  tag: UNIVERSAL.INTEGER,
  compound: false,
  zero: undefined,
  decode: parseBigInt,
};

/** BOOL is a Go bool. */
export const BOOL: Schema<boolean> = {
  name: 'bool',
  matchAny: false,
  tag: UNIVERSAL.BOOLEAN,
  compound: false,
  zero: false,
  decode: (content) => {
    if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) throw syntax('invalid boolean');
    return content[0] === 0xff;
  },
};

/** OBJECT_IDENTIFIER is asn1.ObjectIdentifier. */
export const OBJECT_IDENTIFIER: Schema<number[] | undefined> = {
  name: 'ObjectIdentifier',
  matchAny: false,
  tag: UNIVERSAL.OID,
  compound: false,
  zero: undefined,
  decode: parseObjectIdentifier,
};

/** BIT_STRING is asn1.BitString. */
export const BIT_STRING: Schema<BitString> = {
  name: 'BitString',
  matchAny: false,
  tag: UNIVERSAL.BIT_STRING,
  compound: false,
  zero: { bytes: new Uint8Array(0), bitLength: 0 },
  decode: parseBitString,
};

/** OCTETS is a []byte (absent: nil). */
export const OCTETS: Schema<Uint8Array | undefined> = {
  name: '',
  matchAny: false,
  tag: UNIVERSAL.OCTET_STRING,
  compound: false,
  zero: undefined,
  decode: (content) => content,
};

/** Field is one struct member: its schema and its `asn1:"…"` parameters. */
export interface Field<T> {
  readonly schema: Schema<T>;
  readonly params?: Params;
}

type FieldValues<F extends Record<string, Field<unknown>>> = {
  [K in keyof F]: F[K] extends Field<infer T> ? T : never;
};

/**
 * struct is a Go struct type (a SEQUENCE); `raw` adds its leading asn1.RawContent member, the whole element.
 * Members after the last field are ignored, as Go allows.
 */
export function struct<F extends Record<string, Field<unknown>>>(
  name: string,
  fields: F,
): Schema<(FieldValues<F> & { raw: Uint8Array }) | undefined> {
  return {
    name,
    matchAny: false,
    tag: UNIVERSAL.SEQUENCE,
    compound: true,
    zero: undefined,
    decode: (content, _element, full) => {
      const values: Record<string, unknown> = { raw: full };
      let offset = 0;
      for (const [key, field] of Object.entries(fields)) {
        const parsed = parseField(field.schema, content, offset, field.params);
        values[key] = parsed.value;
        offset = parsed.offset;
      }
      return values as FieldValues<F> & { raw: Uint8Array };
    },
  };
}

const STRING_TAGS: readonly number[] = [
  UNIVERSAL.IA5String,
  UNIVERSAL.GeneralString,
  UNIVERSAL.T61String,
  UNIVERSAL.UTF8String,
  UNIVERSAL.NumericString,
  UNIVERSAL.BMPString,
];

/**
 * sliceOf is a Go slice type (SEQUENCE OF, or SET OF when the type's name ends in "SET"), read as
 * encoding/asn1's parseSequenceOf does: every element's tag checked first, then each parsed.
 */
export function sliceOf<T>(element: Schema<T>, name = ''): Schema<T[] | undefined> {
  return {
    name,
    matchAny: false,
    tag: name.endsWith('SET') ? UNIVERSAL.SET : UNIVERSAL.SEQUENCE,
    compound: true,
    zero: undefined,
    decode: (content) => {
      let count = 0;
      for (let offset = 0; offset < content.length;) {
        const parsed = parseTagAndLength(content, offset);
        let tag = parsed.element.tag;
        if (STRING_TAGS.includes(tag)) tag = UNIVERSAL.PrintableString;
        else if (tag === UNIVERSAL.GeneralizedTime) tag = UNIVERSAL.UTCTime;
        if (
          !element.matchAny &&
          (parsed.element.cls !== CLASS_UNIVERSAL ||
            parsed.element.compound !== element.compound ||
            tag !== element.tag)
        ) {
          throw structural('sequence tag mismatch');
        }
        if (parsed.offset + parsed.element.length > content.length) throw syntax('truncated sequence');
        offset = parsed.offset + parsed.element.length;
        count++;
      }
      const values: T[] = [];
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const parsed = parseField(element, content, offset);
        values.push(parsed.value);
        offset = parsed.offset;
      }
      return values;
    },
  };
}

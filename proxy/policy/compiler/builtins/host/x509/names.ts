/*
 * Distinguished names and object identifiers as crypto/x509 keeps them: pkix.Name filled from an RDN sequence
 * (FillFromRDNSequence), the string types parseName accepts, and the two OID types (asn1.ObjectIdentifier, a list
 * of arcs; x509.OID, DER bytes printed as dotted text).
 */

import { quoteBytes, validUtf8 } from '../bytes.js';
import { TAG } from './der.js';
import { fail } from './x509-error.js';

/** Oid is an asn1.ObjectIdentifier. */
export type Oid = readonly number[];

/** AttributeValue is what an attribute's `any` Value can hold after parsing. */
export type AttributeValue =
  string | bigint | Oid | Uint8Array | { readonly bitString: Uint8Array; readonly bitLength: number } | null;

/** AttributeTypeAndValue is pkix.AttributeTypeAndValue. */
export interface AttributeTypeAndValue {
  readonly type: Oid;
  readonly value: AttributeValue;
}

/** Name is pkix.Name; string lists are null when Go leaves them nil. */
export interface Name {
  country: string[] | null;
  organization: string[] | null;
  organizationalUnit: string[] | null;
  locality: string[] | null;
  province: string[] | null;
  streetAddress: string[] | null;
  postalCode: string[] | null;
  serialNumber: string;
  commonName: string;
  names: AttributeTypeAndValue[] | null;
}

type NameList = Exclude<keyof Name, 'serialNumber' | 'commonName' | 'names'>;

const LIST_BY_ATTRIBUTE: Readonly<Record<number, NameList>> = {
  6: 'country',
  7: 'locality',
  8: 'province',
  9: 'streetAddress',
  10: 'organization',
  11: 'organizationalUnit',
  17: 'postalCode',
};

/** fillName is pkix.Name.FillFromRDNSequence. */
export function fillName(rdns: readonly (readonly AttributeTypeAndValue[])[]): Name {
  const name: Name = {
    country: null,
    organization: null,
    organizationalUnit: null,
    locality: null,
    province: null,
    streetAddress: null,
    postalCode: null,
    serialNumber: '',
    commonName: '',
    names: null,
  };
  for (const rdn of rdns) {
    for (const attribute of rdn) {
      (name.names ??= []).push(attribute);
      const value = attribute.value;
      if (typeof value !== 'string') continue;
      const t = attribute.type;
      if (t.length !== 4 || t[0] !== 2 || t[1] !== 5 || t[2] !== 4) continue;
      if (t[3] === 3) name.commonName = value;
      else if (t[3] === 5) name.serialNumber = value;
      else {
        const list = LIST_BY_ATTRIBUTE[t[3]!];
        if (list !== undefined) (name[list] ??= []).push(value);
      }
    }
  }
  return name;
}

/** isPrintable is crypto/x509's PrintableString check, which also lets '*' and '&' through. */
export function isPrintable(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x27 && b <= 0x29) ||
    (b >= 0x2b && b <= 0x2f) ||
    b === 0x20 ||
    b === 0x3a ||
    b === 0x3d ||
    b === 0x3f ||
    b === 0x2a ||
    b === 0x26
  );
}

/** decodeBmp reads UCS-2 big-endian, as UTF-16 (unpaired surrogates become U+FFFD, as utf16.Decode does). */
export function decodeBmp(value: Uint8Array): string {
  const units: number[] = [];
  for (let i = 0; i + 1 < value.length; i += 2) units.push((value[i]! << 8) | value[i + 1]!);
  let out = '';
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    const next = units[i + 1];
    if (unit >= 0xd800 && unit < 0xdc00 && next !== undefined && next >= 0xdc00 && next < 0xe000) {
      out += String.fromCharCode(unit, next);
      i++;
    } else {
      out += unit >= 0xd800 && unit < 0xe000 ? '\ufffd' : String.fromCharCode(unit);
    }
  }
  return out;
}

/**
 * parseAsn1String is crypto/x509's parseASN1String for name attribute values.
 *
 * @throws {X509Error} with Go's reason ("invalid PrintableString", "unsupported string type: 5", …).
 */
export function parseAsn1String(tag: number, value: Uint8Array): string {
  switch (tag) {
    case TAG.T61String:
      // Read as Latin-1, as most of the world (and BoringSSL) does.
      return Buffer.from(value).toString('latin1');
    case TAG.PrintableString:
      if (!value.every(isPrintable)) fail('invalid PrintableString');
      return Buffer.from(value).toString('latin1');
    case TAG.UTF8String:
      if (!validUtf8(value)) fail('invalid UTF-8 string');
      return Buffer.from(value).toString('utf8');
    case TAG.BMPString: {
      if (value.length % 2 !== 0) fail('invalid BMPString');
      let units = value;
      if (units.length >= 2 && units[units.length - 1] === 0 && units[units.length - 2] === 0) {
        units = units.subarray(0, units.length - 2);
      }
      for (let i = 0; i < units.length; i += 2) {
        const point = (units[i]! << 8) | units[i + 1]!;
        if (
          point === 0xfffe ||
          point === 0xffff ||
          (point >= 0xfdd0 && point <= 0xfdef) ||
          (point >= 0xd800 && point <= 0xdfff)
        ) {
          fail('invalid BMPString');
        }
      }
      return decodeBmp(units);
    }
    case TAG.IA5String:
      if (!isIa5(value)) fail('invalid IA5String');
      return Buffer.from(value).toString('latin1');
    case TAG.NumericString:
      if (!value.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20)) fail('invalid NumericString');
      return Buffer.from(value).toString('latin1');
  }
  fail(`unsupported string type: ${tag}`);
}

/** isIa5 is crypto/x509's isIA5String: ASCII only. */
export const isIa5 = (value: Uint8Array): boolean => value.every((b) => b < 0x80);

/** ia5Error is isIA5String's error text for a string that is not ASCII. */
export const ia5Error = (value: Uint8Array): string => `x509: ${quoteBytes(value)} cannot be encoded as an IA5String`;

/** oidText is asn1.ObjectIdentifier.String: the arcs joined by dots. */
export const oidText = (oid: Oid): string => oid.join('.');

export const sameOid = (a: Oid, b: Oid): boolean => a.length === b.length && a.every((arc, i) => arc === b[i]);

/** validOidDer is x509's newOIDFromDER check: a complete, minimally encoded arc sequence. */
export function validOidDer(der: Uint8Array): boolean {
  if (der.length === 0 || (der[der.length - 1]! & 0x80) !== 0) return false;
  let start = 0;
  for (let i = 0; i < der.length; i++) {
    if (i === start && der[i] === 0x80) return false;
    if ((der[i]! & 0x80) === 0) start = i + 1;
  }
  return true;
}

/** oidDerText is x509.OID.String (and its MarshalText): the DER arcs as dotted decimal, any size. */
export function oidDerText(der: Uint8Array): string {
  let out = '';
  let value = 0n;
  let first = true;
  for (const b of der) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (first) {
      out += value < 80n ? `${value / 40n}.${value % 40n}` : `2.${value - 80n}`;
      first = false;
    } else {
      out += `.${value}`;
    }
    value = 0n;
  }
  return out;
}

/** oidDerArcs is x509.OID.toASN1OID: the arcs, if each fits in 31 bits. */
export function oidDerArcs(der: Uint8Array): number[] | undefined {
  const out: number[] = [];
  let value = 0;
  for (const b of der) {
    if (value > (1 << 24) - 1) return undefined;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (out.length === 0) {
      if (value < 80) out.push(Math.floor(value / 40), value % 40);
      else out.push(2, value - 80);
    } else {
      out.push(value);
    }
    value = 0;
  }
  return out;
}

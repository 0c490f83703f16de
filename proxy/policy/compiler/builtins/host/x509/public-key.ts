/*
 * Public keys as crypto/x509 parses them out of a SubjectPublicKeyInfo (parsePublicKey), the algorithm numbers it
 * reports, and how encoding/json writes the resulting Go values: *rsa.PublicKey {"N","E"}, *ecdsa.PublicKey
 * {"Curve":{},"X","Y"} (the curve's fields are unexported), ed25519.PublicKey (bytes, base64), *dsa.PublicKey
 * {"P","Q","G","Y"}.
 */

import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RegoValue } from '../value.js';
import { type BitString, DerReader, encodeElement, encodeOid, rightAlign, TAG } from './der.js';
import { type Oid, sameOid } from './names.js';
import { fail } from './x509-error.js';

/** PublicKeyAlgorithm numbers, as x509.PublicKeyAlgorithm. */
export const PUBLIC_KEY_ALGORITHM = { UNKNOWN: 0, RSA: 1, DSA: 2, ECDSA: 3, ED25519: 4 } as const;

const OID_RSA: Oid = [1, 2, 840, 113549, 1, 1, 1];
const OID_DSA: Oid = [1, 2, 840, 10040, 4, 1];
const OID_ECDSA: Oid = [1, 2, 840, 10045, 2, 1];
const OID_ED25519: Oid = [1, 3, 101, 112];

/** publicKeyAlgorithm is getPublicKeyAlgorithmFromOID. */
export function publicKeyAlgorithm(oid: Oid): number {
  if (sameOid(oid, OID_RSA)) return PUBLIC_KEY_ALGORITHM.RSA;
  if (sameOid(oid, OID_DSA)) return PUBLIC_KEY_ALGORITHM.DSA;
  if (sameOid(oid, OID_ECDSA)) return PUBLIC_KEY_ALGORITHM.ECDSA;
  if (sameOid(oid, OID_ED25519)) return PUBLIC_KEY_ALGORITHM.ED25519;
  return PUBLIC_KEY_ALGORITHM.UNKNOWN;
}

/** Curve is one of the NIST curves crypto/x509 knows (namedCurveFromOID). */
export interface Curve {
  readonly name: 'P-224' | 'P-256' | 'P-384' | 'P-521';
  readonly nodeName: string;
  readonly oid: Oid;
  readonly p: bigint;
  readonly b: bigint;
  readonly order: bigint;
  readonly byteLength: number;
}

export const CURVES: readonly Curve[] = [
  {
    name: 'P-224',
    nodeName: 'secp224r1',
    oid: [1, 3, 132, 0, 33],
    p: 0xffffffffffffffffffffffffffffffff000000000000000000000001n,
    b: 0xb4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4n,
    order: 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn,
    byteLength: 28,
  },
  {
    name: 'P-256',
    nodeName: 'prime256v1',
    oid: [1, 2, 840, 10045, 3, 1, 7],
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    byteLength: 32,
  },
  {
    name: 'P-384',
    nodeName: 'secp384r1',
    oid: [1, 3, 132, 0, 34],
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    byteLength: 48,
  },
  {
    name: 'P-521',
    nodeName: 'secp521r1',
    oid: [1, 3, 132, 0, 35],
    p: (1n << 521n) - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    order:
      0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    byteLength: 66,
  },
];

/** curveByOid is namedCurveFromOID. */
export const curveByOid = (oid: Oid): Curve | undefined => CURVES.find((c) => sameOid(c.oid, oid));

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

/** onCurve checks y² = x³ − 3x + b (mod p), with both coordinates reduced. */
export function onCurve(curve: Curve, x: bigint, y: bigint): boolean {
  if (x < 0n || x >= curve.p || y < 0n || y >= curve.p) return false;
  return mod(y * y - (x * x * x - 3n * x + curve.b), curve.p) === 0n;
}

/** PublicKey is the Go value in Certificate.PublicKey. */
export type PublicKey =
  | { readonly kind: 'rsa'; readonly n: bigint; readonly e: bigint }
  | { readonly kind: 'ecdsa'; readonly curve: Curve; readonly x: bigint; readonly y: bigint }
  | { readonly kind: 'ed25519'; readonly key: Uint8Array }
  | { readonly kind: 'dsa'; readonly p: bigint; readonly q: bigint; readonly g: bigint; readonly y: bigint };

const NULL_BYTES = Uint8Array.of(0x05, 0x00);

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * parsePublicKey is crypto/x509's parsePublicKey for a known algorithm.
 *
 * @param parameters the AlgorithmIdentifier's parameters element, whole, if present.
 * @throws {X509Error} with Go's message.
 */
export function parsePublicKey(algorithm: Oid, parameters: Uint8Array | undefined, bits: BitString): PublicKey {
  const der = new DerReader(rightAlign(bits));
  if (sameOid(algorithm, OID_RSA)) {
    // RSA keys must have NULL parameters (RFC 3279, section 2.3.1).
    if (!sameBytes(parameters, NULL_BYTES)) fail('x509: RSA key missing NULL parameters');
    const sequence = der.readReader(TAG.SEQUENCE);
    if (sequence === undefined) fail('x509: invalid RSA public key');
    const n = sequence.readBigInteger();
    if (n === undefined) fail('x509: invalid RSA modulus');
    const e = sequence.readInt64();
    if (e === undefined) fail('x509: invalid RSA public exponent');
    if (n <= 0n) fail('x509: RSA modulus is not a positive number');
    if (e <= 0n) fail('x509: RSA public exponent is not a positive number');
    return { kind: 'rsa', n, e };
  }
  if (sameOid(algorithm, OID_ECDSA)) {
    const curveOid = new DerReader(parameters ?? new Uint8Array(0)).readObjectIdentifier();
    if (curveOid === undefined) fail('x509: invalid ECDSA parameters');
    const curve = curveByOid(curveOid);
    if (curve === undefined) fail('x509: unsupported elliptic curve');
    const point = der.rest;
    // elliptic.Unmarshal: the uncompressed form only, a point on the curve.
    if (point.length !== 1 + 2 * curve.byteLength || point[0] !== 4) {
      fail('x509: failed to unmarshal elliptic curve point');
    }
    const x = bigFromBytes(point.subarray(1, 1 + curve.byteLength));
    const y = bigFromBytes(point.subarray(1 + curve.byteLength));
    if (!onCurve(curve, x, y)) fail('x509: failed to unmarshal elliptic curve point');
    return { kind: 'ecdsa', curve, x, y };
  }
  if (sameOid(algorithm, OID_ED25519)) {
    if (parameters !== undefined && parameters.length !== 0) {
      fail('x509: Ed25519 key encoded with illegal parameters');
    }
    if (der.rest.length !== 32) fail('x509: wrong Ed25519 public key size');
    return { kind: 'ed25519', key: der.rest };
  }
  if (sameOid(algorithm, OID_DSA)) {
    const y = der.readBigInteger();
    if (y === undefined) fail('x509: invalid DSA public key');
    const params = new DerReader(parameters ?? new Uint8Array(0)).readReader(TAG.SEQUENCE);
    const p = params?.readBigInteger();
    const q = p === undefined ? undefined : params?.readBigInteger();
    const g = q === undefined ? undefined : params?.readBigInteger();
    if (p === undefined || q === undefined || g === undefined) fail('x509: invalid DSA parameters');
    if (y <= 0n || p <= 0n || q <= 0n || g <= 0n) fail('x509: zero or negative DSA parameter');
    return { kind: 'dsa', p, q, g, y };
  }
  fail('x509: unknown public key algorithm');
}

/** bigFromBytes reads big-endian unsigned bytes. */
export function bigFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** bigToBytes writes a non-negative number big-endian, in `length` bytes or as few as it takes. */
export function bigToBytes(n: bigint, length = 0): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (n === 0n) hex = '';
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length >= length) return new Uint8Array(bytes);
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** base64 is how encoding/json writes a []byte. */
export const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** goInt writes a Go int: a JSON number, exact past 2^53. */
export const goInt = (n: bigint): number | bigint => (Number.isSafeInteger(Number(n)) ? Number(n) : n);

/** publicKeyJson is encoding/json's rendering of the Go public key value (null for an unknown algorithm). */
export function publicKeyJson(key: PublicKey | undefined): RegoValue {
  switch (key?.kind) {
    case undefined:
      return null;
    case 'rsa':
      return { N: key.n, E: goInt(key.e) };
    case 'ecdsa':
      return { Curve: {}, X: key.x, Y: key.y };
    case 'ed25519':
      return base64(key.key);
    case 'dsa':
      return { P: key.p, Q: key.q, G: key.g, Y: key.y };
  }
}

/**
 * keyObject is the key as node:crypto takes it, for signature verification (RSA, ECDSA and Ed25519 only: Go
 * verifies no other signatures).
 */
export function keyObject(key: PublicKey): KeyObject {
  const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  switch (key.kind) {
    case 'rsa':
      return createPublicKey({
        key: { kty: 'RSA', n: b64url(bigToBytes(key.n)), e: b64url(bigToBytes(key.e)) },
        format: 'jwk',
      });
    case 'ecdsa': {
      // node's JWK import lacks P-224: hand it a SubjectPublicKeyInfo instead.
      const point = Buffer.concat([
        Uint8Array.of(4),
        bigToBytes(key.x, key.curve.byteLength),
        bigToBytes(key.y, key.curve.byteLength),
      ]);
      const spki = encodeElement(
        TAG.SEQUENCE,
        encodeElement(TAG.SEQUENCE, encodeOid(OID_ECDSA), encodeOid(key.curve.oid)),
        encodeElement(TAG.BIT_STRING, Uint8Array.of(0), point),
      );
      return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    }
    case 'ed25519':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(key.key) }, format: 'jwk' });
    case 'dsa':
      throw new Error('DSA keys verify nothing in Go');
  }
}

/*
 * Private keys as crypto/x509 (Go 1.24) parses them: PKCS #1 (ParsePKCS1PrivateKey, with crypto/rsa's
 * precomputation and validation of the CRT values found in the key), PKCS #8 (RSA, ECDSA, Ed25519, X25519) and
 * SEC 1 (ParseECPrivateKey); encoding/json's rendering of the Go key values; and OPA's JWK rendering (its
 * internal jwx package: RSA keys in full, ECDSA keys as {"kty":"EC"} only, other types refused).
 */

import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import { HostLimitError } from '../errors.js';
import type { RegoValue } from '../value.js';
import { encodeElement, encodeOid, TAG } from './der.js';
import {
  Asn1Error,
  BIG_INT,
  BIT_STRING,
  INT,
  OBJECT_IDENTIFIER,
  OCTETS,
  sliceOf,
  struct,
  unmarshal,
} from './go-asn1.js';
import { type Oid, oidText, sameOid } from './names.js';
import { base64, bigFromBytes, bigToBytes, type Curve, curveByOid, goInt } from './public-key.js';
import { ALGORITHM_IDENTIFIER } from './signature.js';
import { fail, X509Error } from './x509-error.js';

/** RsaPrivateKey is *rsa.PrivateKey with its Precomputed values as Go 1.24 leaves them. */
export interface RsaPrivateKey {
  readonly kind: 'rsa';
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly primes: readonly bigint[];
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qinv: bigint;
  readonly crtValues: readonly { readonly exp: bigint; readonly coeff: bigint; readonly r: bigint }[];
}

/** PrivateKey is the Go value a parser returns. */
export type PrivateKey =
  | RsaPrivateKey
  | { readonly kind: 'ecdsa'; readonly curve: Curve; readonly x: bigint; readonly y: bigint; readonly d: bigint }
  | { readonly kind: 'ed25519'; readonly key: Uint8Array }
  | { readonly kind: 'x25519' };

const OID_RSA: Oid = [1, 2, 840, 113549, 1, 1, 1];
const OID_ECDSA: Oid = [1, 2, 840, 10045, 2, 1];
const OID_ED25519: Oid = [1, 3, 101, 112];
const OID_X25519: Oid = [1, 3, 101, 110];

const PKCS1 = struct('pkcs1PrivateKey', {
  version: { schema: INT },
  n: { schema: BIG_INT },
  e: { schema: INT },
  d: { schema: BIG_INT },
  p: { schema: BIG_INT },
  q: { schema: BIG_INT },
  dp: { schema: BIG_INT, params: { optional: true } },
  dq: { schema: BIG_INT, params: { optional: true } },
  qinv: { schema: BIG_INT, params: { optional: true } },
  additionalPrimes: {
    schema: sliceOf(
      struct('pkcs1AdditionalRSAPrime', {
        prime: { schema: BIG_INT },
        exp: { schema: BIG_INT },
        coeff: { schema: BIG_INT },
      }),
    ),
    params: { optional: true },
  },
});

const PKCS8 = struct('pkcs8', {
  version: { schema: INT },
  algorithm: { schema: ALGORITHM_IDENTIFIER },
  privateKey: { schema: OCTETS },
});

const EC_PRIVATE_KEY = struct('ecPrivateKey', {
  version: { schema: INT },
  privateKey: { schema: OCTETS },
  namedCurveOid: { schema: OBJECT_IDENTIFIER, params: { optional: true, explicit: true, tag: 0 } },
  publicKey: { schema: BIT_STRING, params: { optional: true, explicit: true, tag: 1 } },
});

/** parses reports whether encoding/asn1 reads `der` as the schema (ignoring what follows). */
function parses(schema: Parameters<typeof unmarshal>[0], der: Uint8Array): boolean {
  try {
    unmarshal(schema, der);
    return true;
  } catch (error) {
    if (error instanceof Asn1Error) return false;
    throw error;
  }
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);
const byteLength = (n: bigint): number => Math.ceil(bitLength(n) / 8);
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function modInverse(g: bigint, n: bigint): bigint | undefined {
  let [oldR, r] = [mod(g, n), n];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return oldR === 1n ? mod(oldS, n) : undefined;
}

/** checkModulus is bigmod.NewModulus's check. */
function checkModulus(m: bigint): void {
  if (m <= 1n) fail('modulus must be > 1');
}

/** checkPublicKey is the FIPS module's RSA public key check. */
function checkRsaPublicKey(n: bigint, e: bigint): void {
  if (n % 2n === 0n) fail('crypto/rsa: public modulus is even');
  if (e < 2n) fail('crypto/rsa: public exponent too small or negative');
  if (e % 2n === 0n) fail('crypto/rsa: public exponent is even');
  if (e > 0x7fffffffn) fail('crypto/rsa: public exponent too large');
}

/** setBytesError is bigmod.Nat.SetBytes's error for `x` against modulus `m` (limbs of 64 bits), if any. */
function setBytesError(x: bigint, m: bigint): string | undefined {
  if (byteLength(x) > Math.ceil(bitLength(m) / 64) * 8) return 'input overflows the modulus size';
  if (x >= m) return 'input overflows the modulus';
  return undefined;
}

/** checkTwoPrimeKey is rsa.NewPrivateKeyWithPrecomputation with the FIPS module's checkPrivateKey. */
function checkTwoPrimeKey(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint, dp: bigint, dq: bigint, qinv: bigint) {
  checkModulus(n);
  checkModulus(p);
  checkModulus(q);
  const dError = setBytesError(d, n);
  if (dError !== undefined) fail(dError);
  const qinvError = setBytesError(qinv, p);
  if (qinvError !== undefined) fail(qinvError);
  checkRsaPublicKey(n, e);
  if (setBytesError(p, n) !== undefined || setBytesError(q, n) !== undefined) fail('crypto/rsa: invalid prime');
  if ((p * q) % n !== 0n) fail('crypto/rsa: p * q != n');
  for (const [prime, exponent] of [
    [p, dp],
    [q, dq],
  ] as const) {
    if (prime - 1n <= 1n) fail('crypto/rsa: invalid prime');
    if (setBytesError(exponent, prime - 1n) !== undefined) fail('crypto/rsa: invalid CRT exponent');
    if (mod(e * exponent, prime - 1n) !== 1n) fail('crypto/rsa: invalid CRT exponent');
  }
  if (mod(mod(q, p) * qinv, p) !== 1n) fail('crypto/rsa: invalid CRT coefficient');
  if (p === q) fail('crypto/rsa: p == q');
  const difference = p > q ? p - q : q - p;
  if (bitLength(difference) <= Math.trunc(bitLength(n) / 2) - 100) fail('crypto/rsa: |p - q| too small');
  if (bitLength(d) <= Math.trunc(bitLength(n) / 2)) fail('crypto/rsa: d too small');
}

/** precomputeLegacy is crypto/rsa's handling of multi-prime keys: CRT values derived from D, N not checked. */
function precomputeLegacy(n: bigint, e: bigint, d: bigint, primes: readonly bigint[]): RsaPrivateKey {
  checkModulus(n);
  const dError = setBytesError(d, n);
  if (dError !== undefined) fail(dError);
  checkRsaPublicKey(n, e);
  if (primes.some((prime) => prime <= 1n)) fail('crypto/rsa: prime factor is <= 1');
  const [p, q] = primes as [bigint, bigint];
  const qinv = modInverse(q, p) ?? fail('crypto/rsa: prime factors are not relatively prime');
  let r = p * q;
  const crtValues = primes.slice(2).map((prime) => {
    const coeff = modInverse(r, prime) ?? fail('crypto/rsa: prime factors are not relatively prime');
    const value = { exp: mod(d, prime - 1n), coeff, r };
    r *= prime;
    return value;
  });
  return { kind: 'rsa', n, e, d, primes, dp: mod(d, p - 1n), dq: mod(d, q - 1n), qinv, crtValues };
}

/**
 * parsePkcs1PrivateKey is x509.ParsePKCS1PrivateKey.
 *
 * @throws {X509Error} or {Asn1Error} with Go's message; {HostLimitError} for a key without CRT values, on which
 *   Go 1.24.0 dereferences a nil pointer.
 */
export function parsePkcs1PrivateKey(der: Uint8Array): RsaPrivateKey {
  let parsed;
  try {
    parsed = unmarshal(PKCS1, der);
  } catch (error) {
    if (!(error instanceof Asn1Error)) throw error;
    if (parses(EC_PRIVATE_KEY, der)) {
      fail('x509: failed to parse private key (use ParseECPrivateKey instead for this key format)');
    }
    if (parses(PKCS8, der)) {
      fail('x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)');
    }
    throw error;
  }
  if (parsed.rest.length > 0) throw new Asn1Error('asn1: syntax error: trailing data');
  const key = parsed.value!;
  if (key.version > 1n) fail('x509: unsupported private key version');
  const [n, d, p, q] = [key.n!, key.d!, key.p!, key.q!];
  if (n <= 0n || d <= 0n || p <= 0n || q <= 0n) fail('x509: private key contains zero or negative value');
  // Go 1.24.0 then calls Sign() on each CRT value, dereferencing nil for a key without them.
  const crt = [key.dp, key.dq, key.qinv].map((value) => {
    if (value === undefined) {
      throw new HostLimitError('crypto.x509: a PKCS #1 RSA key without CRT values crashes Go 1.24.0; not reproduced');
    }
    if (value <= 0n) fail('x509: private key contains zero or negative value');
    return value;
  });
  const [dp, dq, qinv] = crt as [bigint, bigint, bigint];
  const additional = (key.additionalPrimes ?? []).map((prime) => prime?.prime ?? 0n);
  if (additional.some((prime) => prime <= 0n)) fail('x509: private key contains zero or negative prime');
  if (additional.length > 0) return precomputeLegacy(n, key.e, d, [p, q, ...additional]);
  checkTwoPrimeKey(n, key.e, d, p, q, dp, dq, qinv);
  return { kind: 'rsa', n, e: key.e, d, primes: [p, q], dp, dq, qinv, crtValues: [] };
}

/** ecPublicPoint computes D·G on the curve (Go's ScalarBaseMult; the point at infinity as (0, 0)). */
function ecPublicPoint(curve: Curve, d: bigint): { x: bigint; y: bigint } {
  if (d === 0n) return { x: 0n, y: 0n };
  const ecdh = createECDH(curve.nodeName);
  ecdh.setPrivateKey(Buffer.from(bigToBytes(d, curve.byteLength)));
  const point = ecdh.getPublicKey();
  return {
    x: bigFromBytes(point.subarray(1, 1 + curve.byteLength)),
    y: bigFromBytes(point.subarray(1 + curve.byteLength)),
  };
}

/** parseEcPrivateKey is x509's parseECPrivateKey, with the curve from a PKCS #8 wrapper when it names one. */
function parseEcPrivateKey(curveOid: Oid | undefined, der: Uint8Array): PrivateKey {
  let key;
  try {
    key = unmarshal(EC_PRIVATE_KEY, der).value!;
  } catch (error) {
    if (!(error instanceof Asn1Error)) throw error;
    if (parses(PKCS8, der)) {
      fail('x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)');
    }
    if (parses(PKCS1, der)) {
      fail('x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)');
    }
    return fail(`x509: failed to parse EC private key: ${error.message}`);
  }
  if (key.version !== 1n) fail(`x509: unknown EC private key version ${key.version}`);
  const curve = curveByOid(curveOid ?? key.namedCurveOid ?? []) ?? fail('x509: unknown elliptic curve');
  let bytes = key.privateKey ?? new Uint8Array(0);
  const d = bigFromBytes(bytes);
  if (d >= curve.order) fail('x509: invalid elliptic curve private key value');
  // Leading zero padding beyond the curve's size is tolerated, though SEC 1 forbids it.
  while (bytes.length > curve.byteLength) {
    if (bytes[0] !== 0) fail('x509: invalid private key length');
    bytes = bytes.subarray(1);
  }
  return { kind: 'ecdsa', curve, ...ecPublicPoint(curve, d), d };
}

/** parseSec1PrivateKey is x509.ParseECPrivateKey. */
export const parseSec1PrivateKey = (der: Uint8Array): PrivateKey => parseEcPrivateKey(undefined, der);

function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const pkcs8 = encodeElement(
    TAG.SEQUENCE,
    encodeElement(TAG.INTEGER, Uint8Array.of(0)),
    encodeElement(TAG.SEQUENCE, encodeOid(OID_ED25519)),
    encodeElement(TAG.OCTET_STRING, encodeElement(TAG.OCTET_STRING, seed)),
  );
  const jwk = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({
    format: 'jwk',
  });
  return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
}

function innerOctets(der: Uint8Array, what: string): Uint8Array {
  try {
    return unmarshal(OCTETS, der).value ?? new Uint8Array(0);
  } catch (error) {
    if (!(error instanceof Asn1Error)) throw error;
    return fail(`x509: invalid ${what} private key: ${error.message}`);
  }
}

/**
 * parsePkcs8PrivateKey is x509.ParsePKCS8PrivateKey.
 *
 * @throws {X509Error} or {Asn1Error} with Go's message.
 */
export function parsePkcs8PrivateKey(der: Uint8Array): PrivateKey {
  let key;
  try {
    key = unmarshal(PKCS8, der).value!;
  } catch (error) {
    if (!(error instanceof Asn1Error)) throw error;
    if (parses(EC_PRIVATE_KEY, der)) {
      fail('x509: failed to parse private key (use ParseECPrivateKey instead for this key format)');
    }
    if (parses(PKCS1, der)) {
      fail('x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)');
    }
    throw error;
  }
  const algorithm = key.algorithm!.algorithm ?? [];
  const parameters = key.algorithm!.parameters?.fullBytes;
  const inner = key.privateKey ?? new Uint8Array(0);
  if (sameOid(algorithm, OID_RSA)) {
    try {
      return parsePkcs1PrivateKey(inner);
    } catch (error) {
      if (!(error instanceof X509Error || error instanceof Asn1Error)) throw error;
      return fail(`x509: failed to parse RSA private key embedded in PKCS#8: ${error.message}`);
    }
  }
  if (sameOid(algorithm, OID_ECDSA)) {
    let curveOid: Oid | undefined;
    try {
      curveOid = unmarshal(OBJECT_IDENTIFIER, parameters ?? new Uint8Array(0)).value;
    } catch (error) {
      if (!(error instanceof Asn1Error)) throw error;
    }
    try {
      return parseEcPrivateKey(curveOid, inner);
    } catch (error) {
      if (!(error instanceof X509Error)) throw error;
      return fail(`x509: failed to parse EC private key embedded in PKCS#8: ${error.message}`);
    }
  }
  if (sameOid(algorithm, OID_ED25519)) {
    if (parameters !== undefined && parameters.length !== 0) fail('x509: invalid Ed25519 private key parameters');
    const seed = innerOctets(inner, 'Ed25519');
    if (seed.length !== 32) fail(`x509: invalid Ed25519 private key length: ${seed.length}`);
    const key64 = new Uint8Array(64);
    key64.set(seed);
    key64.set(ed25519PublicKey(seed), 32);
    return { kind: 'ed25519', key: key64 };
  }
  if (sameOid(algorithm, OID_X25519)) {
    if (parameters !== undefined && parameters.length !== 0) fail('x509: invalid X25519 private key parameters');
    if (innerOctets(inner, 'X25519').length !== 32) fail('crypto/ecdh: invalid private key size');
    return { kind: 'x25519' };
  }
  return fail(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${oidText(algorithm)}`);
}

/** privateKeyJson is encoding/json's rendering of the Go key value. */
export function privateKeyJson(key: PrivateKey): RegoValue {
  switch (key.kind) {
    case 'rsa':
      return {
        N: key.n,
        E: goInt(key.e),
        D: key.d,
        Primes: [...key.primes],
        Precomputed: {
          Dp: key.dp,
          Dq: key.dq,
          Qinv: key.qinv,
          CRTValues: key.crtValues.map((v) => ({ Exp: v.exp, Coeff: v.coeff, R: v.r })),
        },
      };
    case 'ecdsa':
      return { Curve: {}, X: key.x, Y: key.y, D: key.d };
    case 'ed25519':
      return base64(key.key);
    case 'x25519':
      // *ecdh.PrivateKey has only unexported fields.
      return {};
  }
}

/** GO_TYPE_NAMES are the %T names OPA's jwk.New reports for keys it cannot write. */
const GO_TYPE_NAMES = { ed25519: 'ed25519.PrivateKey', x25519: '*ecdh.PrivateKey' } as const;

/**
 * privateKeyJwk is OPA's jwk.New(key) marshalled: an RSA key's parameters (base64url, minimal big-endian bytes),
 * only the key type for ECDSA (its jwx type keeps the key unexported).
 *
 * @throws {X509Error} "invalid key type …" for other keys.
 */
export function privateKeyJwk(key: PrivateKey): RegoValue {
  const b64url = (n: bigint) => Buffer.from(bigToBytes(n)).toString('base64url');
  switch (key.kind) {
    case 'rsa':
      return {
        kty: 'RSA',
        n: b64url(key.n),
        e: b64url(BigInt.asUintN(64, key.e)),
        d: b64url(key.d),
        p: b64url(key.primes[0]!),
        q: b64url(key.primes[1]!),
        dp: b64url(key.dp),
        dq: b64url(key.dq),
        qi: b64url(key.qinv),
      };
    case 'ecdsa':
      return { kty: 'EC' };
    default:
      return fail(`invalid key type ${GO_TYPE_NAMES[key.kind]}`);
  }
}

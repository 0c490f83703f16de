/*
 * Signature algorithms as crypto/x509 names and checks them: the SignatureAlgorithm numbers it reports
 * (getSignatureAlgorithmFromAI, RSA-PSS only with matching MGF1 hash, salt of the hash's length and the default
 * trailer), and checkSignature's verdict, computed with node:crypto after Go's own preconditions (no MD5, no SHA-1
 * for certificates, RSA keys of at least 1024 bits with an odd modulus and an odd 32-bit exponent).
 */

import { constants, verify } from 'node:crypto';
import { Asn1Error, INT, OBJECT_IDENTIFIER, RAW_VALUE, struct, unmarshal } from './go-asn1.js';
import { type Oid, sameOid } from './names.js';
import { keyObject, PUBLIC_KEY_ALGORITHM, type PublicKey } from './public-key.js';

/** SignatureAlgorithm numbers, as x509.SignatureAlgorithm. */
export const SIGNATURE_ALGORITHM = {
  UNKNOWN: 0,
  MD2_WITH_RSA: 1,
  MD5_WITH_RSA: 2,
  SHA1_WITH_RSA: 3,
  SHA256_WITH_RSA: 4,
  SHA384_WITH_RSA: 5,
  SHA512_WITH_RSA: 6,
  DSA_WITH_SHA1: 7,
  DSA_WITH_SHA256: 8,
  ECDSA_WITH_SHA1: 9,
  ECDSA_WITH_SHA256: 10,
  ECDSA_WITH_SHA384: 11,
  ECDSA_WITH_SHA512: 12,
  SHA256_WITH_RSA_PSS: 13,
  SHA384_WITH_RSA_PSS: 14,
  SHA512_WITH_RSA_PSS: 15,
  PURE_ED25519: 16,
} as const;

type Hash = 'md2' | 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | undefined;

interface Details {
  readonly algorithm: number;
  readonly oid: Oid;
  readonly publicKeyAlgorithm: number;
  readonly hash: Hash;
}

const S = SIGNATURE_ALGORITHM;
const P = PUBLIC_KEY_ALGORITHM;
const OID_RSA_PSS: Oid = [1, 2, 840, 113549, 1, 1, 10];
const OID_ED25519: Oid = [1, 3, 101, 112];
const OID_MGF1: Oid = [1, 2, 840, 113549, 1, 1, 8];
const OID_SHA256: Oid = [2, 16, 840, 1, 101, 3, 4, 2, 1];
const OID_SHA384: Oid = [2, 16, 840, 1, 101, 3, 4, 2, 2];
const OID_SHA512: Oid = [2, 16, 840, 1, 101, 3, 4, 2, 3];

/** signatureAlgorithmDetails, in Go's order (the first match wins). */
const DETAILS: readonly Details[] = [
  { algorithm: S.MD2_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 2], publicKeyAlgorithm: P.RSA, hash: 'md2' },
  { algorithm: S.MD5_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 4], publicKeyAlgorithm: P.RSA, hash: 'md5' },
  { algorithm: S.SHA1_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 5], publicKeyAlgorithm: P.RSA, hash: 'sha1' },
  { algorithm: S.SHA1_WITH_RSA, oid: [1, 3, 14, 3, 2, 29], publicKeyAlgorithm: P.RSA, hash: 'sha1' },
  { algorithm: S.SHA256_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 11], publicKeyAlgorithm: P.RSA, hash: 'sha256' },
  { algorithm: S.SHA384_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 12], publicKeyAlgorithm: P.RSA, hash: 'sha384' },
  { algorithm: S.SHA512_WITH_RSA, oid: [1, 2, 840, 113549, 1, 1, 13], publicKeyAlgorithm: P.RSA, hash: 'sha512' },
  { algorithm: S.SHA256_WITH_RSA_PSS, oid: OID_RSA_PSS, publicKeyAlgorithm: P.RSA, hash: 'sha256' },
  { algorithm: S.SHA384_WITH_RSA_PSS, oid: OID_RSA_PSS, publicKeyAlgorithm: P.RSA, hash: 'sha384' },
  { algorithm: S.SHA512_WITH_RSA_PSS, oid: OID_RSA_PSS, publicKeyAlgorithm: P.RSA, hash: 'sha512' },
  { algorithm: S.DSA_WITH_SHA1, oid: [1, 2, 840, 10040, 4, 3], publicKeyAlgorithm: P.DSA, hash: 'sha1' },
  { algorithm: S.DSA_WITH_SHA256, oid: [2, 16, 840, 1, 101, 3, 4, 3, 2], publicKeyAlgorithm: P.DSA, hash: 'sha256' },
  { algorithm: S.ECDSA_WITH_SHA1, oid: [1, 2, 840, 10045, 4, 1], publicKeyAlgorithm: P.ECDSA, hash: 'sha1' },
  { algorithm: S.ECDSA_WITH_SHA256, oid: [1, 2, 840, 10045, 4, 3, 2], publicKeyAlgorithm: P.ECDSA, hash: 'sha256' },
  { algorithm: S.ECDSA_WITH_SHA384, oid: [1, 2, 840, 10045, 4, 3, 3], publicKeyAlgorithm: P.ECDSA, hash: 'sha384' },
  { algorithm: S.ECDSA_WITH_SHA512, oid: [1, 2, 840, 10045, 4, 3, 4], publicKeyAlgorithm: P.ECDSA, hash: 'sha512' },
  { algorithm: S.PURE_ED25519, oid: OID_ED25519, publicKeyAlgorithm: P.ED25519, hash: undefined },
];

/** ALGORITHM_IDENTIFIER is pkix.AlgorithmIdentifier read by encoding/asn1. */
export const ALGORITHM_IDENTIFIER = struct('AlgorithmIdentifier', {
  algorithm: { schema: OBJECT_IDENTIFIER },
  parameters: { schema: RAW_VALUE, params: { optional: true } },
});

const PSS_PARAMETERS = struct('pssParameters', {
  hash: { schema: ALGORITHM_IDENTIFIER, params: { explicit: true, tag: 0 } },
  mgf: { schema: ALGORITHM_IDENTIFIER, params: { explicit: true, tag: 1 } },
  saltLength: { schema: INT, params: { explicit: true, tag: 2 } },
  trailerField: { schema: INT, params: { optional: true, explicit: true, tag: 3, defaultValue: 1n } },
});

const isAbsentOrNull = (bytes: Uint8Array | undefined): boolean =>
  bytes === undefined || bytes.length === 0 || (bytes.length === 2 && bytes[0] === 0x05 && bytes[1] === 0x00);

function pssAlgorithm(parameters: Uint8Array | undefined): number {
  try {
    const params = unmarshal(PSS_PARAMETERS, parameters ?? new Uint8Array(0)).value;
    const mgfHash = unmarshal(ALGORITHM_IDENTIFIER, params?.mgf?.parameters?.fullBytes ?? new Uint8Array(0)).value;
    const hash = params?.hash?.algorithm ?? [];
    if (
      !isAbsentOrNull(params?.hash?.parameters?.fullBytes) ||
      !sameOid(params?.mgf?.algorithm ?? [], OID_MGF1) ||
      !sameOid(mgfHash?.algorithm ?? [], hash) ||
      !isAbsentOrNull(mgfHash?.parameters?.fullBytes) ||
      params?.trailerField !== 1n
    ) {
      return S.UNKNOWN;
    }
    if (sameOid(hash, OID_SHA256) && params.saltLength === 32n) return S.SHA256_WITH_RSA_PSS;
    if (sameOid(hash, OID_SHA384) && params.saltLength === 48n) return S.SHA384_WITH_RSA_PSS;
    if (sameOid(hash, OID_SHA512) && params.saltLength === 64n) return S.SHA512_WITH_RSA_PSS;
    return S.UNKNOWN;
  } catch (error) {
    if (error instanceof Asn1Error) return S.UNKNOWN;
    throw error;
  }
}

/**
 * signatureAlgorithm is getSignatureAlgorithmFromAI.
 *
 * @param parameters the parameters element, whole, if present.
 */
export function signatureAlgorithm(algorithm: Oid, parameters: Uint8Array | undefined): number {
  if (sameOid(algorithm, OID_ED25519) && parameters !== undefined && parameters.length !== 0) return S.UNKNOWN;
  if (!sameOid(algorithm, OID_RSA_PSS)) {
    return DETAILS.find((d) => sameOid(d.oid, algorithm))?.algorithm ?? S.UNKNOWN;
  }
  return pssAlgorithm(parameters);
}

const PSS_SALT: Readonly<Record<string, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/** rsaKeyUsable is crypto/rsa's checkPublicKeySize plus the FIPS module's checkPublicKey, which verification runs. */
function rsaKeyUsable(n: bigint, e: bigint): boolean {
  return n.toString(2).length >= 1024 && n % 2n === 1n && e >= 2n && e % 2n === 1n && e <= 0x7fffffffn;
}

/** verifies runs a node:crypto verification; OpenSSL rejecting a malformed signature outright is a failure too. */
function verifies(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/**
 * signatureValid is checkSignature's verdict: whether `signature` over `signed` verifies with `key` under the
 * algorithm. SHA-1 is allowed only where Go allows it (`allowSha1`, never for certificates).
 */
export function signatureValid(
  algorithm: number,
  signed: Uint8Array,
  signature: Uint8Array,
  key: PublicKey,
  allowSha1: boolean,
): boolean {
  const details = DETAILS.find((d) => d.algorithm === algorithm);
  if (details === undefined) return false;
  const hash = details.hash;
  if (hash === undefined ? details.publicKeyAlgorithm !== P.ED25519 : hash === 'md2' || hash === 'md5') return false;
  if (hash === 'sha1' && !allowSha1) return false;
  const isPss =
    algorithm === S.SHA256_WITH_RSA_PSS || algorithm === S.SHA384_WITH_RSA_PSS || algorithm === S.SHA512_WITH_RSA_PSS;
  switch (key.kind) {
    case 'rsa':
      if (details.publicKeyAlgorithm !== P.RSA || !rsaKeyUsable(key.n, key.e)) return false;
      return verifies(() =>
        verify(
          hash ?? null,
          signed,
          isPss
            ? { key: keyObject(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT[hash!]! }
            : { key: keyObject(key), padding: constants.RSA_PKCS1_PADDING },
          signature,
        ),
      );
    case 'ecdsa':
      if (details.publicKeyAlgorithm !== P.ECDSA) return false;
      return verifies(() => verify(hash ?? null, signed, { key: keyObject(key), dsaEncoding: 'der' }, signature));
    case 'ed25519':
      if (details.publicKeyAlgorithm !== P.ED25519) return false;
      return signature.length === 64 && verifies(() => verify(null, signed, keyObject(key), signature));
    case 'dsa':
      return false;
  }
}

/*
 * crypto/tls's X509KeyPair (Go 1.24): the CERTIFICATE blocks of one PEM input, the first "… PRIVATE KEY" block of
 * the other, the leaf parsed and checked against the key; and encoding/json's rendering of tls.Certificate (Leaf
 * is set, as Go 1.23 and later do by default).
 */

import type { RegoValue } from '../value.js';
import { type Certificate, parseOneCertificate } from './certificate.js';
import { Asn1Error } from './go-asn1.js';
import { decodePem } from './go-pem.js';
import { certificateJson } from './json.js';
import {
  parsePkcs1PrivateKey,
  parsePkcs8PrivateKey,
  parseSec1PrivateKey,
  type PrivateKey,
  privateKeyJson,
} from './private-keys.js';
import { base64 } from './public-key.js';
import { fail, X509Error } from './x509-error.js';

/** KeyPair is tls.Certificate as X509KeyPair fills it. */
export interface KeyPair {
  readonly certificates: readonly Uint8Array[];
  readonly privateKey: PrivateKey;
  readonly leaf: Certificate;
}

/** goList prints a []string as fmt's %v does. */
const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

function tryParse(parse: (der: Uint8Array) => PrivateKey, der: Uint8Array): PrivateKey | undefined {
  try {
    return parse(der);
  } catch (error) {
    if (error instanceof X509Error || error instanceof Asn1Error) return undefined;
    throw error;
  }
}

/** parsePrivateKey is crypto/tls's parsePrivateKey: PKCS #1, then PKCS #8, then SEC 1. */
function parsePrivateKey(der: Uint8Array): PrivateKey {
  const pkcs1 = tryParse(parsePkcs1PrivateKey, der);
  if (pkcs1 !== undefined) return pkcs1;
  const pkcs8 = tryParse(parsePkcs8PrivateKey, der);
  if (pkcs8 !== undefined) {
    if (pkcs8.kind === 'x25519') fail('tls: found unknown private key type in PKCS#8 wrapping');
    return pkcs8;
  }
  return tryParse(parseSec1PrivateKey, der) ?? fail('tls: failed to parse private key');
}

/**
 * x509KeyPair is tls.X509KeyPair over the two PEM inputs (bytes).
 *
 * @throws {X509Error} or {Asn1Error} with Go's message.
 */
export function x509KeyPair(certificatePem: Uint8Array, keyPem: Uint8Array): KeyPair {
  const certificates: Uint8Array[] = [];
  const skipped: string[] = [];
  for (let rest = certificatePem; ;) {
    const { block, rest: next } = decodePem(rest);
    if (block === undefined) break;
    if (block.type === 'CERTIFICATE') certificates.push(block.bytes);
    else skipped.push(block.type);
    rest = next;
  }
  if (certificates.length === 0) {
    if (skipped.length === 0) fail('tls: failed to find any PEM data in certificate input');
    if (skipped.length === 1 && skipped[0]!.endsWith('PRIVATE KEY')) {
      fail(
        'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
      );
    }
    fail(
      `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${goList(skipped)}`,
    );
  }

  const skippedKeys: string[] = [];
  let keyDer: Uint8Array | undefined;
  for (let rest = keyPem; keyDer === undefined;) {
    const { block, rest: next } = decodePem(rest);
    if (block === undefined) {
      if (skippedKeys.length === 0) fail('tls: failed to find any PEM data in key input');
      if (skippedKeys.length === 1 && skippedKeys[0] === 'CERTIFICATE') {
        fail('tls: found a certificate rather than a key in the PEM for the private key');
      }
      fail(
        `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${goList(skippedKeys)}`,
      );
    }
    if (block.type === 'PRIVATE KEY' || block.type.endsWith(' PRIVATE KEY')) keyDer = block.bytes;
    else skippedKeys.push(block.type);
    rest = next;
  }

  const leaf = parseOneCertificate(certificates[0]!);
  const privateKey = parsePrivateKey(keyDer);
  const publicKey = leaf.publicKey;
  switch (publicKey?.kind) {
    case 'rsa':
      if (privateKey.kind !== 'rsa') fail('tls: private key type does not match public key type');
      if (publicKey.n !== privateKey.n) fail('tls: private key does not match public key');
      break;
    case 'ecdsa':
      if (privateKey.kind !== 'ecdsa') fail('tls: private key type does not match public key type');
      if (publicKey.x !== privateKey.x || publicKey.y !== privateKey.y) {
        fail('tls: private key does not match public key');
      }
      break;
    case 'ed25519':
      if (privateKey.kind !== 'ed25519') fail('tls: private key type does not match public key type');
      if (Buffer.compare(Buffer.from(privateKey.key.subarray(32)), Buffer.from(publicKey.key)) !== 0) {
        fail('tls: private key does not match public key');
      }
      break;
    default:
      fail('tls: unknown public key algorithm');
  }
  return { certificates, privateKey, leaf };
}

/** keyPairJson is encoding/json's rendering of tls.Certificate. */
export function keyPairJson(pair: KeyPair): RegoValue {
  return {
    Certificate: pair.certificates.map(base64),
    PrivateKey: privateKeyJson(pair.privateKey),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateJson(pair.leaf, false),
  };
}

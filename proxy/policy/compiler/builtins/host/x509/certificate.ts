/*
 * crypto/x509's ParseCertificates (Go 1.24, parser.go): the DER walk with cryptobyte's strictness and Go's error
 * messages, into the fields of x509.Certificate.
 */

import type { GoUrl } from '../go-url.js';
import type { AsnTime } from './asn1-time.js';
import { contextSpecific, DerReader, rightAlign, TAG } from './der.js';
import { processExtensions } from './extensions.js';
import { type AttributeTypeAndValue, fillName, type Name, type Oid, oidText, parseAsn1String } from './names.js';
import { parsePublicKey, PUBLIC_KEY_ALGORITHM, publicKeyAlgorithm, type PublicKey } from './public-key.js';
import { signatureAlgorithm } from './signature.js';
import { fail, X509Error } from './x509-error.js';

/** Extension is pkix.Extension. */
export interface Extension {
  readonly id: Oid;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** IpNet is net.IPNet from a name constraint: an address and a mask of the same length. */
export interface IpNet {
  readonly ip: Uint8Array;
  readonly mask: Uint8Array;
}

/** Certificate is x509.Certificate; lists are null where Go leaves a nil slice (JSON null). */
export interface Certificate {
  raw: Uint8Array;
  rawTbsCertificate: Uint8Array;
  rawSubjectPublicKeyInfo: Uint8Array;
  rawSubject: Uint8Array;
  rawIssuer: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: number;
  publicKeyAlgorithm: number;
  publicKey: PublicKey | undefined;
  version: bigint;
  serialNumber: bigint;
  issuer: Name;
  subject: Name;
  notBefore: AsnTime;
  notAfter: AsnTime;
  keyUsage: number;
  extensions: Extension[] | null;
  unhandledCriticalExtensions: Oid[] | null;
  extKeyUsage: number[] | null;
  unknownExtKeyUsage: Oid[] | null;
  basicConstraintsValid: boolean;
  isCA: boolean;
  maxPathLen: bigint;
  maxPathLenZero: boolean;
  subjectKeyId: Uint8Array | null;
  authorityKeyId: Uint8Array | null;
  ocspServer: Uint8Array[] | null;
  issuingCertificateUrl: Uint8Array[] | null;
  dnsNames: string[] | null;
  emailAddresses: string[] | null;
  ipAddresses: Uint8Array[] | null;
  uris: GoUrl[] | null;
  permittedDnsDomainsCritical: boolean;
  permittedDnsDomains: string[] | null;
  excludedDnsDomains: string[] | null;
  permittedIpRanges: IpNet[] | null;
  excludedIpRanges: IpNet[] | null;
  permittedEmailAddresses: string[] | null;
  excludedEmailAddresses: string[] | null;
  permittedUriDomains: string[] | null;
  excludedUriDomains: string[] | null;
  crlDistributionPoints: Uint8Array[] | null;
  policyIdentifiers: Oid[] | null;
  /** x509.OID values: their DER arcs. */
  policies: Uint8Array[] | null;
  inhibitAnyPolicy: bigint;
  inhibitAnyPolicyZero: boolean;
  inhibitPolicyMapping: bigint;
  inhibitPolicyMappingZero: boolean;
  requireExplicitPolicy: bigint;
  requireExplicitPolicyZero: boolean;
  policyMappings: { readonly issuerDomainPolicy: Uint8Array; readonly subjectDomainPolicy: Uint8Array }[] | null;
}

/** parseName is crypto/x509's parseName: an RDNSequence of string-valued attributes. */
export function parseName(raw: Uint8Array): AttributeTypeAndValue[][] {
  const sequence = new DerReader(raw).readReader(TAG.SEQUENCE) ?? fail('x509: invalid RDNSequence');
  const rdns: AttributeTypeAndValue[][] = [];
  while (!sequence.empty()) {
    const set = sequence.readReader(TAG.SET) ?? fail('x509: invalid RDNSequence');
    const rdn: AttributeTypeAndValue[] = [];
    while (!set.empty()) {
      const atav = set.readReader(TAG.SEQUENCE) ?? fail('x509: invalid RDNSequence: invalid attribute');
      const type = atav.readObjectIdentifier() ?? fail('x509: invalid RDNSequence: invalid attribute type');
      const value = atav.readAnyElement() ?? fail('x509: invalid RDNSequence: invalid attribute value');
      try {
        rdn.push({ type, value: parseAsn1String(value.tag, value.content) });
      } catch (error) {
        if (!(error instanceof X509Error)) throw error;
        fail(`x509: invalid RDNSequence: invalid attribute value: ${error.message}`);
      }
    }
    rdns.push(rdn);
  }
  return rdns;
}

/** parseAlgorithmIdentifier is parseAI: the OID and the parameters element, if any. */
function parseAlgorithmIdentifier(content: Uint8Array): { algorithm: Oid; parameters: Uint8Array | undefined } {
  const der = new DerReader(content);
  const algorithm = der.readObjectIdentifier() ?? fail('x509: malformed OID');
  if (der.empty()) return { algorithm, parameters: undefined };
  const parameters = der.readAnyElement() ?? fail('x509: malformed parameters');
  return { algorithm, parameters: parameters.full };
}

function parseTime(der: DerReader): AsnTime {
  if (der.peek(TAG.UTCTime)) return der.readUtcTime() ?? fail('x509: malformed UTCTime');
  if (der.peek(TAG.GeneralizedTime)) return der.readGeneralizedTime() ?? fail('x509: malformed GeneralizedTime');
  return fail('x509: unsupported time format');
}

function parseExtension(content: Uint8Array): Extension {
  const der = new DerReader(content);
  const id = der.readObjectIdentifier() ?? fail('x509: malformed extension OID field');
  let critical = false;
  if (der.peek(TAG.BOOLEAN)) critical = der.readBoolean() ?? fail('x509: malformed extension critical field');
  const value = der.read(TAG.OCTET_STRING) ?? fail('x509: malformed extension value field');
  return { id, critical, value };
}

const INT64_MAX = (1n << 63n) - 1n;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * parseCertificate is crypto/x509's parseCertificate: one certificate from the front of `der`.
 *
 * @throws {X509Error} with Go's message.
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const input = new DerReader(der);
  const raw = input.readElement(TAG.SEQUENCE) ?? fail('x509: malformed certificate');
  const certificate = new DerReader(raw).readReader(TAG.SEQUENCE) ?? fail('x509: malformed certificate');

  const rawTbsCertificate = certificate.readElement(TAG.SEQUENCE) ?? fail('x509: malformed tbs certificate');
  const tbs = new DerReader(rawTbsCertificate).readReader(TAG.SEQUENCE) ?? fail('x509: malformed tbs certificate');

  let version = 0n;
  if (tbs.peek(contextSpecific(0, true))) {
    const versionField = tbs.readReader(contextSpecific(0, true));
    const parsed = versionField?.readInt64();
    if (parsed === undefined || !versionField!.empty()) fail('x509: malformed version');
    version = parsed!;
  }
  if (version < 0n) fail('x509: malformed version');
  // Go counts versions from 1, as the X.509 standards name them, incrementing an int64 (which can wrap).
  const displayVersion = version === INT64_MAX ? -INT64_MAX - 1n : version + 1n;
  if (displayVersion > 3n) fail('x509: invalid version');

  const serialNumber = tbs.readBigInteger() ?? fail('x509: malformed serial number');
  if (serialNumber < 0n) fail('x509: negative serial number');

  const innerAlgorithm = tbs.read(TAG.SEQUENCE) ?? fail('x509: malformed signature algorithm identifier');
  const outerAlgorithm = certificate.read(TAG.SEQUENCE) ?? fail('x509: malformed algorithm identifier');
  if (!sameBytes(innerAlgorithm, outerAlgorithm)) {
    fail("x509: inner and outer signature algorithm identifiers don't match");
  }
  const signatureAi = parseAlgorithmIdentifier(innerAlgorithm);

  const rawIssuer = tbs.readElement(TAG.SEQUENCE) ?? fail('x509: malformed issuer');
  const issuer = fillName(parseName(rawIssuer));

  const validity = tbs.readReader(TAG.SEQUENCE) ?? fail('x509: malformed validity');
  const notBefore = parseTime(validity);
  const notAfter = parseTime(validity);

  const rawSubject = tbs.readElement(TAG.SEQUENCE) ?? fail('x509: malformed issuer');
  const subject = fillName(parseName(rawSubject));

  const rawSubjectPublicKeyInfo = tbs.readElement(TAG.SEQUENCE) ?? fail('x509: malformed spki');
  const spki = new DerReader(rawSubjectPublicKeyInfo).readReader(TAG.SEQUENCE) ?? fail('x509: malformed spki');
  const keyAlgorithm = spki.read(TAG.SEQUENCE) ?? fail('x509: malformed public key algorithm identifier');
  const keyAi = parseAlgorithmIdentifier(keyAlgorithm);
  const algorithm = publicKeyAlgorithm(keyAi.algorithm);
  const keyBits = spki.readBitString() ?? fail('x509: malformed subjectPublicKey');
  let publicKey: PublicKey | undefined;
  if (algorithm !== PUBLIC_KEY_ALGORITHM.UNKNOWN)
    publicKey = parsePublicKey(keyAi.algorithm, keyAi.parameters, keyBits);

  const cert: Certificate = {
    raw,
    rawTbsCertificate,
    rawSubjectPublicKeyInfo,
    rawSubject,
    rawIssuer,
    signature: new Uint8Array(0),
    signatureAlgorithm: signatureAlgorithm(signatureAi.algorithm, signatureAi.parameters),
    publicKeyAlgorithm: algorithm,
    publicKey,
    version: displayVersion,
    serialNumber,
    issuer,
    subject,
    notBefore,
    notAfter,
    keyUsage: 0,
    extensions: null,
    unhandledCriticalExtensions: null,
    extKeyUsage: null,
    unknownExtKeyUsage: null,
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: 0n,
    maxPathLenZero: false,
    subjectKeyId: null,
    authorityKeyId: null,
    ocspServer: null,
    issuingCertificateUrl: null,
    dnsNames: null,
    emailAddresses: null,
    ipAddresses: null,
    uris: null,
    permittedDnsDomainsCritical: false,
    permittedDnsDomains: null,
    excludedDnsDomains: null,
    permittedIpRanges: null,
    excludedIpRanges: null,
    permittedEmailAddresses: null,
    excludedEmailAddresses: null,
    permittedUriDomains: null,
    excludedUriDomains: null,
    crlDistributionPoints: null,
    policyIdentifiers: null,
    policies: null,
    inhibitAnyPolicy: 0n,
    inhibitAnyPolicyZero: false,
    inhibitPolicyMapping: 0n,
    inhibitPolicyMappingZero: false,
    requireExplicitPolicy: 0n,
    requireExplicitPolicyZero: false,
    policyMappings: null,
  };

  if (displayVersion > 1n) {
    if (!tbs.skipOptional(contextSpecific(1))) fail('x509: malformed issuerUniqueID');
    if (!tbs.skipOptional(contextSpecific(2))) fail('x509: malformed subjectUniqueID');
    if (displayVersion === 3n) {
      const extensionsField = tbs.readOptional(contextSpecific(3, true));
      if (extensionsField === undefined) fail('x509: malformed extensions');
      if (extensionsField !== null) {
        const extensions =
          new DerReader(extensionsField!).readReader(TAG.SEQUENCE) ?? fail('x509: malformed extensions');
        const seen = new Set<string>();
        while (!extensions.empty()) {
          const extension = parseExtension(extensions.read(TAG.SEQUENCE) ?? fail('x509: malformed extension'));
          const id = oidText(extension.id);
          if (seen.has(id)) fail(`x509: certificate contains duplicate extension with OID "${id}"`);
          seen.add(id);
          (cert.extensions ??= []).push(extension);
        }
        processExtensions(cert);
      }
    }
  }

  const signature = certificate.readBitString() ?? fail('x509: malformed signature');
  cert.signature = rightAlign(signature);
  return cert;
}

/**
 * parseCertificates is crypto/x509's ParseCertificates: certificates concatenated with no padding.
 *
 * @throws {X509Error} with Go's message.
 */
export function parseCertificates(der: Uint8Array): Certificate[] {
  const certificates: Certificate[] = [];
  let rest = der;
  while (rest.length > 0) {
    const certificate = parseCertificate(rest);
    certificates.push(certificate);
    rest = rest.subarray(certificate.raw.length);
  }
  return certificates;
}

/** parseOneCertificate is crypto/x509's ParseCertificate: exactly one certificate. */
export function parseOneCertificate(der: Uint8Array): Certificate {
  const certificate = parseCertificate(der);
  if (certificate.raw.length !== der.length) fail('x509: trailing data');
  return certificate;
}

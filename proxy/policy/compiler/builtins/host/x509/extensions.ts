/*
 * crypto/x509's processExtensions (Go 1.24): the standard extensions read into the Certificate's fields, unknown
 * critical ones listed in UnhandledCriticalExtensions; and the subject alternative names, which certificate
 * requests read the same way.
 */

import { parseIP } from '../go-net.js';
import { type GoUrl, GoUrlError, parseUrl } from '../go-url.js';
import type { Certificate, Extension, IpNet } from './certificate.js';
import { bitAt, contextSpecific, DerReader, TAG } from './der.js';
import { domainToReverseLabels, parseRfc2821Mailbox } from './domains.js';
import { fail } from './x509-error.js';
import { quoteBytes } from '../bytes.js';
import { ia5Error, isIa5, type Oid, oidDerArcs, sameOid, validOidDer } from './names.js';

/** ExtKeyUsage numbers, as x509.ExtKeyUsage, by OID. */
export const EXT_KEY_USAGE = {
  ANY: 0,
  SERVER_AUTH: 1,
  CLIENT_AUTH: 2,
  CODE_SIGNING: 3,
  EMAIL_PROTECTION: 4,
  IPSEC_END_SYSTEM: 5,
  IPSEC_TUNNEL: 6,
  IPSEC_USER: 7,
  TIME_STAMPING: 8,
  OCSP_SIGNING: 9,
  MICROSOFT_SERVER_GATED_CRYPTO: 10,
  NETSCAPE_SERVER_GATED_CRYPTO: 11,
  MICROSOFT_COMMERCIAL_CODE_SIGNING: 12,
  MICROSOFT_KERNEL_CODE_SIGNING: 13,
} as const;

const EXT_KEY_USAGE_OIDS: readonly (readonly [Oid, number])[] = [
  [[2, 5, 29, 37, 0], EXT_KEY_USAGE.ANY],
  [[1, 3, 6, 1, 5, 5, 7, 3, 1], EXT_KEY_USAGE.SERVER_AUTH],
  [[1, 3, 6, 1, 5, 5, 7, 3, 2], EXT_KEY_USAGE.CLIENT_AUTH],
  [[1, 3, 6, 1, 5, 5, 7, 3, 3], EXT_KEY_USAGE.CODE_SIGNING],
  [[1, 3, 6, 1, 5, 5, 7, 3, 4], EXT_KEY_USAGE.EMAIL_PROTECTION],
  [[1, 3, 6, 1, 5, 5, 7, 3, 5], EXT_KEY_USAGE.IPSEC_END_SYSTEM],
  [[1, 3, 6, 1, 5, 5, 7, 3, 6], EXT_KEY_USAGE.IPSEC_TUNNEL],
  [[1, 3, 6, 1, 5, 5, 7, 3, 7], EXT_KEY_USAGE.IPSEC_USER],
  [[1, 3, 6, 1, 5, 5, 7, 3, 8], EXT_KEY_USAGE.TIME_STAMPING],
  [[1, 3, 6, 1, 5, 5, 7, 3, 9], EXT_KEY_USAGE.OCSP_SIGNING],
  [[1, 3, 6, 1, 4, 1, 311, 10, 3, 3], EXT_KEY_USAGE.MICROSOFT_SERVER_GATED_CRYPTO],
  [[2, 16, 840, 1, 113730, 4, 1], EXT_KEY_USAGE.NETSCAPE_SERVER_GATED_CRYPTO],
  [[1, 3, 6, 1, 4, 1, 311, 2, 1, 22], EXT_KEY_USAGE.MICROSOFT_COMMERCIAL_CODE_SIGNING],
  [[1, 3, 6, 1, 4, 1, 311, 61, 1, 1], EXT_KEY_USAGE.MICROSOFT_KERNEL_CODE_SIGNING],
];

const OID_AUTHORITY_INFO_ACCESS: Oid = [1, 3, 6, 1, 5, 5, 7, 1, 1];
const OID_OCSP: Oid = [1, 3, 6, 1, 5, 5, 7, 48, 1];
const OID_CA_ISSUERS: Oid = [1, 3, 6, 1, 5, 5, 7, 48, 2];

/** SAN general-name types (context-specific tag numbers). */
export const NAME_TYPE = { EMAIL: 1, DNS: 2, URI: 6, IP: 7 } as const;

const INT64_MAX = (1n << 63n) - 1n;

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** forEachSan is forEachSAN: each general name's type (its tag without the context-specific bit) and contents. */
export function forEachSan(value: Uint8Array, callback: (type: number, data: Uint8Array) => void): void {
  const names = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid subject alternative names');
  while (!names.empty()) {
    const name = names.readAnyElement() ?? fail('x509: invalid subject alternative name');
    callback(name.tag ^ 0x80, name.content);
  }
}

/** SubjectAltNames are the four kinds of names x509 keeps from a SAN extension; null where none. */
export interface SubjectAltNames {
  dnsNames: string[] | null;
  emailAddresses: string[] | null;
  ipAddresses: Uint8Array[] | null;
  uris: GoUrl[] | null;
}

/** parseSanExtension is parseSANExtension. */
export function parseSanExtension(value: Uint8Array): SubjectAltNames {
  const names: SubjectAltNames = { dnsNames: null, emailAddresses: null, ipAddresses: null, uris: null };
  forEachSan(value, (type, data) => {
    switch (type) {
      case NAME_TYPE.EMAIL:
        if (!isIa5(data)) fail('x509: SAN rfc822Name is malformed');
        (names.emailAddresses ??= []).push(latin1(data));
        break;
      case NAME_TYPE.DNS:
        if (!isIa5(data)) fail('x509: SAN dNSName is malformed');
        (names.dnsNames ??= []).push(latin1(data));
        break;
      case NAME_TYPE.URI: {
        if (!isIa5(data)) fail('x509: SAN uniformResourceIdentifier is malformed');
        const text = latin1(data);
        let uri: GoUrl;
        try {
          uri = parseUrl(text);
        } catch (error) {
          if (!(error instanceof GoUrlError)) throw error;
          return fail(`x509: cannot parse URI ${quoteBytes(data)}: ${error.message}`);
        }
        if (uri.host.length > 0 && domainToReverseLabels(uri.host) === undefined) {
          fail(`x509: cannot parse URI ${quoteBytes(data)}: invalid domain`);
        }
        (names.uris ??= []).push(uri);
        break;
      }
      case NAME_TYPE.IP:
        if (data.length !== 4 && data.length !== 16) fail(`x509: cannot parse IP address of length ${data.length}`);
        (names.ipAddresses ??= []).push(data);
        break;
    }
  });
  return names;
}

function parseKeyUsage(value: Uint8Array): number {
  const bits = new DerReader(value).readBitString() ?? fail('x509: invalid key usage');
  let usage = 0;
  for (let i = 0; i < 9; i++) if (bitAt(bits, i) !== 0) usage |= 1 << i;
  return usage;
}

function parseBasicConstraints(value: Uint8Array): { isCA: boolean; maxPathLen: bigint } {
  const der = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid basic constraints');
  let isCA = false;
  if (der.peek(TAG.BOOLEAN)) isCA = der.readBoolean() ?? fail('x509: invalid basic constraints');
  let maxPathLen = -1n;
  if (der.peek(TAG.INTEGER)) {
    const parsed = der.readUint64();
    if (parsed === undefined || parsed > INT64_MAX) fail('x509: invalid basic constraints');
    maxPathLen = parsed!;
  }
  return { isCA, maxPathLen };
}

/** isValidIpMask: zero or more one bits, then zero bits. */
function isValidIpMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const b of mask) {
    if (seenZero) {
      if (b !== 0) return false;
      continue;
    }
    if ([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(b)) seenZero = true;
    else if (b !== 0xff) return false;
  }
  return true;
}

interface Subtrees {
  dns: string[] | null;
  ips: IpNet[] | null;
  emails: string[] | null;
  uriDomains: string[] | null;
  unhandled: boolean;
}

function constraintSubtrees(subtrees: Uint8Array | null): Subtrees {
  const out: Subtrees = { dns: null, ips: null, emails: null, uriDomains: null, unhandled: false };
  const der = new DerReader(subtrees ?? new Uint8Array(0));
  const trimmedLabels = (domain: string) => domainToReverseLabels(domain.startsWith('.') ? domain.slice(1) : domain);
  while (!der.empty()) {
    const subtree = der.readReader(TAG.SEQUENCE);
    const base = subtree?.readAnyElement();
    if (base === undefined) fail('x509: invalid NameConstraints extension');
    const value = base!.content;
    switch (base!.tag) {
      case contextSpecific(NAME_TYPE.DNS): {
        if (!isIa5(value)) fail(`x509: invalid constraint value: ${ia5Error(value)}`);
        const domain = latin1(value);
        if (trimmedLabels(domain) === undefined) fail(`x509: failed to parse dnsName constraint ${quoteBytes(value)}`);
        (out.dns ??= []).push(domain);
        break;
      }
      case contextSpecific(NAME_TYPE.IP): {
        if (value.length !== 8 && value.length !== 32) {
          fail(`x509: IP constraint contained value of length ${value.length}`);
        }
        const half = value.length / 2;
        const mask = value.subarray(half);
        if (!isValidIpMask(mask)) {
          fail(`x509: IP constraint contained invalid mask ${Buffer.from(mask).toString('hex')}`);
        }
        (out.ips ??= []).push({ ip: value.subarray(0, half), mask });
        break;
      }
      case contextSpecific(NAME_TYPE.EMAIL): {
        if (!isIa5(value)) fail(`x509: invalid constraint value: ${ia5Error(value)}`);
        const constraint = latin1(value);
        // With an "@" the constraint is one mailbox; otherwise a domain.
        const valid = constraint.includes('@')
          ? parseRfc2821Mailbox(constraint) !== undefined
          : trimmedLabels(constraint) !== undefined;
        if (!valid) fail(`x509: failed to parse rfc822Name constraint ${quoteBytes(value)}`);
        (out.emails ??= []).push(constraint);
        break;
      }
      case contextSpecific(NAME_TYPE.URI): {
        if (!isIa5(value)) fail(`x509: invalid constraint value: ${ia5Error(value)}`);
        const domain = latin1(value);
        if (parseIP(domain) !== undefined) {
          fail(`x509: failed to parse URI constraint ${quoteBytes(value)}: cannot be IP address`);
        }
        if (trimmedLabels(domain) === undefined) fail(`x509: failed to parse URI constraint ${quoteBytes(value)}`);
        (out.uriDomains ??= []).push(domain);
        break;
      }
      default:
        out.unhandled = true;
    }
  }
  return out;
}

function parseNameConstraints(cert: Certificate, extension: Extension): boolean {
  const outer = new DerReader(extension.value);
  const top = outer.readReader(TAG.SEQUENCE);
  const permitted = top?.readOptional(contextSpecific(0, true));
  const excluded = permitted === undefined ? undefined : top?.readOptional(contextSpecific(1, true));
  if (top === undefined || !outer.empty() || permitted === undefined || excluded === undefined || !top.empty()) {
    fail('x509: invalid NameConstraints extension');
  }
  // RFC 5280, 4.2.1.10: either the permitted or the excluded subtrees must be present.
  if ((permitted === null && excluded === null) || ((permitted?.length ?? 0) === 0 && (excluded?.length ?? 0) === 0)) {
    fail('x509: empty name constraints extension');
  }
  const allowed = constraintSubtrees(permitted ?? null);
  const denied = constraintSubtrees(excluded ?? null);
  cert.permittedDnsDomains = allowed.dns;
  cert.permittedIpRanges = allowed.ips;
  cert.permittedEmailAddresses = allowed.emails;
  cert.permittedUriDomains = allowed.uriDomains;
  cert.excludedDnsDomains = denied.dns;
  cert.excludedIpRanges = denied.ips;
  cert.excludedEmailAddresses = denied.emails;
  cert.excludedUriDomains = denied.uriDomains;
  cert.permittedDnsDomainsCritical = extension.critical;
  return allowed.unhandled || denied.unhandled;
}

function parseCrlDistributionPoints(cert: Certificate, value: Uint8Array): void {
  const points = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid CRL distribution points');
  while (!points.empty()) {
    const point = points.readReader(TAG.SEQUENCE) ?? fail('x509: invalid CRL distribution point');
    const name = point.readOptional(contextSpecific(0, true));
    if (name === undefined) fail('x509: invalid CRL distribution point');
    if (name === null) continue;
    const fullName =
      new DerReader(name!).readReader(contextSpecific(0, true)) ?? fail('x509: invalid CRL distribution point');
    while (!fullName.empty() && fullName.peek(contextSpecific(NAME_TYPE.URI))) {
      const uri = fullName.read(contextSpecific(NAME_TYPE.URI)) ?? fail('x509: invalid CRL distribution point');
      (cert.crlDistributionPoints ??= []).push(uri);
    }
  }
}

function parseAuthorityKeyId(extension: Extension): Uint8Array | null {
  if (extension.critical) fail('x509: authority key identifier incorrectly marked critical');
  const id = new DerReader(extension.value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid authority key identifier');
  if (!id.peek(contextSpecific(0))) return null;
  return id.read(contextSpecific(0)) ?? fail('x509: invalid authority key identifier');
}

function parsePolicyConstraints(cert: Certificate, value: Uint8Array): void {
  const der = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid policy constraints extension');
  if (der.peek(contextSpecific(0))) {
    cert.requireExplicitPolicy =
      der.readInt64(contextSpecific(0)) ?? fail('x509: invalid policy constraints extension');
    cert.requireExplicitPolicyZero = cert.requireExplicitPolicy === 0n;
  }
  if (der.peek(contextSpecific(1))) {
    cert.inhibitPolicyMapping = der.readInt64(contextSpecific(1)) ?? fail('x509: invalid policy constraints extension');
    cert.inhibitPolicyMappingZero = cert.inhibitPolicyMapping === 0n;
  }
}

function parseExtKeyUsage(cert: Certificate, value: Uint8Array): void {
  const der = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid extended key usages');
  let known: number[] | null = null;
  let unknown: Oid[] | null = null;
  while (!der.empty()) {
    const oid = der.readObjectIdentifier() ?? fail('x509: invalid extended key usages');
    const usage = EXT_KEY_USAGE_OIDS.find(([candidate]) => sameOid(candidate, oid));
    if (usage !== undefined) (known ??= []).push(usage[1]);
    else (unknown ??= []).push(oid);
  }
  cert.extKeyUsage = known;
  cert.unknownExtKeyUsage = unknown;
}

function parseCertificatePolicies(cert: Certificate, value: Uint8Array): void {
  const der = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid certificate policies');
  const policies: Uint8Array[] = [];
  const seen = new Set<string>();
  while (!der.empty()) {
    const oid = der.readReader(TAG.SEQUENCE)?.read(TAG.OBJECT_IDENTIFIER);
    if (oid === undefined) fail('x509: invalid certificate policies');
    const key = Buffer.from(oid!).toString('hex');
    if (seen.has(key) || !validOidDer(oid!)) fail('x509: invalid certificate policies');
    seen.add(key);
    policies.push(oid!);
  }
  cert.policies = policies.length === 0 ? null : policies;
  // PolicyIdentifiers is made non-nil (JSON []) whenever the extension is present.
  cert.policyIdentifiers = policies.map(oidDerArcs).filter((arcs) => arcs !== undefined);
}

function parsePolicyMappings(cert: Certificate, value: Uint8Array): void {
  const der = new DerReader(value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid policy mappings extension');
  while (!der.empty()) {
    const mapping = der.readReader(TAG.SEQUENCE);
    const issuerDomainPolicy = mapping?.read(TAG.OBJECT_IDENTIFIER);
    const subjectDomainPolicy = issuerDomainPolicy === undefined ? undefined : mapping?.read(TAG.OBJECT_IDENTIFIER);
    if (issuerDomainPolicy === undefined || subjectDomainPolicy === undefined) {
      fail('x509: invalid policy mappings extension');
    }
    (cert.policyMappings ??= []).push({
      issuerDomainPolicy: issuerDomainPolicy!,
      subjectDomainPolicy: subjectDomainPolicy!,
    });
  }
}

function parseAuthorityInfoAccess(cert: Certificate, extension: Extension): void {
  if (extension.critical) fail('x509: authority info access incorrectly marked critical');
  const der = new DerReader(extension.value).readReader(TAG.SEQUENCE) ?? fail('x509: invalid authority info access');
  while (!der.empty()) {
    const access = der.readReader(TAG.SEQUENCE) ?? fail('x509: invalid authority info access');
    const method = access.readObjectIdentifier() ?? fail('x509: invalid authority info access');
    if (!access.peek(contextSpecific(NAME_TYPE.URI))) continue;
    const location = access.read(contextSpecific(NAME_TYPE.URI)) ?? fail('x509: invalid authority info access');
    if (sameOid(method, OID_OCSP)) (cert.ocspServer ??= []).push(location);
    else if (sameOid(method, OID_CA_ISSUERS)) (cert.issuingCertificateUrl ??= []).push(location);
  }
}

/** processStandardExtension handles one id-ce extension (2.5.29.n); it returns whether it was left unhandled. */
function processStandardExtension(cert: Certificate, extension: Extension, n: number): boolean {
  const value = extension.value;
  switch (n) {
    case 15:
      cert.keyUsage = parseKeyUsage(value);
      return false;
    case 19: {
      const constraints = parseBasicConstraints(value);
      cert.isCA = constraints.isCA;
      cert.maxPathLen = constraints.maxPathLen;
      cert.basicConstraintsValid = true;
      cert.maxPathLenZero = constraints.maxPathLen === 0n;
      return false;
    }
    case 17: {
      const names = parseSanExtension(value);
      Object.assign(cert, names);
      // A SAN extension with no name of these kinds counts as unhandled, for the criticality check.
      return (
        names.dnsNames === null && names.emailAddresses === null && names.ipAddresses === null && names.uris === null
      );
    }
    case 30:
      return parseNameConstraints(cert, extension);
    case 31:
      parseCrlDistributionPoints(cert, value);
      return false;
    case 35:
      cert.authorityKeyId = parseAuthorityKeyId(extension);
      return false;
    case 36:
      parsePolicyConstraints(cert, value);
      return false;
    case 37:
      parseExtKeyUsage(cert, value);
      return false;
    case 14: {
      if (extension.critical) fail('x509: subject key identifier incorrectly marked critical');
      cert.subjectKeyId = new DerReader(value).read(TAG.OCTET_STRING) ?? fail('x509: invalid subject key identifier');
      return false;
    }
    case 32:
      parseCertificatePolicies(cert, value);
      return false;
    case 33:
      parsePolicyMappings(cert, value);
      return false;
    case 54:
      cert.inhibitAnyPolicy = new DerReader(value).readInt64() ?? fail('x509: invalid inhibit any policy extension');
      cert.inhibitAnyPolicyZero = cert.inhibitAnyPolicy === 0n;
      return false;
  }
  return true;
}

/**
 * processExtensions fills a certificate's fields from its extensions, in order.
 *
 * @throws {X509Error} with Go's message.
 */
export function processExtensions(cert: Certificate): void {
  for (const extension of cert.extensions ?? []) {
    const id = extension.id;
    let unhandled: boolean;
    if (id.length === 4 && id[0] === 2 && id[1] === 5 && id[2] === 29) {
      unhandled = processStandardExtension(cert, extension, id[3]!);
    } else if (sameOid(id, OID_AUTHORITY_INFO_ACCESS)) {
      parseAuthorityInfoAccess(cert, extension);
      unhandled = false;
    } else {
      unhandled = true;
    }
    if (extension.critical && unhandled) (cert.unhandledCriticalExtensions ??= []).push(id);
  }
}

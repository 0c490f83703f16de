/*
 * How encoding/json writes crypto/x509's structures (Go 1.24), field for field, as OPA returns them: exported
 * fields by name, []byte as base64, nil slices as null, *big.Int as exact numbers, time.Time as RFC 3339, net.IP
 * as text, x509.OID as dotted text, url.URL as its fields (Userinfo's are unexported: {}). ExtraExtensions (only
 * ever set by callers building certificates) is always null.
 */

import { goString } from '../bytes.js';
import { ipString } from '../go-net.js';
import { fromByteString, type GoUrl, urlString } from '../go-url.js';
import type { RegoValue } from '../value.js';
import { timeJson } from './asn1-time.js';
import type { Certificate, Extension, IpNet } from './certificate.js';
import { type AttributeTypeAndValue, type AttributeValue, type Name, type Oid, oidDerText } from './names.js';
import { base64, goInt, publicKeyJson } from './public-key.js';

const list = <T>(items: readonly T[] | null, write: (item: T) => RegoValue): RegoValue =>
  items === null ? null : items.map(write);

const bytesJson = (bytes: Uint8Array | null): RegoValue => (bytes === null ? null : base64(bytes));

const oidJson = (oid: Oid): RegoValue => [...oid];

/** byteStringJson writes a Go string held as bytes (one character per byte), as encoding/json coerces it. */
const byteStringJson = (s: string): RegoValue => fromByteString(s);

function attributeValueJson(value: AttributeValue): RegoValue {
  if (value === null || typeof value === 'string' || typeof value === 'bigint') return value;
  if (value instanceof Uint8Array) return base64(value);
  if (Array.isArray(value)) return [...(value as Oid)];
  const bits = value as { readonly bitString: Uint8Array; readonly bitLength: number };
  return { Bytes: base64(bits.bitString), BitLength: bits.bitLength };
}

/** attributeJson is pkix.AttributeTypeAndValue. */
export const attributeJson = (attribute: AttributeTypeAndValue): RegoValue => ({
  Type: oidJson(attribute.type),
  Value: attributeValueJson(attribute.value),
});

/** nameJson is pkix.Name. */
export function nameJson(name: Name): RegoValue {
  const strings = (items: string[] | null) => list(items, (s) => s);
  return {
    Country: strings(name.country),
    Organization: strings(name.organization),
    OrganizationalUnit: strings(name.organizationalUnit),
    Locality: strings(name.locality),
    Province: strings(name.province),
    StreetAddress: strings(name.streetAddress),
    PostalCode: strings(name.postalCode),
    SerialNumber: name.serialNumber,
    CommonName: name.commonName,
    Names: list(name.names, attributeJson),
    ExtraNames: null,
  };
}

/** extensionJson is pkix.Extension. */
export const extensionJson = (extension: Extension): RegoValue => ({
  Id: oidJson(extension.id),
  Critical: extension.critical,
  Value: base64(extension.value),
});

/** urlJson is url.URL. */
export const urlJson = (url: GoUrl): RegoValue => ({
  Scheme: byteStringJson(url.scheme),
  Opaque: byteStringJson(url.opaque),
  User: url.user === undefined ? null : {},
  Host: byteStringJson(url.host),
  Path: byteStringJson(url.path),
  RawPath: byteStringJson(url.rawPath),
  OmitHost: url.omitHost,
  ForceQuery: url.forceQuery,
  RawQuery: byteStringJson(url.rawQuery),
  Fragment: byteStringJson(url.fragment),
  RawFragment: byteStringJson(url.rawFragment),
});

/** uriStrings is OPA's URIStrings: each URI's String(), or null when the certificate has none. */
export const uriStrings = (uris: GoUrl[] | null): RegoValue => list(uris, (uri) => byteStringJson(urlString(uri)));

const ipNetJson = (network: IpNet): RegoValue => ({ IP: ipString(network.ip), Mask: base64(network.mask) });

const textBytes = (bytes: Uint8Array): RegoValue => goString(bytes);

/** certificateJson is x509.Certificate; OPA adds URIStrings where it wraps certificates in extendedCert. */
export function certificateJson(cert: Certificate, withUriStrings: boolean): RegoValue {
  const json: Record<string, RegoValue> = {
    Raw: base64(cert.raw),
    RawTBSCertificate: base64(cert.rawTbsCertificate),
    RawSubjectPublicKeyInfo: base64(cert.rawSubjectPublicKeyInfo),
    RawSubject: base64(cert.rawSubject),
    RawIssuer: base64(cert.rawIssuer),
    Signature: base64(cert.signature),
    SignatureAlgorithm: cert.signatureAlgorithm,
    PublicKeyAlgorithm: cert.publicKeyAlgorithm,
    PublicKey: publicKeyJson(cert.publicKey),
    Version: goInt(cert.version),
    SerialNumber: cert.serialNumber,
    Issuer: nameJson(cert.issuer),
    Subject: nameJson(cert.subject),
    NotBefore: timeJson(cert.notBefore),
    NotAfter: timeJson(cert.notAfter),
    KeyUsage: cert.keyUsage,
    Extensions: list(cert.extensions, extensionJson),
    ExtraExtensions: null,
    UnhandledCriticalExtensions: list(cert.unhandledCriticalExtensions, oidJson),
    ExtKeyUsage: list(cert.extKeyUsage, (usage) => usage),
    UnknownExtKeyUsage: list(cert.unknownExtKeyUsage, oidJson),
    BasicConstraintsValid: cert.basicConstraintsValid,
    IsCA: cert.isCA,
    MaxPathLen: goInt(cert.maxPathLen),
    MaxPathLenZero: cert.maxPathLenZero,
    SubjectKeyId: bytesJson(cert.subjectKeyId),
    AuthorityKeyId: bytesJson(cert.authorityKeyId),
    OCSPServer: list(cert.ocspServer, textBytes),
    IssuingCertificateURL: list(cert.issuingCertificateUrl, textBytes),
    DNSNames: list(cert.dnsNames, byteStringJson),
    EmailAddresses: list(cert.emailAddresses, byteStringJson),
    IPAddresses: list(cert.ipAddresses, ipString),
    URIs: list(cert.uris, urlJson),
    PermittedDNSDomainsCritical: cert.permittedDnsDomainsCritical,
    PermittedDNSDomains: list(cert.permittedDnsDomains, byteStringJson),
    ExcludedDNSDomains: list(cert.excludedDnsDomains, byteStringJson),
    PermittedIPRanges: list(cert.permittedIpRanges, ipNetJson),
    ExcludedIPRanges: list(cert.excludedIpRanges, ipNetJson),
    PermittedEmailAddresses: list(cert.permittedEmailAddresses, byteStringJson),
    ExcludedEmailAddresses: list(cert.excludedEmailAddresses, byteStringJson),
    PermittedURIDomains: list(cert.permittedUriDomains, byteStringJson),
    ExcludedURIDomains: list(cert.excludedUriDomains, byteStringJson),
    CRLDistributionPoints: list(cert.crlDistributionPoints, textBytes),
    PolicyIdentifiers: list(cert.policyIdentifiers, oidJson),
    Policies: list(cert.policies, oidDerText),
    InhibitAnyPolicy: goInt(cert.inhibitAnyPolicy),
    InhibitAnyPolicyZero: cert.inhibitAnyPolicyZero,
    InhibitPolicyMapping: goInt(cert.inhibitPolicyMapping),
    InhibitPolicyMappingZero: cert.inhibitPolicyMappingZero,
    RequireExplicitPolicy: goInt(cert.requireExplicitPolicy),
    RequireExplicitPolicyZero: cert.requireExplicitPolicyZero,
    PolicyMappings: list(cert.policyMappings, (mapping) => ({
      IssuerDomainPolicy: oidDerText(mapping.issuerDomainPolicy),
      SubjectDomainPolicy: oidDerText(mapping.subjectDomainPolicy),
    })),
  };
  if (withUriStrings) json.URIStrings = uriStrings(cert.uris);
  return json;
}

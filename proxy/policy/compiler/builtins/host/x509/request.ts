/*
 * crypto/x509's ParseCertificateRequest (Go 1.24): PKCS #10 read with encoding/asn1 (hence its error texts), the
 * subject re-read as an RDNSequence of `any` values, the requested extensions (attribute 1.2.840.113549.1.9.14)
 * and the subject alternative names among them; and encoding/json's rendering of x509.CertificateRequest.
 */

import { ipString } from '../go-net.js';
import type { RegoValue } from '../value.js';
import type { Extension } from './certificate.js';
import { rightAlign } from './der.js';
import { parseSanExtension, type SubjectAltNames } from './extensions.js';
import {
  ANY,
  Asn1Error,
  BIT_STRING,
  BOOL,
  INT,
  OBJECT_IDENTIFIER,
  OCTETS,
  RAW_VALUE,
  type RawValue,
  sliceOf,
  struct,
  unmarshal,
} from './go-asn1.js';
import { attributeJson, extensionJson, nameJson, urlJson } from './json.js';
import { type AttributeTypeAndValue, fillName, type Name, type Oid, oidText, sameOid } from './names.js';
import {
  base64,
  goInt,
  parsePublicKey,
  PUBLIC_KEY_ALGORITHM,
  publicKeyAlgorithm,
  publicKeyJson,
  type PublicKey,
} from './public-key.js';
import { ALGORITHM_IDENTIFIER, signatureAlgorithm } from './signature.js';
import { fail } from './x509-error.js';

const OID_EXTENSION_REQUEST: Oid = [1, 2, 840, 113549, 1, 9, 14];
const OID_SUBJECT_ALT_NAME: Oid = [2, 5, 29, 17];

const PUBLIC_KEY_INFO = struct('publicKeyInfo', {
  algorithm: { schema: ALGORITHM_IDENTIFIER },
  publicKey: { schema: BIT_STRING },
});

const TBS_CERTIFICATE_REQUEST = struct('tbsCertificateRequest', {
  version: { schema: INT },
  subject: { schema: RAW_VALUE },
  publicKey: { schema: PUBLIC_KEY_INFO },
  rawAttributes: { schema: sliceOf(RAW_VALUE), params: { tag: 0 } },
});

const CERTIFICATE_REQUEST = struct('certificateRequest', {
  tbs: { schema: TBS_CERTIFICATE_REQUEST },
  signatureAlgorithm: { schema: ALGORITHM_IDENTIFIER },
  signatureValue: { schema: BIT_STRING },
});

const ATTRIBUTE_TYPE_AND_VALUE = struct('AttributeTypeAndValue', {
  type: { schema: OBJECT_IDENTIFIER },
  value: { schema: ANY },
});

const RDN_SEQUENCE = sliceOf(sliceOf(ATTRIBUTE_TYPE_AND_VALUE, 'RelativeDistinguishedNameSET'), 'RDNSequence');

const ATTRIBUTE_TYPE_AND_VALUE_SET = struct('AttributeTypeAndValueSET', {
  type: { schema: OBJECT_IDENTIFIER },
  value: { schema: sliceOf(sliceOf(ATTRIBUTE_TYPE_AND_VALUE)), params: { set: true } },
});

const PKCS10_ATTRIBUTE = struct('pkcs10Attribute', {
  id: { schema: OBJECT_IDENTIFIER },
  values: { schema: sliceOf(RAW_VALUE), params: { set: true } },
});

const EXTENSIONS = sliceOf(
  struct('Extension', {
    id: { schema: OBJECT_IDENTIFIER },
    critical: { schema: BOOL, params: { optional: true } },
    value: { schema: OCTETS },
  }),
);

/** AttributeSet is pkix.AttributeTypeAndValueSET. */
interface AttributeSet {
  readonly type: Oid;
  readonly value: AttributeTypeAndValue[][];
}

/** CertificateRequest is x509.CertificateRequest. */
export interface CertificateRequest extends SubjectAltNames {
  raw: Uint8Array;
  rawTbsCertificateRequest: Uint8Array;
  rawSubjectPublicKeyInfo: Uint8Array;
  rawSubject: Uint8Array;
  version: bigint;
  signature: Uint8Array;
  signatureAlgorithm: number;
  publicKeyAlgorithm: number;
  publicKey: PublicKey | undefined;
  subject: Name;
  attributes: AttributeSet[] | null;
  extensions: Extension[] | null;
}

const toAttribute = (atv: { type: number[] | undefined; value: AttributeTypeAndValue['value'] } | undefined) => ({
  type: atv?.type ?? [],
  value: atv?.value ?? null,
});

/** parseRawAttributes keeps the attributes that read as AttributeTypeAndValueSET, silently dropping the rest. */
function parseRawAttributes(raw: readonly (RawValue | undefined)[]): AttributeSet[] | null {
  let sets: AttributeSet[] | null = null;
  for (const attribute of raw) {
    try {
      const { value, rest } = unmarshal(ATTRIBUTE_TYPE_AND_VALUE_SET, attribute?.fullBytes ?? new Uint8Array(0));
      if (rest.length !== 0) continue;
      (sets ??= []).push({
        type: value?.type ?? [],
        value: (value?.value ?? []).map((set) => (set ?? []).map(toAttribute)),
      });
    } catch (error) {
      if (!(error instanceof Asn1Error)) throw error;
    }
  }
  return sets;
}

/** parseRequestExtensions is parseCSRExtensions: the extensions of every extensionRequest attribute. */
function parseRequestExtensions(raw: readonly (RawValue | undefined)[]): Extension[] | null {
  let extensions: Extension[] | null = null;
  const requested = new Set<string>();
  for (const attribute of raw) {
    let parsed;
    try {
      parsed = unmarshal(PKCS10_ATTRIBUTE, attribute?.fullBytes ?? new Uint8Array(0));
    } catch (error) {
      if (error instanceof Asn1Error) continue;
      throw error;
    }
    const values = parsed.value?.values ?? [];
    if (parsed.rest.length !== 0 || values.length === 0) continue;
    if (!sameOid(parsed.value?.id ?? [], OID_EXTENSION_REQUEST)) continue;
    const list = unmarshal(EXTENSIONS, values[0]?.fullBytes ?? new Uint8Array(0)).value ?? [];
    for (const extension of list) {
      const id = oidText(extension?.id ?? []);
      if (requested.has(id)) fail('x509: certificate request contains duplicate requested extensions');
      requested.add(id);
    }
    for (const extension of list) {
      (extensions ??= []).push({
        id: extension?.id ?? [],
        critical: extension?.critical ?? false,
        value: extension?.value ?? new Uint8Array(0),
      });
    }
  }
  return extensions;
}

/**
 * parseCertificateRequest is crypto/x509's ParseCertificateRequest.
 *
 * @throws {Asn1Error} for DER that encoding/asn1 rejects, {X509Error} for the rest, both with Go's message.
 */
export function parseCertificateRequest(der: Uint8Array): CertificateRequest {
  const { value: request, rest } = unmarshal(CERTIFICATE_REQUEST, der);
  if (rest.length !== 0) throw new Asn1Error('asn1: syntax error: trailing data');
  const tbs = request!.tbs!;
  const keyInfo = tbs.publicKey!;
  const keyAlgorithm = keyInfo.algorithm!;
  const rawAttributes = tbs.rawAttributes ?? [];
  const algorithm = publicKeyAlgorithm(keyAlgorithm.algorithm ?? []);
  const out: CertificateRequest = {
    raw: request!.raw,
    rawTbsCertificateRequest: tbs.raw,
    rawSubjectPublicKeyInfo: keyInfo.raw,
    rawSubject: tbs.subject!.fullBytes,
    version: tbs.version,
    signature: rightAlign(request!.signatureValue),
    signatureAlgorithm: signatureAlgorithm(
      request!.signatureAlgorithm!.algorithm ?? [],
      request!.signatureAlgorithm!.parameters?.fullBytes,
    ),
    publicKeyAlgorithm: algorithm,
    publicKey: undefined,
    subject: fillName([]),
    attributes: parseRawAttributes(rawAttributes),
    extensions: null,
    dnsNames: null,
    emailAddresses: null,
    ipAddresses: null,
    uris: null,
  };
  if (algorithm !== PUBLIC_KEY_ALGORITHM.UNKNOWN) {
    out.publicKey = parsePublicKey(keyAlgorithm.algorithm ?? [], keyAlgorithm.parameters?.fullBytes, keyInfo.publicKey);
  }
  const subject = unmarshal(RDN_SEQUENCE, out.rawSubject);
  if (subject.rest.length !== 0) fail('x509: trailing data after X.509 Subject');
  out.subject = fillName((subject.value ?? []).map((rdn) => (rdn ?? []).map(toAttribute)));
  out.extensions = parseRequestExtensions(rawAttributes);
  for (const extension of out.extensions ?? []) {
    if (sameOid(extension.id, OID_SUBJECT_ALT_NAME)) Object.assign(out, parseSanExtension(extension.value));
  }
  return out;
}

/** certificateRequestJson is encoding/json's rendering of x509.CertificateRequest. */
export function certificateRequestJson(request: CertificateRequest): RegoValue {
  const strings = (items: string[] | null) => (items === null ? null : items.map((s) => s));
  return {
    Raw: base64(request.raw),
    RawTBSCertificateRequest: base64(request.rawTbsCertificateRequest),
    RawSubjectPublicKeyInfo: base64(request.rawSubjectPublicKeyInfo),
    RawSubject: base64(request.rawSubject),
    Version: goInt(request.version),
    Signature: base64(request.signature),
    SignatureAlgorithm: request.signatureAlgorithm,
    PublicKeyAlgorithm: request.publicKeyAlgorithm,
    PublicKey: publicKeyJson(request.publicKey),
    Subject: nameJson(request.subject),
    Attributes:
      request.attributes === null
        ? null
        : request.attributes.map((set) => ({
            Type: [...set.type],
            Value: set.value.map((inner) => inner.map(attributeJson)),
          })),
    Extensions: request.extensions === null ? null : request.extensions.map(extensionJson),
    ExtraExtensions: null,
    DNSNames: strings(request.dnsNames),
    EmailAddresses: strings(request.emailAddresses),
    IPAddresses: request.ipAddresses === null ? null : request.ipAddresses.map(ipString),
    URIs: request.uris === null ? null : request.uris.map(urlJson),
  };
}

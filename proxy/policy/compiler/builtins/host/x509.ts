/*
 * crypto.x509.* and crypto.parse_private_keys (OPA's topdown/crypto.go) on the host. OPA hands back Go's own
 * structures marshalled by encoding/json (x509.Certificate, x509.CertificateRequest, tls.Certificate, rsa/ecdsa
 * private keys) or its JWK type; x509/ ports the code paths involved, as in Go 1.24 (OPA 1.5's toolchain):
 * encoding/pem, encoding/base64, cryptobyte and encoding/asn1 DER reading, crypto/x509 parsing and chain
 * verification, crypto/rsa key validation, crypto/tls X509KeyPair and net/url, so that every field comes out as
 * Go writes it. Signatures are checked with node:crypto; Go's time.Now() is the evaluation's clock reading.
 *
 * Fields: every exported field of those Go types is produced. ExtraExtensions, SupportedSignatureAlgorithms,
 * OCSPStaple and SignedCertificateTimestamps are always null, as parsing never sets them.
 *
 * Refused on the host (HostLimitError), where Go's answer cannot be reproduced exactly: time-valued attributes in
 * a certificate request's names, PKCS #1 RSA keys without CRT values (Go 1.24.0 crashes on them), DSA keys met
 * while building a chain, the one name-constraint case later Go releases changed, and CurrentTime values whose
 * digits the JSON bridge rounded away when they decide a validity check.
 */

import type { HostBuiltinTable, HostCall } from './builtin.js';
import { utf8Bytes } from './bytes.js';
import { builtinFailure, HostLimitError } from './errors.js';
import { objectOperand, stringOperand } from './operands.js';
import { objectEntries, RegoSet, type RegoValue } from './value.js';
import { TimeJsonError } from './x509/asn1-time.js';
import { type Certificate, parseCertificates } from './x509/certificate.js';
import { EXT_KEY_USAGE } from './x509/extensions.js';
import { Asn1Error } from './x509/go-asn1.js';
import { Base64Error, decodeStdBase64 } from './x509/go-base64.js';
import { decodePem } from './x509/go-pem.js';
import { certificateJson } from './x509/json.js';
import { keyPairJson, x509KeyPair } from './x509/key-pair.js';
import {
  parsePkcs1PrivateKey,
  parsePkcs8PrivateKey,
  parseSec1PrivateKey,
  type PrivateKey,
  privateKeyJson,
  privateKeyJwk,
} from './x509/private-keys.js';
import { certificateRequestJson, parseCertificateRequest } from './x509/request.js';
import { type Instant, verifyChain, type VerifyOptions } from './x509/verify.js';
import { fail, X509Error } from './x509/x509-error.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const startsWith = (bytes: Uint8Array, prefix: string): boolean =>
  bytes.length >= prefix.length && ascii(prefix).every((b, i) => bytes[i] === b);

/** run calls the Go port, turning its errors into OPA's `<builtin>: <message>` built-in errors. */
function run<T>(builtin: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof X509Error || error instanceof Asn1Error || error instanceof Base64Error) {
      throw builtinFailure(builtin, error.message);
    }
    if (error instanceof TimeJsonError) {
      throw builtinFailure(builtin, `json: error calling MarshalJSON for type time.Time: ${error.message}`);
    }
    throw error;
  }
}

/** certificatesFromPem is getX509CertsFromPem: every block must be a CERTIFICATE; their DER is concatenated. */
function certificatesFromPem(pem: Uint8Array): Certificate[] {
  const der: Uint8Array[] = [];
  for (let rest = pem; ;) {
    const { block, rest: next } = decodePem(rest);
    if (block === undefined) break;
    if (block.type !== 'CERTIFICATE') {
      fail(`PEM block type is '${block.type}', expected CERTIFICATE`);
    }
    der.push(block.bytes);
    rest = next;
  }
  return parseCertificates(new Uint8Array(Buffer.concat(der)));
}

/** certificatesFromString is getX509CertsFromString: PEM, or base64 of PEM or of DER. */
function certificatesFromString(text: string): Certificate[] {
  const bytes = utf8Bytes(text);
  if (startsWith(bytes, '-----BEGIN')) return certificatesFromPem(bytes);
  const decoded = decodeStdBase64(bytes);
  if (startsWith(decoded, '-----BEGIN')) return certificatesFromPem(decoded);
  return parseCertificates(decoded);
}

/** privateKeysFromPem is getPrivateKeysFromPEMData: the keys of every recognised PEM block. */
function privateKeysFromPem(data: Uint8Array): PrivateKey[] {
  let bytes = data;
  try {
    bytes = decodeStdBase64(data);
  } catch (error) {
    if (!(error instanceof Base64Error)) throw error;
  }
  const keys: PrivateKey[] = [];
  while (bytes.length > 0) {
    const { block, rest } = decodePem(bytes);
    // pem.Decode returns the input unchanged when no block is left.
    if (block === undefined) break;
    bytes = rest;
    if (block.type === 'RSA PRIVATE KEY') keys.push(parsePkcs1PrivateKey(block.bytes));
    else if (block.type === 'PRIVATE KEY') keys.push(parsePkcs8PrivateKey(block.bytes));
    else if (block.type === 'EC PRIVATE KEY') keys.push(parseSec1PrivateKey(block.bytes));
  }
  return keys;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** integerRange is the integers a number operand may stand for: exact, or every integer a double rounds to. */
function integerRange(value: number | bigint): Instant | undefined {
  if (typeof value === 'bigint') return { earliest: value, latest: value };
  if (!Number.isInteger(value)) return undefined;
  const exact = BigInt(value);
  if (Number.isSafeInteger(value)) return { earliest: exact, latest: exact };
  const bits = (exact < 0n ? -exact : exact).toString(2).length;
  const halfUlp = 1n << BigInt(bits - 54);
  return { earliest: exact - halfUlp, latest: exact + halfUlp };
}

/** int64Range is ast.Number.Int64 over an operand's possible values; undefined when it fails for all of them. */
function int64Range(builtin: string, option: string, value: number | bigint): Instant | undefined {
  const range = integerRange(value);
  if (range === undefined || range.latest < INT64_MIN || range.earliest > INT64_MAX) return undefined;
  if (range.earliest >= INT64_MIN && range.latest <= INT64_MAX) return range;
  throw new HostLimitError(`${builtin}: '${option}' reached the host rounded, near the bounds of int64`);
}

const KEY_USAGES: Readonly<Record<string, number>> = {
  KeyUsageAny: EXT_KEY_USAGE.ANY,
  KeyUsageServerAuth: EXT_KEY_USAGE.SERVER_AUTH,
  KeyUsageClientAuth: EXT_KEY_USAGE.CLIENT_AUTH,
  KeyUsageCodeSigning: EXT_KEY_USAGE.CODE_SIGNING,
  KeyUsageEmailProtection: EXT_KEY_USAGE.EMAIL_PROTECTION,
  KeyUsageIPSECEndSystem: EXT_KEY_USAGE.IPSEC_END_SYSTEM,
  KeyUsageIPSECTunnel: EXT_KEY_USAGE.IPSEC_TUNNEL,
  KeyUsageIPSECUser: EXT_KEY_USAGE.IPSEC_USER,
  KeyUsageTimeStamping: EXT_KEY_USAGE.TIME_STAMPING,
  KeyUsageOCSPSigning: EXT_KEY_USAGE.OCSP_SIGNING,
  KeyUsageMicrosoftServerGatedCrypto: EXT_KEY_USAGE.MICROSOFT_SERVER_GATED_CRYPTO,
  KeyUsageNetscapeServerGatedCrypto: EXT_KEY_USAGE.NETSCAPE_SERVER_GATED_CRYPTO,
  KeyUsageMicrosoftCommercialCodeSigning: EXT_KEY_USAGE.MICROSOFT_COMMERCIAL_CODE_SIGNING,
  KeyUsageMicrosoftKernelCodeSigning: EXT_KEY_USAGE.MICROSOFT_KERNEL_CODE_SIGNING,
};

const trimQuotes = (s: string): string => s.replace(/^"+|"+$/g, '');

/** verifyOptions is extractVerifyOpts, over the object's keys in OPA's order; non-string keys are skipped. */
function verifyOptions(builtin: string, options: RegoValue, nowNs: bigint): VerifyOptions {
  let dnsName = '';
  let now: Instant = { earliest: nowNs, latest: nowNs };
  const keyUsages: number[] = [];
  let maxConstraintComparisons = 0n;
  const entries = objectEntries(objectOperand(builtin, 2, options));
  for (const [key, value] of entries) {
    if (typeof key !== 'string') continue;
    switch (key) {
      case 'DNSName':
        if (typeof value !== 'string') fail("'DNSName' should be a string");
        dnsName = trimQuotes(value);
        break;
      case 'CurrentTime':
        if (typeof value !== 'number' && typeof value !== 'bigint') fail("'CurrentTime' should be a number");
        now = int64Range(builtin, key, value) ?? fail("'CurrentTime' should be a valid int64 number");
        break;
      case 'MaxConstraintComparisons': {
        if (typeof value !== 'number' && typeof value !== 'bigint')
          fail("'MaxConstraintComparisons' should be a number");
        // Comparison counts stay far below 2^53, so a rounded limit compares as the exact one would.
        maxConstraintComparisons =
          int64Range(builtin, key, value)?.earliest ?? fail("'MaxConstraintComparisons' should be a valid number");
        break;
      }
      case 'KeyUsages': {
        if (!Array.isArray(value) && !(value instanceof RegoSet)) fail("'KeyUsages' should be an Array or Set");
        const members: readonly RegoValue[] = Array.isArray(value) ? value : (value as RegoSet).members;
        const invalid: string[] = [];
        for (const member of members) {
          if (typeof member !== 'string') continue;
          const usage = KEY_USAGES[trimQuotes(member)];
          if (usage === undefined) invalid.push(trimQuotes(member));
          else keyUsages.push(usage);
        }
        if (invalid.length > 0) fail(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        fail('invalid key option');
    }
  }
  return { dnsName, now, keyUsages, maxConstraintComparisons };
}

const UNVERIFIED: RegoValue = [false, []];

function parseAndVerify(
  builtin: string,
  text: string,
  options: (nowNs: bigint) => VerifyOptions,
  call: HostCall,
  withUriStrings: boolean,
): RegoValue {
  let certificates: Certificate[];
  try {
    certificates = certificatesFromString(text);
  } catch (error) {
    // OPA answers [false, []] for input it cannot read, instead of an error.
    if (error instanceof X509Error || error instanceof Base64Error) return UNVERIFIED;
    throw error;
  }
  const chain = verifyChain(
    certificates,
    run(builtin, () => options(call.scope.current().nowNs)),
  );
  if (chain === undefined) return UNVERIFIED;
  return run(builtin, () => [true, chain.map((cert) => certificateJson(cert, withUriStrings))]);
}

/** X509_BUILTINS implements crypto.x509.* and crypto.parse_private_keys. */
export const X509_BUILTINS: HostBuiltinTable = {
  'crypto.x509.parse_certificates': ([text]) => {
    const name = 'crypto.x509.parse_certificates';
    const input = stringOperand(name, 1, text);
    return run(name, () => certificatesFromString(input).map((cert) => certificateJson(cert, true)));
  },

  'crypto.x509.parse_and_verify_certificates': ([text], call) => {
    const name = 'crypto.x509.parse_and_verify_certificates';
    const input = stringOperand(name, 1, text);
    return parseAndVerify(
      name,
      input,
      (nowNs) => ({
        dnsName: '',
        now: { earliest: nowNs, latest: nowNs },
        keyUsages: [],
        maxConstraintComparisons: 0n,
      }),
      call,
      true,
    );
  },

  'crypto.x509.parse_and_verify_certificates_with_options': ([text, options], call) => {
    const name = 'crypto.x509.parse_and_verify_certificates_with_options';
    const input = stringOperand(name, 1, text);
    objectOperand(name, 2, options);
    return parseAndVerify(name, input, (nowNs) => verifyOptions(name, options!, nowNs), call, false);
  },

  'crypto.x509.parse_certificate_request': ([text]) => {
    const name = 'crypto.x509.parse_certificate_request';
    const input = stringOperand(name, 1, text);
    return run(name, () => {
      let bytes = utf8Bytes(input);
      if (!input.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) bytes = decodeStdBase64(bytes);
      const { block } = decodePem(bytes);
      if (block !== undefined && block.type !== 'CERTIFICATE REQUEST') {
        fail('invalid PEM-encoded certificate signing request');
      }
      return certificateRequestJson(parseCertificateRequest(block?.bytes ?? bytes));
    });
  },

  'crypto.x509.parse_keypair': ([certificate, key]) => {
    const name = 'crypto.x509.parse_keypair';
    const certificateText = stringOperand(name, 1, certificate);
    // OPA checks the key as operand 1 too.
    const keyText = stringOperand(name, 1, key);
    return run(name, () => {
      let certificatePem = utf8Bytes(certificateText);
      let keyPem = utf8Bytes(keyText);
      if (!startsWith(certificatePem, '-----BEGIN ')) certificatePem = decodeStdBase64(certificatePem);
      if (!startsWith(keyPem, '-----BEGIN ')) keyPem = decodeStdBase64(keyPem);
      // Bare DER is wrapped in PEM blocks first; decoding them again gives the same bytes.
      const certificateInput = startsWith(certificatePem, '-----BEGIN ')
        ? certificatePem
        : derAsPem('CERTIFICATE', certificatePem);
      const keyInput = startsWith(keyPem, '-----BEGIN') ? keyPem : derAsPem('PRIVATE KEY', keyPem);
      return keyPairJson(x509KeyPair(certificateInput, keyInput));
    });
  },

  'crypto.x509.parse_rsa_private_key': ([text]) => {
    const name = 'crypto.x509.parse_rsa_private_key';
    const input = stringOperand(name, 1, text);
    return run(name, () => {
      if (input === '') fail('input PEM data was empty');
      let bytes = utf8Bytes(input);
      if (!input.startsWith('-----BEGIN')) bytes = decodeStdBase64(bytes);
      const keys = privateKeysFromPem(bytes);
      return keys.length === 0 ? null : privateKeyJwk(keys[0]!);
    });
  },

  'crypto.parse_private_keys': ([text]) => {
    const name = 'crypto.parse_private_keys';
    const input = stringOperand(name, 1, text);
    if (input === '') return null;
    return run(name, () => privateKeysFromPem(utf8Bytes(input)).map(privateKeyJson));
  },
};

/** derAsPem is pem.Encode of one block, as OPA wraps bare DER before tls.X509KeyPair. */
function derAsPem(type: string, der: Uint8Array): Uint8Array {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  const text = `-----BEGIN ${type}-----\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}-----END ${type}-----\n`;
  return ascii(text);
}

import { createHmac, hash } from 'node:crypto';
import type { QueryParameter } from '../core/wire-request.js';

/**
 * Airlock's own SigV4 canonicalisation, written from AWS's specification ("Create a canonical request") and kept
 * independent of the signer that re-signs (`@smithy/signature-v4`): the tests sign with smithy and verify here, so a
 * shared bug cannot hide. Uses node:crypto, which is several times faster than the pure-JS SHA-256 smithy is usually
 * given.
 */

/** SIGV4_ALGORITHM is the only request-signing algorithm Airlock accepts. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** EMPTY_SHA256 is the hex SHA-256 of zero bytes. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** CanonicalRequestParts are the inputs of a canonical request, each already in wire or decoded form. */
export interface CanonicalRequestParts {
  readonly method: string;
  /** Raw path from the wire, without the query. */
  readonly pathname: string;
  /** S3 signs the path as sent (single encoding); every other service normalises and encodes it again. */
  readonly singleEncodePath: boolean;
  /** Decoded query parameters that take part (presigned requests leave out X-Amz-Signature). */
  readonly query: readonly QueryParameter[];
  /** Signed header names, lower case, in the order given by the signer (sorted). */
  readonly signedHeaders: readonly string[];
  /** Value of each signed header, as received. */
  readonly headerValue: (name: string) => string | undefined;
  readonly payloadHash: string;
}

/** escapeUri encodes as SigV4 requires: everything except A-Z a-z 0-9 - _ . ~ (RFC 3986 unreserved). */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * canonicalPath gives the CanonicalURI. For S3 the raw wire path is used unchanged. For other services, empty, `.`
 * and `..` segments are resolved and the (already encoded) path is encoded once more, the way the AWS SDKs sign.
 */
export function canonicalPath(pathname: string, singleEncodePath: boolean): string {
  // The root, as every query, JSON and rpc-v2-cbor request has it, is its own canonical form either way.
  if (pathname === '/') return pathname;
  if (singleEncodePath) return pathname === '' ? '/' : pathname;
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailingSlash = segments.length > 0 && pathname.endsWith('/') ? '/' : '';
  const normalised = `/${segments.join('/')}${trailingSlash}`;
  return escapeUri(normalised).replace(/%2F/g, '/');
}

/** canonicalQuery gives the CanonicalQueryString: names and values encoded, sorted by name, then by value. */
export function canonicalQuery(query: readonly QueryParameter[]): string {
  const encoded = query.map(({ name, value }) => [escapeUri(name), escapeUri(value)] as const);
  encoded.sort(([nameA, valueA], [nameB, valueB]) => {
    if (nameA !== nameB) return nameA < nameB ? -1 : 1;
    if (valueA === valueB) return 0;
    return valueA < valueB ? -1 : 1;
  });
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/** What canonicalHeaderValue would change; most values (dates, hashes, host names) hold none of it. */
const FOLDED_WHITESPACE = /[\r\n\t]| {2}|^ | $/;

/** canonicalHeaderValue trims a header value and folds runs of spaces, tabs and line breaks to one space. */
export function canonicalHeaderValue(value: string): string {
  if (!FOLDED_WHITESPACE.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/**
 * buildCanonicalRequest assembles the canonical request. Returns undefined when a signed header is missing from the
 * request, which can never verify.
 */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string | undefined {
  const headerLines: string[] = [];
  for (const name of parts.signedHeaders) {
    const value = parts.headerValue(name);
    if (value === undefined) return undefined;
    headerLines.push(`${name}:${canonicalHeaderValue(value)}\n`);
  }
  return [
    parts.method,
    canonicalPath(parts.pathname, parts.singleEncodePath),
    canonicalQuery(parts.query),
    headerLines.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/** sha256Hex hashes text or bytes to lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** buildStringToSign gives the request string to sign for a canonical request. */
export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** hmacHex signs a string with a derived signing key. */
export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

const SIGNING_KEY_CACHE_LIMIT = 1024;
const signingKeys = new Map<string, { secret: string; key: Buffer }>();

/**
 * deriveSigningKey computes kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"). Keys are cached per access key and scope (they live a day); an entry is reused only for the
 * same secret, so a rotated secret never meets a stale key.
 */
export function deriveSigningKey(
  accessKeyId: string,
  secret: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const cacheKey = `${accessKeyId}\u0000${date}\u0000${region}\u0000${service}`;
  const cached = signingKeys.get(cacheKey);
  if (cached !== undefined && cached.secret === secret) return cached.key;
  let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  if (signingKeys.size >= SIGNING_KEY_CACHE_LIMIT) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = signingKeys.keys().next();
    if (oldest.done !== true) signingKeys.delete(oldest.value);
  }
  signingKeys.set(cacheKey, { secret, key });
  return key;
}

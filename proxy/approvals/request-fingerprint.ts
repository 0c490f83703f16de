import { createHash, type Hash } from 'node:crypto';
import { InvalidArgumentError } from '../core/errors.js';
import { isHopByHopHeader } from '../forward/hop-by-hop.js';
import {
  type Authentication,
  isPresignParameter,
  parseQuery,
  type QueryParameter,
  splitPath,
  type WireBody,
  type WireHeaders,
} from '../identify/index.js';

/**
 * A request fingerprint binds an approval to the exact call a human approved, so that a retry of that call re-joins
 * the approval and any other call does not. It must therefore be:
 *
 * - the same for every retry of one call: SDKs re-sign each attempt (new `x-amz-date`, `authorization`,
 *   `amz-sdk-request: attempt=N`, a presigned URL's new `X-Amz-Date` and `X-Amz-Signature`), and a person re-running
 *   the AWS CLI gets a new `amz-sdk-invocation-id` too;
 * - different for anything that changes what AWS does: method, host, path, query, body, agent, and the headers that
 *   carry meaning.
 *
 * Headers are part of it, which DESIGN.md's list (method, host, path, query, body hash, agent) leaves out. Without
 * them the fingerprint would not identify the call: JSON-protocol services name the action in `x-amz-target`, so
 * KMS `DisableKey` and `ScheduleKeyDeletion` with the body `{"KeyId":"k"}` would share an approval; S3 turns a
 * PutObject into a CopyObject with `x-amz-copy-source`, makes it public with `x-amz-acl`, and bypasses object lock
 * on DeleteObject with `x-amz-bypass-governance-retention`. Sign forwards every header the agent sent, signed or
 * not, so all of them count except VOLATILE_HEADERS (those that change between attempts of one call, that describe
 * the agent's own authentication, or that only frame the body, whose hash is in the fingerprint) and the hop-by-hop
 * headers forward drops, which never leave the proxy. An unknown header that varies between attempts costs a second
 * prompt, never a wrong match.
 */

/** The headers left out of a fingerprint, each for the reason given beside it. */
const VOLATILE_HEADERS: ReadonlySet<string> = new Set([
  // The agent's authentication: new on every attempt, and replaced by sign.
  'authorization',
  'x-amz-date',
  'date',
  'x-amz-security-token',
  // How the agent's signature covered the body; the body's own hash stands in for it.
  'x-amz-content-sha256',
  // SDK retry bookkeeping: the attempt number, a per-invocation id, tracing, and a user agent that records features.
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'x-amzn-trace-id',
  'user-agent',
  'x-amz-user-agent',
  // Framing: the length follows from the body, and aws-chunked framing carries per-attempt chunk signatures.
  'content-length',
  // Host is in the fingerprint already, normalised.
  'host',
]);

/** The tag that opens every encoding, so a later change of the encoding cannot collide with this one. */
const FINGERPRINT_VERSION = 'airlock-request-fingerprint/v1';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** FingerprintInput is what identifies one call: the verified request's parts and its agent. */
export interface FingerprintInput {
  readonly method: string;
  /** The CONNECT authority (`host` or `host:port`). */
  readonly host: string;
  /** The raw request target in origin form, query included, as on the wire. */
  readonly path: string;
  readonly headers: WireHeaders;
  /** Lower- or upper-case hex SHA-256 of the body that will be forwarded; see `bodySha256Of`. */
  readonly bodySha256: string;
  readonly agentId: string;
}

/**
 * fingerprintRequest gives the lower-case hex SHA-256 of a canonical encoding of a call, in which every field is
 * length-prefixed and every list counted, so no two different calls encode alike:
 *
 * - method in upper case; host in lower case with a `:443` port dropped;
 * - the path exactly as sent, without its query: S3 keys may hold `//`, `./` and escapes, and a path spelt
 *   differently is a different request to forward (at worst a second prompt);
 * - the query decoded (`%41` and `A` are one value), without the presigned-URL authentication parameters
 *   (`X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`, `-SignedHeaders`, `-Signature`, `-Security-Token`),
 *   sorted by name then value; `?acl` and `?acl=` are one query, as in SigV4;
 * - the headers but VOLATILE_HEADERS and hop-by-hop ones, names in lower case, values trimmed, sorted by name;
 * - the body's SHA-256 and the agent id.
 *
 * @throws InvalidArgumentError when the path is not in origin form, the query holds an invalid percent escape (identify
 *   refuses such a request, so this is a bug upstream), the body hash is not 64 hex digits, or a field is empty
 */
export function fingerprintRequest(input: FingerprintInput): string {
  const { method, host, path, headers, bodySha256, agentId } = input;
  if (method === '') throw new InvalidArgumentError('method must not be empty');
  if (host === '') throw new InvalidArgumentError('host must not be empty');
  if (!path.startsWith('/')) throw new InvalidArgumentError('path must be in origin form ("/...")');
  if (!HEX_SHA256.test(bodySha256)) throw new InvalidArgumentError('bodySha256 must be 64 hex digits');
  if (agentId === '') throw new InvalidArgumentError('agentId must not be empty');

  const { pathname, rawQuery } = splitPath(path);
  const query = parseQuery(rawQuery);
  if (query === undefined) throw new InvalidArgumentError('the query holds an invalid percent escape');

  const hash = createHash('sha256');
  writeField(hash, FINGERPRINT_VERSION);
  writeField(hash, method.toUpperCase());
  writeField(hash, canonicalHost(host));
  writeField(hash, pathname);
  writePairs(hash, canonicalQueryParameters(query));
  writePairs(hash, canonicalHeaders(headers));
  writeField(hash, bodySha256.toLowerCase());
  writeField(hash, agentId);
  return hash.digest('hex');
}

/** BodySha256 is the SHA-256 of a request's body, or why it cannot be known before the body is forwarded. */
export type BodySha256 =
  | { readonly known: true; readonly sha256: string }
  | { readonly known: false; readonly reason: 'unhashed-stream'; readonly message: string };

/** BodySource is the part of an AuthenticatedRequest that `bodySha256Of` reads. */
export interface BodySource {
  readonly body: WireBody;
  readonly authentication: Pick<Authentication, 'payload' | 'payloadHash'>;
}

/**
 * bodySha256Of gives the SHA-256 of the body that will be forwarded, without reading a stream:
 *
 * - the signed payload hash when identify has one (`sha256`, `computed-sha256`): a streamed body is checked against
 *   it as it flows, and one that does not match is never delivered whole, so the hash binds the bytes;
 * - otherwise, for a body in memory, the hash of those bytes (`unsigned` payloads, and aws-chunked bodies identify
 *   has already de-chunked or re-framed);
 * - otherwise it is unknown: a stream the signature does not cover (`UNSIGNED-PAYLOAD`, unsigned trailers), or one
 *   signed chunk by chunk, whose signatures change with every attempt.
 *
 * When it is unknown the hold stage must not hold the call under a fingerprint: either it buffers the body (within
 * its limit) and asks again, or it refuses the call with `message`. Fingerprinting such a body with a placeholder
 * would let a retry carrying different bytes ride on an approval given for the first.
 */
export function bodySha256Of(request: BodySource): BodySha256 {
  const { payloadHash } = request.authentication;
  if (payloadHash !== undefined) return { known: true, sha256: payloadHash.toLowerCase() };
  if (request.body instanceof Uint8Array) {
    return { known: true, sha256: createHash('sha256').update(request.body).digest('hex') };
  }
  return {
    known: false,
    reason: 'unhashed-stream',
    message:
      `a call held for approval must have a body Airlock can bind the approval to; this one streams with ` +
      `payload mode ${request.authentication.payload}. Sign the payload (a hex x-amz-content-sha256) and retry.`,
  };
}

/** canonicalHost lower-cases an authority and drops the default HTTPS port, the only port Airlock intercepts. */
function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith(':443') ? lower.slice(0, -':443'.length) : lower;
}

function canonicalQueryParameters(query: readonly QueryParameter[]): Array<readonly [string, string]> {
  return query
    .filter(({ name }) => !isPresignParameter(name))
    .map(({ name, value }) => [name, value] as const)
    .sort(comparePairs);
}

function canonicalHeaders(headers: WireHeaders): Array<readonly [string, string]> {
  const kept: Array<readonly [string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    const lowerName = name.toLowerCase();
    // Names that `connection` lists still count: v1 fingerprints included them, and at worst they cost a prompt.
    if (value === undefined || VOLATILE_HEADERS.has(lowerName) || isHopByHopHeader(lowerName)) continue;
    kept.push([lowerName, value.trim()]);
  }
  return kept.sort(comparePairs);
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] === b[1]) return 0;
  return a[1] < b[1] ? -1 : 1;
}

/** writeField appends one length-prefixed UTF-8 string: a 4-byte big-endian byte count, then the bytes. */
function writeField(hash: Hash, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  hash.update(length).update(bytes);
}

/** writePairs appends a counted list of name/value pairs. */
function writePairs(hash: Hash, pairs: ReadonlyArray<readonly [string, string]>): void {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(pairs.length);
  hash.update(count);
  for (const [name, value] of pairs) {
    writeField(hash, name);
    writeField(hash, value);
  }
}

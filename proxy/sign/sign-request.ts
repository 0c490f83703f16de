import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../core/errors.js';
import type { AuthenticatedRequest } from '../identify/authenticated-request.js';
import { isPresignParameter } from '../identify/sigv4-claim.js';
import { decodeQueryComponent, splitPath, type WireHeaders, type WireRequest } from '../core/wire-request.js';
import {
  type AwsCredentialIdentity,
  type SigningScope,
  type SignWireRequestOptions,
  signWireRequest,
} from './sign-wire-request.js';

/**
 * Headers that belong to one connection, or to the agent's authentication, and never travel upstream.
 * (RFC 9110 §7.6.1; `expect` because the proxy answers 100-continue itself.)
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);
const AGENT_AUTHENTICATION = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'date']);

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** SignRequestOptions tune re-signing. */
export interface SignRequestOptions {
  /** The signing time; the proxy's clock by default. */
  readonly now?: Date;
}

/**
 * signRequest strips the agent's authentication from a verified request and signs it with real credentials.
 *
 * - Removed: `authorization`, `x-amz-date`, `x-amz-security-token`, `date`, a presigned URL's `X-Amz-*`
 *   authentication parameters, and hop-by-hop headers (`connection` and the headers it names, `keep-alive`,
 *   `proxy-*`, `te`, `trailer`, `transfer-encoding`, `upgrade`, `expect`).
 * - Signed: the headers the agent signed, plus every `x-amz-*` header (S3 refuses unsigned ones), plus `host`.
 *   Other headers (`user-agent`...) are forwarded unsigned, as the agent sent them.
 * - Presigned agent requests are re-signed with an Authorization header, never re-presigned: a URL carrying the
 *   real access key id (and a session token) would end up in upstream access logs, and its lifetime is already
 *   enforced by identify. S3 gets `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which is what presigned URLs sign.
 * - Streaming-signed uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) cannot keep their framing: each chunk signature
 *   chains from the agent's seed signature. identify has verified and de-chunked the body; here it is signed as a
 *   whole: with its SHA-256 when it is in memory, else as `UNSIGNED-PAYLOAD` (accepted by S3 over TLS, which is how
 *   Airlock forwards), `content-length` set to `x-amz-decoded-content-length`, and `aws-chunked` removed from
 *   `content-encoding`. Re-chunking and re-signing every chunk would need the same streaming and buy nothing: the
 *   chunk chain protects data in transit, which TLS to S3 already does, and identify verified the agent's chain.
 * - The `-TRAILER` variant arrives re-framed by identify as `STREAMING-UNSIGNED-PAYLOAD-TRAILER` and is sent so,
 *   keeping the agent's checksum trailer (for example `x-amz-checksum-crc32`), which S3 verifies and stores.
 *
 * @throws InvalidArgumentError when the request is not one identify produced
 */
export async function signRequest(
  request: AuthenticatedRequest,
  credentials: AwsCredentialIdentity,
  scope: SigningScope,
  options: SignRequestOptions = {},
): Promise<WireRequest> {
  const { authentication } = request;
  if (authentication === undefined) throw new InvalidArgumentError('signRequest needs a request verified by identify');

  const headers = forwardableHeaders(request.headers);
  headers.host = request.headers.host ?? request.host.replace(/:(443|80)$/, '');
  const bodyLength = request.body instanceof Uint8Array ? request.body.length : undefined;

  switch (authentication.payload) {
    case 'sha256':
    case 'unsigned':
    case 'unsigned-trailer':
      // The body is exactly what the agent sent: its length and x-amz-content-sha256 stand.
      break;
    case 'computed-sha256':
      // No x-amz-content-sha256: the signer hashes the buffered body, as the agent's SDK did.
      break;
    case 'signed-chunks': {
      headers['x-amz-content-sha256'] =
        request.body instanceof Uint8Array ? createHash('sha256').update(request.body).digest('hex') : UNSIGNED_PAYLOAD;
      headers['content-length'] = request.headers['x-amz-decoded-content-length'] ?? '';
      delete headers['x-amz-decoded-content-length'];
      removeAwsChunkedEncoding(headers);
      break;
    }
    case 'signed-chunks-trailer':
      headers['x-amz-content-sha256'] = UNSIGNED_TRAILER;
      // The re-framed body is shorter than the agent's: its length is known only when it is in memory; a stream
      // goes with Transfer-Encoding: chunked, as botocore sends unsigned-trailer uploads.
      delete headers['content-length'];
      break;
  }
  if (authentication.kind === 'presigned' && scope.service === 's3') {
    headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
  }
  if (bodyLength !== undefined && (bodyLength > 0 || headers['content-length'] !== undefined)) {
    headers['content-length'] = String(bodyLength);
  }

  const signedHeaders = new Set(authentication.signedHeaders);
  for (const name of Object.keys(headers)) if (name.startsWith('x-amz-')) signedHeaders.add(name);
  for (const name of AGENT_AUTHENTICATION) signedHeaders.delete(name);
  const signOptions: SignWireRequestOptions =
    options.now === undefined ? { signedHeaders } : { signedHeaders, now: options.now };

  return signWireRequest(
    {
      method: request.method,
      host: request.host,
      path: withoutPresignParameters(request.path),
      headers,
      body: request.body,
    },
    credentials,
    scope,
    signOptions,
  );
}

/** forwardableHeaders copies the headers that may travel upstream. */
function forwardableHeaders(original: WireHeaders): Record<string, string> {
  const named = original.connection === undefined ? NOTHING_NAMED : namedBy(original.connection);
  const headers: Record<string, string> = Object.create(null);
  for (const name of Object.keys(original)) {
    const value = original[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || named.has(name) || name.startsWith('proxy-') || AGENT_AUTHENTICATION.has(name))
      continue;
    headers[name] = value;
  }
  return headers;
}

const NOTHING_NAMED: ReadonlySet<string> = new Set();

/** namedBy reads the header names a `connection` header lists. */
function namedBy(connection: string): ReadonlySet<string> {
  return new Set(
    connection
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
}

/** removeAwsChunkedEncoding drops the `aws-chunked` coding, and the header if nothing else is left. */
function removeAwsChunkedEncoding(headers: Record<string, string>): void {
  const encoding = headers['content-encoding'];
  if (encoding === undefined) return;
  const remaining = encoding
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding.toLowerCase() !== 'aws-chunked');
  if (remaining.length === 0) delete headers['content-encoding'];
  else headers['content-encoding'] = remaining.join(',');
}

/** withoutPresignParameters removes the X-Amz-* authentication parameters, keeping the rest byte for byte. */
function withoutPresignParameters(path: string): string {
  const { pathname, rawQuery } = splitPath(path);
  if (rawQuery === '') return path;
  const kept = rawQuery.split('&').filter((piece) => {
    if (piece === '') return false;
    const equals = piece.indexOf('=');
    const name = decodeQueryComponent(equals === -1 ? piece : piece.slice(0, equals));
    return name === undefined || !isPresignParameter(name);
  });
  return kept.length === 0 ? pathname : `${pathname}?${kept.join('&')}`;
}

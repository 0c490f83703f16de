import { timingSafeEqual } from 'node:crypto';
import {
  InvalidArgumentError,
  MalformedAuthorizationError,
  RequestExpiredError,
  SignatureMismatchError,
  UnknownAccessKeyError,
} from '../core/errors.js';
import type { AuthenticatedRequest, PayloadMode } from './authenticated-request.js';
import { buildCanonicalRequest, buildStringToSign, deriveSigningKey, hmacHex, sha256Hex } from './canonical-request.js';
import { bodyVerifierFor, payloadModeOf } from './payload-mode.js';
import { formatAmzDate, parseSigV4Claim, type SigV4Claim } from './sigv4-claim.js';
import { readBodyWithin, verifyBuffer, verifyBufferedSha256, verifyStream } from './verified-body.js';
import { isBufferedBody, presentHeaders, splitPath, type WireBody, type WireRequest } from '../core/wire-request.js';

/** AgentSecret is what Airlock knows about one access key it issued. */
export interface AgentSecret {
  readonly secret: string;
  readonly agentId: string;
}

/** LookupAgentSecret finds the secret and agent behind an access key id; undefined for keys Airlock never issued. */
export type LookupAgentSecret = (accessKeyId: string) => AgentSecret | undefined | Promise<AgentSecret | undefined>;

/** VerifyAgentSignatureOptions tune verification; the defaults follow AWS. */
export interface VerifyAgentSignatureOptions {
  /**
   * Largest body buffered to compute its hash when the agent sent no `x-amz-content-sha256` (non-S3 services).
   * Default 70 MiB, Teleport's limit after Lambda zip uploads outgrew 10 MiB.
   */
  readonly maxBufferedBodyBytes?: number;
}

/** MAX_CLOCK_SKEW_MS is the 15 minutes AWS allows between a request's X-Amz-Date and the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const DEFAULT_MAX_BUFFERED_BODY_BYTES = 70 * 1024 * 1024;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const DEFAULT_PORTS = /:(443|80)$/;

/**
 * verifyAgentSignature establishes which agent sent a request, by recomputing its SigV4 signature (header-signed or
 * presigned) with the secret Airlock issued that agent and comparing in constant time. Nothing about the request is
 * trusted before this returns.
 *
 * The result carries the agent and the facts sign needs, and a body that is safe to forward:
 * - a hex `x-amz-content-sha256` is checked against the body: at once for a buffered body; for a stream, as it
 *   flows, with the last piece held back until the hash matches (see verified-body.ts);
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` bodies are de-chunked, every chunk signature verified on the way; the
 *   `-TRAILER` variant is re-framed as `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, its signed trailer carried over;
 * - with no `x-amz-content-sha256` (IAM, STS... via botocore) the body is buffered, up to a limit, and hashed;
 * - `UNSIGNED-PAYLOAD` and `STREAMING-UNSIGNED-PAYLOAD-TRAILER` bodies are not covered by the signature and pass as
 *   they are (S3 checks the trailer checksum itself).
 *
 * @param now the proxy's clock, for the 15-minute skew window and presigned expiry
 * @throws MissingAuthenticationError, MalformedAuthorizationError, UnsupportedAuthenticationError,
 *   UnknownAccessKeyError, RequestExpiredError, SignatureMismatchError, PayloadHashMismatchError,
 *   PayloadTooLargeError — all AgentAuthenticationError, with `awsCode` set. Streamed bodies fail later, through
 *   the returned body stream, with SignatureMismatchError or PayloadHashMismatchError.
 */
export async function verifyAgentSignature(
  request: WireRequest,
  lookupSecret: LookupAgentSecret,
  now: Date,
  options: VerifyAgentSignatureOptions = {},
): Promise<AuthenticatedRequest> {
  const maxBufferedBodyBytes = options.maxBufferedBodyBytes ?? DEFAULT_MAX_BUFFERED_BODY_BYTES;
  if (!Number.isSafeInteger(maxBufferedBodyBytes) || maxBufferedBodyBytes < 0) {
    throw new InvalidArgumentError('maxBufferedBodyBytes must be a non-negative integer');
  }
  if (!request.path.startsWith('/')) throw new InvalidArgumentError('request.path must be in origin form ("/...")');

  const claim = parseSigV4Claim(request.path, request.headers);
  const { service } = claim.scope;
  const isS3 = service === 's3';

  const agent = await lookupSecret(claim.accessKeyId);
  if (agent === undefined) {
    throw new UnknownAccessKeyError(
      isS3
        ? 'The AWS Access Key Id you provided does not exist in our records.'
        : 'The security token included in the request is invalid.',
      { service },
    );
  }
  checkTime(claim, now);
  const signedHost = checkHost(request, claim);
  if (isS3) checkS3HeadersAreSigned(request, claim);

  // The payload hash that enters the canonical request, and what must be checked about the body afterwards.
  const contentSha256 = request.headers['x-amz-content-sha256'];
  let body: WireBody = request.body;
  let payloadHash: string;
  let payload: PayloadMode;
  if (contentSha256 !== undefined) {
    payloadHash = contentSha256;
    payload = payloadModeOf(contentSha256, claim);
  } else if (isS3 && claim.kind === 'presigned') {
    payloadHash = UNSIGNED_PAYLOAD;
    payload = 'unsigned';
  } else if (isS3) {
    throw new MalformedAuthorizationError('Missing required header for this request: x-amz-content-sha256', {
      service,
      awsCodes: { s3: { code: 'InvalidRequest', status: 400 } },
    });
  } else {
    body = isBufferedBody(body) ? body : await readBodyWithin(body, maxBufferedBodyBytes, service);
    payloadHash = sha256Hex(body as Uint8Array);
    payload = 'computed-sha256';
  }

  const signingKey = deriveSigningKey(
    claim.accessKeyId,
    agent.secret,
    claim.scope.date,
    claim.scope.region,
    claim.scope.service,
  );
  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    pathname: splitPath(request.path).pathname,
    singleEncodePath: isS3,
    query: claim.canonicalQueryParameters,
    signedHeaders: claim.signedHeaders,
    headerValue: (name) => (name === 'host' ? signedHost : request.headers[name]),
    payloadHash,
  });
  if (canonicalRequest === undefined) {
    throw new SignatureMismatchError('A header listed in SignedHeaders is not present in the request.', { service });
  }
  const stringToSign = buildStringToSign(claim.amzDate, claim.scopeText, canonicalRequest);
  const expected = Buffer.from(hmacHex(signingKey, stringToSign), 'latin1');
  const claimed = Buffer.from(claim.signature, 'latin1');
  if (!timingSafeEqual(expected, claimed)) {
    throw new SignatureMismatchError(
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { service, canonicalRequest, stringToSign },
    );
  }

  if (payload === 'sha256' && isBufferedBody(body)) {
    // The usual case (an SDK call with its body in memory) needs no verifier: one hash, and the body as it is.
    verifyBufferedSha256(body, payloadHash, service);
  } else {
    const verifier = bodyVerifierFor(payload, payloadHash, request.headers, claim, signingKey);
    if (verifier !== undefined) {
      body = isBufferedBody(body) ? verifyBuffer(body, verifier) : verifyStream(body, verifier);
    }
  }

  return {
    method: request.method,
    host: request.host,
    path: request.path,
    headers: request.headers,
    body,
    authentication: {
      kind: claim.kind,
      agent: { agentId: agent.agentId, accessKeyId: claim.accessKeyId },
      scope: claim.scope,
      amzDate: claim.amzDate,
      signedHeaders: claim.signedHeaders,
      payload,
      payloadHash: payload === 'computed-sha256' || payload === 'sha256' ? payloadHash.toLowerCase() : undefined,
      expiresAt:
        claim.expiresInSeconds === undefined
          ? undefined
          : new Date(claim.signedAt.getTime() + claim.expiresInSeconds * 1000),
    },
  } as AuthenticatedRequest;
}

function checkTime(claim: SigV4Claim, now: Date): void {
  const { service } = claim.scope;
  const signedAt = claim.signedAt.getTime();
  const nowMs = now.getTime();
  if (claim.kind === 'presigned') {
    if (nowMs > signedAt + claim.expiresInSeconds! * 1000) {
      throw new RequestExpiredError('Request has expired', 'presign-expired', { service });
    }
    if (signedAt > nowMs + MAX_CLOCK_SKEW_MS) {
      throw new RequestExpiredError('Request is not valid yet', 'presign-not-yet-valid', { service });
    }
    return;
  }
  if (Math.abs(nowMs - signedAt) <= MAX_CLOCK_SKEW_MS) return;
  if (service === 's3') {
    throw new RequestExpiredError(
      'The difference between the request time and the current time is too large.',
      'clock-skew',
      { service },
    );
  }
  // The wording IAM and STS use; botocore reads the server time from it to correct its clock.
  const nowText = formatAmzDate(now);
  const message =
    signedAt < nowMs
      ? `Signature expired: ${claim.amzDate} is now earlier than ${formatAmzDate(new Date(nowMs - MAX_CLOCK_SKEW_MS))} (${nowText} - 15 min.)`
      : `Signature not yet current: ${claim.amzDate} is still later than ${formatAmzDate(new Date(nowMs + MAX_CLOCK_SKEW_MS))} (${nowText} + 15 min.)`;
  throw new RequestExpiredError(message, 'clock-skew', { service });
}

/**
 * checkHost returns the host value that was signed, after making sure it names the CONNECT target: a signature made
 * for one endpoint must not authorise a call sent to another. Default ports are ignored, as clients omit them.
 */
function checkHost(request: WireRequest, claim: SigV4Claim): string {
  const target = request.host.toLowerCase().replace(DEFAULT_PORTS, '');
  const header = request.headers.host;
  if (header === undefined) return target;
  if (header.trim().toLowerCase().replace(DEFAULT_PORTS, '') !== target) {
    throw new MalformedAuthorizationError('The host header does not name the host the request was sent to.', {
      service: claim.scope.service,
    });
  }
  return header;
}

/** S3 refuses x-amz-* headers that are not signed; Airlock does the same, so the whole call is the agent's. */
function checkS3HeadersAreSigned(request: WireRequest, claim: SigV4Claim): void {
  const signed = new Set(claim.signedHeaders);
  for (const [name] of presentHeaders(request.headers)) {
    if (!name.startsWith('x-amz-') || signed.has(name)) continue;
    // A presigned URL's payload marker may ride along unsigned; it never enters the canonical request as a header.
    if (claim.kind === 'presigned' && name === 'x-amz-content-sha256') continue;
    throw new MalformedAuthorizationError('There were headers present in the request which were not signed', {
      service: claim.scope.service,
      awsCodes: { s3: { code: 'AccessDenied', status: 403 } },
    });
  }
}

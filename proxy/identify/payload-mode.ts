import { MalformedAuthorizationError, UnsupportedAuthenticationError } from '../core/errors.js';
import type { PayloadMode } from './authenticated-request.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import type { SigV4Claim } from './sigv4-claim.js';
import { type BodyVerifier, Sha256BodyVerifier } from './verified-body.js';
import type { WireHeaders } from '../core/wire-request.js';

const PAYLOAD_MODES: Readonly<Record<string, PayloadMode>> = {
  'UNSIGNED-PAYLOAD': 'unsigned',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'unsigned-trailer',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'signed-chunks',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'signed-chunks-trailer',
};
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * payloadModeOf reads `x-amz-content-sha256`: a hex SHA-256 or one of the markers AWS defines. Streaming-signed
 * payloads need the seed signature of an Authorization header, so a presigned URL cannot carry one.
 *
 * @throws UnsupportedAuthenticationError for SigV4a and event-stream payloads
 * @throws MalformedAuthorizationError for anything else AWS would refuse
 */
export function payloadModeOf(contentSha256: string, claim: SigV4Claim): PayloadMode {
  const { service } = claim.scope;
  if (HEX_SHA256.test(contentSha256)) return 'sha256';
  const mode = PAYLOAD_MODES[contentSha256];
  if (mode === undefined) {
    if (contentSha256.startsWith('STREAMING-')) {
      throw new UnsupportedAuthenticationError(`x-amz-content-sha256 ${contentSha256.slice(0, 64)} is not supported.`, {
        service,
      });
    }
    throw new MalformedAuthorizationError(
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      { service, awsCodes: { s3: { code: 'InvalidArgument', status: 400 } } },
    );
  }
  if ((mode === 'signed-chunks' || mode === 'signed-chunks-trailer') && claim.kind !== 'header') {
    throw new MalformedAuthorizationError(
      'Streaming-signed payloads need the Authorization header (a seed signature).',
      {
        service,
      },
    );
  }
  return mode;
}

/**
 * bodyVerifierFor picks what checks the body once the signature over the headers has verified: its SHA-256, or its
 * chunk-signature chain (which needs `x-amz-decoded-content-length`, and `x-amz-trailer` for the -TRAILER variant).
 * Undefined when the signature does not cover the body.
 */
export function bodyVerifierFor(
  payload: PayloadMode,
  payloadHash: string,
  headers: WireHeaders,
  claim: SigV4Claim,
  signingKey: Uint8Array,
): BodyVerifier | undefined {
  const { service } = claim.scope;
  if (payload === 'sha256') return new Sha256BodyVerifier(payloadHash, service);
  if (payload !== 'signed-chunks' && payload !== 'signed-chunks-trailer') return undefined;

  const decodedLengthText = headers['x-amz-decoded-content-length'];
  if (decodedLengthText === undefined || !/^\d{1,15}$/.test(decodedLengthText)) {
    throw new MalformedAuthorizationError('x-amz-decoded-content-length is required for aws-chunked uploads.', {
      service,
      awsCodes: { s3: { code: 'MissingContentLength', status: 411 } },
    });
  }
  let trailerNames: string[] | undefined;
  if (payload === 'signed-chunks-trailer') {
    trailerNames = (headers['x-amz-trailer'] ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '');
    if (trailerNames.length === 0) {
      throw new MalformedAuthorizationError(
        'x-amz-trailer is required with STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.',
        {
          service,
          awsCodes: { s3: { code: 'InvalidRequest', status: 400 } },
        },
      );
    }
  }
  return new AwsChunkedDecoder({
    signing: { signingKey, amzDate: claim.amzDate, scopeText: claim.scopeText, seedSignature: claim.signature },
    trailerNames,
    decodedLength: Number(decodedLengthText),
    output: payload === 'signed-chunks-trailer' ? 'unsigned-trailer-framing' : 'payload',
    service,
  });
}

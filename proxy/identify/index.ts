/**
 * identify: who is calling. Verifies the agent's own SigV4 signature (header or presigned query) against the key
 * Airlock issued it; a request without a valid signature is refused and nothing is forwarded.
 */
export type { AgentIdentity, AuthenticatedRequest, Authentication, PayloadMode } from './authenticated-request.js';
export { AwsChunkedDecoder, type AwsChunkedDecoderOptions, type ChunkSigning } from './aws-chunked.js';
export {
  type CredentialScope,
  formatAmzDate,
  isPresignParameter,
  MAX_PRESIGN_EXPIRES_SECONDS,
  PRESIGN_PARAMETERS,
  parseSigV4Claim,
  type SigV4Claim,
} from './sigv4-claim.js';
export { VerifiedBodyStream } from './verified-body.js';
export {
  type AgentSecret,
  type LookupAgentSecret,
  MAX_CLOCK_SKEW_MS,
  type VerifyAgentSignatureOptions,
  verifyAgentSignature,
} from './verify-agent-signature.js';
export {
  headersFromDistinct,
  parseQuery,
  type QueryParameter,
  splitPath,
  type WireBody,
  type WireHeaders,
  type WireRequest,
} from '../core/wire-request.js';

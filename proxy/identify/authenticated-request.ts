import type { CredentialScope } from './sigv4-claim.js';
import type { WireRequest } from '../core/wire-request.js';

/**
 * PayloadMode says how the agent's signature covers the body, and so what the body of an AuthenticatedRequest is:
 *
 * | mode                    | agent sent x-amz-content-sha256              | body after identify                      |
 * |-------------------------|----------------------------------------------|------------------------------------------|
 * | `sha256`                | a hex SHA-256                                | unchanged; a stream fails on mismatch    |
 * | `computed-sha256`       | nothing (Airlock hashed the buffered body)   | the buffered body                        |
 * | `unsigned`              | `UNSIGNED-PAYLOAD` (and S3 presigned URLs)   | unchanged, not covered by the signature  |
 * | `unsigned-trailer`      | `STREAMING-UNSIGNED-PAYLOAD-TRAILER`         | unchanged aws-chunked framing            |
 * | `signed-chunks`         | `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`         | de-chunked payload, chunk chain verified |
 * | `signed-chunks-trailer` | `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` | re-framed as unsigned-trailer framing    |
 */
export type PayloadMode =
  'sha256' | 'computed-sha256' | 'unsigned' | 'unsigned-trailer' | 'signed-chunks' | 'signed-chunks-trailer';

/** AgentIdentity is who signed a request. */
export interface AgentIdentity {
  readonly agentId: string;
  readonly accessKeyId: string;
}

/** Authentication is what verification established about a request. */
export interface Authentication {
  readonly kind: 'header' | 'presigned';
  readonly agent: AgentIdentity;
  /** The credential scope the agent signed for: service (signing name) and region. */
  readonly scope: CredentialScope;
  /** The agent's signing time, `yyyymmddThhmmssZ`. */
  readonly amzDate: string;
  /** The header names the agent signed: sign keeps signing these. */
  readonly signedHeaders: readonly string[];
  readonly payload: PayloadMode;
  /** Lower-case hex SHA-256 of the payload when it is known before the body is read. */
  readonly payloadHash: string | undefined;
  /** Presigned only: when the URL stops being valid. */
  readonly expiresAt: Date | undefined;
}

declare const authenticatedBrand: unique symbol;

/**
 * AuthenticatedRequest is a request whose signature identify has verified: the agent's original method, host, path
 * and headers, and a body that is safe to forward (see PayloadMode). Only `verifyAgentSignature` makes one; sign
 * accepts nothing else, so an unverified request cannot be re-signed with real credentials by mistake.
 */
export interface AuthenticatedRequest extends WireRequest {
  readonly authentication: Authentication;
  readonly [authenticatedBrand]: true;
}

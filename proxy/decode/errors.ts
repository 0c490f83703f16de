import { AirlockError } from '../core/errors.js';
import type { AwsProtocol } from './call.js';

/**
 * DecodeFailure says why a request could not be turned into a CloudCall. It is carried to the policy (as
 * `call.error.reason`) and to the audit log, so its values are part of the contract.
 */
export type DecodeFailure =
  /** No SigV4 credential scope and no AWS host to fall back on. */
  | 'no-credential-scope'
  /** The Authorization header or X-Amz-Credential is not a well-formed SigV4 scope. */
  | 'malformed-credential-scope'
  /** SigV2, SigV4a or another scheme Airlock does not verify. */
  | 'unsupported-signature'
  /** The host is not an AWS API endpoint Airlock recognises. */
  | 'unknown-host'
  /** The host names a different service or region than the credential scope. */
  | 'host-mismatch'
  /** The signing name is not in Airlock's route tables. */
  | 'unknown-service'
  /** The wire protocol (X-Amz-Target, rpc-v2-cbor, Action form, REST) is not one the service speaks. */
  | 'unsupported-protocol'
  /** The request names no operation of the service, or one Airlock's route tables do not know. */
  | 'unknown-operation'
  /** The request could mean more than one operation, or carries conflicting copies of a parameter. */
  | 'ambiguous-request'
  /** The body, path or query does not parse (bad JSON, XML, CBOR, form or percent-encoding). */
  | 'malformed-request'
  /** The body carries parameters but is larger than the caller's limit, so it was not parsed. */
  | 'body-too-large'
  /** The body carries parameters but the caller did not pass it. */
  | 'body-not-read'
  /** A bug in the decoder; the request is refused rather than guessed at. */
  | 'internal';

/** DecodeContext is what was learnt before decoding failed, so an undecoded call still names its service. */
export interface DecodeContext {
  /** IAM service prefix, or the signing name when the service is unknown. */
  service?: string;
  region?: string;
  /** The protocol the request looked like, so refusals can be written in that protocol's error format. */
  protocol?: AwsProtocol;
}

/**
 * DecodeError is returned (never thrown out of the decode stage) when a request cannot be decoded. Its code is
 * stable for callers to branch on; `reason` says which step failed.
 */
export class DecodeError extends AirlockError {
  override readonly name = 'DecodeError';
  override readonly code = 'AIRLOCK_ERR_DECODE';
  readonly reason: DecodeFailure;
  context: DecodeContext;

  constructor(reason: DecodeFailure, message: string, context: DecodeContext = {}) {
    super(message);
    this.reason = reason;
    this.context = context;
  }
}

/** isDecodeError tells a DecodeError from a decoded call. */
export function isDecodeError(value: unknown): value is DecodeError {
  return value instanceof DecodeError;
}

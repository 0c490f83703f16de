/**
 * The decode stage: an HTTP request in, a CloudCall (the policy's `input.call`) or a DecodeError out. This file is
 * the stage's only door; everything else in proxy/decode is internal.
 */
export {
  type AwsDecoder,
  type AwsHost,
  type CredentialScope,
  createAwsDecoder,
  parseAwsHost,
  parseCredentialScope,
} from './aws/index.js';
export {
  type AwsProtocol,
  type CloudCall,
  type DecodedCall,
  type JsonValue,
  type Params,
  REDACTED,
  type UndecodedCall,
  undecodedCall,
  withAccount,
} from './call.js';
export { type DecodeContext, DecodeError, type DecodeFailure, isDecodeError } from './errors.js';
export type { DecodeOptions, WireRequest } from './request.js';

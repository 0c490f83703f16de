/**
 * respond: Airlock's own answers (refusals, holds, upstream failures) in each AWS protocol's error format, so SDKs,
 * the AWS CLI and Terraform print them as they print AWS's.
 */
export {
  type AwsErrorInput,
  type AwsErrorReply,
  type AwsErrorTarget,
  errorDialect,
  escapeXml,
  renderAwsError,
} from './aws-error.js';
export { encodeCborTextMap } from './cbor.js';
export { errorTargetOf } from './error-target.js';
export {
  accessDenied,
  agentAuthenticationFailed,
  approvalDenied,
  approvalExpired,
  approvalRequired,
  type HeldApproval,
  internalFailure,
  type PendingApproval,
  payloadTooLarge,
  type RefusalOptions,
  type RefusedCall,
  refusalFor,
  stillHeld,
  upstreamFailed,
} from './refusals.js';

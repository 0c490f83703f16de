import {
  type AgentAuthenticationError,
  type AwsErrorCodes,
  type AwsErrorDialect,
  InvalidArgumentError,
  type UpstreamError,
} from '../core/errors.js';
import type { CloudCall } from '../decode/index.js';
import { type AwsErrorReply, type AwsErrorTarget, errorDialect, renderAwsError } from './aws-error.js';

/** RefusedCall is what a refusal needs to know about the call: its format and what to name it. */
export type RefusedCall = AwsErrorTarget & Pick<CloudCall, 'iam_action'>;

/** RefusalOptions are the extras every refusal may carry. */
export interface RefusalOptions {
  /** Airlock's id for the call, reported as the AWS request id; a fresh UUID when not given. */
  readonly requestId?: string | undefined;
}

/** PendingApproval names the approval a held call waits for, once approvals exist. */
export interface PendingApproval {
  readonly id: string;
  readonly url: string;
}

function codes(s3: string, query: string, ec2: string, json: string, status: number): AwsErrorCodes {
  return {
    s3: { code: s3, status },
    query: { code: query, status },
    ec2: { code: ec2, status },
    json: { code: json, status },
  };
}

/**
 * What AWS itself answers when IAM refuses a call: `AccessDenied` from S3 and query services, `UnauthorizedOperation`
 * from EC2, `AccessDeniedException` from JSON services. Tools know these (Terraform, for one, treats EC2's
 * `UnauthorizedOperation` as a permissions problem), so a policy refusal reads like an IAM one.
 */
const ACCESS_DENIED = codes('AccessDenied', 'AccessDenied', 'UnauthorizedOperation', 'AccessDeniedException', 403);

/**
 * Upstream failures are answered with statuses both botocore and the JS SDK v3 retry: botocore 1.43 retries 502 and
 * 504 in legacy mode (`data/_retry.json`: `bad_gateway`, `gateway_timeout`) and 500/502/503/504 plus the codes
 * `RequestTimeout` and `RequestTimeoutException` in standard mode (`retries/standard.py`,
 * `TransientRetryableChecker`); `@smithy/service-error-classification` lists the same statuses and codes as
 * transient. The codes are the services' own words for the condition.
 */
const BAD_GATEWAY = codes(
  'ServiceUnavailable',
  'ServiceUnavailable',
  'Unavailable',
  'ServiceUnavailableException',
  502,
);
const GATEWAY_TIMEOUT = codes('RequestTimeout', 'RequestTimeout', 'RequestTimeout', 'RequestTimeoutException', 504);

/**
 * A call still waiting for approval is answered with the throttling codes SDKs retry on their own: botocore's
 * legacy `_retry.json` and standard mode, and `@smithy/service-error-classification`'s THROTTLING_ERROR_CODES, all
 * list `Throttling`, `ThrottlingException`, `SlowDown` and `RequestLimitExceeded`. The statuses are the ones AWS
 * sends with them. Each retry re-joins the same approval by fingerprint, so the wait continues where it was.
 */
const STILL_HELD = {
  s3: { code: 'SlowDown', status: 503 },
  query: { code: 'Throttling', status: 400 },
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  json: { code: 'ThrottlingException', status: 400 },
} as const satisfies AwsErrorCodes;

/** A body over Airlock's limit; not retried by any SDK. */
const TOO_LARGE = codes(
  'EntityTooLarge',
  'RequestEntityTooLarge',
  'RequestEntityTooLarge',
  'RequestEntityTooLargeException',
  413,
);

/** Airlock's own bug; SDKs retry 500 like AWS's own `InternalFailure` / S3's `InternalError`. */
const INTERNAL = codes('InternalError', 'InternalFailure', 'InternalError', 'InternalFailure', 500);

function render(target: AwsErrorTarget, table: AwsErrorCodes, message: string, options: RefusalOptions): AwsErrorReply {
  const { code, status } = table[errorDialect(target)];
  return renderAwsError({ ...targetOf(target), code, status, message, requestId: options.requestId });
}

/** targetOf keeps only the format fields, so a whole CloudCall can be passed as the target. */
function targetOf(target: AwsErrorTarget): AwsErrorTarget {
  return { protocol: target.protocol, service: target.service, jsonVersion: target.jsonVersion };
}

/** callName names the call in a message: its IAM action, or what is known of an undecoded one. */
function callName(call: RefusedCall): string {
  if (call.iam_action !== '') return call.iam_action;
  return call.service === '' ? 'this call' : `this ${call.service} call`;
}

/**
 * accessDenied renders the policy's deny: 403 `AccessDenied` (`AccessDeniedException` for JSON protocols,
 * `UnauthorizedOperation` for EC2) with the message `Airlock denied iam:CreateRole: <reason>`.
 */
export function accessDenied(call: RefusedCall, reason: string, options: RefusalOptions = {}): AwsErrorReply {
  return render(call, ACCESS_DENIED, `Airlock denied ${callName(call)}: ${reason}`, options);
}

/**
 * approvalRequired renders a hold as a refusal, with the same codes as a deny (so scripts that handle access errors
 * handle it), saying that approval is required and, when there is one, which approval and where to act on it:
 * `Airlock requires approval for iam:CreateRole: <reason> (approval <id>: <url>)`.
 */
export function approvalRequired(
  call: RefusedCall,
  reason: string,
  options: RefusalOptions & { approval?: PendingApproval | undefined } = {},
): AwsErrorReply {
  const where = options.approval === undefined ? '' : ` (approval ${options.approval.id}: ${options.approval.url})`;
  return render(call, ACCESS_DENIED, `Airlock requires approval for ${callName(call)}: ${reason}${where}`, options);
}

/** HeldApproval is the approval a held call waits on, as the agent's error message names it. */
export interface HeldApproval extends PendingApproval {
  readonly expiresAt: string;
}

/**
 * stillHeld answers a call whose approval is still pending when the hold time is up: a throttling error the agent's
 * SDK retries by itself, naming the approval and its link so that a human reading the CLI's output can act.
 */
export function stillHeld(
  call: RefusedCall,
  reason: string,
  approval: HeldApproval,
  options: RefusalOptions = {},
): AwsErrorReply {
  const message =
    `Airlock is holding ${callName(call)} until it is approved (approval ${approval.id}, open until ` +
    `${approval.expiresAt}: ${approval.url}): ${reason}. Retrying the same call waits for the same approval.`;
  return render(call, STILL_HELD, message, options);
}

/** approvalDenied answers a held call whose approval was denied; a retry of the same call gets the same answer. */
export function approvalDenied(
  call: RefusedCall,
  approval: { readonly id: string; readonly deniedBy: string | undefined; readonly comment?: string | undefined },
  options: RefusalOptions = {},
): AwsErrorReply {
  const by = approval.deniedBy === undefined ? '' : ` by ${approval.deniedBy}`;
  const comment = approval.comment === undefined || approval.comment === '' ? '' : `: ${approval.comment}`;
  return render(
    call,
    ACCESS_DENIED,
    `Airlock: approval ${approval.id} for ${callName(call)} was denied${by}${comment}`,
    options,
  );
}

/** approvalExpired answers a held call whose approval ran out of time undecided. It is not retried automatically. */
export function approvalExpired(
  call: RefusedCall,
  approval: { readonly id: string; readonly expiresAt: string },
  options: RefusalOptions = {},
): AwsErrorReply {
  const message =
    `Airlock: approval ${approval.id} for ${callName(call)} expired at ${approval.expiresAt} without enough ` +
    'approvals; run the call again to ask again';
  return render(call, ACCESS_DENIED, message, options);
}

/**
 * refusalFor renders the decide stage's answer for a call that is not forwarded: a deny or a hold.
 *
 * @throws InvalidArgumentError for `allow`, which is not a refusal
 */
export function refusalFor(
  call: RefusedCall,
  decision: { readonly effect: string; readonly reason: string },
  options: RefusalOptions & { approval?: PendingApproval | undefined } = {},
): AwsErrorReply {
  if (decision.effect === 'deny') return accessDenied(call, decision.reason, options);
  if (decision.effect === 'hold') return approvalRequired(call, decision.reason, options);
  throw new InvalidArgumentError(`refusalFor needs a deny or a hold, not ${decision.effect}`);
}

/**
 * upstreamFailed renders a failed forward: 504 `RequestTimeout` when the upstream timed out, else 502
 * `ServiceUnavailable` (JSON protocols add `Exception`, EC2 says `Unavailable`). Both are retried by AWS SDKs.
 * The message is the UpstreamError's, which names the origin and the failure, never the request.
 */
export function upstreamFailed(
  target: AwsErrorTarget,
  error: UpstreamError,
  options: RefusalOptions = {},
): AwsErrorReply {
  const timedOut =
    error.reason === 'connect-timeout' || error.reason === 'headers-timeout' || error.reason === 'body-timeout';
  return render(target, timedOut ? GATEWAY_TIMEOUT : BAD_GATEWAY, error.message, options);
}

/** payloadTooLarge renders 413 for a request body over Airlock's limit, naming the limit. */
export function payloadTooLarge(
  target: AwsErrorTarget,
  limitBytes: number,
  options: RefusalOptions = {},
): AwsErrorReply {
  return render(target, TOO_LARGE, `the request body is larger than Airlock's limit of ${limitBytes} bytes`, options);
}

/**
 * agentAuthenticationFailed renders an identify failure with the code and status AWS itself uses for it in the
 * target's dialect (`SignatureDoesNotMatch`, `InvalidClientTokenId`, `RequestTimeTooSkewed`...), which SDKs act on
 * (botocore corrects its clock on the skew errors).
 */
export function agentAuthenticationFailed(
  target: AwsErrorTarget,
  error: AgentAuthenticationError,
  options: RefusalOptions = {},
): AwsErrorReply {
  const dialect: AwsErrorDialect = errorDialect(target);
  const { code, status } = error.awsErrorFor(dialect);
  return renderAwsError({ ...targetOf(target), code, status, message: error.message, requestId: options.requestId });
}

/** internalFailure renders 500 for a failure in Airlock itself; the message points to Airlock's log. */
export function internalFailure(target: AwsErrorTarget, options: RefusalOptions = {}): AwsErrorReply {
  return render(target, INTERNAL, 'Airlock could not handle this call; its log has the details', options);
}

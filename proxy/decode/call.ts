import type { DecodeError, DecodeFailure } from './errors.js';

/** JsonValue is any value JSON can carry; decoded params are made only of these, so they pass to Rego unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Params are an operation's decoded input members, keyed by member name (or wire name, see CloudCall.params). */
export type Params = { [key: string]: JsonValue };

/** AwsProtocol is the wire protocol a call arrived in; listen answers refusals in the same protocol's error format. */
export type AwsProtocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml' | 'rpc-v2-cbor';

/**
 * DecodedCall is one cloud API call as the policy sees it (`input.call` in DESIGN.md's policy contract).
 *
 * Field names are snake_case because they are the Rego input.
 */
export interface DecodedCall {
  cloud: 'aws';
  /** IAM service prefix: `iam`, `s3`, `cloudwatch` (signing name `monitoring`), `sso` (signing name `awsssoportal`). */
  service: string;
  /** API operation name from the service model: `CreateRole`, `ListObjectsV2`. */
  action: string;
  /**
   * IAM action that authorises the call: `iam:CreateRole`, `s3:ListBucket` for ListObjectsV2, `lambda:InvokeFunction`
   * for Invoke. Usually `${service}:${action}`; the exceptions are listed in `aws/iam-action.ts`.
   */
  iam_action: string;
  /** Region from the SigV4 credential scope (`us-east-1` for IAM and STS global endpoints). */
  region: string;
  /**
   * Account the call acts in. Undefined after decode: the request does not say which account the agent's key maps
   * to. identify fills it (see `withAccount`).
   */
  account: string | undefined;
  /** Environment (`prod`, `dev`) from config; undefined until config fills it after identify. */
  environment: string | undefined;
  /**
   * Best-effort ARN of the resource acted on (`arn:aws:iam::123456789012:role/app`, `arn:aws:s3:::bucket/key`);
   * undefined when the operation has none or Airlock cannot tell. Until `withAccount` runs, the account field of
   * ARNs built from names is empty (`arn:aws:iam:::role/app`).
   */
  resource: string | undefined;
  /**
   * True only when the operation changes nothing and hands out no credentials or secret material (see
   * `aws/iam-action.ts`). Unknown operations are false.
   */
  read_only: boolean;
  /**
   * Decoded input members. JSON and CBOR bodies keep their member names; REST path, query and header members take
   * their model member names; query/ec2 forms keep their wire names with lists as arrays (`Tags.member.1.Key` →
   * `Tags[0].Key`) and values as strings. Members the model marks sensitive are replaced by `REDACTED`.
   */
  params: Params;
  decoded: true;
  protocol: AwsProtocol;
}

/**
 * UndecodedCall stands for a request Airlock could not decode. It still goes to the policy (the default policy
 * refuses it) and to the audit log, carrying whatever was learnt before decoding failed.
 */
export interface UndecodedCall {
  cloud: 'aws';
  service: string;
  action: '';
  iam_action: '';
  region: string;
  account: string | undefined;
  environment: string | undefined;
  resource: undefined;
  read_only: false;
  params: Params;
  decoded: false;
  protocol: AwsProtocol | undefined;
  error: { code: DecodeError['code']; reason: DecodeFailure; message: string };
}

/** CloudCall is the `call` object of the policy input. */
export type CloudCall = DecodedCall | UndecodedCall;

/** REDACTED replaces the value of a parameter the service model marks sensitive (passwords, secrets, SSE-C keys). */
export { REDACTED } from '../core/redacted.js';

/** undecodedCall turns a DecodeError into the call the policy and the audit log see. */
export function undecodedCall(error: DecodeError): UndecodedCall {
  return {
    cloud: 'aws',
    service: error.context.service ?? '',
    action: '',
    iam_action: '',
    region: error.context.region ?? '',
    account: undefined,
    environment: undefined,
    resource: undefined,
    read_only: false,
    params: {},
    decoded: false,
    protocol: error.context.protocol,
    error: { code: error.code, reason: error.reason, message: error.message },
  };
}

/**
 * withAccount returns the call with its account set, and the account filled into a resource ARN that was built
 * from a name and so has an empty account field. S3 bucket and object ARNs have no account by design and are kept.
 */
export function withAccount<C extends CloudCall>(call: C, account: string): C {
  const resource = call.resource;
  if (resource === undefined) return { ...call, account };
  const parts = resource.split(':');
  // arn:partition:service:region:account:resource — only fill an empty account, never replace one the caller named.
  if (parts.length < 6 || parts[4] !== '' || parts[2] === 's3') return { ...call, account };
  parts[4] = account;
  return { ...call, account, resource: parts.join(':') };
}

/*
 * providers.aws.sign_req (OPA's topdown/providers.go over internal/providers/aws): signs an HTTP request object
 * with AWS Signature Version 4 and returns the request with the signature headers added. It is a pure function
 * of its arguments: the credentials are the second argument and the time the third; nothing is read from Airlock
 * and nothing is sent.
 *
 * As OPA does (and unlike the AWS SDKs), header values are signed as given (not trimmed), the path as Go's
 * EscapedPath and the query string as written; only s3 and glacier get `x-amz-content-sha256`.
 *
 * It passes the request through (body included), so it is exact only through the typed bridge (NATIVE_ONLY).
 * Numbers keep no text on the way to the host: a `time_ns` written `1e18` is accepted here, where OPA refuses it,
 * and a body number written `1.0` is hashed as `1`.
 */

import { createHash, createHmac } from 'node:crypto';
import type { HostBuiltinTable } from './builtin.js';
import { goJson } from './encoding.js';
import { BuiltinError } from './errors.js';
import { civilTime, UTC } from './go-time/civil.js';
import { escapedPath, fromByteString, type GoUrl, GoUrlError, parseUrl, toByteString } from './go-url.js';
import { operandTypeError } from './operands.js';
import {
  compareStrings,
  compareValues,
  isJsonObject,
  type JsonObject,
  objectEntries,
  RegoObject,
  type RegoValue,
  regoText,
  typeName,
} from './value.js';

const NAME = 'providers.aws.sign_req';

const REQUIRED_CONFIG_KEYS = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];

/** The keys http.send accepts: sign_req validates its request as http.send's. */
const ALLOWED_REQUEST_KEYS = new Set([
  'method',
  'url',
  'body',
  'enable_redirect',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'raw_body',
  'tls_use_system_certs',
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'raise_error',
  'caching_mode',
  'max_retry_attempts',
  'cache_ignored_headers',
]);

const REQUIRED_REQUEST_KEYS = ['method', 'url'];

/** Headers a proxy may change on the way, which AWS's signers leave out of the signature. */
const UNSIGNED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

type RegoMap = JsonObject | RegoObject;

/** operandFailure is OPA's builtins.NewOperandErr, which OPA reports as a type error. */
function operandFailure(position: number, detail: string): BuiltinError {
  return new BuiltinError(`${NAME}: operand ${position} ${detail}`, 'eval_type_error');
}

function objectOperand(position: number, value: RegoValue | undefined): RegoMap {
  if (value instanceof RegoObject || (value !== undefined && isJsonObject(value))) return value;
  throw operandTypeError(NAME, position, value ?? null, 'object');
}

function lookup(object: RegoMap, key: string): RegoValue | undefined {
  if (object instanceof RegoObject) return object.entries.find(([k]) => k === key)?.[1];
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function keysOf(object: RegoMap): RegoValue[] {
  return objectEntries(object).map(([k]) => k);
}

/** setText prints keys as OPA prints a set of them: `{"a", "b"}`, sorted. */
function setText(keys: readonly RegoValue[]): string {
  return `{${[...keys].sort(compareValues).map(regoText).join(', ')}}`;
}

/** stringOf is OPA's stringFromTerm: the string, or "" for any other value. */
function stringOf(value: RegoValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function validateConfig(config: RegoMap): void {
  const keys = keysOf(config);
  const missing = REQUIRED_CONFIG_KEYS.filter((k) => !keys.includes(k));
  if (missing.length > 0) throw operandFailure(2, `missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = REQUIRED_CONFIG_KEYS.filter((k) => typeof lookup(config, k) !== 'string');
  if (invalid.length > 0) {
    throw operandFailure(2, `invalid values for required AWS config parameters(s): ${setText(invalid)}`);
  }
}

/** timestampOperand reads `time_ns` as OPA does: a number whose value is an int64. */
function timestampOperand(value: RegoValue | undefined): bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') throw operandTypeError(NAME, 1, value ?? null, 'number');
  const ns = typeof value === 'bigint' ? value : Number.isInteger(value) ? BigInt(value) : undefined;
  if (ns === undefined || ns < MIN_INT64 || ns > MAX_INT64) {
    throw operandFailure(3, 'could not convert time_ns value into a unix timestamp');
  }
  return ns;
}

/** validateRequest is OPA's validateHTTPRequestOperand: only http.send's keys, and method and url present. */
function validateRequest(request: RegoMap): void {
  const keys = keysOf(request);
  const unknown = keys.filter((k) => typeof k !== 'string' || !ALLOWED_REQUEST_KEYS.has(k));
  if (unknown.length > 0) throw operandFailure(1, `invalid request parameters(s): ${setText(unknown)}`);
  const missing = REQUIRED_REQUEST_KEYS.filter((k) => !keys.includes(k));
  if (missing.length > 0) throw operandFailure(1, `missing required request parameters(s): ${setText(missing)}`);
}

/** bodyBytes is OPA's getReqBodyBytes: raw_body as given, else body as Go's json.Marshal writes it. */
function bodyBytes(request: RegoMap): string {
  const rawBody = lookup(request, 'raw_body');
  if (rawBody !== undefined) return stringOf(rawBody);
  const body = lookup(request, 'body');
  return body === undefined ? '' : goJson(body, undefined, '');
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface Credentials {
  accessKey: string;
  secretKey: string;
  region: string;
  sessionToken: string;
}

interface SigningInput {
  /** The request's headers as OPA's objectToMap reads them: keys and values as strings, "" for others. */
  headers: ReadonlyMap<string, string>;
  method: string;
  path: string;
  rawQuery: string;
  host: string;
  body: string;
  service: string;
  credentials: Credentials;
  ns: bigint;
  disablePayloadSigning: boolean;
}

/** signV4 is OPA's aws.SignV4: the Authorization header and the headers AWS requires. */
function signV4(input: SigningInput): { authorization: string; awsHeaders: Map<string, string> } {
  const { credentials, service } = input;
  const contentSha256 = input.disablePayloadSigning ? UNSIGNED_PAYLOAD : sha256Hex(input.body);
  const t = civilTime(input.ns, UTC);
  const date = `${pad(t.year, 4)}${pad(t.month, 2)}${pad(t.day, 2)}`;
  const timestamp = `${date}T${pad(t.hour, 2)}${pad(t.minute, 2)}${pad(t.second, 2)}Z`;

  const awsHeaders = new Map([
    ['host', input.host],
    ['x-amz-date', timestamp],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', contentSha256);
  if (credentials.sessionToken !== '') awsHeaders.set('x-amz-security-token', credentials.sessionToken);

  // The request's headers win over AWS's own when both name one (OPA signs an `x-amz-content-sha256` it was
  // given, then returns its own). Go walks the headers in map order; two that differ only in case are taken here
  // in key order, the later one winning.
  const toSign = new Map(awsHeaders);
  for (const [name, value] of [...input.headers].sort(([a], [b]) => compareStrings(a, b))) {
    const lower = name.toLowerCase();
    if (!UNSIGNED_HEADERS.has(lower)) toSign.set(lower, value);
  }
  const names = [...toSign.keys()].sort(compareStrings);
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    input.rawQuery,
    names.map((n) => `${n}:${toSign.get(n)!}\n`).join(''),
    signedHeaders,
    contentSha256,
  ].join('\n');

  const scope = `${date}/${credentials.region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  let key = hmac(`AWS4${credentials.secretKey}`, date);
  key = hmac(key, credentials.region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKey}/${scope},` +
    `SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { authorization, awsHeaders };
}

/** withHeaders is the request with its `headers` replaced, keys and all other values unchanged. */
function withHeaders(request: RegoMap, headers: JsonObject): RegoMap {
  if (request instanceof RegoObject) {
    return new RegoObject([...request.entries.filter(([k]) => k !== 'headers'), ['headers', headers]]);
  }
  return { ...request, headers };
}

function signRequest(args: readonly RegoValue[]): RegoValue {
  const request = objectOperand(1, args[0]);
  const config = objectOperand(1, args[1]);
  validateConfig(config);
  const service = stringOf(lookup(config, 'aws_service'));
  const credentials: Credentials = {
    accessKey: stringOf(lookup(config, 'aws_access_key')),
    secretKey: stringOf(lookup(config, 'aws_secret_access_key')),
    region: stringOf(lookup(config, 'aws_region')),
    sessionToken: stringOf(lookup(config, 'aws_session_token')),
  };
  const ns = timestampOperand(args[2]);
  validateRequest(request);

  const headersValue = lookup(request, 'headers');
  let headers: RegoMap = {};
  if (headersValue !== undefined) {
    if (!(headersValue instanceof RegoObject) && !isJsonObject(headersValue)) {
      // OPA names this operand 0.
      throw operandFailure(0, `must be object but got ${typeName(headersValue)}`);
    }
    headers = headersValue;
  }
  const url = lookup(request, 'url');
  const method = lookup(request, 'method');
  const invalid = [...(typeof url === 'string' ? [] : ['url']), ...(typeof method === 'string' ? [] : ['method'])];
  if (invalid.length > 0) {
    throw operandFailure(1, `invalid values for required request parameters(s): ${setText(invalid)}`);
  }
  let parsed: GoUrl;
  try {
    parsed = parseUrl(toByteString(url as string));
  } catch (error) {
    if (error instanceof GoUrlError) throw new BuiltinError(`${NAME}: ${error.message}`);
    throw error;
  }
  const body = bodyBytes(request);

  const headerMap = new Map<string, string>();
  for (const [k, v] of objectEntries(headers)) headerMap.set(stringOf(k), stringOf(v));

  const disable = lookup(config, 'disable_payload_signing');
  if (disable !== undefined && typeof disable !== 'boolean') {
    throw operandFailure(2, "invalid value for 'disable_payload_signing' in AWS config");
  }

  const { authorization, awsHeaders } = signV4({
    headers: headerMap,
    method: method as string,
    path: escapedPath(parsed),
    rawQuery: fromByteString(parsed.rawQuery),
    host: fromByteString(parsed.host),
    body,
    service,
    credentials,
    ns,
    disablePayloadSigning: disable === true,
  });
  const signed: Record<string, string> = Object.fromEntries(headerMap);
  signed.Authorization = authorization;
  for (const [k, v] of awsHeaders) signed[k] = v;
  return withHeaders(request, signed);
}

/** AWS_SIGN_BUILTINS implements providers.aws.sign_req. */
export const AWS_SIGN_BUILTINS: HostBuiltinTable = {
  'providers.aws.sign_req': signRequest,
};

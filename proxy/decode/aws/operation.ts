import { gunzipSync } from 'node:zlib';
import type { AwsProtocol, Params } from '../call.js';
import { DecodeError } from '../errors.js';
import type { QueryMap } from '../format/url.js';
import type { ResolvedDecodeOptions, WireRequest } from '../request.js';
import type { AwsHost } from './host.js';
import type { OperationRoute, ServiceRoutes } from './routes.js';
import type { CredentialScope } from './scope.js';

/** AwsRequest is a request with what every protocol decoder needs already worked out once. */
export interface AwsRequest {
  wire: WireRequest;
  /** Raw path without the query. */
  pathname: string;
  rawQuery: string;
  /** URL query decoded as RFC 3986 (`+` is itself). */
  query: QueryMap;
  host: AwsHost;
  scope: CredentialScope | undefined;
  /** Services named by the signing name (or, unsigned, by the host) whose endpoint matches the host. */
  services: readonly ServiceRoutes[];
  options: ResolvedDecodeOptions;
}

/** DecodedOperation is what a protocol decoder finds: which operation, and its params before redaction. */
export interface DecodedOperation {
  service: ServiceRoutes;
  operation: OperationRoute;
  protocol: AwsProtocol;
  params: Params;
}

/** PRESIGN_QUERY_KEYS are the SigV4 query parameters of a presigned URL; they are never operation params. */
export const PRESIGN_QUERY_KEYS: ReadonlySet<string> = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);

/**
 * readBody returns the body an operation's params come from, or undefined when the request has none.
 * @throws DecodeError `body-not-read` when the request declares a body the caller did not pass, `body-too-large`
 * when the body is over the caller's limit.
 */
export function readBody(request: AwsRequest, operation: string): Uint8Array | undefined {
  const body = request.wire.body;
  if (!(body instanceof Uint8Array)) {
    const length = request.wire.headers['content-length'];
    const declared =
      (length !== undefined && length.trim() !== '0') || request.wire.headers['transfer-encoding'] !== undefined;
    if (declared)
      throw new DecodeError('body-not-read', `${operation} carries its parameters in the body, which was not read`);
    return undefined;
  }
  if (body.length > request.options.maxBodyBytes) {
    throw new DecodeError(
      'body-too-large',
      `${operation} body is ${body.length} bytes, over the ${request.options.maxBodyBytes}-byte limit for parsing`,
    );
  }
  if (body.length === 0) return undefined;
  return isGzipped(request) ? gunzip(body, request.options.maxBodyBytes, operation) : body;
}

/**
 * isGzipped tells whether the body is gzip-compressed: SDKs compress large CloudWatch PutMetricData bodies
 * (botocore above 10 KiB) and say so with `Content-Encoding: gzip`.
 */
function isGzipped(request: AwsRequest): boolean {
  const encoding = request.wire.headers['content-encoding'];
  return encoding?.split(',').some((e) => e.trim().toLowerCase() === 'gzip') === true;
}

/** gunzip inflates a body, never past the parse limit, so a small bomb cannot become a large allocation. */
function gunzip(body: Uint8Array, limit: number, operation: string): Uint8Array {
  try {
    return gunzipSync(body, { maxOutputLength: Math.max(limit, 1) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecodeError(
        'body-too-large',
        `${operation} body inflates to more than the ${limit}-byte limit for parsing`,
      );
    }
    throw new DecodeError('malformed-request', `${operation} body is not valid gzip`);
  }
}

/**
 * findOperation looks an operation up by the name the request gives.
 * @throws DecodeError `unknown-operation` when the service model has no such operation.
 */
export function findOperation(service: ServiceRoutes, name: string): OperationRoute {
  const operation = service.operations.get(name);
  if (operation === undefined) {
    throw new DecodeError(
      'unknown-operation',
      `${service.id} has no operation ${JSON.stringify(name.slice(0, 100))} in Airlock's route tables`,
    );
  }
  return operation;
}

import type { Params } from '../call.js';
import { DecodeError } from '../errors.js';
import { decodeUtf8 } from '../format/url.js';
import { type AwsRequest, type DecodedOperation, findOperation, readBody } from './operation.js';

/**
 * decodeJson decodes an AWS JSON 1.0/1.1 request: `X-Amz-Target: <targetPrefix>.<Operation>` with a JSON object
 * body. The target prefix picks the model among those sharing a signing name (DynamoDB and DynamoDB Streams).
 *
 * @throws DecodeError `unknown-operation` for an unknown prefix or operation, `malformed-request` for a body that is
 * not a JSON object.
 */
export function decodeJson(request: AwsRequest, target: string): DecodedOperation {
  const dot = target.lastIndexOf('.');
  const prefix = dot < 0 ? '' : target.slice(0, dot);
  const service = request.services.find((s) => s.protocols.has('json') && s.targetPrefix === prefix);
  if (service === undefined) {
    throw new DecodeError(
      'unknown-operation',
      `X-Amz-Target ${JSON.stringify(target.slice(0, 120))} does not name a service at this endpoint`,
    );
  }
  const operation = findOperation(service, target.slice(dot + 1));
  const body = readBody(request, operation.name);
  const params = body === undefined ? {} : parseJsonObject(decodeUtf8(body, 'JSON body'), operation.name);
  return { service, operation, protocol: 'json', params };
}

/**
 * parseJsonObject parses a JSON body that must be an object (the input structure).
 * @throws DecodeError `malformed-request` otherwise.
 */
export function parseJsonObject(text: string, what: string): Params {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DecodeError(
      'malformed-request',
      `${what} body is not valid JSON: ${(error as Error).message.slice(0, 120)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError('malformed-request', `${what} body is JSON but not an object`);
  }
  // JSON.parse yields only JSON values and defines `__proto__` as an own property, so the cast is exact.
  return value as Params;
}

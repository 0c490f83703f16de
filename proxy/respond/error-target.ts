import { type AwsProtocol, parseAwsHost } from '../decode/index.js';
import { parseQuery, splitPath, type WireRequest } from '../identify/index.js';
import type { AwsErrorTarget } from './aws-error.js';

/** REST services whose bodies are XML; every other REST service is rest-json. */
const REST_XML_SERVICES: ReadonlySet<string> = new Set([
  's3',
  's3express',
  's3-object-lambda',
  'route53',
  'cloudfront',
]);

const SCOPE_SERVICE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/;

/**
 * errorTargetOf guesses the error format a raw request expects, for refusals that happen before (or without) a
 * decoded call: an agent whose signature fails, a body over the limit. It never throws; what it cannot tell falls
 * back to the query XML shape, which every AWS SDK at least parses as an error.
 *
 * - service: the SigV4 credential scope (header or presigned query), else the host's endpoint (`s3` for any S3 host)
 * - protocol, from the wire as the decoder reads it: `x-amz-target` → json (its version from the content type);
 *   `smithy-protocol` → rpc-v2-cbor; EC2 → ec2; `POST /` with a form body or `?Action=` → query; any other path →
 *   rest-xml for S3, Route 53 and CloudFront, rest-json for the rest
 */
export function errorTargetOf(wire: WireRequest | undefined): AwsErrorTarget {
  if (wire === undefined) return { protocol: undefined, service: '' };
  const { pathname, rawQuery } = splitPath(wire.path);
  const query = parseQuery(rawQuery) ?? [];
  const service = scopeService(wire, query) ?? hostService(wire.host);
  const headers = wire.headers;
  const contentType = headers['content-type']?.toLowerCase() ?? '';

  let protocol: AwsProtocol | undefined;
  let jsonVersion: '1.0' | '1.1' | undefined;
  if (headers['x-amz-target'] !== undefined) {
    protocol = 'json';
    jsonVersion = contentType.includes('x-amz-json-1.0') ? '1.0' : '1.1';
  } else if (headers['smithy-protocol'] !== undefined) protocol = 'rpc-v2-cbor';
  else if (service === 'ec2') protocol = 'ec2';
  else if (
    contentType.startsWith('application/x-www-form-urlencoded') ||
    query.some((parameter) => parameter.name === 'Action')
  ) {
    protocol = 'query';
  } else if (pathname !== '/' || REST_XML_SERVICES.has(service ?? '')) {
    protocol = REST_XML_SERVICES.has(service ?? '') ? 'rest-xml' : 'rest-json';
  }
  return { protocol, service: service ?? '', ...(jsonVersion === undefined ? {} : { jsonVersion }) };
}

function scopeService(wire: WireRequest, query: ReadonlyArray<{ name: string; value: string }>): string | undefined {
  const fromHeader = SCOPE_SERVICE.exec(wire.headers.authorization ?? '')?.[1];
  if (fromHeader !== undefined) return fromHeader;
  const credential = query.find((parameter) => parameter.name === 'X-Amz-Credential')?.value;
  return credential === undefined ? undefined : SCOPE_SERVICE.exec(`Credential=${credential}`)?.[1];
}

function hostService(host: string): string | undefined {
  const aws = parseAwsHost(host);
  if (aws === undefined) return undefined;
  return aws.s3 === undefined ? aws.endpoint : 's3';
}

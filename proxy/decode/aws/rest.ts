import type { JsonValue, Params } from '../call.js';
import { DecodeError } from '../errors.js';
import { setOwn } from '../format/own.js';
import { decodeUtf8, percentDecode } from '../format/url.js';
import { parseXml } from '../format/xml.js';
import { parseJsonObject } from './json.js';
import { type AwsRequest, type DecodedOperation, findOperation, PRESIGN_QUERY_KEYS, readBody } from './operation.js';
import type { Binding, RestRoute, ServiceRoutes } from './routes.js';

/**
 * decodeRest decodes a rest-json or rest-xml request by matching method, path template, literal query keys and
 * required query/header members against the service's routes; the most specific match wins:
 *
 * ```
 * PUT /{Bucket}/{Key+}                                   PutObject
 * PUT /{Bucket}/{Key+}  + x-amz-copy-source              CopyObject
 * PUT /{Bucket}/{Key+}  + ?partNumber&uploadId           UploadPart
 * PUT /{Bucket}/{Key+}  + both                           UploadPartCopy
 * ```
 *
 * A virtual-hosted S3 request is first rewritten to path style (`/{bucket}` + path). Params come from the body
 * (JSON or XML; blob payloads such as S3 object data are never parsed), then from path labels, query and headers,
 * which win: they are what AWS acts on.
 *
 * @throws DecodeError `unknown-operation` when no route matches or the request carries a subresource key the
 * matched route does not know (a newer S3 API would otherwise be mistaken for GetObject), `ambiguous-request` when
 * two routes match equally or a scalar query member repeats, and body errors from `readBody` and the parsers.
 */
export function decodeRest(request: AwsRequest): DecodedOperation {
  const service = request.services.find((s) => s.protocols.has('rest-json') || s.protocols.has('rest-xml'));
  if (service === undefined)
    throw new DecodeError('unsupported-protocol', 'the service does not speak a REST protocol');
  const path = restPath(request);
  const { route, labels } = matchRoute(request, service, path);
  const operation = findOperation(service, route.operation);
  rejectUnknownSubresources(request, route);

  const params: Params = {};
  readBodyParams(request, service, route, params);
  for (const binding of route.bindings) {
    const value = bindingValue(request, route, binding, labels);
    if (value !== undefined) setOwn(params, binding.member, value);
  }
  const protocol = service.protocols.has('rest-xml') ? 'rest-xml' : 'rest-json';
  return { service, operation, protocol, params };
}

/** restPath is the path to match: S3 virtual-hosted requests get their bucket put back in front. */
function restPath(request: AwsRequest): string {
  const bucket = request.host.s3?.bucket;
  if (bucket === undefined) return request.pathname;
  return request.pathname === '/' ? `/${bucket}` : `/${bucket}${request.pathname}`;
}

function headerValue(request: AwsRequest, name: string): string | undefined {
  const value = request.wire.headers[name];
  if (value !== undefined) return value;
  // Presigners hoist x-amz-* headers into the query string (`x-amz-acl=public-read` on a presigned PutObject).
  if (request.scope?.source === 'query' && name.startsWith('x-amz-')) return request.query.get(name)?.[0];
  return undefined;
}

function matchRoute(request: AwsRequest, service: ServiceRoutes, path: string): { route: RestRoute; labels: string[] } {
  const hostKind = request.host.s3?.kind;
  let best: { route: RestRoute; labels: string[]; score: number } | undefined;
  let tied: RestRoute | undefined;
  for (const route of service.restByMethod.get(request.wire.method) ?? []) {
    if (route.hostKind !== undefined && route.hostKind !== hostKind) continue;
    const match = route.pathPattern.exec(path);
    if (match === null) continue;
    const literalsPresent = route.literalQuery.every(([key, value]) => {
      const values = request.query.get(key);
      return values !== undefined && (value === undefined || values.includes(value));
    });
    if (!literalsPresent) continue;
    if (!route.requiredQuery.every((key) => request.query.has(key))) continue;
    if (!route.requiredHeaders.every((name) => headerValue(request, name) !== undefined)) continue;
    // More literal path segments first, then more query/header constraints, then a host-specific route.
    const constraints = route.literalQuery.length + route.requiredQuery.length + route.requiredHeaders.length;
    const score = route.literalSegments * 1000 + constraints * 10 + (route.hostKind === undefined ? 0 : 1);
    if (best === undefined || score > best.score) {
      best = { route, labels: match.slice(1), score };
      tied = undefined;
    } else if (score === best.score) {
      tied = route;
    }
  }
  if (best === undefined) {
    throw new DecodeError(
      'unknown-operation',
      `no ${service.id} operation matches ${request.wire.method} ${path.slice(0, 200)}${request.rawQuery === '' ? '' : `?${request.rawQuery.slice(0, 200)}`}`,
    );
  }
  if (tied !== undefined) {
    throw new DecodeError('ambiguous-request', `request matches both ${best.route.operation} and ${tied.operation}`);
  }
  return best;
}

/**
 * rejectUnknownSubresources refuses valueless query keys (`?abac`) the matched route does not name. S3 selects
 * operations by such keys, so one from an API newer than the route tables would otherwise decode as the plainer
 * operation on the same path (GetObject, ListObjects, CreateBucket) and be judged as that.
 */
function rejectUnknownSubresources(request: AwsRequest, route: RestRoute): void {
  for (const [key, values] of request.query) {
    if (values.some((v) => v !== '') || PRESIGN_QUERY_KEYS.has(key) || key === 'x-id') continue;
    if (request.scope?.source === 'query' && key.startsWith('x-amz-')) continue; // a hoisted header, maybe empty
    if (route.literalQuery.some(([literal]) => literal === key)) continue;
    if (route.bindings.some((b) => b.location === 'querystring' && b.wireName === key)) continue;
    throw new DecodeError(
      'unknown-operation',
      `query key ?${key.slice(0, 60)} is not part of ${route.operation} (${route.template})`,
    );
  }
}

function readBodyParams(request: AwsRequest, service: ServiceRoutes, route: RestRoute, params: Params): void {
  const payload = route.payload;
  if (payload?.kind === 'blob' || (payload === undefined && !route.bodyMembers)) return;
  const body = readBody(request, route.operation);
  if (body === undefined) return;
  const text = decodeUtf8(body, `${route.operation} body`);
  if (payload?.kind === 'string') {
    setOwn(params, payload.member, text);
    return;
  }
  const isXml = service.protocols.has('rest-xml');
  const value: JsonValue = isXml ? parseXml(text, service.xmlLists).value : parseJsonObject(text, route.operation);
  if (payload !== undefined) {
    setOwn(params, payload.member, value);
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, member] of Object.entries(value)) setOwn(params, key, member);
  }
}

function bindingValue(
  request: AwsRequest,
  route: RestRoute,
  binding: Binding,
  labels: readonly string[],
): JsonValue | undefined {
  switch (binding.location) {
    case 'uri': {
      const index = route.labels.indexOf(binding.wireName);
      const raw = labels[index];
      return raw === undefined ? undefined : typed(percentDecode(raw, false), binding);
    }
    case 'querystring': {
      const values = request.query.get(binding.wireName);
      if (values === undefined) return undefined;
      if (binding.type === 'list') return [...values];
      if (values.length > 1) {
        throw new DecodeError('ambiguous-request', `query member ${binding.wireName} appears ${values.length} times`);
      }
      return typed(values[0]!, binding);
    }
    case 'header': {
      const value = headerValue(request, binding.wireName);
      if (value === undefined) return undefined;
      if (binding.type === 'list') return value.split(',').map((item) => item.trim());
      return typed(value, binding);
    }
    case 'headers': {
      // A map spread over prefixed headers: x-amz-meta-owner: alice → Metadata: { owner: 'alice' }.
      const map: { [key: string]: JsonValue } = {};
      let found = false;
      for (const [name, value] of Object.entries(request.wire.headers)) {
        if (value === undefined || !name.startsWith(binding.wireName)) continue;
        setOwn(map, name.slice(binding.wireName.length), value);
        found = true;
      }
      return found ? map : undefined;
    }
  }
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** typed converts a string from the path, query or a header to the member's JSON type when it reads as one. */
function typed(value: string, binding: Binding): JsonValue {
  if (binding.type === 'number' && NUMBER.test(value)) return Number(value);
  if (binding.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (binding.type === 'list') return [value];
  return value;
}

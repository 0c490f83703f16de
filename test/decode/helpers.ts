import type { WireRequest } from '../../proxy/decode/index.js';

/** sigV4 builds a fake SigV4 Authorization header with the given credential scope (the signature is not checked). */
export function sigV4(service: string, region = 'us-east-1', accessKeyId = 'AKIDEXAMPLE'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** RequestSpec is a WireRequest with defaults: signed for `service`, no body. */
export interface RequestSpec {
  method?: string;
  host: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Signing name for the Authorization header; null for an unsigned request. */
  sign?: string | null;
  region?: string;
}

export function wire(spec: RequestSpec): WireRequest {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.sign !== null && spec.sign !== undefined && headers.authorization === undefined) {
    headers.authorization = sigV4(spec.sign, spec.region);
  }
  const body = typeof spec.body === 'string' ? utf8(spec.body) : spec.body;
  if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return {
    method: spec.method ?? 'POST',
    host: spec.host,
    path: spec.path ?? '/',
    headers,
    body: body ?? new Uint8Array(),
  };
}

/** form builds a query-protocol POST for `service`. */
export function queryRequest(host: string, service: string, body: string, region = 'us-east-1'): WireRequest {
  return wire({
    host,
    sign: service,
    region,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
}

/** jsonRequest builds an AWS JSON-protocol POST. */
export function jsonRequest(
  host: string,
  service: string,
  target: string,
  body: string,
  region = 'us-east-1',
): WireRequest {
  return wire({
    host,
    sign: service,
    region,
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body,
  });
}

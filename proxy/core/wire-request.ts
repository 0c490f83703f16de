import type { Readable } from 'node:stream';

/**
 * WireHeaders are request headers as they arrived: names in lower case; a header sent several times is one string,
 * its values trimmed and joined with "," (no space), which is how SigV4 canonicalises repeated headers. Node's
 * `req.headers` joins with ", " and so must not be used for signed headers; see `headersFromDistinct`. An undefined
 * value is the same as an absent header.
 */
export type WireHeaders = Readonly<Record<string, string | undefined>>;

/**
 * WireBody is a request body: bytes already in memory, or a stream (S3 uploads of 50 MiB to 1 GiB must stream).
 */
export type WireBody = Uint8Array | Readable;

/**
 * WireRequest is one HTTP request as the proxy received it, independent of Node's http module.
 *
 * `host` is the CONNECT target authority (`host` or `host:port`). It is the truth: TLS was terminated for it, and the
 * signed `host` header must agree with it. `path` is the raw request target in origin form, query included, exactly
 * as sent (never re-encoded: S3 keys may hold `//`, `./`, `..` and escapes that must survive byte for byte).
 */
export interface WireRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers: WireHeaders;
  readonly body: WireBody;
}

/** QueryParameter is one `name=value` pair of a query string, decoded, in wire order. */
export interface QueryParameter {
  readonly name: string;
  readonly value: string;
}

/** SplitPath is a raw request target cut at its first `?`. */
export interface SplitPath {
  readonly pathname: string;
  readonly rawQuery: string;
}

/** splitPath cuts a raw request target into path and query, both still encoded. */
export function splitPath(path: string): SplitPath {
  const mark = path.indexOf('?');
  if (mark === -1) return { pathname: path, rawQuery: '' };
  return { pathname: path.slice(0, mark), rawQuery: path.slice(mark + 1) };
}

/**
 * decodeQueryComponent decodes one query name or value as RFC 3986 does: `%XX` escapes only, `+` stays a `+`
 * (URLSearchParams would make it a space and break the signature). Returns undefined for an invalid escape.
 */
export function decodeQueryComponent(text: string): string | undefined {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * parseQuery decodes a raw query string into its parameters, in wire order. A name with no `=` has the value ""
 * (`?acl` is `acl=` canonically). Returns undefined when a component holds an invalid percent escape.
 */
export function parseQuery(rawQuery: string): QueryParameter[] | undefined {
  const parameters: QueryParameter[] = [];
  if (rawQuery === '') return parameters;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = decodeQueryComponent(equals === -1 ? piece : piece.slice(0, equals));
    const value = equals === -1 ? '' : decodeQueryComponent(piece.slice(equals + 1));
    if (name === undefined || value === undefined) return undefined;
    parameters.push({ name, value });
  }
  return parameters;
}

/**
 * headersFromDistinct builds WireHeaders from Node's `req.headersDistinct` (or any name -> values map): names lower
 * case, repeated values trimmed and joined with ",".
 */
export function headersFromDistinct(
  distinct: Readonly<Record<string, readonly string[] | undefined>>,
): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, values] of Object.entries(distinct)) {
    if (values === undefined || values.length === 0) continue;
    headers[name.toLowerCase()] = values.length === 1 ? values[0]! : values.map((value) => value.trim()).join(',');
  }
  return headers;
}

/** presentHeaders lists the headers that have a value. */
export function presentHeaders(headers: WireHeaders): Array<[string, string]> {
  return Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** isBufferedBody tells a body already in memory from a stream. */
export function isBufferedBody(body: WireBody): body is Uint8Array {
  return body instanceof Uint8Array;
}

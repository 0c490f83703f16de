import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { InvalidArgumentError } from '../core/errors.js';
import { parseQuery, presentHeaders, splitPath, type WireRequest } from '../core/wire-request.js';
import { NodeSha256 } from './node-sha256.js';

/** AwsCredentialIdentity is a set of real AWS credentials. Only the credential source should create one. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** SigningScope is where a signature is valid: the service's signing name and the region. */
export interface SigningScope {
  readonly service: string;
  readonly region: string;
}

/** SignWireRequestOptions choose what the signature covers. */
export interface SignWireRequestOptions {
  /**
   * Names of the headers to sign (lower case). Every other header present is forwarded unsigned; `host`,
   * `x-amz-date`, `x-amz-security-token` and `x-amz-content-sha256` are always signed when present.
   */
  readonly signedHeaders: ReadonlySet<string>;
  /** The signing time; the proxy's clock by default. */
  readonly now?: Date;
}

const ALWAYS_SIGNED = ['host', 'x-amz-content-sha256'];

/**
 * signWireRequest signs a request as it will go on the wire, with `@smithy/signature-v4` (the AWS SDK's own signer),
 * and returns it with `authorization`, `x-amz-date` and, for temporary credentials, `x-amz-security-token` added.
 *
 * The path is signed exactly as it will be sent: S3 signs the raw wire path (`uriEscapePath: false`, so keys with
 * `//`, `..` or escapes survive); other services get the normalising, double-encoding canonical path the SDKs use.
 * The payload hash is `x-amz-content-sha256` when the request carries it, else the SHA-256 of a buffered body. For
 * S3 the header is added when missing, as S3 requires it.
 *
 * @throws InvalidArgumentError when the request has no host header, or a streamed body without
 *   `x-amz-content-sha256` (smithy would silently sign it as UNSIGNED-PAYLOAD)
 */
export async function signWireRequest(
  request: WireRequest,
  credentials: AwsCredentialIdentity,
  scope: SigningScope,
  options: SignWireRequestOptions,
): Promise<WireRequest> {
  const host = request.headers.host;
  if (host === undefined) throw new InvalidArgumentError('the request to sign needs a host header');
  if (!(request.body instanceof Uint8Array) && request.headers['x-amz-content-sha256'] === undefined) {
    throw new InvalidArgumentError('a streamed body needs x-amz-content-sha256 to be signed');
  }
  const { pathname, rawQuery } = splitPath(request.path);
  const query = parseQuery(rawQuery);
  if (query === undefined) throw new InvalidArgumentError('the query string holds an invalid percent escape');

  const queryObject: Record<string, string | string[]> = Object.create(null);
  for (const { name, value } of query) {
    const existing = queryObject[name];
    if (existing === undefined) queryObject[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else queryObject[name] = [existing, value];
  }

  const headers = Object.fromEntries(presentHeaders(request.headers));
  const signable = new Set<string>([...options.signedHeaders, ...ALWAYS_SIGNED]);
  const unsignable = new Set<string>(Object.keys(headers).filter((name) => !signable.has(name)));
  const isS3 = scope.service === 's3';
  const signer = new SignatureV4({
    credentials,
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    uriEscapePath: !isS3,
    applyChecksum: isS3,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: host,
      path: pathname === '' ? '/' : pathname,
      query: queryObject,
      headers,
      body: request.body,
    }),
    { signingDate: options.now ?? new Date(), signableHeaders: signable, unsignableHeaders: unsignable },
  );
  return {
    method: request.method,
    host: request.host,
    path: request.path,
    headers: signed.headers,
    body: request.body,
  };
}

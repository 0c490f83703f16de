import { DecodeError } from '../errors.js';
import type { QueryMap } from '../format/url.js';

/**
 * CredentialScope is the SigV4 credential scope of a request: `AKID/20260101/us-east-1/iam/aws4_request`. Its
 * service is the signing name (`monitoring`, `ecr`, `awsssoportal`), not the endpoint prefix.
 */
export interface CredentialScope {
  accessKeyId: string;
  /** Scope date, `yyyymmdd`. */
  date: string;
  region: string;
  /** Signing name. */
  service: string;
  /** Where the scope was found: the Authorization header, or X-Amz-Credential on a presigned URL. */
  source: 'header' | 'query';
}

const SIGV4 = 'AWS4-HMAC-SHA256';
const SIGV4A = 'AWS4-ECDSA-P256-SHA256';

/**
 * parseCredentialScope reads the SigV4 scope from the Authorization header or, for presigned URLs, the
 * X-Amz-Credential query parameter. It returns undefined when the request carries neither (an unsigned request).
 * Only the scope is read here; identify verifies the signature.
 *
 * @throws DecodeError `unsupported-signature` for SigV2 and SigV4a, `malformed-credential-scope` for a bad scope,
 * `ambiguous-request` when both a header and a presigned query carry credentials.
 */
export function parseCredentialScope(authorization: string | undefined, query: QueryMap): CredentialScope | undefined {
  const presignAlgorithm = query.get('X-Amz-Algorithm');
  const presignCredential = query.get('X-Amz-Credential');
  if (query.has('AWSAccessKeyId') && query.has('Signature')) {
    throw new DecodeError('unsupported-signature', 'SigV2 presigned URLs are not accepted; presign with SigV4');
  }
  if (authorization !== undefined && authorization !== '') {
    if (presignAlgorithm !== undefined || presignCredential !== undefined) {
      throw new DecodeError(
        'ambiguous-request',
        'both an Authorization header and a presigned query carry credentials',
      );
    }
    return parseAuthorization(authorization.trim());
  }
  if (presignAlgorithm === undefined && presignCredential === undefined) return undefined;
  if (presignAlgorithm?.length !== 1 || presignCredential?.length !== 1) {
    throw new DecodeError(
      'malformed-credential-scope',
      'a presigned URL needs exactly one X-Amz-Algorithm and one X-Amz-Credential',
    );
  }
  if (presignAlgorithm[0] === SIGV4A)
    throw new DecodeError('unsupported-signature', 'SigV4a presigned URLs are not accepted');
  if (presignAlgorithm[0] !== SIGV4) {
    throw new DecodeError(
      'unsupported-signature',
      `unknown X-Amz-Algorithm ${JSON.stringify(presignAlgorithm[0]!.slice(0, 40))}`,
    );
  }
  return parseCredential(presignCredential[0]!, 'query');
}

function parseAuthorization(authorization: string): CredentialScope {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== SIGV4) {
    const kind =
      algorithm === SIGV4A ? 'SigV4a' : algorithm === 'AWS' ? 'SigV2' : `${JSON.stringify(algorithm.slice(0, 40))}`;
    throw new DecodeError('unsupported-signature', `${kind} signatures are not accepted; sign with ${SIGV4}`);
  }
  // `Credential=…, SignedHeaders=…, Signature=…`; components are comma-separated, spaces optional.
  let credential: string | undefined;
  for (const component of authorization.slice(space + 1).split(',')) {
    const part = component.trim();
    if (part.startsWith('Credential=')) {
      if (credential !== undefined)
        throw new DecodeError('ambiguous-request', 'Authorization carries two Credential components');
      credential = part.slice('Credential='.length);
    }
  }
  if (credential === undefined)
    throw new DecodeError('malformed-credential-scope', 'Authorization has no Credential component');
  return parseCredential(credential, 'header');
}

const ACCESS_KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SCOPE_DATE = /^\d{8}$/;
const SCOPE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

function parseCredential(credential: string, source: CredentialScope['source']): CredentialScope {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    terminator !== 'aws4_request' ||
    !ACCESS_KEY_ID.test(accessKeyId!) ||
    !SCOPE_DATE.test(date!) ||
    !SCOPE_NAME.test(region!) ||
    !SCOPE_NAME.test(service!)
  ) {
    throw new DecodeError(
      'malformed-credential-scope',
      `credential scope ${JSON.stringify(credential.slice(0, 200))} is not AKID/yyyymmdd/region/service/aws4_request`,
    );
  }
  return { accessKeyId: accessKeyId!, date: date!, region: region!, service: service!, source };
}

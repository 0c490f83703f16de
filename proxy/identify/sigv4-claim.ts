import {
  MalformedAuthorizationError,
  MissingAuthenticationError,
  UnsupportedAuthenticationError,
} from '../core/errors.js';
import { SIGV4_ALGORITHM } from './canonical-request.js';
import { parseQuery, type QueryParameter, splitPath, type WireHeaders } from '../core/wire-request.js';

/** CredentialScope is the `<date>/<region>/<service>/aws4_request` part of a SigV4 credential. */
export interface CredentialScope {
  /** yyyymmdd */
  readonly date: string;
  readonly region: string;
  /** The signing name (`s3`, `iam`, `monitoring`...), not the endpoint prefix. */
  readonly service: string;
}

/** SigV4Claim is what a request says about its own signature, parsed but not yet verified. */
export interface SigV4Claim {
  readonly kind: 'header' | 'presigned';
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  /** `date/region/service/aws4_request`, exactly as it enters the string to sign. */
  readonly scopeText: string;
  /** Signed header names, lower case, sorted, without duplicates, always including `host`. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
  /** The signing time, `yyyymmddThhmmssZ`. */
  readonly amzDate: string;
  readonly signedAt: Date;
  /** Presigned only: X-Amz-Expires in seconds. */
  readonly expiresInSeconds: number | undefined;
  /** Decoded query parameters that enter the canonical query (all but X-Amz-Signature). */
  readonly canonicalQueryParameters: readonly QueryParameter[];
}

/** PRESIGN_PARAMETERS are the query parameters that carry a presigned URL's authentication, as AWS spells them. */
export const PRESIGN_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
] as const;

const PRESIGN_PARAMETERS_LOWER = new Set(PRESIGN_PARAMETERS.map((name) => name.toLowerCase()));

/** isPresignParameter tells whether a query parameter name is one of the presigned-URL authentication parameters. */
export function isPresignParameter(name: string): boolean {
  return PRESIGN_PARAMETERS_LOWER.has(name.toLowerCase());
}

/** MAX_PRESIGN_EXPIRES_SECONDS is SigV4's limit on X-Amz-Expires: seven days. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SCOPE_DATE_PATTERN = /^\d{8}$/;
const HEADER_NAME_PATTERN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * parseSigV4Claim reads the SigV4 authentication of a request, from the `Authorization` header or from a presigned
 * URL's query, and checks its shape. It does not look up the key or verify anything.
 *
 * @throws MissingAuthenticationError when there is no authentication at all
 * @throws UnsupportedAuthenticationError for SigV2, SigV4a and other algorithms
 * @throws MalformedAuthorizationError when the authentication cannot be read or contradicts itself
 */
export function parseSigV4Claim(path: string, headers: WireHeaders): SigV4Claim {
  const { rawQuery } = splitPath(path);
  const query = parseQuery(rawQuery);
  if (query === undefined) throw new MalformedAuthorizationError('The query string holds an invalid percent escape.');
  const presignParameters = query.filter(({ name }) => isPresignParameter(name));
  const authorization = headers.authorization;

  if (authorization !== undefined && presignParameters.length > 0) {
    throw new MalformedAuthorizationError(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
      { awsCodes: { s3: { code: 'InvalidArgument', status: 400 } } },
    );
  }
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, headers, query);
  if (presignParameters.length > 0) return parsePresignedQuery(query, presignParameters);
  if (query.some(({ name }) => name === 'AWSAccessKeyId' || name === 'Signature')) {
    throw new UnsupportedAuthenticationError(
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  throw new MissingAuthenticationError('Request is missing Authentication Token');
}

function parseAuthorizationHeader(
  authorization: string,
  headers: WireHeaders,
  query: readonly QueryParameter[],
): SigV4Claim {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) throw unsupportedAlgorithm(algorithm);

  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const piece = part.trim();
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = equals === -1 ? piece : piece.slice(0, equals);
    if (fields.has(name) || equals === -1) {
      throw new MalformedAuthorizationError(
        `Authorization header requires each of Credential, SignedHeaders and Signature once.`,
      );
    }
    fields.set(name, piece.slice(equals + 1));
  }
  const credential = fields.get('Credential');
  const signedHeadersText = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeadersText === undefined || signature === undefined || fields.size !== 3) {
    throw new MalformedAuthorizationError(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  }
  const { accessKeyId, scope, scopeText } = parseCredential(credential);
  const amzDate = headers['x-amz-date'];
  if (amzDate === undefined) {
    throw new MalformedAuthorizationError('AWS authentication requires a valid Date or x-amz-date header', {
      service: scope.service,
      awsCodes: { s3: { code: 'AccessDenied', status: 403 } },
    });
  }
  return {
    kind: 'header',
    accessKeyId,
    scope,
    scopeText,
    signedHeaders: parseSignedHeaders(signedHeadersText, scope.service),
    signature: parseSignature(signature, scope.service),
    amzDate,
    signedAt: parseAmzDate(amzDate, scope),
    expiresInSeconds: undefined,
    canonicalQueryParameters: query,
  };
}

function parsePresignedQuery(
  query: readonly QueryParameter[],
  presignParameters: readonly QueryParameter[],
): SigV4Claim {
  const values = new Map<string, string>();
  for (const { name, value } of presignParameters) {
    // AWS spells these exactly; a second copy under any spelling makes the request ambiguous.
    if (!(PRESIGN_PARAMETERS as readonly string[]).includes(name) || values.has(name)) {
      throw new MalformedAuthorizationError(`Query parameter ${name} is misspelt or repeated.`, {
        awsCodes: { s3: { code: 'AuthorizationQueryParametersError', status: 400 } },
      });
    }
    values.set(name, value);
  }
  const algorithm = values.get('X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== SIGV4_ALGORITHM) throw unsupportedAlgorithm(algorithm);
  const credential = values.get('X-Amz-Credential');
  const amzDate = values.get('X-Amz-Date');
  const expires = values.get('X-Amz-Expires');
  const signedHeadersText = values.get('X-Amz-SignedHeaders');
  const signature = values.get('X-Amz-Signature');
  if (
    algorithm === undefined ||
    credential === undefined ||
    amzDate === undefined ||
    expires === undefined ||
    signedHeadersText === undefined ||
    signature === undefined
  ) {
    throw new MalformedAuthorizationError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      { awsCodes: { s3: { code: 'AuthorizationQueryParametersError', status: 400 } } },
    );
  }
  const { accessKeyId, scope, scopeText } = parseCredential(credential);
  if (!/^\d{1,7}$/.test(expires) || Number(expires) > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new MalformedAuthorizationError(
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES_SECONDS}`,
      { service: scope.service, awsCodes: { s3: { code: 'AuthorizationQueryParametersError', status: 400 } } },
    );
  }
  return {
    kind: 'presigned',
    accessKeyId,
    scope,
    scopeText,
    signedHeaders: parseSignedHeaders(signedHeadersText, scope.service),
    signature: parseSignature(signature, scope.service),
    amzDate,
    signedAt: parseAmzDate(amzDate, scope),
    expiresInSeconds: Number(expires),
    canonicalQueryParameters: query.filter(({ name }) => name.toLowerCase() !== 'x-amz-signature'),
  };
}

function unsupportedAlgorithm(algorithm: string): Error {
  if (algorithm === 'AWS4-ECDSA-P256-SHA256') {
    return new UnsupportedAuthenticationError('SigV4a (AWS4-ECDSA-P256-SHA256) is not supported by Airlock.');
  }
  if (algorithm === 'AWS' || algorithm.startsWith('AWS ')) {
    return new UnsupportedAuthenticationError(
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  return new MalformedAuthorizationError(`Unsupported Authorization Type ${JSON.stringify(algorithm.slice(0, 40))}`);
}

function parseCredential(credential: string): Pick<SigV4Claim, 'accessKeyId' | 'scope' | 'scopeText'> {
  const parts = credential.split('/');
  if (parts.length < 5 || parts.at(-1) !== 'aws4_request') {
    throw new MalformedAuthorizationError(
      `The Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  const [date, region, service] = parts.slice(-4, -1) as [string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (accessKeyId === '' || !SCOPE_DATE_PATTERN.test(date) || region === '' || service === '') {
    throw new MalformedAuthorizationError(
      `The Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
      { service: service === '' ? undefined : service },
    );
  }
  return { accessKeyId, scope: { date, region, service }, scopeText: `${date}/${region}/${service}/aws4_request` };
}

function parseSignedHeaders(text: string, service: string): string[] {
  const names = text.split(';');
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    // The list enters the canonical request verbatim, and every signer emits it sorted and lower case; anything
    // else is not a request an SDK made.
    if (!HEADER_NAME_PATTERN.test(name) || (index > 0 && names[index - 1]! >= name)) {
      throw new MalformedAuthorizationError('SignedHeaders must be lower-case header names, sorted, without repeats.', {
        service,
      });
    }
  }
  if (!names.includes('host')) {
    throw new MalformedAuthorizationError("The host header must be signed (it is missing from 'SignedHeaders').", {
      service,
    });
  }
  return names;
}

function parseSignature(signature: string, service: string): string {
  if (!SIGNATURE_PATTERN.test(signature)) {
    throw new MalformedAuthorizationError('The Signature must be 64 lower-case hexadecimal digits.', { service });
  }
  return signature;
}

function parseAmzDate(amzDate: string, scope: CredentialScope): Date {
  const match = AMZ_DATE_PATTERN.exec(amzDate);
  const [year, month, day, hours, minutes, seconds] = (match ?? []).slice(1).map(Number) as number[];
  const signedAt = match === null ? undefined : new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not come back unchanged was not a date.
  if (
    signedAt === undefined ||
    signedAt.getUTCDate() !== day ||
    signedAt.getUTCMonth() !== month! - 1 ||
    hours! > 23 ||
    minutes! > 59 ||
    seconds! > 59
  ) {
    throw new MalformedAuthorizationError(`X-Amz-Date must be in the ISO8601 long format "yyyyMMdd'T'HHmmss'Z'".`, {
      service: scope.service,
    });
  }
  if (!amzDate.startsWith(scope.date)) {
    throw new MalformedAuthorizationError(
      `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
      { service: scope.service },
    );
  }
  return signedAt;
}

/** formatAmzDate writes a time as SigV4 does: `yyyymmddThhmmssZ`. */
export function formatAmzDate(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Approver } from '../approvals/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { approverIdForEmail } from './approver-tokens.js';
import { OidcProviderError, OidcTokenError } from './errors.js';

/** OidcVerifierOptions name the identity provider and what its tokens must say to authenticate an approver. */
export interface OidcVerifierOptions {
  /** The provider's issuer, exactly as its tokens' `iss` and its discovery document's `issuer` spell it. */
  readonly issuer: string;
  /** The `aud` a token must carry: Airlock's client id at the provider, or its API's resource identifier. */
  readonly audience: string;
  /** The claim holding the approver's groups, an array of strings; default `groups`. */
  readonly groupsClaim?: string;
  readonly clock?: () => Date;
}

/** OidcVerifier checks a provider's JWTs and says which approver presented them. */
export interface OidcVerifier {
  readonly issuer: string;
  /**
   * verify checks a JWT's signature against the provider's published keys, its issuer, audience and times, and
   * returns the approver it names.
   *
   * @throws OidcTokenError when the token is not valid for Airlock now
   * @throws OidcProviderError when the provider's discovery document or keys cannot be had; the next call retries
   */
  verify(token: string): Promise<Approver>;
}

// Asymmetric algorithms only: with HS* the verification key would be a shared secret (or, in the classic attack,
// the provider's public key used as one), and `none` is no signature at all.
const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
// Tolerated difference between the provider's clock and ours, for `exp`, `nbf` and `iat`.
const CLOCK_TOLERANCE_SECONDS = 30;
const DISCOVERY_TIMEOUT_MS = 5_000;
const JWKS_TIMEOUT_MS = 5_000;

/**
 * createOidcVerifier returns a verifier for one identity provider. Nothing is fetched until the first token: then
 * `${issuer}/.well-known/openid-configuration` gives the `jwks_uri`, whose keys are cached (and re-fetched when a
 * token names a key not yet seen). A failed discovery is not remembered, so the provider being down for a moment
 * does not lock approvers out until a restart.
 *
 * The approver's identity is the token's `email` when it has one that is not marked unverified, because API tokens
 * are issued to emails: a person with a token and an OIDC login is one approver, and counts once in a quorum.
 * Otherwise it is `${iss}#${sub}`. `email` is passed on even when unverified, since the owner check may only err
 * towards refusing.
 *
 * @throws InvalidArgumentError for an issuer that is not an http(s) URL, or an empty audience or groups claim
 */
export function createOidcVerifier(options: OidcVerifierOptions): OidcVerifier {
  const issuer = checkIssuer(options.issuer);
  if (typeof options.audience !== 'string' || options.audience === '') {
    throw new InvalidArgumentError('oidc audience must not be empty');
  }
  const groupsClaim = options.groupsClaim ?? 'groups';
  if (groupsClaim === '') throw new InvalidArgumentError('oidc groups claim must not be empty');
  const clock = options.clock ?? (() => new Date());
  const audience = options.audience;
  let keys: Promise<JWTVerifyGetKey> | undefined;

  function providerKeys(): Promise<JWTVerifyGetKey> {
    if (keys === undefined) {
      const discovering = discoverKeys(issuer);
      keys = discovering;
      discovering.catch(() => {
        if (keys === discovering) keys = undefined;
      });
    }
    return keys;
  }

  return {
    issuer,
    async verify(token) {
      const getKey = await providerKeys();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer,
          audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: clock(),
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw classifyVerifyError(error);
      }
      return approverFromClaims(payload, groupsClaim);
    },
  };
}

/** approverFromClaims reads the approver from a verified token's claims. */
function approverFromClaims(payload: JWTPayload, groupsClaim: string): Approver {
  const { iss, sub } = payload;
  if (typeof iss !== 'string' || typeof sub !== 'string' || sub === '') {
    throw new OidcTokenError('the token has no subject');
  }
  const email = typeof payload['email'] === 'string' && payload['email'] !== '' ? payload['email'] : undefined;
  const id = email !== undefined && payload['email_verified'] !== false ? approverIdForEmail(email) : `${iss}#${sub}`;
  const claimed = payload[groupsClaim];
  const groups =
    Array.isArray(claimed) && claimed.every((group): group is string => typeof group === 'string') ? [...claimed] : [];
  return { id, groups, ...(email === undefined ? {} : { email }) };
}

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const discovery = await fetchDiscoveryDocument(issuer);
  return createRemoteJWKSet(new URL(discovery.endpoint('jwks_uri')), { timeoutDuration: JWKS_TIMEOUT_MS });
}

/** OidcDiscovery is a provider's discovery document, checked to be about the issuer asked for. */
export interface OidcDiscovery {
  /**
   * endpoint gives one of the document's URLs (`jwks_uri`, `authorization_endpoint`, `token_endpoint`): https, or
   * http only when the issuer itself is.
   *
   * @throws OidcProviderError when the document has no such URL, or an unusable one
   */
  endpoint(name: string): string;
}

/**
 * fetchDiscoveryDocument reads `<issuer>/.well-known/openid-configuration`.
 *
 * @throws OidcProviderError when it cannot be fetched, is not a JSON object, or names another issuer
 */
export async function fetchDiscoveryDocument(issuer: string): Promise<OidcDiscovery> {
  const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetch(discoveryUrl, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new OidcProviderError(`OIDC discovery at ${discoveryUrl} answered HTTP ${response.status}`);
    }
    document = await response.json();
  } catch (error) {
    if (error instanceof OidcProviderError) throw error;
    throw new OidcProviderError(`OIDC discovery at ${discoveryUrl} failed: ${describe(error)}`, { cause: error });
  }
  if (typeof document !== 'object' || document === null) {
    throw new OidcProviderError(`OIDC discovery at ${discoveryUrl} is not a JSON object`);
  }
  const fields = document as Record<string, unknown>;
  // OpenID Connect Discovery 1.0, section 4.3: the document's issuer must be exactly the one asked about, or a
  // provider could vouch for another's tokens.
  if (fields['issuer'] !== issuer) {
    throw new OidcProviderError(`OIDC discovery at ${discoveryUrl} names another issuer`);
  }
  return {
    endpoint(name) {
      const value = fields[name];
      const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
      if (
        url === undefined ||
        !(url.protocol === 'https:' || (url.protocol === 'http:' && issuer.startsWith('http:')))
      ) {
        throw new OidcProviderError(`OIDC discovery at ${discoveryUrl} gives no usable ${name}`);
      }
      return url.toString();
    },
  };
}

/** classifyVerifyError tells a bad token from a provider whose keys cannot be fetched. */
function classifyVerifyError(error: unknown): OidcTokenError | OidcProviderError {
  if (error instanceof OidcTokenError || error instanceof OidcProviderError) return error;
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new OidcProviderError(`the identity provider's keys cannot be fetched: ${error.message}`, { cause: error });
  }
  if (error instanceof errors.JOSEError && error.code !== 'ERR_JOSE_GENERIC') {
    return new OidcTokenError(tokenProblem(error), { cause: error });
  }
  // Fetch failures and non-200 answers from the key set's address surface as TypeError or a generic JOSEError.
  return new OidcProviderError(`the identity provider's keys cannot be fetched: ${describe(error)}`, { cause: error });
}

function tokenProblem(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's signing algorithm is not accepted";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's signing key is not one the provider publishes";
  return 'the token is not a valid JWT';
}

function checkIssuer(issuer: string): string {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
    throw new InvalidArgumentError('oidc issuer must be an http(s) URL');
  }
  const protocol = new URL(issuer).protocol;
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new InvalidArgumentError('oidc issuer must be an http(s) URL');
  }
  return issuer;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

import type { Approver } from '../approvals/index.js';
import type { Store } from '../store/index.js';
import { APPROVER_TOKEN_PREFIX, findApproverByToken } from './approver-tokens.js';
import { OidcTokenError } from './errors.js';
import type { OidcVerifier } from './oidc-verifier.js';

/** AuthenticationMethod says how an approver proved who they are. */
export type AuthenticationMethod = 'token' | 'oidc';

/**
 * AuthenticationRefusal says why no approver was authenticated:
 * - `missing`: no Authorization header (or an empty token);
 * - `malformed`: not `Bearer <token>`, or a token no issuer could have made;
 * - `unknown-token`: not a token Airlock issued, or one revoked or expired;
 * - `invalid-jwt`: a JWT the identity provider did not issue for Airlock, or no longer valid;
 * - `oidc-not-configured`: a JWT, but no identity provider is configured.
 */
export type AuthenticationRefusal = 'missing' | 'malformed' | 'unknown-token' | 'invalid-jwt' | 'oidc-not-configured';

/** ApproverAuthentication is an authenticator's answer. `message` may be shown to the caller; it holds no token. */
export type ApproverAuthentication =
  | { readonly ok: true; readonly approver: Approver; readonly method: AuthenticationMethod }
  | { readonly ok: false; readonly reason: AuthenticationRefusal; readonly message: string };

/** ApproverAuthenticatorOptions are where approvers' credentials are checked. */
export interface ApproverAuthenticatorOptions {
  /** Where approver API tokens' hashes are kept. */
  readonly store: Store;
  /** The identity provider's verifier; without it, JWTs are refused as `oidc-not-configured`. */
  readonly oidc?: OidcVerifier;
  readonly clock: () => Date;
}

/** ApproverAuthenticator tells who presented a credential. */
export interface ApproverAuthenticator {
  /**
   * authenticate reads an `Authorization: Bearer <token>` header value.
   *
   * @throws OidcProviderError when the token is a JWT and the identity provider cannot be reached: the token may be
   *   good, so this is not a refusal
   */
  authenticate(authorizationHeader: string | undefined): Promise<ApproverAuthentication>;
  /**
   * authenticateToken checks a bearer token given as it is (the approval page takes it from a form or a cookie).
   *
   * @throws OidcProviderError as `authenticate` does
   */
  authenticateToken(token: string): Promise<ApproverAuthentication>;
}

// Larger than any real ID token or access token with a few groups; a bound on what is parsed and hashed.
const MAX_TOKEN_LENGTH = 8192;
// RFC 6750 section 2.1: b64token, after a case-insensitive scheme and one or more spaces.
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * createApproverAuthenticator returns an authenticator for approver API tokens (`alt_...`, looked up by hash in the
 * store) and, when `oidc` is given, JWTs from the identity provider. Which one a token is follows from its shape,
 * so a token is never tried as both.
 */
export function createApproverAuthenticator(options: ApproverAuthenticatorOptions): ApproverAuthenticator {
  const { store, oidc, clock } = options;

  async function authenticateToken(token: string): Promise<ApproverAuthentication> {
    if (token === '') return refuse('missing', 'no bearer token was presented');
    if (token.length > MAX_TOKEN_LENGTH) return refuse('malformed', 'the bearer token is too long');
    if (token.startsWith(APPROVER_TOKEN_PREFIX)) {
      const approver = await findApproverByToken(store, token, clock());
      if (approver === undefined) {
        return refuse('unknown-token', 'the API token is not known, or has been revoked or has expired');
      }
      return { ok: true, approver, method: 'token' };
    }
    if (JWT_PATTERN.test(token)) {
      if (oidc === undefined) {
        return refuse('oidc-not-configured', 'JWTs are not accepted: no identity provider is configured');
      }
      try {
        return { ok: true, approver: await oidc.verify(token), method: 'oidc' };
      } catch (error) {
        if (error instanceof OidcTokenError) return refuse('invalid-jwt', error.message);
        throw error;
      }
    }
    return refuse('unknown-token', 'the bearer token is neither an Airlock API token nor a JWT');
  }

  return {
    async authenticate(authorizationHeader) {
      const token = parseBearerAuthorization(authorizationHeader);
      if (token === undefined) return refuse('missing', 'an Authorization: Bearer header is required');
      if (token === null) return refuse('malformed', 'the Authorization header must be "Bearer <token>"');
      return authenticateToken(token);
    },
    authenticateToken,
  };
}

/**
 * parseBearerAuthorization gives the token of an `Authorization: Bearer <token>` header value: undefined when there
 * is no header, null when it is not a well-formed bearer header.
 */
export function parseBearerAuthorization(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.length > MAX_TOKEN_LENGTH + 16) return null;
  const match = BEARER_PATTERN.exec(header.trim());
  return match?.[1] ?? null;
}

function refuse(reason: AuthenticationRefusal, message: string): ApproverAuthentication {
  return { ok: false, reason, message };
}

/**
 * approverForBearerToken adapts an authenticator to what the approval page asks for: the approver a raw bearer
 * token stands for, or undefined when it stands for no one. Refusal reasons are dropped; a provider outage still
 * throws, so it is not mistaken for a bad token.
 */
export function approverForBearerToken(
  authenticator: ApproverAuthenticator,
): (bearerToken: string) => Promise<Approver | undefined> {
  return async function approverForBearerToken(bearerToken) {
    const authentication = await authenticator.authenticateToken(bearerToken);
    return authentication.ok ? authentication.approver : undefined;
  };
}

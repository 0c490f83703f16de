import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Approver } from '../../approvals/index.js';
import { fetchDiscoveryDocument, OidcProviderError, OidcTokenError, type OidcVerifier } from '../../approvers/index.js';
import { AirlockError } from '../../core/errors.js';

/**
 * The approval page's OIDC sign-in: the authorization code flow with PKCE (RFC 7636, S256) and a nonce. Airlock is
 * the client; the provider's endpoints come from its discovery document; the ID token is checked by the same
 * verifier as bearer tokens (with the client id as audience) and must carry the nonce this login sent.
 */

/** OidcLoginOptions name the provider and Airlock's client there. */
export interface OidcLoginOptions {
  /** Checks ID tokens: its issuer is the provider's, and its audience must be `clientId`. */
  readonly verifier: OidcVerifier;
  readonly clientId: string;
  /** Sent with the code when the provider treats Airlock as a confidential client; PKCE is sent either way. */
  readonly clientSecret?: string;
  /** Where approvers' browsers reach the pages: the redirect URI is `${publicUrl}/oidc/callback`. */
  readonly publicUrl: string;
}

/** LoginRefusal says why a sign-in failed; it is the `reason` of its `page.refused` audit record. */
export type LoginRefusal =
  | 'oidc-login-missing'
  | 'oidc-state-mismatch'
  | 'oidc-provider-refused'
  | 'oidc-code-refused'
  | 'oidc-id-token-invalid'
  | 'oidc-nonce-mismatch'
  | 'oidc-provider-unavailable';

/** OidcLoginError: a sign-in step failed for `reason`. The message never holds a code or a token. */
export class OidcLoginError extends AirlockError {
  override readonly name: string = 'OidcLoginError';
  override readonly code: string = 'AIRLOCK_ERR_OIDC_LOGIN';
  readonly reason: LoginRefusal;

  constructor(reason: LoginRefusal, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** PendingLogin is what the login cookie carries from the redirect to the provider back to the callback. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly approvalId: string;
  readonly linkToken: string;
}

/** OidcLogin runs the two ends of the flow. */
export interface OidcLogin {
  /** The provider's host, to name it on the sign-in button. */
  readonly providerName: string;
  readonly redirectUri: string;
  /** start makes a fresh state, nonce and PKCE verifier and gives the provider's authorization URL for them. */
  start(approvalId: string, linkToken: string): Promise<{ readonly pending: PendingLogin; readonly url: string }>;
  /**
   * finish redeems the code the provider sent back for the login `pending` started, checks the ID token and its
   * nonce, and gives the approver it names.
   *
   * @throws OidcLoginError when any step fails
   */
  finish(pending: PendingLogin, code: string): Promise<Approver>;
}

const SECRET_BYTES = 32;
const PROVIDER_TIMEOUT_MS = 5_000;
const SCOPE = 'openid email groups';

/** createOidcLogin returns the sign-in for one provider; nothing is fetched until the first sign-in. */
export function createOidcLogin(options: OidcLoginOptions): OidcLogin {
  const { verifier, clientId, clientSecret } = options;
  const redirectUri = `${options.publicUrl.replace(/\/+$/, '')}/oidc/callback`;
  let endpoints: Promise<ProviderEndpoints> | undefined;

  function providerEndpoints(): Promise<ProviderEndpoints> {
    if (endpoints === undefined) {
      const discovering = discoverEndpoints(verifier.issuer);
      endpoints = discovering;
      // A failed discovery is not remembered, so a provider down for a moment does not stop sign-ins until restart.
      discovering.catch(() => {
        if (endpoints === discovering) endpoints = undefined;
      });
    }
    return endpoints;
  }

  return {
    providerName: new URL(verifier.issuer).host,
    redirectUri,
    async start(approvalId, linkToken) {
      const { authorizationEndpoint } = await providerEndpoints();
      const pending: PendingLogin = {
        state: randomSecret(),
        nonce: randomSecret(),
        codeVerifier: randomSecret(),
        approvalId,
        linkToken,
      };
      const url = new URL(authorizationEndpoint);
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: SCOPE,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
      })) {
        url.searchParams.set(name, value);
      }
      return { pending, url: url.toString() };
    },
    async finish(pending, code) {
      const { tokenEndpoint } = await providerEndpoints();
      const idToken = await redeemCode(tokenEndpoint, { clientId, clientSecret, redirectUri, pending, code });
      let approver: Approver;
      try {
        approver = await verifier.verify(idToken);
      } catch (error) {
        if (error instanceof OidcTokenError) {
          throw new OidcLoginError('oidc-id-token-invalid', `the ID token is not accepted: ${error.message}`);
        }
        if (error instanceof OidcProviderError) {
          throw new OidcLoginError('oidc-provider-unavailable', error.message, { cause: error });
        }
        throw error;
      }
      // The signature was verified just above, so the payload read here is the provider's.
      const { nonce } = decodeJwt(idToken);
      if (typeof nonce !== 'string' || !sameSecret(nonce, pending.nonce)) {
        throw new OidcLoginError('oidc-nonce-mismatch', 'the ID token does not carry the nonce this sign-in sent');
      }
      return approver;
    },
  };
}

/** sameSecret compares two secrets in constant time. */
export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

interface ProviderEndpoints {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

async function redeemCode(
  tokenEndpoint: string,
  request: {
    readonly clientId: string;
    readonly clientSecret: string | undefined;
    readonly redirectUri: string;
    readonly pending: PendingLogin;
    readonly code: string;
  },
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: request.code,
    redirect_uri: request.redirectUri,
    code_verifier: request.pending.codeVerifier,
  });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (request.clientSecret === undefined) {
    form.set('client_id', request.clientId);
  } else {
    // client_secret_basic, the default method (RFC 6749 section 2.3.1): both parts form-encoded first.
    const credentials = `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`;
    headers['authorization'] = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
  } catch (error) {
    throw new OidcLoginError('oidc-provider-unavailable', 'the token endpoint cannot be reached', { cause: error });
  }
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    answer = undefined;
  }
  if (response.status >= 500) {
    throw new OidcLoginError('oidc-provider-unavailable', `the token endpoint answered HTTP ${response.status}`);
  }
  const idToken = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>)['id_token'] : '';
  if (!response.ok || typeof idToken !== 'string' || idToken === '') {
    throw new OidcLoginError('oidc-code-refused', `the token endpoint gave no ID token (HTTP ${response.status})`);
  }
  return idToken;
}

async function discoverEndpoints(issuer: string): Promise<ProviderEndpoints> {
  try {
    const discovery = await fetchDiscoveryDocument(issuer);
    return {
      authorizationEndpoint: discovery.endpoint('authorization_endpoint'),
      tokenEndpoint: discovery.endpoint('token_endpoint'),
    };
  } catch (error) {
    if (!(error instanceof OidcProviderError)) throw error;
    throw new OidcLoginError('oidc-provider-unavailable', error.message, { cause: error });
  }
}

function randomSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

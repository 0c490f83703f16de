import { AirlockError } from '../core/errors.js';

/**
 * OidcTokenError: a presented JWT is not one the configured identity provider issued for Airlock now (bad signature,
 * wrong issuer or audience, expired, a refused algorithm, missing claims). The message says which, never the token.
 */
export class OidcTokenError extends AirlockError {
  override readonly name: string = 'OidcTokenError';
  override readonly code: string = 'AIRLOCK_ERR_OIDC_TOKEN';
}

/**
 * OidcProviderError: the identity provider's discovery document or keys cannot be fetched or are unusable, so no
 * token can be checked now. Not the presenter's fault: answered as unavailable, and tried again on the next call.
 */
export class OidcProviderError extends AirlockError {
  override readonly name: string = 'OidcProviderError';
  override readonly code: string = 'AIRLOCK_ERR_OIDC_PROVIDER';
}

/**
 * approvers: who an approver is. API tokens (issued to an email, stored as a hash) and OIDC JWTs from the configured
 * identity provider both resolve to an `Approver`; the API, the pages and the CLI authenticate through here. This
 * file is the folder's only door.
 */
export {
  APPROVER_TOKEN_PREFIX,
  approverIdForEmail,
  findApproverByToken,
  hashApproverToken,
  type IssuedApproverToken,
  isApproverTokenShaped,
  issueApproverToken,
  type NewApproverToken,
} from './approver-tokens.js';
export {
  type ApproverAuthentication,
  type ApproverAuthenticator,
  type ApproverAuthenticatorOptions,
  approverForBearerToken,
  type AuthenticationMethod,
  type AuthenticationRefusal,
  createApproverAuthenticator,
  parseBearerAuthorization,
} from './authenticate.js';
export { OidcProviderError, OidcTokenError } from './errors.js';
export {
  createOidcVerifier,
  fetchDiscoveryDocument,
  type OidcDiscovery,
  type OidcVerifier,
  type OidcVerifierOptions,
} from './oidc-verifier.js';

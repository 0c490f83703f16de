/**
 * sign: strip the agent's authentication and re-sign with real credentials that only Airlock holds.
 */
export { AssumedRoleCredentialSource, type AssumeRoleOptions, type AssumeRoleRuntime } from './assume-role.js';
export { AwsCredentials, type AwsCredentialsInit } from './aws-credentials.js';
export {
  type CredentialSource,
  type CredentialSourceConfig,
  type CredentialSourceRuntime,
  createCredentialSource,
} from './credential-source.js';
export { NodeSha256 } from './node-sha256.js';
export { type SignRequestOptions, signRequest } from './sign-request.js';
export {
  type AwsCredentialIdentity,
  type SigningScope,
  type SignWireRequestOptions,
  signWireRequest,
} from './sign-wire-request.js';

/**
 * forward: send signed requests upstream over pooled keep-alive connections, stream the answers back, and keep real
 * credentials out of responses the policy did not release.
 */
export { UpstreamError, type UpstreamFailureReason } from '../core/errors.js';
export { CREDENTIAL_ACTIONS, isCredentialAction } from './credential-actions.js';
export { type ScrubFormat, type ScrubResult, scrubCredentials, WITHHELD } from './credential-responses.js';
export {
  createForwarder,
  type ForwardOptions,
  type Forwarder,
  type ForwarderOptions,
  type UpstreamResponse,
} from './forwarder.js';
export {
  type ResponseInspection,
  type ScrubbedResponse,
  type ScrubResponseOptions,
  scrubResponse,
} from './scrub-response.js';
export { type Upstream, type UpstreamRoute } from './upstream-routes.js';

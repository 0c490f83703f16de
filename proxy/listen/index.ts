/**
 * listen: the agent-facing HTTP proxy. Takes `CONNECT host:port`, intercepts, passes through or refuses each host,
 * terminates TLS with a leaf minted from Airlock's CA for the CONNECT host, and hands every request inside the tunnel
 * to the pipeline together with that CONNECT target, which is the truth about where the request goes.
 */
export {
  CA_CERTIFICATE_FILE,
  CA_KEY_FILE,
  type CertificateAuthority,
  type CertificateAuthorityOptions,
  type CertificateRequest,
  loadOrCreateCertificateAuthority,
} from './certificate-authority.js';
export type { ConnectionErrorEvent, ConnectionEventKind } from './connection-events.js';
export { type ConnectTarget, formatAuthority, parseConnectAuthority } from './connect-target.js';
export { readBodyUpTo, wireRequestFrom } from './incoming-request.js';
export {
  LEAF_VALIDITY_DAYS,
  type LeafCertificate,
  LeafCertificateCache,
  type LeafCertificateCacheOptions,
  mintLeafCertificate,
} from './leaf-certificates.js';
export {
  type ClassifyHost,
  type HandleRequest,
  type HostClassification,
  type LeafContexts,
  PROXY_SERVER_DEFAULTS,
  type ProxyServerOptions,
} from './proxy-server-options.js';
export { createProxyServer, ProxyServer } from './proxy-server.js';

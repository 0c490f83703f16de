import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../core/errors.js';
import type { ConnectionErrorEvent } from './connection-events.js';
import type { ConnectTarget } from './connect-target.js';

/**
 * HostClassification is what the proxy does with a CONNECT target: open it and hand each request to the pipeline
 * (`intercept`), relay bytes without looking (`pass-through`), or answer 403 (`refuse`).
 */
export type HostClassification = 'intercept' | 'pass-through' | 'refuse';

/** ClassifyHost decides per CONNECT target. It may be asynchronous (a DNS check against private ranges, say). */
export type ClassifyHost = (host: string, port: number) => HostClassification | Promise<HostClassification>;

/**
 * HandleRequest receives each request inside an intercepted tunnel with its CONNECT target. It owns the response;
 * if it throws, the client gets a 500 (or, once headers are out, a closed connection).
 */
export type HandleRequest = (
  request: IncomingMessage,
  response: ServerResponse,
  target: ConnectTarget,
) => void | Promise<void>;

/** LeafContexts supplies the TLS context for a host: a LeafCertificateCache. */
export interface LeafContexts {
  secureContextFor(host: string): Promise<SecureContext>;
}

/** ProxyServerOptions configure createProxyServer. Times are milliseconds. */
export interface ProxyServerOptions {
  readonly leafCertificates: LeafContexts;
  readonly classifyHost: ClassifyHost;
  readonly handleRequest: HandleRequest;
  /** Receives one small event per connection-level problem, for logs. Must not throw. */
  readonly onConnectionError?: (event: ConnectionErrorEvent) => void;
  /** Largest request head (request line and headers) accepted; larger gets 431. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Time for a client to send a whole request head. Default 30 s. */
  readonly headersTimeoutMs?: number;
  /** Time for a client to send a whole request, body included. Default 300 s. */
  readonly requestTimeoutMs?: number;
  /** Time a keep-alive connection or a pass-through tunnel may sit idle. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** Time for a client to finish the TLS handshake after `200 Connection Established`. Default 10 s. */
  readonly tlsHandshakeTimeoutMs?: number;
  /** Time for a pass-through tunnel to reach its host. Default 10 s. */
  readonly upstreamConnectTimeoutMs?: number;
}

/** PROXY_SERVER_DEFAULTS are the limits an option left out takes. */
export const PROXY_SERVER_DEFAULTS = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  tlsHandshakeTimeoutMs: 10_000,
  upstreamConnectTimeoutMs: 10_000,
};

/** ProxyServerLimits are the limits in force, defaults filled in. */
export type ProxyServerLimits = typeof PROXY_SERVER_DEFAULTS;

/**
 * validateProxyServerOptions checks the collaborators and limits once, at construction, and fills in defaults.
 *
 * @throws InvalidArgumentError naming the first option that cannot work
 */
export function validateProxyServerOptions(options: ProxyServerOptions): ProxyServerLimits {
  if (typeof options?.classifyHost !== 'function') throw new InvalidArgumentError('classifyHost must be a function');
  if (typeof options.handleRequest !== 'function') throw new InvalidArgumentError('handleRequest must be a function');
  if (typeof options.leafCertificates?.secureContextFor !== 'function') {
    throw new InvalidArgumentError('leafCertificates must be a LeafCertificateCache');
  }
  if (options.onConnectionError !== undefined && typeof options.onConnectionError !== 'function') {
    throw new InvalidArgumentError('onConnectionError must be a function');
  }
  const limits = { ...PROXY_SERVER_DEFAULTS };
  for (const name of Object.keys(PROXY_SERVER_DEFAULTS) as Array<keyof ProxyServerLimits>) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    limits[name] = value;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new InvalidArgumentError('headersTimeoutMs must not exceed requestTimeoutMs');
  }
  return limits;
}

import type { ListenAddress } from '../config/index.js';

/** The addresses that mean "every interface": a server listening there is reached on loopback from this machine. */
const WILDCARD_HOSTS: ReadonlyMap<string, string> = new Map([
  ['0.0.0.0', '127.0.0.1'],
  ['::', '::1'],
]);

/**
 * clientUrl is the `http://` URL a client on this machine uses to reach a server listening at `address`: a
 * wildcard host becomes loopback, and an IPv6 host is bracketed.
 */
export function clientUrl(address: ListenAddress): string {
  const host = WILDCARD_HOSTS.get(address.host) ?? address.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** listensOnEveryInterface says whether `address` is a wildcard, so that clients elsewhere use this host's name. */
export function listensOnEveryInterface(address: ListenAddress): boolean {
  return WILDCARD_HOSTS.has(address.host);
}

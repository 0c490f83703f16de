import { isIPv4, isIPv6 } from 'node:net';

/**
 * ConnectTarget is the authority of a CONNECT request: where the agent asked to go. It is the truth for the tunnel:
 * the leaf is minted for it, SNI and Host must agree with it, and only it is ever forwarded to. `host` is lower case,
 * an IPv6 literal without brackets.
 */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
}

// One DNS label: letters, digits, hyphens inside, at most 63. Underscores are allowed because real service names
// carry them (`_dmarc`-style labels, legacy S3 bucket names); no DNS name may contain anything else.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const PORT = /^[1-9][0-9]{0,4}$/;

/**
 * parseConnectAuthority reads a CONNECT request target, `host:port` (or `[v6]:port`), strictly: a port is required
 * and must be 1–65535 without leading zeros; a host is a DNS name of valid labels (no trailing dot), a dotted-quad
 * IPv4 address, or a bracketed IPv6 address without a zone. Returns undefined for anything else.
 */
export function parseConnectAuthority(authority: string): ConnectTarget | undefined {
  const hostPort = splitHostPort(authority);
  if (hostPort?.port === undefined) return undefined;
  return { host: hostPort.host, port: hostPort.port };
}

/**
 * hostHeaderMatches tells whether a `Host` header names the CONNECT target: the same host (case-insensitive), and
 * the same port when it gives one (clients leave out the scheme's default port).
 */
export function hostHeaderMatches(hostHeader: string, target: ConnectTarget): boolean {
  const named = splitHostPort(hostHeader, { portOptional: true });
  return named !== undefined && named.host === target.host && (named.port === undefined || named.port === target.port);
}

/**
 * serverNameMatches tells whether a TLS SNI value names the CONNECT target's host. Some Go clients send `host:port`
 * as the server name, so a port is ignored.
 */
export function serverNameMatches(serverName: string, target: ConnectTarget): boolean {
  const named = splitHostPort(serverName, { portOptional: true });
  return named !== undefined && named.host === target.host;
}

/** formatAuthority writes `host` or `host:port` (IPv6 bracketed), leaving out the port when it is `defaultPort`. */
export function formatAuthority(target: ConnectTarget, defaultPort = 443): string {
  const host = isIPv6(target.host) ? `[${target.host}]` : target.host;
  return target.port === defaultPort ? host : `${host}:${target.port}`;
}

function splitHostPort(
  text: string,
  { portOptional = false } = {},
): { host: string; port: number | undefined } | undefined {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    host = text.slice(1, close);
    if (host.includes('%') || !isIPv6(host)) return undefined;
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (!isHostName(host) && !isIPv4(host)) return undefined;
  }
  if (portText === undefined) return portOptional ? { host: host.toLowerCase(), port: undefined } : undefined;
  if (!PORT.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65_535) return undefined;
  return { host: host.toLowerCase(), port };
}

function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.toLowerCase().split('.');
  // A name whose last label is all digits would be read as an IPv4 address by URL parsers: `999.1.1.1`, `1.2.3`.
  return labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

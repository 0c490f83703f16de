import type { IncomingHttpHeaders } from 'node:http';
import type { WireHeaders } from '../identify/index.js';

/**
 * Headers that describe one connection and never cross a proxy (RFC 9110 §7.6.1), plus `expect`: the listen stage
 * answers `100-continue` itself, and the upstream connection frames its own body.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

const NOTHING_LISTED: ReadonlySet<string> = new Set();

/**
 * isHopByHopHeader tells whether a lower-case header name never crosses a proxy: `connection`, `keep-alive`,
 * `proxy-*`, `te`, `trailer`, `transfer-encoding`, `upgrade`, `expect`, and the names `connection` lists when they
 * are given.
 */
export function isHopByHopHeader(name: string, listedByConnection = NOTHING_LISTED): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listedByConnection.has(name);
}

function namesListedBy(connection: string | readonly string[] | undefined): ReadonlySet<string> {
  const values = connection === undefined ? [] : typeof connection === 'string' ? [connection] : connection;
  const names = new Set<string>();
  for (const value of values) {
    for (const name of value.split(',')) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed !== '') names.add(trimmed);
    }
  }
  return names;
}

/**
 * requestHeadersWithoutHopByHop copies the headers of a signed request that may travel upstream: all but
 * `connection` and the names it lists, `keep-alive`, `proxy-*`, `te`, `trailer`, `transfer-encoding`, `upgrade`
 * and `expect`. Undici adds its own `connection` and, for streamed bodies, `transfer-encoding`.
 */
export function requestHeadersWithoutHopByHop(headers: WireHeaders): Record<string, string> {
  const listed = namesListedBy(headers.connection);
  const kept: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !isHopByHopHeader(name, listed)) kept[name] = value;
  }
  return kept;
}

/**
 * responseHeadersWithoutHopByHop copies an upstream response's headers minus the same hop-by-hop set, so that the
 * listen stage frames the body for the agent's own connection.
 */
export function responseHeadersWithoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = namesListedBy(headers.connection);
  const kept: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value !== undefined && !isHopByHopHeader(lower, listed)) kept[lower] = value;
  }
  return kept;
}

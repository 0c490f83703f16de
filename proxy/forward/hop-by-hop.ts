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
  if (connection === undefined) return NOTHING_LISTED;
  const values = typeof connection === 'string' ? [connection] : connection;
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
 * responseHeadersWithoutHopByHop reads an upstream response's raw headers (`IncomingMessage.rawHeaders`: name, value,
 * name, value...) in one pass: names in lower case, a header the upstream repeated (`set-cookie`) as the list of its
 * values, and the same hop-by-hop set as for requests left out, so that the listen stage frames the body for the
 * agent's own connection.
 */
export function responseHeadersWithoutHopByHop(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = Object.create(null);
  let connection: string[] | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    const value = rawHeaders[index + 1]!;
    if (name === 'connection') (connection ??= []).push(value);
    if (isHopByHopHeader(name)) continue;
    const seen = kept[name];
    if (seen === undefined) kept[name] = value;
    else if (typeof seen === 'string') kept[name] = [seen, value];
    else seen.push(value);
  }
  if (connection !== undefined) for (const name of namesListedBy(connection)) delete kept[name];
  return kept;
}

import { DecodeError } from '../errors.js';

/** QueryPair is one `key=value` of a query string or form body, decoded; a bare `key` has the value ''. */
export type QueryPair = readonly [key: string, value: string];

/** splitTarget splits a raw request-target into its path and its query string (without the `?`). */
export function splitTarget(target: string): { pathname: string; rawQuery: string } {
  const q = target.indexOf('?');
  if (q < 0) return { pathname: target, rawQuery: '' };
  return { pathname: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/**
 * percentDecode decodes `%XX` escapes (UTF-8); with plusIsSpace, `+` is a space as in form bodies. REST paths and
 * query strings are RFC 3986, where `+` is itself.
 * @throws DecodeError `malformed-request` on a bad escape or invalid UTF-8.
 */
export function percentDecode(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace && text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new DecodeError('malformed-request', `bad percent-encoding in ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/**
 * parseQueryString decodes `a=1&b&c=3` into pairs, keeping order and repeats. Empty pieces (`a=1&&b=2`) are skipped.
 * @throws DecodeError `malformed-request` on a bad escape.
 */
export function parseQueryString(raw: string, plusIsSpace: boolean): QueryPair[] {
  const pairs: QueryPair[] = [];
  if (raw === '') return pairs;
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([percentDecode(key, plusIsSpace), percentDecode(value, plusIsSpace)]);
  }
  return pairs;
}

/** QueryMap groups query pairs by key, keeping every value in order. */
export type QueryMap = ReadonlyMap<string, readonly string[]>;

/** toQueryMap groups pairs by key. */
export function toQueryMap(pairs: readonly QueryPair[]): QueryMap {
  const map = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const values = map.get(key);
    if (values === undefined) map.set(key, [value]);
    else values.push(value);
  }
  return map;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * decodeUtf8 turns body bytes into text.
 * @throws DecodeError `malformed-request` when the bytes are not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DecodeError('malformed-request', `${what} is not valid UTF-8`);
  }
}

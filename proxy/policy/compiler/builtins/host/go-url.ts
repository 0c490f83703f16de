/*
 * Go's net/url: Parse, String, EscapedPath and ResolveReference, with Go's escaping rules and error texts, for the
 * built-ins whose answers depend on how Go reads a URL (providers.aws.sign_req signs EscapedPath and RawQuery; JSON
 * Schema resolves `$ref` against `$id` and checks the `uri` formats; crypto.x509 parses and constrains the URIs of
 * subject alternative names).
 *
 * Go strings are bytes, and unescaping can produce any byte, valid UTF-8 or not: here they are "byte strings", one
 * character per byte (code 0–255). A caller holding text converts at the boundary (toByteString, fromByteString);
 * a certificate's URI is bytes already. Error messages are text, quoted as strconv.Quote quotes bytes.
 */

import { goString } from './bytes.js';
import { quoteBytes } from './bytes.js';

/** GoUrlError is Go's *url.Error: `parse "<url>": <reason>`. */
export class GoUrlError extends Error {
  override readonly name = 'GoUrlError';
}

/** Reason is the error url.Error wraps, before parseUrl adds the URL. */
class Reason extends Error {}

/** GoUrl is Go's url.URL, every string a byte string; `user` holds the userinfo unescaped, or undefined for none. */
export interface GoUrl {
  scheme: string;
  opaque: string;
  user: { username: string; password: string | undefined } | undefined;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

/** toByteString is the UTF-8 encoding of text as a byte string (an unpaired surrogate as U+FFFD, as Go's []byte). */
export const toByteString = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** fromByteString reads a byte string as Go text: each byte of an invalid UTF-8 sequence becomes U+FFFD. */
export const fromByteString = (bytes: string): string => goString(Buffer.from(bytes, 'latin1'));

const quote = (bytes: string): string => quoteBytes(Buffer.from(bytes, 'latin1'));

/** The parts of a URL Go escapes differently (Go's `encoding` modes). */
type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isAlphanumeric = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const unhex = (c: number): number => Number.parseInt(String.fromCharCode(c), 16);

/** shouldEscape is Go's rule for whether byte `c` must be %-escaped in `mode`. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlphanumeric(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

/**
 * unescape is Go's url.unescape: decodes %XX escapes, checking them as Go does for `mode`.
 *
 * @throws {Reason} with Go's EscapeError or InvalidHostError text.
 */
function unescape(s: string, mode: Mode): string {
  let escapes = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      escapes++;
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        throw new Reason(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
      }
      // In a host, %-escapes may only stand for non-ASCII bytes, except %25 (RFC 6874 zones).
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') {
        throw new Reason(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
      }
      if (mode === 'zone') {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
          throw new Reason(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
        }
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === 'queryComponent';
      i++;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new Reason(`invalid character ${quote(s[i]!)} in host name`);
      }
      i++;
    }
  }
  if (escapes === 0 && !hasPlus) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      out += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b) {
      out += mode === 'queryComponent' ? ' ' : '+';
    } else {
      out += s[i];
    }
  }
  return out;
}

/** escape is Go's url.escape: the bytes of `s`, %-escaped where `mode` requires. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === 'queryComponent') out += '+';
    else if (shouldEscape(c, mode)) out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += s[i];
  }
  return out;
}

/** validEncoded is Go's check that a raw path or fragment is already a valid escaping. */
function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    if ("!$&'()*+,;=:@[]%".includes(s[i]!)) continue;
    if (shouldEscape(s.charCodeAt(i), mode)) return false;
  }
  return true;
}

function getScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new Reason('missing protocol scheme');
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new Reason("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Reason(`invalid port ${quote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return (
        unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host')
      );
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new Reason(`invalid port ${quote(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(authority: string): Pick<GoUrl, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) throw new Reason('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { user: { username: unescape(userinfo, 'userPassword'), password: undefined }, host };
  return {
    user: {
      username: unescape(userinfo.slice(0, colon), 'userPassword'),
      password: unescape(userinfo.slice(colon + 1), 'userPassword'),
    },
    host,
  };
}

/** setPath is Go's URL.setPath: RawPath is kept only when the default escaping of Path differs from `p`. */
function setPath(url: GoUrl, p: string): void {
  url.path = unescape(p, 'path');
  url.rawPath = escape(url.path, 'path') === p ? '' : p;
}

/** parseWithoutFragment is Go's url.parse(rawURL, viaRequest=false). */
function parseWithoutFragment(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Reason('net/url: invalid control character in URL');
  const url: GoUrl = {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  const { scheme, rest: afterScheme } = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) {
      throw new Reason('first path segment in URL cannot contain colon');
    }
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    Object.assign(url, parseAuthority(authority));
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  setPath(url, rest);
  return url;
}

/**
 * parseUrl is Go's url.Parse of byte string `raw`.
 *
 * @throws {GoUrlError} with Go's message, e.g. `parse "%zz": invalid URL escape "%zz"`.
 */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const withoutFragment = hash < 0 ? raw : raw.slice(0, hash);
  let url: GoUrl;
  try {
    url = parseWithoutFragment(withoutFragment);
  } catch (error) {
    if (error instanceof Reason) throw new GoUrlError(`parse ${quote(withoutFragment)}: ${error.message}`);
    throw error;
  }
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  if (fragment === '') return url;
  try {
    url.fragment = unescape(fragment, 'fragment');
  } catch (error) {
    if (error instanceof Reason) throw new GoUrlError(`parse ${quote(raw)}: ${error.message}`);
    throw error;
  }
  url.rawFragment = escape(url.fragment, 'fragment') === fragment ? '' : fragment;
  return url;
}

function unescapesTo(raw: string, mode: Mode, expected: string): boolean {
  try {
    return unescape(raw, mode) === expected;
  } catch (error) {
    if (error instanceof Reason) return false;
    throw error;
  }
}

/** escapedPath is Go's URL.EscapedPath (always ASCII). */
export function escapedPath(url: GoUrl): string {
  if (url.rawPath !== '' && validEncoded(url.rawPath, 'path') && unescapesTo(url.rawPath, 'path', url.path)) {
    return url.rawPath;
  }
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

/** escapedFragment is Go's URL.EscapedFragment (always ASCII). */
function escapedFragment(url: GoUrl): string {
  if (
    url.rawFragment !== '' &&
    validEncoded(url.rawFragment, 'fragment') &&
    unescapesTo(url.rawFragment, 'fragment', url.fragment)
  ) {
    return url.rawFragment;
  }
  return escape(url.fragment, 'fragment');
}

/** urlString is Go's URL.String, as a byte string. */
export function urlString(url: GoUrl): string {
  let out = '';
  if (url.scheme !== '') out += `${url.scheme}:`;
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if (url.scheme !== '' || url.host !== '' || url.user !== undefined) {
      if (!(url.omitHost && url.host === '' && url.user === undefined)) {
        if (url.host !== '' || url.path !== '' || url.user !== undefined) out += '//';
        if (url.user !== undefined) {
          out += escape(url.user.username, 'userPassword');
          if (url.user.password !== undefined) out += `:${escape(url.user.password, 'userPassword')}`;
          out += '@';
        }
        if (url.host !== '') out += escape(url.host, 'host');
      }
    }
    const path = escapedPath(url);
    if (path !== '' && path[0] !== '/' && url.host !== '') out += '/';
    if (out === '') {
      // A first segment with a colon would read as a scheme: RFC 3986 §4.2 prefixes "./".
      const slash = path.indexOf('/');
      if ((slash < 0 ? path : path.slice(0, slash)).includes(':')) out += './';
    }
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`;
  if (url.fragment !== '') out += `#${escapedFragment(url)}`;
  return out;
}

/** resolvePath is Go's resolvePath: merges a reference path into a base path and removes dot segments. */
function resolvePath(base: string, ref: string): string {
  let full: string;
  if (ref === '') full = base;
  else if (ref[0] !== '/') full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';
  let dst = '/';
  let first = true;
  const elements = full.split('/');
  for (const elem of elements) {
    if (elem === '.') {
      first = false;
      continue;
    }
    if (elem === '..') {
      const str = dst.slice(1);
      const index = str.lastIndexOf('/');
      dst = '/';
      if (index === -1) first = true;
      else dst += str.slice(0, index);
    } else {
      if (!first) dst += '/';
      dst += elem;
      first = false;
    }
  }
  const last = elements[elements.length - 1];
  if (last === '.' || last === '..') dst += '/';
  return dst.length > 1 && dst[1] === '/' ? dst.slice(1) : dst;
}

/** resolveReference is Go's URL.ResolveReference (RFC 3986 §5.2). */
export function resolveReference(base: GoUrl, ref: GoUrl): GoUrl {
  const url: GoUrl = { ...ref };
  if (ref.scheme === '') url.scheme = base.scheme;
  if (ref.scheme !== '' || ref.host !== '' || ref.user !== undefined) {
    setPath(url, resolvePath(escapedPath(ref), ''));
    return url;
  }
  if (ref.opaque !== '') {
    url.user = undefined;
    url.host = '';
    url.path = '';
    return url;
  }
  if (ref.path === '' && !ref.forceQuery && ref.rawQuery === '') {
    url.rawQuery = base.rawQuery;
    if (ref.fragment === '') {
      url.fragment = base.fragment;
      url.rawFragment = base.rawFragment;
    }
  }
  if (ref.path === '' && base.opaque !== '') {
    url.opaque = base.opaque;
    url.user = undefined;
    url.host = '';
    url.path = '';
    return url;
  }
  url.host = base.host;
  url.user = base.user;
  setPath(url, resolvePath(escapedPath(base), escapedPath(ref)));
  return url;
}

/*
 * Go's net/url: Parse, String, EscapedPath, EscapedFragment and ResolveReference, with Go's escaping rules and
 * error texts, for the built-ins whose answers depend on how Go reads a URL (providers.aws.sign_req signs
 * EscapedPath and RawQuery; JSON Schema resolves `$ref` against `$id` and checks the `uri` formats).
 *
 * Go works on bytes: escaping and unescaping here work on the UTF-8 bytes of a string.
 */

import { quoteGo } from './value.js';

/** GoUrlError is Go's *url.Error: `parse "<url>": <reason>`. */
export class GoUrlError extends Error {
  override readonly name = 'GoUrlError';
}

/** The parts of a URL Go escapes differently (Go's `encoding` modes). */
type Component = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** GoUrl is Go's url.URL, the fields net/url keeps. */
export interface GoUrl {
  scheme: string;
  opaque: string;
  /** The userinfo, unescaped (`user` or `user:password`), or undefined when the URL has none. */
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEX = '0123456789ABCDEF';

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** shouldEscape is Go's rule for whether byte `c` must be %-escaped in `mode`. */
function shouldEscape(c: number, mode: Component): boolean {
  const ch = String.fromCharCode(c);
  if (/^[a-zA-Z0-9]$/.test(ch)) return false;
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

/** escape is Go's url.escape: the UTF-8 bytes of `s`, %-escaped where `mode` requires. */
function escape(s: string, mode: Component): string {
  let out = '';
  for (const byte of encoder.encode(s)) {
    if (byte === 0x20 && mode === 'queryComponent') out += '+';
    else if (shouldEscape(byte, mode)) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/**
 * unescape is Go's url.unescape: decodes %XX escapes, checking them as Go does for `mode`.
 *
 * @throws {Error} with Go's EscapeError or InvalidHostError text.
 */
function unescape(s: string, mode: Component): string {
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new Error(`invalid URL escape ${quoteGo(s.slice(i, i + 3))}`);
      }
      const escaped = s.slice(i, i + 3);
      if (mode === 'host' && Number.parseInt(s[i + 1]!, 16) < 8 && escaped !== '%25') {
        throw new Error(`invalid URL escape ${quoteGo(escaped)}`);
      }
      if (mode === 'zone') {
        const v = Number.parseInt(s.slice(i + 1, i + 3), 16);
        if (escaped !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
          throw new Error(`invalid URL escape ${quoteGo(escaped)}`);
        }
      }
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c.charCodeAt(0), mode)) {
      throw new Error(`invalid character ${quoteGo(c)} in host name`);
    }
    i++;
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === '%') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (c === '+' && mode === 'queryComponent') {
      bytes.push(0x20);
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** validEncoded is Go's check that a raw path or fragment is already a valid escaping. */
function validEncoded(s: string, mode: Component): boolean {
  for (const byte of encoder.encode(s)) {
    const ch = String.fromCharCode(byte);
    if ("!$&'()*+,;=:@[]%".includes(ch)) continue;
    if (shouldEscape(byte, mode)) return false;
  }
  return true;
}

function getScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/^[a-zA-Z]$/.test(c)) continue;
    if (/^[0-9+\-.]$/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
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
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${quoteGo(colonPort)} after host`);
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
      if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${quoteGo(colonPort)} after host`);
    }
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

function parseAuthority(authority: string): Pick<GoUrl, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) throw new Error('net/url: invalid userinfo');
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

function setPath(url: GoUrl, p: string): void {
  url.path = unescape(p, 'path');
  url.rawPath = escape(url.path, 'path') === p ? '' : p;
}

function setFragment(url: GoUrl, f: string): void {
  url.fragment = unescape(f, 'fragment');
  url.rawFragment = escape(url.fragment, 'fragment') === f ? '' : f;
}

function parseWithoutFragment(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
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
  if (rest.endsWith('?') && rest.split('?').length === 2) {
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
      throw new Error('first path segment in URL cannot contain colon');
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
 * parseUrl is Go's url.Parse.
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
    throw new GoUrlError(`parse ${quoteGo(withoutFragment)}: ${(error as Error).message}`);
  }
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  if (fragment === '') return url;
  try {
    setFragment(url, fragment);
  } catch (error) {
    throw new GoUrlError(`parse ${quoteGo(raw)}: ${(error as Error).message}`);
  }
  return url;
}

/** escapedPath is Go's URL.EscapedPath. */
export function escapedPath(url: GoUrl): string {
  if (url.rawPath !== '' && validEncoded(url.rawPath, 'path')) {
    try {
      if (unescape(url.rawPath, 'path') === url.path) return url.rawPath;
    } catch {
      // Not a valid escaping after all: fall back to escaping the path.
    }
  }
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

/** escapedFragment is Go's URL.EscapedFragment. */
export function escapedFragment(url: GoUrl): string {
  if (url.rawFragment !== '' && validEncoded(url.rawFragment, 'fragment')) {
    try {
      if (unescape(url.rawFragment, 'fragment') === url.fragment) return url.rawFragment;
    } catch {
      // Not a valid escaping after all: fall back to escaping the fragment.
    }
  }
  return escape(url.fragment, 'fragment');
}

/** urlString is Go's URL.String. */
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

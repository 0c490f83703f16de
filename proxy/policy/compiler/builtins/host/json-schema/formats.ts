/*
 * The `format` values gojsonschema checks, each as its Go checker does (time.Parse layouts, net.ParseIP, url.Parse,
 * net/mail, regexp, and its own regular expressions). An unknown format, or a value that is not a string, passes.
 */

import { parseIP } from '../go-net.js';
import { parseTime, TimeParseError } from '../go-time/layout.js';
import { fromByteString, GoUrlError, parseUrl, toByteString, type GoUrl } from '../go-url.js';
import type { JsonValue } from './json-value.js';
import { isMailAddress } from './mail-address.js';
import { compileRegex } from './schema.js';

const HOSTNAME =
  /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/u;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/u;

function parsesAs(layouts: readonly string[], value: string): boolean {
  return layouts.some((layout) => {
    try {
      parseTime(layout, value);
      return true;
    } catch (error) {
      if (error instanceof TimeParseError) return false;
      throw error;
    }
  });
}

function goUrl(value: string): GoUrl | undefined {
  try {
    return parseUrl(toByteString(value));
  } catch (error) {
    if (error instanceof GoUrlError) return undefined;
    throw error;
  }
}

/**
 * bracesBalanced is gojsonschema's URI-template check, `^([^{]*({[^}]*})?)*$`, written as a scan: the regular
 * expression backtracks exponentially in JavaScript.
 */
function bracesBalanced(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== '{') continue;
    const close = path.indexOf('}', i + 1);
    if (close < 0) return false;
    i = close;
  }
  return true;
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

const CHECKERS: ReadonlyMap<string, (value: string) => boolean> = new Map([
  ['date', (v) => parsesAs(['2006-01-02'], v)],
  ['time', (v) => parsesAs(['15:04:05Z07:00', '15:04:05'], v)],
  ['date-time', (v) => parsesAs(['15:04:05', '15:04:05Z07:00', '2006-01-02', RFC3339, RFC3339_NANO], v)],
  ['hostname', (v) => HOSTNAME.test(v) && v.length < 256],
  ['email', isMailAddress],
  ['idn-email', isMailAddress],
  ['ipv4', (v) => parseIP(v) !== undefined && v.includes('.')],
  ['ipv6', (v) => parseIP(v) !== undefined && v.includes(':')],
  ['uri', (v) => (goUrl(v)?.scheme ?? '') !== '' && !v.includes('\\')],
  ['uri-reference', (v) => goUrl(v) !== undefined && !v.includes('\\')],
  ['iri', (v) => (goUrl(v)?.scheme ?? '') !== '' && !v.includes('\\')],
  ['iri-reference', (v) => goUrl(v) !== undefined && !v.includes('\\')],
  [
    'uri-template',
    (v) => {
      const url = goUrl(v);
      return url !== undefined && !v.includes('\\') && bracesBalanced(fromByteString(url.path));
    },
  ],
  ['uuid', (v) => UUID.test(v)],
  ['regex', (v) => v === '' || compileRegex(v) !== undefined],
  ['json-pointer', (v) => JSON_POINTER.test(v)],
  ['relative-json-pointer', (v) => RELATIVE_JSON_POINTER.test(v)],
]);

/** isFormat says whether a value passes gojsonschema's checker for `format`. */
export function isFormat(format: string, value: JsonValue): boolean {
  const check = CHECKERS.get(format);
  return check === undefined || typeof value !== 'string' || check(value);
}

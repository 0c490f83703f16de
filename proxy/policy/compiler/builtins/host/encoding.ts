/*
 * Encodings (OPA's topdown/encoding.go): base64 and base64url (strict like Go's encoding/base64), hex, URL query
 * escaping (Go's net/url), json.is_valid and json.marshal_with_options (Go's encoding/json output).
 */

import type { HostBuiltinTable } from './builtin.js';
import { goString, utf8Bytes } from './bytes.js';
import { BuiltinError } from './errors.js';
import { objectOperand, operandError, operandTypeError, stringOperand } from './operands.js';
import { compareStrings, formatNumber, objectEntries, type RegoObject, RegoSet, type RegoValue } from './value.js';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_BASE64 = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** decodeBase64 decodes as Go's StdEncoding/URLEncoding (padding required, CR and LF ignored). */
function decodeBase64(builtin: string, text: string, url: boolean): Uint8Array {
  const cleaned = text.replace(/[\r\n]/g, '');
  if (!(url ? URL_BASE64 : STD_BASE64).test(cleaned)) {
    throw new BuiltinError(`${builtin}: illegal base64 data at input byte ${firstBadByte(cleaned, url)}`);
  }
  return new Uint8Array(Buffer.from(cleaned, url ? 'base64url' : 'base64'));
}

function firstBadByte(text: string, url: boolean): number {
  const alphabet = url ? /[A-Za-z0-9_-]/ : /[A-Za-z0-9+/]/;
  for (let i = 0; i < text.length; i++) if (!alphabet.test(text[i]!)) return i;
  return text.length;
}

/** queryEscape is Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of utf8Bytes(s)) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** queryUnescape is Go's url.QueryUnescape. */
function queryUnescape(builtin: string, s: string): string {
  const bytes: number[] = [];
  const source = utf8Bytes(s);
  for (let i = 0; i < source.length; i++) {
    const b = source[i]!;
    if (b === 0x25) {
      const hex = String.fromCharCode(source[i + 1] ?? 0, source[i + 2] ?? 0);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        const badEscape = goString(source.slice(i, Math.min(i + 3, source.length)));
        throw new BuiltinError(`${builtin}: invalid URL escape ${JSON.stringify(badEscape)}`);
      }
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (b === 0x2b) {
      bytes.push(0x20);
    } else {
      bytes.push(b);
    }
  }
  return goString(new Uint8Array(bytes));
}

/** Go's encoding/json string escaping, HTML-safe as json.Marshal is. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
    }
    if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** goJson writes a value as Go's json.MarshalIndent (or Marshal when indent is undefined) does. */
export function goJson(value: RegoValue, indent: string | undefined, prefix: string, depth = 0): string {
  const newline = (level: number): string => (indent === undefined ? '' : `\n${prefix}${indent.repeat(level)}`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return String(value);
    case 'number':
    case 'bigint':
      return formatNumber(value);
    case 'string':
      return goJsonString(value);
  }
  const separator = indent === undefined ? ':' : ': ';
  if (Array.isArray(value) || value instanceof RegoSet) {
    const items = Array.isArray(value) ? value : value.members;
    if (items.length === 0) return '[]';
    return `[${items.map((v) => newline(depth + 1) + goJson(v, indent, prefix, depth + 1)).join(',')}${newline(depth)}]`;
  }
  const entries = objectEntries(value as RegoObject)
    .map(([k, v]) => [typeof k === 'string' ? k : goJson(k, undefined, ''), v] as const)
    .sort(([a], [b]) => compareStrings(a, b));
  if (entries.length === 0) return '{}';
  return `{${entries
    .map(([k, v]) => newline(depth + 1) + goJsonString(k) + separator + goJson(v, indent, prefix, depth + 1))
    .join(',')}${newline(depth)}}`;
}

/** ENCODING_BUILTINS implements base64*, hex.*, urlquery.*, json.is_valid and json.marshal_with_options. */
export const ENCODING_BUILTINS: HostBuiltinTable = {
  'base64.encode': ([s]) => Buffer.from(utf8Bytes(stringOperand('base64.encode', 1, s))).toString('base64'),
  'base64.decode': ([s]) => goString(decodeBase64('base64.decode', stringOperand('base64.decode', 1, s), false)),
  'base64.is_valid': ([s]) => typeof s === 'string' && STD_BASE64.test(s.replace(/[\r\n]/g, '')),
  'base64url.encode': ([s]) =>
    Buffer.from(utf8Bytes(stringOperand('base64url.encode', 1, s)))
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_'),
  'base64url.encode_no_pad': ([s]) =>
    Buffer.from(utf8Bytes(stringOperand('base64url.encode_no_pad', 1, s))).toString('base64url'),
  'base64url.decode': ([s]) => {
    const name = 'base64url.decode';
    let text = stringOperand(name, 1, s);
    // Padding may be left off (RFC 7515 appendix C), as OPA allows.
    if (!text.endsWith('=')) {
      const remainder = text.length % 4;
      if (remainder === 2) text += '==';
      else if (remainder === 3) text += '=';
      else if (remainder === 1) throw new BuiltinError(`${name}: illegal base64url string: ${text}`);
    }
    return goString(decodeBase64(name, text, true));
  },

  'hex.encode': ([s]) => Buffer.from(utf8Bytes(stringOperand('hex.encode', 1, s))).toString('hex'),
  'hex.decode': ([s]) => {
    const text = stringOperand('hex.decode', 1, s);
    const bad = [...text].find((ch) => !/[0-9A-Fa-f]/.test(ch));
    if (bad !== undefined) {
      const cp = bad.codePointAt(0)!;
      throw new BuiltinError(
        `hex.decode: encoding/hex: invalid byte: U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(bad).replace(/^"|"$/g, "'")}`,
      );
    }
    if (text.length % 2 === 1) throw new BuiltinError('hex.decode: encoding/hex: odd length hex string');
    return goString(new Uint8Array(Buffer.from(text, 'hex')));
  },

  'urlquery.encode': ([s]) => queryEscape(stringOperand('urlquery.encode', 1, s)),
  'urlquery.decode': ([s]) => queryUnescape('urlquery.decode', stringOperand('urlquery.decode', 1, s)),

  'urlquery.encode_object': ([object]) => {
    const name = 'urlquery.encode_object';
    const entries = objectEntries(objectOperand(name, 1, object));
    const pairs: string[] = [];
    const sorted = entries
      .map(([k, v]) => {
        if (typeof k !== 'string') throw operandTypeError(name, 1, object ?? null, 'object');
        return [k, v] as const;
      })
      .sort(([a], [b]) => compareStrings(a, b));
    for (const [key, value] of sorted) {
      const values =
        typeof value === 'string'
          ? [value]
          : Array.isArray(value)
            ? value
            : value instanceof RegoSet
              ? value.members
              : undefined;
      if (values === undefined) throw operandError(name, 1, 'values must be string, array[string], or set[string]');
      for (const v of values) {
        if (typeof v !== 'string') throw operandError(name, 1, 'values must be string, array[string], or set[string]');
        pairs.push(`${queryEscape(key)}=${queryEscape(v)}`);
      }
    }
    return pairs.join('&');
  },

  'urlquery.decode_object': ([s]) => {
    const name = 'urlquery.decode_object';
    const query = stringOperand(name, 1, s);
    const result: Record<string, string[]> = {};
    for (const part of query.split('&')) {
      if (part === '') continue;
      if (part.includes(';')) throw new BuiltinError(`${name}: invalid semicolon separator in query`);
      const eq = part.indexOf('=');
      const key = queryUnescape(name, eq === -1 ? part : part.slice(0, eq));
      const value = queryUnescape(name, eq === -1 ? '' : part.slice(eq + 1));
      const values = result[key] ?? [];
      values.push(value);
      result[key] = values;
    }
    return result;
  },

  'json.is_valid': ([s]) => {
    if (typeof s !== 'string') return false;
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },

  'json.marshal_with_options': ([value, options]) => {
    const name = 'json.marshal_with_options';
    let indent = '\t';
    let prefix = '';
    let implicitPretty = false;
    let explicitPretty: boolean | undefined;
    for (const [key, option] of objectEntries(objectOperand(name, 2, options))) {
      switch (key) {
        case 'prefix':
          if (typeof option !== 'string') throw operandError(name, 2, 'key prefix failed cast to string');
          prefix = option;
          implicitPretty = true;
          break;
        case 'indent':
          if (typeof option !== 'string') throw operandError(name, 2, 'key indent failed cast to string');
          indent = option;
          implicitPretty = true;
          break;
        case 'pretty':
          if (typeof option !== 'boolean') throw operandError(name, 2, 'key pretty failed cast to bool');
          explicitPretty = option;
          break;
        default:
          throw operandError(
            name,
            2,
            `object contained unknown key ${typeof key === 'string' ? key : JSON.stringify(key)}`,
          );
      }
    }
    const pretty = explicitPretty ?? implicitPretty;
    return pretty ? prefix + goJson(value ?? null, indent, prefix) : goJson(value ?? null, undefined, '');
  },
};

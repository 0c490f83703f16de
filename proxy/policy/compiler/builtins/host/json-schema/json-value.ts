/*
 * JSON documents as gojsonschema holds them: decoded with Go's `Decoder.UseNumber`, so every number keeps its
 * text (`json.Number`), objects are maps with string keys, and nothing else is interpreted. Schemas and documents
 * given as Rego values go through the same shape, as OPA's `ast.JSON` and gojsonschema's Go loader put them.
 */

import { goJsonString } from '../encoding.js';
import { HostLimitError } from '../errors.js';
import { compareStrings, isJsonObject, objectEntries, RegoObject, RegoSet, type RegoValue } from '../value.js';

/** JsonNumber is Go's json.Number: a number as the text it was written in. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** JsonValue is a decoded JSON value (Go's `any` after UseNumber decoding). */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonMap;

/** JsonMap is a JSON object (Go's `map[string]any`). */
export type JsonMap = Map<string, JsonValue>;

/** Documents nested deeper than this are refused rather than risk the host's stack. */
export const MAX_NESTING = 500;

export function isJsonMap(value: JsonValue | undefined): value is JsonMap {
  return value instanceof Map;
}

/** sortedKeys lists a map's keys in Go's byte order, standing in for Go's random map order where it matters. */
export function sortedKeys(map: JsonMap): string[] {
  return [...map.keys()].sort(compareStrings);
}

function tooDeep(): HostLimitError {
  return new HostLimitError(`JSON nested deeper than ${MAX_NESTING} levels is not supported on the host`);
}

/** numberText is the text OPA holds for a number that reached the host as a JS number. */
function numberText(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isFinite(n)) throw new HostLimitError(`the number ${n} cannot be held in JSON`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/**
 * fromRego converts a Rego value as OPA's `ast.JSON` does: sets become arrays, non-string object keys become their
 * JSON text.
 */
export function fromRego(value: RegoValue, depth = 0): JsonValue {
  if (depth > MAX_NESTING) throw tooDeep();
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new JsonNumber(numberText(value));
  if (value instanceof RegoSet) return value.members.map((v) => fromRego(v, depth + 1));
  let entries: (readonly [RegoValue, RegoValue])[];
  if (value instanceof RegoObject) entries = objectEntries(value);
  else if (isJsonObject(value)) entries = Object.keys(value).map((k) => [k, value[k]!] as const);
  else return (value as readonly RegoValue[]).map((v) => fromRego(v, depth + 1));
  const map: JsonMap = new Map();
  for (const [k, v] of entries) {
    map.set(typeof k === 'string' ? k : marshal(fromRego(k, depth + 1), (n) => n.text), fromRego(v, depth + 1));
  }
  return map;
}

/** JsonSyntaxError says a text is not one JSON value (the caller reports OPA's own message). */
export class JsonSyntaxError extends Error {}

/**
 * parseJson decodes text that must be exactly one JSON value (RFC 8259, as Go's json.Valid checks), keeping
 * number texts.
 *
 * @throws {JsonSyntaxError} when it is not.
 */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.position !== text.length) throw new JsonSyntaxError('trailing data');
  return value;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  position = 0;

  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.position < this.text.length && ' \t\n\r'.includes(this.text[this.position]!)) this.position++;
  }

  private fail(): never {
    throw new JsonSyntaxError(`invalid JSON at offset ${this.position}`);
  }

  private expect(literal: string): void {
    if (!this.text.startsWith(literal, this.position)) this.fail();
    this.position += literal.length;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_NESTING) throw tooDeep();
    const c = this.text[this.position];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        this.expect('true');
        return true;
      case 'f':
        this.expect('false');
        return false;
      case 'n':
        this.expect('null');
        return null;
    }
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail();
    this.position += match[0].length;
    return new JsonNumber(match[0]);
  }

  private object(depth: number): JsonMap {
    const map: JsonMap = new Map();
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return map;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') this.fail();
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      // Go's decoder keeps the last of repeated keys.
      map.set(key, this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.position++];
      if (next === '}') return map;
      if (next !== ',') this.fail();
    }
  }

  private array(depth: number): JsonValue[] {
    const items: JsonValue[] = [];
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.position++];
      if (next === ']') return items;
      if (next !== ',') this.fail();
    }
  }

  private string(): string {
    let out = '';
    this.position++;
    for (;;) {
      const c = this.text[this.position];
      if (c === undefined || c.charCodeAt(0) < 0x20) this.fail();
      this.position++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.position++];
      const simple = e === undefined ? undefined : SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      if (e !== 'u') this.fail();
      out += this.unicodeEscape();
    }
  }

  /** unicodeEscape reads the hex of a `\u` escape; a lone surrogate becomes U+FFFD, as Go decodes it. */
  private unicodeEscape(): string {
    const unit = this.hex4();
    if (unit >= 0xd800 && unit < 0xdc00 && this.text.startsWith('\\u', this.position)) {
      const saved = this.position;
      this.position += 2;
      const low = this.hex4();
      if (low >= 0xdc00 && low < 0xe000) return String.fromCharCode(unit, low);
      this.position = saved;
    }
    return unit >= 0xd800 && unit < 0xe000 ? '\ufffd' : String.fromCharCode(unit);
  }

  private hex4(): number {
    const digits = this.text.slice(this.position, this.position + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail();
    this.position += 4;
    return Number.parseInt(digits, 16);
  }
}

/** marshal writes a value as Go's json.Marshal does (keys sorted, HTML-safe strings), numbers by `number`. */
function marshal(value: JsonValue, number: (n: JsonNumber) => string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return goJsonString(value);
  if (value instanceof JsonNumber) return number(value);
  if (Array.isArray(value)) return `[${value.map((v) => marshal(v, number)).join(',')}]`;
  return `{${sortedKeys(value)
    .map((k) => `${goJsonString(k)}:${marshal(value.get(k)!, number)}`)
    .join(',')}}`;
}

/** goFloatText is how Go's encoding/json writes the float64 nearest to a number's text. */
function goFloatText(n: JsonNumber): string {
  const f = Number(n.text);
  if (!Number.isFinite(f)) {
    // Go fails to decode the number into a float64 here and then dereferences a nil result.
    throw new HostLimitError(`the number ${n.text} is too large for gojsonschema's comparisons`);
  }
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

/**
 * marshalWithoutNumber is gojsonschema's canonical text of a value for `enum`, `const` and `uniqueItems`: marshal,
 * decode without UseNumber (numbers become float64, so 1.0 equals 1) and marshal again.
 */
export function marshalWithoutNumber(value: JsonValue): string {
  return marshal(value, goFloatText);
}

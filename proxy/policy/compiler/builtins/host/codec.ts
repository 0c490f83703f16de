/*
 * How values cross the bridge between the policy's Wasm module and host built-ins.
 *
 * The SDK dumps each argument with `opa_json_dump` and `JSON.parse`s it, and `JSON.stringify`s the result back,
 * unless the result is an ArrayBuffer, whose bytes it hands to `opa_json_parse` as they are. Plain JSON loses three
 * things: sets (dumped as arrays), non-string object keys (dumped as strings) and the digits of numbers past 2^53.
 *
 * Results: integers are returned exactly by writing the JSON text ourselves into an ArrayBuffer. Arguments: in the
 * `typed` encoding, which Airlock's runtime always speaks (`airlock_call_host`, runtime/assembly/host-bridge.ts),
 * every argument comes in a tagged form and results are read back the same way, so nothing is lost:
 *
 *   {"$airlock.set": [m1, m2, …]}          a set, members in OPA's order
 *   {"$airlock.object": [[k1, v1], …]}     an object with a non-string key, or with a key starting "$airlock."
 *   {"$airlock.number": "123…"}            a number whose decimal text a double cannot hold exactly
 *
 * Everything else is plain JSON. The `json` encoding is the SDK's own bridge, for a module whose runtime does not
 * tag (as OPA's): arguments are what JSON.parse gives, and an answer holding a set is refused.
 */

import { HostLimitError } from './errors.js';
import { isJsonObject, type JsonObject, objectEntries, RegoObject, RegoSet, type RegoValue } from './value.js';

/** BridgeEncoding says how arguments and results are written between the module and the host. */
export type BridgeEncoding = 'json' | 'typed';

const SET_TAG = '$airlock.set';
const OBJECT_TAG = '$airlock.object';
const NUMBER_TAG = '$airlock.number';
const TAG_PREFIX = '$airlock.';

/** decodeArgument turns what the SDK parsed into a RegoValue. */
export function decodeArgument(parsed: unknown, encoding: BridgeEncoding): RegoValue {
  if (parsed === null || typeof parsed === 'string' || typeof parsed === 'boolean') return parsed;
  if (typeof parsed === 'number') {
    // JSON.parse gives Infinity for a number past 1.8e308: its digits are lost.
    if (!Number.isFinite(parsed)) throw new HostLimitError('a number too large for a double reached a host built-in');
    return parsed;
  }
  if (Array.isArray(parsed)) return parsed.map((element: unknown) => decodeArgument(element, encoding));
  if (typeof parsed !== 'object') throw new HostLimitError(`host built-in received a ${typeof parsed}`);
  const record = parsed as Record<string, unknown>;
  if (encoding === 'typed') {
    const keys = Object.keys(record);
    if (keys.length === 1) {
      const tagged = record[keys[0]!];
      if (keys[0] === SET_TAG && Array.isArray(tagged)) {
        return new RegoSet(tagged.map((m: unknown) => decodeArgument(m, encoding)));
      }
      if (keys[0] === OBJECT_TAG && Array.isArray(tagged)) return decodeTaggedObject(tagged, encoding);
      if (keys[0] === NUMBER_TAG && typeof tagged === 'string') return decodeNumberText(tagged);
    }
  }
  const decoded: Record<string, RegoValue> = {};
  for (const [key, value] of Object.entries(record)) decoded[key] = decodeArgument(value, encoding);
  return decoded;
}

function decodeTaggedObject(pairs: unknown[], encoding: BridgeEncoding): RegoValue {
  const entries = pairs.map((pair): [RegoValue, RegoValue] => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new HostLimitError('malformed tagged object');
    return [decodeArgument(pair[0], encoding), decodeArgument(pair[1], encoding)];
  });
  if (entries.every(([k]) => typeof k === 'string')) {
    const plain: Record<string, RegoValue> = {};
    for (const [k, v] of entries) plain[k as string] = v;
    return plain;
  }
  return new RegoObject(entries);
}

function decodeNumberText(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const exact = BigInt(text);
    return Number.isSafeInteger(Number(exact)) ? Number(exact) : exact;
  }
  // A decimal fraction with more digits than a double holds: host built-ins work in doubles.
  const approximate = Number(text);
  if (!Number.isFinite(approximate)) throw new HostLimitError(`the number ${text} is too large for a host built-in`);
  return approximate;
}

/**
 * encodeResult turns a host built-in's answer into what the SDK writes into the module: `undefined` stays
 * undefined, plain JSON values pass through, and anything JSON.stringify would get wrong is written as text.
 *
 * @throws {HostLimitError} for a value the encoding cannot carry (a set through `json`, a NaN).
 */
export function encodeResult(value: RegoValue | undefined, encoding: BridgeEncoding): unknown {
  if (value === undefined) return undefined;
  if (!needsOwnText(value)) return value;
  const bytes = new TextEncoder().encode(writeJson(value, encoding));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function needsOwnText(value: RegoValue): boolean {
  if (typeof value === 'bigint' || value instanceof RegoSet || value instanceof RegoObject) return true;
  if (typeof value === 'number')
    return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value));
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(needsOwnText);
  return Object.keys(value).some((k) => k.startsWith(TAG_PREFIX) || needsOwnText((value as JsonObject)[k]!));
}

/** writeJson writes a value as JSON text in the given encoding, numbers with all their digits. */
export function writeJson(value: RegoValue, encoding: BridgeEncoding): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return writeNumber(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => writeJson(v, encoding)).join(',')}]`;
  if (value instanceof RegoSet) {
    if (encoding === 'json') {
      throw new HostLimitError('a host built-in cannot return a set through the JSON bridge');
    }
    return `{"${SET_TAG}":[${value.members.map((v) => writeJson(v, encoding)).join(',')}]}`;
  }
  const object = value as JsonObject | RegoObject;
  const entries = objectEntries(object);
  const plain = isJsonObject(object) && !entries.some(([k]) => (k as string).startsWith(TAG_PREFIX));
  if (plain || encoding === 'json') {
    if (!plain && object instanceof RegoObject) {
      throw new HostLimitError('a host built-in cannot return an object with non-string keys through the JSON bridge');
    }
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v, encoding)}`).join(',')}}`;
  }
  return `{"${OBJECT_TAG}":[${entries.map(([k, v]) => `[${writeJson(k, encoding)},${writeJson(v, encoding)}]`).join(',')}]}`;
}

function writeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new HostLimitError(`a host built-in produced the number ${n}, which Rego cannot hold`);
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
  return String(n);
}

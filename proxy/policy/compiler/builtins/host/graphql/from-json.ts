/*
 * Syntax trees given as Rego objects. OPA marshals the object to JSON (keys sorted) and decodes it into
 * gqlparser's structs with encoding/json, so this reproduces Go's decoding: keys match fields exactly or else
 * case-insensitively, unknown keys are ignored, null leaves a non-pointer field alone, a value of the wrong JSON
 * type is remembered as the error while decoding goes on. Four structs decode themselves (gqlparser's
 * UnmarshalJSON methods): they read only their exact key names, stop at the first error, and read a selection set
 * by trying each member as a Field, then a FragmentSpread, then an InlineFragment, dropping members none accepts.
 * As every member decodes as a Field, inline fragments and spreads come back as fields.
 */

import type { QueryDocument, SchemaDocument, Selection } from './ast.js';
import {
  FIELD,
  FRAGMENT_SPREAD,
  type GoType,
  INLINE_FRAGMENT,
  QUERY_DOCUMENT,
  SCHEMA_DOCUMENT,
  SELECTION_SET,
  type StructType,
} from './go-structs.js';
import { GraphqlLimitError } from './errors.js';
import { MAX_NESTING } from './parser.js';
import { compareStrings, formatNumber, isJsonObject, RegoSet, type RegoValue } from '../value.js';

/** GoJsonError is encoding/json's UnmarshalTypeError. */
export class GoJsonError extends Error {
  override readonly name = 'GoJsonError';
  /** The JSON kind found ("string", "number 1.5", …), the Go type wanted, and where. */
  readonly found: string;
  readonly goType: string;
  struct = '';
  field = '';

  constructor(found: string, goType: string) {
    super(found);
    this.found = found;
    this.goType = goType;
  }

  /** goText is the error's Go text. */
  goText(): string {
    return this.struct !== '' || this.field !== ''
      ? `json: cannot unmarshal ${this.found} into Go struct field ${this.struct}.${this.field} of type ${this.goType}`
      : `json: cannot unmarshal ${this.found} into Go value of type ${this.goType}`;
  }
}

// ---- decoding ----

/** decodeQueryDocument decodes a query syntax tree given as an object. @throws {GoJsonError} */
export function decodeQueryDocument(value: RegoValue): QueryDocument {
  return unmarshal(QUERY_DOCUMENT, value) as QueryDocument;
}

/** decodeSchemaDocument decodes a schema syntax tree given as an object. @throws {GoJsonError} */
export function decodeSchemaDocument(value: RegoValue): SchemaDocument {
  return unmarshal(SCHEMA_DOCUMENT, value) as SchemaDocument;
}

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** unmarshal is json.Unmarshal of an object into a new struct. */
function unmarshal(type: StructType, value: RegoValue): object {
  return runDecoder(type, toJson(value, 0), type.make(), 0);
}

/** runDecoder is one json.Unmarshal call into `target`. */
function runDecoder(type: StructType, json: Json, target: object, depth: number): object {
  const decoder = new Decoder();
  decoder.run(() => decoder.decodeInto({ kind: 'pointer', struct: type }, json, target, depth));
  return target;
}

/** Decoder is one json.Unmarshal call: where it is (for messages) and the first type error it met. */
class Decoder {
  #saved: GoJsonError | null = null;
  #struct = '';
  readonly #fieldStack: string[] = [];

  /** run decodes; an error from a self-decoding struct stops it, else the first type error is returned. */
  run(decode: () => void): void {
    try {
      decode();
    } catch (error) {
      if (error instanceof GoJsonError) throw this.#withContext(error);
      throw error;
    }
    if (this.#saved !== null) throw this.#saved;
  }

  #withContext(error: GoJsonError): GoJsonError {
    if (this.#struct !== '' || this.#fieldStack.length > 0) {
      error.struct = this.#struct;
      error.field = [...this.#fieldStack, ...(error.field === '' ? [] : [error.field])].join('.');
    }
    return error;
  }

  #save(found: string, goType: string): void {
    if (this.#saved === null) this.#saved = this.#withContext(new GoJsonError(found, goType));
  }

  /** decodeInto decodes `json` as `type`, updating and returning `current` as Go updates the value in place. */
  decodeInto(type: GoType, json: Json, current: unknown, depth: number): unknown {
    if (depth > 8 * MAX_NESTING) throw new GraphqlLimitError('the GraphQL syntax tree is nested too deeply');
    if (json === null) return type.kind === 'pointer' || type.kind === 'slice' ? null : current;
    switch (type.kind) {
      case 'string':
        if (typeof json === 'string') return json;
        break;
      case 'bool':
        if (typeof json === 'boolean') return json;
        break;
      case 'int':
        if (typeof json === 'number' || typeof json === 'bigint') {
          const integer = goInt(json);
          if (integer === undefined) this.#save(`number ${formatNumber(json)}`, type.name);
          return integer ?? current;
        }
        break;
      case 'slice':
        if (Array.isArray(json)) {
          const existing = Array.isArray(current) ? current : [];
          return json.map((item, i) => this.decodeInto(type.elem, item, existing[i] ?? null, depth + 1));
        }
        break;
      case 'pointer':
        if (type.struct.selfDecoding === true) return selfDecode(type.struct, json, current, depth);
        if (isPlainObject(json)) {
          const target = (current as object | null) ?? type.struct.make();
          decodeStruct(this, type.struct, json, target, depth);
          return target;
        }
        this.#save(jsonKind(json), `ast.${type.struct.name}`);
        return current ?? type.struct.make();
    }
    this.#save(jsonKind(json), type.kind === 'bool' ? 'bool' : type.name);
    return current;
  }

  /** enterField and leaveField keep the path Go names in its messages. */
  enterField(struct: string, field: string): [string, number] {
    const saved: [string, number] = [this.#struct, this.#fieldStack.length];
    this.#fieldStack.push(field);
    this.#struct = struct;
    return saved;
  }

  leaveField([struct, length]: [string, number]): void {
    this.#struct = struct;
    this.#fieldStack.length = length;
  }
}

function decodeStruct(
  decoder: Decoder,
  type: StructType,
  json: { [key: string]: Json },
  target: object,
  depth: number,
): void {
  const fields = type.fields();
  const names = Object.keys(fields);
  // Go marshals maps with sorted keys, and decodes them in that order.
  for (const key of Object.keys(json).sort(compareStrings)) {
    const name = key in fields ? key : names.find((candidate) => foldName(candidate) === foldName(key));
    if (name === undefined) continue;
    const record = target as Record<string, unknown>;
    // An error that stops decoding leaves the path where it was, for the message, as Go's decoder does.
    const saved = decoder.enterField(type.name, name);
    record[name] = decoder.decodeInto(fields[name]!, json[key]!, record[name], depth + 1);
    decoder.leaveField(saved);
  }
}

/**
 * selfDecode is one of gqlparser's UnmarshalJSON methods, for a pointer to `type`: the JSON must be an object (or
 * null), and each exact key is decoded with a json.Unmarshal of its own.
 */
function selfDecode(type: StructType, json: Json, current: unknown, depth: number): object {
  const target = (current as object | null) ?? type.make();
  if (json === null) return target;
  if (!isPlainObject(json)) throw new GoJsonError(jsonKind(json), 'map[string]json.RawMessage');
  const fields = type.fields();
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(json).sort(compareStrings)) {
    const fieldType = fields[key];
    if (fieldType === undefined) continue;
    if (fieldType === SELECTION_SET) {
      record[key] = decodeSelectionSet(json[key]!, depth + 1);
    } else {
      const decoder = new Decoder();
      decoder.run(() => {
        record[key] = decoder.decodeInto(fieldType, json[key]!, record[key], depth + 1);
      });
    }
  }
  return target;
}

/** decodeSelectionSet is gqlparser's UnmarshalSelectionSet. */
function decodeSelectionSet(json: Json, depth: number): Selection[] {
  if (json !== null && !Array.isArray(json)) throw new GoJsonError(jsonKind(json), '[]json.RawMessage');
  const selections: Selection[] = [];
  for (const item of json ?? []) {
    for (const type of [FIELD, FRAGMENT_SPREAD, INLINE_FRAGMENT]) {
      try {
        selections.push(runDecoder(type, item, type.make(), depth + 1) as Selection);
        break;
      } catch (error) {
        if (!(error instanceof GoJsonError)) throw error;
      }
    }
  }
  return selections;
}

/** foldName is encoding/json's case folding of key and field names. */
function foldName(name: string): string {
  return name.replaceAll('\u017f', 'S').replaceAll('\u212a', 'K').toUpperCase();
}

/**
 * goInt is a JSON number decoded into a Go int: undefined when Go refuses it (a fraction, or past 64 bits). An
 * integer the host cannot hold exactly (the JSON bridge may already have rounded it) is refused.
 */
function goInt(value: number | bigint): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value >= 2 ** 63 || value < -(2 ** 63)) return undefined;
    if (Number.isSafeInteger(value)) return value;
  } else if (value < -(1n << 63n) || value >= 1n << 63n) {
    return undefined;
  } else if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  throw new GraphqlLimitError('a GraphQL syntax tree holds an integer too large for the host');
}

function jsonKind(json: Json): string {
  if (typeof json === 'string') return 'string';
  if (typeof json === 'boolean') return 'bool';
  if (typeof json === 'number' || typeof json === 'bigint') return 'number';
  return Array.isArray(json) ? 'array' : 'object';
}

function isPlainObject(json: Json): json is { [key: string]: Json } {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** toJson is OPA's ast.JSON: sets become arrays; an object with a non-string key cannot be JSON. */
function toJson(value: RegoValue, depth: number): Json {
  if (depth > 8 * MAX_NESTING) throw new GraphqlLimitError('the GraphQL syntax tree is nested too deeply');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth + 1));
  if (value instanceof RegoSet) return value.members.map((item) => toJson(item, depth + 1));
  if (!isJsonObject(value)) throw new GraphqlLimitError('a GraphQL syntax tree object has a key that is not a string');
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) out[key] = toJson(item, depth + 1);
  return out;
}

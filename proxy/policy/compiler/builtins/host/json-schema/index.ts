/*
 * json.verify_schema and json.match_schema (OPA's topdown/jsonschema.go over its fork of xeipuuv/gojsonschema):
 * JSON Schema drafts 4, 6 and 7, with gojsonschema's keyword semantics, error types, texts and order.
 *
 *   json.verify_schema(schema)            [true, null] or [false, "jsonschema: <why>"]
 *   json.match_schema(document, schema)   [valid, [{error, type, field, desc}, …]]; a bad schema is an error
 *
 * Schema and document are JSON text or a Rego object (or array). Through the SDK's plain JSON bridge a set arrives
 * as an array, so a set argument is read as an array where OPA would refuse it.
 */

import type { HostBuiltinTable } from '../builtin.js';
import { BuiltinError } from '../errors.js';
import { isJsonObject, RegoObject, type RegoValue } from '../value.js';
import { fromRego, type JsonValue, JsonSyntaxError, parseJson } from './json-value.js';
import { SchemaError } from './messages.js';
import { compileSchema } from './schema.js';
import { type ValidationError, validateDocument } from './validate.js';

/**
 * load reads an argument as OPA's astValueToJSONSchemaLoader does: a string is JSON text, an object or array is a
 * document.
 *
 * @throws {SchemaError} with OPA's message for anything else, or for text that is not JSON.
 */
function load(value: RegoValue | undefined): JsonValue {
  if (typeof value === 'string') {
    try {
      return parseJson(value);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new SchemaError('invalid JSON string');
      throw error;
    }
  }
  if (value !== undefined && (Array.isArray(value) || value instanceof RegoObject || isJsonObject(value))) {
    return fromRego(value);
  }
  throw new SchemaError('wrong type, expected string or object');
}

function verifySchema([schema]: readonly RegoValue[]): RegoValue {
  try {
    compileSchema(load(schema));
  } catch (error) {
    if (error instanceof SchemaError) return [false, `jsonschema: ${error.message}`];
    throw error;
  }
  return [true, null];
}

function matchSchema([document, schema]: readonly RegoValue[]): RegoValue {
  let errors: ValidationError[];
  try {
    const value = load(document);
    errors = validateDocument(compileSchema(load(schema)), value);
  } catch (error) {
    if (error instanceof SchemaError) throw new BuiltinError(`json.match_schema: ${error.message}`);
    throw error;
  }
  return [errors.length === 0, errors.map(({ error, type, field, desc }) => ({ error, type, field, desc }))];
}

/** JSON_SCHEMA_BUILTINS implements json.verify_schema and json.match_schema. */
export const JSON_SCHEMA_BUILTINS: HostBuiltinTable = {
  'json.verify_schema': verifySchema,
  'json.match_schema': matchSchema,
};

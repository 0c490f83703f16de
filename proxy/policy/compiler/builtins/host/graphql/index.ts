/*
 * graphql.* (OPA's topdown/graphql.go over gqlparser): parse queries and schemas into gqlparser's syntax trees as
 * JSON, and validate queries against schemas. Queries and schemas are given as text or as the objects the parse
 * built-ins return. OPA's steps and their order are kept, because they decide which error a call reports: parse
 * the query, parse the schema, load the schema (prelude merged in, ValidateSchemaDocument), validate the query.
 *
 * Where gqlparser would panic (a syntax tree object missing a part it dereferences), and where a document is nested
 * too deeply or needs too much work, the call fails with HostLimitError instead of answering.
 */

import type { HostBuiltinTable } from '../builtin.js';
import { BuiltinError, HostLimitError } from '../errors.js';
import { stringOperand } from '../operands.js';
import { isJsonObject, type RegoValue, typeName } from '../value.js';
import { type QueryDocument, type SchemaDocument, Source } from './ast.js';
import { GoPanic, GqlError, GraphqlLimitError, listText, opaMessage, WorkBudget } from './errors.js';
import { decodeQueryDocument, decodeSchemaDocument, GoJsonError } from './from-json.js';
import { parseQuery } from './query-parser.js';
import type { Schema } from './schema.js';
import { loadSchema } from './schema-loader.js';
import { parseSchema } from './schema-parser.js';
import { astToJson } from './to-json.js';
import { validateQuery } from './validator.js';

/** The work one call may do validating; see WorkBudget. */
const WORK_UNITS = 1_000_000;

/** GraphqlFailure is an error OPA's graphql built-ins report (as an error or as an invalid answer). */
class GraphqlFailure extends Error {
  override readonly name = 'GraphqlFailure';
}

/** WrongOperand says an operand is neither text nor an object. */
class WrongOperand extends Error {
  override readonly name = 'WrongOperand';
}

function readQuery(value: RegoValue | undefined): QueryDocument {
  if (typeof value === 'string') {
    try {
      return parseQuery(value);
    } catch (error) {
      if (error instanceof GqlError) throw new GraphqlFailure(opaMessage(error.goText()));
      throw error;
    }
  }
  if (value !== undefined && isJsonObject(value)) return decode(() => decodeQueryDocument(value));
  throw new WrongOperand();
}

function readSchema(value: RegoValue | undefined): SchemaDocument {
  if (typeof value === 'string') return parseSchemaText(value);
  if (value !== undefined && isJsonObject(value)) return decode(() => decodeSchemaDocument(value));
  throw new WrongOperand();
}

function parseSchemaText(text: string): SchemaDocument {
  const source = new Source();
  source.Input = text;
  try {
    return parseSchema(source);
  } catch (error) {
    if (error instanceof GqlError) throw new GraphqlFailure(opaMessage(error.goText()));
    throw error;
  }
}

function decode<T>(decodeObject: () => T): T {
  try {
    return decodeObject();
  } catch (error) {
    if (error instanceof GoJsonError) throw new GraphqlFailure(error.goText());
    throw error;
  }
}

/** convertSchema loads a schema document as OPA's convertSchema does. */
function convertSchema(doc: SchemaDocument): Schema {
  try {
    return loadSchema(doc);
  } catch (error) {
    if (error instanceof GqlError) {
      throw new GraphqlFailure(`Error in gqlparser SchemaDocument to Schema conversion: ${error.goText()}`);
    }
    throw error;
  }
}

function validate(schema: Schema, doc: QueryDocument): void {
  const errors = validateQuery(schema, doc, new WorkBudget(WORK_UNITS));
  if (errors.length > 0) throw new GraphqlFailure(opaMessage(listText(errors)));
}

/** guarded runs one call, turning the host's refusals into HostLimitError. */
function guarded<T>(builtin: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GoPanic) {
      throw new HostLimitError(`${builtin}: gqlparser would panic on this syntax tree (${error.message})`);
    }
    if (error instanceof GraphqlLimitError) throw new HostLimitError(`${builtin}: ${error.message}`);
    if (error instanceof RangeError) throw new HostLimitError(`${builtin}: the GraphQL document is nested too deeply`);
    throw error;
  }
}

/** answering maps OPA's reported errors to `onFailure`'s answer. */
function answering<T>(run: () => T, onFailure: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GraphqlFailure || error instanceof WrongOperand) return onFailure();
    throw error;
  }
}

/** raising reports OPA's errors as built-in errors of `builtin`. */
function raising<T>(builtin: string, run: () => T, operands: readonly (RegoValue | undefined)[]): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GraphqlFailure) throw new BuiltinError(`${builtin}: ${error.message}`);
    if (error instanceof WrongOperand) {
      // OPA numbers these operands from 0 and lists the types unsorted.
      const position = typeof operands[0] === 'string' || isJsonObject(operands[0] ?? null) ? 1 : 0;
      throw new BuiltinError(
        `${builtin}: operand ${position} must be one of {string, object} but got ${typeName(operands[position] ?? null)}`,
        'eval_type_error',
      );
    }
    throw error;
  }
}

const UNVERIFIED: RegoValue = [false, {}, {}];

/** GRAPHQL_BUILTINS implements graphql.parse_query, parse_schema, parse, parse_and_verify, is_valid, schema_is_valid. */
export const GRAPHQL_BUILTINS: HostBuiltinTable = {
  'graphql.parse_query': ([query]) =>
    guarded('graphql.parse_query', () => {
      const text = stringOperand('graphql.parse_query', 1, query);
      return raising('graphql.parse_query', () => astToJson(readQuery(text)), [query]);
    }),

  'graphql.parse_schema': ([schema]) =>
    guarded('graphql.parse_schema', () => {
      const text = stringOperand('graphql.parse_schema', 1, schema);
      return raising('graphql.parse_schema', () => astToJson(parseSchemaText(text)), [schema]);
    }),

  'graphql.parse': ([query, schema]) =>
    guarded('graphql.parse', () =>
      raising(
        'graphql.parse',
        () => {
          const queryDoc = readQuery(query);
          const schemaDoc = readSchema(schema);
          // The syntax trees are taken before validation fills in their definitions.
          const schemaJson = astToJson(schemaDoc);
          const loaded = convertSchema(schemaDoc);
          const queryJson = astToJson(queryDoc);
          validate(loaded, queryDoc);
          return [queryJson, schemaJson];
        },
        [query, schema],
      ),
    ),

  'graphql.parse_and_verify': ([query, schema]) =>
    guarded('graphql.parse_and_verify', () =>
      answering(
        () => {
          const queryDoc = readQuery(query);
          const queryJson = astToJson(queryDoc);
          const schemaDoc = readSchema(schema);
          const schemaJson = astToJson(schemaDoc);
          validate(convertSchema(schemaDoc), queryDoc);
          return [true, queryJson, schemaJson];
        },
        () => UNVERIFIED,
      ),
    ),

  'graphql.is_valid': ([query, schema]) =>
    guarded('graphql.is_valid', () =>
      answering(
        () => {
          const queryDoc = readQuery(query);
          validate(convertSchema(readSchema(schema)), queryDoc);
          return true;
        },
        () => false,
      ),
    ),

  'graphql.schema_is_valid': ([schema]) =>
    guarded('graphql.schema_is_valid', () =>
      answering(
        () => {
          convertSchema(readSchema(schema));
          return true;
        },
        () => false,
      ),
    ),
};

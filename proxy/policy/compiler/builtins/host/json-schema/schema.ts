/*
 * Compiling a schema as gojsonschema's SchemaLoader.Compile does (schema.go's parseSchema): the keywords it
 * knows, checked in its order and with its error texts, into a tree of SubSchemas. Drafts 4, 6 and 7 are told
 * apart by `$schema`; without one, gojsonschema's "hybrid" mode accepts the keywords of all three.
 *
 * Go walks `properties`, `definitions`, `patternProperties` and `dependencies` in map order, which is random, so
 * when several of them are wrong OPA reports any one; here they are walked in key order.
 */

import { HostLimitError } from '../errors.js';
import { compileRe2, type CompiledRe2, Re2SyntaxError, Re2UnsupportedError } from '../re2.js';
import { isInteger, parseRational, type Rational } from './decimal.js';
import { isJsonMap, type JsonMap, JsonNumber, type JsonValue, marshalWithoutNumber, sortedKeys } from './json-value.js';
import { type Draft, HYBRID } from './metaschemas.js';
import { invalidType, JSON_TYPES, SCHEMA_ERRORS, SchemaError, schemaError, WORDS } from './messages.js';
import { SchemaPool, schemaUrlOf } from './pool.js';
import { inherits, type JsonReference, newReference, referenceText } from './reference.js';

/** A compiled regular expression with the pattern it was written as (how gojsonschema prints it). */
export interface Pattern {
  readonly source: string;
  readonly compiled: CompiledRe2;
}

/** SubSchema is one schema in the tree, with the keywords that constrain a value. */
export interface SubSchema {
  draft: Draft | undefined;
  /** The name it is reached by: a property name, a keyword (`items`, `anyOf`…), or `(root)`. */
  readonly property: string;
  readonly parent: SubSchema | undefined;
  id?: JsonReference;
  ref?: JsonReference;
  /** The schema `$ref` names; when set, validation uses it instead of this one. */
  refSchema?: SubSchema;
  /** A boolean schema (draft 6 and later): true accepts everything, false nothing. */
  pass?: boolean;
  types: string[];
  propertiesChildren: SubSchema[];
  itemsChildren: SubSchema[];
  itemsChildrenIsSingleSchema: boolean;
  additionalItems?: boolean | SubSchema;
  additionalProperties?: boolean | SubSchema;
  /** Schemas for property names matching a pattern, by the pattern. */
  patternProperties?: Map<string, { readonly compiled: CompiledRe2; readonly schema: SubSchema }>;
  propertyNames?: SubSchema;
  dependencies?: Map<string, readonly string[] | SubSchema>;
  multipleOf?: Rational;
  minimum?: Rational;
  maximum?: Rational;
  exclusiveMinimum?: Rational;
  exclusiveMaximum?: Rational;
  minLength?: bigint;
  maxLength?: bigint;
  minProperties?: bigint;
  maxProperties?: bigint;
  minItems?: bigint;
  maxItems?: bigint;
  pattern?: Pattern;
  format: string;
  required: string[];
  uniqueItems: boolean;
  contains?: SubSchema;
  /** `const` and `enum` values as marshalWithoutNumber writes them. */
  const?: string;
  enum: string[];
  oneOf: SubSchema[];
  anyOf: SubSchema[];
  allOf: SubSchema[];
  not?: SubSchema;
  if?: SubSchema;
  then?: SubSchema;
  else?: SubSchema;
}

/** More schema nodes than this in one compilation (counting each `$ref` expansion) are refused. */
const MAX_SCHEMA_NODES = 100_000;

function newSubSchema(property: string, parent: SubSchema | undefined, draft?: Draft): SubSchema {
  return {
    draft,
    property,
    parent,
    types: [],
    propertiesChildren: [],
    itemsChildren: [],
    itemsChildrenIsSingleSchema: false,
    format: '',
    required: [],
    uniqueItems: false,
    enum: [],
    oneOf: [],
    anyOf: [],
    allOf: [],
  };
}

/** A node given where a schema is expected: an object, or (draft 6 on) a boolean. */
const isSchemaNode = (v: JsonValue | undefined): boolean => typeof v === 'boolean' || isJsonMap(v);

/** mustBeNumber is a number keyword's exact value, or undefined when it is not a number. */
function mustBeNumber(value: JsonValue | undefined): Rational | undefined {
  return value instanceof JsonNumber ? parseRational(value.text) : undefined;
}

/** mustBeInteger is an integer keyword's value, written as a plain integer that fits an int64. */
function mustBeInteger(value: JsonValue | undefined): bigint | undefined {
  if (!(value instanceof JsonNumber)) return undefined;
  const r = parseRational(value.text);
  if (r === undefined || !isInteger(r) || !/^[+-]?\d+$/.test(value.text)) return undefined;
  const n = BigInt(value.text);
  return n < -(1n << 63n) || n >= 1n << 63n ? undefined : n;
}

function getString(m: JsonMap, key: string): string | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidType('string', key);
  return v;
}

function getSlice(m: JsonMap, key: string): JsonValue[] {
  const v = m.get(key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw schemaError(SCHEMA_ERRORS.mustBeOfAn, { x: key, y: 'array' });
  return v;
}

/**
 * compileRegex compiles a pattern as Go's regexp.Compile, or undefined when RE2 rejects it.
 *
 * @throws {HostLimitError} for valid RE2 the host's translation does not cover.
 */
export function compileRegex(pattern: string): CompiledRe2 | undefined {
  try {
    return compileRe2(pattern);
  } catch (error) {
    if (error instanceof Re2SyntaxError) return undefined;
    if (error instanceof Re2UnsupportedError) {
      throw new HostLimitError(`JSON schema pattern ${JSON.stringify(pattern)}: ${error.message} is not supported`);
    }
    throw error;
  }
}

/** CompiledSchema is a compiled schema: its root. */
export interface CompiledSchema {
  readonly root: SubSchema;
}

/**
 * compileSchema compiles a schema document (gojsonschema's SchemaLoader.Compile for a string or Go loader).
 * The document is modified: its `$ref`s are made absolute.
 *
 * @throws {SchemaError} with gojsonschema's message when the schema is not valid.
 * @throws {HostLimitError} when the schema needs what the host does not do (remote `$ref`s, huge schemas).
 */
export function compileSchema(document: JsonValue): CompiledSchema {
  const reference = newReference('#');
  const pool = new SchemaPool();
  pool.parseReferences(document, reference, true);
  const draft = schemaUrlOf(document).draft ?? HYBRID;
  const root = newSubSchema(WORDS.root, undefined, draft);
  new SchemaParser(pool, reference, root).parse(document, root);
  return { root };
}

class SchemaParser {
  readonly #pool: SchemaPool;
  readonly #documentReference: JsonReference;
  readonly #root: SubSchema;
  /** Schemas by the `$ref` that named them, so that each is parsed once and cycles close. */
  readonly #referencePool = new Map<string, SubSchema>();
  #nodes = 0;

  constructor(pool: SchemaPool, documentReference: JsonReference, root: SubSchema) {
    this.#pool = pool;
    this.#documentReference = documentReference;
    this.#root = root;
  }

  #child(node: JsonValue, property: string, parent: SubSchema): SubSchema {
    const schema = newSubSchema(property, parent);
    this.parse(node, schema);
    return schema;
  }

  parse(node: JsonValue, current: SubSchema): void {
    if (++this.#nodes > MAX_SCHEMA_NODES) {
      throw new HostLimitError(`JSON schemas of more than ${MAX_SCHEMA_NODES} subschemas are not supported`);
    }
    if (current.draft === undefined) current.draft = current.parent!.draft;
    const draft = current.draft!;
    if (draft >= 6 && typeof node === 'boolean') {
      current.pass = node;
      return;
    }
    if (!isJsonMap(node)) throw schemaError(SCHEMA_ERRORS.parseError, { expected: WORDS.schema });
    const m = node;
    if (current.parent === undefined) {
      current.ref = this.#documentReference;
      current.id = this.#documentReference;
    }
    if (current.id === undefined && current.parent !== undefined) current.id = current.parent.id;

    const keyId = draft === 4 ? 'id' : draft === HYBRID && m.has('id') ? 'id' : '$id';
    const id = getString(m, keyId);
    if (id !== undefined) {
      const reference = newReference(id);
      current.id = current === this.#root ? reference : inherits(current.parent!.id!, reference);
    }

    this.#definitions(m, current);
    getString(m, 'title');
    getString(m, 'description');

    const ref = getString(m, '$ref');
    if (ref !== undefined) {
      current.ref = newReference(ref);
      const known = this.#referencePool.get(referenceText(current.ref));
      if (known === undefined) return this.#parseReference(current);
      current.refSchema = known;
    }

    this.#type(m, current);
    this.#objectKeywords(m, current, draft);
    this.#arrayShapeKeywords(m, current);
    this.#numberKeywords(m, current, draft);
    this.#stringKeywords(m, current);
    this.#countKeywords(m, current, draft);
    this.#valueKeywords(m, current, draft);
    this.#combinators(m, current, draft);
  }

  #definitions(m: JsonMap, current: SubSchema): void {
    const definitions = m.get('definitions');
    if (definitions === undefined) return;
    if (!isJsonMap(definitions)) throw invalidType(WORDS.arrayOfSchemas, 'definitions');
    for (const key of sortedKeys(definitions)) {
      const value = definitions.get(key)!;
      if (!isSchemaNode(value)) throw invalidType(WORDS.arrayOfSchemas, 'definitions');
      this.#child(value, 'definitions', current);
    }
  }

  #parseReference(current: SubSchema): void {
    const schema = newSubSchema('$ref', current);
    this.#referencePool.set(referenceText(current.ref!), schema);
    const found = this.#pool.getDocument(current.ref!);
    schema.id = current.ref;
    schema.draft = found.draft;
    if (!isSchemaNode(found.document)) {
      throw schemaError(SCHEMA_ERRORS.mustBeOfType, { key: WORDS.schema, type: 'object' });
    }
    this.parse(found.document, schema);
    current.refSchema = schema;
  }

  #type(m: JsonMap, current: SubSchema): void {
    const type = m.get('type');
    if (type === undefined) return;
    const add = (t: string): void => {
      if (!(JSON_TYPES as readonly string[]).includes(t)) {
        throw schemaError(SCHEMA_ERRORS.notAValidType, { given: `/${t}/`, expected: `[${JSON_TYPES.join(' ')}]` });
      }
      if (current.types.includes(t)) throw schemaError(SCHEMA_ERRORS.duplicated, { type: t });
      current.types.push(t);
    };
    if (typeof type === 'string') return add(type);
    if (!Array.isArray(type)) throw invalidType('type', `string/${WORDS.arrayOfStrings}`);
    for (const t of type) {
      if (typeof t !== 'string') throw invalidType('type', `string/${WORDS.arrayOfStrings}`);
      add(t);
    }
  }

  #objectKeywords(m: JsonMap, current: SubSchema, draft: Draft): void {
    const properties = m.get('properties');
    if (properties !== undefined) {
      if (!isJsonMap(properties)) {
        throw schemaError(SCHEMA_ERRORS.mustBeOfType, { key: WORDS.properties, type: 'object' });
      }
      for (const key of sortedKeys(properties)) {
        const schema = newSubSchema(key, current);
        current.propertiesChildren.push(schema);
        this.parse(properties.get(key)!, schema);
      }
    }

    const additional = m.get('additionalProperties');
    if (typeof additional === 'boolean') current.additionalProperties = additional;
    else if (isJsonMap(additional))
      current.additionalProperties = this.#child(additional, 'additionalProperties', current);
    else if (additional !== undefined) throw invalidType(`boolean/${WORDS.schema}`, 'additionalProperties');

    const patternProperties = m.get('patternProperties');
    if (patternProperties !== undefined) {
      if (!isJsonMap(patternProperties)) throw invalidType(WORDS.schema, 'patternProperties');
      if (patternProperties.size > 0) {
        current.patternProperties = new Map();
        for (const pattern of sortedKeys(patternProperties)) {
          const compiled = compileRegex(pattern);
          if (compiled === undefined) throw schemaError(SCHEMA_ERRORS.regexPattern, { pattern });
          current.patternProperties.set(pattern, {
            compiled,
            schema: this.#child(patternProperties.get(pattern)!, pattern, current),
          });
        }
      }
    }

    const propertyNames = m.get('propertyNames');
    if (propertyNames !== undefined && draft >= 6) {
      if (!isSchemaNode(propertyNames)) throw invalidType(WORDS.schema, 'patternProperties');
      current.propertyNames = this.#child(propertyNames, 'propertyNames', current);
    }

    const dependencies = m.get('dependencies');
    if (dependencies !== undefined) {
      if (!isJsonMap(dependencies)) {
        throw schemaError(SCHEMA_ERRORS.mustBeOfType, { key: 'dependencies', type: 'object' });
      }
      current.dependencies = new Map();
      const wrong = (): SchemaError =>
        schemaError(SCHEMA_ERRORS.mustBeOfType, { key: WORDS.dependency, type: WORDS.schemaOrArrayOfStrings });
      for (const key of sortedKeys(dependencies)) {
        const value = dependencies.get(key)!;
        if (Array.isArray(value)) {
          // gojsonschema registers the list while reading it, so an empty list registers nothing.
          const names: string[] = [];
          for (const name of value) {
            if (typeof name !== 'string') throw wrong();
            names.push(name);
            current.dependencies.set(key, names);
          }
        } else if (isSchemaNode(value)) {
          current.dependencies.set(key, this.#child(value, key, current));
        } else {
          throw wrong();
        }
      }
    }
  }

  #arrayShapeKeywords(m: JsonMap, current: SubSchema): void {
    const items = m.get('items');
    if (Array.isArray(items)) {
      for (const item of items) {
        if (!isSchemaNode(item)) throw invalidType(`${WORDS.schema}/${WORDS.arrayOfSchemas}`, 'items');
        const schema = newSubSchema('items', current);
        current.itemsChildren.push(schema);
        this.parse(item, schema);
        current.itemsChildrenIsSingleSchema = false;
      }
    } else if (isSchemaNode(items)) {
      const schema = newSubSchema('items', current);
      current.itemsChildren.push(schema);
      this.parse(items!, schema);
      current.itemsChildrenIsSingleSchema = true;
    } else if (items !== undefined) {
      throw invalidType(`${WORDS.schema}/${WORDS.arrayOfSchemas}`, 'items');
    }

    const additional = m.get('additionalItems');
    if (typeof additional === 'boolean') current.additionalItems = additional;
    else if (isJsonMap(additional)) current.additionalItems = this.#child(additional, 'additionalItems', current);
    else if (additional !== undefined) throw invalidType(`boolean/${WORDS.schema}`, 'additionalItems');
  }

  #numberKeywords(m: JsonMap, current: SubSchema, draft: Draft): void {
    if (m.has('multipleOf')) {
      const multipleOf = mustBeNumber(m.get('multipleOf'));
      if (multipleOf === undefined) throw invalidType(WORDS.number, 'multipleOf');
      if (multipleOf.num <= 0n) throw schemaError(SCHEMA_ERRORS.greaterThanZero, { number: 'multipleOf' });
      current.multipleOf = multipleOf;
    }
    for (const [bound, exclusive] of [
      ['minimum', 'exclusiveMinimum'],
      ['maximum', 'exclusiveMaximum'],
    ] as const) {
      if (m.has(bound)) {
        const value = mustBeNumber(m.get(bound));
        if (value === undefined) throw schemaError(SCHEMA_ERRORS.mustBeOfA, { x: bound, y: WORDS.number });
        current[bound] = value;
      }
      if (!m.has(exclusive)) continue;
      const flag = m.get(exclusive)!;
      const exclusiveBound = (): void => {
        if (current[bound] === undefined) {
          throw schemaError(SCHEMA_ERRORS.cannotBeUsedWithout, { x: exclusive, y: bound });
        }
        if (flag === true) {
          current[exclusive] = current[bound];
          current[bound] = undefined;
        }
      };
      if (draft === 4) {
        if (typeof flag !== 'boolean') throw invalidType('boolean', exclusive);
        exclusiveBound();
      } else if (draft === HYBRID) {
        if (typeof flag === 'boolean') exclusiveBound();
        else if (flag instanceof JsonNumber) current[exclusive] = mustBeNumber(flag);
        else throw invalidType('boolean/number', exclusive);
      } else {
        if (!(flag instanceof JsonNumber)) throw invalidType('number', exclusive);
        current[exclusive] = mustBeNumber(flag);
      }
    }
  }

  /** #count reads a non-negative integer keyword (minLength and kin). */
  #count(m: JsonMap, key: string): bigint | undefined {
    if (!m.has(key)) return undefined;
    const n = mustBeInteger(m.get(key));
    if (n === undefined) throw schemaError(SCHEMA_ERRORS.mustBeOfAn, { x: key, y: 'integer' });
    if (n < 0n) throw schemaError(SCHEMA_ERRORS.mustBeGTEZero, { key });
    return n;
  }

  #stringKeywords(m: JsonMap, current: SubSchema): void {
    current.minLength = this.#count(m, 'minLength');
    current.maxLength = this.#count(m, 'maxLength');
    if (current.minLength !== undefined && current.maxLength !== undefined && current.minLength > current.maxLength) {
      throw schemaError(SCHEMA_ERRORS.cannotBeGT, { x: 'minLength', y: 'maxLength' });
    }
    const pattern = getString(m, 'pattern');
    if (pattern !== undefined) {
      const compiled = compileRegex(pattern);
      if (compiled === undefined) throw schemaError(SCHEMA_ERRORS.mustBeValidRegex, { key: 'pattern' });
      current.pattern = { source: pattern, compiled };
    }
    current.format = getString(m, 'format') ?? '';
  }

  #countKeywords(m: JsonMap, current: SubSchema, draft: Draft): void {
    current.minProperties = this.#count(m, 'minProperties');
    current.maxProperties = this.#count(m, 'maxProperties');
    if (
      current.minProperties !== undefined &&
      current.maxProperties !== undefined &&
      current.minProperties > current.maxProperties
    ) {
      throw schemaError(SCHEMA_ERRORS.keyCannotBeGreaterThan, { key: 'minProperties', y: 'maxProperties' });
    }
    for (const name of getSlice(m, 'required')) {
      if (typeof name !== 'string') throw invalidType('string', 'required');
      if (current.required.includes(name)) throw schemaError(SCHEMA_ERRORS.keyItemsMustBeUnique, { key: 'required' });
      current.required.push(name);
    }
    current.minItems = this.#count(m, 'minItems');
    current.maxItems = this.#count(m, 'maxItems');
    if (m.has('uniqueItems')) {
      const unique = m.get('uniqueItems');
      if (typeof unique !== 'boolean') throw schemaError(SCHEMA_ERRORS.mustBeOfA, { x: 'uniqueItems', y: 'boolean' });
      current.uniqueItems = unique;
    }
    const contains = m.get('contains');
    if (contains !== undefined && draft >= 6) current.contains = this.#child(contains, 'contains', current);
  }

  #valueKeywords(m: JsonMap, current: SubSchema, draft: Draft): void {
    const constant = m.get('const');
    if (constant !== undefined && draft >= 6) current.const = marshalWithoutNumber(constant);
    for (const value of getSlice(m, 'enum')) {
      const text = marshalWithoutNumber(value);
      if (current.enum.includes(text)) throw schemaError(SCHEMA_ERRORS.keyItemsMustBeUnique, { key: 'enum' });
      current.enum.push(text);
    }
  }

  #combinators(m: JsonMap, current: SubSchema, draft: Draft): void {
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      for (const value of getSlice(m, key)) {
        const schema = newSubSchema(key, current);
        current[key].push(schema);
        this.parse(value, schema);
      }
    }
    const keywords = draft >= 7 ? (['not', 'if', 'then', 'else'] as const) : (['not'] as const);
    for (const key of keywords) {
      const value = m.get(key);
      if (value === undefined) continue;
      if (!isSchemaNode(value)) throw schemaError(SCHEMA_ERRORS.mustBeOfAn, { x: key, y: 'object' });
      current[key] = this.#child(value, key, current);
    }
  }
}

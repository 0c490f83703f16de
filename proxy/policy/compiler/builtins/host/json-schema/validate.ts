/*
 * Validating a document against a compiled schema as gojsonschema's validation.go does, error for error: the
 * same checks in the same order, the same error types and texts, and the same "score" by which anyOf, oneOf and
 * contains pick the errors of the closest failing alternative to report.
 *
 * Go walks an object's keys in random order; they are walked here in key order. Two limits keep the work bounded:
 * a `$ref` cycle that never reaches a value (on which Go overflows its stack and OPA crashes) and too many steps
 * in all (nested anyOf can take exponential time) are refused with a HostLimitError.
 */

import { HostLimitError } from '../errors.js';
import { matches } from '../re2.js';
import { compareRationals, formatGoFloat, parseRational, quotientIsInteger, type Rational } from './decimal.js';
import { isFormat } from './formats.js';
import { isJsonMap, type JsonMap, JsonNumber, type JsonValue, marshalWithoutNumber, sortedKeys } from './json-value.js';
import { ERROR_FORMAT, fill, VALIDATION_ERRORS, type ValidationErrorType, WORDS } from './messages.js';
import type { CompiledSchema, SubSchema } from './schema.js';

/** ValidationError is one error json.match_schema reports. */
export interface ValidationError {
  readonly error: string;
  readonly type: ValidationErrorType;
  readonly field: string;
  readonly desc: string;
}

/** Where in the document a value is: `(root)`, then property names and array indexes. */
class Context {
  constructor(
    readonly head: string,
    readonly tail: Context | undefined,
  ) {}

  toString(): string {
    return this.tail === undefined ? this.head : `${this.tail.toString()}.${this.head}`;
  }
}

/** Values printed in descriptions as Go prints them. */
type Details = Readonly<Record<string, string>>;

/** An error found, printed only if it is reported (most errors of failing alternatives never are). */
interface FoundError {
  readonly type: ValidationErrorType;
  readonly context: Context;
  readonly details: Details;
}

/** Result collects errors and gojsonschema's score (how well a value matched). */
class Result {
  readonly errors: FoundError[] = [];
  score = 0;

  get valid(): boolean {
    return this.errors.length === 0;
  }

  merge(other: Result): void {
    for (const error of other.errors) this.errors.push(error);
    this.score += other.score;
  }
}

/** render prints an error as gojsonschema does: `field` without the `(root).` prefix, `error` as `field: desc`. */
function render({ type, context, details }: FoundError): ValidationError {
  const contextText = context.toString();
  const field = contextText.startsWith(`${WORDS.root}.`) ? contextText.slice(WORDS.root.length + 1) : contextText;
  const desc = fill(VALIDATION_ERRORS[type], { ...details, field, context: contextText });
  return { error: fill(ERROR_FORMAT, { field, description: desc }), type, field, desc };
}

/** More validation steps than this in one call are refused. */
const MAX_STEPS = 1_000_000;

/** Schemas nested deeper than this while validating are refused rather than risk the host's stack. */
const MAX_DEPTH = 1_000;

/**
 * validateDocument validates a document against a compiled schema.
 *
 * @throws {HostLimitError} on a `$ref` cycle that never reaches a value, or when the work has no bound.
 */
export function validateDocument(schema: CompiledSchema, document: JsonValue): ValidationError[] {
  const validator = new Validator();
  const result = new Result();
  validator.validateRecursive(schema.root, document, result, new Context(WORDS.root, undefined));
  return result.errors.map(render);
}

class Validator {
  readonly #rationals = new Map<JsonNumber, Rational | undefined>();
  #steps = 0;
  #depth = 0;
  /** The values each schema is validating, outer calls included: meeting one again means endless recursion. */
  readonly #active = new Map<SubSchema, Set<JsonValue>>();

  #addError(result: Result, type: ValidationErrorType, context: Context, details: Details = {}): void {
    result.errors.push({ type, context, details });
    // Net -1 with the +1 each check adds at its end.
    result.score -= 2;
  }

  /** #rational is a number's exact value, read once per number. */
  #rational(value: JsonNumber): Rational | undefined {
    if (!this.#rationals.has(value)) this.#rationals.set(value, parseRational(value.text));
    return this.#rationals.get(value);
  }

  #sub(schema: SubSchema, value: JsonValue, context: Context): Result {
    const result = new Result();
    this.validateRecursive(schema, value, result, context);
    return result;
  }

  validateRecursive(schema: SubSchema, value: JsonValue, result: Result, context: Context): void {
    if (++this.#steps > MAX_STEPS) {
      throw new HostLimitError(`JSON schema validation took more than ${MAX_STEPS} steps`);
    }
    if (this.#depth >= MAX_DEPTH) {
      throw new HostLimitError(`JSON schema validation nested deeper than ${MAX_DEPTH} schemas`);
    }
    let active = this.#active.get(schema);
    if (active === undefined) this.#active.set(schema, (active = new Set()));
    if (active.has(value)) {
      throw new HostLimitError('a JSON schema $ref cycle never reaches a value (OPA overflows its stack here)');
    }
    active.add(value);
    this.#depth++;
    try {
      this.#validateNode(schema, value, result, context);
    } finally {
      this.#depth--;
      active.delete(value);
    }
  }

  #typeMismatch(schema: SubSchema, given: string, result: Result, context: Context): boolean {
    if (schema.types.length === 0 || schema.types.includes(given)) return false;
    const expected = schema.types.length > 1 ? `[${schema.types.join(',')}]` : schema.types[0]!;
    this.#addError(result, 'invalid_type', context, { expected, given });
    return true;
  }

  #validateNode(schema: SubSchema, value: JsonValue, result: Result, context: Context): void {
    if (schema.pass !== undefined) {
      if (!schema.pass) this.#addError(result, 'false', context);
      return;
    }
    if (schema.refSchema !== undefined) return this.validateRecursive(schema.refSchema, value, result, context);

    if (value === null) {
      if (this.#typeMismatch(schema, 'null', result, context)) return;
      this.#validateSchema(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
    } else if (value instanceof JsonNumber) {
      const isInteger = this.#rational(value)?.den === 1n;
      const valid = schema.types.includes('number') || (isInteger && schema.types.includes('integer'));
      if (schema.types.length > 0 && !valid) {
        this.#typeMismatch(schema, isInteger ? 'integer' : 'number', result, context);
        return;
      }
      this.#validateSchema(schema, value, result, context);
      this.#validateNumber(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
    } else if (Array.isArray(value)) {
      if (this.#typeMismatch(schema, 'array', result, context)) return;
      this.#validateSchema(schema, value, result, context);
      this.#validateArray(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
    } else if (isJsonMap(value)) {
      if (this.#typeMismatch(schema, 'object', result, context)) return;
      this.#validateSchema(schema, value, result, context);
      this.#validateObject(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
      for (const property of schema.propertiesChildren) {
        const child = value.get(property.property);
        if (child !== undefined)
          this.validateRecursive(property, child, result, new Context(property.property, context));
      }
    } else if (typeof value === 'boolean') {
      if (this.#typeMismatch(schema, 'boolean', result, context)) return;
      this.#validateSchema(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
    } else {
      if (this.#typeMismatch(schema, 'string', result, context)) return;
      this.#validateSchema(schema, value, result, context);
      this.#validateCommon(schema, value, result, context);
      this.#validateString(schema, value, result, context);
    }
    result.score++;
  }

  #validateSchema(schema: SubSchema, value: JsonValue, result: Result, context: Context): void {
    if (schema.anyOf.length > 0) {
      let valid = false;
      let best: Result | undefined;
      for (const alternative of schema.anyOf) {
        const r = this.#sub(alternative, value, context);
        valid = r.valid;
        if (valid) break;
        if (best === undefined || r.score > best.score) best = r;
      }
      if (!valid) {
        this.#addError(result, 'number_any_of', context);
        if (best !== undefined) result.merge(best);
      }
    }

    if (schema.oneOf.length > 0) {
      let validated = 0;
      let best: Result | undefined;
      for (const alternative of schema.oneOf) {
        const r = this.#sub(alternative, value, context);
        if (r.valid) validated++;
        else if (validated === 0 && (best === undefined || r.score > best.score)) best = r;
      }
      if (validated !== 1) {
        this.#addError(result, 'number_one_of', context);
        if (validated === 0) result.merge(best!);
      }
    }

    if (schema.allOf.length > 0) {
      let validated = 0;
      for (const part of schema.allOf) {
        const r = this.#sub(part, value, context);
        if (r.valid) validated++;
        result.merge(r);
      }
      if (validated !== schema.allOf.length) this.#addError(result, 'number_all_of', context);
    }

    if (schema.not !== undefined && this.#sub(schema.not, value, context).valid) {
      this.#addError(result, 'number_not', context);
    }

    if (schema.dependencies !== undefined && schema.dependencies.size > 0 && isJsonMap(value)) {
      for (const key of sortedKeys(value)) {
        const dependency = schema.dependencies.get(key);
        if (dependency === undefined) continue;
        if (Array.isArray(dependency)) {
          for (const name of dependency as readonly string[]) {
            if (!value.has(name)) this.#addError(result, 'missing_dependency', context, { dependency: name });
          }
        } else {
          this.validateRecursive(dependency as SubSchema, value, result, context);
        }
      }
    }

    if (schema.if !== undefined) {
      const condition = this.#sub(schema.if, value, context);
      const branch = condition.valid ? schema.then : schema.else;
      if (branch !== undefined) {
        const r = this.#sub(branch, value, context);
        if (!r.valid) {
          this.#addError(result, condition.valid ? 'condition_then' : 'condition_else', context);
          result.merge(r);
        }
      }
    }

    result.score++;
  }

  #validateCommon(schema: SubSchema, value: JsonValue, result: Result, context: Context): void {
    if (schema.const !== undefined && marshalWithoutNumber(value) !== schema.const) {
      this.#addError(result, 'const', context, { allowed: schema.const });
    }
    if (schema.enum.length > 0 && !schema.enum.includes(marshalWithoutNumber(value))) {
      this.#addError(result, 'enum', context, { allowed: schema.enum.join(', ') });
    }
    if (schema.format !== '' && !isFormat(schema.format, value)) {
      this.#addError(result, 'format', context, { format: schema.format });
    }
    result.score++;
  }

  #validateArray(schema: SubSchema, value: JsonValue[], result: Result, context: Context): void {
    const at = (i: number): Context => new Context(String(i), context);
    if (schema.itemsChildrenIsSingleSchema) {
      value.forEach((item, i) => result.merge(this.#sub(schema.itemsChildren[0]!, item, at(i))));
    } else if (schema.itemsChildren.length > 0) {
      const positional = schema.itemsChildren.length;
      for (let i = 0; i < positional && i < value.length; i++) {
        result.merge(this.#sub(schema.itemsChildren[i]!, value[i]!, at(i)));
      }
      if (positional < value.length) {
        if (schema.additionalItems === false) {
          this.#addError(result, 'array_no_additional_items', context);
        } else if (typeof schema.additionalItems === 'object') {
          for (let i = positional; i < value.length; i++) {
            result.merge(this.#sub(schema.additionalItems, value[i]!, at(i)));
          }
        }
      }
    }

    const count = BigInt(value.length);
    if (schema.minItems !== undefined && count < schema.minItems) {
      this.#addError(result, 'array_min_items', context, { min: String(schema.minItems) });
    }
    if (schema.maxItems !== undefined && count > schema.maxItems) {
      this.#addError(result, 'array_max_items', context, { max: String(schema.maxItems) });
    }

    if (schema.uniqueItems) {
      const seen = new Map<string, number>();
      value.forEach((item, j) => {
        const text = marshalWithoutNumber(item);
        const i = seen.get(text);
        if (i !== undefined) this.#addError(result, 'unique', context, { type: 'array', i: String(i), j: String(j) });
        seen.set(text, j);
      });
    }

    if (schema.contains !== undefined) {
      let matched = false;
      let best: Result | undefined;
      for (let i = 0; i < value.length; i++) {
        const r = this.#sub(schema.contains, value[i]!, at(i));
        if (r.valid) {
          matched = true;
          break;
        }
        if (best === undefined || r.score > best.score) best = r;
      }
      if (!matched) {
        this.#addError(result, 'contains', context);
        if (best !== undefined) result.merge(best);
      }
    }

    result.score++;
  }

  #validateObject(schema: SubSchema, value: JsonMap, result: Result, context: Context): void {
    const size = BigInt(value.size);
    if (schema.minProperties !== undefined && size < schema.minProperties) {
      this.#addError(result, 'array_min_properties', context, { min: String(schema.minProperties) });
    }
    if (schema.maxProperties !== undefined && size > schema.maxProperties) {
      this.#addError(result, 'array_max_properties', context, { max: String(schema.maxProperties) });
    }

    for (const property of schema.required) {
      if (value.has(property)) result.score++;
      else this.#addError(result, 'required', context, { property });
    }

    const keys = sortedKeys(value);
    for (const key of keys) {
      const declared = schema.propertiesChildren.some((p) => p.property === key);
      const patterned = this.#validatePatternProperty(schema, key, value.get(key)!, result, context);
      if (declared || patterned) continue;
      if (schema.additionalProperties === false) {
        this.#addError(result, 'additional_property_not_allowed', context, { property: key });
      } else if (typeof schema.additionalProperties === 'object') {
        result.merge(this.#sub(schema.additionalProperties, value.get(key)!, new Context(key, context)));
      }
    }

    if (schema.propertyNames !== undefined) {
      for (const key of keys) {
        const r = this.#sub(schema.propertyNames, key, context);
        if (!r.valid) {
          this.#addError(result, 'invalid_property_name', context, { property: key });
          result.merge(r);
        }
      }
    }

    result.score++;
  }

  #validatePatternProperty(
    schema: SubSchema,
    key: string,
    value: JsonValue,
    result: Result,
    context: Context,
  ): boolean {
    let matched = false;
    for (const { compiled, schema: patternSchema } of schema.patternProperties?.values() ?? []) {
      if (matches(compiled, key)) {
        matched = true;
        result.merge(this.#sub(patternSchema, value, new Context(key, context)));
      }
    }
    if (!matched) return false;
    result.score++;
    return true;
  }

  #validateString(schema: SubSchema, value: string, result: Result, context: Context): void {
    const length = BigInt([...value].length);
    if (schema.minLength !== undefined && length < schema.minLength) {
      this.#addError(result, 'string_gte', context, { min: String(schema.minLength) });
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      this.#addError(result, 'string_lte', context, { max: String(schema.maxLength) });
    }
    if (schema.pattern !== undefined && !matches(schema.pattern.compiled, value)) {
      this.#addError(result, 'pattern', context, { pattern: schema.pattern.source });
    }
    result.score++;
  }

  #validateNumber(schema: SubSchema, value: JsonNumber, result: Result, context: Context): void {
    const n = this.#rational(value)!;
    if (schema.multipleOf !== undefined && !quotientIsInteger(n, schema.multipleOf)) {
      this.#addError(result, 'multiple_of', context, { multiple: formatGoFloat(schema.multipleOf) });
    }
    if (schema.maximum !== undefined && compareRationals(n, schema.maximum) === 1) {
      this.#addError(result, 'number_lte', context, { max: formatGoFloat(schema.maximum) });
    }
    if (schema.exclusiveMaximum !== undefined && compareRationals(n, schema.exclusiveMaximum) >= 0) {
      this.#addError(result, 'number_lt', context, { max: formatGoFloat(schema.exclusiveMaximum) });
    }
    if (schema.minimum !== undefined && compareRationals(n, schema.minimum) === -1) {
      this.#addError(result, 'number_gte', context, { min: formatGoFloat(schema.minimum) });
    }
    if (schema.exclusiveMinimum !== undefined && compareRationals(n, schema.exclusiveMinimum) <= 0) {
      this.#addError(result, 'number_gt', context, { min: formatGoFloat(schema.exclusiveMinimum) });
    }
    result.score++;
  }
}

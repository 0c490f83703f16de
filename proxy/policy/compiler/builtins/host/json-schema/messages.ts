/*
 * gojsonschema's English texts (its DefaultLocale) and the names it gives each validation error, which
 * json.match_schema returns as `type` and `desc`. Templates use Go's `{{.name}}` placeholders, filled from an
 * error's details already printed as Go prints them.
 */

/** The validation errors, by the `type` gojsonschema reports, with their description templates. */
export const VALIDATION_ERRORS = {
  false: 'False always fails validation',
  required: '{{.property}} is required',
  invalid_type: 'Invalid type. Expected: {{.expected}}, given: {{.given}}',
  number_any_of: 'Must validate at least one schema (anyOf)',
  number_one_of: 'Must validate one and only one schema (oneOf)',
  number_all_of: 'Must validate all the schemas (allOf)',
  number_not: 'Must not validate the schema (not)',
  missing_dependency: 'Has a dependency on {{.dependency}}',
  const: '{{.field}} does not match: {{.allowed}}',
  enum: '{{.field}} must be one of the following: {{.allowed}}',
  array_no_additional_items: 'No additional items allowed on array',
  array_min_items: 'Array must have at least {{.min}} items',
  array_max_items: 'Array must have at most {{.max}} items',
  unique: '{{.type}} items[{{.i}},{{.j}}] must be unique',
  contains: 'At least one of the items must match',
  array_min_properties: 'Must have at least {{.min}} properties',
  array_max_properties: 'Must have at most {{.max}} properties',
  additional_property_not_allowed: 'Additional property {{.property}} is not allowed',
  invalid_property_name: 'Property name of "{{.property}}" does not match',
  string_gte: 'String length must be greater than or equal to {{.min}}',
  string_lte: 'String length must be less than or equal to {{.max}}',
  pattern: "Does not match pattern '{{.pattern}}'",
  format: "Does not match format '{{.format}}'",
  multiple_of: 'Must be a multiple of {{.multiple}}',
  number_gte: 'Must be greater than or equal to {{.min}}',
  number_gt: 'Must be greater than {{.min}}',
  number_lte: 'Must be less than or equal to {{.max}}',
  number_lt: 'Must be less than {{.max}}',
  condition_then: 'Must validate "then" as "if" was valid',
  condition_else: 'Must validate "else" as "if" was not valid',
} as const;

/** ValidationErrorType is the `type` of a validation error. */
export type ValidationErrorType = keyof typeof VALIDATION_ERRORS;

/** The texts of errors in a schema itself, which make verify_schema answer false and match_schema fail. */
export const SCHEMA_ERRORS = {
  invalidType: 'Invalid type. Expected: {{.expected}}, given: {{.given}}',
  regexPattern: "Invalid regex pattern '{{.pattern}}'",
  greaterThanZero: '{{.number}} must be strictly greater than 0',
  mustBeOfA: '{{.x}} must be of a {{.y}}',
  mustBeOfAn: '{{.x}} must be of an {{.y}}',
  cannotBeUsedWithout: '{{.x}} cannot be used without {{.y}}',
  cannotBeGT: '{{.x}} cannot be greater than {{.y}}',
  mustBeOfType: '{{.key}} must be of type {{.type}}',
  mustBeValidRegex: '{{.key}} must be a valid regex',
  mustBeGTEZero: '{{.key}} must be greater than or equal to 0',
  keyCannotBeGreaterThan: '{{.key}} cannot be greater than {{.y}}',
  keyItemsMustBeUnique: '{{.key}} items must be unique',
  referenceMustBeCanonical: 'Reference {{.reference}} must be canonical',
  notAValidType: 'has a primitive type that is NOT VALID -- given: {{.given}} Expected valid values are:{{.expected}}',
  duplicated: '{{.type}} type is duplicated',
  parseError: 'Expected: {{.expected}}, given: Invalid JSON',
} as const;

/** The `error` text of a validation error. */
export const ERROR_FORMAT = '{{.field}}: {{.description}}';

/** Words gojsonschema puts in its messages. */
export const WORDS = {
  number: 'number',
  arrayOfStrings: 'array of strings',
  arrayOfSchemas: 'array of schemas',
  schema: 'valid schema',
  schemaOrArrayOfStrings: 'schema or array of strings',
  properties: 'properties',
  dependency: 'dependency',
  root: '(root)',
} as const;

/** JSON_TYPES are the type names a schema may use, in gojsonschema's order. */
export const JSON_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'] as const;

/** fill replaces each `{{.name}}` in a template with its detail (Go's text/template over the error details). */
export function fill(template: string, details: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\.(\w+)\}\}/g, (_, name: string) => details[name] ?? '<no value>');
}

/** SchemaError is an error in a schema (or in resolving its references), with gojsonschema's text. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

/** schemaError fills a SCHEMA_ERRORS template into a SchemaError. */
export function schemaError(template: string, details: Readonly<Record<string, string>>): SchemaError {
  return new SchemaError(fill(template, details));
}

/** invalidType is gojsonschema's invalidType(expected, given) schema error. */
export function invalidType(expected: string, given: string): SchemaError {
  return schemaError(SCHEMA_ERRORS.invalidType, { expected, given });
}

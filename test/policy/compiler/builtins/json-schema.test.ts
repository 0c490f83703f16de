import t from 'tap';
import { BuiltinError, HostLimitError } from '../../../../proxy/policy/compiler/builtins/host/index.js';
import { formatGoFloat, parseRational } from '../../../../proxy/policy/compiler/builtins/host/json-schema/decimal.js';
import { isMailAddress } from '../../../../proxy/policy/compiler/builtins/host/json-schema/mail-address.js';
import { call, set } from './fixtures/call-host.js';

/** json writes a scalar document as JSON text: OPA takes documents only as text, objects or arrays. */
const json = (value: unknown): string => JSON.stringify(value);

type SchemaError = { error: string; type: string; field: string; desc: string };

function verify(schema: unknown): unknown {
  const answer = call('json.verify_schema', [schema], { encoding: 'typed', strictBuiltinErrors: true });
  return answer.defined ? answer.value : undefined;
}

function match(document: unknown, schema: unknown): [boolean, SchemaError[]] {
  const answer = call('json.match_schema', [document, schema], { encoding: 'typed', strictBuiltinErrors: true });
  if (!answer.defined) throw new Error('json.match_schema was undefined');
  return answer.value as [boolean, SchemaError[]];
}

/** errorsOf lists each error as `type field: desc`, the `error` text checked to be `field: desc`. */
function errorsOf(document: unknown, schema: unknown): string[] {
  const [valid, errors] = match(document, schema);
  if (valid !== (errors.length === 0)) throw new Error('valid disagrees with the errors');
  return errors.map((e) => {
    if (e.error !== `${e.field}: ${e.desc}`) throw new Error(`error text ${e.error}`);
    return `${e.type} ${e.field}: ${e.desc}`;
  });
}

t.test('matches the conformance cases', async (t) => {
  const schema = { properties: { id: { type: 'integer' } }, required: ['id'] };
  t.same(match({ id: 5 }, schema), [true, []]);
  t.same(match('{"id": 5}', schema), [true, []]);
  t.same(match({ id: 5 }, JSON.stringify(schema)), [true, []]);
  t.same(match({ id: 'foo' }, schema), [
    false,
    [
      {
        error: 'id: Invalid type. Expected: integer, given: string',
        type: 'invalid_type',
        field: 'id',
        desc: 'Invalid type. Expected: integer, given: string',
      },
    ],
  ]);
  t.throws(
    () => match({ id: 'foo' }, { properties: { id: { type: 'unknown' } } }),
    new BuiltinError(
      'json.match_schema: has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]',
    ),
  );
  t.same(call('json.match_schema', [{}, { type: 'unknown' }], { encoding: 'typed' }), { defined: false });
  t.same(verify('{"type": "boolean"}'), [true, null]);
  t.same(verify({ type: 'boolean' }), [true, null]);
  t.same(verify({ type: 'unknown_type' }), [
    false,
    'jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]',
  ]);
});

t.test('reads arguments as OPA does', async (t) => {
  t.same(verify('not json'), [false, 'jsonschema: invalid JSON string']);
  t.same(verify('{"a": 1} x'), [false, 'jsonschema: invalid JSON string']);
  t.same(verify(5), [false, 'jsonschema: wrong type, expected string or object']);
  t.same(verify(set({ type: 'string' })), [false, 'jsonschema: wrong type, expected string or object']);
  t.same(verify([1]), [false, 'jsonschema: schema is invalid']);
  t.same(verify('5'), [false, 'jsonschema: schema is invalid']);
  t.same(verify('true'), [true, null]);
  t.same(verify({}), [true, null]);
  t.throws(() => match(5, {}), /^json\.match_schema: wrong type, expected string or object$/);
  t.throws(() => match('{', {}), /^json\.match_schema: invalid JSON string$/);
  t.same(match('[1, "a"]', '{"items": {"type": "integer"}}')[1].length, 1);
});

t.test('reports the errors in a schema with gojsonschema’s texts', async (t) => {
  const draft4 = 'http://json-schema.org/draft-04/schema#';
  const rows: [unknown, string][] = [
    [{ minLength: -1 }, 'minLength must be greater than or equal to 0'],
    [{ maxItems: '5' }, 'maxItems must be of an integer'],
    ['{"minLength": 1.0}', 'minLength must be of an integer'],
    [{ minLength: 5, maxLength: 2 }, 'minLength cannot be greater than maxLength'],
    [{ minProperties: 5, maxProperties: 2 }, 'minProperties cannot be greater than maxProperties'],
    [{ pattern: '(' }, 'pattern must be a valid regex'],
    [{ pattern: 5 }, 'Invalid type. Expected: string, given: pattern'],
    [{ patternProperties: { '(': {} } }, "Invalid regex pattern '('"],
    [{ patternProperties: 5 }, 'Invalid type. Expected: valid schema, given: patternProperties'],
    [{ required: ['a', 'a'] }, 'required items must be unique'],
    [{ required: 'a' }, 'required must be of an array'],
    [{ required: [1] }, 'Invalid type. Expected: string, given: required'],
    ['{"enum": [1, 1.0]}', 'enum items must be unique'],
    [{ type: ['string', 'string'] }, 'string type is duplicated'],
    [{ type: 5 }, 'Invalid type. Expected: type, given: string/array of strings'],
    [{ properties: 5 }, 'properties must be of type object'],
    [{ properties: { a: 5 } }, 'Expected: valid schema, given: Invalid JSON'],
    [{ $schema: draft4, properties: { a: true } }, 'Expected: valid schema, given: Invalid JSON'],
    [{ $schema: draft4, exclusiveMinimum: true }, 'exclusiveMinimum cannot be used without minimum'],
    [{ $schema: draft4, minimum: 1, exclusiveMinimum: 1 }, 'Invalid type. Expected: boolean, given: exclusiveMinimum'],
    [{ exclusiveMaximum: 'x' }, 'Invalid type. Expected: boolean/number, given: exclusiveMaximum'],
    [{ $schema: 5 }, '$schema must be of type string'],
    [{ multipleOf: 0 }, 'multipleOf must be strictly greater than 0'],
    [{ multipleOf: 'x' }, 'Invalid type. Expected: number, given: multipleOf'],
    [{ minimum: '1' }, 'minimum must be of a number'],
    [{ uniqueItems: 1 }, 'uniqueItems must be of a boolean'],
    [{ additionalProperties: 5 }, 'Invalid type. Expected: boolean/valid schema, given: additionalProperties'],
    [{ items: 5 }, 'Invalid type. Expected: valid schema/array of schemas, given: items'],
    [{ dependencies: { a: [1] } }, 'dependency must be of type schema or array of strings'],
    [{ definitions: { a: 5 } }, 'Invalid type. Expected: array of schemas, given: definitions'],
    [{ not: 5 }, 'not must be of an object'],
    [{ anyOf: {} }, 'anyOf must be of an array'],
    [{ title: 5 }, 'Invalid type. Expected: string, given: title'],
    [{ $ref: '#/definitions/missing' }, "Object has no key 'definitions'"],
    [{ items: [{}], $ref: '#/items/1' }, "Out of bound array[0,1] index '1'"],
    [{ $ref: 'other.json' }, 'Reference /other.json must be canonical'],
    [{ $ref: '%zz' }, 'parse "%zz": invalid URL escape "%zz"'],
  ];
  for (const [schema, message] of rows) {
    t.same(verify(schema), [false, `jsonschema: ${message}`], message);
  }
});

t.test('checks types, integers by value', async (t) => {
  t.same(errorsOf('1.0', { type: 'integer' }), []);
  t.same(errorsOf('1e2', { type: 'integer' }), []);
  t.same(errorsOf('1.5', { type: 'integer' }), ['invalid_type (root): Invalid type. Expected: integer, given: number']);
  t.same(errorsOf(json('x'), { type: ['integer', 'null'] }), [
    'invalid_type (root): Invalid type. Expected: [integer,null], given: string',
  ]);
  t.same(errorsOf('null', { type: 'string' }), ['invalid_type (root): Invalid type. Expected: string, given: null']);
  t.same(errorsOf([true], { items: { type: 'object' } }), [
    'invalid_type 0: Invalid type. Expected: object, given: boolean',
  ]);
});

t.test('names nested fields with dots, in key order', async (t) => {
  const schema = { properties: { a: { properties: { b: { items: { type: 'integer' } } } } } };
  t.same(errorsOf({ a: { b: [1, 'x'] } }, schema), [
    'invalid_type a.b.1: Invalid type. Expected: integer, given: string',
  ]);
  const both = { required: ['c'], properties: { b: { type: 'string' }, a: { type: 'string' } } };
  t.same(errorsOf({ a: 1, b: 2 }, both), [
    'required (root): c is required',
    'invalid_type a: Invalid type. Expected: string, given: integer',
    'invalid_type b: Invalid type. Expected: string, given: integer',
  ]);
});

t.test('checks numbers exactly and prints bounds as Go prints big.Float', async (t) => {
  t.same(errorsOf('0.3', { multipleOf: 0.1 }), []);
  t.same(errorsOf('0.35', { multipleOf: 0.1 }), ['multiple_of (root): Must be a multiple of 0.1']);
  t.same(errorsOf('2000000', { maximum: 1000000 }), ['number_lte (root): Must be less than or equal to 1e+06']);
  t.same(errorsOf('2000000', { maximum: 1234567 }), ['number_lte (root): Must be less than or equal to 1.234567e+06']);
  t.same(errorsOf('200000', { maximum: 123456 }), ['number_lte (root): Must be less than or equal to 123456']);
  t.same(errorsOf('0', { minimum: 0.0001 }), ['number_gte (root): Must be greater than or equal to 0.0001']);
  t.same(errorsOf('0', { minimum: 0.00001 }), ['number_gte (root): Must be greater than or equal to 1e-05']);
  t.same(errorsOf('5', { exclusiveMaximum: 5 }), ['number_lt (root): Must be less than 5']);
  t.same(errorsOf('-3', { exclusiveMinimum: -2.5 }), ['number_gt (root): Must be greater than -2.5']);
  const draft4 = { $schema: 'http://json-schema.org/draft-04/schema#', maximum: 5, exclusiveMaximum: true };
  t.same(errorsOf('5', draft4), ['number_lt (root): Must be less than 5']);
  t.same(errorsOf('4', draft4), []);
  t.same(formatGoFloat(parseRational('0')!), '0');
  t.same(formatGoFloat(parseRational('-2.50')!), '-2.5');
  t.same(formatGoFloat(parseRational('1e21')!), '1e+21');
  t.same(formatGoFloat(parseRational('100000')!), '100000');
  t.same(formatGoFloat(parseRational('0.000123')!), '0.000123');
});

t.test('checks strings by runes, RE2 patterns and formats', async (t) => {
  t.same(errorsOf(json('😀😀'), { maxLength: 2 }), []);
  t.same(errorsOf(json('ééé'), { maxLength: 2 }), ['string_lte (root): String length must be less than or equal to 2']);
  t.same(errorsOf(json('a'), { minLength: 2 }), [
    'string_gte (root): String length must be greater than or equal to 2',
  ]);
  t.same(errorsOf(json('αβ'), { pattern: '^\\p{Greek}+$' }), []);
  t.same(errorsOf(json('xab'), { pattern: 'ab' }), [], 'patterns are not anchored');
  t.same(errorsOf(json('ab'), { pattern: '^\\p{Greek}+$' }), [
    "pattern (root): Does not match pattern '^\\p{Greek}+$'",
  ]);
  const formats: [string, string, boolean][] = [
    ['date-time', '2020-01-01T00:00:00Z', true],
    ['date-time', '2020-01-01', true],
    ['date-time', '2020-01-01 00:00:00', false],
    ['date', '2020-02-30', false],
    ['time', '12:00:00', true],
    ['time', '25:00:00', false],
    ['email', 'a@b.c', true],
    ['email', 'John Smith <a@b.c>', true],
    ['email', 'a@', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv4', '::1', false],
    ['ipv6', '::1', true],
    ['uri', 'https://example.com/a?b#c', true],
    ['uri', 'example.com', false],
    ['uri-reference', '/a/b', true],
    ['uri-reference', 'http://[::1', false],
    ['uri-template', 'http://example.com/{id}', true],
    ['uri-template', 'http://example.com/{id', false],
    ['hostname', 'a-b.example.com', true],
    ['hostname', '-a.example.com', false],
    ['uuid', '123E4567-e89b-12d3-a456-426614174000', true],
    ['uuid', '123e4567', false],
    ['regex', '^a+$', true],
    ['regex', '(', false],
    ['json-pointer', '/a~1b/0', true],
    ['json-pointer', 'a', false],
    ['relative-json-pointer', '0#', true],
    ['unknown-format', 'anything', true],
  ];
  for (const [format, text, ok] of formats) {
    t.same(
      errorsOf(json(text), { format }),
      ok ? [] : [`format (root): Does not match format '${format}'`],
      `${format} ${JSON.stringify(text)}`,
    );
  }
  t.same(errorsOf('5', { format: 'email' }), [], 'formats only constrain strings');
  t.same(errorsOf('null', { type: 'null' }), []);
});

t.test('checks objects', async (t) => {
  t.same(errorsOf({ a: 1, b: 2 }, { properties: { a: {} }, additionalProperties: false }), [
    'additional_property_not_allowed (root): Additional property b is not allowed',
  ]);
  t.same(errorsOf({ a: 1, x1: 'y' }, { properties: { a: {} }, additionalProperties: { type: 'integer' } }), [
    'invalid_type x1: Invalid type. Expected: integer, given: string',
  ]);
  const patterned = { patternProperties: { '^x': { type: 'integer' } }, additionalProperties: false };
  t.same(errorsOf({ x1: 'a', y: 1 }, patterned), [
    'invalid_type x1: Invalid type. Expected: integer, given: string',
    'additional_property_not_allowed (root): Additional property y is not allowed',
  ]);
  t.same(errorsOf({ ab: 1 }, { propertyNames: { maxLength: 1 } }), [
    'invalid_property_name (root): Property name of "ab" does not match',
    'string_lte (root): String length must be less than or equal to 1',
  ]);
  t.same(errorsOf({ a: 1 }, { minProperties: 2 }), ['array_min_properties (root): Must have at least 2 properties']);
  t.same(errorsOf({ a: 1, b: 2 }, { maxProperties: 1 }), [
    'array_max_properties (root): Must have at most 1 properties',
  ]);
  t.same(errorsOf({ a: 1 }, { dependencies: { a: ['b', 'c'] } }), [
    'missing_dependency (root): Has a dependency on b',
    'missing_dependency (root): Has a dependency on c',
  ]);
  t.same(errorsOf({ a: 1 }, { dependencies: { a: { required: ['z'] } } }), ['required (root): z is required']);
  t.same(errorsOf({ a: 1 }, { properties: { a: false } }), ['false a: False always fails validation']);
});

t.test('checks arrays', async (t) => {
  t.same(errorsOf([1, 2], { items: [{ type: 'integer' }], additionalItems: false }), [
    'array_no_additional_items (root): No additional items allowed on array',
  ]);
  t.same(errorsOf([1, 'a'], { items: [{ type: 'integer' }], additionalItems: { type: 'integer' } }), [
    'invalid_type 1: Invalid type. Expected: integer, given: string',
  ]);
  t.same(errorsOf([1], { minItems: 3 }), ['array_min_items (root): Array must have at least 3 items']);
  t.same(errorsOf([1, 2], { maxItems: 1 }), ['array_max_items (root): Array must have at most 1 items']);
  t.same(errorsOf('[1, 1.0, 2, 1]', { uniqueItems: true }), [
    'unique (root): array items[0,1] must be unique',
    'unique (root): array items[1,3] must be unique',
  ]);
  t.same(errorsOf([1, 2], { contains: { minimum: 5 } }), [
    'contains (root): At least one of the items must match',
    'number_gte 0: Must be greater than or equal to 5',
  ]);
  t.same(errorsOf([1, 7], { contains: { minimum: 5 } }), []);
});

t.test('checks enum and const by value, printing them as Go marshals them', async (t) => {
  t.same(errorsOf('{"a": 1.0}', '{"const": {"a": 1}}'), []);
  t.same(errorsOf({ a: '<' }, { const: { a: 1 } }), ['const (root): (root) does not match: {"a":1}']);
  t.same(errorsOf(json('x'), { enum: ['<a>', 2, null] }), [
    'enum (root): (root) must be one of the following: "\\u003ca\\u003e", 2, null',
  ]);
  t.same(errorsOf({ a: 'x' }, { properties: { a: { enum: ['y'] } } }), ['enum a: a must be one of the following: "y"']);
  t.same(errorsOf('2', { enum: [1, 2.0] }), []);
});

t.test('combines schemas, reporting the closest failing alternative', async (t) => {
  t.same(errorsOf('5', { anyOf: [{ type: 'string' }, { minimum: 6 }] }), [
    'number_any_of (root): Must validate at least one schema (anyOf)',
    'number_gte (root): Must be greater than or equal to 6',
  ]);
  t.same(errorsOf('5', { anyOf: [{ type: 'string' }, { minimum: 1 }] }), []);
  t.same(errorsOf('5', { oneOf: [{ type: 'number' }, { minimum: 1 }] }), [
    'number_one_of (root): Must validate one and only one schema (oneOf)',
  ]);
  t.same(errorsOf('5', { oneOf: [{ type: 'string' }, { maximum: 1 }] }), [
    'number_one_of (root): Must validate one and only one schema (oneOf)',
    'number_lte (root): Must be less than or equal to 1',
  ]);
  t.same(errorsOf(json('ab'), { allOf: [{ type: 'string' }, { minLength: 5 }] }), [
    'string_gte (root): String length must be greater than or equal to 5',
    'number_all_of (root): Must validate all the schemas (allOf)',
  ]);
  t.same(errorsOf(json('a'), { not: { type: 'string' } }), ['number_not (root): Must not validate the schema (not)']);
  const conditional = { if: { type: 'string' }, then: { minLength: 2 }, else: { minimum: 0 } };
  t.same(errorsOf(json('a'), conditional), [
    'condition_then (root): Must validate "then" as "if" was valid',
    'string_gte (root): String length must be greater than or equal to 2',
  ]);
  t.same(errorsOf('-1', conditional), [
    'condition_else (root): Must validate "else" as "if" was not valid',
    'number_gte (root): Must be greater than or equal to 0',
  ]);
  t.same(errorsOf(json('abc'), conditional), []);
});

t.test('resolves $ref to definitions, $id anchors and the draft meta-schemas', async (t) => {
  const tree = {
    definitions: { node: { type: 'object', properties: { next: { $ref: '#/definitions/node' } } } },
    $ref: '#/definitions/node',
  };
  t.same(errorsOf({ next: { next: { next: 5 } } }, tree), [
    'invalid_type next.next.next: Invalid type. Expected: object, given: integer',
  ]);
  const withId = {
    $id: 'http://example.com/root.json',
    definitions: { A: { $id: '#foo', type: 'integer' } },
    properties: { a: { $ref: '#/definitions/A' }, b: { $ref: '#foo' } },
  };
  t.same(errorsOf({ a: 'x', b: 'y' }, withId), [
    'invalid_type a: Invalid type. Expected: integer, given: string',
    'invalid_type b: Invalid type. Expected: integer, given: string',
  ]);
  const escaped = { definitions: { 'a b': { type: 'string' }, 'c/d': { type: 'string' } } };
  t.same(errorsOf('1', { ...escaped, $ref: '#/definitions/a%20b' }), [
    'invalid_type (root): Invalid type. Expected: string, given: integer',
  ]);
  t.same(errorsOf('1', { ...escaped, $ref: '#/definitions/c~1d' }), [
    'invalid_type (root): Invalid type. Expected: string, given: integer',
  ]);
  const meta = { $ref: 'http://json-schema.org/draft-07/schema#' };
  t.same(errorsOf({ type: 'object' }, meta), []);
  t.same(errorsOf({ minLength: -1 }, meta), [
    'number_gte minLength: Must be greater than or equal to 0',
    'number_all_of minLength: Must validate all the schemas (allOf)',
  ]);
});

t.test('refuses what it cannot answer exactly, without hanging', async (t) => {
  t.throws(() => match('1', { $ref: '#' }), HostLimitError, 'a $ref cycle that never reaches a value');
  t.throws(
    () =>
      match('1', {
        definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } },
        $ref: '#/definitions/a',
      }),
    HostLimitError,
  );
  t.throws(() => match('1', { $ref: 'https://example.com/schema.json' }), HostLimitError, 'a remote $ref');
  t.throws(() => match('1', { $ref: 'file:///etc/schema.json' }), HostLimitError, 'a file $ref');
  let nested: unknown = 1;
  for (let i = 0; i < 600; i++) nested = [nested];
  t.throws(() => match(nested, {}), HostLimitError, 'a document nested too deep');
  // Each level tries the level below twice: 2^40 steps.
  const definitions: Record<string, unknown> = { d0: { type: 'string' } };
  for (let i = 1; i <= 40; i++) {
    definitions[`d${i}`] = { anyOf: [{ $ref: `#/definitions/d${i - 1}` }, { $ref: `#/definitions/d${i - 1}` }] };
  }
  t.throws(() => match('1', { definitions, $ref: '#/definitions/d40' }), HostLimitError, 'exponential work');
});

t.test('isMailAddress follows Go’s net/mail', async (t) => {
  const rows: [string, boolean][] = [
    ['user@example.com', true],
    ['first.last@example.com', true],
    ['"quoted user"@example.com', true],
    ['John Smith <john@example.com>', true],
    ['"John Smith" <john@example.com>', true],
    ['john@example.com (John Smith)', true],
    ['group: john@example.com;', true],
    ['group: a@b.c, d@e.f;', false],
    ['group:;', false],
    ['user@[192.168.0.1]', true],
    ['user@[not-an-ip]', false],
    ['.user@example.com', false],
    ['user..name@example.com', false],
    ['user@', false],
    ['@example.com', false],
    ['John Smith', false],
    ['a@b.c d@e.f', false],
    ['=?utf-8?q?J=C3=B6rg?= <jorg@example.com>', true],
    ['=?x-unknown?q?J?= <jorg@example.com>', false],
    ['=?x-unknown?q?J=?= <jorg@example.com>', true],
    ['', false],
  ];
  for (const [address, ok] of rows) t.equal(isMailAddress(address), ok, address);
});

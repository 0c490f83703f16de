import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';

const SCHEMA = `
schema { query: Query mutation: Mutation subscription: Subscription }
interface Node { id: ID! }
type User implements Node { id: ID! name: String friends(first: Int = 10): [User!]! role: Role }
type Droid implements Node { id: ID! model: String }
union SearchResult = User | Droid
enum Role { ADMIN USER }
input UserFilter { name: String! role: Role tags: [String] }
type Query { node(id: ID!): Node search(text: String, filter: UserFilter): [SearchResult] me: User }
type Mutation { rename(id: ID!, name: String!): User }
type Subscription { renamed: User other: User }
directive @auth(role: Role!) repeatable on FIELD
`;

/** problem is graphql.parse's error for `query` against SCHEMA, or "valid". */
function problem(query: string, schema = SCHEMA): string {
  try {
    strict('graphql.parse', [query, schema]);
  } catch (error) {
    return (error as Error).message.replace(/^graphql\.parse: /, '');
  }
  return 'valid';
}

t.test('valid queries pass every rule', async (t) => {
  const valid = [
    '{ me { name friends { name } } }',
    '{ node(id: 1) { id ... on User { name } ... on Droid { model } } }',
    '{ search(text: "a") { ... on User { name } __typename } }',
    'query Q($f: UserFilter!) { search(filter: $f) { __typename } }',
    'query Q($id: ID! = "x") { node(id: $id) { id } }',
    '{ search(filter: {name: "n", role: ADMIN, tags: "one"}) { __typename } }',
    '{ me { ...U } } fragment U on User { id friends(first: 2) { ...U2 } } fragment U2 on User { name }',
    '{ me @auth(role: ADMIN) @auth(role: USER) { id } }',
    'mutation { rename(id: 1, name: "n") { id } }',
    'subscription S { renamed { id } }',
    '{ __schema { types { name fields { name } } } __type(name: "User") { name } }',
    'query A { me { id } } query B { me { id } }',
    '{ me { a: name a: name } }',
    '{ node(id: 1) { ... on User { x: name } ... on Droid { x: model } } }',
  ];
  for (const query of valid) t.equal(problem(query), 'valid', query);
});

t.test('each validation rule reports with gqlparser text and location', async (t) => {
  const rows: [string, string][] = [
    [
      '{ me { nam } }',
      'Cannot query field "nam" on type "User". Did you mean "name"?\n in GraphQL string at location 1:8',
    ],
    [
      '{ search { name } }',
      'Cannot query field "name" on type "SearchResult". Did you mean to use an inline fragment on "User"?\n in GraphQL string at location 1:12',
    ],
    [
      '{ me { ... on Role { x } } }',
      'Cannot query field "x" on type "Role".\ninput:1:12: Fragment cannot condition on non composite type "Role" in GraphQL string at location 1:22',
    ],
    [
      '{ me { friends(frist: 1) { id } } }',
      'Unknown argument "frist" on field "User.friends". Did you mean "first"?\n in GraphQL string at location 1:8',
    ],
    ['{ me @nope { id } }', 'Unknown directive "@nope" in GraphQL string at location 1:7'],
    [
      'query @skip(if: true) { me { id } }',
      'Directive "@skip" may not be used on QUERY in GraphQL string at location 1:8',
    ],
    ['{ me { ...Missing } }', 'Unknown fragment "Missing" in GraphQL string at location 1:11'],
    [
      'query($v: Nope) { me { id } }',
      'Unknown type "Nope".\ninput:1:7: Variable "$v" is never used in GraphQL string at location 1:7',
    ],
    [
      '{ me { id } } query B { me { id } }',
      'This anonymous operation must be the only defined operation in GraphQL string at location 1:1',
    ],
    [
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      'Maximum introspection depth exceeded\n in GraphQL string at location 1:3',
    ],
    [
      '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }',
      'Cannot spread fragment "A" within itself via B in GraphQL string at location 1:69',
    ],
    [
      'query Q { node(id: $x) { id } }',
      'Variable "$x" is not defined by operation "Q" in GraphQL string at location 1:20',
    ],
    ['{ me { id } } fragment F on User { id }', 'Fragment "F" is never used in GraphQL string at location 1:15'],
    ['query($v: ID) { me { id } }', 'Variable "$v" is never used in GraphQL string at location 1:7'],
    [
      '{ me { a: name a: id } }',
      'Fields "a" conflict because "name" and "id" are different fields. Use different aliases on the fields to fetch both if this was intentional in GraphQL string at location 1:16',
    ],
    [
      '{ me { friends(first: 1) { id } friends(first: 2) { id } } }',
      'Fields "friends" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional in GraphQL string at location 1:33',
    ],
    ['{ me { ... on User { id } } node(id: 1) { ... on Droid { id } } }', 'valid'],
    [
      '{ me { ... on Droid { id } } }',
      'Fragment cannot be spread here as objects of type "User" can never be of type "Droid" in GraphQL string at location 1:12',
    ],
    [
      'mutation { rename(id: "1") { id } }',
      'Field "rename" argument "name" of type "String!" is required, but it was not provided in GraphQL string at location 1:12',
    ],
    [
      '{ me { id } me }',
      'Field "me" of type "User" must have a selection of subfields. Did you mean "me { ... }"?\n in GraphQL string at location 1:13',
    ],
    [
      '{ me { id { x } } }',
      'Cannot query field "x" on type "ID".\ninput:1:8: Field "id" must not have a selection since type "ID" has no subfields in GraphQL string at location 1:13',
    ],
    [
      'subscription { renamed { id } other { id } }',
      'Anonymous Subscription must select only one top level field in GraphQL string at location 1:31',
    ],
    [
      '{ me { friends(first: 1, first: 2) { id } } }',
      'There can be only one argument named "first" in GraphQL string at location 1:26',
    ],
    [
      '{ me @skip(if: true) @skip(if: false) { id } }',
      'The directive "@skip" can only be used once at this location in GraphQL string at location 1:23',
    ],
    [
      '{ me { ...F } } fragment F on User { id } fragment F on User { id }',
      'There can be only one fragment named "F" in GraphQL string at location 1:43',
    ],
    [
      '{ search(filter: {name: "a", name: "b"}) { __typename } }',
      'There can be only one input field named "name" in GraphQL string at location 1:30',
    ],
    [
      'query A { me { id } } query A { me { id } }',
      'There can be only one operation named "A" in GraphQL string at location 1:23',
    ],
    [
      'query($a: ID!, $a: ID!) { node(id: $a) { id } }',
      'Variable "$a" is never used.\ninput:1:16: There can be only one variable named "$a" in GraphQL string at location 1:16',
    ],
    [
      '{ me { friends(first: "x") { id } } }',
      'Int cannot represent non-integer value: "x"\n in GraphQL string at location 1:24',
    ],
    ['{ me { friends(first: 3000000000) { id } } }', 'valid'],
    [
      '{ search(filter: {role: ADMN}) { __typename } }',
      'Value "ADMN" does not exist in "Role" enum. Did you mean the enum value "ADMIN"?\ninput:1:18: Field "UserFilter.name" of required type "String!" was not provided in GraphQL string at location 1:25',
    ],
    [
      '{ search(filter: {name: "a", rol: ADMIN}) { __typename } }',
      'Field "rol" is not defined by type "UserFilter". Did you mean "role"?\n in GraphQL string at location 1:30',
    ],
    ['{ node(id: null) { id } }', 'Expected value of type "ID!", found null in GraphQL string at location 1:12'],
    [
      'query($u: User) { me { id } }',
      'Variable "$u" is never used.\ninput:1:7: Variable "$u" cannot be non-input type "User" in GraphQL string at location 1:7',
    ],
    [
      'query($x: Int) { node(id: $x) { id } }',
      'Variable "$x" of type "Int" used in position expecting type "ID!" in GraphQL string at location 1:27',
    ],
  ];
  for (const [query, message] of rows) t.equal(problem(query), message, query);
});

t.test('a schema without the root type rejects the operation', async (t) => {
  t.equal(
    problem('mutation { x }', 'type Query { a: Int }'),
    'Schema does not support operation type "mutation"\n in GraphQL string at location 1:1',
  );
});

t.test('schemas are loaded as gqlparser loads them', async (t) => {
  const valid = [
    'type Query { a: Int }',
    'extend type User { id: ID! }\nunion U = User\ntype Query { u: U }',
    'directive @d(a: String = "b") on SCHEMA\ntype Query { x: Int }\nextend schema @d',
    'interface A { id: ID }\ninterface B implements A { id: ID }\ntype C implements B & A { id: ID }',
    'type Query { a: Int @deprecated }\nenum E { X @deprecated(reason: "r") }',
    'directive @include(if: Boolean!) on FIELD\ntype Query { a: Int }',
  ];
  for (const schema of valid) t.equal(value('graphql.schema_is_valid', [schema]), true, schema);
  const rows: [string, string][] = [
    ['type A { a: Int }\ntype A { b: Int }', 'input:2:6: Cannot redeclare type A.'],
    [
      'scalar A\nextend type A { a: Int }',
      'input:2:13: Cannot extend type A because the base type is a SCALAR, not OBJECT.',
    ],
    ['directive @d on FIELD\ndirective @d on FIELD', 'input:2:12: Cannot redeclare directive d.'],
    [
      'schema { query: Q }\nschema { query: Q }\ntype Q { a: Int }',
      'input:2:8: Cannot have multiple schema entry points, consider schema extensions instead.',
    ],
    ['schema { query: Missing }', 'input:1:10: Schema root query refers to a type Missing that does not exist.'],
    ['type T { a: Missing }', 'input:1:13: Undefined type Missing.'],
    ['type T { a(x: T): Int }', 'input:1:12: cannot use T as argument x because OBJECT is not a valid input type'],
    ['type T { a: Int @nope }', 'input:1:18: Undefined directive nope.'],
    ['directive @d on FIELD\ntype T { a: Int @d }', 'input:2:18: Directive d is not applicable on FIELD_DEFINITION.'],
    [
      'directive @d(x: Int) on FIELD_DEFINITION\ntype T { a: Int @d(y: 1) }',
      'input:2:20: Undefined argument y for directive d.',
    ],
    [
      'directive @d(x: Int!) on FIELD_DEFINITION\ntype T { a: Int @d }',
      'input:2:18: Argument x for directive d cannot be null.',
    ],
    ['directive @d(x: Int @d) on ARGUMENT_DEFINITION', 'input:1:22: Directive d cannot refer to itself.'],
    ['union U = Missing', 'input:1:7: Undefined type "Missing".'],
    ['interface I { a: Int }\nunion U = I', 'input:2:7: UNION type "I" must be OBJECT.'],
    ['type T implements Missing { a: Int }', 'input:1:6: Undefined type "Missing".'],
    ['type O { a: Int }\ntype T implements O { a: Int }', 'input:2:6: "O" is a non interface type OBJECT.'],
    [
      'interface I { a: Int }\ntype T implements I { b: Int }',
      'input:2:6: For T to implement I it must have a field called a.',
    ],
    [
      'interface I { a: Int! }\ntype T implements I { a: Int }',
      'input:2:23: For T to implement I the field a must have type Int!.',
    ],
    [
      'interface I { a(x: Int): Int }\ntype T implements I { a: Int }',
      'input:2:23: For T to implement I the field a must have the same arguments but it is missing x.',
    ],
    [
      'interface I { a(x: Int): Int }\ntype T implements I { a(x: ID): Int }',
      'input:2:25: For T to implement I the field a must have the same arguments but x has the wrong type.',
    ],
    [
      'interface I { a: Int }\ntype T implements I { a(y: Int!): Int }',
      'input:2:25: For T to implement I any additional arguments on a must be optional or have a default value but y is required.',
    ],
    [
      'interface A { id: ID }\ninterface B implements A { id: ID }\ntype C implements B { id: ID }',
      'input:3:6: Type C must implement A because it is implemented by B.',
    ],
    ['type T @deprecated { a: Int }', 'input:1:9: Directive deprecated is not applicable on OBJECT.'],
    ['extend type T implements I', 'input:1:13: Undefined type "I".'],
    ['extend type T @deprecated', 'input:1:13: OBJECT T: must define one or more fields.'],
    ['extend enum E @deprecated', 'input:1:13: ENUM E: must define one or more unique enum values.'],
    ['enum E { A }\nextend enum E @deprecated', 'input:2:16: Directive deprecated is not applicable on ENUM.'],
    ['enum E { true }', 'input:1:6: ENUM E: non-enum value true.'],
    [
      'input I { a: Query }\ntype Query { a: Int }',
      'input:1:11: INPUT_OBJECT I: field must be one of SCALAR, ENUM, INPUT_OBJECT.',
    ],
    [
      'input I { a: Int }\ntype T { a: I }',
      'input:2:10: OBJECT T: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.',
    ],
    ['type T { a: Int a: Int }', 'input:1:17: Field T.a can only be defined once.'],
    [
      'type __T { a: Int }',
      'input:1:6: Name "__T" must not begin with "__", which is reserved by GraphQL introspection.',
    ],
  ];
  for (const [schema, message] of rows) {
    t.equal(value('graphql.schema_is_valid', [schema]), false, schema);
    t.throws(() => strict('graphql.parse', ['{ a }', schema]), {
      message: `graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: ${message}`,
    });
  }
});

t.test('the four validating built-ins answer as OPA does', async (t) => {
  const queryAst = value('graphql.parse_query', ['{ me { id } }']);
  const schemaAst = value('graphql.parse_schema', [SCHEMA]);
  t.same(value('graphql.parse', ['{ me { id } }', SCHEMA]), [queryAst, schemaAst]);
  t.same(value('graphql.parse_and_verify', ['{ me { id } }', SCHEMA]), [true, queryAst, schemaAst]);
  t.same(value('graphql.parse_and_verify', ['{ me { x } }', SCHEMA]), [false, {}, {}]);
  t.same(value('graphql.parse_and_verify', [1, SCHEMA]), [false, {}, {}]);
  t.equal(value('graphql.is_valid', ['{ me { id } }', SCHEMA]), true);
  t.equal(value('graphql.is_valid', ['{ me { x } }', SCHEMA]), false);
  t.equal(value('graphql.is_valid', ['{', SCHEMA]), false);
  t.equal(value('graphql.is_valid', ['{ me { id } }', 'type {']), false);
  t.equal(value('graphql.is_valid', [[], SCHEMA]), false);
  t.equal(value('graphql.schema_is_valid', [1]), false);
  t.same(call('graphql.parse', ['{ me { x } }', SCHEMA]), { defined: false });
  t.throws(() => strict('graphql.parse', [1, SCHEMA]), {
    message: 'graphql.parse: operand 0 must be one of {string, object} but got number',
  });
  t.throws(() => strict('graphql.parse', ['{ a }', true]), {
    message: 'graphql.parse: operand 1 must be one of {string, object} but got boolean',
  });
  t.throws(
    () => strict('graphql.parse', ['{', 1]),
    {
      message: 'graphql.parse: Expected Name, found <EOF> in GraphQL string at location 1:2',
    },
    'the query is read first',
  );
});

t.test('syntax trees given as objects are decoded as encoding/json decodes them', async (t) => {
  const schemaAst = value('graphql.parse_schema', [SCHEMA]);
  const plain = value('graphql.parse_query', ['query Q($id: ID!) { node(id: $id) { id } }']);
  t.same(value('graphql.parse_and_verify', [plain, schemaAst]), [true, plain, schemaAst]);
  t.equal(value('graphql.schema_is_valid', [schemaAst]), true);
  // gqlparser reads every selection of an object as a field first, so an inline fragment becomes a nameless field.
  const withFragment = value('graphql.parse_query', ['{ node(id: 1) { ... on User { name } } }']);
  t.equal(value('graphql.is_valid', [withFragment, SCHEMA]), false);
  // Keys match fields regardless of case and unknown keys are ignored, except in the structs gqlparser decodes itself.
  const loose = {
    operations: [{ Operation: 'query', SelectionSet: [{ Name: 'me', SelectionSet: [{ Name: 'id' }] }], extra: 1 }],
  };
  t.equal(value('graphql.is_valid', [loose, SCHEMA]), true);
  const lowerCase = {
    Operations: [{ Operation: 'query', SelectionSet: [{ name: 'me', SelectionSet: [{ Name: 'id' }] }] }],
  };
  t.throws(() => strict('graphql.parse', [lowerCase, SCHEMA]), {
    message: 'graphql.parse: GraphQL parse error: input: Cannot query field "" on type "Query".\n',
  });
  const rows: [unknown, string][] = [
    [
      { Operations: [{ Name: 5 }] },
      'json: cannot unmarshal number into Go struct field QueryDocument.Operations of type string',
    ],
    [
      { Operations: 'x' },
      'json: cannot unmarshal string into Go struct field QueryDocument.Operations of type ast.OperationList',
    ],
    [
      { Operations: [{ VariableDefinitions: [{ Variable: 1 }] }] },
      'json: cannot unmarshal number into Go struct field QueryDocument.Operations.Variable of type string',
    ],
    [
      { Operations: [{ SelectionSet: {} }] },
      'json: cannot unmarshal object into Go struct field QueryDocument.Operations of type []json.RawMessage',
    ],
    [
      { Operations: [7] },
      'json: cannot unmarshal number into Go struct field QueryDocument.Operations of type map[string]json.RawMessage',
    ],
  ];
  for (const [ast, message] of rows) {
    t.throws(() => strict('graphql.parse', [ast, SCHEMA]), { message: `graphql.parse: ${message}` }, message);
  }
  t.throws(
    () =>
      strict('graphql.parse', [
        '{ a }',
        { Definitions: [{ Kind: 'OBJECT', Name: 'Query', Fields: [{ Name: 'a', Type: 'Int' }] }] },
      ]),
    {
      message:
        'graphql.parse: json: cannot unmarshal string into Go struct field FieldDefinition.Definitions.Fields.Type of type ast.Type',
    },
  );
  t.throws(
    () => strict('graphql.parse', [{ Operations: [{ SelectionSet: [{ Name: 'me', Kind: 1.5 }] }] }, SCHEMA]),
    /cannot query|must have a selection/i,
    'keys a struct does not have are ignored',
  );
});

t.test('where gqlparser would panic, the host refuses', async (t) => {
  const noValue = {
    Operations: [{ Operation: 'query', SelectionSet: [{ Name: 'node', Arguments: [{ Name: 'id' }] }] }],
  };
  t.throws(() => call('graphql.is_valid', [noValue, SCHEMA]), { name: 'HostLimitError' });
  t.throws(() => call('graphql.is_valid', [{ Operations: [null] }, SCHEMA]), { name: 'HostLimitError' });
  t.throws(
    () => call('graphql.schema_is_valid', [{ Definitions: [{ Kind: 'OBJECT', Name: 'T', Fields: [{ Name: 'a' }] }] }]),
    {
      name: 'HostLimitError',
    },
  );
  // A schema error at a node without position: gqlparser dereferences the missing position.
  t.throws(() => call('graphql.schema_is_valid', [{ Definitions: [{ Kind: 'OBJECT', Name: 'T' }] }]), {
    name: 'HostLimitError',
  });
});

t.test('hostile documents are refused within bounded work', async (t) => {
  const schema = 'type Query { a: Query b: Int }';
  const started = Date.now();
  t.throws(() => call('graphql.parse_query', ['{a'.repeat(100_000) + '}'.repeat(100_000)]), { name: 'HostLimitError' });
  t.throws(() => call('graphql.parse_query', [`{ b(x: ${'['.repeat(100_000)}) }`]), { name: 'HostLimitError' });
  t.throws(() => call('graphql.is_valid', [`{ ${'b '.repeat(20_000)} }`, schema]), { name: 'HostLimitError' });
  let chain = '';
  for (let i = 0; i < 5_000; i++) chain += `fragment F${i} on Query { ...F${i + 1} }\n`;
  t.throws(() => call('graphql.is_valid', [`{ ...F0 }\n${chain}fragment F5000 on Query { b }`, schema]), {
    name: 'HostLimitError',
  });
  // Fragments spreading the next one twice would take 2^30 visits without gqlparser's memo of compared pairs.
  let doubling = '';
  for (let i = 0; i < 30; i++) doubling += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} a { ...F${i + 1} } }\n`;
  t.equal(value('graphql.is_valid', [`{ ...F0 }\n${doubling}fragment F30 on Query { b }`, schema]), true);
  t.equal(value('graphql.is_valid', [`{ ${'a { '.repeat(400)}b${' }'.repeat(400)} }`, schema]), true);
  const long = 'x'.repeat(1_000_000);
  t.same(value('graphql.parse_query', [`{ b(s: "${long}") }`]), {
    Operations: [
      {
        Name: '',
        Operation: 'query',
        SelectionSet: [{ Alias: 'b', Name: 'b', Arguments: [{ Name: 's', Value: { Kind: 3, Raw: long } }] }],
      },
    ],
  });
  t.ok(Date.now() - started < 20_000, 'all of it in bounded time');
});

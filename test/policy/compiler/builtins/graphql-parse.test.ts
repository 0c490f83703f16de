import t from 'tap';
import { Source } from '../../../../proxy/policy/compiler/builtins/host/graphql/ast.js';
import { opaMessage } from '../../../../proxy/policy/compiler/builtins/host/graphql/errors.js';
import { blockStringValue, Lexer, TokenKind } from '../../../../proxy/policy/compiler/builtins/host/graphql/lexer.js';
import { call, strict, value } from './fixtures/call-host.js';

/** tokens lexes `text` to [kind, value, line, column] rows, up to and including EOF or an Invalid token. */
function tokens(text: string): [number, string, number, number][] {
  const source = new Source();
  source.Input = text;
  const lexer = new Lexer(source);
  const rows: [number, string, number, number][] = [];
  for (;;) {
    const token = lexer.readToken();
    rows.push([token.kind, token.value, token.pos.Line, token.pos.Column]);
    if (token.kind === TokenKind.EOF || token.kind === TokenKind.Invalid) return rows;
  }
}

/** parseError is graphql.parse_query's (or parse_schema's) error message in strict mode. */
function parseError(builtin: string, text: string): string {
  try {
    strict(builtin, [text]);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

t.test('the lexer reads tokens with their rune positions', async (t) => {
  t.same(tokens('query Q($a: [Int!] = 1.5e3) { f(x: -0, y: "s\\u0041") ... on T @d }'), [
    [TokenKind.Name, 'query', 1, 1],
    [TokenKind.Name, 'Q', 1, 7],
    [TokenKind.ParenL, '', 1, 8],
    [TokenKind.Dollar, '', 1, 9],
    [TokenKind.Name, 'a', 1, 10],
    [TokenKind.Colon, '', 1, 11],
    [TokenKind.BracketL, '', 1, 13],
    [TokenKind.Name, 'Int', 1, 14],
    [TokenKind.Bang, '', 1, 17],
    [TokenKind.BracketR, '', 1, 18],
    [TokenKind.Equals, '', 1, 20],
    [TokenKind.Float, '1.5e3', 1, 22],
    [TokenKind.ParenR, '', 1, 27],
    [TokenKind.BraceL, '', 1, 29],
    [TokenKind.Name, 'f', 1, 31],
    [TokenKind.ParenL, '', 1, 32],
    [TokenKind.Name, 'x', 1, 33],
    [TokenKind.Colon, '', 1, 34],
    [TokenKind.Int, '-0', 1, 36],
    [TokenKind.Name, 'y', 1, 40],
    [TokenKind.Colon, '', 1, 41],
    [TokenKind.String, 'sA', 1, 44],
    [TokenKind.ParenR, '', 1, 52],
    [TokenKind.Spread, '', 1, 54],
    [TokenKind.Name, 'on', 1, 58],
    [TokenKind.Name, 'T', 1, 61],
    [TokenKind.At, '', 1, 63],
    [TokenKind.Name, 'd', 1, 64],
    [TokenKind.BraceR, '', 1, 66],
    [TokenKind.EOF, '', 1, 67],
  ]);
});

t.test('columns count runes, and lines follow gqlparser', async (t) => {
  t.same(tokens('"é😀" x'), [
    [TokenKind.String, 'é😀', 1, 2],
    [TokenKind.Name, 'x', 1, 6],
    [TokenKind.EOF, '', 1, 7],
  ]);
  t.same(tokens('# note\n\ufeffa,b'), [
    [TokenKind.Comment, '# note', 1, 1],
    [TokenKind.Name, 'a', 2, 2],
    [TokenKind.Name, 'b', 2, 4],
    [TokenKind.EOF, '', 2, 5],
  ]);
  // After "\r\n" gqlparser's columns are one more than they should be.
  t.same(tokens('a\r\nb'), [
    [TokenKind.Name, 'a', 1, 1],
    [TokenKind.Name, 'b', 2, 2],
    [TokenKind.EOF, '', 2, 3],
  ]);
  // A block string's token takes the line it ends on.
  t.same(tokens('"""x\ny""" z'), [
    [TokenKind.BlockString, 'x\ny', 2, -1],
    [TokenKind.Name, 'z', 2, 6],
    [TokenKind.EOF, '', 2, 7],
  ]);
});

t.test('the lexer reports unreadable text as Invalid tokens at gqlparser positions', async (t) => {
  t.same(tokens('"abc'), [[TokenKind.Invalid, '', 1, 5]]);
  t.same(tokens('"a\nb"'), [[TokenKind.Invalid, '', 1, 3]]);
  t.same(tokens('"""\r'), [[TokenKind.Invalid, '', 2, 1]]);
  t.same(tokens('01'), [[TokenKind.Invalid, '', 1, 2]]);
  t.same(tokens('1.x'), [[TokenKind.Invalid, '', 1, 3]]);
  t.same(tokens("'"), [[TokenKind.Invalid, '', 1, 1]]);
  t.same(tokens('.a'), [[TokenKind.Invalid, '', 1, 1]]);
  t.same(tokens('"\\q"'), [[TokenKind.Invalid, '', 1, 3]]);
});

t.test('block strings lose their common indentation and blank edge lines', async (t) => {
  t.equal(blockStringValue('\n    Hello\n      World\n    '), 'Hello\n  World');
  // gqlparser counts the first line in the common indentation, unlike the specification.
  t.equal(blockStringValue('Hello\n    World'), 'Hello\n    World');
  t.equal(blockStringValue('  \n\t\n'), '');
  t.same(tokens('"""a \\""" b"""'), [
    [TokenKind.BlockString, 'a """ b', 1, 4],
    [TokenKind.EOF, '', 1, 15],
  ]);
});

t.test('graphql.parse_query returns the pruned syntax tree', async (t) => {
  t.same(value('graphql.parse_query', ['{hero {name}}']), {
    Operations: [
      {
        Name: '',
        Operation: 'query',
        SelectionSet: [{ Alias: 'hero', Name: 'hero', SelectionSet: [{ Alias: 'name', Name: 'name' }] }],
      },
    ],
  });
  t.same(
    value('graphql.parse_query', [
      'query Q($v: [ID!]! = ["a"]) @dir { a: b(o: {k: $v, n: null}) ... F ... @skip(if: true) { c } }',
    ]),
    {
      Operations: [
        {
          Name: 'Q',
          Operation: 'query',
          VariableDefinitions: [
            {
              Variable: 'v',
              Type: { NamedType: '', Elem: { NamedType: 'ID', NonNull: true }, NonNull: true },
              DefaultValue: { Kind: 8, Raw: '', Children: [{ Name: '', Value: { Kind: 3, Raw: 'a' } }] },
              Used: false,
            },
          ],
          Directives: [{ Name: 'dir', Location: '' }],
          SelectionSet: [
            {
              Alias: 'a',
              Name: 'b',
              Arguments: [
                {
                  Name: 'o',
                  Value: {
                    Kind: 9,
                    Raw: '',
                    Children: [
                      { Name: 'k', Value: { Kind: 0, Raw: 'v' } },
                      { Name: 'n', Value: { Kind: 6, Raw: 'null' } },
                    ],
                  },
                },
              ],
            },
            { Name: 'F' },
            {
              TypeCondition: '',
              Directives: [
                { Name: 'skip', Location: '', Arguments: [{ Name: 'if', Value: { Kind: 5, Raw: 'true' } }] },
              ],
              SelectionSet: [{ Alias: 'c', Name: 'c' }],
            },
          ],
        },
      ],
    },
  );
  t.same(value('graphql.parse_query', ['']), {});
});

t.test('comments before a node are kept on it', async (t) => {
  t.same(value('graphql.parse_query', ['query {\n  # first\n  # second\n  a\n}']), {
    Operations: [
      {
        Name: '',
        Operation: 'query',
        SelectionSet: [{ Alias: 'a', Name: 'a', Comment: { List: [{ Value: '# first' }, { Value: '# second' }] } }],
      },
    ],
  });
  t.same(value('graphql.parse_schema', ['# head\n"d" type A { # in\n f: Int # tail\n} # end']), {
    Definitions: [
      {
        Kind: 'OBJECT',
        Description: 'd',
        Name: 'A',
        BuiltIn: false,
        BeforeDescriptionComment: { List: [{ Value: '# head' }] },
        Fields: [
          {
            Description: '',
            Name: 'f',
            Type: { NamedType: 'Int', NonNull: false },
            AfterDescriptionComment: { List: [{ Value: '# in' }] },
          },
        ],
        EndOfDefinitionComment: { List: [{ Value: '# tail' }] },
      },
    ],
    Comment: { List: [{ Value: '# end' }] },
  });
});

t.test('graphql.parse_schema returns definitions, extensions and directives', async (t) => {
  t.same(
    value('graphql.parse_schema', [
      '"""\n  Doc\n  """\nscalar S @specifiedBy(url: "u")\nextend schema @d\nschema { query: Q }\n' +
        'directive @d(a: Int = 1) repeatable on | SCHEMA | FIELD\nenum E { A B @deprecated }\n' +
        'input I { x: E! = A }\ninterface N implements & M & O { id: ID }\nunion U = | A | B\nextend union U = C',
    ]),
    {
      Schema: [{ Description: '', OperationTypes: [{ Operation: 'query', Type: 'Q' }] }],
      SchemaExtension: [{ Description: '', Directives: [{ Name: 'd', Location: '' }] }],
      Directives: [
        {
          Description: '',
          Name: 'd',
          Arguments: [
            {
              Description: '',
              Name: 'a',
              DefaultValue: { Kind: 1, Raw: '1' },
              Type: { NamedType: 'Int', NonNull: false },
            },
          ],
          Locations: ['SCHEMA', 'FIELD'],
          IsRepeatable: true,
        },
      ],
      Definitions: [
        {
          Kind: 'SCALAR',
          Description: 'Doc',
          Name: 'S',
          BuiltIn: false,
          Directives: [
            { Name: 'specifiedBy', Location: '', Arguments: [{ Name: 'url', Value: { Kind: 3, Raw: 'u' } }] },
          ],
        },
        {
          Kind: 'ENUM',
          Description: '',
          Name: 'E',
          BuiltIn: false,
          EnumValues: [
            { Description: '', Name: 'A' },
            { Description: '', Name: 'B', Directives: [{ Name: 'deprecated', Location: '' }] },
          ],
        },
        {
          Kind: 'INPUT_OBJECT',
          Description: '',
          Name: 'I',
          BuiltIn: false,
          Fields: [
            {
              Description: '',
              Name: 'x',
              Type: { NamedType: 'E', NonNull: true },
              DefaultValue: { Kind: 7, Raw: 'A' },
            },
          ],
        },
        {
          Kind: 'INTERFACE',
          Description: '',
          Name: 'N',
          BuiltIn: false,
          Interfaces: ['M', 'O'],
          Fields: [{ Description: '', Name: 'id', Type: { NamedType: 'ID', NonNull: false } }],
        },
        { Kind: 'UNION', Description: '', Name: 'U', BuiltIn: false, Types: ['A', 'B'] },
      ],
      Extensions: [{ Kind: 'UNION', Description: '', Name: 'U', BuiltIn: false, Types: ['C'] }],
    },
  );
});

t.test('syntax errors carry gqlparser messages and locations', async (t) => {
  const rows: [string, string, string][] = [
    ['graphql.parse_query', '{', 'Expected Name, found <EOF> in GraphQL string at location 1:2'],
    ['graphql.parse_query', 'query { a(x: $) }', 'Expected Name, found ) in GraphQL string at location 1:15'],
    ['graphql.parse_query', '{ a(x: 1 }', 'Expected Name, found } in GraphQL string at location 1:10'],
    ['graphql.parse_query', 'fragment on on T { a }', 'Unexpected Name "on" in GraphQL string at location 1:10'],
    ['graphql.parse_query', 'query Q($v: Int = $w) { a }', 'Unexpected $ in GraphQL string at location 1:19'],
    ['graphql.parse_query', 'type T { a: Int }', 'Unexpected Name "type" in GraphQL string at location 1:1'],
    ['graphql.parse_query', '{ a(x: "open) }', 'Unexpected <Invalid> in GraphQL string at location 1:16'],
    [
      'graphql.parse_schema',
      'type T { a(): Int }',
      'expected at least one definition, found ) in GraphQL string at location 1:12',
    ],
    ['graphql.parse_schema', 'directive @d on NOWHERE', 'Unexpected Name "NOWHERE" in GraphQL string at location 1:17'],
    [
      'graphql.parse_schema',
      'extend interface I implements J',
      'Unexpected Name "implements" in GraphQL string at location 1:20',
    ],
    ['graphql.parse_schema', 'extend schema', 'Unexpected <EOF> in GraphQL string at location 1:14'],
    ['graphql.parse_schema', 'query { a }', 'Unexpected Name "query" in GraphQL string at location 1:1'],
    // The one place gqlparser consumes an unreadable token, so the lexer's own message shows.
    [
      'graphql.parse_schema',
      "schema { ' }",
      `Unexpected single quote character ('), did you mean to use a double quote (")? in GraphQL string at location 1:10`,
    ],
    [
      'graphql.parse_schema',
      'schema { \u0001 }',
      'Cannot contain the invalid character "\\u0001" in GraphQL string at location 1:10',
    ],
  ];
  for (const [builtin, text, message] of rows) t.equal(parseError(builtin, text), `${builtin}: ${message}`, text);
  // A block string ending on a later line gives gqlparser a negative column, which OPA reports whole.
  t.equal(
    parseError('graphql.parse_schema', '"""a\nb""" extend type T @d'),
    'graphql.parse_schema: GraphQL parse error: input:2:-1: Unexpected BlockString "a\\nb"',
  );
});

t.test('OPA rewords gqlparser error text', async (t) => {
  t.equal(opaMessage('input:3:4: Oops.\n'), 'Oops in GraphQL string at location 3:4');
  t.equal(opaMessage('input:3:4: A.\ninput:5:6: B.\n'), 'A.\ninput:5:6: B in GraphQL string at location 3:4');
  t.equal(opaMessage('input: no location.\n'), 'GraphQL parse error: input: no location.\n');
});

t.test('the parse built-ins type-check their operand', async (t) => {
  t.throws(() => strict('graphql.parse_query', [1]), {
    message: 'graphql.parse_query: operand 1 must be string but got number',
  });
  t.throws(() => strict('graphql.parse_schema', [{}]), {
    message: 'graphql.parse_schema: operand 1 must be string but got object',
  });
  t.same(call('graphql.parse_query', ['{']), { defined: false }, 'undefined outside strict mode');
});

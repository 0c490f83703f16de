import t from 'tap';
import { formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Annotations } from '../../../../proxy/policy/compiler/parse/ast.js';
import { formatGoFloat, formatGoValue } from '../../../../proxy/policy/compiler/parse/go-format.js';
import { lex } from '../../../../proxy/policy/compiler/parse/lexer.js';
import { GoAnyMap, type GoValue } from '../../../../proxy/policy/compiler/parse/metadata-yaml.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';

/*
 * METADATA blocks: which statement each is attached to, its scope, its fields as OPA reads them (Go's YAML
 * decoding), and the errors OPA reports for blocks it rejects.
 */

/** annotationsOf parses a module and returns its annotations, or its diagnostics as `row:col: message` lines. */
function annotationsOf(source: string): Annotations[] | string[] {
  const { module, diagnostics } = parseModule(source, 'a.rego');
  if (module === undefined) return diagnostics.map((d) => formatDiagnostic(d).replace(/^a\.rego:/, ''));
  return module.annotations;
}

function only(source: string): Annotations {
  const got = annotationsOf(source);
  if (got.length !== 1 || typeof got[0] === 'string') throw new Error(`expected one block, got ${JSON.stringify(got)}`);
  return got[0] as Annotations;
}

t.test('the lexer keeps comments with their place', async (t) => {
  t.same(lex('# METADATA\np := 1 # trailing\r\n  #x').comments, [
    { text: ' METADATA', row: 1, col: 1 },
    { text: ' trailing', row: 2, col: 8 },
    { text: 'x', row: 3, col: 3 },
  ]);
});

interface AttachCase {
  note: string;
  source: string;
  /** Each block as `scope target` (`rule 0`, `package`). */
  want: string[];
}

const ATTACH_CASES: AttachCase[] = [
  {
    note: 'a block above the package is package-scoped',
    source: '# METADATA\n# title: t\npackage a\n\np := 1',
    want: ['package package'],
  },
  {
    note: 'a block above a rule is rule-scoped, even across blank lines',
    source: 'package a\n\n# METADATA\n# title: t\n\n\np := 1',
    want: ['rule 0'],
  },
  {
    note: 'an entrypoint block above a rule is document-scoped',
    source: 'package a\n# METADATA\n# entrypoint: true\np := 1',
    want: ['document 0'],
  },
  {
    note: 'each block goes to the statement below it; a second body of a rule is a statement of its own',
    source:
      'package a\n# METADATA\n# title: one\np if { true }\n# METADATA\n# title: two\n{ false }\n# METADATA\n# title: q\nq := 1',
    want: ['rule 0', 'rule 1', 'rule 2'],
  },
  {
    note: 'two blocks above one rule both belong to it',
    source: 'package a\n# METADATA\n# title: far\n# METADATA\n# title: near\np := 1',
    want: ['rule 0', 'rule 0'],
  },
  {
    note: 'explicit scopes are kept',
    source: '# METADATA\n# scope: subpackages\npackage a\n# METADATA\n# scope: document\np := 1',
    want: ['subpackages package', 'document 0'],
  },
  {
    note: 'a METADATA comment not in column 1 opens no block',
    source: 'package a\n  # METADATA\n  # title: t\np := 1',
    want: [],
  },
  {
    note: 'a comment on a later line after a gap ends the block',
    source: 'package a\n# METADATA\n# title: t\n\n# scope: document\np := 1',
    want: ['rule 0'],
  },
];

t.test('blocks attach to the statement that follows them', async (t) => {
  for (const c of ATTACH_CASES) {
    const got = annotationsOf(c.source);
    t.same(
      got.map((a) =>
        typeof a === 'string' ? a : `${a.scope} ${a.target.kind === 'rule' ? a.target.index : 'package'}`,
      ),
      c.want,
      c.note,
    );
  }
});

t.test('a block holds OPA fields, empty ones left out', async (t) => {
  const a = only(
    [
      'package a',
      '# METADATA',
      '# title: Allow admins',
      '# description: >-',
      '#   Lets admins',
      '#   in.',
      '# organizations: [Acme, ~]',
      '# authors:',
      '# - The OPA contributors',
      '# - Jane Doe <jane@example.org>',
      '# - {name: " Bob ", email: bob@example.org}',
      '# - email: ops@example.org',
      '# related_resources:',
      '# - HTTPS://example.com/docs?q=1#top',
      '# - ref: https://example.com/x',
      '#   description: more',
      '# schemas:',
      '# - input: schema.input',
      '# - data.acl: {type: object}',
      '# custom:',
      '#   severity: high',
      '#   level: 3',
      '#   ratio: 0.5',
      '#   on: yes',
      '#   tags: [a, 1]',
      'allow := true',
    ].join('\n'),
  );
  t.same(a, {
    scope: 'rule',
    title: 'Allow admins',
    description: 'Lets admins in.',
    entrypoint: false,
    organizations: ['Acme', ''],
    authors: [
      { name: 'The OPA contributors' },
      { name: 'Jane Doe', email: 'jane@example.org' },
      { name: 'Bob', email: 'bob@example.org' },
      { email: 'ops@example.org' },
    ],
    relatedResources: [
      { ref: 'https://example.com/docs?q=1#top' },
      { ref: 'https://example.com/x', description: 'more' },
    ],
    schemas: [
      { path: ['input'], schema: ['schema', 'input'] },
      { path: ['data', 'acl'], definition: { type: 'object' } },
    ],
    custom: { severity: 'high', level: 3n, ratio: 0.5, on: 'yes', tags: ['a', 1n] },
    target: { kind: 'rule', index: 0 },
    loc: { file: 'a.rego', row: 2, col: 1 },
  });
});

t.test('scalars resolve as Go yaml.v3 resolves them', async (t) => {
  const a = only(
    [
      'package a',
      '# METADATA',
      '# entrypoint: Yes',
      '# title: 0x10',
      '# custom:',
      '#   octal: 017',
      '#   hex: 0x1F',
      '#   underscores: 1_000',
      '#   binary: 0b101',
      '#   float: 1e6',
      '#   huge: 123456789012345678901',
      '#   nothing: ~',
      '#   quoted: "12"',
      '#   date: 2024-01-02',
      '#   dot: .5',
      'p := 1',
    ].join('\n'),
  );
  t.equal(a.scope, 'document', 'an entrypoint rule block is document-scoped');
  t.equal(a.entrypoint, true, 'a bool field takes YAML 1.1 words');
  t.equal(a.title, '0x10', 'a string field takes the scalar as written');
  t.same(a.custom, {
    octal: 15n,
    hex: 31n,
    underscores: 1000n,
    binary: 5n,
    float: 1e6,
    huge: 123456789012345678901,
    nothing: null,
    quoted: '12',
    date: '2024-01-02',
    dot: 0.5,
  });
});

t.test('a block whose value Airlock cannot reproduce is marked, not rejected', async (t) => {
  t.match(only('package a\n# METADATA\n# custom:\n#   x: !!int 5\np := 1').unsupported, /YAML tag/);
  t.match(only('package a\n# METADATA\n# related_resources: ["http://x/a b"]\np := 1').unsupported, /URL/);
  t.match(only('package a\n# METADATA\n# custom:\n#   x: .inf\np := 1').unsupported, /\+Inf/);
  t.equal(only('package a\n# METADATA\n# related_resources: [mailto:a@b.org]\np := 1').unsupported, undefined);
});

interface ErrorCase {
  note: string;
  source: string;
  want: string[];
}

const ERROR_CASES: ErrorCase[] = [
  {
    note: 'a block with no YAML',
    source: 'package a\n# METADATA\n#\np := 1',
    want: ['2:1: rego_parse_error: expected METADATA block, found whitespace'],
  },
  {
    note: 'a package scope above a rule',
    source: 'package a\n# METADATA\n# scope: package\np := 1',
    want: ["2:1: rego_parse_error: annotation scope 'package' must be applied to package (have rule)"],
  },
  {
    note: 'a rule scope above the package',
    source: '# METADATA\n# scope: rule\npackage a',
    want: ["1:1: rego_parse_error: annotation scope 'rule' must be applied to rule (have package)"],
  },
  {
    note: 'an unknown scope',
    source: 'package a\n# METADATA\n# scope: everything\np := 1',
    want: [
      "2:1: rego_parse_error: invalid annotation scope 'everything'. Use one of 'rule', 'document', 'package', or 'subpackages'",
    ],
  },
  {
    note: 'a block above an import',
    source: 'package a\n# METADATA\n# title: t\nimport data.b\np := 1',
    want: [
      "2:1: rego_parse_error: invalid annotation scope 'import'. Use one of 'rule', 'document', 'package', or 'subpackages'",
    ],
  },
  {
    note: 'a block with nothing below it',
    source: 'package a\np := 1\n# METADATA\n# title: t',
    want: [
      "3:1: rego_parse_error: invalid annotation scope ''. Use one of 'rule', 'document', 'package', or 'subpackages'",
    ],
  },
  {
    note: 'an entrypoint on a rule-scoped block',
    source: 'package a\n# METADATA\n# scope: rule\n# entrypoint: true\np := 1',
    want: ["2:1: rego_parse_error: annotation entrypoint applied to non-document or package scope 'rule'"],
  },
  {
    note: 'fields of the wrong YAML type, at the comment after the line Go names',
    source: 'package a\n# METADATA\n# entrypoint: maybe\n# title: [1]\n# organizations: acme-corporation\np := 1',
    want: [
      '4:1: rego_parse_error: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `maybe` into bool\n  line 2: cannot unmarshal !!seq into string\n  line 3: cannot unmarshal !!str `acme-co...` into []string',
    ],
  },
  {
    note: 'a block that is not a mapping',
    source: 'package a\n# METADATA\n# just words\np := 1',
    want: [
      '3:1: rego_parse_error: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just words` into ast.rawAnnotation',
    ],
  },
  {
    note: 'a key given twice',
    source: 'package a\n# METADATA\n# title: a\n# title: b\np := 1',
    want: ['4:1: rego_parse_error: yaml: unmarshal errors:\n  line 2: mapping key "title" already defined at line 1'],
  },
  {
    note: 'an empty author',
    source: 'package a\n# METADATA\n# authors: [""]\np := 1',
    want: ['2:1: rego_parse_error: invalid author definition : author is an empty string'],
  },
  {
    note: 'an author object without name or email',
    source: 'package a\n# METADATA\n# authors: [{name: 1}]\np := 1',
    want: [
      "2:1: rego_parse_error: invalid author definition map[name:%!s(int=1)]: 'name' and/or 'email' values required in object",
    ],
  },
  {
    note: 'an author of another type',
    source: 'package a\n# METADATA\n# authors: [[a]]\np := 1',
    want: ['2:1: rego_parse_error: invalid author definition [a]: invalid value type, must be string or map'],
  },
  {
    note: 'a related resource without a ref',
    source: 'package a\n# METADATA\n# related_resources: [{description: d}]\np := 1',
    want: [
      "2:1: rego_parse_error: invalid related-resource definition map[description:d]: 'ref' value required in object",
    ],
  },
  {
    note: 'an empty related resource',
    source: "package a\n# METADATA\n# related_resources: ['']\np := 1",
    want: ['2:1: rego_parse_error: invalid related-resource definition : ref URL may not be empty string'],
  },
  {
    note: 'a schema path that is not a document ref',
    source: 'package a\n# METADATA\n# schemas: [{foo: schema.x}]\np := 1',
    want: ['2:1: rego_parse_error: invalid document reference'],
  },
  {
    note: 'a schema ref outside schema',
    source: 'package a\n# METADATA\n# schemas: [{input: data.x}]\np := 1',
    want: ['2:1: rego_parse_error: invalid schema reference'],
  },
  {
    note: 'a schema that is neither a ref nor a definition',
    source: 'package a\n# METADATA\n# schemas: [{input: 1}]\np := 1',
    want: ['2:1: rego_parse_error: invalid schema declaration for path "input"'],
  },
  {
    note: 'a custom map with a key that is not a string',
    source: 'package a\n# METADATA\n# custom:\n#   x: {1: a}\np := 1',
    want: ['2:1: rego_parse_error: invalid map key type(s): '],
  },
  {
    note: 'broken YAML points at its line and hints at a missing space',
    source: 'package a\n# METADATA\n# title:x\n# a: [\np := 1',
    want: [
      "3:1: rego_parse_error: yaml: line 1: Implicit keys need to be on a single line\n  Hint: on line 3, symbol(s) ['x'] immediately following a key/value separator ':' is not a legal yaml space character",
    ],
  },
];

t.test('OPA rejects malformed blocks with its messages', async (t) => {
  for (const c of ERROR_CASES) t.same(annotationsOf(c.source), c.want, c.note);
});

t.test('Go formatting of floats and decoded values', async (t) => {
  const floats: [number, string][] = [
    [0.5, '0.5'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
    [-2.25, '-2.25'],
    [1.2345678901234568e20, '1.2345678901234568e+20'],
  ];
  for (const [x, want] of floats) t.equal(formatGoFloat(x), want, `FormatFloat(${x})`);
  t.equal(
    formatGoValue(
      new Map<string, GoValue>([
        ['b', 1n],
        ['a', [true, null, 1.5]],
      ]),
    ),
    'map[a:[%!s(bool=true) %!s(<nil>) %!s(float64=1.5)] b:%!s(int=1)]',
  );
  t.equal(formatGoValue(new GoAnyMap([[1n, 'x']])), 'map[%!s(int=1):x]');
  t.equal(formatGoValue(1e6), '%!s(float64=1e+06)');
});

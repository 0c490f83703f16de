import t from 'tap';
import { formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { printRef, printRule } from '../../../../proxy/policy/compiler/parse/print.js';

/*
 * Rules in, printed rules out: `kind head if { body }` with the else chain, so that each row shows the rule kind,
 * the head ref, the value and the body the parser produced. A rule without a body gets the body `true`, as in OPA.
 */

function printedRules(rules: string): string[] | string {
  const { module, diagnostics } = parseModule(`package t\n\n${rules}`, 'rules.rego');
  return module === undefined ? diagnostics.map(formatDiagnostic).join('\n') : module.rules.map(printRule);
}

const rows: { note: string; rules: string; want: string[] }[] = [
  { note: 'a constant', rules: 'p := 7', want: ['complete p := 7 if { true }'] },
  { note: 'a unification value', rules: 'p = 7', want: ['complete p = 7 if { true }'] },
  { note: 'a boolean rule with a body', rules: 'p if { input.x == 1 }', want: ['complete p if { equal(input.x, 1) }'] },
  { note: 'a value with a body', rules: 'p := x if { x := 1 }', want: ['complete p := x if { assign(x, 1) }'] },
  {
    note: 'a single-expression body needs no braces',
    rules: 'p if input.x == 1',
    want: ['complete p if { equal(input.x, 1) }'],
  },
  { note: 'a braced set is a body, not a condition', rules: 'p if { x }', want: ['complete p if { x }'] },
  { note: 'a braced object is a condition, as in OPA', rules: 'p if {"a": 1}', want: ['complete p if { {"a": 1} }'] },
  { note: 'a default rule', rules: 'default p := false', want: ['default complete p := false if { true }'] },
  {
    note: 'a default rule with =',
    rules: 'default p = {"a": [1]}',
    want: ['default complete p = {"a": [1]} if { true }'],
  },
  { note: 'a default function', rules: 'default f(_) := 0', want: ['default function f($_0) := 0 if { true }'] },
  {
    note: 'an else chain',
    rules: 'p := 1 if { input.a } else := 2 if { input.b } else := 3',
    want: ['complete p := 1 if { input.a } else := 2 if { input.b } else := 3 if { true }'],
  },
  {
    note: 'else with = and braces after if',
    rules: 'p = 1 if false else = 2 if { true }',
    want: ['complete p = 1 if { false } else = 2 if { true }'],
  },
  { note: 'else without a value is true', rules: 'p if x else if y', want: ['complete p if { x } else if { y }'] },
  {
    note: 'a partial set',
    rules: 'p contains x if { some x in xs }',
    want: ['partial-set p contains x if { some x in xs }'],
  },
  { note: 'a partial set without a body', rules: 'p contains "a"', want: ['partial-set p contains "a" if { true }'] },
  {
    note: 'a partial set under a ref head',
    rules: 'a.b[k] contains x if { x := k }',
    want: ['partial-set a.b[k] contains x if { assign(x, k) }'],
  },
  {
    note: 'a partial object',
    rules: 'p[k] := v if { some k, v in o }',
    want: ['partial-object p[k] := v if { some k, v in o }'],
  },
  {
    note: 'a partial object without a value maps to true',
    rules: 'p[x] if x := "a"',
    want: ['partial-object p[x] if { assign(x, "a") }'],
  },
  { note: 'a constant key makes a complete rule', rules: 'p["k"] := 1', want: ['complete p.k := 1 if { true }'] },
  { note: 'a static ref head is complete', rules: 'a.b.c := 1', want: ['complete a.b.c := 1 if { true }'] },
  {
    note: 'a ref head with a variable in the middle is a partial object',
    rules: 'a.b[x].c := v if { v := x }',
    want: ['partial-object a.b[x].c := v if { assign(v, x) }'],
  },
  {
    note: 'a function',
    rules: 'f(x, y) := z if { z := x + y }',
    want: ['function f(x, y) := z if { assign(z, plus(x, y)) }'],
  },
  { note: 'a function defaults to true', rules: 'f(x) if x > 1', want: ['function f(x) if { gt(x, 1) }'] },
  { note: 'a function without a body', rules: 'f(x) := x', want: ['function f(x) := x if { true }'] },
  { note: 'a function with no parameters', rules: 'f() := 1', want: ['function f() := 1 if { true }'] },
  { note: 'a function under a ref head', rules: 'a.f(x) := x', want: ['function a.f(x) := x if { true }'] },
  {
    note: 'a function else chain gets fresh wildcards',
    rules: 'f(_) := 1 if false else := 2',
    want: ['function f($_0) := 1 if { false } else := 2 if { true }'],
  },
  {
    note: 'several bodies define the rule once each',
    rules: 'p if { a } { b }',
    want: ['complete p if { a }', 'complete p if { b }'],
  },
  { note: 'keywords may follow a dot in a head', rules: 'p.else := 1', want: ['complete p.else := 1 if { true }'] },
  { note: 'a keyword may start a ref head', rules: 'import.x := 1', want: ['complete import.x := 1 if { true }'] },
  {
    note: 'a body may span many lines with comments',
    rules: 'p if {\n  # check\n  x := 1 # one\n\n  x > 0\n}',
    want: ['complete p if { assign(x, 1); gt(x, 0) }'],
  },
  {
    note: 'rules may share a line',
    rules: 'p := 1 q := 2',
    want: ['complete p := 1 if { true }', 'complete q := 2 if { true }'],
  },
];

t.test('rules parse to the expected heads and bodies', async (t) => {
  for (const row of rows) t.same(printedRules(row.rules), row.want, row.note);
});

t.test('a module holds its package, imports and rules', async (t) => {
  const source = [
    'package airlock["decision-v2"].x',
    'import rego.v1',
    'import future.keywords.in',
    'import future.keywords',
    'import data.lib.aws as aws',
    'import input.call',
    'import data',
    'allow if call.read_only',
  ].join('\n');
  const { module, diagnostics } = parseModule(source, 'airlock.rego');
  t.same(diagnostics, []);
  t.same(module?.package, ['airlock', 'decision-v2', 'x']);
  t.same(module?.packageLoc, { file: 'airlock.rego', row: 1, col: 1 });
  t.same(
    module?.imports.map((i) => [printRef(i.path.terms), i.alias ?? null]),
    [
      ['rego.v1', null],
      ['future.keywords.in', null],
      ['future.keywords', null],
      ['data.lib.aws', 'aws'],
      ['input.call', null],
      ['data', null],
    ],
  );
  t.equal(module?.rules.length, 1);
  t.equal(module?.file, 'airlock.rego');
});

t.test('Windows line endings parse like Unix ones', async (t) => {
  const { module, diagnostics } = parseModule(
    'package a\r\n\r\np if {\r\n  x := 1\r\n  x > 0\r\n}\r\nq := 2\r\n',
    'crlf.rego',
  );
  t.same(diagnostics, []);
  t.same(module?.rules.map(printRule), ['complete p if { assign(x, 1); gt(x, 0) }', 'complete q := 2 if { true }']);
  t.same(module?.rules[1]?.loc, { file: 'crlf.rego', row: 7, col: 1 });
});

t.test('rules and heads carry their locations', async (t) => {
  const { module } = parseModule('package t\n\ndefault p := 1\n  q(x) := 2 if {\n  x\n} else := 3', 'loc.rego');
  const [p, q] = module?.rules ?? [];
  t.same(p?.loc, { file: 'loc.rego', row: 3, col: 1 }, 'a default rule starts at `default`');
  t.same(p?.head.loc, { file: 'loc.rego', row: 3, col: 9 }, 'its head starts at the name');
  t.same(q?.loc, { file: 'loc.rego', row: 4, col: 3 });
  t.same(q?.else?.loc, { file: 'loc.rego', row: 6, col: 3 }, 'an else rule starts at `else`');
  t.same(q?.head.args?.[0]?.loc, { file: 'loc.rego', row: 4, col: 5 });
});

const rejected: { note: string; source: string; want: string[] }[] = [
  {
    note: 'v0 partial sets need if and contains',
    source: 'package t\n\np[x] {\n  x := 1\n}',
    want: [
      'm.rego:3:1: rego_parse_error: `if` keyword is required before rule body',
      'm.rego:3:1: rego_parse_error: `contains` keyword is required for partial set rules (write `p contains <value> if { ... }`)',
    ],
  },
  {
    note: 'v0 functions need if',
    source: 'package t\n\nf(x) = y {\n  y := x\n}',
    want: ['m.rego:3:1: rego_parse_error: `if` keyword is required before function body'],
  },
  {
    note: 'v0 else bodies need if',
    source: 'package t\n\np := 1 if { false } else := 2 { true }',
    want: ['m.rego:3:21: rego_parse_error: `if` keyword is required before rule body'],
  },
  {
    note: 'a missing brace is reported where the next rule starts',
    source: 'package t\n\np if {\n  x := 1\nq if { true }\n',
    want: ['m.rego:5:1: rego_parse_error: expected `}` to close the rule body started at 3:6'],
  },
  {
    note: 'a missing brace at the end of the file',
    source: 'package t\n\np if {\n  x := 1\n',
    want: ['m.rego:5:1: rego_parse_error: unexpected end of file: expected `}` to close the rule body started at 3:6'],
  },
  {
    note: 'several broken rules are all reported',
    source: 'package t\n\np := [1, 2\nq := 1 +\nr := 2\ns := "abc\nt := 3',
    want: [
      'm.rego:4:1: rego_parse_error: unexpected name `q`: expected `,` or `]`',
      // `1 +` continues onto the next line, as in OPA: `q := 1 + r`, leaving `:= 2` as a broken statement.
      'm.rego:5:3: rego_parse_error: unexpected `:=`: expected a rule, `import` or `package`',
      'm.rego:6:6: rego_parse_error: non-terminated string: a string must close with `"` on the same line',
    ],
  },
  {
    note: 'an empty module',
    source: '',
    want: ['m.rego:1:1: rego_parse_error: empty module: expected `package <name>`'],
  },
  {
    note: 'a module without a package',
    source: 'p := 1',
    want: ['m.rego:1:1: rego_parse_error: package expected: a module must start with `package <name>`'],
  },
  {
    note: 'a second package',
    source: 'package a\npackage b',
    want: ['m.rego:2:1: rego_parse_error: unexpected `package`: a module has exactly one package declaration'],
  },
  {
    note: 'a package path with a variable',
    source: 'package a[x]',
    want: ['m.rego:1:11: rego_parse_error: unexpected var in package path: expected a name or a string in brackets'],
  },
  {
    note: 'an import from an unknown root',
    source: 'package a\nimport foo.bar',
    want: [
      'm.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, future, input, rego}, got: foo',
    ],
  },
  {
    note: 'an unknown future keyword',
    source: 'package a\nimport future.keywords.blah',
    want: ['m.rego:2:8: rego_parse_error: unexpected keyword, must be one of [contains every if in]'],
  },
  {
    note: 'an aliased future import',
    source: 'package a\nimport future.keywords as k',
    want: ['m.rego:2:8: rego_parse_error: `future` imports cannot be aliased'],
  },
  {
    note: 'a rego import other than rego.v1',
    source: 'package a\nimport rego.v2',
    want: ['m.rego:2:8: rego_parse_error: invalid import `rego.v2`, must be `rego.v1`'],
  },
  {
    note: 'an import ending in a keyword',
    source: 'package a\nimport data.x.in',
    want: [
      'm.rego:2:8: rego_parse_error: unexpected import path, must not end with a keyword, got: in (hint: import a different path or use an alias)',
    ],
  },
  {
    note: 'a default rule without a value',
    source: 'package a\ndefault p',
    want: ['m.rego:2:1: rego_parse_error: illegal default rule (must have a value): write `default p := <value>`'],
  },
  {
    note: 'a default rule with a variable value',
    source: 'package a\ndefault p := x',
    want: ['m.rego:2:1: rego_parse_error: illegal default rule (value cannot contain var)'],
  },
  {
    note: 'a default rule with a body',
    source: 'package a\ndefault p := 1 if { true }',
    want: ['m.rego:2:16: rego_parse_error: a default rule cannot have a body: write `default p := <value>` alone'],
  },
  {
    note: 'a default function with repeated arguments',
    source: 'package a\ndefault f(x, x) := 1',
    want: ['m.rego:2:1: rego_parse_error: illegal default rule (arguments cannot be repeated x)'],
  },
  {
    note: 'a name alone is not a rule',
    source: 'package a\np',
    want: [
      'm.rego:2:1: rego_parse_error: rule `p` must have a value or a body: write `p := <value>` or `p if { ... }`',
    ],
  },
  {
    note: 'a ref alone is not a rule',
    source: 'package a\na.b.c',
    want: ['m.rego:2:1: rego_parse_error: rule must have value assignment and/or body declaration'],
  },
  {
    note: 'contains on a function',
    source: 'package a\nf(x) contains 1',
    want: ['m.rego:2:6: rego_parse_error: the `contains` keyword can only be used with multi-value rule definitions'],
  },
  {
    note: 'else on a rule with variables in its head',
    source: 'package a\np[x] := 1 if x := 1 else := 2',
    want: ['m.rego:2:21: rego_parse_error: else keyword cannot be used on rules with variables in head'],
  },
  {
    note: 'else on a partial set',
    source: 'package a\np contains x if x := 1 else := 2',
    want: ['m.rego:2:24: rego_parse_error: else keyword cannot be used on multi-value rules'],
  },
  {
    note: 'an operator after a rule name',
    source: 'package a\np == 1',
    want: [
      'm.rego:2:3: rego_parse_error: unexpected `==`: expected `:=`, `if`, `contains`, `[` or `(` after a rule name',
    ],
  },
  {
    note: 'a statement that starts with a value',
    source: 'package a\n1 := p',
    want: ['m.rego:2:1: rego_parse_error: unexpected number 1: expected a rule, `import` or `package`'],
  },
  {
    note: 'an assignment without a value',
    source: 'package a\np :=\n',
    want: [
      'm.rego:3:1: rego_parse_error: unexpected end of file: expected a value after `:=` (e.g. `p := <value> if { ... }`)',
    ],
  },
];

t.test('malformed modules are reported with file:row:col and a clear message', async (t) => {
  for (const row of rejected) {
    const { module, diagnostics } = parseModule(row.source, 'm.rego');
    t.equal(module, undefined, `${row.note}: no module`);
    t.same(diagnostics.map(formatDiagnostic), row.want, row.note);
  }
});

t.test('diagnostics stop at the limit', async (t) => {
  const source = `package a\n${Array.from({ length: 30 }, (_, i) => `p${i} := [\n`).join('')}`;
  const { diagnostics } = parseModule(source, 'many.rego');
  t.ok(diagnostics.length > 0 && diagnostics.length <= 10, `${diagnostics.length} diagnostics`);
});

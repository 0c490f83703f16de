import t from 'tap';
import { formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Term } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseBody, parseTerm } from '../../../../proxy/policy/compiler/parse/parser.js';
import { printBody } from '../../../../proxy/policy/compiler/parse/print.js';

/*
 * Queries in, the printed AST out. Operators print as the built-ins they call, so each row pins down precedence,
 * associativity and how a construct is represented.
 */

function printed(query: string): string {
  const { body, diagnostics } = parseBody(query, 'query.rego');
  return body === undefined ? `error: ${diagnostics.map(formatDiagnostic).join(' | ')}` : printBody(body);
}

const rows: { note: string; query: string; want: string }[] = [
  // Precedence and associativity, loosest first: in, relations, |, &, + -, * / %.
  {
    note: 'multiplication binds tighter than addition',
    query: 'x := 1 + 2 * 3',
    want: 'assign(x, plus(1, mul(2, 3)))',
  },
  { note: 'subtraction is left-associative', query: '1 - 2 - 3', want: 'minus(minus(1, 2), 3)' },
  { note: 'division and remainder are left-associative', query: '8 / 4 % 3', want: 'rem(div(8, 4), 3)' },
  { note: 'and binds tighter than or', query: 'a | b & c', want: 'or(a, and(b, c))' },
  { note: 'set operators bind looser than arithmetic', query: 'a & b + c', want: 'and(a, plus(b, c))' },
  { note: 'comparisons bind looser than set operators', query: 'a | b == c', want: 'equal(or(a, b), c)' },
  { note: 'comparisons chain to the left', query: 'x < y == true', want: 'equal(lt(x, y), true)' },
  { note: 'in binds looser than comparisons', query: 'a == b in c', want: 'internal.member_2(equal(a, b), c)' },
  { note: 'in chains to the left', query: 'x in xs in ys', want: 'internal.member_2(internal.member_2(x, xs), ys)' },
  { note: 'parentheses group', query: '(1 + 2) * 3', want: 'mul(plus(1, 2), 3)' },
  {
    note: 'every comparison operator has its built-in name',
    query: 'a == b; a != b; a < b; a <= b; a > b; a >= b',
    want: 'equal(a, b); neq(a, b); lt(a, b); lte(a, b); gt(a, b); gte(a, b)',
  },
  { note: 'unification is eq', query: 'x = y', want: 'eq(x, y)' },
  { note: 'assignment is assign', query: 'x := y', want: 'assign(x, y)' },
  {
    note: 'the rhs of := is a whole infix expression',
    query: 'x := a in b',
    want: 'assign(x, internal.member_2(a, b))',
  },
  // Membership.
  { note: 'k, v in xs is member_3 at expression level', query: 'k, v in xs', want: 'internal.member_3(k, v, xs)' },
  { note: 'the comma separates call arguments', query: 'f(k, v in xs)', want: 'f(k, internal.member_2(v, xs))' },
  {
    note: 'the comma separates array items',
    query: 'x := [k, v in xs]',
    want: 'assign(x, [k, internal.member_2(v, xs)])',
  },
  {
    note: 'parentheses allow k, v in xs inside',
    query: 'x := (k, v in xs)',
    want: 'assign(x, internal.member_3(k, v, xs))',
  },
  // Unary minus and numbers.
  { note: 'a minus before a number folds into the literal', query: 'x := -1', want: 'assign(x, -1)' },
  { note: 'a minus and a number may be spaced apart', query: 'x := - 1', want: 'assign(x, -1)' },
  { note: 'a minus before a variable is minus(0, x)', query: 'x := -y', want: 'assign(x, minus(0, y))' },
  { note: 'a unary minus covers the whole ref', query: 'x := -y.z[0]', want: 'assign(x, minus(0, y.z[0]))' },
  { note: 'a minus after a term is binary', query: 'x -1', want: 'minus(x, 1)' },
  { note: 'a negative operand after binary minus', query: '3 - -1', want: 'minus(3, -1)' },
  {
    note: 'a leading decimal point gains a zero',
    query: 'x := .5; y := -.25',
    want: 'assign(x, 0.5); assign(y, -0.25)',
  },
  {
    note: 'integers beyond 2^53 keep every digit',
    query: 'x := 123456789012345678901234567890',
    want: 'assign(x, 123456789012345678901234567890)',
  },
  { note: 'exponents keep their text', query: 'x := [1e3, 1.5E-3, 2e+10]', want: 'assign(x, [1e3, 1.5E-3, 2e+10])' },
  // References and calls.
  { note: 'refs mix dots, brackets and nested refs', query: 'input.a[b.c].d', want: 'input.a[b.c].d' },
  { note: 'each wildcard is a fresh variable', query: 'x[_][_]; y[_]', want: 'x[$_0][$_1]; y[$_2]' },
  { note: 'a call result can be indexed', query: 'f(x).y[0]', want: 'f(x).y[0]' },
  { note: 'an array literal can be indexed', query: '[1, 2][0]', want: '[1, 2][0]' },
  { note: 'an object literal can be indexed', query: '{"a": 1}.a', want: '{"a": 1}.a' },
  { note: 'dotted built-ins are calls', query: 'io.jwt.decode(t, [h, p, s])', want: 'io.jwt.decode(t, [h, p, s])' },
  { note: 'calls into data are calls', query: 'data.lib.f(1)', want: 'data.lib.f(1)' },
  {
    note: 'keywords are allowed after a dot',
    query: 'input.in; data.x.if; input.contains',
    want: 'input.in; data.x.if; input.contains',
  },
  { note: 'contains is an ordinary name outside rule heads', query: 'contains(x, "a")', want: 'contains(x, "a")' },
  { note: 'input alone is a ref', query: 'input', want: 'input' },
  { note: 'a bare call is a call expression', query: 'count(xs, n)', want: 'count(xs, n)' },
  // Composite literals and comprehensions.
  {
    note: 'set() is the empty set and {} the empty object',
    query: 'x := set(); y := {}',
    want: 'assign(x, set()); assign(y, {})',
  },
  { note: 'a braced list is a set', query: 'x := {1, 2}', want: 'assign(x, {1, 2})' },
  {
    note: 'trailing commas are allowed',
    query: 'x := [1,]; y := {1,}; z := {"a": 1,}',
    want: 'assign(x, [1]); assign(y, {1}); assign(z, {"a": 1})',
  },
  { note: 'object keys may be expressions', query: 'x := {k + 1: v}', want: 'assign(x, {plus(k, 1): v})' },
  { note: 'array comprehension', query: 'x := [y | y := xs[_]]', want: 'assign(x, [y | assign(y, xs[$_0])])' },
  { note: 'set comprehension', query: 'x := {y | some y in xs}', want: 'assign(x, {y | some y in xs})' },
  { note: 'object comprehension', query: 'x := {k: v | some k, v in o}', want: 'assign(x, {k: v | some k, v in o})' },
  { note: 'a bar in braces is a comprehension, as in OPA', query: 'x := {a | b}', want: 'assign(x, {a | b})' },
  { note: 'a bar before a comma is an or', query: 'x := [a | b, c]', want: 'assign(x, [or(a, b), c])' },
  {
    note: 'comprehension bodies span lines',
    query: 'x := [y |\n  y := 1\n  y > 0\n]',
    want: 'assign(x, [y | assign(y, 1); gt(y, 0)])',
  },
  // Strings.
  {
    note: 'string escapes decode as in JSON',
    query: 'x := "a\\n\\t\\"\\\\\\/\\b\\f\\r\\u00e9"',
    want: 'assign(x, "a\\n\\t\\"\\\\/\\b\\f\\ré")',
  },
  { note: 'a surrogate pair decodes to one character', query: 'x := "\\ud83d\\ude00"', want: 'assign(x, "😀")' },
  { note: 'a lone surrogate becomes U+FFFD', query: 'x := "\\ud83d"', want: 'assign(x, "\uFFFD")' },
  { note: 'raw strings are verbatim', query: 'x := `a\\n"b"`', want: 'assign(x, "a\\\\n\\"b\\"")' },
  // Literal forms.
  { note: 'not negates an expression', query: 'not x == 1', want: 'not equal(x, 1)' },
  {
    note: 'with modifiers attach in order',
    query: 'x with input.a as 1 with data.b as {"c": 2}',
    want: 'x with input.a as 1 with data.b as {"c": 2}',
  },
  {
    note: 'with can replace a function',
    query: 'f(1) with count as mock_count',
    want: 'f(1) with count as mock_count',
  },
  { note: 'some declares variables', query: 'some x, y', want: 'some x, y' },
  { note: 'some x in xs iterates', query: 'some x in xs', want: 'some x in xs' },
  { note: 'some k, v in xs iterates with keys', query: 'some k, v in xs', want: 'some k, v in xs' },
  { note: 'some accepts a pattern as the value', query: 'some [a, b] in xs', want: 'some [a, b] in xs' },
  { note: 'some accepts a pattern after a key', query: 'some k, [a, b] in xs', want: 'some k, [a, b] in xs' },
  { note: 'some iterates over a ref element', query: 'some x.y in xs', want: 'some x.y in xs' },
  { note: 'some on one line, its use on the next', query: 'some x\nx in xs', want: 'some x; internal.member_2(x, xs)' },
  {
    note: 'some with a modifier',
    query: 'some x in input with input as [1]',
    want: 'some x in input with input as [1]',
  },
  { note: 'in touching a bracket is a ref named in, as in OPA', query: 'some x\nin[x]', want: 'some x; in[x]' },
  { note: 'calls and refs chain', query: 'foo.bar(1)[0](1).baz', want: 'foo.bar(1)[0](1).baz' },
  {
    note: 'a with target may have a variable key',
    query: 'x with p[q] as f([x+1])',
    want: 'x with p[q] as f([plus(x, 1)])',
  },
  {
    note: 'a bar in an object value before a comma is an or',
    query: 'x := {a: y | z, b: c}',
    want: 'assign(x, {a: or(y, z), b: c})',
  },
  { note: 'an array after a call on a new line is a new expression', query: 'f(x)\n [1]', want: 'f(x); [1]' },
  { note: 'some names may span lines', query: 'some x, y,\n  z', want: 'some x, y, z' },
  { note: 'every with a value', query: 'every x in xs { x > 0 }', want: 'every x in xs { gt(x, 0) }' },
  { note: 'every with key and value', query: 'every k, v in xs { k < v }', want: 'every k, v in xs { lt(k, v) }' },
  { note: 'new lines and semicolons separate expressions', query: 'a\nb; c', want: 'a; b; c' },
  {
    note: 'an operator at the start of a line continues the expression, as in OPA',
    query: 'x := 1\n- 1',
    want: 'assign(x, minus(1, 1))',
  },
  { note: 'comments are ignored', query: 'a # first\n# whole line\nb', want: 'a; b' },
];

t.test('queries parse to the expected AST', async (t) => {
  for (const row of rows) t.equal(printed(row.query), row.want, row.note);
});

const rejected: { note: string; query: string; want: string }[] = [
  { note: 'a space before [ ends the term', query: 'x [1]', want: 'query.rego:1:3: rego_parse_error: unexpected `[`' },
  { note: 'a space before ( ends the term', query: 'f (x)', want: 'query.rego:1:3: rego_parse_error: unexpected `(`' },
  {
    note: 'a name must follow a dot directly',
    query: 'x. y',
    want: 'query.rego:1:4: rego_parse_error: unexpected name `y`',
  },
  { note: 'a string cannot be indexed', query: 'x := "abc".y', want: 'illegal ref: a string cannot be indexed' },
  { note: 'a number cannot be indexed', query: 'x := 1[0]', want: 'illegal ref: a number cannot be indexed' },
  { note: 'some cannot be negated', query: 'not some x', want: 'illegal negation of `some`' },
  { note: 'every cannot be negated', query: 'not every x in xs { x }', want: 'illegal negation of `every`' },
  { note: 'every needs a body', query: 'every x in xs', want: 'expected `{` to start the body of `every`' },
  {
    note: 'every needs a variable',
    query: 'every 1 in xs { true }',
    want: 'expected the value after `every` to be a variable',
  },
  { note: 'unification does not chain', query: 'x = y = z', want: 'query.rego:1:7: rego_parse_error: unexpected `=`' },
  { note: 'leading zeros are rejected', query: 'x := 007', want: 'expected number without leading zero' },
  {
    note: 'a number needs a fraction after the point',
    query: 'x := 1.',
    want: 'expected digits after the decimal point',
  },
  { note: 'a number cannot run into letters', query: 'x := 12ab', want: 'illegal number format' },
  { note: 'huge exponents are rejected', query: 'x := 1e999999', want: 'number too big' },
  { note: 'unknown escapes are rejected', query: 'x := "\\q"', want: 'illegal escape sequence' },
  { note: 'short \\u escapes are rejected', query: 'x := "\\u12"', want: 'four hex digits' },
  {
    note: 'strings end on their line',
    query: 'x := "abc\ny := 1',
    want: 'query.rego:1:6: rego_parse_error: non-terminated string',
  },
  { note: 'raw strings must close', query: 'x := `abc', want: 'non-terminated raw string' },
  { note: 'an unclosed bracket names its opening', query: 'x := [1, 2', want: 'expected `]` to close the `[` at 1:6' },
  {
    note: 'an unclosed parenthesis names its opening',
    query: 'x := (1 + 2',
    want: 'expected `)` to close the `(` at 1:6',
  },
  {
    note: 'an unclosed comprehension names its opening',
    query: 'x := [y | y := 1',
    want: 'expected `]` to close the comprehension body started at 1:6',
  },
  { note: 'a missing operand is named', query: 'x := 1 +', want: 'expected a term after `+`' },
  { note: 'an empty query is rejected', query: '', want: 'empty query' },
  { note: 'a bang is explained', query: '!x', want: 'use `not` to negate' },
  { note: 'template strings are not supported', query: 'x := $"a{b}"', want: 'template strings' },
  { note: 'in touching a bracket is explained', query: 'x in[1]', want: 'write `in [...]` with a space' },
  { note: 'an empty comprehension body is rejected', query: 'x := [y | ]', want: 'found empty comprehension body' },
];

t.test('malformed queries are rejected with a located message', async (t) => {
  for (const row of rejected) {
    const { body, diagnostics } = parseBody(row.query, 'query.rego');
    t.equal(body, undefined, `${row.note}: no body`);
    const messages = diagnostics.map(formatDiagnostic).join('\n');
    t.match(messages, row.want, row.note);
  }
});

t.test('terms carry the location where they start', async (t) => {
  const { body } = parseBody('x := 1\n  y := input.a[0] + f(2)', 'loc.rego');
  const second = body?.[1];
  t.same(second?.loc, { file: 'loc.rego', row: 2, col: 3 }, 'the expression starts at its first token');
  const [y, sum] = second?.args ?? [];
  t.same(y?.loc, { file: 'loc.rego', row: 2, col: 3 });
  t.same(sum?.loc, { file: 'loc.rego', row: 2, col: 8 }, 'an infix call is located at its left operand');
  const [ref, call] = sum?.type === 'call' ? sum.args : [];
  t.same(
    ref?.type === 'ref' ? ref.terms[1]?.loc : undefined,
    { file: 'loc.rego', row: 2, col: 14 },
    'a ref segment has its own location',
  );
  t.same(call?.loc, { file: 'loc.rego', row: 2, col: 21 }, 'a call is located at its name');
});

t.test('a single term parses with parseTerm', async (t) => {
  const { term } = parseTerm('{"a": {1, 2}, "b": [null, true, -1.5]}', 'input_term');
  const want: Term['type'] = 'object';
  t.equal(term?.type, want);
  t.equal(parseTerm('x := 1', 'input_term').term, undefined, 'an assignment is not a term');
  t.match(parseTerm('a; b', 'input_term').diagnostics[0]?.message ?? '', 'expected exactly one term');
});

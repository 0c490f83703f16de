import t from 'tap';
import { type Expr, parseModule } from '../../../proxy/policy/compiler/index.js';
import { SourceQuoter } from '../../../proxy/policy/testing/source-text.js';

/** Each row is a rule body's single expression; the quote must be the expression exactly, on one line. */
const CASES: { note: string; expr: string; want: string }[] = [
  { note: 'a ref with brackets', expr: 'input.a[0]["b"] == 1', want: 'input.a[0]["b"] == 1' },
  { note: 'a ref after a call', expr: 'object.get(input, "a", {}).b == 1', want: 'object.get(input, "a", {}).b == 1' },
  { note: 'a trailing comment', expr: 'x := 1 # why', want: 'x := 1' },
  { note: 'a raw string', expr: 'x := `a "b"`', want: 'x := `a "b"`' },
  { note: 'a set comprehension', expr: 'x := {y | some y in [1]}', want: 'x := {y | some y in [1]}' },
  { note: 'an empty array', expr: 'x == []', want: 'x == []' },
  { note: 'an arithmetic operand', expr: 'x + 1 > -2', want: 'x + 1 > -2' },
  {
    note: 'several with modifiers',
    expr: 'f(1) with input as {} with data.a as [1, 2]',
    want: 'f(1) with input as {} with data.a as [1, 2]',
  },
  { note: 'some ... in', expr: 'some k, v in {"a": 1}', want: 'some k, v in {"a": 1}' },
  { note: 'a line break inside brackets', expr: 'x := [\n\t1,\n\t2,\n]', want: 'x := [ 1, 2, ]' },
];

for (const c of CASES) {
  t.test(`quotes ${c.note}`, async (t) => {
    const source = `package q\n\nimport rego.v1\n\nr if {\n\t${c.expr}\n\ttrue\n}\n`;
    const { module, diagnostics } = parseModule(source, 'q.rego');
    t.same(diagnostics, []);
    const expr = module?.rules[0]?.body[0] as Expr;
    t.equal(new SourceQuoter(source).expression(expr), c.want);
  });
}

t.test('quotes one operand of an expression', async (t) => {
  const source = 'package q\n\nimport rego.v1\n\nr if count(input.xs) == 2 * 3\n';
  const expr = parseModule(source, 'q.rego').module?.rules[0]?.body[0] as Expr;
  const quoter = new SourceQuoter(source);
  t.same(
    (expr.args ?? []).map((a) => quoter.term(a)),
    ['count(input.xs)', '2 * 3'],
  );
});

t.test('gives up, rather than guess, on a location with no token', async (t) => {
  const source = 'package q\n\nimport rego.v1\n\nr if true\n';
  const expr = parseModule(source, 'q.rego').module?.rules[0]?.body[0] as Expr;
  t.equal(new SourceQuoter(source).expression({ ...expr, loc: { file: 'q.rego', row: 99, col: 1 } }), undefined);
});

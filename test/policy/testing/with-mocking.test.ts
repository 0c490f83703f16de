import t from 'tap';
import { runRegoTests, type TestOutcome } from '../../../proxy/policy/testing/index.js';

/*
 * `with` inside tests, through the test runner: input, data, a function mocked by a function or a value, a
 * built-in (native or served by the host) mocked likewise. Each mock is checked both ways, so a mock that silently
 * did nothing would turn a FAIL row into a PASS.
 */

const POLICY = `package p

import rego.v1

allow if input.user == "alice"

allow if data.admins[input.user]

double(x) := x * 2

quad(x) := double(double(x))

year := time.date(time.now_ns())[0]

n := count(input.xs)

greeting := sprintf("hi %s", [input.user])
`;

const CASES: { note: string; test: string; want: TestOutcome }[] = [
  { note: 'input replaced whole', test: 'p.allow with input as {"user": "alice"}', want: 'PASS' },
  { note: 'input replaced whole, failing', test: 'p.allow with input as {"user": "eve"}', want: 'FAIL' },
  { note: 'one input path', test: 'p.allow with input.user as "alice"', want: 'PASS' },
  {
    note: 'a data document',
    test: 'p.allow with input.user as "bob" with data.admins as {"bob": true}',
    want: 'PASS',
  },
  { note: 'the same without the data mock', test: 'p.allow with input.user as "bob"', want: 'FAIL' },
  { note: 'a function by a function', test: 'p.quad(1) == 9 with p.double as triple', want: 'PASS' },
  { note: 'a function by a function, failing', test: 'p.quad(1) == 4 with p.double as triple', want: 'FAIL' },
  { note: 'a function by a value', test: 'p.quad(1) == 7 with p.double as 7', want: 'PASS' },
  {
    note: 'a native built-in by a value',
    test: 'p.year == 2001 with time.now_ns as 1000000000000000000',
    want: 'PASS',
  },
  { note: 'a native built-in by another value', test: 'p.year == 1970 with time.now_ns as 0', want: 'PASS' },
  { note: 'a built-in by a function', test: 'p.n == 42 with count as always_42 with input.xs as [1]', want: 'PASS' },
  { note: 'the same built-in unmocked', test: 'p.n == 42 with input.xs as [1]', want: 'FAIL' },
  {
    note: 'a host built-in by a function',
    test: 'p.greeting == "mocked" with sprintf as fake_sprintf with input.user as "x"',
    want: 'PASS',
  },
  { note: 'the host built-in unmocked', test: 'p.greeting == "hi x" with input.user as "x"', want: 'PASS' },
  {
    note: 'a mock inside a test body of several lines',
    test: '{\n\tq := p.quad(2) with p.double as triple\n\tq == 18\n}',
    want: 'PASS',
  },
];

const TESTS = `package p_test

import rego.v1

import data.p

triple(x) := x * 3

always_42(_) := 42

fake_sprintf(_, _) := "mocked"

${CASES.map((c, i) => `test_case_${i} if ${c.test}`).join('\n\n')}
`;

t.test('with mocks input, data, functions and built-ins in tests', async (t) => {
  const results = await runRegoTests({ 'p.rego': POLICY, 'p_test.rego': TESTS }, {});
  t.equal(results.length, CASES.length);
  CASES.forEach((c, i) => {
    const result = results.find((r) => r.name === `data.p_test.test_case_${i}`);
    t.equal(result?.outcome, c.want, `${c.note}: ${c.test}${result?.error ? ` (${result.error})` : ''}`);
  });
});

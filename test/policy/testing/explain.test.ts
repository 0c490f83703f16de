import t from 'tap';
import { runRegoTests, type TestResult } from '../../../proxy/policy/testing/index.js';

/*
 * What a failed test reports: the first expression of its body that failed, quoted from the source with its
 * location, and the values its operands had there.
 */

const POLICY = `package p

import rego.v1

decision := {"effect": "allow"} if input.read_only

decision := {"effect": "hold"} if not input.read_only

double(x) := x * 2
`;

interface Case {
  note: string;
  /** The test rule, from its name on. */
  test: string;
  /** Row and column of the failed expression within the test file (the test starts on row 7). */
  at?: [number, number];
  text?: string;
  operands?: [string, unknown[]][];
}

const CASES: Case[] = [
  {
    note: 'a comparison after an assignment',
    test: `test_c if {
	d := p.decision with input as {"read_only": true}
	d.effect == "hold"
}`,
    at: [9, 2],
    text: 'd.effect == "hold"',
    operands: [['d.effect', ['allow']]],
  },
  {
    note: 'an undefined operand',
    test: `test_c if {
	d := p.decision with input as {"read_only": true}
	d.approval.min == 2
}`,
    at: [9, 2],
    text: 'd.approval.min == 2',
    operands: [['d.approval.min', []]],
  },
  {
    note: 'an expression spanning lines, quoted on one',
    test: `test_c if {
	xs := [1,
		2]
	count(xs) == 3
}`,
    at: [10, 2],
    text: 'count(xs) == 3',
    operands: [['count(xs)', [2]]],
  },
  {
    note: 'a negation, with its with modifier quoted and applied to the operand',
    test: `test_c if {
	not p.decision with input as {"read_only": false}
}`,
    at: [8, 2],
    text: 'not p.decision with input as {"read_only": false}',
    operands: [['p.decision', [{ effect: 'hold' }]]],
  },
  {
    note: 'an assignment whose value is undefined shows only the value',
    test: `test_c if {
	x := input.missing
	x == 1
}`,
    at: [8, 2],
    text: 'x := input.missing',
    operands: [['input.missing', []]],
  },
  {
    note: 'every binding of the expressions before is tried',
    test: `test_c if {
	some x in [1, 2, 3]
	x > 5
}`,
    at: [9, 2],
    text: 'x > 5',
    operands: [['x', [1, 2, 3]]],
  },
  {
    note: 'a one-line test body',
    test: 'test_c if p.double(2) == 5',
    at: [7, 11],
    text: 'p.double(2) == 5',
    operands: [['p.double(2)', [4]]],
  },
  {
    note: 'a function mocked for the failing expression is mocked for its operands',
    test: 'test_c if p.double(2) == 5 with p.double as 7',
    at: [7, 11],
    text: 'p.double(2) == 5 with p.double as 7',
    operands: [['p.double(2)', [7]]],
  },
  {
    note: 'a negative literal and a multi-line object',
    test: `test_c if {
	{"a": -1,
	 "b": 2} == {"a": -1}
}`,
    at: [8, 2],
    text: '{"a": -1, "b": 2} == {"a": -1}',
    operands: [],
  },
  {
    note: 'a call with no arguments',
    test: `test_c if {
	count(set()) == 1
}`,
    at: [8, 2],
    text: 'count(set()) == 1',
    operands: [['count(set())', [0]]],
  },
  {
    note: 'an every whose body fails',
    test: `test_c if {
	every x in [1, 2] {
		x < 2
	}
}`,
    at: [8, 2],
    text: 'every x in [1, 2] { x < 2 }',
    operands: [],
  },
  { note: 'a rule whose value is false has no failed expression', test: 'test_c := false if true' },
];

function testFile(test: string): string {
  return `package p_test\n\nimport rego.v1\n\nimport data.p\n\n${test}\n`;
}

async function runOne(test: string): Promise<TestResult> {
  const [result] = await runRegoTests({ 'p.rego': POLICY, 'p_test.rego': testFile(test) }, {});
  if (!result) throw new Error('no result');
  return result;
}

for (const c of CASES) {
  t.test(c.note, async (t) => {
    const result = await runOne(c.test);
    t.equal(result.outcome, 'FAIL');
    const failed = result.failedExpression;
    if (c.at === undefined) {
      t.equal(failed, undefined);
      return;
    }
    t.same(failed?.location, { file: 'p_test.rego', row: c.at[0], col: c.at[1] });
    t.equal(failed?.text, c.text);
    t.same(
      failed?.operands.map((o) => [o.text, o.values]),
      c.operands,
    );
  });
}

t.test('a body whose prefixes do not compile is reported without an explanation', async (t) => {
  // `y == 1` alone is unsafe; the compiler orders the whole body so that `y = 2` binds y first.
  const result = await runOne('test_c if {\n\ty == 1\n\ty = 2\n}');
  t.equal(result.outcome, 'FAIL');
  t.equal(result.failedExpression, undefined);
});

t.test('failed tests in several files are explained together', async (t) => {
  const results = await runRegoTests(
    {
      'p.rego': POLICY,
      'a_test.rego': testFile('test_a if p.double(1) == 3'),
      'b_test.rego': testFile('test_b if {\n\tx := 1\n\tx == 2\n}').replace('package p_test', 'package q_test'),
    },
    {},
  );
  t.same(
    results.map((r) => [r.name, r.failedExpression?.text, r.failedExpression?.location.file]),
    [
      ['data.p_test.test_a', 'p.double(1) == 3', 'a_test.rego'],
      ['data.q_test.test_b', 'x == 2', 'b_test.rego'],
    ],
  );
});

t.test('print output is captured per test, an undefined operand as <undefined>', async (t) => {
  const results = await runRegoTests(
    {
      'p_test.rego': testFile(`test_prints if {
	print("first", 1)
	x := [v | some v in [1, 2]; print("in a comprehension", v)]
	print("undefined:", input.missing)
}

test_quiet if true

test_fails_after_print if {
	print("about to fail")
	false
}`),
    },
    {},
  );
  t.same(
    results.map((r) => [r.name, r.output]),
    [
      [
        'data.p_test.test_prints',
        ['first 1', 'in a comprehension 1', 'in a comprehension 2', 'undefined: <undefined>'],
      ],
      ['data.p_test.test_quiet', []],
      ['data.p_test.test_fails_after_print', ['about to fail']],
    ],
  );
  t.equal(results[2]?.failedExpression?.text, 'false', 'print calls are not what failed');
});

import t from 'tap';
import { formatGoDuration, formatJson, formatPretty, type TestResult } from '../../../proxy/policy/testing/index.js';

t.test('formatGoDuration prints as Go prints a time.Duration', async (t) => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [999, '999ns'],
    [1_000, '1µs'],
    [1_500, '1.5µs'],
    [172_750, '172.75µs'],
    [1_234_567, '1.234567ms'],
    [1_200_000, '1.2ms'],
    [999_999_999, '999.999999ms'],
    [1_000_000_000, '1s'],
    [2_500_000_000, '2.5s'],
    [90_000_000_000, '1m30s'],
    [60_000_000_000, '1m0s'],
    [3_600_000_000_000, '1h0m0s'],
    [3_723_000_000_001, '1h2m3.000000001s'],
  ];
  for (const [ns, want] of cases) t.equal(formatGoDuration(ns), want, `${ns} ns`);
});

function result(overrides: Partial<TestResult> & Pick<TestResult, 'name' | 'outcome'>): TestResult {
  return {
    package: 'data.p',
    file: 'p_test.rego',
    location: { file: 'p_test.rego', row: 5, col: 1 },
    durationNs: 1_200_000,
    output: [],
    ...overrides,
  };
}

const RESULTS: TestResult[] = [
  result({ name: 'data.p.test_ok', outcome: 'PASS', output: ['from a passing test'] }),
  result({
    name: 'data.p.test_hold',
    outcome: 'FAIL',
    durationNs: 35_043,
    failedExpression: {
      location: { file: 'p_test.rego', row: 42, col: 2 },
      text: 'd.effect == "hold"',
      operands: [{ text: 'd.effect', values: ['allow'] }],
    },
    output: ['effect allow'],
  }),
  result({ name: 'data.p.test_value', outcome: 'FAIL', value: 3 }),
  result({ name: 'data.p.test_undefined', outcome: 'FAIL' }),
  result({ name: 'data.p.todo_test_later', outcome: 'SKIPPED', durationNs: 0 }),
  result({ name: 'data.q.test_err', outcome: 'ERROR', file: 'q_test.rego', error: 'var assignment conflict' }),
];

t.test('formatPretty lists what did not pass, by file, then counts outcomes as opa test does', async (t) => {
  t.equal(
    formatPretty(RESULTS),
    [
      'p_test.rego:',
      'data.p.test_hold: FAIL (35.043µs)',
      '  p_test.rego:42:2: d.effect == "hold"',
      '    d.effect: "allow"',
      '',
      '  effect allow',
      '',
      'data.p.test_value: FAIL (1.2ms)',
      '  got: 3',
      'data.p.test_undefined: FAIL (1.2ms)',
      '  got: undefined',
      'data.p.todo_test_later: SKIPPED',
      'q_test.rego:',
      'data.q.test_err: ERROR (1.2ms)',
      '  var assignment conflict',
      '-'.repeat(80),
      'PASS: 1/6',
      'FAIL: 3/6',
      'SKIPPED: 1/6',
      'ERROR: 1/6',
    ].join('\n'),
  );
});

t.test('formatPretty -v lists passing tests and what they printed', async (t) => {
  const text = formatPretty(RESULTS.slice(0, 1), { verbose: true });
  t.equal(
    text,
    ['p_test.rego:', 'data.p.test_ok: PASS (1.2ms)', '', '  from a passing test', '', '-'.repeat(80), 'PASS: 1/1'].join(
      '\n',
    ),
  );
  t.equal(formatPretty(RESULTS.slice(0, 1)), 'PASS: 1/1', 'only the count when all pass');
});

t.test('formatPretty shortens long and many values', async (t) => {
  const values = [...Array(7).keys()].map((i) => (i === 0 ? 'x'.repeat(300) : i));
  const text = formatPretty([
    result({
      name: 'data.p.test_many',
      outcome: 'FAIL',
      failedExpression: { location: { file: 'p_test.rego', row: 1, col: 1 }, operands: [{ text: 'v', values }] },
    }),
  ]);
  t.match(text, /\n {2}p_test\.rego:1:1\n {4}v: "x{199}…, 1, 2, 3, 4, … \(2 more\)\n/);
});

t.test('formatJson writes one object per test with the duration in nanoseconds', async (t) => {
  const parsed = JSON.parse(formatJson(RESULTS)) as Record<string, unknown>[];
  t.same(parsed[1], {
    name: 'data.p.test_hold',
    package: 'data.p',
    file: 'p_test.rego',
    location: { file: 'p_test.rego', row: 5, col: 1 },
    outcome: 'FAIL',
    duration: 35043,
    failedExpression: {
      location: { file: 'p_test.rego', row: 42, col: 2 },
      text: 'd.effect == "hold"',
      operands: [{ text: 'd.effect', values: ['allow'] }],
    },
    output: ['effect allow'],
  });
  t.same(parsed[2]?.value, 3);
  t.notOk(parsed[3] && 'value' in parsed[3], 'an undefined test has no value');
  t.equal(parsed[5]?.error, 'var assignment conflict');
  t.equal(parsed[4]?.outcome, 'SKIPPED');
});

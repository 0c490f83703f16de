import t from 'tap';
import { loadPolicySources } from '../../proxy/policy/sources.js';
import { runRegoTests } from '../../proxy/policy/testing/index.js';

t.test('the default policy passes its own Rego tests', async (t) => {
  const sources = loadPolicySources(['rego'], { includeTests: true });
  const results = await runRegoTests(sources.modules, sources.data);
  t.ok(results.length >= 15, `found ${results.length} tests`);
  for (const r of results) t.equal(r.outcome, 'PASS', `${r.name}${r.failedExpression?.text ?? ''}`);
  t.ok(
    results.every((r) => r.durationNs > 0),
    'every test has a duration',
  );
});

t.test('a failing Rego test is reported as FAIL, and --run matches the full name', async (t) => {
  const modules = {
    'p_test.rego': 'package p_test\n\nimport rego.v1\n\ntest_one_is_two if 1 == 2\n\ntest_true if true\n',
  };
  const results = await runRegoTests(modules, {});
  t.same(
    results.map((r) => [r.name, r.outcome]),
    [
      ['data.p_test.test_one_is_two', 'FAIL'],
      ['data.p_test.test_true', 'PASS'],
    ],
  );
  const filtered = await runRegoTests(modules, {}, { run: /^data\.p_test\.test_t/ });
  t.same(
    filtered.map((r) => r.name),
    ['data.p_test.test_true'],
  );
});

t.test('the data document is there for tests to read', async (t) => {
  const modules = { 'q_test.rego': 'package q_test\n\nimport rego.v1\n\ntest_limit if data.limits.max == 3\n' };
  const [result] = await runRegoTests(modules, { limits: { max: 3 } });
  t.equal(result?.outcome, 'PASS');
});

import t from 'tap';
import { loadPolicySources } from '../../proxy/policy/sources.js';
import { runRegoTests } from '../../proxy/policy/test-runner.js';

t.test('the default policy passes its own Rego tests', async (t) => {
  const sources = loadPolicySources(['rego'], { includeTests: true });
  const outcomes = await runRegoTests(sources.modules, sources.data);
  t.ok(outcomes.length >= 15, `found ${outcomes.length} tests`);
  for (const o of outcomes) t.equal(o.outcome, 'PASS', `${o.name}${o.detail ? `: ${o.detail}` : ''}`);
});

t.test('a failing Rego test is reported as FAIL with what it evaluated to', async (t) => {
  const modules = {
    'p_test.rego': 'package p_test\n\nimport rego.v1\n\ntest_one_is_two if 1 == 2\n\ntest_true if true\n',
  };
  const outcomes = await runRegoTests(modules, {});
  t.same(
    outcomes.map((o) => [o.name, o.outcome]),
    [
      ['data.p_test.test_one_is_two', 'FAIL'],
      ['data.p_test.test_true', 'PASS'],
    ],
  );
  const filtered = await runRegoTests(modules, {}, { run: /true/ });
  t.same(
    filtered.map((o) => o.name),
    ['data.p_test.test_true'],
  );
});

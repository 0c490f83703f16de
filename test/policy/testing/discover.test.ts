import t from 'tap';
import { parseModule } from '../../../proxy/policy/compiler/index.js';
import { type DiscoveredTest, discoverTests, renameDuplicateTests } from '../../../proxy/policy/testing/discover.js';
import { runRegoTests } from '../../../proxy/policy/testing/index.js';

function parse(file: string, source: string) {
  const { module, diagnostics } = parseModule(source, file);
  if (!module) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return module;
}

const SOURCE = `package a.b

import rego.v1

helper := 1

test_plain if true

todo_test_later if false

test_value := 1

test_twice if true

test_twice if false

test_set contains 1

test_cases[note] if some note in ["x"]

test_function(x) if x

default test_default := true

x.test_nested if true
`;

t.test('discovers test_ and todo_test_ rules as opa test does', async (t) => {
  const tests = discoverTests([parse('b_test.rego', SOURCE)]);
  const summary = (d: DiscoveredTest) => [d.name, d.kind, d.entrypoint, d.location.row];
  t.same(tests.map(summary), [
    ['data.a.b.test_plain', 'test', 'a/b/test_plain', 7],
    ['data.a.b.todo_test_later', 'todo', 'a/b/todo_test_later', 9],
    ['data.a.b.test_value', 'test', 'a/b/test_value', 11],
    ['data.a.b.test_twice', 'test', 'a/b/test_twice', 13],
    ['data.a.b.test_twice#01', 'test', 'a/b/test_twice#01', 15],
    ['data.a.b.test_set', 'test', 'a/b/test_set', 17],
    ['data.a.b.test_cases', 'parameterized', 'a/b/test_cases', 19],
    ['data.a.b.x.test_nested', 'test', 'a/b/x/test_nested', 25],
  ]);
});

t.test('orders tests by file name, and numbers a name defined again in another file of the package', async (t) => {
  const one = parse('z.rego', 'package p\n\nimport rego.v1\n\ntest_a if true\n');
  const two = parse('a.rego', 'package p\n\nimport rego.v1\n\ntest_a if true\n\ntest_b if true\n');
  t.same(
    discoverTests([one, two]).map((d) => [d.file, d.name]),
    [
      ['a.rego', 'data.p.test_a'],
      ['a.rego', 'data.p.test_b'],
      ['z.rego', 'data.p.test_a#01'],
    ],
  );
});

t.test('renameDuplicateTests renames the second definition only', async (t) => {
  const module = parse('b_test.rego', SOURCE);
  const renamed = renameDuplicateTests(module, discoverTests([module]));
  const names = renamed.rules.map((r) => (r.head.ref[0]?.type === 'var' ? r.head.ref[0].name : '?'));
  t.same(
    names.filter((n) => n.startsWith('test_twice')),
    ['test_twice', 'test_twice#01'],
  );
  t.equal(renamed.rules.length, module.rules.length);
});

t.test('each definition of a test name is run on its own, as opa test runs them', async (t) => {
  const results = await runRegoTests({ 'b_test.rego': SOURCE }, {});
  t.same(
    results.map((r) => [r.name, r.outcome]),
    [
      ['data.a.b.test_plain', 'PASS'],
      ['data.a.b.todo_test_later', 'SKIPPED'],
      ['data.a.b.test_value', 'FAIL'],
      ['data.a.b.test_twice', 'PASS'],
      ['data.a.b.test_twice#01', 'FAIL'],
      ['data.a.b.test_set', 'FAIL'],
      ['data.a.b.test_cases', 'ERROR'],
      ['data.a.b.x.test_nested', 'PASS'],
    ],
  );
  const value = results.find((r) => r.name === 'data.a.b.test_value');
  t.equal(value?.value, 1, 'a test defined as something other than true fails with its value');
  const skipped = results.find((r) => r.outcome === 'SKIPPED');
  t.equal(skipped?.durationNs, 0, 'a skipped test is not run');
  t.match(results.find((r) => r.outcome === 'ERROR')?.error, /not supported/);
});

t.test('--run selects by the full name, todo tests included', async (t) => {
  const results = await runRegoTests({ 'b_test.rego': SOURCE }, {}, { run: /twice#01|later/ });
  t.same(
    results.map((r) => r.name),
    ['data.a.b.todo_test_later', 'data.a.b.test_twice#01'],
  );
});

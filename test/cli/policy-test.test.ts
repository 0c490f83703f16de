import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { policyCommand } from '../../proxy/cli/policy.js';
import { captureIo, tempDir } from './helpers.js';

async function policyTest(args: string[]) {
  const captured = captureIo();
  const code = await policyCommand(['test', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** writePolicy writes Rego files (name → source) into a fresh directory and returns it. */
function writePolicy(t: Test, files: Record<string, string>): string {
  const dir = tempDir(t);
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), source);
  }
  return dir;
}

const POLICY = 'package p\n\nimport rego.v1\n\nallow if input.user == "alice"\n';
const HEADER = 'package p_test\n\nimport rego.v1\n\nimport data.p\n\n';
const PASSING = `${HEADER}test_alice if p.allow with input.user as "alice"\n\ntest_bob if not p.allow with input.user as "bob"\n`;
const FAILING = `${HEADER}test_alice if p.allow with input.user as "alice"\n\ntest_eve if {\n\tprint("checking eve")\n\tp.allow with input.user as "eve"\n}\n`;
const DURATION = String.raw`\((\d+(\.\d+)?(ns|µs|ms|s))\)`;

t.test('all tests passing: the count only, exit 0', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': PASSING });
  const result = await policyTest([dir]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, 'PASS: 2/2\n');
});

t.test('-v lists every test with its time', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': PASSING });
  const result = await policyTest([dir, '-v']);
  t.equal(result.code, 0);
  t.match(
    result.stdout,
    new RegExp(
      `^${join(dir, 'p_test.rego')}:\ndata\\.p_test\\.test_alice: PASS ${DURATION}\ndata\\.p_test\\.test_bob: PASS ${DURATION}\n-{80}\nPASS: 2/2\n$`,
    ),
  );
});

t.test('a failing test: its failed expression, what it printed, the counts, exit 1', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': FAILING });
  const result = await policyTest([dir]);
  t.equal(result.code, 1);
  const file = join(dir, 'p_test.rego');
  t.match(
    result.stdout,
    new RegExp(
      [
        `^${file}:`,
        `data\\.p_test\\.test_eve: FAIL ${DURATION}`,
        `  ${file}:11:2: p\\.allow with input\\.user as "eve"`,
        '    p\\.allow: undefined',
        '',
        '  checking eve',
        '',
        '-{80}',
        'PASS: 1/2',
        'FAIL: 1/2',
        '$',
      ].join('\n'),
    ),
  );
});

t.test('--run runs only the tests whose full name matches', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': FAILING });
  const result = await policyTest([dir, '--run', String.raw`^data\.p_test\.test_al`]);
  t.equal(result.code, 0);
  t.equal(result.stdout, 'PASS: 1/1\n');
  const none = await policyTest([dir, '--run', 'nothing-matches']);
  t.equal(none.code, 1);
  t.equal(none.stderr, 'no tests found\n');
});

t.test('--format json prints one object per test', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': FAILING });
  const result = await policyTest([dir, '--format', 'json']);
  t.equal(result.code, 1);
  const parsed = JSON.parse(result.stdout) as {
    name: string;
    outcome: string;
    duration: number;
    failedExpression?: { text: string };
  }[];
  t.same(
    parsed.map((r) => [r.name, r.outcome, r.failedExpression?.text]),
    [
      ['data.p_test.test_alice', 'PASS', undefined],
      ['data.p_test.test_eve', 'FAIL', 'p.allow with input.user as "eve"'],
    ],
  );
  t.ok(
    parsed.every((r) => Number.isInteger(r.duration) && r.duration > 0),
    'durations in nanoseconds',
  );
});

t.test('todo tests are skipped, which fails the run unless -z', async (t) => {
  const dir = writePolicy(t, {
    'p.rego': POLICY,
    'p_test.rego': `${HEADER}test_alice if p.allow with input.user as "alice"\n\ntodo_test_later if false\n`,
  });
  const result = await policyTest([dir]);
  t.equal(result.code, 1);
  t.match(result.stdout, /data\.p_test\.todo_test_later: SKIPPED\n-{80}\nPASS: 1\/2\nSKIPPED: 1\/2\n$/);
  t.equal((await policyTest([dir, '-z'])).code, 0);
});

t.test('a policy that does not compile: its errors on stderr, exit 1', async (t) => {
  const dir = writePolicy(t, { 'p_test.rego': `${HEADER}test_x if {\n\ty == 1\n}\n` });
  const result = await policyTest([dir]);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(result.stderr, `${join(dir, 'p_test.rego')}:8:2: rego_unsafe_var_error: var y is unsafe\n`);
  const unparsable = writePolicy(t, { 'p_test.rego': 'package p_test\n\ntest_x if {\n' });
  const parseResult = await policyTest([unparsable]);
  t.equal(parseResult.code, 1);
  t.match(parseResult.stderr, /p_test\.rego:\d+:\d+: rego_parse_error: /);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  const dir = writePolicy(t, { 'p.rego': POLICY, 'p_test.rego': PASSING });
  for (const args of [
    [dir, '--bogus'],
    [dir, '--run', '('],
    [dir, '--format', 'xml'],
    [dir, '--run'],
  ]) {
    const result = await policyTest(args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, /^policy test: .+\nusage:\n/, args.join(' '));
    t.equal(result.stdout, '');
  }
});

t.test('a path that does not exist: exit 1, named', async (t) => {
  const dir = tempDir(t);
  const result = await policyTest([join(dir, 'missing')]);
  t.equal(result.code, 1);
  t.match(result.stderr, /^policy test: .*missing/);
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  buildPolicyInput,
  createPolicyEngine,
  type PolicyEngine,
  type PolicyEvent,
  type PolicyInput,
  PolicyRejectedError,
} from '../../proxy/decide/index.js';
import type { CloudCall } from '../../proxy/decode/index.js';

/*
 * The engine against real policy directories in a temporary folder: the default policy from rego/, hot reloads
 * through the file watcher, and policies that fail in each way the engine must survive. Every wait is bounded.
 */

const WAIT_MS = 5000;

const ALLOW_V2 = `package airlock
import rego.v1
decision := {"effect": "allow", "reason": "version two"}
`;
const ALLOW_V3 = `package airlock
import rego.v1
decision := {"effect": "allow", "reason": sprintf("version three for %s", [data.airlock.team])}
`;
const BROKEN = `package airlock
import rego.v1
decision := {"effect": "allow",
`;
const CONFLICTING = `package airlock
import rego.v1
decision := {"effect": "allow", "reason": "x is set"} if input.call.params.x
decision := {"effect": "deny", "reason": "y is set"} if input.call.params.y
`;

interface Harness {
  dir: string;
  events: PolicyEvent[];
  engine: PolicyEngine;
}

/** policyDir makes a temporary policy directory, removed when the test ends. */
function policyDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-decide-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFile(dir, name, text);
  return dir;
}

function writeFile(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
}

async function startEngine(t: Test, dir: string, watch = false): Promise<Harness> {
  const events: PolicyEvent[] = [];
  const engine = await createPolicyEngine({ dir, watch, onEvent: (e) => events.push(e), debounceMs: 50 });
  t.teardown(() => engine.close());
  return { dir, events, engine };
}

/** until polls `check` every 10 ms and fails the wait after WAIT_MS. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function eventsOf<K extends PolicyEvent['kind']>(events: PolicyEvent[], kind: K): Extract<PolicyEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<PolicyEvent, { kind: K }> => e.kind === kind);
}

function inputFor(iamAction: string, fields: Partial<CloudCall> = {}): PolicyInput {
  const [service = '', action = ''] = iamAction.split(':');
  const call = {
    cloud: 'aws',
    service,
    action,
    iam_action: iamAction,
    region: 'us-east-1',
    account: '123456789012',
    environment: 'dev',
    resource: undefined,
    read_only: false,
    params: {},
    decoded: true,
    protocol: 'query',
    ...fields,
  } as CloudCall;
  return buildPolicyInput({
    agent: { id: 'deploy-bot', owner: 'alice@example.com', groups: ['ci'], labels: {} },
    call,
    http: { method: 'POST', host: `${service}.amazonaws.com:443`, path: '/' },
    now: new Date('2026-11-21T03:00:00Z'),
  });
}

function defaultPolicyDir(t: Test): string {
  const dir = policyDir(t, {});
  copyFileSync('rego/airlock.rego', join(dir, 'airlock.rego'));
  copyFileSync('rego/airlock_test.rego', join(dir, 'airlock_test.rego'));
  return dir;
}

t.test('the default policy compiles at start and decides allow, hold and deny', async (t) => {
  const { engine, events } = await startEngine(t, defaultPolicyDir(t));
  t.match(engine.version, /^[0-9a-f]{12}$/);
  t.match(events, [{ kind: 'policy-loaded', version: engine.version, ms: Number }]);

  const read = engine.decide(inputFor('s3:GetObject', { environment: 'prod', read_only: true }));
  t.strictSame(read, {
    effect: 'allow',
    reason: 'a read-only call',
    policyVersion: engine.version,
    releaseCredentials: false,
  });
  const devWrite = engine.decide(inputFor('s3:PutObject'));
  t.equal(devWrite.effect, 'allow');
  t.equal(devWrite.reason, 'a write outside production');

  t.strictSame(engine.decide(inputFor('iam:CreateRole', { environment: 'prod' })), {
    effect: 'hold',
    reason: 'iam:CreateRole changes who may do what',
    approval: { minApprovers: 2, groups: ['security'], timeoutSeconds: 3600 },
    policyVersion: engine.version,
    releaseCredentials: false,
  });
  t.match(engine.decide(inputFor('s3:PutObject', { environment: 'prod' })), {
    effect: 'hold',
    approval: { minApprovers: 1, groups: ['sre'], timeoutSeconds: 900 },
  });

  const assume = engine.decide(inputFor('sts:AssumeRole', { read_only: true }));
  t.match(assume, { effect: 'deny', reason: /returns credentials/, releaseCredentials: false });
  t.equal(assume.failClosed, undefined, 'a policy deny is not a fail-closed deny');
  t.match(engine.decide(inputFor('unknown:Unknown', { decoded: false } as Partial<CloudCall>)), {
    effect: 'deny',
    reason: /could not decode/,
  });
});

t.test('the version names the sources, not the directory, and ignores Rego tests', async (t) => {
  const a = await startEngine(t, defaultPolicyDir(t));
  const dir = policyDir(t, {});
  copyFileSync('rego/airlock.rego', join(dir, 'airlock.rego'));
  const b = await startEngine(t, dir);
  t.equal(a.engine.version, b.engine.version);
  const c = await startEngine(t, policyDir(t, { 'airlock.rego': ALLOW_V2 }));
  t.not(c.engine.version, a.engine.version);
});

t.test('data.json documents are read as in a bundle', async (t) => {
  const dir = policyDir(t, { 'airlock.rego': ALLOW_V3, 'airlock/data.json': '{"team": "payments"}' });
  const { engine } = await startEngine(t, dir);
  t.equal(engine.decide(inputFor('s3:GetObject')).reason, 'version three for payments');
});

t.test('hot reload: a changed policy decides, a broken one is rejected, a fixed one loads', async (t) => {
  const { dir, engine, events } = await startEngine(t, defaultPolicyDir(t), true);
  const v1 = engine.version;
  const write = inputFor('iam:CreateRole', { environment: 'prod' });
  t.equal(engine.decide(write).effect, 'hold');

  writeFile(dir, 'airlock.rego', ALLOW_V2);
  await until('the changed policy to load', () => engine.version !== v1);
  const v2 = engine.version;
  t.match(engine.decide(write), { effect: 'allow', reason: 'version two', policyVersion: v2 });
  t.match(eventsOf(events, 'policy-loaded').at(-1), { version: v2, ms: Number });

  writeFile(dir, 'airlock.rego', BROKEN);
  await until('the broken policy to be rejected', () => eventsOf(events, 'policy-rejected').length === 1);
  const [rejected] = eventsOf(events, 'policy-rejected');
  t.match(rejected?.diagnostics[0], /airlock\.rego:\d+:\d+: rego_parse_error: /, 'diagnostics name file, row, column');
  t.match(rejected?.version, /^[0-9a-f]{12}$/);
  t.not(rejected?.version, v2);
  t.equal(engine.version, v2, 'the last good policy stays in force');
  t.match(engine.decide(write), { effect: 'allow', reason: 'version two' });

  writeFile(dir, 'airlock.rego', ALLOW_V3);
  writeFile(dir, 'airlock/data.json', '{"team": "payments"}');
  await until('the fixed policy to load', () => engine.version !== v2);
  t.match(engine.decide(write), { effect: 'allow', reason: 'version three for payments' });

  writeFile(dir, 'airlock/data.json', '{"team": "identity"}');
  await until('the changed data to load', () => engine.decide(write).reason === 'version three for identity');
  t.equal(eventsOf(events, 'policy-rejected').length, 1, 'no other rejection on the way');
});

t.test('hot reload rejects what would compile but cannot decide', async (t) => {
  const { dir, engine, events } = await startEngine(t, policyDir(t, { 'airlock.rego': ALLOW_V2 }), true);
  const v2 = engine.version;
  const rejections = () => eventsOf(events, 'policy-rejected');
  const cases = [
    {
      note: 'no decision rule',
      files: { 'airlock.rego': 'package airlock\nimport rego.v1\nallow := true\n' },
      diagnostic: /no rule defines data\.airlock\.decision/,
    },
    {
      note: 'a smoke evaluation that throws',
      files: {
        'airlock.rego':
          'package airlock\nimport rego.v1\ndecision := {"effect": "allow"}\ndecision := {"effect": "deny"} if input.call.read_only == false\n',
      },
      diagnostic:
        /smoke evaluation \(iam:CreateRole in prod\) failed: eval_conflict_error: .*airlock\.rego:4:\d+: var assignment conflict/,
    },
    {
      note: 'a smoke evaluation that gives a malformed decision',
      files: { 'airlock.rego': 'package airlock\nimport rego.v1\ndecision := {"effect": "permit"}\n' },
      diagnostic: /smoke evaluation .*: denied because the policy output was malformed: effect "permit"/,
    },
    {
      note: 'a data file that is not JSON',
      files: { 'airlock.rego': ALLOW_V2, 'data.json': '{"team": ' },
      diagnostic: /data\.json: not valid JSON/,
    },
  ];
  for (const [i, c] of cases.entries()) {
    for (const [name, text] of Object.entries(c.files)) writeFile(dir, name, text);
    await until(`${c.note} to be rejected`, () => rejections().length === i + 1);
    t.match(rejections()[i]?.diagnostics.join('\n'), c.diagnostic, `${c.note}: rejected`);
    t.equal(engine.version, v2, `${c.note}: the last good policy stays in force`);
  }
  t.equal(rejections()[3]?.version, undefined, 'unreadable sources have no version');
  rmSync(join(dir, 'data.json'));
  await until('the restored policy to be reported', () => eventsOf(events, 'policy-loaded').length === 2);
  t.equal(engine.version, v2);
});

t.test('a burst of writes compiles once, to the last version', async (t) => {
  const { dir, engine, events } = await startEngine(t, policyDir(t, { 'airlock.rego': ALLOW_V2 }), true);
  const v2 = engine.version;
  // Let the check made when watching starts settle first.
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let i = 0; i < 10; i++) {
    writeFile(
      dir,
      'airlock.rego',
      `package airlock\nimport rego.v1\ndecision := {"effect": "deny", "reason": "${i}"}\n`,
    );
  }
  await until('the burst to load', () => engine.version !== v2);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(eventsOf(events, 'policy-loaded').length, 2, 'one load at start, one for the burst');
  t.equal(engine.decide(inputFor('s3:GetObject')).reason, '9');
});

t.test('a policy that does not compile at start is fatal, with file:row:col diagnostics', async (t) => {
  const dir = policyDir(t, { 'airlock.rego': BROKEN });
  const err = await createPolicyEngine({ dir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(err, PolicyRejectedError);
  const rejected = err as PolicyRejectedError;
  t.equal(rejected.code, 'AIRLOCK_ERR_POLICY_REJECTED');
  t.match(rejected.diagnostics[0], new RegExp(`^${join(dir, 'airlock.rego')}:4:1: rego_parse_error: `));
  t.match(rejected.message, /airlock\.rego:4:1: rego_parse_error/);
});

t.test('a policy without airlock/decision is fatal at start', async (t) => {
  const dir = policyDir(t, { 'policy.rego': 'package other\nimport rego.v1\ndecision := {"effect": "allow"}\n' });
  await t.rejects(createPolicyEngine({ dir }), {
    name: 'PolicyRejectedError',
    message: /no rule defines data\.airlock\.decision/,
  });
});

t.test('options that cannot work are refused', async (t) => {
  await t.rejects(createPolicyEngine({ dir: '' }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
  await t.rejects(createPolicyEngine({ dir: 'rego', debounceMs: -1 }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
  await t.rejects(createPolicyEngine({ dir: '/nonexistent/airlock-policy' }), { name: 'PolicyRejectedError' });
});

t.test('an evaluation error is a deny naming the error class', async (t) => {
  const { engine, events } = await startEngine(t, policyDir(t, { 'airlock.rego': CONFLICTING }));
  t.match(engine.decide(inputFor('s3:GetObject', { params: { x: true } })), { effect: 'allow' });

  const decision = engine.decide(inputFor('s3:GetObject', { params: { x: true, y: true } }));
  t.strictSame(decision, {
    effect: 'deny',
    reason: 'denied because the policy failed to evaluate (eval_conflict_error)',
    policyVersion: engine.version,
    releaseCredentials: false,
    failClosed: 'evaluation-error',
  });
  t.match(eventsOf(events, 'evaluation-error'), [
    {
      version: engine.version,
      errorClass: 'eval_conflict_error',
      message: /airlock\.rego:4:\d+: var assignment conflict$/,
    },
  ]);
  t.notMatch(eventsOf(events, 'evaluation-error')[0]?.message, /\n\s+at /, 'no stack trace');
});

t.test('an undefined decision is a fail-closed deny', async (t) => {
  const dir = policyDir(t, { 'airlock.rego': CONFLICTING });
  const { engine, events } = await startEngine(t, dir);
  t.match(engine.decide(inputFor('s3:GetObject')), { effect: 'deny', failClosed: 'undefined' });
  t.equal(eventsOf(events, 'evaluation-error').length, 0, 'undefined is not an error');
});

t.test('per-decision time with the default policy (reported, not asserted)', async (t) => {
  const { engine } = await startEngine(t, defaultPolicyDir(t));
  const inputs = [
    inputFor('s3:GetObject', { environment: 'prod', read_only: true }),
    inputFor('s3:PutObject'),
    inputFor('iam:CreateRole', { environment: 'prod' }),
    inputFor('sts:AssumeRole', { read_only: true }),
    inputFor('dynamodb:DeleteTable', { environment: 'prod' }),
  ];
  for (let i = 0; i < 2000; i++) engine.decide(inputs[i % inputs.length] as PolicyInput);
  const runs = 10_000;
  const samples = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const input = inputs[i % inputs.length] as PolicyInput;
    const started = process.hrtime.bigint();
    engine.decide(input);
    samples[i] = Number(process.hrtime.bigint() - started);
  }
  samples.sort();
  const at = (q: number) => ((samples[Math.floor(runs * q)] ?? 0) / 1000).toFixed(1);
  t.comment(`engine.decide over ${runs} calls: median ${at(0.5)} µs, p99 ${at(0.99)} µs`);
  t.pass('measured');
});

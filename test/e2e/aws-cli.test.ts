import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { type AirlockProcess, awsCliEnvironment, run, startAirlock } from './harness/airlock.js';
import { type Moto, startMoto } from '../harness/moto.js';

// The AWS CLI as an agent: it holds only Airlock-issued keys, trusts only Airlock's CA, and reaches the real AWS
// host names through HTTPS_PROXY. Airlock maps those hosts to moto, which checks every signature with the real key.

let moto: Moto;
let airlock: AirlockProcess;

t.before(async () => {
  moto = await startMoto();
  // Held calls wait one second here, then get the retryable error; test/e2e/approvals.test.ts covers approving.
  airlock = await startAirlock({
    upstream: moto.url,
    credentials: moto.credentials,
    config: { approvals: { hold_seconds: 1 } },
  });
});
t.teardown(async () => {
  await airlock?.stop();
  await moto?.stop();
});

const aws = async (keys: { accessKeyId: string; secretAccessKey: string }, ...args: string[]) =>
  run('aws', args, awsCliEnvironment(airlock, keys));

t.test('an allowed call succeeds and reaches the upstream signed with the real key', async (t) => {
  const keys = await airlock.addAgent('cli-bot', 'alice@example.com', ['ci']);
  t.not(keys.accessKeyId, moto.credentials.accessKeyId, 'the agent never holds the real key');

  const identity = await aws(keys, 'sts', 'get-caller-identity', '--output', 'json');
  t.equal(identity.code, 0, identity.stderr);
  const caller = JSON.parse(identity.stdout) as { Arn: string; Account: string };
  // moto answers with the identity of the key that signed the call it received: the real one, not the agent's.
  t.equal(caller.Arn, 'arn:aws:iam::123456789012:user/airlock');

  const line = await airlock.waitForLog((entry) => entry.msg === 'call' && entry.action === 'sts:GetCallerIdentity');
  t.equal(line.agent, 'cli-bot');
  t.equal(line.decision, 'allow');
  t.equal(line.upstream_status, 200);
  t.type(line.latency_ms, 'number');
});

t.test('S3 through the CLI: make a bucket, copy a file up and down, list the bucket', async (t) => {
  const keys = await airlock.addAgent('s3-bot', 'bob@example.com');
  const file = join(airlock.directory, 'hello.txt');
  writeFileSync(file, 'hello through airlock\n');
  const made = await aws(keys, 's3', 'mb', 's3://airlock-cli-bucket');
  t.equal(made.code, 0, made.stderr);
  const copied = await aws(keys, 's3', 'cp', file, 's3://airlock-cli-bucket/dir/hello.txt');
  t.equal(copied.code, 0, copied.stderr);
  // moto's own signature check fails on a `/` in a query value (`prefix=dir/`) even with no proxy in between, so
  // the listing asks for the whole bucket.
  const listed = await aws(keys, 's3api', 'list-objects-v2', '--bucket', 'airlock-cli-bucket');
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /dir\/hello\.txt/);
  const back = await aws(keys, 's3', 'cp', 's3://airlock-cli-bucket/dir/hello.txt', '-');
  t.equal(back.code, 0, back.stderr);
  t.equal(back.stdout, 'hello through airlock\n');
});

t.test('a denied call fails with the policy reason in the CLI error, and never reaches the upstream', async (t) => {
  const keys = await airlock.addAgent('greedy-bot', 'carol@example.com');
  const before = moto.accessLog.length;
  const denied = await aws(keys, 'sts', 'get-session-token');
  t.not(denied.code, 0);
  t.match(denied.stderr, /AccessDenied/);
  t.match(denied.stderr, /sts:GetSessionToken returns credentials, which agents never receive/);
  t.equal(moto.accessLog.length, before, 'moto saw nothing');
});

t.test('a held call that is not approved in time is answered with the approval and its link', async (t) => {
  const keys = await airlock.addAgent('iam-bot', 'dave@example.com');
  const held = await aws(
    keys,
    'iam',
    'create-role',
    '--role-name',
    'app',
    '--assume-role-policy-document',
    '{"Version":"2012-10-17","Statement":[]}',
  );
  t.not(held.code, 0);
  t.match(held.stderr, /Throttling/, 'a throttling error, which SDKs retry by themselves');
  t.match(held.stderr, /approval apv_\S+, open until \S+: http:\/\/127\.0\.0\.1:\d+\/approvals\/apv_\S+\?token=/);
  t.match(held.stderr, /iam:CreateRole changes who may do what/);
});

t.test('a wrong agent secret fails with SignatureDoesNotMatch and nothing reaches the upstream', async (t) => {
  const keys = await airlock.addAgent('typo-bot', 'erin@example.com');
  const before = moto.accessLog.length;
  const wrong = { accessKeyId: keys.accessKeyId, secretAccessKey: `${keys.secretAccessKey.slice(0, -1)}x` };
  const refused = await aws(wrong, 'sts', 'get-caller-identity');
  t.not(refused.code, 0);
  t.match(refused.stderr, /SignatureDoesNotMatch/);
  const s3 = await aws(wrong, 's3', 'ls');
  t.match(s3.stderr, /SignatureDoesNotMatch/);
  const unknown = await aws(
    { accessKeyId: 'AKALAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) },
    'sts',
    'get-caller-identity',
  );
  t.match(unknown.stderr, /InvalidClientTokenId/);
  t.equal(moto.accessLog.length, before, 'moto saw nothing');
});

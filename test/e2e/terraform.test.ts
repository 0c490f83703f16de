import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { type Moto, startMoto } from '../harness/moto.js';
import { type AgentKeys, type AirlockProcess, type LogLine, run, startAirlock } from './harness/airlock.js';
import { apiCall, type ApprovalView, issueApproverToken, waitForApprovals } from './harness/api.js';
import {
  createStateBucket,
  createTerraformProject,
  disableSignatureChecks,
  readObject,
  type StateLocation,
  type TerraformProject,
} from './harness/terraform.js';

// Real Terraform through Airlock: the S3 backend keeps its state in moto, reached on AWS's own S3 host name.
// fixtures/terraform-policy allows the dev state bucket, holds state writes to the prod one for an SRE, and denies
// writes to the forbidden one. docs/terraform.md describes the same set-up for people.

const POLICY_DIR = resolve(fileURLToPath(new URL('fixtures/terraform-policy', import.meta.url)));
const MAIN = resolve(fileURLToPath(new URL('../../dist/proxy/cli/main.js', import.meta.url)));
const BUCKETS = {
  dev: 'airlock-tfstate-dev',
  prod: 'airlock-tfstate-prod',
  forbidden: 'airlock-tfstate-forbidden',
} as const;
const STATE_KEY = 'network/terraform.tfstate';

let moto: Moto;
let airlock: AirlockProcess;
let keys: AgentKeys;
let sreToken: string;

t.before(async () => {
  moto = await startMoto();
  await disableSignatureChecks(moto);
  for (const bucket of Object.values(BUCKETS)) await createStateBucket(moto, bucket);
  // A held call waits 5 s at Airlock, then gets S3's SlowDown, which Terraform's AWS SDK retries by itself.
  airlock = await startAirlock({
    upstream: moto.url,
    credentials: moto.credentials,
    policyDir: POLICY_DIR,
    config: { approvals: { hold_seconds: 5 } },
  });
  keys = await airlock.addAgent('terraform', 'olivia@example.com', ['ci']);
  sreToken = await issueApproverToken(airlock, 'sam@example.com', ['sre']);
});
t.teardown(async () => {
  await airlock?.stop();
  await moto?.stop();
});

function project(t: Test, state: StateLocation, marker: string): TerraformProject {
  const created = createTerraformProject(airlock, keys, state, marker);
  t.teardown(() => created.remove());
  return created;
}

/** isCallOn tells whether a log line is Airlock's record of one of Terraform's calls on the S3 object. */
function isCallOn(line: LogLine, bucket: string, key: string): boolean {
  return line.msg === 'call' && line.agent === 'terraform' && line.resource === `arn:aws:s3:::${bucket}/${key}`;
}

function callsOn(bucket: string, key: string): LogLine[] {
  return airlock.logs.filter((line) => isCallOn(line, bucket, key));
}

t.test("the policy's own Rego tests pass", async (t) => {
  const tested = await run(process.execPath, [MAIN, 'policy', 'test', POLICY_DIR], { PATH: process.env.PATH });
  t.equal(tested.code, 0, tested.stderr);
  t.match(tested.stdout, /PASS: (\d+)\/\1/);
});

t.test('init and apply succeed against the dev state bucket, and the state lands in it', async (t) => {
  const tf = project(t, { bucket: BUCKETS.dev, key: STATE_KEY }, 'dev-marker');
  const init = await tf.terraform(['init', '-input=false', '-no-color']);
  t.equal(init.code, 0, init.stderr);
  t.match(init.stdout, /Successfully configured the backend "s3"/);

  const apply = await tf.terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
  t.equal(apply.code, 0, apply.stderr);
  t.match(apply.stdout, /Apply complete! Resources: 1 added/);

  const state = await readObject(moto, BUCKETS.dev, STATE_KEY);
  t.ok(state, 'moto has the state object');
  t.match(state, /"terraform_data"/);
  t.match(state, /dev-marker/);
  t.equal(await readObject(moto, BUCKETS.dev, `${STATE_KEY}.tflock`), undefined, 'the lock was released');
  t.ok(
    callsOn(BUCKETS.dev, STATE_KEY).some((line) => line.action === 's3:PutObject' && line.decision === 'allow'),
    'Airlock decoded and allowed the state write',
  );
});

t.test("a state write to the prod bucket waits for an SRE, survives Terraform's retries, and finishes", async (t) => {
  const tf = project(t, { bucket: BUCKETS.prod, key: STATE_KEY }, 'prod-marker');
  const init = await tf.terraform(['init', '-input=false', '-no-color']);
  t.equal(init.code, 0, init.stderr);

  const apply = tf.terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
  const [pending] = await waitForApprovals(airlock, sreToken, { state: 'pending', agent: 'terraform' }, 1);
  t.equal(pending!.call.iam_action, 's3:PutObject');
  t.equal(pending!.call.resource, `arn:aws:s3:::${BUCKETS.prod}/${STATE_KEY}`, 'the state write is held');
  t.equal(pending!.reason, "a change to production's Terraform state");
  t.same(pending!.requirement.groups, ['sre']);
  t.equal(await readObject(moto, BUCKETS.prod, STATE_KEY), undefined, 'nothing reached moto while apply waits');
  t.ok(await readObject(moto, BUCKETS.prod, `${STATE_KEY}.tflock`), 'the lock was taken without asking');

  // The first attempt outlives the hold and gets SlowDown; the approval is given while Terraform retries.
  await airlock.waitForLog((line) => isCallOn(line, BUCKETS.prod, STATE_KEY) && line.hold === 'pending', 30_000);
  const approved = await apiCall(airlock, sreToken, 'POST', `/v1/approvals/${pending!.id}/approve`, {
    comment: 'planned network change',
  });
  t.equal(approved.status, 200);
  t.match(approved.body, { outcome: 'approved' });

  const done = await apply;
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /Apply complete! Resources: 1 added/);
  t.match(await readObject(moto, BUCKETS.prod, STATE_KEY), /prod-marker/, 'moto has the state');
  t.equal(await readObject(moto, BUCKETS.prod, `${STATE_KEY}.tflock`), undefined, 'the lock was released');

  const all = await apiCall(airlock, sreToken, 'GET', '/v1/approvals?agent=terraform');
  t.equal((all.body as { approvals: ApprovalView[] }).approvals.length, 1, 'every retry re-joined the one approval');
  const writes = callsOn(BUCKETS.prod, STATE_KEY).filter((line) => line.action === 's3:PutObject');
  t.ok(writes.length >= 2, `Terraform retried the held write (${writes.length} attempts)`);
  t.equal(writes.at(-1)!.upstream_status, 200, 'the last attempt was forwarded');
});

t.test("a denied write makes Terraform fail with the policy's reason, and nothing reaches moto", async (t) => {
  const tf = project(t, { bucket: BUCKETS.forbidden, key: STATE_KEY }, 'forbidden-marker');
  const init = await tf.terraform(['init', '-input=false', '-no-color']);
  t.equal(init.code, 0, init.stderr);

  const seen = moto.accessLog.length;
  const apply = await tf.terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
  t.not(apply.code, 0);
  // The first write of an apply is the lock file's, so that is the call the policy denies.
  t.match(apply.stderr, /Error acquiring the state lock/);
  t.match(apply.stderr, /AccessDenied/);
  // Terraform wraps its messages at 78 columns.
  t.match(
    apply.stderr.replace(/\s+/g, ' '),
    'Airlock denied s3:PutObject: the airlock-tfstate-forbidden state bucket is frozen; ' +
      'apply from the release pipeline instead',
  );
  const writes = moto.accessLog
    .slice(seen)
    .filter((line) => /"(PUT|POST|DELETE) \/airlock-tfstate-forbidden/.test(line));
  t.same(writes, [], 'moto saw no write');
  t.equal(await readObject(moto, BUCKETS.forbidden, STATE_KEY), undefined, 'no state was written');
});

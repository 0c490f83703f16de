import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { type Moto, startMoto } from '../harness/moto.js';
import {
  type AgentKeys,
  type AirlockProcess,
  awsCliEnvironment,
  type RunResult,
  run,
  startAirlock,
} from './harness/airlock.js';
import { apiCall, type ApprovalView, issueApproverToken, waitForApprovals } from './harness/api.js';

// Human approval end to end: the AWS CLI as the agent, moto as AWS, approvers through Airlock's REST API. The default
// policy holds iam:CreateRole for the `security` group (one approver outside production, two in it).

let moto: Moto;
t.before(async () => {
  moto = await startMoto();
});
t.teardown(async () => {
  await moto?.stop();
});

/** ApproverTokens are the approver API tokens each test issues: three security approvers, the agents' owner, an outsider. */
type ApproverTokens = Record<'grace' | 'heidi' | 'ivan' | 'owner' | 'outsider', string>;

const ROLE_POLICY = '{"Version":"2012-10-17","Statement":[]}';

function createRole(airlock: AirlockProcess, keys: AgentKeys, role: string, env: NodeJS.ProcessEnv = {}) {
  return run(
    'aws',
    ['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', ROLE_POLICY, '--output', 'json'],
    { ...awsCliEnvironment(airlock, keys), ...env },
  );
}

/** roleExists asks moto directly, with the real credentials: what the agent's call did upstream, if anything. */
async function roleExists(role: string): Promise<boolean> {
  const result = await run('aws', ['iam', 'get-role', '--role-name', role, '--endpoint-url', moto.url], {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  });
  return result.code === 0;
}

async function withAirlock(
  t: Test,
  options: { environment?: string; holdSeconds?: number; policyDir?: string } = {},
): Promise<{ airlock: AirlockProcess; tokens: ApproverTokens }> {
  const airlock = await startAirlock({
    upstream: moto.url,
    credentials: moto.credentials,
    environment: options.environment ?? 'dev',
    ...(options.policyDir === undefined ? {} : { policyDir: options.policyDir }),
    config: { approvals: { hold_seconds: options.holdSeconds ?? 30 } },
  });
  t.teardown(() => airlock.stop());
  const tokens: ApproverTokens = {
    grace: await issueApproverToken(airlock, 'grace@example.com', ['security']),
    heidi: await issueApproverToken(airlock, 'heidi@example.com', ['security', 'sre']),
    ivan: await issueApproverToken(airlock, 'ivan@example.com', ['security']),
    owner: await issueApproverToken(airlock, 'olivia@example.com', ['security']),
    outsider: await issueApproverToken(airlock, 'mallory@example.com', ['marketing']),
  };
  return { airlock, tokens };
}

t.test('a held call waits, one approval through the API lets it through, and moto has the role', async (t) => {
  const { airlock, tokens } = await withAirlock(t);
  const keys = await airlock.addAgent('iam-bot', 'olivia@example.com');
  const call = createRole(airlock, keys, 'approved-role');

  const [pending] = await waitForApprovals(airlock, tokens.grace, { state: 'pending', agent: 'iam-bot' }, 1);
  t.equal(pending!.call.iam_action, 'iam:CreateRole');
  t.equal(pending!.agent.owner, 'olivia@example.com');
  t.match(pending!.reason, /iam:CreateRole changes who may do what/);
  t.notOk(await roleExists('approved-role'), 'nothing reached moto while the call waits');

  const ownerVote = await apiCall(airlock, tokens.owner, 'POST', `/v1/approvals/${pending!.id}/approve`, {});
  t.equal(ownerVote.status, 403, "the agent's owner cannot approve, whatever their groups");
  const outsiderVote = await apiCall(airlock, tokens.outsider, 'POST', `/v1/approvals/${pending!.id}/approve`, {});
  t.equal(outsiderVote.status, 403, 'an approver outside the required groups cannot approve');
  const unchanged = await apiCall(airlock, tokens.grace, 'GET', `/v1/approvals/${pending!.id}`);
  t.equal((unchanged.body as ApprovalView).state, 'pending', 'refused votes change nothing');
  t.equal((unchanged.body as ApprovalView).votes.length, 0);

  const approved = await apiCall(airlock, tokens.grace, 'POST', `/v1/approvals/${pending!.id}/approve`, {
    comment: 'expected role for the deploy',
  });
  t.equal(approved.status, 200);
  t.equal((approved.body as { outcome: string }).outcome, 'approved');

  const done = await call;
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /"RoleName": "approved-role"/);
  t.ok(await roleExists('approved-role'), 'moto has the role');

  const used = await apiCall(airlock, tokens.grace, 'GET', `/v1/approvals/${pending!.id}`);
  t.ok((used.body as ApprovalView).used_at, 'the approval is recorded as used');
});

t.test('two approvers are two distinct humans: one person in two groups counts once', async (t) => {
  const { airlock, tokens } = await withAirlock(t, { environment: 'prod' });
  const keys = await airlock.addAgent('prod-bot', 'olivia@example.com');
  const call = createRole(airlock, keys, 'quorum-role');
  const [pending] = await waitForApprovals(airlock, tokens.heidi, { state: 'pending', agent: 'prod-bot' }, 1);
  t.equal(pending!.requirement.min_approvers, 2);

  const first = await apiCall(airlock, tokens.heidi, 'POST', `/v1/approvals/${pending!.id}/approve`, {});
  t.equal(first.status, 200);
  t.match(first.body, { outcome: 'pending', still_needed: 1 });
  const again = await apiCall(airlock, tokens.heidi, 'POST', `/v1/approvals/${pending!.id}/approve`, {});
  t.equal(again.status, 409, 'a second vote by the same human is refused');
  t.notOk(await roleExists('quorum-role'));

  const second = await apiCall(airlock, tokens.ivan, 'POST', `/v1/approvals/${pending!.id}/approve`, {});
  t.equal(second.status, 200);
  t.match(second.body, { outcome: 'approved', still_needed: 0 });
  const done = await call;
  t.equal(done.code, 0, done.stderr);
  t.ok(await roleExists('quorum-role'));
});

t.test('a deny vetoes: the agent gets an access error naming who denied it', async (t) => {
  const { airlock, tokens } = await withAirlock(t, { environment: 'prod' });
  const keys = await airlock.addAgent('veto-bot', 'olivia@example.com');
  const call = createRole(airlock, keys, 'vetoed-role');
  const [pending] = await waitForApprovals(airlock, tokens.grace, { state: 'pending', agent: 'veto-bot' }, 1);
  t.equal((await apiCall(airlock, tokens.grace, 'POST', `/v1/approvals/${pending!.id}/approve`, {})).status, 200);
  const denied = await apiCall(airlock, tokens.ivan, 'POST', `/v1/approvals/${pending!.id}/deny`, {
    comment: 'not during the freeze',
  });
  t.equal(denied.status, 200);
  t.match(denied.body, { outcome: 'denied' });

  const done = await call;
  t.not(done.code, 0);
  t.match(done.stderr, /AccessDenied/);
  t.match(done.stderr, /denied by ivan@example\.com: not during the freeze/);
  t.notOk(await roleExists('vetoed-role'), 'nothing reached moto');
});

t.test('an approval that expires undecided gives the agent a clear error', async (t) => {
  const policyDir = shortTimeoutPolicy(t, 2);
  const { airlock } = await withAirlock(t, { policyDir, holdSeconds: 20 });
  const keys = await airlock.addAgent('late-bot', 'olivia@example.com');
  const done = await createRole(airlock, keys, 'expired-role');
  t.not(done.code, 0);
  t.match(done.stderr, /AccessDenied/);
  t.match(done.stderr, /expired at .* without enough approvals/);
  t.notOk(await roleExists('expired-role'));
});

t.test('a call that outlives the hold time is retried by the CLI and completes after approval', async (t) => {
  const { airlock, tokens } = await withAirlock(t, { holdSeconds: 2 });
  const keys = await airlock.addAgent('patient-bot', 'olivia@example.com');
  // The CLI's own retries (standard mode, up to 10 attempts): each attempt waits up to 2 s at Airlock, then gets a
  // throttling error and backs off.
  const call = createRole(airlock, keys, 'retried-role', { AWS_MAX_ATTEMPTS: '10', AWS_RETRY_MODE: 'standard' });
  await airlock.waitForLog(
    (line) => line.msg === 'call' && line.agent === 'patient-bot' && line.hold === 'pending',
    20_000,
  );
  const [pending] = await waitForApprovals(airlock, tokens.grace, { state: 'pending', agent: 'patient-bot' }, 1);
  t.equal((await apiCall(airlock, tokens.grace, 'POST', `/v1/approvals/${pending!.id}/approve`, {})).status, 200);

  const done: RunResult = await call;
  t.equal(done.code, 0, done.stderr);
  t.ok(await roleExists('retried-role'));
  const all = await apiCall(airlock, tokens.grace, 'GET', '/v1/approvals?agent=patient-bot');
  const approvals = (all.body as { approvals: ApprovalView[] }).approvals;
  t.equal(approvals.length, 1, 'every retry re-joined the one approval');
  const attempts = airlock.logs.filter((line) => line.msg === 'call' && line.agent === 'patient-bot');
  t.ok(attempts.length >= 2, `the CLI retried (${attempts.length} attempts)`);
});

t.test('API calls without a token or with a wrong one are refused and audited', async (t) => {
  const { airlock, tokens } = await withAirlock(t);
  const anonymous = await fetch(`${airlock.apiUrl}/v1/approvals`);
  t.equal(anonymous.status, 401);
  const wrong = await apiCall(airlock, `alt_${'A'.repeat(43)}`, 'GET', '/v1/approvals');
  t.equal(wrong.status, 401);
  const health = await fetch(`${airlock.apiUrl}/v1/health`);
  t.equal(health.status, 200);
  t.equal((await apiCall(airlock, tokens.grace, 'GET', '/v1/approvals')).status, 200);

  const exported = await airlock.cli(['audit', 'export', '--format', 'jsonl']);
  t.equal(exported.code, 0, exported.stderr);
  const refusals = exported.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; data: Record<string, unknown> })
    .filter((record) => record.kind === 'api.refused');
  t.ok(refusals.length >= 2, 'both refusals are in the audit log');
  t.notMatch(exported.stdout, /alt_A{43}/, 'the presented token is not');
});

/** shortTimeoutPolicy writes a policy that holds every write with an approval that expires after `seconds`. */
function shortTimeoutPolicy(t: Test, seconds: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-policy-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'airlock.rego'),
    [
      'package airlock',
      'import rego.v1',
      'decision := {"effect": "allow", "reason": "a read"} if input.call.read_only',
      'decision := {"effect": "hold", "reason": "every write waits", "approval": ' +
        `{"min_approvers": 1, "groups": ["security"], "timeout_seconds": ${seconds}}} if not input.call.read_only`,
      '',
    ].join('\n'),
  );
  return dir;
}

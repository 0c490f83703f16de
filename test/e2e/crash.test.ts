import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { type Moto, startMoto } from '../harness/moto.js';
import { AirlockProxyAgent, type SignedCall, sendSignedCall } from './harness/agent-client.js';
import { type AirlockProcess, startAirlock } from './harness/airlock.js';
import { apiCall, type ApprovalView, issueApproverToken, waitForApprovals } from './harness/api.js';

// Nothing is lost on a crash: 100 held calls, then `kill -9`, then a restart on the same state directory. Every
// approval is still pending and can be approved, the audit log verifies, and editing one of its rows is caught.

const PENDING = 100;

let moto: Moto;
t.before(async () => {
  moto = await startMoto();
});
t.teardown(async () => {
  await moto?.stop();
});

function createRoleCall(role: string): SignedCall {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: role,
    AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
  }).toString();
  return {
    method: 'POST',
    host: 'iam.amazonaws.com',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    service: 'iam',
  };
}

t.test('100 pending approvals survive kill -9, stay approvable, and the audit log verifies', async (t) => {
  const options = {
    upstream: moto.url,
    credentials: moto.credentials,
    config: { approvals: { hold_seconds: 1 } },
  };
  const first: AirlockProcess = await startAirlock(options);
  let second: AirlockProcess | undefined;
  t.teardown(async () => {
    await second?.stop({ keepDirectory: true });
    await first.stop();
  });
  const keys = await first.addAgent('crash-bot', 'olivia@example.com');
  const token = await issueApproverToken(first, 'grace@example.com', ['security']);

  const agent = new AirlockProxyAgent(first, { keepAlive: false });
  const roles = Array.from({ length: PENDING }, (_, index) => `crash-role-${index}`);
  const answers = [];
  // Ten at a time: every call waits out its one-second hold, then is told it is still held.
  for (let start = 0; start < roles.length; start += 10) {
    const batch = roles.slice(start, start + 10).map((role) => sendSignedCall(agent, keys, createRoleCall(role)));
    answers.push(...(await Promise.all(batch)));
  }
  agent.destroy();
  t.ok(
    answers.every((answer) => answer.status === 400 && answer.body.includes('<Code>Throttling</Code>')),
    'every call was held past its hold time and told to retry',
  );
  await waitForApprovals(first, token, { state: 'pending', agent: 'crash-bot' }, PENDING);

  await first.kill();
  second = await startAirlock({ ...options, directory: first.directory });
  const pending = await waitForApprovals(second, token, { state: 'pending', agent: 'crash-bot' }, PENDING);
  t.equal(pending.length, PENDING, 'all 100 approvals are pending after the restart');

  const target = pending.find((approval) => approval.call.params.RoleName === 'crash-role-7');
  t.ok(target, 'the approval shows the call it holds');
  const approved = await apiCall(second, token, 'POST', `/v1/approvals/${target!.id}/approve`, {});
  t.equal(approved.status, 200);
  t.match(approved.body, { outcome: 'approved' });

  // The agent's retry of the same call finds its approval and goes through, once.
  const retryAgent = new AirlockProxyAgent(second, { keepAlive: false });
  const secondKeys = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
  const retried = await sendSignedCall(retryAgent, secondKeys, createRoleCall('crash-role-7'));
  retryAgent.destroy();
  t.equal(retried.status, 200, 'the retry of the approved call goes through');
  const used = await apiCall(second, token, 'GET', `/v1/approvals/${target!.id}`);
  t.ok((used.body as ApprovalView).used_at);

  await second.stop({ keepDirectory: true });
  second = undefined;
  const verified = await first.cli(['audit', 'verify']);
  t.equal(verified.code, 0, verified.stderr);

  // Tampering with one record, as someone with access to the database file could, breaks the chain there.
  const db = new Database(join(first.directory, 'state', 'airlock.db'));
  const victim = db
    .prepare<[], { seq: number }>("SELECT seq FROM audit_records WHERE kind = 'approval.created' LIMIT 1 OFFSET 5")
    .get();
  t.ok(victim, 'the log holds approval records');
  db.prepare<[number]>("UPDATE audit_records SET data = json_set(data, '$.agent', 'someone-else') WHERE seq = ?").run(
    victim!.seq,
  );
  db.close();
  const broken = await first.cli(['audit', 'verify']);
  t.equal(broken.code, 1);
  t.match(broken.stdout + broken.stderr, new RegExp(`\\b${victim!.seq}\\b`), 'verify names the edited record');
});

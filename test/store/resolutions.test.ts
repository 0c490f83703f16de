import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import { openSqliteStore, type NewGrant } from '../../proxy/store/index.js';
import { MIGRATIONS } from '../../proxy/store/sqlite-schema.js';
import { at, fingerprintOf, newApproval, openStore, tempStateDir } from './helpers.js';

t.test('every resolution is numbered, in order, and read back in pages after a number', async (t) => {
  const store = openStore(t);
  t.equal(await store.lastResolutionSeq(), 0, 'nothing resolved yet');
  const [first, second, third] = [newApproval(), newApproval({ fingerprint: fingerprintOf('b') }, 1), newApproval()];
  for (const approval of [first, second]) await store.createOrJoinApproval(approval);
  const start = await store.lastResolutionSeq();

  t.equal(await store.resolveApproval(second.id, 'denied', at(10)), true);
  t.equal(await store.resolveApproval(first.id, 'approved', at(11)), true);
  t.equal(await store.lastResolutionSeq(), start + 2);
  const page = await store.approvalsResolvedAfter(start, 10);
  t.same(
    page.approvals.map((approval) => [approval.id, approval.state]),
    [
      [second.id, 'denied'],
      [first.id, 'approved'],
    ],
    'in resolution order',
  );
  t.equal(page.lastSeq, start + 2);

  const firstOnly = await store.approvalsResolvedAfter(start, 1);
  t.same(
    firstOnly.approvals.map((approval) => approval.id),
    [second.id],
  );
  const rest = await store.approvalsResolvedAfter(firstOnly.lastSeq, 1);
  t.same(
    rest.approvals.map((approval) => approval.id),
    [first.id],
    'the next page starts after the last',
  );
  t.same(await store.approvalsResolvedAfter(page.lastSeq, 10), { approvals: [], lastSeq: page.lastSeq });

  t.equal(await store.resolveApproval(first.id, 'denied', at(12)), false, 'a lost resolution takes no number');
  t.equal(await store.lastResolutionSeq(), start + 2);

  await store.createOrJoinApproval({ ...third, fingerprint: fingerprintOf('c'), createdAt: at(20), expiresAt: at(30) });
  t.same(await store.expireDueApprovals(at(30)), [third.id]);
  const expired = await store.approvalsResolvedAfter(page.lastSeq, 10);
  t.same(
    expired.approvals.map((approval) => [approval.id, approval.state]),
    [[third.id, 'expired']],
    'expiry is a resolution too',
  );

  await t.rejects(store.approvalsResolvedAfter(-1, 10), InvalidArgumentError);
  await t.rejects(store.approvalsResolvedAfter(0, 1001), InvalidArgumentError);
});

t.test('a resolution through another connection is numbered above every one seen before', async (t) => {
  const stateDir = tempStateDir(t);
  const one = openStore(t, { stateDir });
  const two = openStore(t, { stateDir });
  const approval = newApproval();
  await one.createOrJoinApproval(approval);
  const seen = await one.lastResolutionSeq();
  await two.resolveApproval(approval.id, 'approved', at(10));
  const page = await one.approvalsResolvedAfter(seen, 10);
  t.same(
    page.approvals.map((found) => found.id),
    [approval.id],
  );
  t.equal(page.approvals[0]?.votes.length, 0);
});

t.test('getApprovals reads several approvals with their votes, leaving unknown ids out', async (t) => {
  const store = openStore(t);
  const first = newApproval();
  const second = newApproval({ fingerprint: fingerprintOf('b') });
  await store.createOrJoinApproval(first);
  await store.createOrJoinApproval(second);
  await store.recordVote(second.id, { approverId: 'bob', approverGroups: ['sre'], decision: 'approve', at: at(5) });
  const read = await store.getApprovals([second.id, 'apv_unknown', first.id]);
  t.same(read.map((approval) => approval.id).sort(), [first.id, second.id].sort());
  t.equal(read.find((approval) => approval.id === second.id)?.votes.length, 1);
  t.same(await store.getApprovals([]), []);
  await t.rejects(store.getApprovals([1 as unknown as string]), InvalidArgumentError);
});

t.test('latestApprovalFor gives the newest approval for a fingerprint, whatever its state', async (t) => {
  const store = openStore(t);
  const first = newApproval();
  await store.createOrJoinApproval(first);
  await store.resolveApproval(first.id, 'denied', at(10));
  const second = newApproval({}, 20);
  await store.createOrJoinApproval(second);

  t.equal((await store.latestApprovalFor(first.fingerprint, at(15)))?.state, 'denied', 'before the second was made');
  t.equal((await store.latestApprovalFor(first.fingerprint, at(20)))?.id, second.id);
  t.equal(await store.latestApprovalFor(fingerprintOf('never'), at(20)), undefined);
  await t.rejects(store.latestApprovalFor('nope', at(20)), InvalidArgumentError);
});

t.test('nextPendingExpiry gives the earliest expiry of a pending approval', async (t) => {
  const store = openStore(t);
  t.equal(await store.nextPendingExpiry(), undefined);
  const soon = newApproval({ fingerprint: fingerprintOf('soon'), expiresAt: at(60) });
  const later = newApproval({ fingerprint: fingerprintOf('later'), expiresAt: at(120) });
  await store.createOrJoinApproval(later);
  await store.createOrJoinApproval(soon);
  t.equal(await store.nextPendingExpiry(), at(60));
  await store.resolveApproval(soon.id, 'cancelled', at(1));
  t.equal(await store.nextPendingExpiry(), at(120), 'resolved approvals do not count');
});

t.test('listGrants lists newest first, by agent, and only grants in force when asked', async (t) => {
  const store = openStore(t);
  const grant = (id: string, overrides: Partial<NewGrant> = {}): NewGrant => ({
    id,
    agentId: 'deploy-bot',
    iamAction: 'iam:CreateRole',
    resource: 'arn:aws:iam::123456789012:role/app',
    createdBy: 'bob',
    createdAt: at(0),
    expiresAt: at(600),
    uses: 'until-expiry',
    ...overrides,
  });
  await store.createGrant(grant('grt_a'));
  await store.createGrant(grant('grt_b', { createdAt: at(10), uses: 'once' }));
  await store.createGrant(grant('grt_c', { createdAt: at(20), agentId: 'other-bot' }));
  await store.createGrant(grant('grt_d', { createdAt: at(30), expiresAt: at(40) }));
  const ids = async (options: Parameters<typeof store.listGrants>[0]) =>
    (await store.listGrants(options)).map((found) => found.id);

  t.same(await ids({}), ['grt_d', 'grt_c', 'grt_b', 'grt_a']);
  t.same(await ids({ agentId: 'deploy-bot' }), ['grt_d', 'grt_b', 'grt_a']);
  t.same(await ids({ limit: 2 }), ['grt_d', 'grt_c']);
  t.same(await ids({ activeAt: at(35) }), ['grt_d', 'grt_c', 'grt_b', 'grt_a']);
  t.same(await ids({ activeAt: at(40) }), ['grt_c', 'grt_b', 'grt_a'], 'an expired grant is not active');
  t.equal(await store.useGrant('grt_b', at(41)), true);
  t.same(await ids({ activeAt: at(41) }), ['grt_c', 'grt_a'], 'a used once grant is not active');
  t.same(await ids({ activeAt: at(5) }), ['grt_a'], 'nor one not yet created');
  await t.rejects(store.listGrants({ limit: 0 }), InvalidArgumentError);
  await t.rejects(store.listGrants({ activeAt: 'now' }), InvalidArgumentError);
});

t.test('migrating a version 1 database numbers its resolved approvals in resolution order', async (t) => {
  const stateDir = tempStateDir(t);
  mkdirSync(stateDir, { mode: 0o700 });
  const file = join(stateDir, 'airlock.db');
  closeSync(openSync(file, 'wx', 0o600));
  const raw = new Database(file);
  raw.exec(MIGRATIONS[0]?.sql ?? '');
  raw.pragma('user_version = 1');
  const insert = raw.prepare<[string, string, string, number | null]>(`
    INSERT INTO approvals (id, fingerprint, agent_id, agent_owner, call, reason, min_approvers, approver_groups,
                           timeout_seconds, state, created_at, expires_at, resolved_at)
    VALUES (?, ?, 'deploy-bot', 'alice@example.com', '{}', 'why', 1, '[]', 900, ?, 0, 900000, ?)`);
  insert.run('apv_late', fingerprintOf('late'), 'approved', 500);
  insert.run('apv_early', fingerprintOf('early'), 'denied', 100);
  insert.run('apv_open', fingerprintOf('open'), 'pending', null);
  raw.close();

  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  t.equal(await store.lastResolutionSeq(), 2);
  t.same(
    (await store.approvalsResolvedAfter(0, 10)).approvals.map((approval) => approval.id),
    ['apv_early', 'apv_late'],
  );
  await store.resolveApproval('apv_open', 'cancelled', new Date(1000).toISOString());
  t.same(
    (await store.approvalsResolvedAfter(2, 10)).approvals.map((approval) => approval.id),
    ['apv_open'],
  );
});

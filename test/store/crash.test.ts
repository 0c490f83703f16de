import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { AuditRecord } from '../../proxy/audit/audit-storage.js';
import { openSqliteStore, STORE_FILE } from '../../proxy/store/index.js';
import { at, auditRecord, tempStateDir } from './helpers.js';
import { startFixture } from './fixture-process.js';

const COUNT = 100;
const WAIT_MS = 60_000;

/** committedLines are the child's `committed <id> <seq>` lines, parsed. */
function committedLines(lines: readonly string[]): { id: string; seq: number }[] {
  return lines
    .filter((line) => line.startsWith('committed '))
    .map((line) => {
      const [, id = '', seq = ''] = line.split(' ');
      return { id, seq: Number(seq) };
    });
}

/**
 * checkSurvivors reopens the store a killed writer left and checks that every approval and audit record it reported
 * committed is there, that the approvals are pending and approvable, and that the log goes on without a gap.
 */
async function checkSurvivors(t: Test, stateDir: string, reported: { id: string; seq: number }[]): Promise<void> {
  t.ok(existsSync(join(stateDir, `${STORE_FILE}-wal`)), 'the killed writer left its WAL behind for recovery');
  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());

  const approvals = await store.listApprovals({ limit: 1000 });
  const byId = new Map(approvals.map((approval) => [approval.id, approval]));
  const missing = reported.filter(({ id }) => byId.get(id)?.state !== 'pending');
  t.same(missing, [], `all ${reported.length} reported approvals are there and pending`);
  t.ok(
    approvals.every((approval) => approval.state === 'pending'),
    'no approval is in any other state',
  );

  const records: AuditRecord[] = [];
  for await (const record of store.auditRecords(1)) {
    records.push(record);
  }
  t.ok(records.length >= reported.length, 'every reported audit record is there');
  t.ok(
    records.every((record, index) => record.seq === index + 1),
    'the log has no gap',
  );
  t.ok(
    approvals.length === records.length || approvals.length === records.length + 1,
    'at most the one approval being written when the kill came lacks its audit record',
  );
  t.same(
    records.slice(0, reported.length).map((record) => record.data['approval']),
    reported.map(({ id }) => id),
  );

  for (const { id } of reported) {
    if (!(await store.resolveApproval(id, 'approved', at(COUNT + 10)))) {
      t.fail(`${id} could not be approved`);
    }
  }
  t.pass('every reported approval can be approved');
  await store.appendAuditRecords([auditRecord(records.length + 1)]);
  t.equal((await store.lastAuditRecord())?.seq, records.length + 1, 'the log goes on after the crash');
}

t.test('kill -9 in the middle of writing loses nothing that was reported committed', async (t) => {
  const stateDir = tempStateDir(t);
  const writer = startFixture(t, 'crash-writer.ts', [stateDir, String(COUNT)]);
  await writer.waitForLine((line) => line.startsWith(`committed apv_crash_049 `), WAIT_MS);
  writer.child.kill('SIGKILL');
  const { signal } = await writer.exited(WAIT_MS);
  t.equal(signal, 'SIGKILL');
  const reported = committedLines(writer.lines);
  t.ok(reported.length >= 50 && reported.length < COUNT, `killed mid-loop, after ${reported.length} commits`);
  await checkSurvivors(t, stateDir, reported);
});

t.test('kill -9 right after the last commit loses nothing: all 100 pending approvals survive', async (t) => {
  const stateDir = tempStateDir(t);
  const writer = startFixture(t, 'crash-writer.ts', [stateDir, String(COUNT)]);
  await writer.waitForLine((line) => line === 'done', WAIT_MS);
  writer.child.kill('SIGKILL');
  t.equal((await writer.exited(WAIT_MS)).signal, 'SIGKILL');
  const reported = committedLines(writer.lines);
  t.equal(reported.length, COUNT);
  await checkSurvivors(t, stateDir, reported);
});

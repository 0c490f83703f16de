import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { AuditRecord } from '../../proxy/audit/audit-storage.js';
import { AuditSequenceError, InvalidArgumentError, StoreError, StoreVersionError } from '../../proxy/core/errors.js';
import { openSqliteStore, SCHEMA_VERSION, STORE_FILE, type Store } from '../../proxy/store/index.js';
import { at, auditRecord, fingerprintOf, newApproval, openStore, tempStateDir } from './helpers.js';

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

async function collect(records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for await (const record of records) {
    all.push(record);
  }
  return all;
}

/** snapshot reads everything a store holds through its API. */
async function snapshot(store: Store) {
  return {
    approvals: await store.listApprovals({ limit: 1000 }),
    grant: await store.getGrant('grt_1'),
    token: await store.findApproverTokenByHash(fingerprintOf('token'), at(0)),
    records: await collect(store.auditRecords(1)),
    checkpoints: await store.auditCheckpoints(),
  };
}

/** fill writes one of everything, in several states. */
async function fill(store: Store): Promise<void> {
  for (let index = 0; index < 5; index += 1) {
    await store.createOrJoinApproval(
      newApproval({ id: `apv_${index}`, fingerprint: fingerprintOf(`${index}`) }, index),
    );
  }
  await store.recordVote('apv_0', { approverId: 'oidc|bob', approverGroups: ['sre'], decision: 'approve', at: at(9) });
  await store.resolveApproval('apv_0', 'approved', at(10));
  await store.markApprovalUsed('apv_0', at(11));
  await store.resolveApproval('apv_1', 'denied', at(10));
  await store.createGrant({
    id: 'grt_1',
    approvalId: 'apv_0',
    agentId: 'deploy-bot',
    iamAction: 'iam:CreateRole',
    resource: 'arn:aws:iam::123456789012:role/app',
    createdBy: 'oidc|bob',
    createdAt: at(10),
    expiresAt: at(610),
    uses: 'until-expiry',
  });
  await store.useGrant('grt_1', at(20));
  await store.putApproverToken({
    id: 'tok_1',
    tokenHash: fingerprintOf('token'),
    approverId: 'bob@example.com',
    groups: ['sre'],
    createdAt: at(0),
  });
  for (let seq = 1; seq <= 3; seq += 1) {
    await store.appendAuditRecords([auditRecord(seq)]);
  }
  await store.appendAuditCheckpoint({ seq: 3, hash: fingerprintOf('record 3'), at: at(3), signature: 'c2ln' });
}

t.test('opening creates the state directory 0700 and airlock.db 0600, in WAL mode at the schema version', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  await store.createOrJoinApproval(newApproval());
  const file = join(stateDir, STORE_FILE);
  t.equal(mode(stateDir), 0o700);
  t.equal(mode(file), 0o600);
  t.equal(mode(`${file}-wal`), 0o600, 'the WAL takes the database file’s mode');
  t.equal(mode(`${file}-shm`), 0o600);

  const raw = new Database(file, { readonly: true });
  t.teardown(() => raw.close());
  t.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.equal(SCHEMA_VERSION, 2);
});

t.test('a database file can be named outright', async (t) => {
  const directory = tempStateDir(t);
  mkdirSync(directory);
  const file = join(directory, 'elsewhere.sqlite');
  const store = openStore(t, { file });
  await store.createOrJoinApproval(newApproval());
  t.ok(existsSync(file));
  t.equal(mode(file), 0o600);
});

t.test('reopening after close keeps everything', async (t) => {
  const stateDir = tempStateDir(t);
  const first = openSqliteStore({ stateDir });
  await fill(first);
  const before = await snapshot(first);
  await first.close();

  const reopened = openStore(t, { stateDir });
  t.same(await snapshot(reopened), before);
  t.equal(before.approvals.length, 5);
  t.equal(before.records.length, 3);
  t.equal(before.grant?.useCount, 1);
  t.ok(before.token);
});

t.test('two stores on one file see each other’s writes at once', async (t) => {
  const stateDir = tempStateDir(t);
  const serve = openStore(t, { stateDir });
  const cli = openStore(t, { stateDir });

  const created = await serve.createOrJoinApproval(newApproval());
  const retry = await cli.createOrJoinApproval(newApproval({}, 30));
  t.equal(retry.joined, true, 'a retry through the other store joins');
  t.equal(retry.approval.id, created.approval.id);

  await cli.recordVote(created.approval.id, {
    approverId: 'oidc|bob',
    approverGroups: ['sre'],
    decision: 'approve',
    at: at(40),
  });
  t.equal((await serve.getApproval(created.approval.id))?.votes.length, 1, 'the CLI’s vote is seen by serve');
  t.equal(await cli.resolveApproval(created.approval.id, 'approved', at(41)), true);
  t.equal(await serve.resolveApproval(created.approval.id, 'denied', at(41)), false, 'the first resolution wins');
  t.equal(await serve.markApprovalUsed(created.approval.id, at(42)), true);
  t.equal(await cli.markApprovalUsed(created.approval.id, at(42)), false, 'used once across stores');

  await serve.appendAuditRecords([auditRecord(1)]);
  await cli.appendAuditRecords([auditRecord(2)]);
  await t.rejects(serve.appendAuditRecords([auditRecord(2)]), AuditSequenceError, 'seq is checked against the file');
  t.equal((await serve.lastAuditRecord())?.seq, 2);
});

t.test('a database from a newer Airlock is refused and left untouched', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openSqliteStore({ stateDir });
  await fill(store);
  await store.close();
  const file = join(stateDir, STORE_FILE);
  const raw = new Database(file);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();

  const refused = (() => {
    try {
      return openSqliteStore({ stateDir });
    } catch (error) {
      return error;
    }
  })();
  t.type(refused, StoreVersionError);
  t.type(refused, StoreError, 'a StoreVersionError is a StoreError');
  t.match((refused as Error).message, `schema version ${SCHEMA_VERSION + 1}`);
  t.match((refused as Error).message, 'newer Airlock');

  const after = new Database(file, { readonly: true });
  t.teardown(() => after.close());
  t.equal(after.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1, 'not downgraded');
  t.equal(after.prepare<[], { n: number }>('SELECT count(*) AS n FROM approvals').get()?.n, 5, 'its data kept');
});

t.test('unsafe or unusable files are refused', async (t) => {
  const stateDir = tempStateDir(t);
  await openSqliteStore({ stateDir }).close();
  const file = join(stateDir, STORE_FILE);
  chmodSync(file, 0o644);
  t.throws(() => openSqliteStore({ stateDir }), StoreError, 'readable by others');
  chmodSync(file, 0o660);
  t.throws(() => openSqliteStore({ stateDir }), StoreError, 'writable by the group');

  const garbage = join(tempStateDir(t), 'garbage.db');
  mkdirSync(join(garbage, '..'));
  writeFileSync(garbage, 'this is not a database, it is just long enough to have a header', { mode: 0o600 });
  t.throws(() => openSqliteStore({ file: garbage }), StoreError, 'not a database');

  t.throws(() => openSqliteStore({ stateDir }, { busyTimeoutMs: -1 }), InvalidArgumentError);
});

t.test('a closed store refuses every call', async (t) => {
  const store = openSqliteStore({ stateDir: tempStateDir(t) });
  await store.close();
  await store.close();
  await t.rejects(store.getApproval('apv_1'), StoreError);
  await t.rejects(store.createOrJoinApproval(newApproval()), StoreError);
  await t.rejects(store.appendAuditRecords([auditRecord(1)]), StoreError);
  await t.rejects(collect(store.auditRecords(1)), StoreError);
});

t.test('the schema itself keeps resolved approvals, single use and the audit sequence', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openSqliteStore({ stateDir });
  await fill(store);
  await store.close();
  const raw = new Database(join(stateDir, STORE_FILE));
  t.teardown(() => raw.close());
  const cases: { note: string; sql: string }[] = [
    { note: 'an approved approval back to pending', sql: "UPDATE approvals SET state = 'pending' WHERE id = 'apv_0'" },
    { note: 'a denied approval to approved', sql: "UPDATE approvals SET state = 'approved' WHERE id = 'apv_1'" },
    { note: 'a used approval used again', sql: "UPDATE approvals SET used_at = 99 WHERE id = 'apv_0'" },
    { note: 'a used approval made unused', sql: "UPDATE approvals SET used_at = NULL WHERE id = 'apv_0'" },
    { note: 'a pending approval used', sql: "UPDATE approvals SET used_at = 99 WHERE id = 'apv_2'" },
    { note: 'a gap in the audit log', sql: insertAudit(5) },
    { note: 'a repeated audit seq', sql: insertAudit(3) },
    { note: 'a once grant used twice', sql: "UPDATE grants SET uses = 'once', use_count = 2 WHERE id = 'grt_1'" },
    { note: 'call that is not JSON', sql: "UPDATE approvals SET call = '{' WHERE id = 'apv_2'" },
  ];
  for (const { note, sql } of cases) {
    t.throws(() => raw.exec(sql), note);
  }
  t.doesNotThrow(() => raw.exec(insertAudit(4)), 'the next seq is accepted');
});

function insertAudit(seq: number): string {
  const hash = fingerprintOf(`${seq}`);
  return `INSERT INTO audit_records VALUES (${seq}, '${at(seq)}', 'decision', '{}', '${hash}', '${hash}')`;
}

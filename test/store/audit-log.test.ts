import t from 'tap';
import type { AuditCheckpoint, AuditRecord } from '../../proxy/audit/audit-storage.js';
import { AuditSequenceError, InvalidArgumentError, StoreConflictError } from '../../proxy/core/errors.js';
import type { Store } from '../../proxy/store/index.js';
import { at, auditRecord, fingerprintOf, openStore } from './helpers.js';

async function collect(records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for await (const record of records) {
    all.push(record);
  }
  return all;
}

async function appendRecords(store: Store, count: number): Promise<void> {
  for (let seq = 1; seq <= count; seq += 1) {
    await store.appendAuditRecord(auditRecord(seq));
  }
}

t.test('audit records read back exactly as appended', async (t) => {
  const store = openStore(t);
  t.equal(await store.lastAuditRecord(), undefined, 'an empty log');
  const first = auditRecord(1, {
    agent: 'deploy-bot',
    call: { action: 'iam:CreateRole', params: { b: 2, a: [1, null] } },
  });
  await store.appendAuditRecord(first);
  const second = { ...auditRecord(2), kind: 'approval.created', at: '2026-11-21T03:00:02.007Z' };
  await store.appendAuditRecord(second);
  t.same(await store.lastAuditRecord(), second);
  const read = await collect(store.auditRecords(1));
  t.same(read, [first, second]);
  t.equal(JSON.stringify(read[0]?.data), JSON.stringify(first.data), 'data keeps its key order');
  t.equal(read[1]?.at, second.at, 'at is the text that was appended');
});

t.test('an audit record that leaves a gap or repeats a seq is refused', async (t) => {
  const store = openStore(t);
  await t.rejects(store.appendAuditRecord(auditRecord(2)), AuditSequenceError, 'the first record is 1');
  await appendRecords(store, 3);
  await t.rejects(store.appendAuditRecord(auditRecord(3)), AuditSequenceError, 'a duplicate');
  await t.rejects(store.appendAuditRecord(auditRecord(2)), AuditSequenceError, 'going back');
  await t.rejects(store.appendAuditRecord(auditRecord(5)), AuditSequenceError, 'a gap');
  t.equal((await store.lastAuditRecord())?.seq, 3);
  await store.appendAuditRecord(auditRecord(4));
  t.same(
    (await collect(store.auditRecords(1))).map((record) => record.seq),
    [1, 2, 3, 4],
  );
});

t.test('malformed audit records are refused before anything is written', async (t) => {
  const store = openStore(t);
  const cases: { note: string; record: AuditRecord }[] = [
    { note: 'seq zero', record: { ...auditRecord(1), seq: 0 } },
    { note: 'seq not an integer', record: { ...auditRecord(1), seq: 1.5 } },
    { note: 'at not ISO', record: { ...auditRecord(1), at: 'yesterday' } },
    { note: 'empty kind', record: { ...auditRecord(1), kind: '' } },
    { note: 'data not an object', record: { ...auditRecord(1), data: [] as unknown as AuditRecord['data'] } },
    { note: 'hash not hex', record: { ...auditRecord(1), hash: 'z'.repeat(64) } },
    { note: 'prevHash too short', record: { ...auditRecord(1), prevHash: '00' } },
  ];
  for (const { note, record } of cases) {
    await t.rejects(store.appendAuditRecord(record), InvalidArgumentError, note);
  }
  t.equal(await store.lastAuditRecord(), undefined);
});

t.test('auditRecords yields in seq order from fromSeq, across pages', async (t) => {
  const store = openStore(t);
  // More than two of the store's 500-record pages, and not a multiple of one.
  await appendRecords(store, 1203);
  const all = await collect(store.auditRecords(1));
  t.equal(all.length, 1203);
  t.ok(
    all.every((record, index) => record.seq === index + 1),
    'every seq, in order',
  );
  t.same(
    (await collect(store.auditRecords(1000))).map((record) => record.seq),
    Array.from({ length: 204 }, (_, index) => 1000 + index),
  );
  t.same(await collect(store.auditRecords(1204)), [], 'past the end');
  t.equal((await collect(store.auditRecords(0))).length, 1203, 'from 0 means from the start');
});

t.test('a reader sees records appended while it iterates, and the writer is not blocked', async (t) => {
  const store = openStore(t);
  await appendRecords(store, 600);
  const seen: number[] = [];
  for await (const record of store.auditRecords(1)) {
    seen.push(record.seq);
    if (record.seq === 10) {
      await store.appendAuditRecord(auditRecord(601));
    }
  }
  t.equal(seen.length, 601, 'the record appended mid-iteration is read on a later page');
});

t.test('checkpoints are stored once per seq and listed in order', async (t) => {
  const store = openStore(t);
  const checkpoint = (seq: number): AuditCheckpoint => ({
    seq,
    hash: fingerprintOf(`record ${seq}`),
    at: at(seq),
    signature: Buffer.from(`signature ${seq}`).toString('base64'),
  });
  t.same(await store.auditCheckpoints(), []);
  await store.appendAuditCheckpoint(checkpoint(200));
  await store.appendAuditCheckpoint(checkpoint(100));
  t.same(await store.auditCheckpoints(), [checkpoint(100), checkpoint(200)]);
  await t.rejects(store.appendAuditCheckpoint({ ...checkpoint(100), signature: 'b3RoZXI=' }), StoreConflictError);
  await t.rejects(store.appendAuditCheckpoint({ ...checkpoint(300), signature: '' }), InvalidArgumentError);
  t.same(await store.auditCheckpoints(), [checkpoint(100), checkpoint(200)], 'the first checkpoint at 100 stands');
});

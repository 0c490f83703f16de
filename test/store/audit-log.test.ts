import t from 'tap';
import { AuditLog, verifyAuditLog } from '../../proxy/audit/index.js';
import type { AuditCheckpoint, AuditRecord, AuditStorage } from '../../proxy/audit/audit-storage.js';
import { AuditSequenceError, InvalidArgumentError, StoreConflictError } from '../../proxy/core/errors.js';
import type { Store } from '../../proxy/store/index.js';
import { testAuditKeys } from '../audit/helpers.js';
import { at, auditRecord, fingerprintOf, openStore, tempStateDir } from './helpers.js';

async function collect(records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for await (const record of records) {
    all.push(record);
  }
  return all;
}

async function appendRecords(store: Store, count: number): Promise<void> {
  for (let seq = 1; seq <= count; seq += 1) {
    await store.appendAuditRecords([auditRecord(seq)]);
  }
}

t.test('audit records read back exactly as appended', async (t) => {
  const store = openStore(t);
  t.equal(await store.lastAuditRecord(), undefined, 'an empty log');
  const first = auditRecord(1, {
    agent: 'deploy-bot',
    call: { action: 'iam:CreateRole', params: { b: 2, a: [1, null] } },
  });
  await store.appendAuditRecords([first]);
  const second = { ...auditRecord(2), kind: 'approval.created', at: '2026-11-21T03:00:02.007Z' };
  await store.appendAuditRecords([second]);
  t.same(await store.lastAuditRecord(), second);
  const read = await collect(store.auditRecords(1));
  t.same(read, [first, second]);
  t.equal(JSON.stringify(read[0]?.data), JSON.stringify(first.data), 'data keeps its key order');
  t.equal(read[1]?.at, second.at, 'at is the text that was appended');
});

t.test('an audit record that leaves a gap or repeats a seq is refused', async (t) => {
  const store = openStore(t);
  await t.rejects(store.appendAuditRecords([auditRecord(2)]), AuditSequenceError, 'the first record is 1');
  await appendRecords(store, 3);
  await t.rejects(store.appendAuditRecords([auditRecord(3)]), AuditSequenceError, 'a duplicate');
  await t.rejects(store.appendAuditRecords([auditRecord(2)]), AuditSequenceError, 'going back');
  await t.rejects(store.appendAuditRecords([auditRecord(5)]), AuditSequenceError, 'a gap');
  t.equal((await store.lastAuditRecord())?.seq, 3);
  await store.appendAuditRecords([auditRecord(4)]);
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
    await t.rejects(store.appendAuditRecords([record]), InvalidArgumentError, note);
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
      await store.appendAuditRecords([auditRecord(601)]);
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

t.test('a batch of audit records is appended whole, in one step', async (t) => {
  const store = openStore(t);
  await store.appendAuditRecords([]);
  t.equal(await store.lastAuditRecord(), undefined, 'an empty batch writes nothing');
  const batch = [1, 2, 3, 4].map((seq) => auditRecord(seq));
  await store.appendAuditRecords(batch);
  t.same(await collect(store.auditRecords(1)), batch);
  await store.appendAuditRecords([auditRecord(5), auditRecord(6)]);
  t.equal((await store.lastAuditRecord())?.seq, 6, 'the next batch follows the head');
});

t.test('a batch with any record out of place, or malformed, writes nothing', async (t) => {
  const store = openStore(t);
  await appendRecords(store, 2);
  const cases: {
    note: string;
    records: AuditRecord[];
    error: typeof AuditSequenceError | typeof InvalidArgumentError;
  }[] = [
    { note: 'first not the next', records: [auditRecord(4), auditRecord(5)], error: AuditSequenceError },
    { note: 'first repeats the head', records: [auditRecord(2), auditRecord(3)], error: AuditSequenceError },
    { note: 'a gap inside', records: [auditRecord(3), auditRecord(4), auditRecord(6)], error: AuditSequenceError },
    { note: 'a repeat inside', records: [auditRecord(3), auditRecord(3)], error: AuditSequenceError },
    {
      note: 'a malformed record last',
      records: [auditRecord(3), { ...auditRecord(4), hash: 'nope' }],
      error: InvalidArgumentError,
    },
  ];
  for (const { note, records, error } of cases) {
    await t.rejects(store.appendAuditRecords(records), error, note);
  }
  await t.rejects(
    store.appendAuditRecords(Array.from({ length: 10_001 }, (_, index) => auditRecord(index + 3))),
    InvalidArgumentError,
    'more than 10,000 at once',
  );
  t.same(
    (await collect(store.auditRecords(1))).map((record) => record.seq),
    [1, 2],
    'nothing of a refused batch was stored',
  );
});

t.test('two AuditLogs on one file, as two processes, append concurrently into one valid chain', async (t) => {
  const stateDir = tempStateDir(t);
  const keys = testAuditKeys();
  const stores = [openStore(t, { stateDir }), openStore(t, { stateDir })];
  const writes: number[] = [];
  let lostRaces = 0;
  const logs = await Promise.all(
    stores.map((store) => {
      const counted: AuditStorage = {
        appendAuditRecords: async (records) => {
          writes.push(records.length);
          return store.appendAuditRecords(records).catch((error: unknown) => {
            if (error instanceof AuditSequenceError) lostRaces += 1;
            throw error;
          });
        },
        lastAuditRecord: () => store.lastAuditRecord(),
        auditRecords: (fromSeq) => store.auditRecords(fromSeq),
        appendAuditCheckpoint: (checkpoint) => store.appendAuditCheckpoint(checkpoint),
        auditCheckpoints: () => store.auditCheckpoints(),
      };
      return AuditLog.open(counted, { ...keys, checkpointEvery: 50 });
    }),
  );
  const perWriter = 300;
  const appended = await Promise.all(
    logs.flatMap((log, writer) =>
      Array.from({ length: perWriter }, (_, index) => log.append('decision', { writer, index })),
    ),
  );
  await Promise.all(logs.map((log) => log.close()));

  const stored = await collect(stores[0]!.auditRecords(1));
  t.same(
    stored.map((record) => record.seq),
    Array.from({ length: 2 * perWriter }, (_, index) => index + 1),
  );
  t.same(
    stored,
    [...appended].sort((a, b) => a.seq - b.seq),
    'what each append resolved with is what is stored',
  );
  for (const writer of [0, 1]) {
    t.same(
      stored.filter((record) => record.data['writer'] === writer).map((record) => record.data['index']),
      Array.from({ length: perWriter }, (_, index) => index),
      `writer ${writer}'s records are all there, in its order`,
    );
  }
  t.ok(lostRaces > 0, 'a log lost the race for the next seq, and re-chained its batch');
  t.ok(writes.length < 2 * perWriter, `${2 * perWriter} appends in ${writes.length} writes, lost races included`);
  t.same(await verifyAuditLog(stores[1]!, keys), { ok: true, records: 2 * perWriter, checkpoints: 12 });
});

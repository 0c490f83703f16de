import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { auditRecordHash, signAuditCheckpoint } from '../../proxy/audit/audit-chain.js';
import { type AuditFault, verifyAuditLog } from '../../proxy/audit/index.js';
import { type TestAuditKeys, testAuditKeys, writeLog } from './helpers.js';
import { MemoryAuditStorage } from './memory-audit-storage.js';

// One log of 1,000 records (checkpoints at every 100th) that each case below copies and tampers with.
const { storage: pristine, keys } = await writeLog(1_000);

t.test('a chain of 1,000 records with 10 checkpoints verifies', async (t) => {
  t.same(await verifyAuditLog(pristine, keys), { ok: true, records: 1_000, checkpoints: 10 });
});

t.test('an empty log verifies', async (t) => {
  t.same(await verifyAuditLog(new MemoryAuditStorage(), keys), { ok: true, records: 0, checkpoints: 0 });
});

/** Tampering is one change to a copy of the pristine log, and what verify must say about it. */
interface Tampering {
  readonly note: string;
  readonly tamper: (storage: MemoryAuditStorage, keys: TestAuditKeys) => void;
  readonly seq: number;
  readonly reason: AuditFault;
}

const tamperings: Tampering[] = [
  {
    note: 'editing one record’s data',
    tamper: (s) => edit(s, 500, { data: { ...record(s, 500).data, agent: 'someone-else' } }),
    seq: 500,
    reason: 'hash-mismatch',
  },
  { note: 'editing a kind', tamper: (s) => edit(s, 1, { kind: 'decision' }), seq: 1, reason: 'hash-mismatch' },
  {
    note: 'editing a time by one millisecond',
    tamper: (s) => edit(s, 1_000, { at: record(s, 1_000).at.replace('.000Z', '.001Z') }),
    seq: 1_000,
    reason: 'hash-mismatch',
  },
  { note: 'editing a hash', tamper: (s) => edit(s, 250, { hash: 'f'.repeat(64) }), seq: 250, reason: 'hash-mismatch' },
  {
    note: 'editing a prevHash',
    tamper: (s) => edit(s, 10, { prevHash: '0'.repeat(64) }),
    seq: 10,
    reason: 'hash-mismatch',
  },
  {
    note: 'adding a field to data',
    tamper: (s) => edit(s, 77, { data: { ...record(s, 77).data, extra: null } }),
    seq: 77,
    reason: 'hash-mismatch',
  },
  { note: 'deleting a record in the middle', tamper: (s) => s.records.splice(499, 1), seq: 500, reason: 'gap' },
  { note: 'deleting the first record', tamper: (s) => s.records.shift(), seq: 1, reason: 'gap' },
  {
    note: 'renumbering two records to swap them',
    tamper: (s) => {
      const [a, b] = [record(s, 300), record(s, 301)];
      s.records[299] = { ...b, seq: 300 };
      s.records[300] = { ...a, seq: 301 };
    },
    seq: 300,
    reason: 'hash-mismatch',
  },
  {
    note: 'storage returning two records in the wrong order',
    tamper: (s) => s.records.splice(299, 2, record(s, 301), record(s, 300)),
    seq: 300,
    reason: 'gap',
  },
  {
    note: 'a record repeated',
    tamper: (s) => s.records.splice(42, 0, record(s, 42)),
    seq: 42,
    reason: 'out-of-order',
  },
  {
    note: 'a valid record from another chain spliced in',
    tamper: (s, k) => {
      const fields = { ...record(s, 600), data: { spliced: true }, prevHash: 'a'.repeat(64) };
      s.records[599] = { ...fields, hash: auditRecordHash(k.hmacKey, fields) };
    },
    seq: 600,
    reason: 'broken-link',
  },
  {
    note: 'a field of the wrong type',
    tamper: (s) => edit(s, 3, { seq: '3' as unknown as number }),
    seq: 3,
    reason: 'malformed',
  },
  { note: 'truncating after a checkpoint', tamper: (s) => s.records.splice(950), seq: 951, reason: 'truncated' },
  {
    note: 'truncating everything',
    tamper: (s) => s.records.splice(0),
    seq: 1,
    reason: 'truncated',
  },
  {
    note: 'a forged checkpoint signature',
    tamper: (s) => {
      const checkpoint = s.checkpoints[4]!;
      const signature = Buffer.from(checkpoint.signature, 'base64');
      signature[0]! ^= 1;
      s.checkpoints[4] = { ...checkpoint, signature: signature.toString('base64') };
    },
    seq: 500,
    reason: 'bad-checkpoint-signature',
  },
  {
    note: 'a checkpoint signed with another key',
    tamper: (s) => {
      s.checkpoints[1] = signAuditCheckpoint(generateKeyPairSync('ed25519').privateKey, record(s, 200), 'now');
    },
    seq: 200,
    reason: 'bad-checkpoint-signature',
  },
  {
    note: 'a checkpoint’s time edited',
    tamper: (s) => (s.checkpoints[2] = { ...s.checkpoints[2]!, at: '2020-01-01T00:00:00.000Z' }),
    seq: 300,
    reason: 'bad-checkpoint-signature',
  },
  {
    note: 'a forged checkpoint past the end',
    tamper: (s) => s.checkpoints.push({ ...s.checkpoints[0]!, seq: 5_000 }),
    seq: 5_000,
    reason: 'bad-checkpoint-signature',
  },
  {
    note: 'a tail rewritten with the HMAC key (caught at the next checkpoint)',
    tamper: (s, k) => {
      for (let seq = 550; seq <= 1_000; seq++) {
        const fields = { ...record(s, seq), prevHash: record(s, seq - 1).hash };
        if (seq === 550) fields.data = { rewritten: true };
        s.records[seq - 1] = { ...fields, hash: auditRecordHash(k.hmacKey, fields) };
      }
    },
    seq: 600,
    reason: 'checkpoint-mismatch',
  },
];

t.test('each kind of tampering is detected and names the first bad entry', async (t) => {
  for (const { note, tamper, seq, reason } of tamperings) {
    const storage = pristine.clone();
    tamper(storage, keys);
    const result = await verifyAuditLog(storage, keys);
    t.match(result, { ok: false, firstBad: { seq, reason, message: new RegExp(`record ${seq}\\b`) } }, note);
  }
});

t.test('a wrong HMAC key fails at seq 1', async (t) => {
  t.match(await verifyAuditLog(pristine, { ...keys, hmacKey: testAuditKeys().hmacKey }), {
    ok: false,
    firstBad: { seq: 1, reason: 'hash-mismatch' },
  });
});

t.test('a wrong signing public key fails at the first checkpoint', async (t) => {
  t.match(await verifyAuditLog(pristine, { ...keys, signingPublicKey: testAuditKeys().signingPublicKey }), {
    ok: false,
    firstBad: { seq: 100, reason: 'bad-checkpoint-signature' },
  });
});

t.test('the first bad entry is the lowest, whatever was tampered with first', async (t) => {
  const storage = pristine.clone();
  edit(storage, 900, { kind: 'edited' });
  edit(storage, 20, { kind: 'edited' });
  storage.records.splice(950);
  t.match(await verifyAuditLog(storage, keys), { ok: false, firstBad: { seq: 20 } });
});

t.test('limits: deleting the tail together with its checkpoints passes, as the README says', async (t) => {
  const storage = pristine.clone();
  storage.records.splice(950);
  storage.checkpoints.splice(9);
  t.same(await verifyAuditLog(storage, keys), { ok: true, records: 950, checkpoints: 9 });
});

function record(storage: MemoryAuditStorage, seq: number) {
  const found = storage.records[seq - 1];
  if (found?.seq !== seq) throw new Error(`test setup: record ${seq} is not at index ${seq - 1}`);
  return found;
}

function edit(storage: MemoryAuditStorage, seq: number, change: Partial<ReturnType<typeof record>>): void {
  storage.records[seq - 1] = { ...record(storage, seq), ...change };
}

import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { AUDIT_REDACTED, type AuditRecord, AuditLog, verifyAuditLog } from '../../proxy/audit/index.js';
import { AuditDataError, AuditLogError, InvalidArgumentError } from '../../proxy/core/errors.js';
import { steppingClock, testAuditKeys, writeLog } from './helpers.js';
import { MemoryAuditStorage } from './memory-audit-storage.js';

const ZEROS = '0'.repeat(64);

t.test('append chains records from seq 1 and stores what it returns', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, { ...testAuditKeys(), now: steppingClock() });
  const first = await log.append('approval.created', { approvalId: 'a1', agent: 'deploy-bot' });
  const second = await log.append('approval.vote', { approvalId: 'a1', by: 'bob@example.com', vote: 'approve' });
  const third = await log.append('forwarded', { status: 200 }, new Date('2030-01-02T03:04:05.678Z'));

  t.match(first, { seq: 1, at: '2026-11-21T03:00:00.000Z', kind: 'approval.created', prevHash: ZEROS });
  t.match(first.hash, /^[0-9a-f]{64}$/);
  t.match(second, { seq: 2, at: '2026-11-21T03:00:01.000Z', prevHash: first.hash });
  t.match(third, { seq: 3, at: '2030-01-02T03:04:05.678Z', prevHash: second.hash });
  t.same(storage.records, [first, second, third], 'storage holds exactly the returned records');
  t.not(first.hash, second.hash);
});

t.test('append copies the data, so later changes by the caller do not reach the log', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const data = { params: { RoleName: 'app' }, list: [1] };
  const record = await log.append('decision', data);
  data.params.RoleName = 'changed';
  data.list.push(2);
  t.same(record.data, { list: [1], params: { RoleName: 'app' } });
  t.same(storage.records[0]?.data, { list: [1], params: { RoleName: 'app' } });
});

t.test('signs a checkpoint every N records and of the head on close, once', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, { ...testAuditKeys(), checkpointEvery: 10 });
  for (let index = 0; index < 25; index++) await log.append('decision', { index });
  t.same(
    storage.checkpoints.map((checkpoint) => checkpoint.seq),
    [10, 20],
  );
  t.equal(storage.checkpoints[0]?.hash, storage.records[9]?.hash, 'a checkpoint carries the hash of its record');
  t.match(storage.checkpoints[0]?.signature, /^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature');
  await log.close();
  await log.close();
  t.same(
    storage.checkpoints.map((checkpoint) => checkpoint.seq),
    [10, 20, 25],
    'close signs the head, and closing twice does not sign it twice',
  );
  await t.rejects(log.append('decision', {}), { constructor: AuditLogError, reason: 'closed', message: /closed/ });

  const exact = new MemoryAuditStorage();
  const exactLog = await AuditLog.open(exact, { ...testAuditKeys(), checkpointEvery: 5 });
  for (let index = 0; index < 5; index++) await exactLog.append('decision', { index });
  await exactLog.close();
  t.same(
    exact.checkpoints.map((checkpoint) => checkpoint.seq),
    [5],
    'a head already checkpointed is not signed again',
  );

  const empty = new MemoryAuditStorage();
  await (await AuditLog.open(empty, testAuditKeys())).close();
  t.same(empty.checkpoints, [], 'an empty log has nothing to sign');
});

t.test('close writes the appends already queued, then signs the head', async (t) => {
  for (const asynchronous of [false, true]) {
    const storage = new MemoryAuditStorage({ asynchronous });
    const log = await AuditLog.open(storage, { ...testAuditKeys(), maxBatchRecords: 8 });
    const appends = Array.from({ length: 20 }, (_, index) => log.append('decision', { index }));
    const closed = log.close();
    await t.rejects(log.append('decision', {}), {
      constructor: AuditLogError,
      reason: 'closed',
      message: /closed/,
    });
    await closed;
    t.equal(storage.records.length, 20, `all written before close resolves (asynchronous: ${asynchronous})`);
    t.equal((await Promise.all(appends)).length, 20);
    t.same(
      storage.checkpoints.map((checkpoint) => checkpoint.seq),
      [20],
    );
  }
});

t.test('concurrent appends from many async callers keep seq contiguous', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage({ asynchronous: true });
  const log = await AuditLog.open(storage, keys);
  const records = await Promise.all(Array.from({ length: 500 }, (_, caller) => log.append('decision', { caller })));
  await log.close();
  t.same(
    storage.records.map((record) => record.seq),
    Array.from({ length: 500 }, (_, index) => index + 1),
  );
  t.same(new Set(records.map((record) => record.seq)).size, 500, 'every caller got its own seq');
  t.same(
    records.map((record) => record.data['caller']),
    Array.from({ length: 500 }, (_, caller) => caller),
    'queued in call order',
  );
  t.same(await verifyAuditLog(storage, keys), { ok: true, records: 500, checkpoints: 5 });
});

t.test('several logs on one storage, as several processes, retry lost races and stay contiguous', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage({ asynchronous: true });
  const writers = await Promise.all([1, 2, 3].map(() => AuditLog.open(storage, { ...keys, checkpointEvery: 50 })));
  await Promise.all(
    writers.flatMap((log, writer) =>
      Array.from({ length: 100 }, (_, index) => log.append('decision', { writer, index })),
    ),
  );
  await Promise.all(writers.map((log) => log.close()));
  t.same(
    storage.records.map((record) => record.seq),
    Array.from({ length: 300 }, (_, index) => index + 1),
  );
  for (const writer of [0, 1, 2]) {
    t.same(
      storage.records.filter((record) => record.data['writer'] === writer).map((record) => record.data['index']),
      Array.from({ length: 100 }, (_, index) => index),
      `writer ${writer}'s records are all there, in its order`,
    );
  }
  t.match(await verifyAuditLog(storage, keys), { ok: true, records: 300 });
});

t.test('logs closing at the same head leave one checkpoint and no error', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage({ asynchronous: true });
  const [first, second] = await Promise.all([AuditLog.open(storage, keys), AuditLog.open(storage, keys)]);
  await first!.append('decision', { from: 'first' });
  await second!.append('decision', { from: 'second' });
  await Promise.all([first!.close(), second!.close()]);
  t.same(
    storage.checkpoints.map((checkpoint) => checkpoint.seq),
    [2],
  );
  t.match(await verifyAuditLog(storage, keys), { ok: true, records: 2, checkpoints: 1 });
});

t.test(
  'a checkpoint the storage refuses for another reason fails the append, though the record is stored',
  async (t) => {
    const storage = new MemoryAuditStorage();
    const log = await AuditLog.open(storage, { ...testAuditKeys(), checkpointEvery: 2 });
    storage.appendAuditCheckpoint = async () => {
      throw new Error('disk full');
    };
    await log.append('decision', { n: 1 });
    await t.rejects(log.append('decision', { n: 2 }), { message: 'disk full' });
    t.equal(storage.records.length, 2);
  },
);

t.test('a writer that keeps losing the race gives up after maxAppendAttempts', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const stale = await AuditLog.open(storage, { ...keys, maxAppendAttempts: 1 });
  const other = await AuditLog.open(storage, keys);
  await other.append('decision', { from: 'other' });
  await t.rejects(stale.append('decision', { from: 'stale' }), {
    constructor: AuditLogError,
    reason: 'contended',
    message: /record 1 could not be appended/,
  });
  t.equal(storage.records.length, 1);

  const patient = await AuditLog.open(storage, keys);
  await other.append('decision', { from: 'other' });
  const record = await patient.append('decision', { from: 'patient' });
  t.equal(record.seq, 3, 'with attempts left, it re-reads the head and appends after it');
  t.equal(record.prevHash, storage.records[1]?.hash);
});

t.test(
  'a storage failure that is not a race rejects every append of the batch as is, and the next works',
  async (t) => {
    const keys = testAuditKeys();
    const storage = new MemoryAuditStorage();
    const log = await AuditLog.open(storage, keys);
    const append = storage.appendAuditRecords.bind(storage);
    let calls = 0;
    storage.appendAuditRecords = async () => {
      calls += 1;
      throw new Error('disk full');
    };
    const failed = await Promise.allSettled([1, 2, 3].map((n) => log.append('decision', { n })));
    t.same(
      failed.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : outcome.status)),
      ['disk full', 'disk full', 'disk full'],
    );
    t.equal(calls, 1, 'the three were one write');
    storage.appendAuditRecords = append;
    t.equal((await log.append('decision', { n: 4 })).seq, 1, 'the next append takes the seq the failed ones did not');
    t.same(await verifyAuditLog(storage, keys), { ok: true, records: 1, checkpoints: 0 });
  },
);

t.test('a write that landed though the storage reported an error counts as written', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const append = storage.appendAuditRecords.bind(storage);
  storage.appendAuditRecords = async (records: readonly AuditRecord[]) => {
    await append(records);
    throw new Error('connection reset after commit');
  };
  const records = await Promise.all([1, 2].map((n) => log.append('decision', { n })));
  t.same(
    records.map((record) => record.seq),
    [1, 2],
  );
  t.equal(storage.records.length, 2, 'not appended twice');
});

t.test('a landed write is recognised even when another writer has appended after it', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, keys);
  const other = await AuditLog.open(storage, keys);
  const append = storage.appendAuditRecords.bind(storage);
  let interrupted = false;
  storage.appendAuditRecords = async (records: readonly AuditRecord[]) => {
    await append(records);
    if (interrupted) return;
    interrupted = true;
    storage.appendAuditRecords = append;
    await other.append('decision', { from: 'other' });
    throw new Error('connection reset after commit');
  };
  const records = await Promise.all([1, 2].map((n) => log.append('decision', { n })));
  t.same(
    records.map((record) => record.seq),
    [1, 2],
  );
  t.same(
    storage.records.map((record) => record.data),
    [{ n: 1 }, { n: 2 }, { from: 'other' }],
    'not appended again after the other writer',
  );
  t.match(await verifyAuditLog(storage, keys), { ok: true, records: 3 });
});

t.test('appends made in one turn are written together, in order, in batches of at most maxBatchRecords', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, { ...keys, maxBatchRecords: 40, checkpointEvery: 25 });
  const batches: number[][] = [];
  const append = storage.appendAuditRecords.bind(storage);
  storage.appendAuditRecords = async (records: readonly AuditRecord[]) => {
    batches.push(records.map((record) => record.seq));
    return append(records);
  };
  const records = await Promise.all(Array.from({ length: 100 }, (_, caller) => log.append('decision', { caller })));
  t.same(
    batches.map((batch) => batch.length),
    [40, 40, 20],
  );
  t.same(
    batches.flat(),
    Array.from({ length: 100 }, (_, index) => index + 1),
    'batches follow one another',
  );
  t.same(
    records.map((record) => record.data['caller']),
    Array.from({ length: 100 }, (_, caller) => caller),
    'seq in call order',
  );
  t.same(
    storage.checkpoints.map((checkpoint) => checkpoint.seq),
    [25, 50, 75, 100],
    'a checkpoint for each multiple of checkpointEvery, inside batches and at their ends',
  );
  t.same(await verifyAuditLog(storage, keys), { ok: true, records: 100, checkpoints: 4 });
});

t.test('appends made while a batch is being written form the next batch', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage({ asynchronous: true });
  const log = await AuditLog.open(storage, keys);
  let calls = 0;
  const append = storage.appendAuditRecords.bind(storage);
  storage.appendAuditRecords = async (records: readonly AuditRecord[]) => {
    calls += 1;
    return append(records);
  };
  const callers = 20;
  const perCaller = 25;
  // Each caller appends its next record as soon as the last resolves, so appends keep arriving during writes.
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let index = 0; index < perCaller; index++) await log.append('decision', { caller, index });
    }),
  );
  await log.close();
  t.ok(calls <= perCaller + 1, `${callers * perCaller} appends in ${calls} writes`);
  for (let caller = 0; caller < callers; caller++) {
    const own = storage.records.filter((record) => record.data['caller'] === caller);
    if (!own.every((record, index) => record.data['index'] === index)) t.fail(`caller ${caller}'s order`);
  }
  t.same(await verifyAuditLog(storage, keys), { ok: true, records: callers * perCaller, checkpoints: 5 });
});

t.test('a record refused at append does not reach or fail the batch it would have joined', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, keys);
  const good = log.append('decision', { n: 1 });
  const refused = log.append('decision', { Password: 'hunter2' });
  const alsoGood = log.append('decision', { n: 2 });
  await t.rejects(refused, AuditDataError);
  t.same(
    (await Promise.all([good, alsoGood])).map((record) => record.seq),
    [1, 2],
  );
  t.equal(storage.records.length, 2);
});

t.test('a batch that keeps losing the race rejects all its appends with one contended error', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const stale = await AuditLog.open(storage, { ...keys, maxAppendAttempts: 1 });
  await (await AuditLog.open(storage, keys)).append('decision', { from: 'other' });
  const outcomes = await Promise.allSettled([1, 2, 3].map((n) => stale.append('decision', { n })));
  const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
  t.match(reasons[0], { constructor: AuditLogError, reason: 'contended', message: /records 1 to 3 could not/ });
  t.ok(
    reasons.every((reason) => reason === reasons[0]),
    'the same error for each',
  );
  t.equal((await stale.append('decision', { n: 4 })).seq, 2, 'the next batch starts from the head it lost to');
});

t.test('secret-looking data is refused and nothing is appended', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const cases: Array<{ note: string; data: Record<string, unknown>; path: string }> = [
    {
      note: 'a password parameter',
      data: { params: { UserName: 'u', Password: 'hunter2' } },
      path: 'data.params.Password',
    },
    {
      note: 'credentials in a response',
      data: { response: { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't' } } },
      path: 'data.response.Credentials.SecretAccessKey',
    },
    {
      note: 'a header list',
      data: { headers: [{ authorization: 'AWS4-HMAC-SHA256 …' }] },
      path: 'data.headers[0].authorization',
    },
    { note: 'a bare token', data: { token: 'abc' }, path: 'data.token' },
    { note: 'a client secret', data: { oidc: { client_secret: 'x' } }, path: 'data.oidc.client_secret' },
  ];
  for (const { note, data, path } of cases) {
    await t.rejects(log.append('decision', data), { constructor: AuditDataError, path, message: /secret/ }, note);
  }
  t.equal(storage.records.length, 0);

  const redacted = await log.append('decision', {
    params: { UserName: 'u', Password: AUDIT_REDACTED },
    NextToken: 'p2',
  });
  t.equal(redacted.seq, 1, 'a redacted secret and a pagination token are fine');
});

t.test('append refuses malformed kinds, times and data', async (t) => {
  const log = await AuditLog.open(new MemoryAuditStorage(), testAuditKeys());
  for (const kind of ['', 'Decision', 'approval created', '.x', 'x.', 'a'.repeat(65), 'ok\n']) {
    await t.rejects(log.append(kind, {}), InvalidArgumentError, JSON.stringify(kind));
  }
  await t.rejects(log.append('decision', {}, new Date(NaN)), InvalidArgumentError, 'an invalid Date');
  await t.rejects(log.append('decision', { when: new Date() }), {
    constructor: AuditDataError,
    path: 'data.when',
    message: /Date/,
  });
  await t.rejects(log.append('decision', { ratio: NaN }), {
    constructor: AuditDataError,
    path: 'data.ratio',
    message: /NaN/,
  });
  await t.rejects(log.append('decision', [] as unknown as Record<string, unknown>), AuditDataError, 'an array');
  for (const kind of ['decision', 'approval.created', 'grant.used', 'approval.vote-cast', 'a_b.c1']) {
    await log.append(kind, {});
  }
  t.pass('well-formed kinds are accepted');
});

t.test('reopening continues the chain where it ended', async (t) => {
  const { storage, keys } = await writeLog(5);
  const log = await AuditLog.open(storage, keys);
  const record = await log.append('decision', { after: 'restart' });
  await log.close();
  t.equal(record.seq, 6);
  t.equal(record.prevHash, storage.records[4]?.hash);
  t.match(await verifyAuditLog(storage, keys), { ok: true, records: 6 });
});

t.test('open refuses a log it cannot verify rather than extend it', async (t) => {
  const { storage, keys } = await writeLog(250);
  await t.rejects(AuditLog.open(storage, { ...keys, hmacKey: testAuditKeys().hmacKey }), {
    constructor: AuditLogError,
    reason: 'unverified-head',
    message: /record 250, the newest, does not verify/,
  });
  await t.rejects(
    AuditLog.open(storage, { ...keys, signingKey: testAuditKeys().signingKey }),
    { constructor: AuditLogError, reason: 'unverified-head', message: /checkpoint at record 250/ },
    'a changed signing key',
  );
  const edited = storage.clone();
  edited.records[249] = { ...edited.records[249]!, data: { edited: true } };
  await t.rejects(AuditLog.open(edited, keys), { reason: 'unverified-head', message: /record 250/ }, 'an edited head');
  const truncated = storage.clone();
  truncated.records.length = 240;
  await t.rejects(
    AuditLog.open(truncated, keys),
    { reason: 'unverified-head', message: /ends at record 240 but a checkpoint signed record 250/ },
    'a log shorter than its newest checkpoint',
  );
});

t.test('open validates its options', async (t) => {
  const keys = testAuditKeys();
  const storage = new MemoryAuditStorage();
  const cases: Array<{ note: string; options: Parameters<typeof AuditLog.open>[1]; message: RegExp }> = [
    { note: 'checkpointEvery 0', options: { ...keys, checkpointEvery: 0 }, message: /checkpointEvery/ },
    { note: 'checkpointEvery 1.5', options: { ...keys, checkpointEvery: 1.5 }, message: /checkpointEvery/ },
    { note: 'maxAppendAttempts 0', options: { ...keys, maxAppendAttempts: 0 }, message: /maxAppendAttempts/ },
    { note: 'a public key to sign', options: { ...keys, signingKey: keys.signingPublicKey }, message: /Ed25519/ },
    {
      note: 'an EC key to sign',
      options: { ...keys, signingKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey },
      message: /Ed25519/,
    },
    { note: 'a private key as HMAC key', options: { ...keys, hmacKey: keys.signingKey }, message: /hmacKey/ },
  ];
  for (const { note, options, message } of cases) {
    await t.rejects(AuditLog.open(storage, options), { constructor: InvalidArgumentError, message }, note);
  }
});

t.test('figure: appends per second to the in-memory storage', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const data = {
    agent: 'deploy-bot',
    action: 'iam:CreateRole',
    params: { RoleName: 'app', Path: '/' },
    effect: 'hold',
  };
  const count = 5_000;
  const started = performance.now();
  for (let index = 0; index < count; index++) await log.append('decision', data);
  const seconds = (performance.now() - started) / 1000;
  t.comment(`${count} appends in ${(seconds * 1000).toFixed(0)} ms: ${Math.round(count / seconds)} appends/s`);
  t.equal(storage.records.length, count);
});

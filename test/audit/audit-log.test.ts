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

t.test('close waits for appends already queued', async (t) => {
  const storage = new MemoryAuditStorage({ asynchronous: true });
  const log = await AuditLog.open(storage, testAuditKeys());
  const appends = Array.from({ length: 20 }, (_, index) => log.append('decision', { index }));
  await log.close();
  t.equal((await Promise.all(appends)).length, 20);
  t.same(
    storage.checkpoints.map((checkpoint) => checkpoint.seq),
    [20],
  );
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

t.test('a storage failure that is not a race is reported as is, and the queue goes on', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const append = storage.appendAuditRecord.bind(storage);
  storage.appendAuditRecord = async () => {
    throw new Error('disk full');
  };
  await t.rejects(log.append('decision', { n: 1 }), { message: 'disk full' });
  storage.appendAuditRecord = append;
  t.equal((await log.append('decision', { n: 2 })).seq, 1, 'the next append takes the seq the failed one did not');
});

t.test('a write that landed though the storage reported an error counts as written', async (t) => {
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, testAuditKeys());
  const append = storage.appendAuditRecord.bind(storage);
  storage.appendAuditRecord = async (record: AuditRecord) => {
    await append(record);
    throw new Error('connection reset after commit');
  };
  const record = await log.append('decision', { n: 1 });
  t.equal(record.seq, 1);
  t.equal(storage.records.length, 1, 'not appended twice');
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

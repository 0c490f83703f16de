import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { AuditLog, loadAuditKeys } from '../../proxy/audit/index.js';
import { auditCommand } from '../../proxy/cli/audit.js';
import type { Environment } from '../../proxy/cli/command-io.js';
import { openSqliteStore, STORE_FILE } from '../../proxy/store/index.js';
import { captureIo, tempDir, writeConfig } from './helpers.js';

async function audit(config: string, args: string[], env: Environment = {}) {
  const captured = captureIo(env);
  const code = await auditCommand([...args, '--config', config], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** writeRecords appends `count` records through AuditLog to the store in `stateDir`, signing a checkpoint every 4. */
async function writeRecords(stateDir: string, count: number): Promise<void> {
  const store = openSqliteStore({ stateDir });
  const keys = loadAuditKeys(stateDir, { env: {}, mayCreate: true });
  const log = await AuditLog.open(store, { ...keys, checkpointEvery: 4 });
  for (let index = 1; index <= count; index++) {
    await log.append('decision', { agent: 'deploy-bot', action: 'iam:CreateRole', effect: 'hold', call: index });
  }
  await log.close();
  await store.close();
}

/** setup writes a config and a log of `count` records, closed (so its head is checkpointed). */
async function setup(t: Test, count: number): Promise<{ file: string; stateDir: string; dir: string }> {
  const dir = tempDir(t);
  const { file, stateDir } = writeConfig(dir);
  await writeRecords(stateDir, count);
  return { file, stateDir, dir };
}

function editDatabase(stateDir: string, sql: string, seq: number): void {
  const db = new Database(join(stateDir, STORE_FILE));
  try {
    db.prepare<[number]>(sql).run(seq);
  } finally {
    db.close();
  }
}

t.test('audit verify passes on an intact log and says how far checkpoints reach', async (t) => {
  const { file } = await setup(t, 6);
  const result = await audit(file, ['verify']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, 'audit log verified: 6 records, last checkpoint at seq 6\n');
});

t.test('audit verify names the edited record and exits 1', async (t) => {
  const { file, stateDir } = await setup(t, 6);
  editDatabase(stateDir, "UPDATE audit_records SET data = json_set(data, '$.effect', 'allow') WHERE seq = ?", 3);
  const result = await audit(file, ['verify']);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.match(
    result.stderr,
    /^airlock audit: audit log is NOT intact: first bad entry at seq 3 \(hash-mismatch\): record 3 /,
  );
  t.equal(result.stderr.trim().split('\n').length, 1);
});

t.test('audit verify names a deleted record', async (t) => {
  const { file, stateDir } = await setup(t, 6);
  editDatabase(stateDir, 'DELETE FROM audit_records WHERE seq = ?', 2);
  const result = await audit(file, ['verify']);
  t.equal(result.code, 1);
  t.match(result.stderr, /first bad entry at seq 2 \(gap\)/);
});

t.test('audit verify with another HMAC key fails at the first record', async (t) => {
  const { file } = await setup(t, 3);
  const result = await audit(file, ['verify'], { AIRLOCK_AUDIT_KEY: randomBytes(32).toString('base64') });
  t.equal(result.code, 1);
  t.match(result.stderr, /first bad entry at seq 1 \(hash-mismatch\)/);
});

t.test("audit verify --public-key checks checkpoints against the auditor's own copy of the key", async (t) => {
  const { file, stateDir, dir } = await setup(t, 5);
  const printed = await audit(file, ['public-key']);
  t.equal(printed.code, 0, printed.stderr);
  t.equal(printed.stdout, loadAuditKeys(stateDir, { env: {}, mayCreate: false }).signingPublicKeyPem);
  t.match(printed.stdout, /^-----BEGIN PUBLIC KEY-----\n/);
  t.notMatch(printed.stdout, /PRIVATE/);
  writeFileSync(join(dir, 'genuine.pem'), printed.stdout);
  const passed = await audit(file, ['verify', '--public-key', join(dir, 'genuine.pem')]);
  t.equal(passed.code, 0, passed.stderr);
  t.equal(passed.stdout, 'audit log verified: 5 records, last checkpoint at seq 5\n');

  const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(dir, 'other.pem'), other);
  const failed = await audit(file, ['verify', '--public-key', join(dir, 'other.pem')]);
  t.equal(failed.code, 1);
  t.match(failed.stderr, /first bad entry at seq 4 \(bad-checkpoint-signature\)/);

  writeFileSync(join(dir, 'junk.pem'), 'not a key');
  const junk = await audit(file, ['verify', '--public-key', join(dir, 'junk.pem')]);
  t.equal(junk.code, 1);
  t.match(junk.stderr, /^airlock audit: the audit signing public key is not a PEM public key\n$/);
});

t.test('audit verify reports records after the last checkpoint', async (t) => {
  const dir = tempDir(t);
  const { file, stateDir } = writeConfig(dir);
  const store = openSqliteStore({ stateDir });
  const log = await AuditLog.open(store, {
    ...loadAuditKeys(stateDir, { env: {}, mayCreate: true }),
    checkpointEvery: 4,
  });
  for (let index = 1; index <= 6; index++) await log.append('decision', { call: index });
  // Not closed: as after a crash, records 5 and 6 are signed by no checkpoint.
  const result = await audit(file, ['verify']);
  await store.close();
  t.equal(result.code, 0, result.stderr);
  t.equal(
    result.stdout,
    'audit log verified: 6 records, last checkpoint at seq 4 (2 later records are not yet checkpointed)\n',
  );
});

t.test('audit verify, export and public-key refuse a missing state without creating one', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  for (const args of [['verify'], ['export']]) {
    const result = await audit(file, args);
    t.equal(result.code, 1);
    t.match(result.stderr, /^airlock audit: no audit log: .*airlock\.db does not exist/);
  }
  const noKey = await audit(file, ['public-key']);
  t.equal(noKey.code, 1);
  t.match(noKey.stderr, /^airlock audit: no audit signing key: .*audit-signing\.key does not exist/);
  t.notOk(existsSync(stateDir));
});

t.test('audit verify of an empty store passes without needing keys', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  await openSqliteStore({ stateDir }).close();
  const result = await audit(file, ['verify']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, 'audit log verified: 0 records, no checkpoint yet\n');
  t.notOk(existsSync(join(stateDir, 'audit.key')), 'no key was created');
});

t.test('audit export writes every record as one JSON line, to stdout or to a file', async (t) => {
  const { file, dir } = await setup(t, 5);
  const result = await audit(file, ['export', '--format', 'jsonl']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  const records = lines.map((line) => JSON.parse(line) as { seq: number; kind: string; data: { call: number } });
  t.same(
    records.map((record) => record.seq),
    [1, 2, 3, 4, 5],
  );
  t.same(
    records.map((record) => record.data.call),
    [1, 2, 3, 4, 5],
  );
  t.ok(records.every((record) => record.kind === 'decision'));

  const output = join(dir, 'audit.jsonl');
  const toFile = await audit(file, ['export', '--output', output]);
  t.equal(toFile.code, 0, toFile.stderr);
  t.equal(toFile.stdout, '', 'nothing on stdout');
  t.equal(toFile.stderr, `exported 5 audit records to ${output}\n`);
  t.equal(readFileSync(output, 'utf8'), result.stdout, 'the file holds the same lines');
  t.equal(statSync(output).mode & 0o077, 0, 'only the owner may read it');
});

t.test('audit usage errors exit 2', async (t) => {
  const { file, dir } = await setup(t, 1);
  const cases: Array<{ note: string; args: string[]; want: RegExp }> = [
    { note: 'unknown format', args: ['export', '--format', 'csv'], want: /--format must be jsonl, not csv/ },
    { note: 'unknown verb', args: ['check'], want: /unknown command audit check/ },
    { note: 'unknown flag', args: ['verify', '--fix'], want: /Unknown option '--fix'/ },
  ];
  for (const { note, args, want } of cases) {
    const result = await audit(file, args);
    t.equal(result.code, 2, note);
    t.match(result.stderr, want, note);
  }
  const unwritable = await audit(file, ['export', '--output', join(dir, 'missing-dir', 'audit.jsonl')]);
  t.equal(unwritable.code, 1);
  t.match(unwritable.stderr, /^airlock audit: ENOENT/);
});

import { execFile } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import {
  AUDIT_KEY_ENV,
  AUDIT_KEY_FILE,
  AUDIT_SIGNING_KEY_FILE,
  AuditLog,
  loadAuditKeys,
  readAuditSigningPublicKey,
  verifyAuditLog,
} from '../../proxy/audit/index.js';
import { AuditKeyError } from '../../proxy/core/errors.js';
import { tempStateDir } from './helpers.js';
import { MemoryAuditStorage } from './memory-audit-storage.js';

const NO_KEY_ENV: Readonly<Record<string, string | undefined>> = {};

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

t.test('creates both key files 0600 in a 0700 state directory', async (t) => {
  const stateDir = tempStateDir(t);
  const keys = loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true });
  t.equal(mode(stateDir), 0o700);
  t.equal(mode(join(stateDir, AUDIT_KEY_FILE)), 0o600);
  t.equal(mode(join(stateDir, AUDIT_SIGNING_KEY_FILE)), 0o600);
  t.equal(statSync(join(stateDir, AUDIT_KEY_FILE)).size, 32);
  t.match(readFileSync(join(stateDir, AUDIT_SIGNING_KEY_FILE), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  t.equal(keys.hmacKeySource, join(stateDir, AUDIT_KEY_FILE));
  t.equal(keys.signingKey.asymmetricKeyType, 'ed25519');
  t.match(keys.signingPublicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
});

t.test('reuses the key files on restart', async (t) => {
  const stateDir = tempStateDir(t);
  const first = loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true });
  const again = loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: false });
  t.ok(first.hmacKey.equals(again.hmacKey), 'same HMAC key');
  t.equal(again.signingPublicKeyPem, first.signingPublicKeyPem, 'same signing key');

  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, first);
  await log.append('decision', { n: 1 });
  await log.close();
  const reopened = await AuditLog.open(storage, again);
  await reopened.append('decision', { n: 2 });
  await reopened.close();
  t.match(await verifyAuditLog(storage, again), { ok: true, records: 2, checkpoints: 2 });
});

t.test('an auditor verifies checkpoints with the public PEM alone', async (t) => {
  const keys = loadAuditKeys(tempStateDir(t), { env: NO_KEY_ENV, mayCreate: true });
  const storage = new MemoryAuditStorage();
  const log = await AuditLog.open(storage, keys);
  await log.append('decision', { n: 1 });
  await log.close();
  const signingPublicKey = readAuditSigningPublicKey(keys.signingPublicKeyPem);
  t.same(await verifyAuditLog(storage, { hmacKey: keys.hmacKey, signingPublicKey }), {
    ok: true,
    records: 1,
    checkpoints: 1,
  });
  t.throws(() => readAuditSigningPublicKey('not a key'), AuditKeyError);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
  t.throws(() => readAuditSigningPublicKey(rsa.toString()), {
    constructor: AuditKeyError,
    message: /rsa, not Ed25519/,
  });
});

t.test('refuses key files that group or others can read', async (t) => {
  for (const file of [AUDIT_KEY_FILE, AUDIT_SIGNING_KEY_FILE]) {
    for (const exposed of [0o644, 0o640, 0o604]) {
      const stateDir = tempStateDir(t);
      loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true });
      chmodSync(join(stateDir, file), exposed);
      t.throws(
        () => loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true }),
        { constructor: AuditKeyError, message: /can be read by group or others/ },
        `${file} mode ${exposed.toString(8)}`,
      );
    }
  }
});

t.test('refuses key files that are not keys, or not files', async (t) => {
  const cases: Array<{ note: string; setUp: (stateDir: string) => void; message: RegExp }> = [
    {
      note: 'a short audit.key',
      setUp: (dir) => writeFileSync(join(dir, AUDIT_KEY_FILE), randomBytes(16), { mode: 0o600 }),
      message: /exactly 32 bytes/,
    },
    {
      note: 'a long audit.key',
      setUp: (dir) => writeFileSync(join(dir, AUDIT_KEY_FILE), randomBytes(64), { mode: 0o600 }),
      message: /larger than a key/,
    },
    {
      note: 'a signing key file that is not PEM',
      setUp: (dir) => writeFileSync(join(dir, AUDIT_SIGNING_KEY_FILE), 'hello', { mode: 0o600 }),
      message: /not a PEM private key/,
    },
    {
      note: 'a P-256 signing key',
      setUp: (dir) =>
        writeFileSync(
          join(dir, AUDIT_SIGNING_KEY_FILE),
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
          { mode: 0o600 },
        ),
      message: /holds a ec key/,
    },
    {
      note: 'a symbolic link',
      setUp: (dir) => {
        writeFileSync(join(dir, 'elsewhere'), randomBytes(32), { mode: 0o600 });
        symlinkSync(join(dir, 'elsewhere'), join(dir, AUDIT_KEY_FILE));
      },
      message: /cannot be opened \(ELOOP\)/,
    },
    {
      note: 'a directory',
      setUp: (dir) => mkdirSync(join(dir, AUDIT_KEY_FILE), { mode: 0o700 }),
      message: /not a regular file/,
    },
  ];
  for (const { note, setUp, message } of cases) {
    const stateDir = tempStateDir(t);
    mkdirSync(stateDir, { mode: 0o700 });
    setUp(stateDir);
    t.throws(
      () => loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true }),
      { constructor: AuditKeyError, message },
      note,
    );
  }
});

t.test('does not replace a missing key when the log already has records', async (t) => {
  const stateDir = tempStateDir(t);
  t.throws(() => loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: false }), {
    constructor: AuditKeyError,
    message: /audit\.key is missing but the audit log has records/,
  });
  t.notOk(existsSync(join(stateDir, AUDIT_KEY_FILE)), 'nothing was created');
});

t.test('takes the HMAC key from AIRLOCK_AUDIT_KEY when it is set', async (t) => {
  const stateDir = tempStateDir(t);
  const bytes = randomBytes(32);
  const keys = loadAuditKeys(stateDir, { env: { [AUDIT_KEY_ENV]: bytes.toString('base64') }, mayCreate: true });
  t.ok(keys.hmacKey.export().equals(bytes));
  t.equal(keys.hmacKeySource, AUDIT_KEY_ENV);
  t.notOk(existsSync(join(stateDir, AUDIT_KEY_FILE)), 'no audit.key written');
  t.ok(existsSync(join(stateDir, AUDIT_SIGNING_KEY_FILE)), 'the signing key still lives in the state directory');
  for (const bad of ['short', randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), '!'.repeat(44)]) {
    t.throws(
      () => loadAuditKeys(stateDir, { env: { [AUDIT_KEY_ENV]: bad }, mayCreate: true }),
      { constructor: AuditKeyError, message: /AIRLOCK_AUDIT_KEY must be the base64 encoding of 32 bytes/ },
      JSON.stringify(bad),
    );
  }
});

t.test('a signing key written by the module signs as Ed25519', async (t) => {
  const stateDir = tempStateDir(t);
  const keys = loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: true });
  const fromFile = createPrivateKey(readFileSync(join(stateDir, AUDIT_SIGNING_KEY_FILE)));
  const message = Buffer.from('checkpoint');
  t.ok(verify(null, message, keys.signingPublicKey, sign(null, message, fromFile)));
});

t.test('processes starting at once agree on one pair of keys', async (t) => {
  const stateDir = tempStateDir(t);
  const module = fileURLToPath(new URL('../../proxy/audit/audit-keys.ts', import.meta.url));
  const script =
    `import { createHash } from 'node:crypto';` +
    `import { loadAuditKeys } from ${JSON.stringify(module)};` +
    `const keys = loadAuditKeys(${JSON.stringify(stateDir)}, { env: {}, mayCreate: true });` +
    `console.log(createHash('sha256').update(keys.hmacKey.export()).digest('hex') + keys.signingPublicKeyPem);`;
  const run = () =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 30_000,
    });
  const outputs = await Promise.all(Array.from({ length: 4 }, run));
  t.equal(new Set(outputs.map(({ stdout }) => stdout)).size, 1, 'all four read the same keys');
  const keys = loadAuditKeys(stateDir, { env: NO_KEY_ENV, mayCreate: false });
  t.match(outputs[0]?.stdout, keys.signingPublicKeyPem, 'the keys on disk');
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { createPrivateFile, type PrivateFileOptions, readPrivateFile } from '../../proxy/core/private-file.js';

/** TestKeyError stands for a caller's own error class, which every failure must be. */
class TestKeyError extends Error {
  override readonly name = 'TestKeyError';
}

const ERRORS = { fileDescription: 'test key file', exposedAdvice: 'run chmod 600 on it', errorClass: TestKeyError };
const EXACTLY_32: PrivateFileOptions = { exactBytes: 32, errors: ERRORS };
const AT_MOST_64: PrivateFileOptions = { maxBytes: 64, errors: ERRORS };

/** tempDirectory makes a directory (0700) that is removed when the test ends. */
function tempDirectory(t: Test): string {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-private-file-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

t.test('creates the file 0600 in a new 0700 directory and reads it back', async (t) => {
  const path = join(tempDirectory(t), 'state', 'test.key');
  const bytes = randomBytes(32);
  const created = createPrivateFile(path, Buffer.from(bytes), EXACTLY_32);
  t.ok(created.equals(bytes), 'returns the bytes written');
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  t.ok(readPrivateFile(path, EXACTLY_32)?.equals(bytes), 'reads the same bytes');
  t.same(readdirSync(join(path, '..')), ['test.key'], 'no temporary file is left');
});

t.test('a missing file reads as undefined', async (t) => {
  t.equal(readPrivateFile(join(tempDirectory(t), 'test.key'), EXACTLY_32), undefined);
});

t.test('refuses a file that group or others can read, in the caller’s words', async (t) => {
  for (const exposed of [0o644, 0o640, 0o604]) {
    const path = join(tempDirectory(t), 'test.key');
    writeFileSync(path, randomBytes(32), { mode: 0o600 });
    chmodSync(path, exposed);
    t.throws(
      () => readPrivateFile(path, EXACTLY_32),
      {
        constructor: TestKeyError,
        message: `test key file ${path} can be read by group or others (mode ${exposed.toString(8)}); run chmod 600 on it`,
      },
      `mode ${exposed.toString(8)}`,
    );
  }
});

t.test('refuses what is not a regular file', async (t) => {
  const cases: Array<{ note: string; setUp: (path: string) => void; message: RegExp }> = [
    {
      note: 'a symbolic link, even to a private file',
      setUp: (path) => {
        writeFileSync(`${path}.target`, randomBytes(32), { mode: 0o600 });
        symlinkSync(`${path}.target`, path);
      },
      message: /^test key file .* cannot be opened \(ELOOP\)$/,
    },
    {
      note: 'a directory',
      setUp: (path) => mkdirSync(path, { mode: 0o700 }),
      message: /^test key file .* is not a regular file$/,
    },
  ];
  for (const { note, setUp, message } of cases) {
    const path = join(tempDirectory(t), 'test.key');
    setUp(path);
    t.throws(() => readPrivateFile(path, EXACTLY_32), { constructor: TestKeyError, message }, note);
  }
});

t.test('enforces the size limit before reading', async (t) => {
  const cases: Array<{ note: string; options: PrivateFileOptions; size: number; message?: RegExp }> = [
    { note: 'exactly 32 of exactly 32', options: EXACTLY_32, size: 32 },
    { note: '31 of exactly 32', options: EXACTLY_32, size: 31, message: /must hold exactly 32 bytes$/ },
    { note: '33 of exactly 32', options: EXACTLY_32, size: 33, message: /must hold exactly 32 bytes$/ },
    { note: 'empty, at most 64', options: AT_MOST_64, size: 0 },
    { note: '64 of at most 64', options: AT_MOST_64, size: 64 },
    { note: '65 of at most 64', options: AT_MOST_64, size: 65, message: /is larger than a key$/ },
  ];
  for (const { note, options, size, message } of cases) {
    const path = join(tempDirectory(t), 'test.key');
    const bytes = randomBytes(size);
    writeFileSync(path, bytes, { mode: 0o600 });
    if (message === undefined) t.ok(readPrivateFile(path, options)?.equals(bytes), note);
    else t.throws(() => readPrivateFile(path, options), { constructor: TestKeyError, message }, note);
  }
});

t.test('a file created first by another process is kept and returned', async (t) => {
  const directory = tempDirectory(t);
  const path = join(directory, 'test.key');
  const theirs = randomBytes(32);
  writeFileSync(path, theirs, { mode: 0o600 });
  const ours = randomBytes(32);
  const returned = createPrivateFile(path, ours, EXACTLY_32);
  t.ok(returned.equals(theirs), 'returns their bytes');
  t.ok(readFileSync(path).equals(theirs), 'their file is not replaced');
  t.ok(ours.equals(Buffer.alloc(32)), 'our bytes are zeroed');
  t.same(readdirSync(directory), ['test.key'], 'no temporary file is left');
});

t.test('a file created first that breaks the rules is refused, not replaced', async (t) => {
  const path = join(tempDirectory(t), 'test.key');
  writeFileSync(path, randomBytes(32), { mode: 0o644 });
  chmodSync(path, 0o644);
  t.throws(() => createPrivateFile(path, randomBytes(32), EXACTLY_32), {
    constructor: TestKeyError,
    message: /can be read by group or others/,
  });
});

t.test('a file that cannot be created fails in the caller’s words', async (t) => {
  const directory = tempDirectory(t);
  symlinkSync(join(directory, 'nowhere'), join(directory, 'state'));
  const path = join(directory, 'state', 'test.key');
  t.throws(() => createPrivateFile(path, randomBytes(32), EXACTLY_32), {
    constructor: TestKeyError,
    message: new RegExp(`^test key file ${path} cannot be created \\((ENOENT|EEXIST)\\)$`),
  });
});

t.test('processes creating the file at once agree on one', async (t) => {
  const path = join(tempDirectory(t), 'test.key');
  const module = fileURLToPath(new URL('../../proxy/core/private-file.ts', import.meta.url));
  const script =
    `import { randomBytes } from 'node:crypto';` +
    `import { createPrivateFile } from ${JSON.stringify(module)};` +
    `const options = { exactBytes: 32, errors: { fileDescription: 'k', exposedAdvice: '', errorClass: Error } };` +
    `console.log(createPrivateFile(${JSON.stringify(path)}, randomBytes(32), options).toString('hex'));`;
  const run = () =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 30_000,
    });
  const outputs = await Promise.all(Array.from({ length: 6 }, run));
  t.equal(new Set(outputs.map(({ stdout }) => stdout)).size, 1, 'all six return the same bytes');
  t.equal(outputs[0]?.stdout.trim(), readFileSync(path).toString('hex'), 'the bytes on disk');
});

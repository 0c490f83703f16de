import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, linkSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretsKeyError } from '../core/errors.js';
import { fsyncDirectorySync } from './atomic-file.js';

/** SecretsKey is the AES-256 key agent secrets are encrypted with, and a fingerprint that names it safely. */
export interface SecretsKey {
  readonly key: KeyObject;
  /** 16 hex characters derived from the key with HMAC; stored in agents.json to detect a changed key. */
  readonly fingerprint: string;
  /** Where the key came from, for messages: `AIRLOCK_SECRETS_KEY` or the key file's path. */
  readonly source: string;
}

/** SECRETS_KEY_ENV is the environment variable that carries the key (base64 of 32 bytes) when it is set. */
export const SECRETS_KEY_ENV = 'AIRLOCK_SECRETS_KEY';
/** SECRETS_KEY_FILE is the key file's name in the state directory, used when the variable is not set. */
export const SECRETS_KEY_FILE = 'secrets.key';

const KEY_BYTES = 32;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * loadSecretsKey returns the data key: from `AIRLOCK_SECRETS_KEY` if set, else from `secrets.key` in the state
 * directory, which is created (32 random bytes, mode 0600) if missing and `mayCreate`. The file is written whole
 * under a temporary name and linked into place, so two processes starting at once agree on one key and neither
 * reads half a key.
 *
 * @param mayCreate false when secrets sealed with an existing key are on disk: a new key could not open them
 * @throws SecretsKeyError for a malformed variable; a key file that is missing (when it may not be created), not
 *   32 bytes, or readable by group or others; or a key file that cannot be created
 */
export function loadSecretsKey(
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  mayCreate: boolean,
): SecretsKey {
  const encoded = env[SECRETS_KEY_ENV];
  if (encoded !== undefined && encoded !== '') {
    const bytes = BASE64_KEY.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (bytes.length !== KEY_BYTES) {
      throw new SecretsKeyError(`${SECRETS_KEY_ENV} must be the base64 encoding of 32 bytes (openssl rand -base64 32)`);
    }
    return fromBytes(bytes, SECRETS_KEY_ENV);
  }
  const path = join(stateDir, SECRETS_KEY_FILE);
  const existing = readKeyFile(path);
  if (existing !== undefined) return fromBytes(existing, path);
  if (!mayCreate) {
    throw new SecretsKeyError(
      `secrets key file ${path} is missing but agent secrets sealed with it exist; restore it or set ${SECRETS_KEY_ENV}`,
    );
  }
  return fromBytes(createKeyFile(path), path);
}

function fromBytes(bytes: Buffer, source: string): SecretsKey {
  const fingerprint = createHmac('sha256', bytes).update('airlock secrets key fingerprint').digest('hex').slice(0, 16);
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return { key, fingerprint, source };
}

/** readKeyFile returns the key file's bytes, or undefined if there is no key file yet. */
function readKeyFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SecretsKeyError(`secrets key file ${path} cannot be opened (${code ?? 'error'})`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SecretsKeyError(`secrets key file ${path} is not a regular file`);
    if ((stat.mode & 0o077) !== 0) {
      throw new SecretsKeyError(
        `secrets key file ${path} can be read by group or others (mode ${(stat.mode & 0o777).toString(8)}); ` +
          'run chmod 600 on it and consider rotating agent keys',
      );
    }
    if (stat.size !== KEY_BYTES) throw new SecretsKeyError(`secrets key file ${path} must hold exactly 32 bytes`);
    const bytes = Buffer.alloc(KEY_BYTES);
    if (readSync(fd, bytes, 0, KEY_BYTES, 0) !== KEY_BYTES) {
      throw new SecretsKeyError(`secrets key file ${path} could not be read whole`);
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function createKeyFile(path: string): Buffer {
  const bytes = randomBytes(KEY_BYTES);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let linked: boolean;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linked = linkOnce(temporary, path);
    fsyncDirectorySync(dirname(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretsKeyError(`secrets key file ${path} cannot be created (${code})`, { cause: error });
  } finally {
    rmSync(temporary, { force: true });
  }
  if (linked) return bytes;
  // Another process created the key first: use theirs.
  bytes.fill(0);
  const theirs = readKeyFile(path);
  if (theirs === undefined) throw new SecretsKeyError(`secrets key file ${path} vanished while it was created`);
  return theirs;
}

/** linkOnce links `from` to `to` unless `to` exists; returns whether it did. */
function linkOnce(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SecretsKeyError } from '../core/errors.js';
import { createPrivateFile, type PrivateFileOptions, readPrivateFile } from '../core/private-file.js';

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
const KEY_FILE_OPTIONS: PrivateFileOptions = {
  exactBytes: KEY_BYTES,
  errors: {
    fileDescription: 'secrets key file',
    exposedAdvice: 'run chmod 600 on it and consider rotating agent keys',
    errorClass: SecretsKeyError,
  },
};

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
  const existing = readPrivateFile(path, KEY_FILE_OPTIONS);
  if (existing !== undefined) return fromBytes(existing, path);
  if (!mayCreate) {
    throw new SecretsKeyError(
      `secrets key file ${path} is missing but agent secrets sealed with it exist; restore it or set ${SECRETS_KEY_ENV}`,
    );
  }
  return fromBytes(createPrivateFile(path, randomBytes(KEY_BYTES), KEY_FILE_OPTIONS), path);
}

function fromBytes(bytes: Buffer, source: string): SecretsKey {
  const fingerprint = createHmac('sha256', bytes).update('airlock secrets key fingerprint').digest('hex').slice(0, 16);
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return { key, fingerprint, source };
}

import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { join } from 'node:path';
import { AuditKeyError } from '../core/errors.js';
import { createPrivateFile, type PrivateFileErrors, readPrivateFile } from '../core/private-file.js';

/** AUDIT_KEY_ENV is the environment variable that carries the HMAC key (base64 of 32 bytes) when it is set. */
export const AUDIT_KEY_ENV = 'AIRLOCK_AUDIT_KEY';
/** AUDIT_KEY_FILE is the HMAC key's file in the state directory (32 raw bytes, mode 0600). */
export const AUDIT_KEY_FILE = 'audit.key';
/** AUDIT_SIGNING_KEY_FILE is the checkpoint signing key's file in the state directory (PKCS#8 PEM, mode 0600). */
export const AUDIT_SIGNING_KEY_FILE = 'audit-signing.key';

/** AuditKeys are the keys the audit log writes with; verifying needs `hmacKey` and `signingPublicKey` only. */
export interface AuditKeys {
  /** The HMAC-SHA-256 key that chains records. Whoever holds it can rewrite the chain. */
  readonly hmacKey: KeyObject;
  /** Where the HMAC key came from, for messages: `AIRLOCK_AUDIT_KEY` or the key file's path. */
  readonly hmacKeySource: string;
  /** The Ed25519 private key that signs checkpoints. */
  readonly signingKey: KeyObject;
  readonly signingPublicKey: KeyObject;
  /** The public key as SPKI PEM, to hand to an auditor who verifies checkpoints without any secret. */
  readonly signingPublicKeyPem: string;
}

/** LoadAuditKeysOptions say where keys come from and whether missing ones may be made. */
export interface LoadAuditKeysOptions {
  /** Where `AIRLOCK_AUDIT_KEY` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Whether missing key files may be created. False once the log has records: new keys could not verify them, so a
   * lost key must be restored, not replaced.
   */
  readonly mayCreate: boolean;
}

const HMAC_KEY_BYTES = 32;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;
// A PKCS#8 Ed25519 key is about 120 bytes of PEM; anything far larger is not one.
const MAX_SIGNING_KEY_FILE_BYTES = 4096;
const KEY_FILE_ERRORS: PrivateFileErrors = {
  fileDescription: 'audit key file',
  exposedAdvice:
    'run chmod 600 on it; whoever read it can rewrite the audit log or sign checkpoints, so consider the ' +
    'log from then on unproven',
  errorClass: AuditKeyError,
};

/**
 * loadAuditKeys returns the audit keys for the state directory:
 *
 * - the HMAC key from `AIRLOCK_AUDIT_KEY` if set, else from `audit.key`;
 * - the checkpoint signing key from `audit-signing.key`.
 *
 * A missing file is created when `mayCreate` (the directory too, mode 0700): written whole with mode 0600 under a
 * temporary name and linked into place, which fails if the file exists, so two processes starting at once agree on
 * one key and neither reads half of one. Existing files are read through one descriptor that refuses symbolic
 * links, and refused when group or others may read them.
 *
 * @throws AuditKeyError for a malformed variable; a key file that is missing (when it may not be created), not a
 *   regular file, readable by group or others, or not a key of the right kind; or a key file that cannot be created
 */
export function loadAuditKeys(stateDir: string, options: LoadAuditKeysOptions): AuditKeys {
  const env = options.env ?? process.env;
  const { hmacKey, hmacKeySource } = loadHmacKey(stateDir, env, options.mayCreate);
  const signingKey = loadSigningKey(stateDir, options.mayCreate);
  const signingPublicKey = createPublicKey(signingKey);
  const signingPublicKeyPem = signingPublicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { hmacKey, hmacKeySource, signingKey, signingPublicKey, signingPublicKeyPem };
}

/**
 * readAuditSigningPublicKey parses the signing public key an auditor was given (SPKI PEM).
 * @throws AuditKeyError when `pem` is not an Ed25519 public key
 */
export function readAuditSigningPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AuditKeyError('the audit signing public key is not a PEM public key', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditKeyError(`the audit signing public key is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  }
  return key;
}

function loadHmacKey(
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  mayCreate: boolean,
): { hmacKey: KeyObject; hmacKeySource: string } {
  const encoded = env[AUDIT_KEY_ENV];
  if (encoded !== undefined && encoded !== '') {
    const bytes = BASE64_KEY.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (bytes.length !== HMAC_KEY_BYTES) {
      throw new AuditKeyError(`${AUDIT_KEY_ENV} must be the base64 encoding of 32 bytes (openssl rand -base64 32)`);
    }
    return { hmacKey: keyFromBytes(bytes), hmacKeySource: AUDIT_KEY_ENV };
  }
  const path = join(stateDir, AUDIT_KEY_FILE);
  // A file over 32 bytes is refused unread, as larger than a key; a shorter one is refused below.
  const fileOptions = { maxBytes: HMAC_KEY_BYTES, errors: KEY_FILE_ERRORS };
  let bytes = readPrivateFile(path, fileOptions);
  if (bytes === undefined) {
    requireMayCreate(path, mayCreate);
    bytes = createPrivateFile(path, randomBytes(HMAC_KEY_BYTES), fileOptions);
  }
  if (bytes.length !== HMAC_KEY_BYTES) throw new AuditKeyError(`audit key file ${path} must hold exactly 32 bytes`);
  return { hmacKey: keyFromBytes(bytes), hmacKeySource: path };
}

function keyFromBytes(bytes: Buffer): KeyObject {
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

function loadSigningKey(stateDir: string, mayCreate: boolean): KeyObject {
  const path = join(stateDir, AUDIT_SIGNING_KEY_FILE);
  const fileOptions = { maxBytes: MAX_SIGNING_KEY_FILE_BYTES, errors: KEY_FILE_ERRORS };
  let pem = readPrivateFile(path, fileOptions);
  if (pem === undefined) {
    requireMayCreate(path, mayCreate);
    const { privateKey } = generateKeyPairSync('ed25519');
    const created = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    pem = createPrivateFile(path, created, fileOptions);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new AuditKeyError(`audit signing key file ${path} is not a PEM private key`, { cause: error });
  } finally {
    pem.fill(0);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditKeyError(`audit signing key file ${path} holds a ${key.asymmetricKeyType ?? 'unknown'} key`);
  }
  return key;
}

function requireMayCreate(path: string, mayCreate: boolean): void {
  if (mayCreate) return;
  throw new AuditKeyError(
    `audit key file ${path} is missing but the audit log has records it signed; restore the file ` +
      '(a new key could not verify the existing log)',
  );
}

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectorySync } from './atomic-file.js';

/**
 * A private file holds a key that only Airlock's user may read (mode 0600): the secrets key, the audit keys. These
 * functions hold the rules every such file follows; callers choose the wording and the class of the errors.
 */

/** PrivateFileErrors are how a caller's errors about its file read, and which class they are. */
export interface PrivateFileErrors {
  /** What the file is; every message opens with it and the path (`secrets key file /state/secrets.key ...`). */
  readonly fileDescription: string;
  /** What to do about a file group or others can read; it ends that message, after the file's mode. */
  readonly exposedAdvice: string;
  /** The caller's error class; every failure is one of these. */
  readonly errorClass: new (message: string, options?: ErrorOptions) => Error;
}

/** PrivateFileOptions say how large the file must be (exactly `exactBytes`, or at most `maxBytes`) and how to fail. */
export type PrivateFileOptions = ({ readonly exactBytes: number } | { readonly maxBytes: number }) & {
  readonly errors: PrivateFileErrors;
};

/**
 * readPrivateFile returns the file's bytes, or undefined if it does not exist. It opens the file once, refusing a
 * symbolic link, and checks that descriptor, so the file checked is the file read.
 *
 * @throws errors.errorClass when the file cannot be opened (a symbolic link: ELOOP), is not a regular file, can be
 *   read by group or others, is not of the allowed size, or cannot be read whole
 */
export function readPrivateFile(path: string, options: PrivateFileOptions): Buffer | undefined {
  const { fileDescription, exposedAdvice, errorClass } = options.errors;
  const named = `${fileDescription} ${path}`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new errorClass(`${named} cannot be opened (${code ?? 'error'})`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new errorClass(`${named} is not a regular file`);
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8);
      throw new errorClass(`${named} can be read by group or others (mode ${mode}); ${exposedAdvice}`);
    }
    if ('exactBytes' in options && stat.size !== options.exactBytes) {
      throw new errorClass(`${named} must hold exactly ${options.exactBytes} bytes`);
    }
    if ('maxBytes' in options && stat.size > options.maxBytes) throw new errorClass(`${named} is larger than a key`);
    const bytes = Buffer.alloc(stat.size);
    if (readSync(fd, bytes, 0, stat.size, 0) !== stat.size) throw new errorClass(`${named} could not be read whole`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * createPrivateFile writes `bytes` to `path` (mode 0600; its directory created 0700 if missing) unless the file
 * exists, and returns what `path` then holds: `bytes`, or, when another process created the file first, its bytes
 * (ours are zeroed). The bytes go to a temporary file, fsynced, then linked to `path`, which fails if `path`
 * exists: so processes starting at once agree on one file, nobody reads half of one, and nobody replaces one.
 *
 * @throws errors.errorClass when the file cannot be created, or the file another process created cannot be read
 */
export function createPrivateFile(path: string, bytes: Buffer, options: PrivateFileOptions): Buffer {
  const { fileDescription, errorClass } = options.errors;
  const directory = dirname(path);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let linked: boolean;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linked = linkUnlessExists(temporary, path);
    fsyncDirectorySync(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new errorClass(`${fileDescription} ${path} cannot be created (${code})`, { cause: error });
  } finally {
    rmSync(temporary, { force: true });
  }
  if (linked) return bytes;
  bytes.fill(0);
  const theirs = readPrivateFile(path, options);
  if (theirs === undefined) throw new errorClass(`${fileDescription} ${path} vanished while it was created`);
  return theirs;
}

/** linkUnlessExists links `from` to `to` unless `to` exists; returns whether it did. */
function linkUnlessExists(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

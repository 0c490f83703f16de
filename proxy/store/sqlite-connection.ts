import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database, { SqliteError, type Database as SqliteDatabase } from 'better-sqlite3';
import { StoreError } from '../core/errors.js';
import { migrate } from './sqlite-schema.js';

/** STORE_FILE is the database's name in the state directory. */
export const STORE_FILE = 'airlock.db';

/** SqliteStoreLocation says where the database is: `airlock.db` in a state directory, or a file named outright. */
export type SqliteStoreLocation = { readonly stateDir: string } | { readonly file: string };

/**
 * openSqliteConnection opens the database file, creating it (and a state directory) if needed, configures the
 * connection and migrates the schema. The state directory is created 0700 and the file 0600; a database file that
 * group or others may read or write is refused.
 *
 * @throws StoreVersionError when the database comes from a newer Airlock
 * @throws StoreError when the file is unsafe, not a database, or cannot be opened in WAL mode
 */
export function openSqliteConnection(
  location: SqliteStoreLocation,
  busyTimeoutMs: number,
  sync: StoreSync,
): SqliteDatabase {
  const file = prepareDatabaseFile(location);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs, fileMustExist: true });
    configureConnection(db, file, sync);
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    throw error instanceof SqliteError
      ? new StoreError(`cannot open ${file}: ${error.message}`, { cause: error })
      : error;
  }
}

function prepareDatabaseFile(location: SqliteStoreLocation): string {
  let file: string;
  if ('stateDir' in location) {
    const stateDir = resolve(location.stateDir);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    file = join(stateDir, STORE_FILE);
  } else {
    file = resolve(location.file);
  }
  // Created here, 0600, rather than by SQLite with the umask's mode: SQLite gives the -wal and -shm files the mode of
  // the database, so this covers all three. An empty file is a valid empty database.
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StoreError(`cannot create ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new StoreError(
      `${file} can be read or written by group or others (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  }
  return file;
}

/**
 * StoreSync says when a commit reaches the disk (SQLite's `synchronous` in WAL mode):
 * - `normal`: the commit is in the operating system's page cache when the method resolves. A killed Airlock
 *   (`kill -9`, an OOM kill, a crash) loses nothing and the database stays consistent; an OS crash or a power cut
 *   can lose the last commits. A commit costs tens of microseconds.
 * - `full`: the WAL is fsynced at every commit, so nothing that resolved is lost even then. A commit costs an fsync
 *   (about 3 ms on the test machine) on the only thread Airlock runs calls on, and every call writes audit records.
 */
export type StoreSync = 'normal' | 'full';

// WAL: readers never block the writer nor it them, which matters when the CLI reads while `serve` writes; a commit
// appends to the WAL instead of rewriting pages in place.
// foreign_keys: SQLite leaves them off per connection unless asked.
function configureConnection(db: SqliteDatabase, file: string, sync: StoreSync): void {
  const journalMode = db.pragma('journal_mode = WAL', { simple: true });
  if (journalMode !== 'wal') {
    throw new StoreError(`${file} cannot use write-ahead logging (journal mode stays ${String(journalMode)})`);
  }
  db.pragma(sync === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

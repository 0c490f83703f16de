// The part of better-sqlite3 v12's API that proxy/store uses, typed by hand because the package ships no types and
// `@types/better-sqlite3` is not a dependency. If that package is ever added, delete this file: the two would clash.
// Reference: https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md

declare module 'better-sqlite3' {
  /** RunResult is what `Statement.run` reports. */
  export interface RunResult {
    readonly changes: number;
    readonly lastInsertRowid: number | bigint;
  }

  /** Statement is a prepared statement; `Params` are its bind parameters, `Row` the shape of a result row. */
  export interface Statement<Params extends unknown[] = [], Row = unknown> {
    run(...params: Params): RunResult;
    get(...params: Params): Row | undefined;
    all(...params: Params): Row[];
  }

  /**
   * Transaction runs `fn` between BEGIN and COMMIT, rolling back if it throws. Called inside another transaction it
   * uses a savepoint. `immediate` takes the write lock at BEGIN.
   */
  export interface Transaction<Args extends unknown[], Result> {
    (...args: Args): Result;
    immediate(...args: Args): Result;
  }

  export interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** Milliseconds to wait for a lock held by another connection (SQLite's busy_timeout); default 5000. */
    timeout?: number;
  }

  export interface Database {
    readonly open: boolean;
    readonly inTransaction: boolean;
    readonly name: string;
    prepare<Params extends unknown[] = [], Row = unknown>(sql: string): Statement<Params, Row>;
    transaction<Args extends unknown[], Result>(fn: (...args: Args) => Result): Transaction<Args, Result>;
    exec(sql: string): this;
    /** pragma runs `PRAGMA source`: all rows, or with `simple` the first column of the first row. */
    pragma(source: string, options?: { simple?: boolean }): unknown;
    close(): this;
  }

  /** SqliteError is what SQLite's failures are thrown as; `code` is the extended result code (`SQLITE_BUSY`, …). */
  export class SqliteError extends Error {
    readonly code: string;
    constructor(message: string, code: string);
  }

  const Database: {
    new (filename: string, options?: Options): Database;
  };
  export default Database;
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditCheckpoint, AuditRecord, AuditStorage } from '../../proxy/audit/index.js';

/** MemoryAuditStorageOptions shape how the in-memory storage behaves. */
export interface MemoryAuditStorageOptions {
  /**
   * Wait one event-loop turn at the start of each call, as a database round trip does, so appends from several
   * AuditLogs on one storage interleave the way several processes' would.
   */
  readonly asynchronous?: boolean;
}

/**
 * MemoryAuditStorage is an AuditStorage in arrays, for tests. It keeps JSON copies, as a database does, so what a
 * test reads back has been through the same round trip as the Store's rows. Tests tamper with `records` and
 * `checkpoints` directly; `auditRecords` yields `records` in array order, whatever their `seq`, so a test can show
 * what the verifier makes of a storage that returns rows out of order.
 */
export class MemoryAuditStorage implements AuditStorage {
  records: AuditRecord[] = [];
  checkpoints: AuditCheckpoint[] = [];
  readonly #asynchronous: boolean;

  constructor(options: MemoryAuditStorageOptions = {}) {
    this.#asynchronous = options.asynchronous ?? false;
  }

  /** clone returns an independent storage with copies of this one's records and checkpoints. */
  clone(): MemoryAuditStorage {
    const copy = new MemoryAuditStorage({ asynchronous: this.#asynchronous });
    copy.records = this.records.map(jsonCopy);
    copy.checkpoints = this.checkpoints.map(jsonCopy);
    return copy;
  }

  async appendAuditRecords(records: readonly AuditRecord[]): Promise<void> {
    await this.#roundTrip();
    // Check everything, then push, in one synchronous step: the in-memory equivalent of the Store's transaction.
    let last = this.records.at(-1)?.seq ?? 0;
    for (const record of records) {
      if (record.seq !== last + 1) throw new Error(`audit record ${record.seq} is not the next (${last + 1})`);
      last = record.seq;
    }
    this.records.push(...records.map(jsonCopy));
  }

  async lastAuditRecord(): Promise<AuditRecord | undefined> {
    await this.#roundTrip();
    const last = this.records.at(-1);
    return last === undefined ? undefined : jsonCopy(last);
  }

  async *auditRecords(fromSeq: number): AsyncIterable<AuditRecord> {
    for (const record of this.records) {
      if (record.seq >= fromSeq) yield jsonCopy(record);
    }
  }

  async appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.#roundTrip();
    // One checkpoint per seq, as the Store's primary key allows.
    if (this.checkpoints.some((stored) => stored.seq === checkpoint.seq)) {
      throw new Error(`audit checkpoint at ${checkpoint.seq} already exists`);
    }
    this.checkpoints.push(jsonCopy(checkpoint));
  }

  async auditCheckpoints(): Promise<AuditCheckpoint[]> {
    await this.#roundTrip();
    return this.checkpoints.map(jsonCopy);
  }

  async #roundTrip(): Promise<void> {
    if (this.#asynchronous) await nextTurn();
  }
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

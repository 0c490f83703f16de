import { createPublicKey, type KeyObject } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { AuditDataError, AuditLogError, InvalidArgumentError } from '../core/errors.js';
import {
  auditRecordHash,
  chainedRecordHash,
  GENESIS_HASH,
  isAuditCheckpointSignatureValid,
  signAuditCheckpoint,
} from './audit-chain.js';
import type { AuditCheckpoint, AuditRecord, AuditStorage } from './audit-storage.js';
import { canonicalCopy } from './canonical-json.js';
import { AUDIT_REDACTED, findSecretLookingKey } from './secret-names.js';

/** AuditLogOptions are the keys an audit log writes with, and its tuning. */
export interface AuditLogOptions {
  /** The HMAC-SHA-256 key that chains records (AuditKeys.hmacKey). */
  readonly hmacKey: KeyObject;
  /** The Ed25519 private key that signs checkpoints (AuditKeys.signingKey). */
  readonly signingKey: KeyObject;
  /** A checkpoint is signed after every record whose `seq` is a multiple of this; default 100. */
  readonly checkpointEvery?: number;
  /** How many times a batch is tried while other processes keep taking its first `seq`; default 10. */
  readonly maxAppendAttempts?: number;
  /** The most records written in one storage transaction; default 256. */
  readonly maxBatchRecords?: number;
  /** The clock for records' and checkpoints' `at`. */
  readonly now?: () => Date;
}

/** AUDIT_KIND_PATTERN is what a record's `kind` looks like: `decision`, `approval.created`, `grant.used`. */
const AUDIT_KIND_PATTERN = /^[a-z][a-z0-9_]*(?:[.-][a-z0-9_]+)*$/;
const MAX_KIND_LENGTH = 64;
const DEFAULT_CHECKPOINT_EVERY = 100;
const DEFAULT_MAX_APPEND_ATTEMPTS = 10;
// Big enough that a burst costs few transactions, small enough that one batch holds the write lock only briefly.
const DEFAULT_MAX_BATCH_RECORDS = 256;
// The longest pause between two attempts of one append; pauses are random below a bound that doubles each time, so
// processes that collided once are unlikely to collide again.
const MAX_RETRY_PAUSE_MS = 50;

/** ChainHead is the last record's place in the chain: what the next record links to. */
interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** QueuedAppend is an accepted append waiting for its batch: the record's fields but its place, and its caller. */
interface QueuedAppend {
  readonly kind: string;
  readonly data: Record<string, unknown>;
  /** `data` in canonical JSON, as its record's hash covers it. */
  readonly canonicalData: string;
  readonly at: string;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * AuditLog appends records to the hash chain in an AuditStorage, and signs checkpoints of its head.
 *
 * - Each record's `hash` is the HMAC of its canonical form including `seq` and `prevHash` (see audit-chain.ts), so a
 *   record cannot be edited, dropped, inserted or moved without the chain breaking at that record.
 * - Group commit: appends are queued in call order and written in batches (at most `maxBatchRecords`), each in one
 *   storage transaction: those made in one turn of the event loop, or while the previous batch was being written,
 *   go together. Only this flush assigns `seq`, so it never races within a process.
 * - Several processes may share one storage: the storage refuses a batch whose first `seq` is not the next, and the
 *   loser re-reads the head, re-chains the whole batch after it and tries again, up to `maxAppendAttempts` times.
 * - After each record whose `seq` is a multiple of `checkpointEvery`, and on `close()`, the head is signed with the
 *   Ed25519 key and stored as a checkpoint, so a log cut short before a checkpoint shows.
 * - `open` refuses a storage whose head does not verify with these keys, rather than extend a chain that `verify`
 *   would reject anyway.
 *
 * @example
 * const log = await AuditLog.open(store, loadAuditKeys(stateDir, { mayCreate }));
 * await log.append('approval.created', { approvalId, agent: 'deploy-bot', action: 'iam:CreateRole' });
 * await log.close();
 */
export class AuditLog {
  readonly #storage: AuditStorage;
  readonly #hmacKey: KeyObject;
  readonly #signingKey: KeyObject;
  readonly #signingPublicKey: KeyObject;
  readonly #checkpointEvery: number;
  readonly #maxAppendAttempts: number;
  readonly #maxBatchRecords: number;
  readonly #now: () => Date;
  /** The head as this process last wrote or read it; another process may have moved the stored head since. */
  #head: ChainHead;
  /** The highest `seq` known to be checkpointed, so `close()` does not sign the same head twice. */
  #checkpointedSeq: number;
  /** Appends accepted and not yet in a batch, in call order. */
  #queued: QueuedAppend[] = [];
  /** The flush that is scheduled or writing; it never rejects, and ends only when `#queued` is empty. */
  #flushing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(storage: AuditStorage, options: AuditLogOptions, head: ChainHead, checkpointedSeq: number) {
    this.#storage = storage;
    this.#hmacKey = options.hmacKey;
    this.#signingKey = options.signingKey;
    this.#signingPublicKey = createPublicKey(options.signingKey);
    this.#checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.#maxAppendAttempts = options.maxAppendAttempts ?? DEFAULT_MAX_APPEND_ATTEMPTS;
    this.#maxBatchRecords = options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS;
    this.#now = options.now ?? (() => new Date());
    this.#head = head;
    this.#checkpointedSeq = checkpointedSeq;
  }

  /**
   * open reads the storage's head and checkpoints and returns a log that appends after them.
   *
   * @throws InvalidArgumentError for keys of the wrong kind or out-of-range options
   * @throws AuditLogError (`unverified-head`) when the newest record's hash or the newest checkpoint's signature
   *   does not verify with these keys (a changed key, or an edited log), or the log is shorter than its newest
   *   checkpoint (a truncated log)
   */
  static async open(storage: AuditStorage, options: AuditLogOptions): Promise<AuditLog> {
    validateOptions(options);
    const [head, checkpoints] = await Promise.all([storage.lastAuditRecord(), storage.auditCheckpoints()]);
    const log = new AuditLog(storage, options, EMPTY_HEAD, 0);
    const newest = checkpoints.reduce<AuditCheckpoint | undefined>(
      (found, checkpoint) => (found === undefined || checkpoint.seq > found.seq ? checkpoint : found),
      undefined,
    );
    if (newest !== undefined) {
      if (!isAuditCheckpointSignatureValid(log.#signingPublicKey, newest)) {
        throw new AuditLogError(
          `audit checkpoint at record ${newest.seq} does not verify with this signing key: the key changed, or the ` +
            'checkpoint was forged; run airlock audit verify',
          'unverified-head',
        );
      }
      if ((head?.seq ?? 0) < newest.seq) {
        throw new AuditLogError(
          `the audit log ends at record ${head?.seq ?? 0} but a checkpoint signed record ${newest.seq}: records ` +
            'were removed; run airlock audit verify',
          'unverified-head',
        );
      }
      log.#checkpointedSeq = newest.seq;
    }
    if (head !== undefined) log.#head = log.#verifiedHead(head);
    return log;
  }

  /**
   * append adds one record to the chain and resolves with it once storage holds it. `data` is copied (in canonical
   * key order) before `append` returns, so later changes by the caller do not reach the log. The record is written
   * with the other appends of its batch, in one transaction, in call order; when that write fails, every append of
   * the batch rejects with the same error, and none of their records is stored.
   *
   * @param kind what happened, as `approval.created`: lower-case words joined by `.`, `-` or `_`, at most 64
   *   characters
   * @param data the facts, plain JSON, never a secret: a key that looks like one (see secret-names.ts) must hold
   *   AUDIT_REDACTED or be left out
   * @param at when it happened; default now
   * @throws InvalidArgumentError for a malformed `kind` or an invalid `at`
   * @throws AuditDataError when `data` is not plain JSON or holds a secret-looking key; nothing is appended
   * @throws AuditLogError `closed` after `close()`; `contended` when other processes took the next `seq` on every
   *   attempt; `unverified-head` when another process's head does not verify with this key
   * @throws whatever the storage throws when it fails; a failure to write the checkpoint that follows a record
   *   rejects that record's append too, though the record itself is stored
   */
  async append(kind: string, data: Readonly<Record<string, unknown>>, at: Date = this.#now()): Promise<AuditRecord> {
    if (this.#closing !== undefined) throw new AuditLogError('the audit log is closed', 'closed');
    if (kind.length > MAX_KIND_LENGTH || !AUDIT_KIND_PATTERN.test(kind)) {
      throw new InvalidArgumentError(`audit kind ${JSON.stringify(kind)} must match ${AUDIT_KIND_PATTERN.source}`);
    }
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new InvalidArgumentError('audit record time must be a valid Date');
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new AuditDataError('data: must be an object', 'data');
    }
    const { json: canonicalData, copy } = canonicalCopy(data);
    const facts = copy as Record<string, unknown>;
    const secretPath = findSecretLookingKey(facts);
    if (secretPath !== undefined) {
      throw new AuditDataError(
        `${secretPath} looks like it holds a secret; leave it out or set it to '${AUDIT_REDACTED}'`,
        secretPath,
      );
    }
    return new Promise<AuditRecord>((resolve, reject) => {
      this.#queued.push({ kind, data: facts, canonicalData, at: at.toISOString(), resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /**
   * close writes the queued appends, then signs a checkpoint of the stored head unless one exists. Later appends
   * reject with AuditLogError `closed`. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAfterFlush();
    return this.#closing;
  }

  async #closeAfterFlush(): Promise<void> {
    // No append is queued after `#closing` is set, so once this flush ends the queue stays empty.
    await this.#flushing;
    const stored = await this.#storage.lastAuditRecord();
    if (stored === undefined || stored.seq <= this.#checkpointedSeq) return;
    await this.#writeCheckpoint(this.#verifiedHead(stored));
  }

  /**
   * flush waits one turn of the event loop, so that the appends made in this one join the batch, then writes batches
   * until the queue is empty; appends made while a batch is being written form the next. It settles every append it
   * takes and never rejects.
   */
  async #flush(): Promise<void> {
    await nextTurn();
    while (this.#queued.length > 0) {
      await this.#writeBatch(this.#queued.splice(0, this.#maxBatchRecords));
    }
    // Cleared in the same step as the check above, so an append made from here on starts a new flush.
    this.#flushing = undefined;
  }

  async #writeBatch(batch: readonly QueuedAppend[]): Promise<void> {
    let records: AuditRecord[];
    try {
      records = await this.#appendChained(batch);
    } catch (error) {
      batch.forEach((append) => append.reject(error));
      return;
    }
    const outcomes = new Map<QueuedAppend, unknown>();
    for (const [index, record] of records.entries()) {
      if (record.seq % this.#checkpointEvery !== 0) continue;
      try {
        await this.#writeCheckpoint(record);
      } catch (error) {
        outcomes.set(batch[index]!, error);
      }
    }
    batch.forEach((append, index) =>
      outcomes.has(append) ? append.reject(outcomes.get(append)) : append.resolve(records[index]!),
    );
  }

  /** appendChained chains the batch after the head and writes it, re-chaining after the new head on a lost race. */
  async #appendChained(batch: readonly QueuedAppend[]): Promise<AuditRecord[]> {
    for (let attempt = 1; ; attempt++) {
      const records = this.#chainAfterHead(batch);
      const first = records[0]!;
      const last = records.at(-1)!;
      try {
        await this.#storage.appendAuditRecords(records);
      } catch (error) {
        // Reading the head tells a lost race (retry) from a failed storage, and from a write that landed though
        // the storage reported an error. If even the read fails, the write's error is the one to report.
        const stored = await this.#storage.lastAuditRecord().catch(() => Promise.reject(error));
        if (stored === undefined || stored.seq < first.seq) throw error; // not a race: nobody took this seq
        const landed = (await this.#storedHash(stored, last.seq).catch(() => Promise.reject(error))) === last.hash;
        if (!landed) {
          // Kept even when giving up, so the next batch starts from the head another writer moved.
          this.#head = this.#verifiedHead(stored);
          if (attempt >= this.#maxAppendAttempts) {
            const place = first === last ? `record ${first.seq}` : `records ${first.seq} to ${last.seq}`;
            throw new AuditLogError(
              `audit ${place} could not be appended: other writers took the next record ${attempt} times`,
              'contended',
              { cause: error },
            );
          }
          await sleep(Math.random() * Math.min(2 ** attempt, MAX_RETRY_PAUSE_MS));
          continue;
        }
      }
      this.#head = { seq: last.seq, hash: last.hash };
      return records;
    }
  }

  #chainAfterHead(batch: readonly QueuedAppend[]): AuditRecord[] {
    let head = this.#head;
    return batch.map(({ kind, data, canonicalData, at }) => {
      const fields = { seq: head.seq + 1, at, kind, prevHash: head.hash };
      const record: AuditRecord = { ...fields, data, hash: chainedRecordHash(this.#hmacKey, fields, canonicalData) };
      head = record;
      return record;
    });
  }

  /**
   * storedHash is the hash of the stored record at `seq`, given the stored head. A batch is written whole or not at
   * all and its last hash covers the rest through the chain, so the last record tells whether the batch landed,
   * even when other writers have appended after it since.
   */
  async #storedHash(head: AuditRecord, seq: number): Promise<string | undefined> {
    if (head.seq === seq) return head.hash;
    if (head.seq < seq) return undefined;
    for await (const record of this.#storage.auditRecords(seq)) return record.seq === seq ? record.hash : undefined;
    return undefined;
  }

  async #writeCheckpoint(head: ChainHead): Promise<void> {
    try {
      await this.#storage.appendAuditCheckpoint(signAuditCheckpoint(this.#signingKey, head, this.#now().toISOString()));
    } catch (error) {
      // The Store keeps one checkpoint per seq. Another process closing at the same head may have signed it first
      // (or our own write landed though reported failed): the head is checkpointed either way.
      const stored = await this.#storage.auditCheckpoints().catch(() => Promise.reject(error));
      if (!stored.some((checkpoint) => checkpoint.seq === head.seq && checkpoint.hash === head.hash)) throw error;
    }
    this.#checkpointedSeq = Math.max(this.#checkpointedSeq, head.seq);
  }

  /** verifiedHead returns a stored record's place if its hash verifies with this key, so nothing extends a forgery. */
  #verifiedHead(record: AuditRecord): ChainHead {
    let expected: string | undefined;
    try {
      expected = auditRecordHash(this.#hmacKey, record);
    } catch {
      // Data that is not plain JSON was not written by an AuditLog: treated as a mismatch below.
    }
    if (expected !== record.hash) {
      throw new AuditLogError(
        `audit record ${record.seq}, the newest, does not verify with this audit key: the key changed, or the record ` +
          'was edited; run airlock audit verify',
        'unverified-head',
      );
    }
    return { seq: record.seq, hash: record.hash };
  }
}

function validateOptions(options: AuditLogOptions): void {
  if (options.hmacKey.type !== 'secret') throw new InvalidArgumentError('hmacKey must be a secret key');
  if (options.signingKey.type !== 'private' || options.signingKey.asymmetricKeyType !== 'ed25519') {
    throw new InvalidArgumentError('signingKey must be an Ed25519 private key');
  }
  const { checkpointEvery, maxAppendAttempts, maxBatchRecords } = options;
  if (checkpointEvery !== undefined && (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1)) {
    throw new InvalidArgumentError('checkpointEvery must be a positive integer');
  }
  if (maxAppendAttempts !== undefined && (!Number.isSafeInteger(maxAppendAttempts) || maxAppendAttempts < 1)) {
    throw new InvalidArgumentError('maxAppendAttempts must be a positive integer');
  }
  if (maxBatchRecords !== undefined && (!Number.isSafeInteger(maxBatchRecords) || maxBatchRecords < 1)) {
    throw new InvalidArgumentError('maxBatchRecords must be a positive integer');
  }
}

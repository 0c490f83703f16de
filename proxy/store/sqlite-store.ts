import { SqliteError, type Database as SqliteDatabase, type Transaction } from 'better-sqlite3';
import type { AuditCheckpoint, AuditRecord } from '../audit/audit-storage.js';
import {
  ApprovalNotFoundError,
  ApprovalStateError,
  AuditSequenceError,
  DuplicateVoteError,
  GrantNotFoundError,
  InvalidArgumentError,
  StoreConflictError,
  StoreError,
} from '../core/errors.js';
import {
  type Approval,
  checkApprovalState,
  checkResolvedState,
  type NewApproval,
  type NewVote,
  type ResolvedApprovalState,
  validateNewApproval,
  validateNewVote,
} from './approval-record.js';
import { type ApproverToken, validateApproverToken } from './approver-token-record.js';
import { type Grant, type NewGrant, validateNewGrant } from './grant-record.js';
import { checkJsonObject, checkPositiveInteger, checkSha256Hex, checkText } from './record-fields.js';
import { openSqliteConnection, type SqliteStoreLocation, type StoreSync } from './sqlite-connection.js';
import {
  approvalFromRow,
  approverTokenFromRow,
  auditCheckpointFromRow,
  auditRecordFromRow,
  grantFromRow,
  type ApprovalRow,
  type VoteRow,
} from './sqlite-rows.js';
import { type AuditRecordInsert, prepareStatements, type SqliteStatements } from './sqlite-statements.js';
import type { ApprovalJoin, ListApprovalsOptions, ListGrantsOptions, ResolvedApprovalsPage, Store } from './store.js';
import { epochMs, isoTimestampOrUndefined } from './timestamps.js';

/** SqliteStoreOptions tune the SQLite store; the defaults suit `airlock serve` and the CLI beside it. */
export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process's write transaction to finish (SQLite's busy_timeout); default
   * 5000 ms. Transactions here last microseconds, so reaching it means another process is stuck holding the lock.
   */
  readonly busyTimeoutMs?: number;
  /** When a commit reaches the disk; default `normal`. See sqlite-connection.ts. */
  readonly sync?: StoreSync;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
const MAX_BATCH_IDS = 10_000;
// One append holds the write lock, which other processes wait for, while it inserts its records: a few ms at most.
const MAX_AUDIT_BATCH = 10_000;
// auditRecords reads the log a page at a time rather than holding one cursor open across `await`s, which would pin
// a read snapshot (and the WAL behind it) for as long as a slow consumer takes.
const AUDIT_PAGE_SIZE = 500;

/**
 * openSqliteStore opens (creating and migrating if needed) the SQLite store: `airlock.db` in the state directory
 * (created 0700; the file 0600), or the file named.
 *
 * Several processes may open the same file at once (`airlock serve` and `airlock approvals approve`): WAL lets
 * readers proceed beside one writer, every read-then-write runs in a `BEGIN IMMEDIATE` transaction, which takes the
 * write lock first, and a writer waits up to `busyTimeoutMs` for the lock.
 *
 * @throws StoreVersionError when the database comes from a newer Airlock
 * @throws StoreError when the file is unsafe, not a database, or cannot be opened in WAL mode
 */
export function openSqliteStore(location: SqliteStoreLocation, options: SqliteStoreOptions = {}): Store {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 0x7fffffff) {
    throw new InvalidArgumentError('busyTimeoutMs must be an integer from 0 to 2147483647');
  }
  const sync = options.sync ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new InvalidArgumentError("sync must be 'normal' or 'full'");
  const db = openSqliteConnection(location, busyTimeoutMs, sync);
  try {
    return new SqliteStore(db, prepareStatements(db));
  } catch (error) {
    db.close();
    throw error instanceof SqliteError
      ? new StoreError(`cannot prepare the store's statements: ${error.message}`, { cause: error })
      : error;
  }
}

/** SqliteStore is the Store over one better-sqlite3 connection. SQLite is synchronous; the Promises are the contract's. */
class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #statements: SqliteStatements;
  // The write paths' transactions are wrapped once: `db.transaction` builds new functions on every call, a cost the
  // audit append (one or two per proxied call) and the hold path would otherwise pay each time.
  readonly #createOrJoinApproval: Transaction<[NewApproval, number, number], ApprovalJoin>;
  readonly #recordVote: Transaction<[string, NewVote, number], Approval>;
  readonly #appendAuditRows: Transaction<[readonly AuditRecordInsert[]], void>;
  #closed = false;

  constructor(db: SqliteDatabase, statements: SqliteStatements) {
    this.#db = db;
    this.#statements = statements;
    this.#createOrJoinApproval = db.transaction(this.#createOrJoinApprovalSteps.bind(this));
    this.#recordVote = db.transaction(this.#recordVoteSteps.bind(this));
    this.#appendAuditRows = db.transaction(this.#appendAuditRowsSteps.bind(this));
  }

  async createOrJoinApproval(approval: NewApproval): Promise<ApprovalJoin> {
    const { createdAtMs, expiresAtMs } = validateNewApproval(approval);
    return this.#use(() => this.#createOrJoinApproval.immediate(approval, createdAtMs, expiresAtMs));
  }

  #createOrJoinApprovalSteps(approval: NewApproval, createdAtMs: number, expiresAtMs: number): ApprovalJoin {
    const existing = this.#statements.findJoinableApproval.get({ fingerprint: approval.fingerprint, now: createdAtMs });
    if (existing !== undefined) {
      return { approval: this.#withVotes(existing), joined: true };
    }
    insertOrConflict(`approval ${approval.id}`, () =>
      this.#statements.insertApproval.run({
        id: approval.id,
        fingerprint: approval.fingerprint,
        agentId: approval.agentId,
        agentOwner: approval.agentOwner,
        call: JSON.stringify(approval.call),
        reason: approval.reason,
        minApprovers: approval.requirement.minApprovers,
        approverGroups: JSON.stringify(approval.requirement.groups),
        timeoutSeconds: approval.requirement.timeoutSeconds,
        createdAt: createdAtMs,
        expiresAt: expiresAtMs,
      }),
    );
    return { approval: this.#requireApproval(approval.id), joined: false };
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    return this.#use(() => {
      const row = this.#statements.getApproval.get(id);
      return row === undefined ? undefined : this.#withVotes(row);
    });
  }

  async listApprovals(options: ListApprovalsOptions = {}): Promise<Approval[]> {
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (checkPositiveInteger('limit', limit) > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError(`limit must be at most ${MAX_LIST_LIMIT}`);
    }
    const state = options.state === undefined ? null : checkApprovalState(options.state);
    const agentId = options.agentId === undefined ? null : checkText('agentId', options.agentId);
    return this.#use(() =>
      // One read transaction, so the page and its votes come from the same snapshot.
      this.#db.transaction((): Approval[] => {
        let before: ApprovalRow | undefined;
        if (options.before !== undefined) {
          before = this.#statements.getApproval.get(options.before);
          if (before === undefined) {
            throw new ApprovalNotFoundError(`no approval ${options.before} to list from`);
          }
        }
        const rows = this.#statements.listApprovals.all({
          state,
          agentId,
          beforeCreatedAt: before?.created_at ?? null,
          beforeId: before?.id ?? null,
          limit,
        });
        return this.#withVotesOf(rows);
      })(),
    );
  }

  async recordVote(approvalId: string, vote: NewVote): Promise<Approval> {
    const atMs = validateNewVote(vote);
    return this.#use(() => this.#recordVote.immediate(approvalId, vote, atMs));
  }

  #recordVoteSteps(approvalId: string, vote: NewVote, atMs: number): Approval {
    const approval = this.#statements.getApproval.get(approvalId);
    if (approval === undefined) {
      throw new ApprovalNotFoundError(`no approval ${approvalId}`);
    }
    if (approval.state !== 'pending') {
      throw new ApprovalStateError(
        `approval ${approvalId} is ${approval.state}; it takes no more votes`,
        approval.state,
      );
    }
    if (approval.expires_at <= atMs) {
      throw new ApprovalStateError(`approval ${approvalId} ran out of time; it takes no more votes`, approval.state);
    }
    try {
      this.#statements.insertVote.run({
        approvalId,
        approverId: vote.approverId,
        approverGroups: JSON.stringify(vote.approverGroups),
        decision: vote.decision,
        comment: vote.comment ?? null,
        at: atMs,
      });
    } catch (error) {
      if (isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
        throw new DuplicateVoteError(`${vote.approverId} has already voted on approval ${approvalId}`);
      }
      throw error;
    }
    return this.#requireApproval(approvalId);
  }

  async resolveApproval(id: string, state: ResolvedApprovalState, at: string): Promise<boolean> {
    const resolved = checkResolvedState(state);
    const atMs = epochMs('at', at);
    return this.#use(() =>
      this.#changedOrKnown(this.#statements.resolveApproval.run({ id, state: resolved, at: atMs }).changes, id),
    );
  }

  async markApprovalUsed(id: string, at: string): Promise<boolean> {
    const atMs = epochMs('at', at);
    return this.#use(() => this.#changedOrKnown(this.#statements.markApprovalUsed.run({ id, at: atMs }).changes, id));
  }

  async expireDueApprovals(now: string): Promise<string[]> {
    const nowMs = epochMs('now', now);
    return this.#use(() => {
      // Waiting processes sweep several times a second; a read first spares them the write lock when nothing is due.
      if (this.#statements.anyApprovalDue.get({ now: nowMs })?.due !== 1) {
        return [];
      }
      return this.#statements.expireDueApprovals
        .all({ now: nowMs })
        .map((row) => row.id)
        .sort();
    });
  }

  async latestApprovalFor(fingerprint: string, now: string): Promise<Approval | undefined> {
    checkSha256Hex('fingerprint', fingerprint);
    const nowMs = epochMs('now', now);
    return this.#use(() =>
      this.#db.transaction((): Approval | undefined => {
        const row = this.#statements.latestApprovalFor.get({ fingerprint, now: nowMs });
        return row === undefined ? undefined : this.#withVotes(row);
      })(),
    );
  }

  async getApprovals(ids: readonly string[]): Promise<Approval[]> {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      throw new InvalidArgumentError('ids must be an array of strings');
    }
    if (ids.length > MAX_BATCH_IDS) {
      throw new InvalidArgumentError(`at most ${MAX_BATCH_IDS} ids at once`);
    }
    return this.#use(() =>
      this.#db.transaction((): Approval[] =>
        this.#withVotesOf(this.#statements.approvalsWithIds.all(JSON.stringify(ids))),
      )(),
    );
  }

  async lastResolutionSeq(): Promise<number> {
    return this.#use(() => this.#statements.lastResolutionSeq.get()?.seq ?? 0);
  }

  async approvalsResolvedAfter(seq: number, limit: number): Promise<ResolvedApprovalsPage> {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new InvalidArgumentError('seq must be a non-negative integer');
    }
    if (checkPositiveInteger('limit', limit) > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError(`limit must be at most ${MAX_LIST_LIMIT}`);
    }
    return this.#use(() =>
      this.#db.transaction((): ResolvedApprovalsPage => {
        const rows = this.#statements.approvalsResolvedAfter.all({ after: seq, limit });
        return { approvals: this.#withVotesOf(rows), lastSeq: rows.at(-1)?.resolution_seq ?? seq };
      })(),
    );
  }

  async nextPendingExpiry(): Promise<string | undefined> {
    return this.#use(() => isoTimestampOrUndefined(this.#statements.nextPendingExpiry.get()?.expires_at ?? null));
  }

  async createGrant(grant: NewGrant): Promise<Grant> {
    const { createdAtMs, expiresAtMs } = validateNewGrant(grant);
    return this.#use(() => {
      try {
        this.#statements.insertGrant.run({
          id: grant.id,
          approvalId: grant.approvalId ?? null,
          agentId: grant.agentId,
          iamAction: grant.iamAction,
          resource: grant.resource,
          createdBy: grant.createdBy,
          createdAt: createdAtMs,
          expiresAt: expiresAtMs,
          uses: grant.uses,
        });
      } catch (error) {
        if (isConstraintError(error, 'SQLITE_CONSTRAINT_FOREIGNKEY')) {
          throw new ApprovalNotFoundError(
            `grant ${grant.id} names approval ${String(grant.approvalId)}, which does not exist`,
          );
        }
        if (isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
          throw new StoreConflictError(`grant ${grant.id} already exists`);
        }
        throw error;
      }
      return this.#requireGrant(grant.id);
    });
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    return this.#use(() => {
      const row = this.#statements.getGrant.get(id);
      return row === undefined ? undefined : grantFromRow(row);
    });
  }

  async findUsableGrant(agentId: string, iamAction: string, resource: string, now: string): Promise<Grant | undefined> {
    const nowMs = epochMs('now', now);
    return this.#use(() => {
      const row = this.#statements.findUsableGrant.get({ agentId, iamAction, resource, now: nowMs });
      return row === undefined ? undefined : grantFromRow(row);
    });
  }

  async useGrant(id: string, at: string): Promise<boolean> {
    const atMs = epochMs('at', at);
    return this.#use(() => {
      if (this.#statements.useGrant.run({ id, at: atMs }).changes === 1) {
        return true;
      }
      this.#requireGrant(id);
      return false;
    });
  }

  async listGrants(options: ListGrantsOptions = {}): Promise<Grant[]> {
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (checkPositiveInteger('limit', limit) > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError(`limit must be at most ${MAX_LIST_LIMIT}`);
    }
    const agentId = options.agentId === undefined ? null : checkText('agentId', options.agentId);
    const activeAt = options.activeAt === undefined ? null : epochMs('activeAt', options.activeAt);
    return this.#use(() => this.#statements.listGrants.all({ agentId, activeAt, limit }).map(grantFromRow));
  }

  async putApproverToken(token: ApproverToken): Promise<void> {
    const { createdAtMs, expiresAtMs } = validateApproverToken(token);
    this.#use(() =>
      insertOrConflict(`approver token ${token.id} (or its hash)`, () =>
        this.#statements.insertApproverToken.run({
          id: token.id,
          tokenHash: token.tokenHash,
          approverId: token.approverId,
          approverGroups: JSON.stringify(token.groups),
          createdAt: createdAtMs,
          expiresAt: expiresAtMs,
        }),
      ),
    );
  }

  async findApproverTokenByHash(tokenHash: string, now: string): Promise<ApproverToken | undefined> {
    checkSha256Hex('tokenHash', tokenHash);
    const nowMs = epochMs('now', now);
    return this.#use(() => {
      const row = this.#statements.findApproverTokenByHash.get({ tokenHash, now: nowMs });
      return row === undefined ? undefined : approverTokenFromRow(row);
    });
  }

  async revokeApproverToken(id: string): Promise<boolean> {
    return this.#use(() => this.#statements.deleteApproverToken.run(id).changes === 1);
  }

  async appendAuditRecords(records: readonly AuditRecord[]): Promise<void> {
    if (!Array.isArray(records)) {
      throw new InvalidArgumentError('records must be an array');
    }
    if (records.length > MAX_AUDIT_BATCH) {
      throw new InvalidArgumentError(`at most ${MAX_AUDIT_BATCH} audit records at once`);
    }
    const rows = records.map(auditRecordInsert);
    this.#use(() => {
      if (rows.length > 0) {
        this.#appendAuditRows.immediate(rows);
      }
    });
  }

  /** #appendAuditRowsSteps inserts rows that must continue the stored log one by one; one out of place undoes all. */
  #appendAuditRowsSteps(rows: readonly AuditRecordInsert[]): void {
    let last = this.#statements.lastAuditSeq.get()?.seq ?? 0;
    for (const row of rows) {
      if (row.seq !== last + 1) {
        throw new AuditSequenceError(`audit record ${row.seq} cannot follow record ${last}; the next is ${last + 1}`);
      }
      this.#statements.insertAuditRecord.run(row.seq, row.at, row.kind, row.data, row.prevHash, row.hash);
      last = row.seq;
    }
  }

  async lastAuditRecord(): Promise<AuditRecord | undefined> {
    return this.#use(() => {
      const row = this.#statements.lastAuditRecord.get();
      return row === undefined ? undefined : auditRecordFromRow(row);
    });
  }

  async *auditRecords(fromSeq: number): AsyncIterable<AuditRecord> {
    if (!Number.isSafeInteger(fromSeq)) {
      throw new InvalidArgumentError('fromSeq must be an integer');
    }
    let next = fromSeq;
    for (;;) {
      const rows = this.#use(() => this.#statements.auditRecordsFrom.all({ fromSeq: next, limit: AUDIT_PAGE_SIZE }));
      for (const row of rows) {
        yield auditRecordFromRow(row);
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < AUDIT_PAGE_SIZE) {
        return;
      }
      next = last.seq + 1;
    }
  }

  async appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    const seq = checkPositiveInteger('seq', checkpoint.seq);
    checkSha256Hex('hash', checkpoint.hash);
    epochMs('at', checkpoint.at);
    checkText('signature', checkpoint.signature);
    this.#use(() =>
      insertOrConflict(`audit checkpoint at ${seq}`, () =>
        this.#statements.insertAuditCheckpoint.run({
          seq,
          hash: checkpoint.hash,
          at: checkpoint.at,
          signature: checkpoint.signature,
        }),
      ),
    );
  }

  async auditCheckpoints(): Promise<AuditCheckpoint[]> {
    return this.#use(() => this.#statements.auditCheckpoints.all().map(auditCheckpointFromRow));
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
  }

  /** #use runs one step against the open database; SQLite's own failures leave as StoreError. */
  #use<Result>(step: () => Result): Result {
    if (this.#closed) {
      throw new StoreError('the store is closed');
    }
    try {
      return step();
    } catch (error) {
      if (error instanceof SqliteError) {
        throw new StoreError(`the database failed: ${error.message} (${error.code})`, { cause: error });
      }
      throw error;
    }
  }

  #withVotes(row: ApprovalRow): Approval {
    return approvalFromRow(row, this.#statements.votesOfApproval.all(row.id));
  }

  /** #withVotesOf builds several approvals with one query for all their votes; call it inside a transaction. */
  #withVotesOf(rows: readonly ApprovalRow[]): Approval[] {
    const votesByApproval = new Map<string, VoteRow[]>(rows.map((row) => [row.id, []]));
    for (const vote of this.#statements.votesOfApprovals.all(JSON.stringify(rows.map((row) => row.id)))) {
      votesByApproval.get(vote.approval_id)?.push(vote);
    }
    return rows.map((row) => approvalFromRow(row, votesByApproval.get(row.id) ?? []));
  }

  #requireApproval(id: string): Approval {
    const row = this.#statements.getApproval.get(id);
    if (row === undefined) {
      throw new ApprovalNotFoundError(`no approval ${id}`);
    }
    return this.#withVotes(row);
  }

  #requireGrant(id: string): Grant {
    const row = this.#statements.getGrant.get(id);
    if (row === undefined) {
      throw new GrantNotFoundError(`no grant ${id}`);
    }
    return grantFromRow(row);
  }

  /** #changedOrKnown turns a guarded update's count into its answer, telling "not allowed" from "no such approval". */
  #changedOrKnown(changes: number, id: string): boolean {
    if (changes === 1) {
      return true;
    }
    if (this.#statements.getApproval.get(id) === undefined) {
      throw new ApprovalNotFoundError(`no approval ${id}`);
    }
    return false;
  }
}

/** auditRecordInsert checks a record's fields and gives its row; InvalidArgumentError names the bad field. */
function auditRecordInsert(record: AuditRecord): AuditRecordInsert {
  const seq = checkPositiveInteger('seq', record.seq);
  epochMs('at', record.at);
  checkText('kind', record.kind, 128);
  const data = checkJsonObject('data', record.data);
  checkSha256Hex('prevHash', record.prevHash);
  checkSha256Hex('hash', record.hash);
  return { seq, at: record.at, kind: record.kind, data, prevHash: record.prevHash, hash: record.hash };
}

function isConstraintError(error: unknown, code: string): boolean {
  return error instanceof SqliteError && error.code === code;
}

/** insertOrConflict runs an insert, reporting a taken primary key or unique value as StoreConflictError. */
function insertOrConflict(what: string, insert: () => unknown): void {
  try {
    insert();
  } catch (error) {
    if (
      isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY') ||
      isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE')
    ) {
      throw new StoreConflictError(`${what} already exists`);
    }
    throw error;
  }
}

/**
 * AuditStorage is what the audit chain needs from durable storage; the Store implements it. Records are appended in
 * sequence order and never changed: the chain itself, not the storage, is what proves that.
 */
export interface AuditStorage {
  /**
   * appendAuditRecords persists `records`, in order, in one write transaction, durably before resolving: all of them
   * or, when it rejects, none. An empty list writes nothing.
   * @throws when the first record's `seq` is not exactly one more than the last stored record's (or 1 for the
   *   first), or the others' do not follow it one by one
   */
  appendAuditRecords(records: readonly AuditRecord[]): Promise<void>;
  lastAuditRecord(): Promise<AuditRecord | undefined>;
  /** auditRecords yields the records with `seq >= fromSeq`, in order. */
  auditRecords(fromSeq: number): AsyncIterable<AuditRecord>;
  appendAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  auditCheckpoints(): Promise<AuditCheckpoint[]>;
}

/** AuditRecord is one entry of the hash chain, as stored. */
export interface AuditRecord {
  /** 1, 2, 3, … with no gaps. */
  readonly seq: number;
  /** ISO 8601 UTC with milliseconds. */
  readonly at: string;
  /** What happened: `decision`, `approval.created`, `approval.vote`, `approval.resolved`, `grant.used`, `forwarded`, … */
  readonly kind: string;
  /** The facts of the entry, JSON; never a secret. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The previous record's `hash`, or 64 zeros for the first. */
  readonly prevHash: string;
  /** Lower-case hex HMAC-SHA-256 over the record's canonical form (see proxy/audit). */
  readonly hash: string;
}

/** AuditCheckpoint signs the chain's head at `seq`, so a truncated log shows. */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  /** Base64 signature over `seq`, `hash` and `at` with Airlock's audit signing key. */
  readonly signature: string;
}

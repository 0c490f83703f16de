import type { KeyObject } from 'node:crypto';
import { auditRecordHash, GENESIS_HASH, isAuditCheckpointSignatureValid } from './audit-chain.js';
import type { AuditCheckpoint, AuditRecord, AuditStorage } from './audit-storage.js';

/**
 * AuditFault says what is wrong at the first bad entry:
 *
 * | fault                      | found                                              | usually means               |
 * | -------------------------- | -------------------------------------------------- | --------------------------- |
 * | `malformed`                | a field is not of the type the chain writes        | edited                      |
 * | `gap`                      | record `seq` is missing: a later one comes instead | deleted                     |
 * | `out-of-order`             | a record comes after one with a higher `seq`       | moved, or duplicated        |
 * | `hash-mismatch`            | the hash is not the HMAC of the record's fields    | edited, or another key      |
 * | `broken-link`              | `prevHash` is not the previous record's hash       | spliced in from elsewhere   |
 * | `bad-checkpoint-signature` | a checkpoint's signature does not verify           | forged, or another key      |
 * | `checkpoint-mismatch`      | the record a checkpoint signed has another hash    | rewritten with the HMAC key |
 * | `truncated`                | a checkpoint signed a record the log no longer has | the tail was deleted        |
 */
export type AuditFault =
  | 'malformed'
  | 'gap'
  | 'out-of-order'
  | 'hash-mismatch'
  | 'broken-link'
  | 'bad-checkpoint-signature'
  | 'checkpoint-mismatch'
  | 'truncated';

/** AuditVerification is verifyAuditLog's answer. */
export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly checkpoints: number }
  | { readonly ok: false; readonly firstBad: AuditFaultReport };

/** AuditFaultReport names the first bad entry: the record `seq` (for a checkpoint, the record it signs). */
export interface AuditFaultReport {
  readonly seq: number;
  readonly reason: AuditFault;
  /** One sentence for people, naming records by `seq` and never quoting their data. */
  readonly message: string;
}

/** VerifyAuditLogOptions are the keys verification needs: the HMAC key, and the signing key's public half only. */
export interface VerifyAuditLogOptions {
  readonly hmacKey: KeyObject;
  readonly signingPublicKey: KeyObject;
}

/**
 * verifyAuditLog walks the whole chain from record 1, streaming, and stops at the first bad entry. For each record
 * it checks, in order: the fields' types, that `seq` is the next, that `hash` is the HMAC of the record, that
 * `prevHash` is the previous record's hash, and each checkpoint at that `seq` (its signature, and that it signed
 * this record's hash). Then checkpoints past the last record: a genuine one means the log was cut short.
 *
 * What a pass proves, and what it does not, is in this folder's README: in short, nobody without the HMAC key
 * changed the records, and nobody without the signing key removed records up to the newest stored checkpoint.
 */
export async function verifyAuditLog(
  storage: AuditStorage,
  options: VerifyAuditLogOptions,
): Promise<AuditVerification> {
  const checkpoints = await storage.auditCheckpoints();
  const unvisited = new Map<number, AuditCheckpoint[]>();
  for (const checkpoint of checkpoints) {
    const atSeq = unvisited.get(checkpoint.seq);
    if (atSeq === undefined) unvisited.set(checkpoint.seq, [checkpoint]);
    else atSeq.push(checkpoint);
  }

  let previous = { seq: 0, hash: GENESIS_HASH };
  for await (const record of storage.auditRecords(1)) {
    const fault = recordFault(record, previous, options.hmacKey);
    if (fault !== undefined) return { ok: false, firstBad: fault };
    for (const checkpoint of unvisited.get(record.seq) ?? []) {
      const checkpointFault = checkpointFaultAt(record, checkpoint, options.signingPublicKey);
      if (checkpointFault !== undefined) return { ok: false, firstBad: checkpointFault };
    }
    unvisited.delete(record.seq);
    previous = { seq: record.seq, hash: record.hash };
  }

  const beyond = [...unvisited.values()].flat().sort((a, b) => a.seq - b.seq);
  const genuine = beyond.find((checkpoint) => isAuditCheckpointSignatureValid(options.signingPublicKey, checkpoint));
  if (genuine !== undefined) {
    const seq = previous.seq + 1;
    return fail(seq, 'truncated', `record ${seq} is missing: a checkpoint signed record ${genuine.seq}`);
  }
  const forged = beyond[0];
  if (forged !== undefined) {
    return fail(forged.seq, 'bad-checkpoint-signature', `checkpoint of record ${forged.seq} has a bad signature`);
  }
  return { ok: true, records: previous.seq, checkpoints: checkpoints.length };
}

function recordFault(
  record: AuditRecord,
  previous: { readonly seq: number; readonly hash: string },
  hmacKey: KeyObject,
): AuditFaultReport | undefined {
  const expected = previous.seq + 1;
  if (!isWellTyped(record)) return fault(expected, 'malformed', `record ${expected} has fields of the wrong type`);
  if (record.seq < expected) {
    return fault(record.seq, 'out-of-order', `record ${record.seq} comes after record ${previous.seq}`);
  }
  if (record.seq > expected) {
    return fault(expected, 'gap', `record ${expected} is missing: record ${record.seq} follows record ${previous.seq}`);
  }
  let hash: string | undefined;
  try {
    hash = auditRecordHash(hmacKey, record);
  } catch {
    return fault(record.seq, 'malformed', `record ${record.seq} has data that is not plain JSON`);
  }
  if (hash !== record.hash) {
    return fault(
      record.seq,
      'hash-mismatch',
      `record ${record.seq} does not match its hash: it was edited, or written with another audit key`,
    );
  }
  if (record.prevHash !== previous.hash) {
    return fault(record.seq, 'broken-link', `record ${record.seq} does not link to record ${previous.seq}`);
  }
  return undefined;
}

function checkpointFaultAt(
  record: AuditRecord,
  checkpoint: AuditCheckpoint,
  signingPublicKey: KeyObject,
): AuditFaultReport | undefined {
  if (!isAuditCheckpointSignatureValid(signingPublicKey, checkpoint)) {
    return fault(record.seq, 'bad-checkpoint-signature', `checkpoint of record ${record.seq} has a bad signature`);
  }
  if (checkpoint.hash !== record.hash) {
    return fault(
      record.seq,
      'checkpoint-mismatch',
      `record ${record.seq} is not the record its checkpoint signed: the chain was rewritten from here or earlier`,
    );
  }
  return undefined;
}

function isWellTyped(record: AuditRecord): boolean {
  return (
    Number.isSafeInteger(record.seq) &&
    typeof record.at === 'string' &&
    typeof record.kind === 'string' &&
    typeof record.prevHash === 'string' &&
    typeof record.hash === 'string' &&
    typeof record.data === 'object' &&
    record.data !== null &&
    !Array.isArray(record.data)
  );
}

function fault(seq: number, reason: AuditFault, message: string): AuditFaultReport {
  return { seq, reason, message };
}

function fail(seq: number, reason: AuditFault, message: string): AuditVerification {
  return { ok: false, firstBad: fault(seq, reason, message) };
}

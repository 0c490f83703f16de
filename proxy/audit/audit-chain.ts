import { createHmac, type KeyObject, sign, verify } from 'node:crypto';
import type { AuditCheckpoint, AuditRecord } from './audit-storage.js';
import { canonicalJson } from './canonical-json.js';

/** GENESIS_HASH is the `prevHash` of record 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** AuditRecordFields are the fields a record's hash covers: all of them but the hash. */
export type AuditRecordFields = Omit<AuditRecord, 'hash'>;

/**
 * auditRecordHash is a record's `hash`: lower-case hex HMAC-SHA-256, under the audit key, of the canonical JSON of
 * `{ at, data, kind, prevHash, seq }`. `seq` and `prevHash` inside the MAC chain each record to its place.
 *
 * @throws AuditDataError when `data` is not plain JSON (never for data that came through AuditLog or a JSON store)
 */
export function auditRecordHash(hmacKey: KeyObject, record: AuditRecordFields): string {
  const { seq, at, kind, data, prevHash } = record;
  return createHmac('sha256', hmacKey).update(canonicalJson({ at, data, kind, prevHash, seq }, 'record')).digest('hex');
}

/**
 * chainedRecordHash is auditRecordHash of a record whose `data` is already in canonical JSON (`canonicalData`): the
 * record's canonical form is written around it, members in canonicalJson's order, instead of encoding it again.
 */
export function chainedRecordHash(
  hmacKey: KeyObject,
  record: Omit<AuditRecordFields, 'data'>,
  canonicalData: string,
): string {
  const { seq, at, kind, prevHash } = record;
  const text = `{"at":${JSON.stringify(at)},"data":${canonicalData},"kind":${JSON.stringify(kind)},"prevHash":${JSON.stringify(prevHash)},"seq":${canonicalJson(seq, 'record.seq')}}`;
  return createHmac('sha256', hmacKey).update(text).digest('hex');
}

/**
 * checkpointMessage is the text a checkpoint's signature covers: the canonical JSON of `{ at, hash, seq }`, UTF-8.
 */
function checkpointMessage(checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer {
  const { seq, hash, at } = checkpoint;
  return Buffer.from(canonicalJson({ at, hash, seq }, 'checkpoint'), 'utf8');
}

/** signAuditCheckpoint signs the head `seq`/`hash` at time `at` with the Ed25519 signing key. */
export function signAuditCheckpoint(
  signingKey: KeyObject,
  head: { readonly seq: number; readonly hash: string },
  at: string,
): AuditCheckpoint {
  const unsigned = { seq: head.seq, hash: head.hash, at };
  return { ...unsigned, signature: sign(null, checkpointMessage(unsigned), signingKey).toString('base64') };
}

/** isAuditCheckpointSignatureValid tells whether `checkpoint.signature` is the signing key's over its fields. */
export function isAuditCheckpointSignatureValid(signingPublicKey: KeyObject, checkpoint: AuditCheckpoint): boolean {
  try {
    return verify(null, checkpointMessage(checkpoint), signingPublicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    // A stored checkpoint whose fields are not JSON values, or not strings, was not written by AuditLog.
    return false;
  }
}

/**
 * audit: the tamper-evident log of every decision. AuditLog appends HMAC-chained records to an AuditStorage (the
 * Store) and signs checkpoints; verifyAuditLog checks a log with the HMAC key and the signing public key;
 * exportAuditLog writes it out as JSON lines.
 */
export {
  AUDIT_KEY_ENV,
  AUDIT_KEY_FILE,
  AUDIT_SIGNING_KEY_FILE,
  type AuditKeys,
  type LoadAuditKeysOptions,
  loadAuditKeys,
  readAuditSigningPublicKey,
} from './audit-keys.js';
export { AuditLog, type AuditLogOptions } from './audit-log.js';
export type { AuditCheckpoint, AuditRecord, AuditStorage } from './audit-storage.js';
export { type AuditExportFormat, exportAuditLog, type ExportAuditLogOptions } from './export-audit-log.js';
export { AUDIT_REDACTED, isSecretLookingName } from './secret-names.js';
export {
  type AuditFault,
  type AuditFaultReport,
  type AuditVerification,
  verifyAuditLog,
  type VerifyAuditLogOptions,
} from './verify-audit-log.js';

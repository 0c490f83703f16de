/**
 * store: Airlock's durable state (approvals and their votes, grants, approver tokens, the audit log) behind the
 * `Store` interface, with SQLite under the state directory as the embedded implementation.
 */
export {
  APPROVAL_STATES,
  type Approval,
  type ApprovalDecision,
  type ApprovalVote,
  type NewApproval,
  type NewVote,
  type ResolvedApprovalState,
} from './approval-record.js';
export { type ApproverToken } from './approver-token-record.js';
export { type Grant, type GrantUses, type NewGrant } from './grant-record.js';
export { SCHEMA_VERSION } from './sqlite-schema.js';
export { STORE_FILE, type SqliteStoreLocation, type StoreSync } from './sqlite-connection.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export {
  type ApprovalJoin,
  type ListApprovalsOptions,
  type ListGrantsOptions,
  type ResolvedApprovalsPage,
  type Store,
} from './store.js';

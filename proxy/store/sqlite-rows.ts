import type { AuditCheckpoint, AuditRecord } from '../audit/audit-storage.js';
import type { ApprovalState } from '../approvals/index.js';
import type { Approval, ApprovalDecision, ApprovalVote } from './approval-record.js';
import type { ApproverToken } from './approver-token-record.js';
import type { Grant, GrantUses } from './grant-record.js';
import { parseJsonObject, parseStringArray } from './record-fields.js';
import { isoTimestamp, isoTimestampOrUndefined } from './timestamps.js';

// The rows of sqlite-schema.ts as better-sqlite3 returns them, and their conversion to the store's records. The
// TEXT columns that hold a closed set of values are typed as that set: the schema's CHECK constraints keep them so.

/** ApprovalRow is a row of `approvals`. */
export interface ApprovalRow {
  readonly id: string;
  readonly fingerprint: string;
  readonly agent_id: string;
  readonly agent_owner: string;
  readonly call: string;
  readonly reason: string;
  readonly min_approvers: number;
  readonly approver_groups: string;
  readonly timeout_seconds: number;
  readonly state: ApprovalState;
  readonly created_at: number;
  readonly expires_at: number;
  readonly resolved_at: number | null;
  readonly used_at: number | null;
  /** Numbers resolutions in commit order (see sqlite-schema.ts); null while pending. */
  readonly resolution_seq: number | null;
}

/** VoteRow is a row of `approval_votes`. */
export interface VoteRow {
  readonly approval_id: string;
  readonly approver_id: string;
  readonly approver_groups: string;
  readonly decision: ApprovalDecision;
  readonly comment: string | null;
  readonly at: number;
}

/** GrantRow is a row of `grants`. */
export interface GrantRow {
  readonly id: string;
  readonly approval_id: string | null;
  readonly agent_id: string;
  readonly iam_action: string;
  readonly resource: string;
  readonly created_by: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly uses: GrantUses;
  readonly use_count: number;
  readonly last_used_at: number | null;
}

/** ApproverTokenRow is a row of `approver_tokens`. */
export interface ApproverTokenRow {
  readonly id: string;
  readonly token_hash: string;
  readonly approver_id: string;
  readonly approver_groups: string;
  readonly created_at: number;
  readonly expires_at: number | null;
}

/** AuditRecordRow is a row of `audit_records`. */
export interface AuditRecordRow {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly data: string;
  readonly prev_hash: string;
  readonly hash: string;
}

/** AuditCheckpointRow is a row of `audit_checkpoints`; its columns are the record's fields. */
export type AuditCheckpointRow = AuditCheckpoint;

/** approvalFromRow builds an approval from its row and its vote rows (already in order). */
export function approvalFromRow(row: ApprovalRow, votes: readonly VoteRow[]): Approval {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    agentId: row.agent_id,
    agentOwner: row.agent_owner,
    call: parseJsonObject(row.call),
    reason: row.reason,
    requirement: {
      minApprovers: row.min_approvers,
      groups: parseStringArray(row.approver_groups),
      timeoutSeconds: row.timeout_seconds,
    },
    createdAt: isoTimestamp(row.created_at),
    expiresAt: isoTimestamp(row.expires_at),
    state: row.state,
    ...optional('resolvedAt', isoTimestampOrUndefined(row.resolved_at)),
    ...optional('usedAt', isoTimestampOrUndefined(row.used_at)),
    votes: votes.map(voteFromRow),
  };
}

function voteFromRow(row: VoteRow): ApprovalVote {
  return {
    approverId: row.approver_id,
    approverGroups: parseStringArray(row.approver_groups),
    decision: row.decision,
    ...optional('comment', row.comment ?? undefined),
    at: isoTimestamp(row.at),
  };
}

/** grantFromRow builds a grant from its row. */
export function grantFromRow(row: GrantRow): Grant {
  return {
    id: row.id,
    ...optional('approvalId', row.approval_id ?? undefined),
    agentId: row.agent_id,
    iamAction: row.iam_action,
    resource: row.resource,
    createdBy: row.created_by,
    createdAt: isoTimestamp(row.created_at),
    expiresAt: isoTimestamp(row.expires_at),
    uses: row.uses,
    useCount: row.use_count,
    ...optional('lastUsedAt', isoTimestampOrUndefined(row.last_used_at)),
  };
}

/** approverTokenFromRow builds an approver token from its row. */
export function approverTokenFromRow(row: ApproverTokenRow): ApproverToken {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    approverId: row.approver_id,
    groups: parseStringArray(row.approver_groups),
    createdAt: isoTimestamp(row.created_at),
    ...optional('expiresAt', isoTimestampOrUndefined(row.expires_at)),
  };
}

/** auditRecordFromRow builds an audit record from its row, `at` and `data` exactly as appended. */
export function auditRecordFromRow(row: AuditRecordRow): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    kind: row.kind,
    data: parseJsonObject(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** auditCheckpointFromRow copies a checkpoint row into a fresh object. */
export function auditCheckpointFromRow(row: AuditCheckpointRow): AuditCheckpoint {
  return { seq: row.seq, hash: row.hash, at: row.at, signature: row.signature };
}

// A SQL NULL becomes an absent property rather than one set to undefined, so records compare and serialise the same
// way whether they came from the store or from the caller.
function optional<Key extends string, Value>(key: Key, value: Value | undefined): { [K in Key]?: Value } {
  return value === undefined ? {} : ({ [key]: value } as { [K in Key]?: Value });
}

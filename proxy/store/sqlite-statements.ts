import type { Database, Statement } from 'better-sqlite3';
import type { ApprovalState } from '../approvals/index.js';
import type { ResolvedApprovalState } from './approval-record.js';
import type { GrantUses } from './grant-record.js';
import type {
  ApprovalRow,
  ApproverTokenRow,
  AuditCheckpointRow,
  AuditRecordRow,
  GrantRow,
  VoteRow,
} from './sqlite-rows.js';

/** ApprovalInsert binds a new approval's row (times in epoch milliseconds, JSON as text). */
export interface ApprovalInsert {
  readonly id: string;
  readonly fingerprint: string;
  readonly agentId: string;
  readonly agentOwner: string;
  readonly call: string;
  readonly reason: string;
  readonly minApprovers: number;
  readonly approverGroups: string;
  readonly timeoutSeconds: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** AuditRecordInsert binds an audit record's row: `data` as the JSON text its hash was computed over. */
export interface AuditRecordInsert {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly data: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** ApprovalListQuery binds a page of `listApprovals`; null means "no filter". */
export interface ApprovalListQuery {
  readonly state: ApprovalState | null;
  readonly agentId: string | null;
  readonly beforeCreatedAt: number | null;
  readonly beforeId: string | null;
  readonly limit: number;
}

/** GrantListQuery binds `listGrants`; null means "no filter". */
export interface GrantListQuery {
  readonly agentId: string | null;
  readonly activeAt: number | null;
  readonly limit: number;
}

/**
 * SqliteStatements are every statement the store runs, prepared once when the store opens. Guarded updates carry
 * their guard in the WHERE clause, so the check and the change are one step and `changes` says whether it applied.
 */
export interface SqliteStatements {
  readonly insertApproval: Statement<[ApprovalInsert]>;
  readonly findJoinableApproval: Statement<[{ fingerprint: string; now: number }], ApprovalRow>;
  readonly getApproval: Statement<[string], ApprovalRow>;
  readonly listApprovals: Statement<[ApprovalListQuery], ApprovalRow>;
  readonly votesOfApproval: Statement<[string], VoteRow>;
  /** Takes a JSON array of approval ids. */
  readonly votesOfApprovals: Statement<[string], VoteRow>;
  readonly insertVote: Statement<
    [
      {
        approvalId: string;
        approverId: string;
        approverGroups: string;
        decision: string;
        comment: string | null;
        at: number;
      },
    ]
  >;
  readonly resolveApproval: Statement<[{ id: string; state: ResolvedApprovalState; at: number }]>;
  readonly markApprovalUsed: Statement<[{ id: string; at: number }]>;
  readonly expireDueApprovals: Statement<[{ now: number }], { id: string }>;
  readonly anyApprovalDue: Statement<[{ now: number }], { due: number }>;
  readonly latestApprovalFor: Statement<[{ fingerprint: string; now: number }], ApprovalRow>;
  /** Takes a JSON array of approval ids. */
  readonly approvalsWithIds: Statement<[string], ApprovalRow>;
  readonly lastResolutionSeq: Statement<[], { seq: number }>;
  readonly approvalsResolvedAfter: Statement<[{ after: number; limit: number }], ApprovalRow>;
  readonly nextPendingExpiry: Statement<[], { expires_at: number | null }>;

  readonly insertGrant: Statement<
    [
      {
        id: string;
        approvalId: string | null;
        agentId: string;
        iamAction: string;
        resource: string;
        createdBy: string;
        createdAt: number;
        expiresAt: number;
        uses: GrantUses;
      },
    ]
  >;
  readonly getGrant: Statement<[string], GrantRow>;
  readonly findUsableGrant: Statement<
    [{ agentId: string; iamAction: string; resource: string; now: number }],
    GrantRow
  >;
  readonly useGrant: Statement<[{ id: string; at: number }]>;
  readonly listGrants: Statement<[GrantListQuery], GrantRow>;

  readonly insertApproverToken: Statement<
    [
      {
        id: string;
        tokenHash: string;
        approverId: string;
        approverGroups: string;
        createdAt: number;
        expiresAt: number | null;
      },
    ]
  >;
  readonly findApproverTokenByHash: Statement<[{ tokenHash: string; now: number }], ApproverTokenRow>;
  readonly deleteApproverToken: Statement<[string]>;

  readonly lastAuditSeq: Statement<[], { seq: number }>;
  readonly lastAuditRecord: Statement<[], AuditRecordRow>;
  /** Bound by position (seq, at, kind, data, prev_hash, hash): every call inserts rows, and names cost more. */
  readonly insertAuditRecord: Statement<[number, string, string, string, string, string]>;
  readonly auditRecordsFrom: Statement<[{ fromSeq: number; limit: number }], AuditRecordRow>;
  readonly insertAuditCheckpoint: Statement<[AuditCheckpointRow]>;
  readonly auditCheckpoints: Statement<[], AuditCheckpointRow>;
}

/** prepareStatements prepares the store's statements against a migrated database. */
export function prepareStatements(db: Database): SqliteStatements {
  return {
    insertApproval: db.prepare(`
      INSERT INTO approvals (id, fingerprint, agent_id, agent_owner, call, reason, min_approvers, approver_groups,
                             timeout_seconds, state, created_at, expires_at)
      VALUES (@id, @fingerprint, @agentId, @agentOwner, @call, @reason, @minApprovers, @approverGroups,
              @timeoutSeconds, 'pending', @createdAt, @expiresAt)`),
    // An approved, unused approval first: a retry that arrives after the humans said yes goes through on it.
    findJoinableApproval: db.prepare(`
      SELECT * FROM approvals
      WHERE fingerprint = @fingerprint
        AND ((state = 'pending' AND expires_at > @now) OR (state = 'approved' AND used_at IS NULL))
      ORDER BY state = 'approved' DESC, created_at DESC, id DESC
      LIMIT 1`),
    getApproval: db.prepare('SELECT * FROM approvals WHERE id = ?'),
    listApprovals: db.prepare(`
      SELECT * FROM approvals
      WHERE (@state IS NULL OR state = @state)
        AND (@agentId IS NULL OR agent_id = @agentId)
        AND (@beforeCreatedAt IS NULL OR created_at < @beforeCreatedAt
             OR (created_at = @beforeCreatedAt AND id < @beforeId))
      ORDER BY created_at DESC, id DESC
      LIMIT @limit`),
    votesOfApproval: db.prepare('SELECT * FROM approval_votes WHERE approval_id = ? ORDER BY at, rowid'),
    votesOfApprovals: db.prepare(`
      SELECT * FROM approval_votes
      WHERE approval_id IN (SELECT value FROM json_each(?))
      ORDER BY at, rowid`),
    insertVote: db.prepare(`
      INSERT INTO approval_votes (approval_id, approver_id, approver_groups, decision, comment, at)
      VALUES (@approvalId, @approverId, @approverGroups, @decision, @comment, @at)`),
    resolveApproval: db.prepare(`
      UPDATE approvals SET state = @state, resolved_at = @at
      WHERE id = @id AND state = 'pending'
        AND CASE @state WHEN 'expired' THEN expires_at <= @at WHEN 'cancelled' THEN 1 ELSE expires_at > @at END`),
    markApprovalUsed: db.prepare(`
      UPDATE approvals SET used_at = @at WHERE id = @id AND state = 'approved' AND used_at IS NULL`),
    expireDueApprovals: db.prepare(`
      UPDATE approvals SET state = 'expired', resolved_at = @now
      WHERE state = 'pending' AND expires_at <= @now
      RETURNING id`),
    anyApprovalDue: db.prepare(`
      SELECT EXISTS (SELECT 1 FROM approvals WHERE state = 'pending' AND expires_at <= @now) AS due`),
    latestApprovalFor: db.prepare(`
      SELECT * FROM approvals
      WHERE fingerprint = @fingerprint AND created_at <= @now
      ORDER BY created_at DESC, id DESC
      LIMIT 1`),
    approvalsWithIds: db.prepare('SELECT * FROM approvals WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id'),
    lastResolutionSeq: db.prepare('SELECT coalesce(max(resolution_seq), 0) AS seq FROM approvals'),
    approvalsResolvedAfter: db.prepare(`
      SELECT * FROM approvals WHERE resolution_seq > @after ORDER BY resolution_seq LIMIT @limit`),
    nextPendingExpiry: db.prepare("SELECT min(expires_at) AS expires_at FROM approvals WHERE state = 'pending'"),

    insertGrant: db.prepare(`
      INSERT INTO grants (id, approval_id, agent_id, iam_action, resource, created_by, created_at, expires_at, uses)
      VALUES (@id, @approvalId, @agentId, @iamAction, @resource, @createdBy, @createdAt, @expiresAt, @uses)`),
    getGrant: db.prepare('SELECT * FROM grants WHERE id = ?'),
    // An until-expiry grant first, as using it consumes nothing; then the grant that would lapse soonest.
    findUsableGrant: db.prepare(`
      SELECT * FROM grants
      WHERE agent_id = @agentId AND iam_action = @iamAction AND resource = @resource
        AND created_at <= @now AND expires_at > @now
        AND (uses = 'until-expiry' OR use_count = 0)
      ORDER BY uses = 'until-expiry' DESC, expires_at, id
      LIMIT 1`),
    useGrant: db.prepare(`
      UPDATE grants SET use_count = use_count + 1, last_used_at = @at
      WHERE id = @id AND created_at <= @at AND expires_at > @at AND (uses = 'until-expiry' OR use_count = 0)`),
    // "Active" is exactly what findUsableGrant would take: in force and not used up.
    listGrants: db.prepare(`
      SELECT * FROM grants
      WHERE (@agentId IS NULL OR agent_id = @agentId)
        AND (@activeAt IS NULL
             OR (created_at <= @activeAt AND expires_at > @activeAt AND (uses = 'until-expiry' OR use_count = 0)))
      ORDER BY created_at DESC, id DESC
      LIMIT @limit`),

    insertApproverToken: db.prepare(`
      INSERT INTO approver_tokens (id, token_hash, approver_id, approver_groups, created_at, expires_at)
      VALUES (@id, @tokenHash, @approverId, @approverGroups, @createdAt, @expiresAt)`),
    findApproverTokenByHash: db.prepare(`
      SELECT * FROM approver_tokens
      WHERE token_hash = @tokenHash AND (expires_at IS NULL OR expires_at > @now)`),
    deleteApproverToken: db.prepare('DELETE FROM approver_tokens WHERE id = ?'),

    lastAuditSeq: db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM audit_records'),
    lastAuditRecord: db.prepare('SELECT * FROM audit_records ORDER BY seq DESC LIMIT 1'),
    insertAuditRecord: db.prepare(`
      INSERT INTO audit_records (seq, at, kind, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)`),
    auditRecordsFrom: db.prepare('SELECT * FROM audit_records WHERE seq >= @fromSeq ORDER BY seq LIMIT @limit'),
    insertAuditCheckpoint: db.prepare(`
      INSERT INTO audit_checkpoints (seq, hash, at, signature) VALUES (@seq, @hash, @at, @signature)`),
    auditCheckpoints: db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq'),
  };
}

import type { Database } from 'better-sqlite3';
import { StoreVersionError } from '../core/errors.js';

/**
 * Migration is one step of the schema. Steps are applied in order and never edited once released: a change to the
 * schema is a new step at the end. `PRAGMA user_version` records how many steps a database has had.
 */
export interface Migration {
  readonly description: string;
  readonly sql: string;
}

// Times are INTEGER milliseconds since the epoch (they are compared and indexed), except the audit log's `at`,
// which is kept as the exact text the record's hash was computed over. JSON columns are TEXT checked by json_valid.
// Tables are STRICT, so a value of the wrong type is refused rather than silently stored.
//
// The triggers repeat, in the schema, rules the store's guarded updates already keep: a bug in a later version of
// the code, or a second program writing to the file, still cannot move a resolved approval, use an approval twice,
// or leave a gap in the audit log. (Someone who can edit the file can drop triggers too; the audit chain's HMAC is
// what detects that.)
const INITIAL_SCHEMA = `
CREATE TABLE approvals (
  id              TEXT PRIMARY KEY,
  fingerprint     TEXT NOT NULL,
  agent_id        TEXT NOT NULL,
  agent_owner     TEXT NOT NULL,
  call            TEXT NOT NULL CHECK (json_valid(call)),
  reason          TEXT NOT NULL,
  min_approvers   INTEGER NOT NULL CHECK (min_approvers >= 1),
  approver_groups TEXT NOT NULL CHECK (json_valid(approver_groups)),
  timeout_seconds INTEGER NOT NULL CHECK (timeout_seconds >= 1),
  state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL CHECK (expires_at > created_at),
  resolved_at     INTEGER,
  used_at         INTEGER,
  CHECK ((state = 'pending') = (resolved_at IS NULL)),
  CHECK (used_at IS NULL OR state = 'approved')
) STRICT;
CREATE INDEX approvals_by_fingerprint ON approvals (fingerprint, state);
CREATE INDEX approvals_by_state_and_expiry ON approvals (state, expires_at);
CREATE INDEX approvals_by_creation ON approvals (created_at, id);
CREATE INDEX approvals_by_agent ON approvals (agent_id, created_at);

CREATE TRIGGER approvals_resolved_state_never_changes
BEFORE UPDATE OF state ON approvals WHEN OLD.state <> 'pending' AND NEW.state IS NOT OLD.state
BEGIN SELECT RAISE(ABORT, 'a resolved approval never changes state'); END;

CREATE TRIGGER approvals_used_once
BEFORE UPDATE OF used_at ON approvals WHEN OLD.used_at IS NOT NULL AND NEW.used_at IS NOT OLD.used_at
BEGIN SELECT RAISE(ABORT, 'an approval is used once'); END;

CREATE TABLE approval_votes (
  approval_id     TEXT NOT NULL REFERENCES approvals (id),
  approver_id     TEXT NOT NULL,
  approver_groups TEXT NOT NULL CHECK (json_valid(approver_groups)),
  decision        TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
  comment         TEXT,
  at              INTEGER NOT NULL,
  PRIMARY KEY (approval_id, approver_id)
) STRICT;

CREATE TABLE grants (
  id           TEXT PRIMARY KEY,
  approval_id  TEXT REFERENCES approvals (id),
  agent_id     TEXT NOT NULL,
  iam_action   TEXT NOT NULL,
  resource     TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at > created_at),
  uses         TEXT NOT NULL CHECK (uses IN ('once', 'until-expiry')),
  use_count    INTEGER NOT NULL DEFAULT 0 CHECK (use_count >= 0 AND (uses = 'until-expiry' OR use_count <= 1)),
  last_used_at INTEGER
) STRICT;
CREATE INDEX grants_by_subject ON grants (agent_id, iam_action, resource, expires_at);

CREATE TABLE approver_tokens (
  id              TEXT PRIMARY KEY,
  token_hash      TEXT NOT NULL UNIQUE,
  approver_id     TEXT NOT NULL,
  approver_groups TEXT NOT NULL CHECK (json_valid(approver_groups)),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER
) STRICT;

CREATE TABLE audit_records (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  data      TEXT NOT NULL CHECK (json_valid(data)),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_records_in_sequence
BEFORE INSERT ON audit_records WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_records)
BEGIN SELECT RAISE(ABORT, 'audit records are appended in sequence, without gaps'); END;

CREATE TABLE audit_checkpoints (
  seq       INTEGER PRIMARY KEY,
  hash      TEXT NOT NULL,
  at        TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;
`;

// Resolutions are numbered in commit order, so a process waiting on approvals can ask "what was resolved since
// number N" with one indexed query, however many calls it holds, and miss nothing another process resolved. SQLite
// has one writer at a time and the trigger reads the maximum inside the resolving transaction, so a number is only
// ever handed out above every committed one. Approvals resolved before this step are numbered in resolution order.
const RESOLUTION_SEQUENCE = `
ALTER TABLE approvals ADD COLUMN resolution_seq INTEGER;
UPDATE approvals SET resolution_seq = numbered.seq
FROM (SELECT id, row_number() OVER (ORDER BY resolved_at, id) AS seq FROM approvals WHERE state <> 'pending') AS numbered
WHERE approvals.id = numbered.id;
CREATE UNIQUE INDEX approvals_by_resolution ON approvals (resolution_seq);

CREATE TRIGGER approvals_number_resolutions
AFTER UPDATE OF state ON approvals WHEN OLD.state = 'pending' AND NEW.state <> 'pending'
BEGIN
  UPDATE approvals SET resolution_seq = (SELECT coalesce(max(resolution_seq), 0) + 1 FROM approvals) WHERE id = NEW.id;
END;

CREATE TRIGGER approvals_resolution_seq_never_changes
BEFORE UPDATE OF resolution_seq ON approvals
WHEN OLD.resolution_seq IS NOT NULL AND NEW.resolution_seq IS NOT OLD.resolution_seq
BEGIN SELECT RAISE(ABORT, 'a resolution keeps its number'); END;
`;

/** MIGRATIONS is the schema's history, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { description: 'approvals, votes, grants, approver tokens, audit log', sql: INITIAL_SCHEMA },
  { description: 'resolutions numbered in commit order', sql: RESOLUTION_SEQUENCE },
];

/** SCHEMA_VERSION is the `user_version` of a database this Airlock has fully migrated. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * migrate brings the database at `file` up to SCHEMA_VERSION in one IMMEDIATE transaction, so the steps apply whole
 * or not at all, and of several processes opening a new file at once, one migrates and the others find it done.
 *
 * @throws StoreVersionError when the database is newer than this Airlock: it is left untouched
 */
export function migrate(db: Database, file: string): void {
  const readVersion = (): number => Number(db.pragma('user_version', { simple: true }));
  const refuseNewer = (version: number): void => {
    if (version > SCHEMA_VERSION) {
      throw new StoreVersionError(
        `${file} was written by a newer Airlock (schema version ${version}; this Airlock knows up to ` +
          `${SCHEMA_VERSION}). Run the newer Airlock, or restore a backup taken before the upgrade.`,
      );
    }
  };
  const found = readVersion();
  refuseNewer(found);
  if (found === SCHEMA_VERSION) {
    return;
  }
  db.transaction(() => {
    const version = readVersion();
    refuseNewer(version);
    MIGRATIONS.slice(version).forEach((migration, index) => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${version + index + 1}`);
    });
  }).immediate();
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { AuditRecord } from '../../proxy/audit/audit-storage.js';
import { type NewApproval, openSqliteStore, type Store, type SqliteStoreLocation } from '../../proxy/store/index.js';

/** T0 is the tests' "now"; `at(seconds)` is a time that many seconds after it. */
export const T0 = Date.parse('2026-11-21T03:00:00.000Z');

/** at gives the ISO time `seconds` after T0, in the store's form. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

/** tempStateDir makes a state directory path (not yet created) that is removed when the test ends. */
export function tempStateDir(t: Test): string {
  const parent = mkdtempSync(join(tmpdir(), 'airlock-store-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  return join(parent, 'state');
}

/** openStore opens a store that is closed when the test ends (closing twice is harmless). */
export function openStore(t: Test, location: SqliteStoreLocation = { stateDir: tempStateDir(t) }): Store {
  const store = openSqliteStore(location);
  t.teardown(() => store.close());
  return store;
}

/** fingerprintOf gives a request fingerprint: SHA-256 hex of a label. */
export function fingerprintOf(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** newId gives a fresh id with a prefix, as callers generate them. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/** newApproval is a pending-to-be approval created at T0 + `createdAtSeconds`, expiring 15 minutes later. */
export function newApproval(overrides: Partial<NewApproval> = {}, createdAtSeconds = 0): NewApproval {
  return {
    id: newId('apv'),
    fingerprint: fingerprintOf('POST iam.amazonaws.com / CreateRole app deploy-bot'),
    agentId: 'deploy-bot',
    agentOwner: 'alice@example.com',
    call: { service: 'iam', action: 'CreateRole', params: { RoleName: 'app' } },
    reason: 'creating IAM roles needs an SRE',
    requirement: { minApprovers: 2, groups: ['sre'], timeoutSeconds: 900 },
    createdAt: at(createdAtSeconds),
    expiresAt: at(createdAtSeconds + 900),
    ...overrides,
  };
}

/** ZERO_HASH is the `prevHash` of the first audit record. */
export const ZERO_HASH = '0'.repeat(64);

/**
 * auditRecord makes record `seq` of a chain whose hashes are plain SHA-256 of the seq: the store checks sequence,
 * not hashes, so any well-formed hash will do.
 */
export function auditRecord(seq: number, data: Record<string, unknown> = { seq }): AuditRecord {
  return {
    seq,
    at: at(seq),
    kind: 'decision',
    data,
    prevHash: seq === 1 ? ZERO_HASH : fingerprintOf(`record ${seq - 1}`),
    hash: fingerprintOf(`record ${seq}`),
  };
}

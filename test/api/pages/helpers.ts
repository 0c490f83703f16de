import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import {
  type ApprovalService,
  type Approver,
  createApprovalService,
  type HeldCall,
} from '../../../proxy/approvals/index.js';
import { type ApprovalPagesOptions, createApprovalPages } from '../../../proxy/api/pages/index.js';
import { AuditLog, type AuditRecord, loadAuditKeys } from '../../../proxy/audit/index.js';
import { findApproverByToken, issueApproverToken } from '../../../proxy/approvers/approver-tokens.js';
import { openSqliteStore, type Store } from '../../../proxy/store/index.js';
import { heldCall } from '../../harness/held-call.js';

export { heldCall };

/** T0 is the tests' "now": the clock starts here and moves only when a test moves it. */
export const T0 = Date.parse('2026-11-21T03:00:00.000Z');

/** PUBLIC_URL is where the approval service says the pages are; links are built on it. */
export const PUBLIC_URL = 'http://airlock.test';

/** ManualClock is a clock a test sets. */
export interface ManualClock {
  readonly now: () => Date;
  /** advance moves the clock `seconds` forward. */
  advance(seconds: number): void;
}

/** manualClock starts at T0. */
export function manualClock(): ManualClock {
  let current = T0;
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

/** ApprovalFixture is a real approval service over a real SQLite store and audit log, closed when the test ends. */
export interface ApprovalFixture {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly approvals: ApprovalService;
  readonly linkKey: Uint8Array;
  readonly clock: ManualClock;
  /** authenticate is what the pages use: an approver token from this store. */
  readonly authenticate: (bearerToken: string) => Promise<Approver | undefined>;
}

/** approvalFixture opens a store in a temporary state directory, its audit log and the approval service. */
export async function approvalFixture(t: Test): Promise<ApprovalFixture> {
  const parent = mkdtempSync(join(tmpdir(), 'airlock-api-'));
  const stateDir = join(parent, 'state');
  const store = openSqliteStore({ stateDir });
  const audit = await AuditLog.open(store, loadAuditKeys(stateDir, { mayCreate: true, env: {} }));
  const clock = manualClock();
  const linkKey = randomBytes(32);
  const approvals = createApprovalService({ store, audit, linkKey, publicUrl: PUBLIC_URL, clock: clock.now });
  t.teardown(async () => {
    await approvals.close();
    await audit.close();
    await store.close();
    rmSync(parent, { recursive: true, force: true });
  });
  const authenticate = (token: string): Promise<Approver | undefined> => findApproverByToken(store, token, clock.now());
  return { store, audit, approvals, linkKey, clock, authenticate };
}

/** PagesApp is the approval pages' app, answering `app.request()` and `app.fetch`. */
export type PagesApp = ReturnType<typeof createApprovalPages>;

/** pagesFor builds the approval pages over a fixture's service, keys, audit log and clock; `options` replace any. */
export function pagesFor(fixture: ApprovalFixture, options: Partial<ApprovalPagesOptions> = {}): PagesApp {
  return createApprovalPages({
    approvals: fixture.approvals,
    linkKey: fixture.linkKey,
    authenticate: fixture.authenticate,
    audit: fixture.audit,
    clock: fixture.clock.now,
    ...options,
  });
}

/** OpenedForTest is an approval and the token of its link. */
export interface OpenedForTest {
  readonly id: string;
  readonly linkToken: string;
  /** The page's path and query, as the link gives them. */
  readonly path: string;
}

/** openApproval opens an approval for a held call and reads the token out of its link. */
export async function openApproval(fixture: ApprovalFixture, held: HeldCall = heldCall()): Promise<OpenedForTest> {
  const { approval, link } = await fixture.approvals.open(held);
  const url = new URL(link);
  const linkToken = url.searchParams.get('token');
  if (linkToken === null) throw new Error(`the service's link has no token: ${url.pathname}`);
  return { id: approval.id, linkToken, path: `${url.pathname}${url.search}` };
}

/** approverToken issues an approver API token for `approverId` in `groups`. */
export async function approverToken(fixture: ApprovalFixture, approverId: string, groups: string[]): Promise<string> {
  const issued = await issueApproverToken(fixture.store, { approverId, groups }, fixture.clock.now());
  return issued.token;
}

/** auditRecords reads the whole audit log. */
export async function auditRecords(store: Store): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of store.auditRecords(1)) records.push(record);
  return records;
}

/** auditKinds lists the kinds of the audit log's records, in order. */
export async function auditKinds(store: Store): Promise<string[]> {
  return (await auditRecords(store)).map((record) => record.kind);
}

import { createHash, randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import {
  type ApprovalService,
  type ApprovalServiceEvent,
  type Approver,
  createApprovalService,
  fingerprintRequest,
  type HeldCall,
} from '../../proxy/approvals/index.js';
import { AuditLog, type AuditRecord, loadAuditKeys, verifyAuditLog } from '../../proxy/audit/index.js';
import { openSqliteStore, type Store } from '../../proxy/store/index.js';
import { createRoleCall, ROLE_ARN } from '../harness/decoded-call.js';
import { memoryLog } from '../harness/memory-log.js';
import { tempStateDir } from '../store/helpers.js';

/** T0 is the tests' starting "now". */
export const T0 = Date.parse('2026-11-21T03:00:00.000Z');
export const PUBLIC_URL = 'https://airlock.example.com';
export const ROLE = ROLE_ARN;

/** FakeClock is the one clock every service, store call and audit log in a world reads. */
export class FakeClock {
  #ms = T0;
  readonly now = (): Date => new Date(this.#ms);
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
}

/** StoreCalls counts, per Store method, the calls a service made. */
export type StoreCalls = Map<string, number>;

/** countingStore wraps a store so that a test can see how often a service asked it what. */
function countingStore(store: Store, calls: StoreCalls): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** ServiceProcess is what one Airlock process has: its own store connection, audit log and approval service. */
export interface ServiceProcess {
  readonly store: Store;
  readonly audit: AuditLog;
  readonly service: ApprovalService;
  readonly events: ApprovalServiceEvent[];
  readonly calls: StoreCalls;
  /** The error lines the service logged. */
  readonly logged: readonly string[];
}

/** World is a state directory with a shared fake clock; `process()` opens another "process" on its store file. */
export interface World {
  readonly stateDir: string;
  readonly clock: FakeClock;
  readonly linkKey: Uint8Array;
  process(options?: { pollIntervalMs?: number }): Promise<ServiceProcess>;
  /** auditRecords reads every audit record written so far. */
  auditRecords(): Promise<AuditRecord[]>;
  /** checkAuditLog closes every process and checks the whole audit log verifies. */
  checkAuditLog(t: Test): Promise<void>;
}

/** openWorld makes a world that closes itself when the test ends. */
export function openWorld(t: Test): World {
  const stateDir = tempStateDir(t);
  const clock = new FakeClock();
  const linkKey = randomBytes(32);
  const processes: ServiceProcess[] = [];
  let closing: Promise<void> | undefined;
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      for (const opened of processes) {
        await opened.service.close();
        await opened.audit.close();
        await opened.store.close();
      }
    })());
  t.teardown(closeAll);

  const keys = () => loadAuditKeys(stateDir, { mayCreate: true, env: {} });
  return {
    stateDir,
    clock,
    linkKey,
    async process(options = {}) {
      const store = openSqliteStore({ stateDir });
      const audit = await AuditLog.open(store, { ...keys(), now: clock.now });
      const calls: StoreCalls = new Map();
      const memory = memoryLog({ level: 'warn' });
      const service = createApprovalService({
        store: countingStore(store, calls),
        audit,
        linkKey,
        publicUrl: PUBLIC_URL,
        clock: clock.now,
        pollIntervalMs: options.pollIntervalMs ?? 10,
        log: memory.log,
      });
      const events: ApprovalServiceEvent[] = [];
      service.subscribe((event) => events.push(event));
      const opened = { store, audit, service, events, calls, logged: memory.lines };
      processes.push(opened);
      return opened;
    },
    async auditRecords() {
      const store = openSqliteStore({ stateDir });
      try {
        const records: AuditRecord[] = [];
        for await (const record of store.auditRecords(1)) records.push(record);
        return records;
      } finally {
        await store.close();
      }
    },
    async checkAuditLog(t) {
      await closeAll();
      const store = openSqliteStore({ stateDir });
      try {
        const { hmacKey, signingPublicKey } = keys();
        t.match(await verifyAuditLog(store, { hmacKey, signingPublicKey }), { ok: true }, 'the audit log verifies');
        const text = JSON.stringify(await this.auditRecords());
        t.notMatch(text, 'token=', 'no link token in the audit log');
        t.notMatch(text, Buffer.from(linkKey).toString('base64url'), 'nor the link key');
      } finally {
        await store.close();
      }
    },
  };
}

/** heldCall is a held iam:CreateRole by deploy-bot, owned by alice, needing `minApprovers` SREs within 15 minutes. */
export function heldCall(overrides: Partial<HeldCall> = {}, label = 'CreateRole app'): HeldCall {
  return {
    fingerprint: fingerprintRequest({
      method: 'POST',
      host: 'iam.amazonaws.com',
      path: '/',
      headers: {},
      bodySha256: createHash('sha256').update(label).digest('hex'),
      agentId: 'deploy-bot',
    }),
    agent: { id: 'deploy-bot', owner: 'alice@example.com' },
    call: { ...createRoleCall() },
    reason: 'creating IAM roles in prod needs an SRE',
    requirement: { minApprovers: 1, groups: ['sre'], timeoutSeconds: 900 },
    policyVersion: 'policy-test-1',
    ...overrides,
  };
}

/** approver is a human in `groups` (default: sre). */
export function approver(id: string, groups: readonly string[] = ['sre'], extra: Partial<Approver> = {}): Approver {
  return { id, groups, ...extra };
}

/** kindsOf lists the audit records' kinds, in order. */
export function kindsOf(records: readonly AuditRecord[]): string[] {
  return records.map((record) => record.kind);
}

import { createHash, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Test } from 'tap';
import { createRestApi, type RestApiEnv } from '../../proxy/api/index.js';
import { createApprovalService, type ApprovalService, type HeldCall } from '../../proxy/approvals/index.js';
import { createApproverAuthenticator, issueApproverToken, type OidcVerifier } from '../../proxy/approvers/index.js';
import { AuditLog, type AuditRecord } from '../../proxy/audit/index.js';
import { type AirlockMetrics, createAirlockMetrics } from '../../proxy/metrics/index.js';
import { openSqliteStore, type Store } from '../../proxy/store/index.js';
import { memoryLog } from '../harness/memory-log.js';

/**
 * The REST API over the real parts: a SQLite store in a temporary directory, a real audit log, the real approval
 * service and authenticator. Requests go through `app.request()`, no server.
 */

export const PUBLIC_URL = 'https://airlock.example';
export const T0 = new Date('2026-11-21T03:00:00.000Z');

/** The people the tests act as; `alice` owns the agent. Tokens are issued to each. */
export const PEOPLE = {
  alice: { email: 'alice@example.com', groups: ['sre'] },
  bob: { email: 'bob@example.com', groups: ['sre'] },
  carol: { email: 'carol@example.com', groups: ['sre', 'security'] },
  dave: { email: 'dave@example.com', groups: ['finance'] },
} as const;
export type Person = keyof typeof PEOPLE;

export interface ApiFixture {
  readonly app: Hono<RestApiEnv>;
  readonly store: Store;
  readonly approvals: ApprovalService;
  readonly metrics: AirlockMetrics;
  readonly tokens: Readonly<Record<Person, string>>;
  /** Moves the clock every part reads. */
  advance(seconds: number): void;
  /** Opens an approval as the hold stage would, for a call of `deploy-bot` owned by alice. */
  hold(label: string, overrides?: Partial<HeldCall>): Promise<string>;
  /** Sends a request with a person's token (or a raw Authorization header, or none). */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  auditRecords(kind?: string): Promise<AuditRecord[]>;
  /** What the API logged, one JSON object per entry. */
  logged(): Array<Record<string, unknown>>;
}

export interface RequestOptions {
  readonly as?: Person;
  readonly authorization?: string;
  readonly json?: unknown;
  readonly body?: string;
  readonly contentType?: string;
}

export interface FixtureOptions {
  readonly oidc?: OidcVerifier;
  /** Replaces the approval service the API is given (the real one still backs `hold`). */
  readonly wrapApprovals?: (real: ApprovalService) => ApprovalService;
}

export async function startApiFixture(t: Test, options: FixtureOptions = {}): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-api-'));
  let now = T0.getTime();
  const clock = () => new Date(now);
  const store = openSqliteStore({ stateDir: join(dir, 'state') });
  const { privateKey } = generateKeyPairSync('ed25519');
  const audit = await AuditLog.open(store, {
    hmacKey: createSecretKey(randomBytes(32)),
    signingKey: privateKey,
    now: clock,
  });
  const approvals = createApprovalService({ store, audit, linkKey: randomBytes(32), publicUrl: PUBLIC_URL, clock });
  const authenticator = createApproverAuthenticator({ store, clock, ...(options.oidc ? { oidc: options.oidc } : {}) });
  const metrics = createAirlockMetrics();
  const memory = memoryLog({ base: undefined, level: 'info' });
  const app = createRestApi({
    approvals: options.wrapApprovals?.(approvals) ?? approvals,
    authenticator,
    metrics,
    audit,
    clock,
    log: memory.log,
  });
  t.teardown(async () => {
    await approvals.close();
    await audit.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tokens = {} as Record<Person, string>;
  for (const [person, { email, groups }] of Object.entries(PEOPLE) as Array<[Person, (typeof PEOPLE)[Person]]>) {
    tokens[person] = (await issueApproverToken(store, { approverId: email, groups: [...groups] }, clock())).token;
  }

  return {
    app,
    store,
    approvals,
    metrics,
    tokens,
    advance(seconds) {
      now += seconds * 1000;
    },
    async hold(label, overrides = {}) {
      const opened = await approvals.open({
        fingerprint: createHash('sha256').update(label).digest('hex'),
        agent: { id: 'deploy-bot', owner: PEOPLE.alice.email },
        call: {
          service: 'iam',
          action: 'CreateRole',
          iam_action: 'iam:CreateRole',
          resource: `arn:aws:iam::123456789012:role/${label}`,
          params: { RoleName: label },
        },
        reason: 'creating IAM roles needs two SREs',
        requirement: { minApprovers: 2, groups: ['sre'], timeoutSeconds: 900 },
        policyVersion: 'test',
        ...overrides,
      });
      return opened.approval.id;
    },
    request(method, path, request = {}) {
      const headers: Record<string, string> = {};
      const authorization =
        request.authorization ?? (request.as === undefined ? undefined : `Bearer ${tokens[request.as]}`);
      if (authorization !== undefined) headers['authorization'] = authorization;
      let body: string | undefined = request.body;
      if (request.json !== undefined) {
        body = JSON.stringify(request.json);
        headers['content-type'] = 'application/json';
      }
      if (request.contentType !== undefined) headers['content-type'] = request.contentType;
      return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
    },
    async auditRecords(kind) {
      const records: AuditRecord[] = [];
      for await (const record of store.auditRecords(1)) {
        if (kind === undefined || record.kind === kind) records.push(record);
      }
      return records;
    },
    logged: memory.entries,
  };
}

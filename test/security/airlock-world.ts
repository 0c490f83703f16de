import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Test } from 'tap';
import { type ApprovalService, createApprovalService, type HeldCall } from '../../proxy/approvals/index.js';
import { type IssuedApproverToken, issueApproverToken } from '../../proxy/approvers/index.js';
import { AuditLog, type AuditRecord, loadAuditKeys, verifyAuditLog } from '../../proxy/audit/index.js';
import { type AirlockConfig, loadConfig } from '../../proxy/config/index.js';
import { createAirlockMetrics } from '../../proxy/metrics/index.js';
import { type ApiServer, startApiServer } from '../../proxy/serve/api-server.js';
import { loadOrCreateLinkKey } from '../../proxy/serve/link-key.js';
import { type Approval, openSqliteStore, type Store } from '../../proxy/store/index.js';
import { heldCall } from '../harness/held-call.js';

/**
 * The approvers' side of Airlock composed as start-airlock.ts composes it: airlock.yaml read by loadConfig, a SQLite
 * store in the configured state directory, the audit log on its keys, the link key file, the approval service and
 * startApiServer, all on the real clock. Tests talk to it over HTTP only; the store is read to see what changed.
 */

/** The Slack app's secrets, handed to loadConfig through its environment as production reads them. */
const SLACK_SIGNING_SECRET = `sss_${randomBytes(24).toString('hex')}`;
const SLACK_BOT_TOKEN = `xoxb-${randomBytes(16).toString('hex')}`;

/** The page's public address: https, so the CSRF cookie is `__Host-` and Secure, as in a deployment. */
export const PUBLIC_URL = 'https://airlock.example.com';

/** Slack members the configuration maps to approvers; alice owns the agent whose calls are held. */
export const SLACK_USERS = { bob: 'U0BOB', carol: 'U0CAROL', alice: 'U0ALICE' } as const;

const AIRLOCK_YAML = `
listen: 127.0.0.1:0
api: 127.0.0.1:0
state_dir: state
approvals:
  public_url: ${PUBLIC_URL}
notify:
  slack:
    bot_token_env: TEST_SLACK_BOT_TOKEN
    channel: C0AIRLOCK
    signing_secret_env: TEST_SLACK_SIGNING_SECRET
    users:
      ${SLACK_USERS.bob}: { approver: bob@example.com, groups: [sre] }
      ${SLACK_USERS.carol}: { approver: carol@example.com, groups: [sre] }
      ${SLACK_USERS.alice}: { approver: alice@example.com, groups: [sre] }
`;

/** OpenedForTest is an approval the service opened, and its page link as the message would carry it. */
export interface OpenedForTest {
  readonly id: string;
  readonly linkToken: string;
  /** The page's path and query, to be sent to the test server rather than the public address. */
  readonly pagePath: string;
}

/** Snapshot is what a refused request must leave as it was: the approvals it named, and the audit log's length. */
export interface Snapshot {
  readonly approvals: ReadonlyMap<string, Approval | undefined>;
  readonly lastSeq: number;
}

/** TokenValidity is when an approver token was issued and until when it is good. */
export interface TokenValidity {
  readonly issuedAt?: Date;
  readonly expiresAt?: Date;
}

export interface AirlockWorld {
  readonly config: AirlockConfig;
  readonly store: Store;
  readonly approvals: ApprovalService;
  readonly linkKey: Buffer;
  /** `http://127.0.0.1:PORT` of the API server. */
  readonly baseUrl: string;
  readonly slackSigningSecret: string;
  /** fetch sends a request to the server; `path` starts with `/`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** open opens an approval for a held call (deploy-bot's iam:CreateRole, owner alice, two SREs by default). */
  open(overrides?: Partial<HeldCall>): Promise<OpenedForTest>;
  /**
   * issueToken issues an approver API token, now or at `validity.issuedAt`; the token is remembered as a secret the
   * audit log must not hold.
   */
  issueToken(approverId: string, groups: string[], validity?: TokenValidity): Promise<IssuedApproverToken>;
  /** secret remembers a credential a test sent, so that `finish` checks the audit log for it; returns it. */
  secret<T extends string>(value: T): T;
  snapshot(approvalIds: readonly string[]): Promise<Snapshot>;
  /** auditedSince lists the audit records appended after the snapshot. */
  auditedSince(snapshot: Snapshot): Promise<AuditRecord[]>;
  /** auditRecords reads the whole audit log. */
  auditRecords(): Promise<AuditRecord[]>;
  /** secretsIn lists the remembered secrets that occur in some audit records' JSON (none, if all is well). */
  secretsIn(records: readonly AuditRecord[]): string[];
  /**
   * finish stops the server and the service, closes the audit log, and checks the whole log: it verifies, and holds
   * no secret the tests sent or configured.
   */
  finish(t: Test): Promise<void>;
}

/** startAirlockWorld composes the server in a temporary directory; it is closed when `t` ends. */
export async function startAirlockWorld(t: Test): Promise<AirlockWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-security-'));
  writeFileSync(join(dir, 'airlock.yaml'), AIRLOCK_YAML);
  const config = loadConfig(
    undefined,
    { TEST_SLACK_SIGNING_SECRET: SLACK_SIGNING_SECRET, TEST_SLACK_BOT_TOKEN: SLACK_BOT_TOKEN },
    { cwd: dir },
  );
  const log = pino({ level: 'silent' });
  const store = openSqliteStore({ stateDir: config.stateDir });
  const keys = () => loadAuditKeys(config.stateDir, { mayCreate: true, env: {} });
  const audit = await AuditLog.open(store, keys());
  const linkKey = loadOrCreateLinkKey(config.stateDir);
  const approvals = createApprovalService({ store, audit, linkKey, publicUrl: config.approvals.publicUrl, log });
  const server: ApiServer = await startApiServer({
    config,
    store,
    audit,
    approvals,
    metrics: createAirlockMetrics(),
    linkKey,
    log,
  });
  const baseUrl = `http://${server.address.host}:${server.address.port}`;

  const secrets = new Set<string>([
    SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN,
    linkKey.toString('base64url'),
    linkKey.toString('base64'),
    linkKey.toString('hex'),
  ]);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await server.close();
      await approvals.close();
      await audit.close();
    })());
  let closed = false;
  t.teardown(async () => {
    await stop();
    if (!closed) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function auditRecordsFrom(fromSeq: number): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for await (const record of store.auditRecords(fromSeq)) records.push(record);
    return records;
  }

  const world: AirlockWorld = {
    config,
    store,
    approvals,
    linkKey,
    baseUrl,
    slackSigningSecret: SLACK_SIGNING_SECRET,
    fetch: (path, init) => fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init }),
    async open(overrides = {}) {
      const { approval, link } = await approvals.open(heldCall(overrides));
      const url = new URL(link);
      const linkToken = url.searchParams.get('token');
      if (url.origin !== PUBLIC_URL || linkToken === null) throw new Error(`unexpected link for ${approval.id}`);
      secrets.add(linkToken);
      return { id: approval.id, linkToken, pagePath: `${url.pathname}${url.search}` };
    },
    async issueToken(approverId, groups, validity = {}) {
      const { issuedAt = new Date(), expiresAt } = validity;
      const issued = await issueApproverToken(
        store,
        { approverId, groups, ...(expiresAt === undefined ? {} : { expiresAt }) },
        issuedAt,
      );
      secrets.add(issued.token);
      secrets.add(issued.record.tokenHash);
      return issued;
    },
    secret(value) {
      secrets.add(value);
      return value;
    },
    async snapshot(approvalIds) {
      const read = await Promise.all(approvalIds.map(async (id) => [id, await store.getApproval(id)] as const));
      return { approvals: new Map(read), lastSeq: (await store.lastAuditRecord())?.seq ?? 0 };
    },
    auditedSince: (snapshot) => auditRecordsFrom(snapshot.lastSeq + 1),
    auditRecords: () => auditRecordsFrom(1),
    secretsIn(records) {
      const text = JSON.stringify(records);
      return [...secrets].filter((secret) => text.includes(secret));
    },
    async finish(t) {
      await stop();
      const { hmacKey, signingPublicKey } = keys();
      t.match(await verifyAuditLog(store, { hmacKey, signingPublicKey }), { ok: true }, 'the whole audit log verifies');
      const records = await auditRecordsFrom(1);
      t.ok(records.length > 0, 'the audit log is not empty');
      t.same(world.secretsIn(records), [], 'no token, key or secret anywhere in the audit log');
      t.notMatch(
        JSON.stringify(records),
        /alt_[A-Za-z0-9_-]{43}|token=|v0=[0-9a-f]{64}/,
        'nor anything shaped like one',
      );
      await store.close();
      closed = true;
    },
  };
  return world;
}

/** VoteForm is what the approval page gave a browser: its CSRF cookie and the form's hidden fields. */
export interface VoteForm {
  /** `name=value`, as the browser sends it back. */
  readonly cookie: string;
  readonly csrf: string;
  readonly linkToken: string;
}

/**
 * loadVoteForm opens the page as a browser would and takes what its form posts back. `cookie` is a CSRF cookie the
 * browser already holds, sent with the GET (the page keeps it).
 */
export async function loadVoteForm(world: AirlockWorld, pagePath: string, cookie?: string): Promise<VoteForm> {
  const response = await world.fetch(pagePath, cookie === undefined ? {} : { headers: { cookie } });
  const page = await response.text();
  if (response.status !== 200) throw new Error(`the page answered ${response.status}`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  const linkToken = /name="token" value="([^"]+)"/.exec(page)?.[1];
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('__Host-airlock_csrf='));
  const sent = setCookie?.split(';')[0] ?? cookie;
  if (csrf === undefined || linkToken === undefined || sent === undefined) {
    throw new Error('the page has no vote form, or set no CSRF cookie');
  }
  world.secret(csrf);
  world.secret(sent.slice(sent.indexOf('=') + 1));
  return { cookie: sent, csrf, linkToken };
}

/** VotePost is one form post to the page, field by field, so a test can leave any out or change it. */
export interface VotePost {
  readonly cookie?: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** votePost is the post the page's form makes: link token, CSRF token, approver token and decision. */
export function votePost(form: VoteForm, approverToken: string, decision: 'approve' | 'deny' = 'approve'): VotePost {
  return {
    cookie: form.cookie,
    fields: { token: form.linkToken, csrf: form.csrf, approver_token: approverToken, decision, comment: 'looks fine' },
  };
}

/** sendVote posts a form to `/approvals/:id/vote`. */
export function sendVote(world: AirlockWorld, approvalId: string, post: VotePost): Promise<Response> {
  return world.fetch(`/approvals/${encodeURIComponent(approvalId)}/vote`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(post.cookie === undefined ? {} : { cookie: post.cookie }),
      ...post.headers,
    },
    body: new URLSearchParams(post.fields).toString(),
  });
}

/** tamperedToken changes one byte of a base64url token's MAC, keeping it well-formed: a forgery, not garbage. */
export function tamperedToken(token: string): string {
  const bytes = Buffer.from(token, 'base64url');
  const last = bytes.length - 1;
  bytes[last] = (bytes[last] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

/** slackSignature is Slack's `v0=` signature of a body at a timestamp under a secret. */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

/** AuditedRefusal is an audit record a refusal must leave: its kind, and facts its data must include. */
export interface AuditedRefusal {
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * checkRefused checks that a refused request changed nothing and was audited: every approval in the snapshot is as it
 * was, the audit log gained exactly the expected records (each with a reason), and none of them holds a credential.
 */
export async function checkRefused(
  t: Test,
  world: AirlockWorld,
  before: Snapshot,
  expected: readonly AuditedRefusal[],
): Promise<void> {
  for (const [id, was] of before.approvals) {
    t.same(await world.store.getApproval(id), was, `approval ${id} is unchanged`);
  }
  const records = await world.auditedSince(before);
  t.same(
    records.map((record) => record.kind),
    expected.map((refusal) => refusal.kind),
    'the refusal is audited, and nothing else is',
  );
  expected.forEach((refusal, index) => t.match(records[index]?.data, refusal.data, `${refusal.kind} says why`));
  for (const record of records) {
    const reason = record.data['reason'];
    t.ok(typeof reason === 'string' && reason !== '', `${record.kind} has a reason`);
  }
  t.same(world.secretsIn(records), [], 'no credential in the refusal records');
}

/** checkUntouched checks that an approval is still pending and nobody's vote is on it. */
export async function checkUntouched(t: Test, world: AirlockWorld, approvalId: string): Promise<void> {
  const approval = await world.store.getApproval(approvalId);
  t.equal(approval?.state, 'pending', `${approvalId} is still pending`);
  t.same(approval?.votes, [], 'with no votes');
}

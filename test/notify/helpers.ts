import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Test } from 'tap';
import { createNotifier, type Notifier, type NotifierOptions, type NotifyConfig } from '../../proxy/notify/index.js';
import type { Approval } from '../../proxy/store/index.js';
import { listenOnLoopback } from '../harness/loopback-server.js';
import { memoryLog } from '../harness/memory-log.js';
import { createRoleCall } from '../harness/decoded-call.js';

/** NOW is the tests' pinned clock. */
export const NOW = new Date('2030-01-01T00:01:00.000Z');

/** LINK is an approval page link as the approval service makes them. */
export const LINK = 'https://airlock.example.com/approvals/apv_one?token=AQAAAAB0b2tlbg';

/** CapturedRequest is one request a receiver saw. */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Reply is what a receiver answers; `hang` never answers (the connection is closed at teardown). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string | object } | 'hang';

/** Receiver is a loopback HTTP server standing in for Slack, Teams or a webhook, recording what it receives. */
export interface Receiver {
  readonly url: string;
  readonly requests: CapturedRequest[];
}

/** startReceiver starts a receiver on 127.0.0.1 port 0 that is closed when the test ends. */
export async function startReceiver(
  t: Test,
  reply: (request: CapturedRequest, index: number) => Reply = () => ({ status: 200, body: 'ok' }),
): Promise<Receiver> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const captured: CapturedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      const answer = reply(captured, requests.length - 1);
      if (answer === 'hang') return;
      const body = typeof answer.body === 'object' ? JSON.stringify(answer.body) : (answer.body ?? '');
      res.writeHead(answer.status, answer.headers).end(body);
    });
  });
  const port = await listenOnLoopback(t, server);
  return { url: `http://127.0.0.1:${port}`, requests };
}

/** OutcomeCounts records `onOutcome` calls as `notifier:outcome` strings, in order. */
export type OutcomeLog = string[];

/**
 * startNotifier creates a notifier with short backoff that is closed when the test ends; its outcomes are pushed to
 * the returned list. It logs at debug level to memory unless `options.log` says where.
 */
export function startNotifier(
  t: Test,
  config: NotifyConfig,
  options: Partial<NotifierOptions> = {},
): { notifier: Notifier; outcomes: OutcomeLog } {
  const outcomes: OutcomeLog = [];
  const notifier = createNotifier(config, {
    clock: () => NOW,
    onOutcome: (name, outcome) => outcomes.push(`${name}:${outcome}`),
    log: memoryLog().log,
    ...options,
    delivery: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20, ...options.delivery },
  });
  t.teardown(() => notifier.close());
  return { notifier, outcomes };
}

/** DRAIN_MS bounds every wait for deliveries; a test that hits it fails on its assertions, not by hanging. */
export const DRAIN_MS = 10_000;

/** pendingApproval is a held iam:CreateRole in prod needing two approvers from sre or security. */
export function pendingApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'apv_one',
    fingerprint: 'a'.repeat(64),
    agentId: 'deploy-bot',
    agentOwner: 'alice@example.com',
    call: { ...createRoleCall() },
    reason: 'IAM writes in prod need two approvers',
    requirement: { minApprovers: 2, groups: ['sre', 'security'], timeoutSeconds: 900 },
    createdAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:15:00.000Z',
    state: 'pending',
    votes: [],
    ...overrides,
  };
}

/** approvedApproval is `pendingApproval` approved by bob and carol. */
export function approvedApproval(overrides: Partial<Approval> = {}): Approval {
  return pendingApproval({
    state: 'approved',
    resolvedAt: '2030-01-01T00:03:00.000Z',
    votes: [
      { approverId: 'bob@example.com', approverGroups: ['sre'], decision: 'approve', at: '2030-01-01T00:02:00.000Z' },
      {
        approverId: 'carol@example.com',
        approverGroups: ['security'],
        decision: 'approve',
        comment: 'ok',
        at: '2030-01-01T00:03:00.000Z',
      },
    ],
    ...overrides,
  });
}

/** deniedApproval is `pendingApproval` denied by dave. */
export function deniedApproval(overrides: Partial<Approval> = {}): Approval {
  return pendingApproval({
    state: 'denied',
    resolvedAt: '2030-01-01T00:02:00.000Z',
    votes: [
      { approverId: 'dave@example.com', approverGroups: ['sre'], decision: 'deny', at: '2030-01-01T00:02:00.000Z' },
    ],
    ...overrides,
  });
}

/** json parses a captured body. */
export function json(request: CapturedRequest | undefined): Record<string, unknown> {
  if (request === undefined) throw new Error('no such request was received');
  return JSON.parse(request.body) as Record<string, unknown>;
}

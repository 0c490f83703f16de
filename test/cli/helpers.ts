import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Test } from 'tap';
import type { ApprovalView } from '../../proxy/api/views.js';
import type { CommandIo, Environment } from '../../proxy/cli/command-io.js';
import { createRoleCall } from '../harness/decoded-call.js';

/** CapturedIo is a CommandIo whose output the test reads back. */
export interface CapturedIo {
  readonly io: CommandIo;
  stdout(): string;
  stderr(): string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** captureIo runs a command with `env` as its whole environment (nothing leaks in from the test's shell). */
export function captureIo(env: Environment = {}): CapturedIo {
  const out = collector();
  const err = collector();
  return { io: { env, stdout: out.stream, stderr: err.stream }, stdout: out.text, stderr: err.text };
}

/** tempDir makes a directory removed when the test ends. */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** writeConfig writes an airlock.yaml in `dir` whose state directory is `dir/state`, and returns its path. */
export function writeConfig(dir: string, extra = ''): { file: string; stateDir: string } {
  const file = join(dir, 'airlock.yaml');
  writeFileSync(file, `state_dir: state\n${extra}`);
  return { file, stateDir: join(dir, 'state') };
}

/** ReceivedRequest is what the fake API saw. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** FakeAnswer is what the fake API sends back: a status and a JSON body, or raw text. */
export interface FakeAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** FakeApi is a loopback server answering per the approval API contract, recording every request. */
export interface FakeApi {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
}

/** startFakeApi starts a server on 127.0.0.1, port 0, answering with `answer`; it is closed when the test ends. */
export async function startFakeApi(t: Test, answer: (request: ReceivedRequest) => FakeAnswer): Promise<FakeApi> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const reply = answer(received);
      const body = reply.text ?? JSON.stringify(reply.json);
      const type = reply.text === undefined ? 'application/json' : 'text/plain';
      res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, requests };
}

/** approvalView is an ApprovalView as the API would send it: a pending iam:CreateRole needing two SREs. */
export function approvalView(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    id: 'apv_01',
    state: 'pending',
    agent: { id: 'deploy-bot', owner: 'alice@example.com' },
    call: {
      ...createRoleCall(),
      params: {
        RoleName: 'app',
        AssumeRolePolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        Tags: [{ Key: 'team', Value: 'infra' }],
      },
    },
    reason: 'creating IAM roles in prod needs two SREs',
    requirement: { min_approvers: 2, groups: ['sre', 'security'], timeout_seconds: 900 },
    created_at: '2026-11-21T03:00:00.000Z',
    expires_at: '2026-11-21T03:15:00.000Z',
    seconds_left: 725,
    votes: [
      {
        approver: 'bob@example.com',
        groups: ['sre'],
        decision: 'approve',
        comment: 'role is scoped to ec2',
        at: '2026-11-21T03:01:00.000Z',
      },
    ],
    link: 'https://airlock.example.com/approvals/apv_01?token=view',
    ...overrides,
  };
}

/** apiError is an error body per the contract. */
export function apiError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

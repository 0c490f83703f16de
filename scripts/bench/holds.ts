import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { stringify } from 'yaml';
import { NodeSha256 } from '../../proxy/sign/index.js';

/*
 * npm run bench:holds [-- --calls N] [--approve-concurrency N] [--open-concurrency N] [--dir DIR] [--sync S]
 *
 * Issue 4's scale figure: N calls held at once in one Airlock process, then approved through the REST API.
 *   1. `airlock serve` (one process) with a policy that holds every call, hold_seconds 600, and a plain-HTTP stub
 *      upstream that answers as IAM's CreateRole does.
 *   2. N agent calls, iam:CreateRole each with its own RoleName (so each opens its own approval), each on its own
 *      CONNECT + TLS connection: HTTP/1.1 carries one request at a time, so N held calls are N connections.
 *      Handshakes are opened `--open-concurrency` at a time. Done when airlock_held_calls (GET /metrics) reaches N
 *      and GET /v1/approvals lists N pending.
 *   3. Every approval approved with POST /v1/approvals/:id/approve, `--approve-concurrency` in flight (default 1:
 *      approvers answer one at a time). A call's approval-to-forward latency runs from sending its approve request
 *      to the agent's response arriving whole.
 * Airlock's RSS (VmRSS and VmHWM from /proc/<pid>/status) is read idle, with all N held, and after. This prints
 * figures; it judges nothing. The agents, the upstream and Airlock share this machine's cores.
 * `--dir` is where the temporary directory (with Airlock's state: SQLite store, audit log) goes; default the OS's
 * temporary directory. With `store.sync: full` every write is fsynced there, so the disk under it shapes the latency.
 * `--profile DIR` writes a V8 CPU profile of the Airlock process there.
 */

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const MAIN = join(ROOT, 'dist/proxy/cli/main.js');
const run = promisify(execFile);

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    'approve-concurrency': { type: 'string', default: '1' },
    'open-concurrency': { type: 'string', default: '64' },
    dir: { type: 'string', default: tmpdir() },
    profile: { type: 'string' },
    sync: { type: 'string', default: 'normal' },
  },
});
if (flags.sync !== 'normal' && flags.sync !== 'full') throw new Error('--sync is normal or full');
const calls = positiveInteger(flags.calls, '--calls');
const approveConcurrency = positiveInteger(flags['approve-concurrency'], '--approve-concurrency');
const openConcurrency = positiveInteger(flags['open-concurrency'], '--open-concurrency');

const HOLD_SECONDS = 600;
const HOST = 'iam.amazonaws.com';
/** File descriptors this process needs besides one per held call: the API client, the upstream, stdio, modules. */
const SPARE_DESCRIPTORS = 200;
/** One call's CONNECT, TLS handshake and request write must finish within this. */
const OPEN_TIMEOUT_MS = 30_000;
/** After the last call is sent, Airlock has this long to report them all held. */
const SETTLE_TIMEOUT_MS = 120_000;
/** After the last approval, the agents' responses have this long to arrive. */
const DRAIN_TIMEOUT_MS = 60_000;
const API_PAGE = 500;
const POLL_MS = 500;
const RSS_SAMPLE_MS = 250;

const HOLD_EVERYTHING = `package airlock

import rego.v1

decision := {"effect": "hold", "reason": "bench: every call waits", "approval": {"min_approvers": 1, "groups": [], "timeout_seconds": 3600}}
`;

/** HeldCall is one agent call on its own connection, from its first byte to its response arriving whole. */
interface HeldCall {
  readonly roleName: string;
  socket?: TLSSocket;
  sentAt?: number;
  approveSentAt?: number;
  completedAt?: number;
  status?: number;
  body?: string;
  error?: string;
}

interface ApprovalListing {
  readonly approvals: { id: string; state: string; call: { params?: { RoleName?: unknown } } }[];
  readonly next_before: string | null;
}

const directory = mkdtempSync(join(resolve(flags.dir), 'airlock-bench-holds-'));
const children: ChildProcess[] = [];
const heldCalls: HeldCall[] = [];
let upstream: Server | undefined;
let upstreamRequests = 0;
try {
  printPreamble();
  checkDescriptorBudget();
  upstream = await startUpstream();
  const airlock = await startAirlock((upstream.address() as { port: number }).port);
  const rss = sampleRss(airlock.pid);
  await sleep(2_000);
  const idle = rss.read();
  console.log(`Airlock pid ${airlock.pid}: idle RSS ${mib(idle.rss)}; its limits: ${openFilesLimit(airlock.pid)}`);

  const heldIn = await holdAll(airlock);
  const held = rss.read();
  const pending = await listPending(airlock);
  const unmatched = heldCalls.filter((call) => !pending.has(call.roleName)).length;
  console.log(
    `held: ${heldCalls.filter((call) => call.sentAt !== undefined).length} calls sent, ${pending.size} pending ` +
      `approvals listed, ${unmatched} calls with no approval; RSS ${mib(held.rss)} (peak so far ${mib(held.peak)})`,
  );

  const approved = await approveAll(airlock, pending);
  const after = rss.read();
  rss.stop();
  printReport({ idle, held, after, heldIn, approved, peakSampled: rss.peakSampled() });
} finally {
  for (const call of heldCalls) call.socket?.destroy();
  await Promise.all(children.map(stop));
  await new Promise<void>((done) => (upstream === undefined ? done() : upstream.close(() => done())));
  upstream?.closeAllConnections();
  rmSync(directory, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------

function printPreamble(): void {
  console.log(`bench:holds — ${process.argv.slice(2).join(' ') || '(defaults)'}`);
  console.log(
    `calls ${calls}, open concurrency ${openConcurrency}, approve concurrency ${approveConcurrency}, ` +
      `hold_seconds ${HOLD_SECONDS}, store.sync ${flags.sync}, state in ${directory}`,
  );
  console.log(
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ` +
      `${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${openFilesLimit('self')}`,
  );
}

/** checkDescriptorBudget stops early when the process cannot hold one socket per call. */
function checkDescriptorBudget(): void {
  const soft = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
  if (Number.isFinite(soft) && calls + SPARE_DESCRIPTORS > soft) {
    throw new Error(
      `${calls} held calls need about ${calls + SPARE_DESCRIPTORS} open files here and in Airlock; ` +
        `the limit is ${soft}: raise it (ulimit -n) or pass a smaller --calls`,
    );
  }
}

function openFilesLimit(pid: number | 'self'): string {
  const line = /Max open files\s+(\S+)\s+(\S+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return `open files ${line?.[1] ?? '?'} soft / ${line?.[2] ?? '?'} hard`;
}

/** startUpstream answers every request as IAM answers CreateRole, over plain HTTP: its cost is not the subject. */
async function startUpstream(): Promise<Server> {
  const server = createHttpServer({ keepAliveTimeout: 60_000 });
  server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      upstreamRequests += 1;
      const roleName = new URLSearchParams(Buffer.concat(chunks).toString()).get('RoleName') ?? '';
      const body = Buffer.from(createRoleResponse(roleName));
      response.writeHead(200, { 'content-type': 'text/xml', 'content-length': body.length });
      response.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

function createRoleResponse(roleName: string): string {
  return (
    '<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role>' +
    `<Path>/</Path><RoleName>${roleName}</RoleName><RoleId>AROAEXAMPLE</RoleId>` +
    `<Arn>arn:aws:iam::123456789012:role/${roleName}</Arn><CreateDate>2026-11-21T00:00:00Z</CreateDate>` +
    '</Role></CreateRoleResult><ResponseMetadata><RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>' +
    '</ResponseMetadata></CreateRoleResponse>'
  );
}

interface RunningAirlock {
  readonly pid: number;
  readonly proxyPort: number;
  readonly apiUrl: string;
  readonly caPem: string;
  readonly keys: { accessKeyId: string; secretAccessKey: string };
  readonly approverToken: string;
}

async function startAirlock(upstreamPort: number): Promise<RunningAirlock> {
  const policyDir = join(directory, 'rego');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'airlock.rego'), HOLD_EVERYTHING);
  const proxyPort = await freePort();
  const apiPort = await freePort();
  const config = {
    listen: `127.0.0.1:${proxyPort}`,
    api: `127.0.0.1:${apiPort}`,
    state_dir: 'state',
    policy: { dir: 'rego', watch: false },
    upstreams: [{ hosts: ['*.amazonaws.com', 'amazonaws.com'], url: `http://127.0.0.1:${upstreamPort}` }],
    accounts: [{ id: '123456789012', environment: 'prod', credentials: { type: 'env', prefix: 'BENCH_REAL' } }],
    approvals: { hold_seconds: HOLD_SECONDS },
    store: { sync: flags.sync },
  };
  const configPath = join(directory, 'airlock.yaml');
  writeFileSync(configPath, stringify(config));
  const env = {
    PATH: process.env.PATH,
    BENCH_REAL_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    BENCH_REAL_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  const cli = (args: string[]) =>
    run(process.execPath, [MAIN, ...args, '--config', configPath], { env, cwd: directory });

  const agent = await cli(['agent', 'add', 'bench-bot', '--owner', 'bench@example.com']);
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(agent.stdout)?.[1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(agent.stdout)?.[1];
  if (accessKeyId === undefined || secretAccessKey === undefined) throw new Error('agent add printed no keys');
  const approver = await cli(['approver', 'add', 'approver@example.com']);
  const approverToken = /alt_[A-Za-z0-9_-]{43}/.exec(approver.stdout)?.[0];
  if (approverToken === undefined) throw new Error('approver add printed no token');

  const profile = flags.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(flags.profile)}`];
  const child = spawn(process.execPath, [...profile, MAIN, 'serve', '--config', configPath], {
    env,
    cwd: directory,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((ready, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error('airlock did not say it was listening within 30 s')), 30_000);
    child.stdout!.on('data', (piece: Buffer) => {
      seen += piece.toString();
      if (seen.includes('"msg":"listening"')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`airlock exited with ${code}`));
    });
  });
  // Keep reading its log lines so the pipe never fills; they are the per-call JSON lines a real deployment writes.
  child.stdout!.resume();
  return {
    pid: child.pid!,
    proxyPort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    caPem: readFileSync(join(directory, 'state', 'ca.crt'), 'utf8'),
    keys: { accessKeyId, secretAccessKey },
    approverToken,
  };
}

/** holdAll opens every call, `openConcurrency` handshakes at a time, and waits until Airlock holds them all. */
async function holdAll(airlock: RunningAirlock): Promise<{ sendMs: number; heldMs: number; openErrors: number }> {
  const signer = new SignatureV4({
    credentials: airlock.keys,
    region: 'us-east-1',
    service: 'iam',
    sha256: NodeSha256,
  });
  for (let index = 0; index < calls; index += 1) {
    heldCalls.push({ roleName: `bench-role-${String(index).padStart(6, '0')}` });
  }
  const started = performance.now();
  let next = 0;
  let openErrors = 0;
  const opener = async () => {
    while (next < heldCalls.length) {
      const call = heldCalls[next]!;
      next += 1;
      try {
        await sendCall(airlock, signer, call);
      } catch (error) {
        openErrors += 1;
        call.error ??= (error as Error).message;
      }
    }
  };
  const progress = setInterval(() => {
    const sent = heldCalls.filter((call) => call.sentAt !== undefined).length;
    console.log(`  … ${sent} sent after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }, 10_000);
  try {
    await Promise.all(Array.from({ length: Math.min(openConcurrency, calls) }, opener));
  } finally {
    clearInterval(progress);
  }
  const sendMs = performance.now() - started;
  const expected = calls - openErrors;
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let heldNow = 0;
  while (Date.now() < deadline) {
    heldNow = (await heldGauge(airlock)) ?? (await listPending(airlock)).size;
    if (heldNow >= expected) break;
    await sleep(POLL_MS);
  }
  if (heldNow < expected) console.log(`  only ${heldNow} of ${expected} sent calls held after ${SETTLE_TIMEOUT_MS} ms`);
  if (openErrors > 0) {
    console.log(`  ${openErrors} calls failed to open; first: ${heldCalls.find((call) => call.error)?.error}`);
  }
  return { sendMs, heldMs: performance.now() - started, openErrors };
}

/** sendCall opens one call's own CONNECT tunnel and TLS session and writes its signed request; the answer is read later. */
async function sendCall(airlock: RunningAirlock, signer: SignatureV4, call: HeldCall): Promise<void> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: call.roleName,
    AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
  }).toString();
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: HOST,
      path: '/',
      headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    }),
  );
  const headers = Object.entries(signed.headers as Record<string, string>)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const request = `POST / HTTP/1.1\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  const tunnel = await openTunnel(airlock.proxyPort);
  const socket = connectTls({ socket: tunnel, servername: HOST, ca: airlock.caPem });
  call.socket = socket;
  readResponse(call, socket);
  await withTimeout(
    new Promise<void>((done, fail) => {
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        socket.off('error', fail);
        socket.write(request, () => done());
      });
    }),
    OPEN_TIMEOUT_MS,
    `TLS handshake and request for ${call.roleName}`,
  ).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  call.sentAt = performance.now();
}

function openTunnel(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  return withTimeout(
    new Promise<Socket>((done, fail) => {
      let head = '';
      socket.once('error', fail);
      socket.once('connect', () => socket.write(`CONNECT ${HOST}:443 HTTP/1.1\r\nhost: ${HOST}:443\r\n\r\n`));
      const onData = (piece: Buffer) => {
        head += piece.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        socket.off('error', fail);
        if (!/^HTTP\/1\.[01] 200/.test(head)) return fail(new Error(`CONNECT answered ${head.split('\r\n')[0]}`));
        if (end + 4 < head.length) return fail(new Error('bytes after the CONNECT answer'));
        socket.pause();
        done(socket);
      };
      socket.on('data', onData);
    }),
    OPEN_TIMEOUT_MS,
    'CONNECT',
  ).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}

/** readResponse records when the call's answer has arrived whole (by content-length, or the last chunk). */
function readResponse(call: HeldCall, socket: TLSSocket): void {
  let received = Buffer.alloc(0);
  const finish = (error?: string) => {
    if (call.completedAt !== undefined || call.error !== undefined) return;
    if (error !== undefined) call.error = error;
    else call.completedAt = performance.now();
    socket.destroy();
  };
  socket.on('data', (piece: Buffer) => {
    received = Buffer.concat([received, piece]);
    const headEnd = received.indexOf('\r\n\r\n');
    if (headEnd === -1) return;
    const head = received.subarray(0, headEnd).toString('latin1');
    call.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const bodyBytes = received.subarray(headEnd + 4);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    const complete =
      length !== undefined
        ? bodyBytes.length >= Number(length)
        : /\r\ntransfer-encoding:\s*chunked/i.test(head) && bodyBytes.toString('latin1').endsWith('0\r\n\r\n');
    if (!complete) return;
    call.body = bodyBytes.toString('utf8');
    finish();
  });
  socket.on('error', (error) => finish(error.message));
  socket.on('close', () => finish('connection closed before the response was complete'));
}

/** heldGauge reads airlock_held_calls from /metrics; undefined when Airlock does not export it. */
async function heldGauge(airlock: RunningAirlock): Promise<number | undefined> {
  const response = await fetch(`${airlock.apiUrl}/metrics`);
  const text = await response.text();
  const value = /^airlock_held_calls(?:\{\})? (\d+)/m.exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

/** listPending pages through GET /v1/approvals?state=pending and maps each RoleName to its approval id. */
async function listPending(airlock: RunningAirlock): Promise<Map<string, string>> {
  const byRoleName = new Map<string, string>();
  let before: string | null = null;
  for (let page = 0; page <= Math.ceil(calls / API_PAGE) + 2; page += 1) {
    const query = new URLSearchParams({ state: 'pending', limit: String(API_PAGE) });
    if (before !== null) query.set('before', before);
    const response = await fetch(`${airlock.apiUrl}/v1/approvals?${query}`, {
      headers: { authorization: `Bearer ${airlock.approverToken}` },
    });
    if (response.status !== 200)
      throw new Error(`GET /v1/approvals answered ${response.status}: ${await response.text()}`);
    const listing = (await response.json()) as ApprovalListing;
    for (const approval of listing.approvals) {
      const roleName = approval.call.params?.RoleName;
      if (approval.state === 'pending' && typeof roleName === 'string') byRoleName.set(roleName, approval.id);
    }
    before = listing.next_before;
    if (before === null) break;
  }
  return byRoleName;
}

interface ApproveFigures {
  readonly latenciesMs: number[];
  readonly approveResponseMs: number[];
  readonly approveStatuses: Map<number, number>;
  readonly approveErrors: string[];
  readonly elapsedMs: number;
}

/** approveAll approves every held call's approval, `approveConcurrency` requests in flight. */
async function approveAll(airlock: RunningAirlock, pending: Map<string, string>): Promise<ApproveFigures> {
  const queue = heldCalls.filter((call) => pending.has(call.roleName));
  const approveResponseMs: number[] = [];
  const approveStatuses = new Map<number, number>();
  const approveErrors: string[] = [];
  const started = performance.now();
  let next = 0;
  const approver = async () => {
    while (next < queue.length) {
      const call = queue[next]!;
      next += 1;
      const id = pending.get(call.roleName)!;
      call.approveSentAt = performance.now();
      try {
        const response = await fetch(`${airlock.apiUrl}/v1/approvals/${encodeURIComponent(id)}/approve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${airlock.approverToken}`, 'content-type': 'application/json' },
          body: '{"comment":"bench"}',
          signal: AbortSignal.timeout(OPEN_TIMEOUT_MS),
        });
        const text = await response.text();
        approveResponseMs.push(performance.now() - call.approveSentAt);
        approveStatuses.set(response.status, (approveStatuses.get(response.status) ?? 0) + 1);
        if (response.status !== 200 && approveErrors.length < 5) approveErrors.push(`${response.status} ${text}`);
      } catch (error) {
        if (approveErrors.length < 5) approveErrors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(approveConcurrency, Math.max(queue.length, 1)) }, approver));
  const elapsedMs = performance.now() - started;
  await drain();
  const latenciesMs = queue
    .filter((call) => call.status === 200 && call.completedAt! > (call.approveSentAt ?? Infinity))
    .map((call) => call.completedAt! - call.approveSentAt!);
  return { latenciesMs, approveResponseMs, approveStatuses, approveErrors, elapsedMs };
}

/** drain waits, bounded, until every sent call has its answer or its error. */
async function drain(): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const open = () => heldCalls.some((call) => call.completedAt === undefined && call.error === undefined);
  while (open() && Date.now() < deadline) await sleep(100);
}

interface RssReading {
  readonly rss: number;
  readonly peak: number;
}

/** RssSampler reads a process's VmRSS and VmHWM (its peak RSS) from /proc, and samples VmRSS in the background. */
interface RssSampler {
  read(): RssReading;
  /** The highest VmRSS seen by the background sampling. */
  peakSampled(): number;
  stop(): void;
}

function sampleRss(pid: number): RssSampler {
  const read = (): RssReading => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
  };
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, read().rss)), RSS_SAMPLE_MS);
  timer.unref();
  return { read, peakSampled: () => peak, stop: () => clearInterval(timer) };
}

function printReport(figures: {
  idle: RssReading;
  held: RssReading;
  after: RssReading;
  heldIn: { sendMs: number; heldMs: number; openErrors: number };
  approved: ApproveFigures;
  peakSampled: number;
}): void {
  const { idle, held, after, heldIn, approved } = figures;
  const statusCounts = new Map<string, number>();
  for (const call of heldCalls) {
    const key = call.error !== undefined ? 'error' : String(call.status ?? 'none');
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
  }
  const forwardedWhole = heldCalls.filter((call) => call.status === 200 && call.body?.includes(call.roleName)).length;
  const errors = heldCalls.filter((call) => call.error !== undefined);

  console.log('');
  console.log(`bench:holds — ${calls} calls held at once in one Airlock process, Node ${process.version}`);
  console.log(
    `held: all sent in ${(heldIn.sendMs / 1000).toFixed(1)} s, all held in ${(heldIn.heldMs / 1000).toFixed(1)} s ` +
      `(${((calls / heldIn.heldMs) * 1000).toFixed(0)} calls/s), ${heldIn.openErrors} failed to open`,
  );
  console.log(
    `Airlock RSS: idle ${mib(idle.rss)}, all held ${mib(held.rss)}, after approvals ${mib(after.rss)}, ` +
      `peak ${mib(Math.max(after.peak, figures.peakSampled))} (VmHWM)`,
  );
  console.log(
    `  per held call: ${((held.rss - idle.rss) / Math.max(calls - heldIn.openErrors, 1) / 1024).toFixed(1)} KiB; ` +
      `bench process (agents and upstream) RSS ${mib(process.memoryUsage.rss())}`,
  );
  console.log(
    `approve: ${approved.approveResponseMs.length} POSTs in ${(approved.elapsedMs / 1000).toFixed(1)} s at ` +
      `${approveConcurrency} in flight (${((approved.approveResponseMs.length / approved.elapsedMs) * 1000).toFixed(0)}/s); ` +
      `statuses ${formatCounts(approved.approveStatuses)}; POST answered in p50 ` +
      `${percentile(approved.approveResponseMs, 0.5).toFixed(1)} ms, p99 ${percentile(approved.approveResponseMs, 0.99).toFixed(1)} ms`,
  );
  for (const error of approved.approveErrors) console.log(`  approve error: ${error.slice(0, 200)}`);
  const latencies = approved.latenciesMs;
  console.log(
    `approval-to-forward (approve POST sent → agent's response complete), ${latencies.length} calls: ` +
      `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p90 ${percentile(latencies, 0.9).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 0.99).toFixed(1)} ms, max ${percentile(latencies, 1).toFixed(1)} ms`,
  );
  console.log(
    `agents' answers: ${formatCounts(statusCounts)}; ${forwardedWhole} of ${calls} got their own CreateRole ` +
      `response; the upstream saw ${upstreamRequests} requests`,
  );
  for (const call of errors.slice(0, 5)) console.log(`  ${call.roleName}: ${call.error}`);
  console.log(`targets: RSS under 1 GiB with ${calls} held; approval-to-forward p99 under 100 ms`);
}

function formatCounts(counts: Map<number | string, number>): string {
  return [...counts].map(([key, count]) => `${key}×${count}`).join(', ') || 'none';
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)] ?? Number.NaN;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function positiveInteger(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} takes a positive integer, not ${text}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

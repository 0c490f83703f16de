import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { stringify } from 'yaml';
import { loadOrCreateCertificateAuthority, mintLeafCertificate } from '../../proxy/listen/index.js';
import { NodeSha256 } from '../../proxy/sign/index.js';

/*
 * npm run bench:proxy [-- --seconds N] [--workers N] [--profile DIR] [--clients 1,16] [--targets airlock,...]
 *
 * One run, side by side, of the same allowed call (sts:GetCallerIdentity, signed by an Airlock agent key):
 *   direct      hey → the upstream over HTTPS
 *   airlock     hey → CONNECT → Airlock (TLS, verify, decode, decide, re-sign) → the upstream over HTTPS
 *   mitmproxy   hey → CONNECT → mitmdump (TLS interception, no policy) → the upstream over HTTPS
 *   node relay  hey → CONNECT → relay-floor.ts (TLS interception on Node's HTTP stack, nothing else) → the upstream
 * at 1 and 16 concurrent keep-alive clients, with `hey` (Debian's package speaks CONNECT with -x) and `mitmdump`
 * (Debian's mitmproxy). The upstream is a small Node HTTPS server answering as STS does, so the figures are the
 * proxies' own cost. Each row also gives the CPU time the proxy process and the upstream spent per call (from /proc
 * and process.cpuUsage), which other load on the machine disturbs far less than throughput. Then the
 * leaf-certificate mint time for new hosts. Everything shares this machine's cores. `--profile DIR` writes a V8 CPU
 * profile of the Airlock process there; `--clients` and `--targets` pick rows.
 */

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 10;
const workers = Number(args[args.indexOf('--workers') + 1]) || 1;
const profileDir = args.includes('--profile') ? resolve(args[args.indexOf('--profile') + 1] ?? '.') : undefined;
/** The rows of each table: `node relay` is relay-floor.ts, the least a Node interception proxy does per call. */
const TARGETS = ['direct', 'airlock', 'mitmproxy', 'node relay'] as const;
type Target = (typeof TARGETS)[number];

/** listArgument reads `--name a,b`: the values given, or `defaults`. */
function listArgument(name: string, defaults: readonly string[]): string[] {
  return args.includes(name) ? (args[args.indexOf(name) + 1] ?? '').split(',') : [...defaults];
}

const clientCounts = listArgument('--clients', ['1', '16']).map(Number);
if (clientCounts.some((count) => !Number.isInteger(count) || count < 1)) {
  throw new Error('--clients takes positive whole numbers, e.g. 1,16');
}
const targets = listArgument('--targets', TARGETS) as Target[];
const unknownTargets = targets.filter((target) => !TARGETS.includes(target));
if (unknownTargets.length > 0) {
  throw new Error(`--targets: unknown ${unknownTargets.join(', ')}; choose from ${TARGETS.join(', ')}`);
}
const run = promisify(execFile);
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const RESPONSE = Buffer.from(
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    '<Arn>arn:aws:iam::123456789012:user/airlock</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>' +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>' +
    '</ResponseMetadata></GetCallerIdentityResponse>',
);
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

let upstreamConnections = 0;

interface HeyFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly responses: number;
}

/** RowFigures are hey's figures and the CPU the proxy (and the in-process upstream) spent per call. */
interface RowFigures extends HeyFigures {
  readonly upstreamConnections: number;
  readonly proxyCpuMicrosPerCall?: number;
  readonly upstreamCpuMicrosPerCall: number;
}

/** The process of each proxy row, whose CPU time is read from /proc around the measured run. */
const proxyPids = new Map<Target, number>();

const directory = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const children: ChildProcess[] = [];
try {
  const benchCa = await loadOrCreateCertificateAuthority(join(directory, 'upstream-ca'));
  const upstreamPort = await startUpstream(await mintLeafCertificate(benchCa, '127.0.0.1'));
  const caFile = join(directory, 'upstream-ca.pem');
  writeFileSync(caFile, benchCa.certificatePem);

  const airlockPort = await freePort();
  const keys = await startAirlock(airlockPort, upstreamPort, caFile);
  const mitmPort = await startMitmproxy(upstreamPort);
  const relayPort = await startRelayFloor(
    upstreamPort,
    caFile,
    await mintLeafCertificate(benchCa, 'sts.amazonaws.com'),
  );
  const headers = await signedHeaders(keys);

  const rows: Array<{ clients: number; target: Target; figures: RowFigures }> = [];
  for (const clients of clientCounts) {
    for (const target of targets) {
      const heyArgs = heyArguments(target, clients, headers, { upstreamPort, airlockPort, mitmPort, relayPort });
      await hey(['-z', '3s', ...heyArgs]);
      const connectionsBefore = upstreamConnections;
      const pid = proxyPids.get(target);
      const proxyCpuBefore = pid === undefined ? 0 : cpuMicrosOf(pid);
      const upstreamCpuBefore = process.cpuUsage();
      const figures = await hey(['-z', `${seconds}s`, ...heyArgs]);
      const upstreamCpu = process.cpuUsage(upstreamCpuBefore);
      const calls = Math.max(1, figures.responses);
      rows.push({
        clients,
        target,
        figures: {
          ...figures,
          upstreamConnections: upstreamConnections - connectionsBefore,
          ...(pid === undefined ? {} : { proxyCpuMicrosPerCall: (cpuMicrosOf(pid) - proxyCpuBefore) / calls }),
          upstreamCpuMicrosPerCall: (upstreamCpu.user + upstreamCpu.system) / calls,
        },
      });
    }
  }
  const mint = await measureMint(benchCa);
  printReport(rows, mint);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(directory, { recursive: true, force: true });
}

function heyArguments(
  target: Target,
  clients: number,
  headers: Record<string, string>,
  ports: { upstreamPort: number; airlockPort: number; mitmPort: number; relayPort: number },
): string[] {
  const common = ['-c', String(clients), '-m', 'POST', '-d', BODY, '-T', headers['content-type']!];
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'host' && name !== 'content-type' && name !== 'content-length') common.push('-H', `${name}: ${value}`);
  }
  switch (target) {
    case 'direct':
      return [...common, '-host', 'sts.amazonaws.com', `https://127.0.0.1:${ports.upstreamPort}/`];
    case 'airlock':
      return [...common, '-x', `http://127.0.0.1:${ports.airlockPort}`, 'https://sts.amazonaws.com/'];
    case 'mitmproxy':
      return [...common, '-x', `http://127.0.0.1:${ports.mitmPort}`, 'https://sts.amazonaws.com/'];
    case 'node relay':
      return [...common, '-x', `http://127.0.0.1:${ports.relayPort}`, 'https://sts.amazonaws.com/'];
  }
}

async function hey(heyArgs: string[]): Promise<HeyFigures> {
  const { stdout } = await run('hey', heyArgs, { maxBuffer: 16 * 1024 * 1024 });
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? Number.NaN);
  const statusLines = [...stdout.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)];
  const errors =
    statusLines.filter(([, status]) => status !== '200').reduce((sum, [, , count]) => sum + Number(count), 0) +
    number(/Error distribution:[\s\S]*?\[(\d+)\]/) * (/Error distribution/.test(stdout) ? 1 : 0);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: number(/50% in ([\d.]+) secs/) * 1000,
    p99Ms: number(/99% in ([\d.]+) secs/) * 1000,
    errors: Number.isNaN(errors) ? 0 : errors,
    responses: statusLines.reduce((sum, [, , count]) => sum + Number(count), 0),
  };
}

/** cpuMicrosOf reads the user + system CPU time process `pid` has used, in microseconds, from /proc. */
function cpuMicrosOf(pid: number): number {
  // Fields after the parenthesised command name: state is field 3, utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

async function startUpstream(leaf: { certificatePem: string; privateKeyPem: string }): Promise<number> {
  const server = createHttpsServer({ cert: leaf.certificatePem, key: leaf.privateKeyPem, keepAliveTimeout: 60_000 });
  server.on('secureConnection', () => (upstreamConnections += 1));
  server.on('request', (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml', 'content-length': RESPONSE.length });
      response.end(RESPONSE);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  server.unref();
  return (server.address() as { port: number }).port;
}

async function startAirlock(port: number, upstreamPort: number, upstreamCaFile: string) {
  const config = {
    listen: `127.0.0.1:${port}`,
    api: `127.0.0.1:${await freePort()}`,
    state_dir: 'state',
    policy: { dir: join(ROOT, 'rego'), watch: false },
    upstreams: [{ hosts: ['*.amazonaws.com', 'amazonaws.com'], url: `https://127.0.0.1:${upstreamPort}` }],
    accounts: [{ id: '123456789012', environment: 'dev', credentials: { type: 'env', prefix: 'BENCH_REAL' } }],
    workers,
  };
  const configPath = join(directory, 'airlock.yaml');
  writeFileSync(configPath, stringify(config));
  const main = join(ROOT, 'dist/proxy/cli/main.js');
  const env = {
    PATH: process.env.PATH,
    BENCH_REAL_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    BENCH_REAL_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    NODE_EXTRA_CA_CERTS: upstreamCaFile,
  };
  const { stdout } = await run(
    process.execPath,
    [main, 'agent', 'add', 'bench-bot', '--owner', 'bench@example.com', '--config', configPath],
    { env },
  );
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)?.[1];
  if (accessKeyId === undefined || secretAccessKey === undefined) throw new Error('agent add printed no keys');
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profile, main, 'serve', '--config', configPath], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  proxyPids.set('airlock', child.pid!);
  await new Promise<void>((ready, fail) => {
    let seen = '';
    const untilListening = (piece: Buffer) => {
      seen += piece.toString();
      if (!seen.includes('"msg":"listening"')) return;
      // Stop looking: the per-call log lines that follow would make this search, in the upstream's process, grow
      // with every call.
      child.stdout!.off('data', untilListening);
      ready();
    };
    child.stdout!.on('data', untilListening);
    child.once('exit', (code) => fail(new Error(`airlock exited with ${code}`)));
  });
  // Keep reading its log lines so the pipe never fills; they are the per-call JSON lines a real deployment writes.
  child.stdout!.resume();
  return { accessKeyId, secretAccessKey };
}

async function startMitmproxy(upstreamPort: number): Promise<number> {
  const port = await freePort();
  const child = spawn(
    'mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--ssl-insecure',
      '--set',
      'connection_strategy=lazy',
      '--set',
      `confdir=${join(directory, 'mitmproxy')}`,
      '--map-remote',
      `|//sts.amazonaws.com/|//127.0.0.1:${upstreamPort}/`,
      '--quiet',
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  proxyPids.set('mitmproxy', child.pid!);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return port;
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error('mitmdump did not start');
}

async function startRelayFloor(
  upstreamPort: number,
  upstreamCaFile: string,
  leaf: { certificatePem: string; privateKeyPem: string },
): Promise<number> {
  const port = await freePort();
  const certFile = join(directory, 'relay-cert.pem');
  const keyFile = join(directory, 'relay-key.pem');
  writeFileSync(certFile, leaf.certificatePem);
  writeFileSync(keyFile, leaf.privateKeyPem, { mode: 0o600 });
  const script = fileURLToPath(new URL('./relay-floor.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, String(port), String(upstreamPort), certFile, keyFile, upstreamCaFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  proxyPids.set('node relay', child.pid!);
  await new Promise<void>((ready, fail) => {
    child.stdout!.once('data', () => ready());
    child.once('exit', (code) => fail(new Error(`the relay exited with ${code}`)));
  });
  return port;
}

async function signedHeaders(keys: { accessKeyId: string; secretAccessKey: string }) {
  const signer = new SignatureV4({ credentials: keys, region: 'us-east-1', service: 'sts', sha256: NodeSha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: 'sts.amazonaws.com',
      path: '/',
      headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: BODY,
    }),
  );
  return signed.headers as Record<string, string>;
}

async function measureMint(ca: Awaited<ReturnType<typeof loadOrCreateCertificateAuthority>>) {
  const times: number[] = [];
  for (let i = 0; i < 220; i += 1) {
    const started = performance.now();
    const leaf = await mintLeafCertificate(ca, `host-${i}.bench.amazonaws.com`);
    createSecureContext({ cert: leaf.certificatePem, key: leaf.privateKeyPem });
    if (i >= 20) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1]!, p99Ms: times[Math.floor(times.length * 0.99)]! };
}

function printReport(
  rows: Array<{ clients: number; target: Target; figures: RowFigures }>,
  mint: { medianMs: number; p99Ms: number },
) {
  console.log(
    `bench:proxy — ${seconds} s per row, POST sts:GetCallerIdentity, keep-alive, Airlock workers: ${workers}, Node ${process.version}`,
  );
  console.log(
    'clients  target       req/s   p50 ms   p99 ms  added p50  added p99  errors  upstream TLS  proxy CPU µs/call  upstream CPU µs/call',
  );
  for (const { clients, target, figures } of rows) {
    const direct = rows.find((row) => row.clients === clients && row.target === 'direct')?.figures;
    const added =
      target === 'direct' || direct === undefined
        ? ['', '']
        : [(figures.p50Ms - direct.p50Ms).toFixed(2), (figures.p99Ms - direct.p99Ms).toFixed(2)];
    const cells = [
      String(clients).padStart(7),
      target.padEnd(10),
      figures.requestsPerSecond.toFixed(0).padStart(7),
      figures.p50Ms.toFixed(2).padStart(7),
      figures.p99Ms.toFixed(2).padStart(7),
      added[0]!.padStart(9),
      added[1]!.padStart(9),
      String(figures.errors).padStart(6),
      String(figures.upstreamConnections).padStart(12),
      (figures.proxyCpuMicrosPerCall?.toFixed(0) ?? '').padStart(17),
      figures.upstreamCpuMicrosPerCall.toFixed(0).padStart(20),
    ];
    console.log(cells.join('  '));
  }
  for (const clients of clientCounts) {
    const rate = (target: Target) =>
      rows.find((row) => row.clients === clients && row.target === target)?.figures.requestsPerSecond;
    const airlock = rate('airlock');
    const ratios = [
      ['of direct', rate('direct')],
      ['of mitmproxy', rate('mitmproxy')],
      ['of the bare Node relay', rate('node relay')],
    ] as const;
    const said = ratios.flatMap(([what, other]) =>
      airlock === undefined || other === undefined ? [] : [`${((airlock / other) * 100).toFixed(0)}% ${what}`],
    );
    if (said.length > 0) console.log(`${clients} client(s): Airlock at ${said.join(', ')}`);
  }
  console.log(
    `leaf certificate for a new host (P-256 key, sign, SecureContext): median ${mint.medianMs.toFixed(2)} ms, p99 ${mint.p99Ms.toFixed(2)} ms`,
  );
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { signWireRequest } from '../../proxy/sign/index.js';

/** RealCredentials are the upstream keys only Airlock holds: an IAM user moto knows and checks signatures against. */
export interface RealCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Moto is a running moto_server on loopback that verifies every SigV4 signature after its bootstrap calls. */
export interface Moto {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, the host header a request sent straight to moto carries. */
  readonly host: string;
  readonly port: number;
  /** The IAM user the credentials belong to (`arn:aws:iam::123456789012:user/<userName>`). */
  readonly userName: string;
  readonly credentials: RealCredentials;
  /** Requests moto received, as its access log printed them (`"PUT /bucket/key HTTP/1.1" 200`). */
  readonly accessLog: string[];
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** Name of the IAM user created for the real credentials; `airlock` unless told. */
  readonly userName?: string;
}

/** freePort asks the kernel for an unused loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// The bootstrap calls below run before moto enforces authentication; from the next request on, moto recomputes
// every signature with the secret of the access key it names and refuses a mismatch with SignatureDoesNotMatch.
const BOOTSTRAP_CALLS = 3;
const BOOTSTRAP_SIGNER = { accessKeyId: 'AKIABOOTSTRAPEXAMPLE', secretAccessKey: 'bootstrap' };

/**
 * startMoto runs moto_server with signature checking on, creates an IAM user allowed everything, and returns that
 * user's access key as the real credentials Airlock signs with.
 */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const userName = options.userName ?? 'airlock';
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(BOOTSTRAP_CALLS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const accessLog: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.includes('HTTP/1.1"')) accessLog.push(line);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  try {
    await waitUntilServing(url, child);
    await iamCall(url, { Action: 'CreateUser', UserName: userName });
    await iamCall(url, {
      Action: 'PutUserPolicy',
      UserName: userName,
      PolicyName: 'everything',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    });
    const created = await iamCall(url, { Action: 'CreateAccessKey', UserName: userName });
    const credentials = {
      accessKeyId: xmlText(created, 'AccessKeyId'),
      secretAccessKey: xmlText(created, 'SecretAccessKey'),
    };
    accessLog.length = 0;
    return { url, host, port, userName, credentials, accessLog, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      const response = await request(`${url}/moto-api/`, { method: 'GET' });
      await response.body.dump();
      return;
    } catch {
      await delay(100);
    }
  }
  throw new Error('moto_server did not start within 20 s');
}

async function iamCall(url: string, form: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...form, Version: '2010-05-08' }).toString();
  const signed = await signWireRequest(
    {
      method: 'POST',
      host: 'iam.amazonaws.com',
      path: '/',
      headers: { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from(body),
    },
    BOOTSTRAP_SIGNER,
    { service: 'iam', region: 'us-east-1' },
    { signedHeaders: new Set(['host', 'content-type']) },
  );
  const response = await request(`${url}/`, {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`moto ${form.Action}: ${response.statusCode} ${text}`);
  return text;
}

function xmlText(xml: string, element: string): string {
  const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (match === null) throw new Error(`no <${element}> in moto's answer`);
  return match[1]!;
}

/** stopChild sends SIGTERM and waits for the exit, sending SIGKILL if the child is still running after `killAfterMs`. */
export async function stopChild(child: ChildProcess, killAfterMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}

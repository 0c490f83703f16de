import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort, type RealCredentials, stopChild } from '../../harness/moto.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const MAIN = join(ROOT, 'dist/proxy/cli/main.js');

/** AgentKeys are what `airlock agent add` hands out: the only credentials an agent holds. */
export interface AgentKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** LogLine is one JSON line Airlock printed. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** AirlockProcess is a real `airlock serve` child process in its own temporary directory. */
export interface AirlockProcess {
  readonly directory: string;
  readonly proxyUrl: string;
  /** The REST API and approval pages. */
  readonly apiUrl: string;
  readonly proxyPort: number;
  readonly caPath: string;
  readonly caPem: string;
  readonly pid: number;
  readonly logs: LogLine[];
  addAgent(name: string, owner: string, groups?: readonly string[]): Promise<AgentKeys>;
  /** rssBytes reads the process's resident set size from /proc. */
  rssBytes(): number;
  /** waitForLog resolves with the first log line (already printed or to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** cli runs `airlock ARGS --config <this process's config>` with `env` added to a clean environment. */
  cli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** kill ends the process with SIGKILL, as a crash would, and keeps its directory for a restart. */
  kill(): Promise<void>;
  /** stop ends the process (SIGTERM) and removes its directory unless told to keep it. */
  stop(options?: { readonly keepDirectory?: boolean }): Promise<void>;
}

export interface StartAirlockOptions {
  /** Where AWS endpoints go instead of AWS (moto's URL). */
  readonly upstream: string;
  readonly credentials: RealCredentials;
  /** A policy directory to use instead of the default `rego/`. */
  readonly policyDir?: string;
  readonly environment?: string;
  /** Extra top-level configuration, merged over the defaults here. */
  readonly config?: Record<string, unknown>;
  /** Start in this directory (one a killed Airlock left) instead of a new one: its state directory is kept. */
  readonly directory?: string;
  /** Extra environment variables for the Airlock process (secrets that the configuration names). */
  readonly env?: NodeJS.ProcessEnv;
}

/** startAirlock writes an airlock.yaml, runs `airlock serve`, and waits until it says it is listening. */
export async function startAirlock(options: StartAirlockOptions): Promise<AirlockProcess> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'airlock-e2e-'));
  const policyDir = join(directory, 'rego');
  cpSync(options.policyDir ?? join(ROOT, 'rego'), policyDir, { recursive: true, force: true });
  const proxyPort = await freePort();
  const apiPort = await freePort();
  const config = {
    listen: `127.0.0.1:${proxyPort}`,
    api: `127.0.0.1:${apiPort}`,
    state_dir: 'state',
    policy: { dir: 'rego', watch: true },
    upstreams: [{ hosts: ['*.amazonaws.com', 'amazonaws.com'], url: options.upstream }],
    accounts: [
      {
        id: '123456789012',
        environment: options.environment ?? 'dev',
        credentials: { type: 'env', prefix: 'AIRLOCK_REAL' },
      },
    ],
    ...options.config,
  };
  const configPath = join(directory, 'airlock.yaml');
  writeFileSync(configPath, stringify(config));

  const child = spawn(process.execPath, [MAIN, 'serve', '--config', configPath], {
    cwd: directory,
    env: {
      PATH: process.env.PATH,
      AIRLOCK_REAL_ACCESS_KEY_ID: options.credentials.accessKeyId,
      AIRLOCK_REAL_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line, unparsed: true });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.AIRLOCK_E2E_STDERR) process.stderr.write(chunk);
  });

  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 15_000) =>
    new Promise<LogLine>((resolvePromise, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found !== undefined) {
          finish();
          resolvePromise(found);
        } else if (child.exitCode !== null) {
          finish();
          reject(new Error(`airlock exited with ${child.exitCode}: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', check);
      };
      waiters.add(check);
      child.on('exit', check);
      check();
    });

  try {
    await waitForLog((line) => line.msg === 'listening');
  } catch (error) {
    await stopChild(child, 5_000);
    throw error;
  }
  const caPath = join(directory, 'state', 'ca.crt');
  return {
    directory,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    proxyPort,
    caPath,
    caPem: readFileSync(caPath, 'utf8'),
    pid: child.pid!,
    logs,
    addAgent: (name, owner, groups = []) => addAgent(configPath, name, owner, groups, options.env),
    rssBytes: () => rssOf(child.pid!),
    waitForLog,
    // Every command reads the whole configuration, so it sees the secrets the configuration names, as serve does.
    cli: (args, env = {}) =>
      run(process.execPath, [MAIN, ...args, '--config', configPath], {
        PATH: process.env.PATH,
        ...options.env,
        ...env,
      }),
    kill: async () => {
      child.kill('SIGKILL');
      await stopChild(child, 5_000);
    },
    stop: async ({ keepDirectory = false } = {}) => {
      await stopChild(child, 5_000);
      if (!keepDirectory) rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function addAgent(
  configPath: string,
  name: string,
  owner: string,
  groups: readonly string[],
  env: NodeJS.ProcessEnv = {},
) {
  const args = [MAIN, 'agent', 'add', name, '--owner', owner, '--config', configPath];
  for (const group of groups) args.push('--group', group);
  const { code, stdout, stderr } = await run(process.execPath, args, { PATH: process.env.PATH, ...env });
  if (code !== 0) throw new Error(`airlock agent add failed (${code}): ${stderr}`);
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)?.[1];
  if (accessKeyId === undefined || secretAccessKey === undefined) throw new Error(`no keys in: ${stdout}`);
  return { accessKeyId, secretAccessKey };
}

/** RunResult is what a finished command printed. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** run starts a command with exactly the given environment and collects its output; it is killed after 90 s. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * awsCliEnvironment is the environment of an agent using the AWS CLI through Airlock: its own keys only, the proxy,
 * Airlock's CA, and no configuration files that could add other credentials.
 */
export function awsCliEnvironment(airlock: AirlockProcess, keys: AgentKeys): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    HTTPS_PROXY: airlock.proxyUrl,
    AWS_CA_BUNDLE: airlock.caPath,
  };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kilobytes) * 1024;
}

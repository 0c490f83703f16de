import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { AGENTS_FILE, AgentRegistry } from '../agents/index.js';
import type { ListenAddress, UpstreamRoute } from '../config/index.js';
import { AirlockError } from '../core/errors.js';
import { createPolicyEngine, PolicyRejectedError } from '../decide/index.js';
import { openSqliteStore, STORE_FILE } from '../store/index.js';
import { clientUrl } from './client-url.js';
import type { Environment } from './command-io.js';

/*
 * The checks behind `airlock status`. Each returns what it found, healthy or not, and throws only for a bug. None
 * creates anything: a state directory that does not exist yet is reported as empty, not made.
 */

/** UPSTREAM_CONNECT_TIMEOUT_MS bounds the TCP connect to each configured upstream. */
export const UPSTREAM_CONNECT_TIMEOUT_MS = 2_000;
/** HEALTH_TIMEOUT_MS bounds the request to a running server's `/v1/health`. */
export const HEALTH_TIMEOUT_MS = 1_000;
/** The most pending approvals read at once; the store's page limit. */
const APPROVALS_PAGE = 1_000;

/** PolicyStatus says whether the policy directory compiles, and the version the engine would give it. */
export interface PolicyStatus {
  readonly ok: boolean;
  readonly dir: string;
  /** 12 hex digits of SHA-256 over the sources, as `airlock serve` reports it; absent when they cannot be read. */
  readonly version?: string;
  /** Why it was rejected, one problem a line (`file:row:col: code: message` for compile errors). */
  readonly diagnostics?: readonly string[];
}

/** ServerStatus says whether an `airlock serve` answers on the configured API address. */
export interface ServerStatus {
  readonly ok: boolean;
  readonly url: string;
  readonly error?: string;
}

/** AgentsStatus is how many agents are registered, or why the registry cannot be read. */
export interface AgentsStatus {
  readonly ok: boolean;
  readonly count?: number;
  readonly error?: string;
}

/** ApprovalsStatus is how many approvals are pending, and since when the oldest has waited. */
export interface ApprovalsStatus {
  readonly ok: boolean;
  readonly pending?: number;
  /** When the oldest pending approval was created (ISO 8601). */
  readonly oldestCreatedAt?: string;
  readonly error?: string;
}

/** UpstreamStatus says whether a configured upstream accepts a TCP connection. */
export interface UpstreamStatus {
  readonly ok: boolean;
  readonly url: string;
  readonly hosts: readonly string[];
  readonly error?: string;
}

/**
 * checkPolicy compiles the policy directory as `airlock serve` does at start (compile, load, smoke evaluation),
 * without watching it.
 */
export async function checkPolicy(dir: string): Promise<PolicyStatus> {
  try {
    const engine = await createPolicyEngine({ dir });
    const { version } = engine;
    await engine.close();
    return { ok: true, dir, version };
  } catch (error) {
    if (!(error instanceof PolicyRejectedError)) throw error;
    return {
      ok: false,
      dir,
      ...(error.version === undefined ? {} : { version: error.version }),
      diagnostics: error.diagnostics,
    };
  }
}

/** checkServer asks `GET /v1/health` of the API address, waiting at most HEALTH_TIMEOUT_MS. */
export async function checkServer(api: ListenAddress): Promise<ServerStatus> {
  const url = clientUrl(api);
  if (api.port === 0) return { ok: false, url, error: 'api has port 0, a port picked at start: cannot tell' };
  try {
    const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok ? { ok: true, url } : { ok: false, url, error: `/v1/health answered ${response.status}` };
  } catch (error) {
    return { ok: false, url, error: `no server answers: ${describeFetchError(error)}` };
  }
}

/** checkUpstream opens a TCP connection to the upstream's host and port, waiting at most UPSTREAM_CONNECT_TIMEOUT_MS. */
export async function checkUpstream(route: UpstreamRoute): Promise<UpstreamStatus> {
  const target = new URL(route.url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const error = await connectError(host, port, UPSTREAM_CONNECT_TIMEOUT_MS);
  return { ok: error === undefined, url: route.url, hosts: route.hosts, ...(error === undefined ? {} : { error }) };
}

/** checkAgents counts the registered agents; it reads agents.json only if it exists, so it never creates a key. */
export function checkAgents(stateDir: string, env: Environment): AgentsStatus {
  if (!existsSync(join(stateDir, AGENTS_FILE))) return { ok: true, count: 0 };
  try {
    return { ok: true, count: AgentRegistry.open(stateDir, { env }).list().length };
  } catch (error) {
    if (error instanceof AirlockError) return { ok: false, error: error.message };
    throw error;
  }
}

/** checkApprovals counts pending approvals in the store, if there is one; an absent store holds none. */
export async function checkApprovals(stateDir: string): Promise<ApprovalsStatus> {
  const file = join(stateDir, STORE_FILE);
  if (!existsSync(file)) return { ok: true, pending: 0 };
  try {
    const store = openSqliteStore({ file });
    try {
      let pending = 0;
      let oldestCreatedAt: string | undefined;
      let before: string | undefined;
      // Newest first, a page at a time; each page but the last is full, so this ends when the pending ones do.
      for (;;) {
        const page = await store.listApprovals({
          state: 'pending',
          limit: APPROVALS_PAGE,
          ...(before === undefined ? {} : { before }),
        });
        pending += page.length;
        const oldest = page.at(-1);
        if (oldest !== undefined) oldestCreatedAt = oldest.createdAt;
        if (oldest === undefined || page.length < APPROVALS_PAGE) break;
        before = oldest.id;
      }
      return { ok: true, pending, ...(oldestCreatedAt === undefined ? {} : { oldestCreatedAt }) };
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof AirlockError) return { ok: false, error: error.message };
    throw error;
  }
}

function connectError(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (error: string | undefined) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => finish(`no connection within ${timeoutMs / 1000} s`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${HEALTH_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

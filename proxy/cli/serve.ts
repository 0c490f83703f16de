import cluster from 'node:cluster';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Logger, pino } from 'pino';
import { AgentRegistry } from '../agents/index.js';
import { loadAuditKeys } from '../audit/index.js';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { CA_CERTIFICATE_FILE, loadOrCreateCertificateAuthority } from '../listen/index.js';
import { AirlockError } from '../core/errors.js';
import { loadOrCreateLinkKey } from '../serve/link-key.js';
import { startAirlock } from '../serve/start-airlock.js';
import { openSqliteStore } from '../store/index.js';
import { shellWord } from './shell-quote.js';

const USAGE = `usage: airlock serve [--config PATH] [--log-level LEVEL]

runs the proxy agents point HTTPS_PROXY at; logs one JSON line per call on stdout`;

/**
 * serveCommand runs Airlock until SIGINT or SIGTERM. A configuration, CA, policy or port problem stops it at start
 * with one line on stderr naming the cause, and exit code 1.
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let values: { config?: string | undefined; 'log-level'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, 'log-level': { type: 'string' } },
    }));
  } catch (error) {
    console.error(`airlock serve: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const config = loadConfig(values.config);
    const log = pino({ level: values['log-level'] ?? config.log.level, base: undefined });
    if (cluster.isPrimary && config.workers > 1) return await runWorkers(config, log, values.config);
    const airlock = await startAirlock(config, log);
    const ready: ProxyReady = {
      proxy: httpUrl(airlock.proxyAddress),
      api: httpUrl(airlock.apiAddress),
      policy_version: airlock.policy.version,
    };
    if (cluster.isWorker) process.send?.(ready);
    else {
      log.info({ ...ready, ca: join(config.stateDir, CA_CERTIFICATE_FILE) }, 'listening');
      printNextStepsIfNew(config, ready.api, values.config);
    }
    await stopSignal();
    log.info('stopping');
    await airlock.close();
    return 0;
  } catch (error) {
    if (error instanceof AirlockError || isSystemError(error)) {
      // One line, so a supervisor's log shows the whole cause where it shows the failure.
      console.error(`airlock serve: ${error.message.replace(/\s*\n\s*/g, '; ')}`);
      return 1;
    }
    throw error;
  } finally {
    // A worker's channel to the primary would keep it alive after it has stopped or failed.
    if (cluster.isWorker) cluster.worker?.disconnect();
  }
}

/** ProxyReady is what a started proxy reports: the line `listening` is made of it. */
interface ProxyReady {
  readonly proxy: string;
  /** The REST API and approval pages. */
  readonly api: string;
  readonly policy_version: string;
}

/**
 * runWorkers runs `config.workers` proxy processes on one listen address (node:cluster hands connections out in
 * turn), so the proxy can use every core. The CA, the keys and the database are created here first, so workers starting
 * together never race to create them. A worker that fails at start stops them all (its own stderr line says why);
 * one that dies later is replaced.
 */
async function runWorkers(config: AirlockConfig, log: Logger, configFlag: string | undefined): Promise<number> {
  await loadOrCreateCertificateAuthority(config.stateDir);
  AgentRegistry.open(config.stateDir);
  // The database's schema and the keys, too: workers then only open what exists, never migrate or create at once.
  await openSqliteStore({ stateDir: config.stateDir }).close();
  loadAuditKeys(config.stateDir, { mayCreate: true });
  loadOrCreateLinkKey(config.stateDir);
  let stopping = false;
  const started = new Promise<ProxyReady>((resolve, reject) => {
    let ready = 0;
    cluster.on('message', (_worker, message: ProxyReady) => {
      ready += 1;
      if (ready === config.workers) resolve(message);
    });
    cluster.on('exit', (worker, code) => {
      if (stopping) return;
      if (ready < config.workers) return reject(new StartupFailed(code ?? 1));
      log.error({ worker: worker.id, code }, 'proxy worker died; starting another');
      cluster.fork();
    });
  });
  for (let i = 0; i < config.workers; i += 1) cluster.fork();
  try {
    const ready = await started;
    log.info({ ...ready, ca: join(config.stateDir, CA_CERTIFICATE_FILE), workers: config.workers }, 'listening');
    printNextStepsIfNew(config, ready.api, configFlag);
  } catch (error) {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    if (error instanceof StartupFailed) return 1;
    throw error;
  }
  await stopSignal();
  stopping = true;
  log.info('stopping');
  const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  await Promise.all(
    workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve()).kill('SIGTERM'))),
  );
  return 0;
}

/** StartupFailed: a worker exited before it was listening; it has already said why on stderr. */
class StartupFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`a proxy worker exited with ${exitCode} while starting`);
  }
}

/**
 * printNextStepsIfNew tells someone who has just started Airlock with no agents what to do next. It goes to stderr,
 * always (a container's log is where a first run is read too), so that stdout stays one JSON line per event; once
 * an agent is registered it is no longer printed.
 */
function printNextStepsIfNew(config: AirlockConfig, apiUrl: string, configFlag: string | undefined): void {
  if (AgentRegistry.open(config.stateDir).list().length > 0) return;
  // The commands must read the same configuration as this server, so a --config given here is given there too.
  const withConfig = configFlag === undefined ? '' : ` --config ${shellWord(configFlag)}`;
  console.error(`
Airlock is running, and no agents are registered yet. Next steps:
  1. Register an agent; its access key is printed once:
       npx airlock agent add NAME --owner EMAIL${withConfig}
  2. Print what the agent's shell needs (HTTPS_PROXY, its key id, the CA files):
       npx airlock env NAME${withConfig}
  3. Let a person approve held calls; their API token is printed once:
       npx airlock approver add EMAIL --groups GROUP${withConfig}
Approval pages and REST API: ${apiUrl}. Check the set-up with: npx airlock status${withConfig}
`);
}

function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function httpUrl({ host, port }: { host: string; port: number }): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

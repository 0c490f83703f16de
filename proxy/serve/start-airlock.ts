import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AgentRegistry } from '../agents/index.js';
import { createApprovalService } from '../approvals/index.js';
import { AuditLog, loadAuditKeys } from '../audit/index.js';
import type { AirlockConfig } from '../config/index.js';
import { createPolicyEngine, type PolicyEngine, type PolicyEvent } from '../decide/index.js';
import { createAwsDecoder, parseAwsHost } from '../decode/index.js';
import { createForwarder, type Forwarder } from '../forward/index.js';
import { createHoldStage, type HoldStage } from '../hold/index.js';
import {
  type CertificateAuthority,
  type ClassifyHost,
  createProxyServer,
  LeafCertificateCache,
  loadOrCreateCertificateAuthority,
  type ProxyServer,
} from '../listen/index.js';
import { type AirlockMetrics, countApprovalEvents, createAirlockMetrics } from '../metrics/index.js';
import { createNotifier } from '../notify/index.js';
import { openSqliteStore } from '../store/index.js';
import { createAccountCredentials } from './accounts.js';
import { type ApiServer, startApiServer } from './api-server.js';
import { createCallPipeline } from './handle-call.js';
import { loadOrCreateLinkKey } from './link-key.js';

/** MAX_SCRUBBED_RESPONSE_BYTES bounds the responses read whole to look for credentials; STS and IAM answer in KiBs. */
const MAX_SCRUBBED_RESPONSE_BYTES = 1024 * 1024;

/** How long a stop waits for notifications still being sent. */
const NOTIFY_DRAIN_MS = 5_000;

/** RunningAirlock is a started proxy: where it listens, its CA, and how to stop it. */
export interface RunningAirlock {
  readonly proxyAddress: { host: string; port: number };
  readonly apiAddress: { host: string; port: number };
  readonly certificateAuthority: CertificateAuthority;
  readonly policy: PolicyEngine;
  close(): Promise<void>;
}

/**
 * startAirlock builds every stage from the configuration, in the order a call meets them, and starts listening.
 * Anything that cannot work (an unreadable CA, a policy that does not compile, missing credentials, a port in use)
 * fails here, before a single call is taken.
 */
export async function startAirlock(config: AirlockConfig, log: Logger): Promise<RunningAirlock> {
  const certificateAuthority = await loadOrCreateCertificateAuthority(config.stateDir);
  const agents = AgentRegistry.open(config.stateDir);
  const accounts = createAccountCredentials(config);
  const metrics = createAirlockMetrics();
  const resources = new Resources();
  try {
    const store = resources.add(openSqliteStore({ stateDir: config.stateDir }, { sync: config.store.sync }), (opened) =>
      opened.close(),
    );
    const audit = resources.add(
      await AuditLog.open(store, loadAuditKeys(config.stateDir, { mayCreate: true })),
      (log) => log.close(),
    );
    const linkKey = loadOrCreateLinkKey(config.stateDir);
    const approvals = resources.add(
      createApprovalService({ store, audit, linkKey, publicUrl: config.approvals.publicUrl, log }),
      (service) => service.close(),
    );
    const notifier = resources.add(
      createNotifier(config.notify, {
        log,
        onOutcome: (notifier, outcome) => metrics.notificationsTotal.inc({ notifier, outcome }),
      }),
      async (started) => {
        await started.drain(NOTIFY_DRAIN_MS);
        await started.close();
      },
    );
    approvals.subscribe(notifier.handle);
    approvals.subscribe(countApprovalEvents(metrics));

    const policy = resources.add(
      await createPolicyEngine({
        dir: config.policy.dir,
        watch: config.policy.watch,
        onEvent: (event) => logPolicyEvent(log, event),
      }),
      (engine) => engine.close(),
    );
    const forwarder: Forwarder = resources.add(
      createForwarder({
        upstreams: config.upstreams,
        headersTimeoutMs: config.limits.upstreamHeadersTimeoutSeconds * 1000,
      }),
      (opened) => opened.close(),
    );
    const handleCall = createCallPipeline({
      agents,
      decodeCall: createAwsDecoder({ maxBodyBytes: config.limits.maxDecodedBodyBytes }),
      policy,
      hold: measuredHold(createHoldStage({ approvals, holdMs: config.approvals.holdSeconds * 1000 }), metrics),
      accounts,
      forwarder,
      log,
      audit,
      observe: (record, latencyMs) => {
        metrics.callsTotal.inc({ decision: record.decision ?? 'none' });
        metrics.callDurationSeconds.observe({}, latencyMs / 1000);
      },
      limits: {
        maxDecodedBodyBytes: config.limits.maxDecodedBodyBytes,
        maxBufferedBodyBytes: config.limits.maxBufferedBodyBytes,
        maxScrubbedResponseBytes: MAX_SCRUBBED_RESPONSE_BYTES,
      },
    });

    const api: ApiServer = resources.add(
      await startApiServer({ config, store, audit, approvals, metrics, linkKey, log }),
      (server) => server.close(),
    );

    // Cloud API hosts are intercepted; hosts the configuration lists are tunnelled untouched; anything else is
    // refused, so an agent cannot use Airlock as a general way out.
    const classifyHost: ClassifyHost = (host, port) => {
      if (port === 443 && parseAwsHost(host) !== undefined) return 'intercept';
      return config.passesThrough(host) ? 'pass-through' : 'refuse';
    };
    const server: ProxyServer = createProxyServer({
      leafCertificates: new LeafCertificateCache(certificateAuthority),
      classifyHost,
      handleRequest: handleCall,
      onConnectionError: (event) => log.warn(event, 'connection'),
      maxHeaderBytes: config.limits.maxHeaderBytes,
      headersTimeoutMs: config.limits.headersTimeoutSeconds * 1000,
      requestTimeoutMs: config.limits.requestTimeoutSeconds * 1000,
      idleTimeoutMs: config.limits.idleTimeoutSeconds * 1000,
    });
    const address: AddressInfo = await server.listen(config.listen.port, config.listen.host);
    // The proxy stops first, so no call opens an approval or writes to the store after them.
    resources.add(server, (listening) => listening.close());
    return {
      proxyAddress: { host: address.address, port: address.port },
      apiAddress: api.address,
      certificateAuthority,
      policy,
      close: () => resources.closeAll(),
    };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}

/**
 * Resources are what a start opened, closed in the reverse order on stop, or on a failed start so that nothing is
 * left holding a port, a timer or the database.
 */
class Resources {
  readonly #closers: (() => Promise<void>)[] = [];
  #closing: Promise<void> | undefined;

  add<T>(resource: T, close: (resource: T) => Promise<void>): T {
    this.#closers.push(() => close(resource));
    return resource;
  }

  closeAll(): Promise<void> {
    this.#closing ??= (async () => {
      for (const close of this.#closers.reverse()) await close();
    })();
    return this.#closing;
  }
}

/** measuredHold counts the calls waiting on humans, and the time from an approval to its call going upstream. */
function measuredHold(hold: HoldStage, metrics: AirlockMetrics): HoldStage {
  return async (request, agent, call, decision, agentGone) => {
    metrics.heldCalls.inc();
    try {
      const outcome = await hold(request, agent, call, decision, agentGone);
      if (outcome.cleared && outcome.approvedAt !== undefined) {
        metrics.approvalToForwardSeconds.observe({}, (Date.now() - Date.parse(outcome.approvedAt)) / 1000);
      }
      return outcome;
    } finally {
      metrics.heldCalls.dec();
    }
  };
}

function logPolicyEvent(log: Logger, event: PolicyEvent): void {
  switch (event.kind) {
    case 'policy-loaded':
      log.info({ version: event.version, ms: event.ms }, 'policy loaded');
      break;
    case 'policy-rejected':
      log.error({ version: event.version, diagnostics: event.diagnostics }, 'policy rejected; the last good one stays');
      break;
    case 'evaluation-error':
      log.error({ version: event.version, error_class: event.errorClass, message: event.message }, 'policy error');
      break;
    case 'watch-failed':
      log.error({ message: event.message }, 'policy watch failed; changes to the policy are not picked up');
      break;
  }
}

import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AgentRegistry } from '../agents/index.js';
import type { AirlockConfig } from '../config/index.js';
import { createPolicyEngine, type PolicyEngine, type PolicyEvent } from '../decide/index.js';
import { createAwsDecoder, parseAwsHost } from '../decode/index.js';
import { createForwarder, type Forwarder } from '../forward/index.js';
import {
  type CertificateAuthority,
  type ClassifyHost,
  createProxyServer,
  LeafCertificateCache,
  loadOrCreateCertificateAuthority,
  type ProxyServer,
} from '../listen/index.js';
import { createAccountCredentials } from './accounts.js';
import { createCallPipeline } from './handle-call.js';

/** MAX_SCRUBBED_RESPONSE_BYTES bounds the responses read whole to look for credentials; STS and IAM answer in KiBs. */
const MAX_SCRUBBED_RESPONSE_BYTES = 1024 * 1024;

/** RunningAirlock is a started proxy: where it listens, its CA, and how to stop it. */
export interface RunningAirlock {
  readonly proxyAddress: { host: string; port: number };
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
  const policy = await createPolicyEngine({
    dir: config.policy.dir,
    watch: config.policy.watch,
    onEvent: (event) => logPolicyEvent(log, event),
  });
  const forwarder: Forwarder = createForwarder({
    upstreams: config.upstreams,
    headersTimeoutMs: config.limits.upstreamHeadersTimeoutSeconds * 1000,
  });
  const handleCall = createCallPipeline({
    agents,
    decodeCall: createAwsDecoder({ maxBodyBytes: config.limits.maxDecodedBodyBytes }),
    policy,
    accounts,
    forwarder,
    log,
    limits: {
      maxDecodedBodyBytes: config.limits.maxDecodedBodyBytes,
      maxBufferedBodyBytes: config.limits.maxBufferedBodyBytes,
      maxScrubbedResponseBytes: MAX_SCRUBBED_RESPONSE_BYTES,
    },
  });

  // Cloud API hosts are intercepted; hosts the configuration lists are tunnelled untouched; anything else is refused,
  // so an agent cannot use Airlock as a general way out.
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
  let address: AddressInfo;
  try {
    address = await server.listen(config.listen.port, config.listen.host);
  } catch (error) {
    await Promise.all([policy.close(), forwarder.close()]);
    throw error;
  }
  return {
    proxyAddress: { host: address.address, port: address.port },
    certificateAuthority,
    policy,
    close: async () => {
      await server.close();
      await Promise.all([policy.close(), forwarder.close()]);
    },
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

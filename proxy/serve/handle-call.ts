import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AgentRecord, AgentRegistry } from '../agents/index.js';
import type { AuditLog } from '../audit/index.js';
import { AgentAuthenticationError, AirlockError, RequestBodyError, UpstreamError } from '../core/errors.js';
import { type AwsDecoder, type CloudCall, isDecodeError, undecodedCall, withAccount } from '../decode/index.js';
import { buildPolicyInput, type Decision, type PolicyEngine } from '../decide/index.js';
import {
  type Forwarder,
  isCredentialAction,
  type ScrubbedResponse,
  scrubResponse,
  type UpstreamResponse,
} from '../forward/index.js';
import type { HoldStage } from '../hold/index.js';
import {
  type AuthenticatedRequest,
  type LookupAgentSecret,
  verifyAgentSignature,
  type WireRequest,
} from '../identify/index.js';
import { type ConnectTarget, readBodyUpTo, wireRequestFrom } from '../listen/index.js';
import {
  accessDenied,
  agentAuthenticationFailed,
  type AwsErrorReply,
  errorTargetOf,
  internalFailure,
  payloadTooLarge,
  refusalFor,
  upstreamFailed,
} from '../respond/index.js';
import { signRequest } from '../sign/index.js';
import type { AccountCredentials, ResolvedAccount } from './accounts.js';

/** CallPipelineStages are the stages of DESIGN.md's pipeline, each built once at start. */
export interface CallPipelineStages {
  readonly agents: Pick<AgentRegistry, 'lookupSecret' | 'get'>;
  readonly decodeCall: AwsDecoder;
  readonly policy: PolicyEngine;
  readonly hold: HoldStage;
  readonly accounts: AccountCredentials;
  readonly forwarder: Forwarder;
  readonly log: Logger;
  /** Every decision is appended before the call goes on, and every forwarded call once it is answered. */
  readonly audit: Pick<AuditLog, 'append'>;
  /** Hears every call's record when it is done, for metrics. */
  readonly observe?: (record: Readonly<CallRecord>, latencyMs: number) => void;
  readonly limits: {
    /** Bodies up to this size are read before identify so they can be decoded; larger ones stream. */
    readonly maxDecodedBodyBytes: number;
    readonly maxBufferedBodyBytes: number;
    /** Responses that may carry credentials are scanned when they are at most this large. */
    readonly maxScrubbedResponseBytes: number;
  };
  readonly clock?: () => Date;
}

/** CallRecord is what the log line of one call says; the audit log hash-chains the same facts. */
export interface CallRecord {
  agent?: string;
  action?: string;
  account?: string;
  environment?: string;
  resource?: string;
  decision?: Decision['effect'];
  reason?: string;
  policy_version?: string;
  approval?: string;
  grant?: string;
  /** What became of a held call that was not let through: `pending`, `denied`, `expired`, `cancelled`, `used`. */
  hold?: string;
  upstream_status?: number;
  status?: number;
  withheld?: readonly string[];
  error?: string;
}

/**
 * createCallPipeline returns the handler of one HTTP request that arrived inside an intercepted tunnel. It reads as
 * DESIGN.md's pipeline: identify → decode → decide → sign → forward, with the log line written whatever happens.
 * Nothing goes upstream unless identify has verified the agent's signature and the policy has allowed the call.
 */
export function createCallPipeline(stages: CallPipelineStages) {
  const { agents, decodeCall, policy, hold, accounts, forwarder, log, audit, limits } = stages;
  const clock = stages.clock ?? (() => new Date());
  const lookupSecret: LookupAgentSecret = (accessKeyId) => agents.lookupSecret(accessKeyId);

  return async function handleCall(
    incoming: IncomingMessage,
    response: ServerResponse,
    target: ConnectTarget,
  ): Promise<void> {
    const started = performance.now();
    const record: CallRecord = {};
    const agentGone = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) agentGone.abort();
    });
    let wire: WireRequest | undefined;
    try {
      wire = wireRequestFrom(incoming, target, await readBodyUpTo(incoming, limits.maxDecodedBodyBytes));
      const authenticated = await identify(wire);
      const agent = agents.get(authenticated.authentication.agent.agentId);
      if (agent === undefined) throw new AirlockError('the agent was removed while its call was in flight');
      record.agent = agent.id;
      const account = accounts.forAgent(agent);
      const call = decode(authenticated, account);
      if (!call.decoded && BODY_UNREAD.has(call.error.reason)) {
        // The operation's parameters are in a body too large to decode: no policy could judge the call.
        record.error = call.error.reason;
        return reply(response, record, payloadTooLarge(call, limits.maxDecodedBodyBytes));
      }
      record.action = call.iam_action === '' ? undefined : call.iam_action;
      record.account = call.account;
      record.environment = call.environment;
      record.resource = call.resource;

      const decision = decide(agent, call, authenticated);
      record.decision = decision.effect;
      record.reason = decision.reason;
      record.policy_version = decision.policyVersion;
      const releaseCredentials = decision.releaseCredentials;
      const credentialsWithheld = isCredentialAction(call.iam_action, call.params) && !releaseCredentials;
      if (decision.effect === 'allow' && credentialsWithheld) {
        record.decision = 'deny';
        record.reason = CREDENTIALS_NOT_RELEASED;
      }
      await audit.append('call.decided', decidedEntry(record, decision));
      if (record.decision === 'deny') return reply(response, record, accessDenied(call, record.reason ?? ''));
      if (decision.effect === 'hold' && decision.approval !== undefined) {
        const held = await hold(
          authenticated,
          agent,
          call,
          { ...decision, approval: decision.approval },
          agentGone.signal,
        );
        if (held.approvalId !== undefined) record.approval = held.approvalId;
        if (!held.cleared) {
          record.hold = held.outcome;
          return reply(response, record, held.reply);
        }
        if (held.grantId !== undefined) record.grant = held.grantId;
        if (credentialsWithheld) {
          record.error = 'credentials-not-released';
          return reply(response, record, accessDenied(call, CREDENTIALS_NOT_RELEASED));
        }
      } else if (decision.effect !== 'allow') {
        return reply(response, record, refusalFor(call, decision));
      }

      const signed = await signRequest(authenticated, await account.credentials(), authenticated.authentication.scope);
      const upstream = await forwarder.forward(signed, { signal: agentGone.signal });
      record.upstream_status = upstream.status;
      const forwarded = audit.append('call.forwarded', forwardedEntry(record));
      await relay(
        releaseCredentials || carriesBlob(call) ? upstream : await withheldCredentials(upstream, call, record),
        response,
        record,
      );
      await forwarded;
    } catch (error) {
      answerFailure(error, wire, response, record);
    } finally {
      if (wire !== undefined && !(wire.body instanceof Uint8Array) && !wire.body.readableEnded) wire.body.destroy();
      const latencyMs = performance.now() - started;
      log.info({ ...record, latency_ms: Math.round(latencyMs * 100) / 100 }, 'call');
      stages.observe?.(record, latencyMs);
    }
  };

  function identify(wire: WireRequest): Promise<AuthenticatedRequest> {
    return verifyAgentSignature(wire, lookupSecret, clock(), { maxBufferedBodyBytes: limits.maxBufferedBodyBytes });
  }

  function decode(request: AuthenticatedRequest, account: ResolvedAccount): CloudCall {
    const decoded = decodeCall(request);
    const call = isDecodeError(decoded) ? undecodedCall(decoded) : decoded;
    return { ...withAccount(call, account.id), environment: account.environment };
  }

  function decide(agent: AgentRecord, call: CloudCall, request: AuthenticatedRequest): Decision {
    const input = buildPolicyInput({
      agent,
      call,
      http: { method: request.method, host: request.host, path: request.path },
      now: clock(),
    });
    return policy.decide(input);
  }

  async function withheldCredentials(
    upstream: UpstreamResponse,
    call: CloudCall,
    record: CallRecord,
  ): Promise<ScrubbedResponse> {
    const inspected = await scrubResponse(upstream, {
      maxBytes: limits.maxScrubbedResponseBytes,
      iamAction: call.iam_action,
    });
    if (inspected.inspection === 'scrubbed') record.withheld = inspected.fields;
    return inspected;
  }

  function answerFailure(
    error: unknown,
    wire: WireRequest | undefined,
    response: ServerResponse,
    record: CallRecord,
  ): void {
    const target = errorTargetOf(wire);
    if (error instanceof AgentAuthenticationError) {
      record.error = error.code;
      return reply(response, record, agentAuthenticationFailed(target, error));
    }
    if (error instanceof RequestBodyError) {
      // The agent broke its own framing or went away: there is nobody to answer on this connection.
      record.error = error.code;
      response.destroy();
      return;
    }
    if (error instanceof UpstreamError) {
      record.error = `${error.code}: ${error.reason}`;
      return reply(response, record, upstreamFailed(target, error));
    }
    record.error = error instanceof AirlockError ? error.code : 'internal';
    log.error({ err: error, agent: record.agent, action: record.action }, 'call failed');
    reply(response, record, internalFailure(target));
  }
}

/** decidedEntry is the audit entry of a decision: who asked for what, and what the policy said. */
function decidedEntry(record: CallRecord, decision: Decision): Record<string, unknown> {
  return {
    agent: record.agent,
    action: record.action,
    account: record.account,
    environment: record.environment,
    resource: record.resource,
    decision: record.decision,
    reason: record.reason,
    policy_version: record.policy_version,
    ...(decision.failClosed === undefined ? {} : { fail_closed: decision.failClosed }),
    ...(decision.approval === undefined
      ? {}
      : {
          requirement: {
            min_approvers: decision.approval.minApprovers,
            groups: decision.approval.groups,
            timeout_seconds: decision.approval.timeoutSeconds,
          },
        }),
  };
}

/** forwardedEntry is the audit entry of a call that went upstream, with what let it through. */
function forwardedEntry(record: CallRecord): Record<string, unknown> {
  return {
    agent: record.agent,
    action: record.action,
    resource: record.resource,
    approval: record.approval,
    grant: record.grant,
    upstream_status: record.upstream_status,
  };
}

const BODY_UNREAD: ReadonlySet<string> = new Set(['body-too-large', 'body-not-read']);

const CREDENTIALS_NOT_RELEASED =
  'its response carries credentials, and the policy did not set release_credentials to let them reach the agent';

/** carriesBlob tells the calls whose response body is the user's own data, which is never rewritten. */
function carriesBlob(call: CloudCall): boolean {
  return call.service === 's3' || call.iam_action === 'lambda:InvokeFunction';
}

/**
 * relay sends the upstream's answer to the agent: a body already read (to look for credentials) in one write, any
 * other body streamed with backpressure. An upstream that breaks off mid-body cuts the agent's response short too,
 * so the agent sees a truncated response rather than a complete-looking one.
 */
function relay(upstream: UpstreamResponse | ScrubbedResponse, response: ServerResponse, record: CallRecord) {
  record.status = upstream.status;
  if ('bytes' in upstream && upstream.bytes !== undefined) {
    response.writeHead(upstream.status, { ...upstream.headers, 'content-length': String(upstream.bytes.length) });
    response.end(upstream.bytes);
    return Promise.resolve();
  }
  response.writeHead(upstream.status, upstream.headers);
  return new Promise<void>((resolve) => {
    const { body } = upstream;
    body.once('error', (error: Error) => {
      record.error = error instanceof AirlockError ? error.code : error.name;
      response.destroy();
    });
    response.once('close', () => {
      if (!body.readableEnded) body.destroy();
      resolve();
    });
    body.pipe(response);
  });
}

function reply(response: ServerResponse, record: CallRecord, rendered: AwsErrorReply): void {
  record.status = rendered.status;
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(rendered.status, rendered.headers);
  response.end(rendered.body);
}

import { request as httpsRequest } from 'node:https';
import type { ClientRequest } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { NodeSha256 } from '../../../proxy/sign/index.js';
import type { AgentKeys, AirlockProcess } from './airlock.js';

/**
 * AirlockProxyAgent tunnels through Airlock and trusts its CA for the TLS inside the tunnel: https-proxy-agent takes
 * the inner TLS options from each request, which the AWS SDK's handler builds without a `ca`.
 */
export class AirlockProxyAgent extends HttpsProxyAgent<string> {
  readonly #caPem: string;

  constructor(airlock: AirlockProcess, options: { keepAlive?: boolean } = {}) {
    super(airlock.proxyUrl, { keepAlive: options.keepAlive ?? true });
    this.#caPem = airlock.caPem;
  }

  override connect(request: ClientRequest, options: AgentConnectOpts) {
    return super.connect(request, { ...options, ca: this.#caPem } as AgentConnectOpts);
  }
}

/** SignedCall is one hand-built AWS request, signed with an agent's keys like an SDK would. */
export interface SignedCall {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly service: string;
  readonly region?: string;
}

/** CallAnswer is what came back through Airlock. */
export interface CallAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** sendSignedCall signs a request with the agent's keys and sends it through Airlock. */
export async function sendSignedCall(agent: AirlockProxyAgent, keys: AgentKeys, call: SignedCall): Promise<CallAnswer> {
  const signer = new SignatureV4({
    credentials: keys,
    region: call.region ?? 'us-east-1',
    service: call.service,
    sha256: NodeSha256,
  });
  const body = call.body ?? '';
  const signed = await signer.sign(
    new HttpRequest({
      method: call.method,
      protocol: 'https:',
      hostname: call.host,
      path: call.path,
      query: call.query ?? {},
      headers: { host: call.host, ...call.headers, 'content-length': String(Buffer.byteLength(body)) },
      body,
    }),
  );
  const search = new URLSearchParams(call.query ?? {}).toString();
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      {
        host: call.host,
        port: 443,
        method: call.method,
        path: search === '' ? call.path : `${call.path}?${search}`,
        headers: signed.headers,
        agent,
      },
      (incoming) => {
        const pieces: Buffer[] = [];
        incoming.on('data', (piece: Buffer) => pieces.push(piece));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode!, headers: incoming.headers, body: Buffer.concat(pieces).toString() }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

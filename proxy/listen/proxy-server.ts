import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../core/errors.js';
import type { ConnectionEventKind } from './connection-events.js';
import { type ConnectTarget, hostHeaderMatches, parseConnectAuthority } from './connect-target.js';
import {
  type HostClassification,
  type ProxyServerLimits,
  type ProxyServerOptions,
  validateProxyServerOptions,
} from './proxy-server-options.js';
import { writeRawResponse } from './raw-response.js';
import { CONNECTION_ESTABLISHED, openTcpTunnel } from './tcp-tunnel.js';
import { terminateTls } from './tls-termination.js';

const PLAIN_HTTP_REFUSAL =
  'Airlock proxies HTTPS through CONNECT only. Set HTTPS_PROXY to this address and call https:// endpoints; ' +
  'plain http:// requests and requests addressed to the proxy itself are not forwarded.';

/**
 * createProxyServer builds Airlock's agent-facing proxy: one HTTP listener that takes `CONNECT host:port`, decides
 * per host whether to intercept, pass through or refuse, terminates TLS for intercepted hosts with a leaf minted for
 * the CONNECT host, and hands every request inside to `handleRequest` with that target. Anything else sent to the
 * listener is answered 400, except `GET /healthz` (200 `ok`, for readiness probes).
 *
 * @throws InvalidArgumentError for a missing collaborator or an out-of-range limit
 */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  return new ProxyServer(options);
}

/**
 * ProxyServer is the listener createProxyServer returns.
 *
 * Tunnelled TLS sockets are emitted into the same `http.Server` that accepts CONNECT, rather than into a second one:
 * Node enforces `headersTimeout` and `requestTimeout` only on a server that is listening, so a second, never-listening
 * server would let a tunnelled client dribble its headers forever. Requests are told apart by their socket: a socket
 * in `#tunnelTargets` came through CONNECT.
 */
export class ProxyServer {
  readonly #options: ProxyServerOptions;
  readonly #limits: ProxyServerLimits;
  readonly #server: Server;
  /** The CONNECT target of every intercepted TLS socket: the truth about where its requests go. */
  readonly #tunnelTargets = new WeakMap<Duplex, ConnectTarget>();
  /** The response being written on each socket, so a late parser error does not write over it. */
  readonly #currentResponses = new WeakMap<Duplex, ServerResponse>();
  /** Every socket this server has open, client-side and upstream, so close() can end them all. */
  readonly #sockets = new Set<Duplex>();

  constructor(options: ProxyServerOptions) {
    this.#limits = validateProxyServerOptions(options);
    this.#options = options;
    const limits = this.#limits;
    this.#server = createServer({
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      // Node checks those two timeouts on an interval (30 s by default), which would let a stalled client overstay
      // a short timeout by that much.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(5_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)),
      ),
      // Host is checked against the CONNECT target below, with Airlock's own answer.
      requireHostHeader: false,
    });
    this.#server.on('connection', (socket: Duplex) => this.#track(socket));
    this.#server.on('connect', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Every await inside is guarded; this only keeps a bug from becoming an unhandled rejection.
      this.#onConnect(request, socket, head).catch(() => socket.destroy());
    });
    this.#server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      this.#onRequest(request, response),
    );
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
      this.#onClientError(error, socket),
    );
    this.#server.on('error', (error: Error) => this.#report('listener', error.message));
  }

  /** listen starts accepting connections and resolves to the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve(this.address());
      });
    });
  }

  /** address is the bound address. @throws InvalidArgumentError before listen() has resolved */
  address(): AddressInfo {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new InvalidArgumentError('proxy server not listening');
    return address;
  }

  /** close stops listening and destroys every open connection and tunnel, so nothing outlives it. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    return closed;
  }

  #track(socket: Duplex): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #report(kind: ConnectionEventKind, message: string, target?: ConnectTarget, socket?: Duplex): void {
    if (this.#options.onConnectionError === undefined) return;
    const client = socket === undefined ? undefined : remoteAddressOf(socket);
    try {
      this.#options.onConnectionError({
        kind,
        message,
        ...(target === undefined ? {} : { host: target.host, port: target.port }),
        ...(client === undefined ? {} : { client }),
      });
    } catch {
      // A failing logger must not take the proxy down with it; it is called from socket event handlers.
    }
  }

  async #onConnect(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const outer = this.#tunnelTargets.get(socket);
    if (outer !== undefined) {
      this.#report('malformed-connect', 'CONNECT inside a tunnel', outer, socket);
      writeRawResponse(socket, 400, 'CONNECT is not allowed inside a tunnel.');
      return;
    }
    const target = parseConnectAuthority(request.url ?? '');
    if (target === undefined) {
      this.#report(
        'malformed-connect',
        `CONNECT target ${JSON.stringify((request.url ?? '').slice(0, 100))} is not host:port`,
        undefined,
        socket,
      );
      writeRawResponse(
        socket,
        400,
        'Airlock expects CONNECT host:port, with a valid host name or IP address and a port from 1 to 65535.',
      );
      return;
    }
    let classification: HostClassification;
    try {
      classification = await this.#options.classifyHost(target.host, target.port);
    } catch (error) {
      this.#report('classify-failure', describeError(error), target, socket);
      writeRawResponse(socket, 500, 'Airlock could not decide how to handle this host.');
      return;
    }
    if (socket.destroyed) return;
    switch (classification) {
      case 'refuse':
        this.#report('refused-host', 'host is neither intercepted nor passed through', target, socket);
        writeRawResponse(
          socket,
          403,
          `Airlock refused CONNECT to ${target.host}:${target.port}: it is not a cloud API endpoint Airlock ` +
            'inspects. To let this host through without inspection, add it to pass_through in the Airlock config.',
        );
        return;
      case 'pass-through':
        openTcpTunnel(socket, head, {
          target,
          connectTimeoutMs: this.#limits.upstreamConnectTimeoutMs,
          idleTimeoutMs: this.#limits.idleTimeoutMs,
          onSocket: (upstream) => this.#track(upstream),
          onFailure: (kind, message) => this.#report(kind, message, target, socket),
        });
        return;
      case 'intercept':
        await this.#intercept(socket, head, target);
        return;
      default:
        this.#report('classify-failure', `classifyHost returned ${JSON.stringify(classification)}`, target, socket);
        writeRawResponse(socket, 500, 'Airlock could not decide how to handle this host.');
    }
  }

  async #intercept(socket: Duplex, head: Buffer, target: ConnectTarget): Promise<void> {
    let secureContext: SecureContext;
    try {
      secureContext = await this.#options.leafCertificates.secureContextFor(target.host);
    } catch (error) {
      this.#report('certificate', describeError(error), target, socket);
      writeRawResponse(socket, 500, `Airlock could not issue a certificate for ${target.host}.`);
      return;
    }
    if (socket.destroyed) return;
    // TLS starts once the 200 is on the wire, so the client never reads TLS bytes as the CONNECT answer.
    socket.write(CONNECTION_ESTABLISHED, (error) => {
      if (error) {
        socket.destroy();
        return;
      }
      terminateTls(socket, head, {
        target,
        secureContext,
        handshakeTimeoutMs: this.#limits.tlsHandshakeTimeoutMs,
        onSocket: (tlsSocket) => this.#track(tlsSocket),
        onFailure: (kind, message) => this.#report(kind, message, target, socket),
        onSecure: (tlsSocket) => {
          this.#tunnelTargets.set(tlsSocket, target);
          this.#server.emit('connection', tlsSocket);
        },
      });
    });
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    this.#currentResponses.set(socket, response);
    response.once('finish', () => {
      if (this.#currentResponses.get(socket) === response) this.#currentResponses.delete(socket);
    });
    const target = this.#tunnelTargets.get(socket);
    if (target === undefined) {
      this.#answerDirectRequest(request, response);
      return;
    }
    const refusal = misdirection(request, target);
    if (refusal !== undefined) {
      this.#report('misdirected-request', refusal.message, target, request.socket);
      answerText(response, refusal.status, refusal.message, true);
      return;
    }
    void this.#runHandler(request, response, target);
  }

  async #runHandler(request: IncomingMessage, response: ServerResponse, target: ConnectTarget): Promise<void> {
    try {
      await this.#options.handleRequest(request, response, target);
    } catch (error) {
      // The handler's own message may quote the request; the log gets the error's type only.
      this.#report('handler-failure', `handleRequest threw ${describeErrorType(error)}`, target, request.socket);
      if (!response.headersSent) answerText(response, 500, 'Airlock failed while handling this request.', true);
      else response.destroy();
    }
  }

  #answerDirectRequest(request: IncomingMessage, response: ServerResponse): void {
    if ((request.method === 'GET' || request.method === 'HEAD') && request.url === '/healthz') {
      answerText(response, 200, 'ok', false);
      return;
    }
    this.#report('plain-http', `${request.method} sent to the proxy itself`, undefined, request.socket);
    answerText(response, 400, PLAIN_HTTP_REFUSAL, true);
  }

  #onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    const target = this.#tunnelTargets.get(socket);
    const response = this.#currentResponses.get(socket);
    if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent === true) {
      socket.destroy();
      return;
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      this.#report('headers-too-large', `request head over ${this.#limits.maxHeaderBytes} bytes`, target, socket);
      writeRawResponse(socket, 431, `Request head larger than ${this.#limits.maxHeaderBytes} bytes.`);
    } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      this.#report('timeout', 'request not received in time', target, socket);
      writeRawResponse(socket, 408, 'Request not received in time.');
    } else {
      this.#report('malformed-request', error.code ?? error.message, target, socket);
      writeRawResponse(socket, 400, 'Malformed HTTP request.');
    }
  }
}

/** misdirection says why a tunnelled request may not go to its CONNECT target, or undefined when it may. */
function misdirection(
  request: IncomingMessage,
  target: ConnectTarget,
): { status: number; message: string } | undefined {
  const host = onlyHostHeader(request.rawHeaders);
  if (host === undefined) return { status: 400, message: 'A request needs exactly one Host header.' };
  if (!hostHeaderMatches(host, target)) {
    return {
      status: 421,
      message: `Host header does not match the CONNECT target ${target.host}:${target.port}; one tunnel, one host.`,
    };
  }
  // Absolute-form inside a tunnel could name another host than the CONNECT target; origin form cannot.
  if (!(request.url ?? '').startsWith('/')) {
    return { status: 400, message: 'Requests inside a tunnel must use an origin-form target (/path?query).' };
  }
  return undefined;
}

/** onlyHostHeader is the value of the request's one Host header; undefined when it has none, or several. */
function onlyHostHeader(rawHeaders: readonly string[]): string | undefined {
  let host: string | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() !== 'host') continue;
    if (host !== undefined) return undefined;
    host = rawHeaders[index + 1]!;
  }
  return host;
}

function answerText(response: ServerResponse, status: number, text: string, closeConnection: boolean): void {
  const body = `${text}\n`;
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  response.end(body);
}

function remoteAddressOf(socket: Duplex): string | undefined {
  return socket instanceof Socket ? socket.remoteAddress : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeErrorType(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}

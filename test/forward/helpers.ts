import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Test } from 'tap';
import { UpstreamError } from '../../proxy/core/errors.js';
import { createForwarder, type Forwarder, type ForwarderOptions } from '../../proxy/forward/index.js';
import type { WireRequest } from '../../proxy/identify/index.js';
import { listenOnLoopback } from '../harness/loopback-server.js';

/** Upstream is a local server standing in for AWS, counting the connections it accepted. */
export interface Upstream {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far (TCP for http, TLS for https). */
  readonly connections: () => number;
  /** The TLS server names clients sent, one per connection (https only; `false` when none). */
  readonly serverNames: Array<string | false>;
}

async function listen(t: Test, server: Server, protocol: 'http' | 'https'): Promise<Upstream> {
  let connections = 0;
  const serverNames: Array<string | false> = [];
  server.on(protocol === 'https' ? 'secureConnection' : 'connection', (socket: TLSSocket) => {
    connections += 1;
    if (protocol === 'https') serverNames.push(socket.servername ?? false);
  });
  const port = await listenOnLoopback(t, server);
  return { url: `${protocol}://127.0.0.1:${port}`, port, connections: () => connections, serverNames };
}

/** startUpstream starts a plain HTTP upstream on an ephemeral port of 127.0.0.1, closed in teardown. */
export function startUpstream(t: Test, handler: RequestListener): Promise<Upstream> {
  return listen(t, createServer(handler), 'http');
}

/**
 * startRawServer accepts TCP connections on 127.0.0.1 and hands each socket to `onSocket`, for upstreams that must
 * misbehave below HTTP. It returns the port; sockets still open are destroyed in teardown.
 */
export async function startRawServer(t: Test, onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** TestCertificate is a self-signed certificate for `localhost` and 127.0.0.1. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

/** makeCertificate asks openssl for a throwaway certificate; undefined when openssl is missing. */
export function makeCertificate(): TestCertificate | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-forward-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore', timeout: 30_000 },
    );
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** startHttpsUpstream starts an HTTPS upstream with the given certificate. */
export function startHttpsUpstream(t: Test, certificate: TestCertificate, handler: RequestListener): Promise<Upstream> {
  return listen(t, createHttpsServer({ cert: certificate.cert, key: certificate.key }, handler), 'https');
}

/** readAll collects a request body. */
export async function readAll(request: IncomingMessage): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of request) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/** answer ends a response with a small text body. */
export function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** freePort returns a port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** deferred is a promise with its resolve function outside (Promise.withResolvers arrives in Node 22). */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** forwarderFor routes `*.amazonaws.com` to the upstream (or an origin URL), closed in teardown. */
export function forwarderFor(t: Test, upstream: Upstream | string, options: ForwarderOptions = {}): Forwarder {
  const url = typeof upstream === 'string' ? upstream : upstream.url;
  const forwarder = createForwarder({ upstreams: [{ hosts: ['*.amazonaws.com'], url }], ...options });
  t.teardown(() => forwarder.close());
  return forwarder;
}

/** stsRequest is a signed-looking GetCallerIdentity POST with its body in memory; `overrides` replace fields. */
export function stsRequest(overrides: Partial<WireRequest> = {}): WireRequest {
  return {
    method: 'POST',
    host: 'sts.amazonaws.com',
    path: '/',
    headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
    ...overrides,
  };
}

/** rejection awaits a promise that must reject with an UpstreamError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected an UpstreamError');
}

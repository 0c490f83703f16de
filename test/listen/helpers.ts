import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import type { Test } from 'tap';
import {
  type ConnectionErrorEvent,
  createProxyServer,
  LeafCertificateCache,
  loadOrCreateCertificateAuthority,
  type ProxyServerOptions,
} from '../../proxy/listen/index.js';

/** startProxy runs a proxy on a loopback ephemeral port with a fresh CA; everything is closed in teardown. */
export async function startProxy(t: Test, overrides: Partial<ProxyServerOptions> = {}) {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const leafCertificates = new LeafCertificateCache(ca);
  const events: ConnectionErrorEvent[] = [];
  const proxy = createProxyServer({
    leafCertificates,
    classifyHost: () => 'intercept',
    handleRequest: (request, response, target) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ method: request.method, url: request.url, target }));
    },
    onConnectionError: (event) => events.push(event),
    ...overrides,
  });
  const { port } = await proxy.listen(0, '127.0.0.1');
  t.teardown(() => proxy.close());
  return { proxy, port, url: `http://127.0.0.1:${port}`, ca, leafCertificates, events };
}

export type StartedProxy = Awaited<ReturnType<typeof startProxy>>;

/** RawExchange is what a raw client saw: every byte the server sent, and whether the server closed the connection. */
export interface RawExchange {
  readonly text: string;
  readonly closed: boolean;
}

/**
 * exchangeRaw writes bytes to the proxy and collects the answer until the server closes the connection or
 * `waitMs` passes (then `closed` is false).
 */
export async function exchangeRaw(port: number, bytes: string | Buffer, waitMs = 2_000): Promise<RawExchange> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(bytes);
  return collect(socket, waitMs);
}

function collect(socket: Socket, waitMs: number): Promise<RawExchange> {
  const pieces: Buffer[] = [];
  socket.on('data', (piece: Buffer) => pieces.push(piece));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(pieces).toString('latin1'), closed: false });
    }, waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(pieces).toString('latin1'), closed: true });
    });
  });
}

/** openConnect sends a CONNECT and reads the proxy's answer head; the socket is left open for what follows. */
export async function openConnect(port: number, authority: string): Promise<{ socket: Socket; head: string }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (piece: Buffer): void => {
      buffered = Buffer.concat([buffered, piece]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (end + 4 < buffered.length) socket.unshift(buffered.subarray(end + 4));
      resolve({ socket, head: buffered.subarray(0, end + 4).toString('latin1') });
    };
    const onClose = (): void => {
      socket.off('data', onData);
      resolve({ socket, head: buffered.toString('latin1') });
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** collectUntilClose reads from an open socket until the server closes it or `waitMs` passes. */
export function collectUntilClose(socket: Socket, waitMs = 2_000): Promise<RawExchange> {
  return collect(socket, waitMs);
}

/** waitFor polls until `predicate` holds, failing after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** healthy tells whether the proxy still answers a readiness probe. */
export async function healthy(port: number): Promise<boolean> {
  const { text } = await exchangeRaw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  return text.startsWith('HTTP/1.1 200') && text.endsWith('ok\n');
}

/** tlsThrough opens a CONNECT tunnel and a verifying TLS session inside it. */
export async function tlsThrough(proxy: StartedProxy, authority: string, servername?: string): Promise<TLSSocket> {
  const { socket, head } = await openConnect(proxy.port, authority);
  if (!head.startsWith('HTTP/1.1 200')) throw new Error(`CONNECT answered ${head}`);
  const host = authority.slice(0, authority.lastIndexOf(':'));
  const secure = tlsConnect({
    socket,
    ca: proxy.ca.certificatePem,
    host,
    // A server name with a port cannot match a certificate name; the client-side check is not what is tested.
    ...(servername ? { servername, checkServerIdentity: () => undefined } : {}),
  });
  await once(secure, 'secureConnect');
  return secure;
}

/** requestOver writes a request head (and body) inside a tunnel and reads until the proxy closes it. */
export async function requestOver(secure: TLSSocket, head: string): Promise<string> {
  secure.write(head);
  return (await collectUntilClose(secure, 2_000)).text;
}

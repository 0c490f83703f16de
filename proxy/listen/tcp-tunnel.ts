import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionEventKind } from './connection-events.js';
import type { ConnectTarget } from './connect-target.js';
import { writeRawResponse } from './raw-response.js';

/** CONNECTION_ESTABLISHED is the answer that turns a CONNECT socket into a tunnel. */
export const CONNECTION_ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

/** TcpTunnelOptions bound a pass-through tunnel in time and report its failures. */
export interface TcpTunnelOptions {
  readonly target: ConnectTarget;
  readonly connectTimeoutMs: number;
  /** A tunnel with no bytes either way for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Lets the caller track the upstream socket (to destroy it on shutdown). */
  readonly onSocket: (upstream: Socket) => void;
  readonly onFailure: (kind: ConnectionEventKind, message: string) => void;
}

/**
 * openTcpTunnel connects to the CONNECT target and, once connected, answers `200` and relays bytes both ways
 * untouched: Airlock sees neither the TLS inside nor the requests. A failure to connect answers `502`; an error or
 * close on either side after that destroys both.
 */
export function openTcpTunnel(client: Duplex, head: Buffer, options: TcpTunnelOptions): void {
  const { target } = options;
  const upstream = connect({ host: target.host, port: target.port });
  options.onSocket(upstream);
  let established = false;
  let failed = false;
  const fail = (kind: ConnectionEventKind, message: string, status: number): void => {
    if (failed) return;
    failed = true;
    upstream.destroy();
    if (established) client.destroy();
    else
      writeRawResponse(client, status, `Airlock could not open a tunnel to ${target.host}:${target.port}: ${message}`);
    options.onFailure(kind, message);
  };

  // net.Socket's timeout counts reads and writes, so one timer on the upstream covers both directions.
  upstream.setTimeout(options.connectTimeoutMs);
  upstream.on('timeout', () => {
    if (established) fail('timeout', `tunnel idle for ${options.idleTimeoutMs} ms`, 504);
    else fail('timeout', `no connection within ${options.connectTimeoutMs} ms`, 504);
  });
  upstream.on('error', (error) => fail('tunnel-upstream', error.message, 502));
  client.on('error', () => upstream.destroy());
  upstream.once('connect', () => {
    established = true;
    upstream.setTimeout(options.idleTimeoutMs);
    client.write(CONNECTION_ESTABLISHED);
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  client.once('close', () => {
    if (!established) upstream.destroy();
  });
}

import type { Duplex } from 'node:stream';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { ConnectionEventKind } from './connection-events.js';
import { type ConnectTarget, serverNameMatches } from './connect-target.js';

/** TlsTerminationOptions say which leaf to present and what to do once the handshake ends either way. */
export interface TlsTerminationOptions {
  readonly target: ConnectTarget;
  /** The leaf for the CONNECT host: presented whether or not the client sends SNI. */
  readonly secureContext: SecureContext;
  readonly handshakeTimeoutMs: number;
  /** Receives the TLS socket once the handshake has completed: plaintext HTTP can be read from it. */
  readonly onSecure: (tlsSocket: TLSSocket) => void;
  /** Reports a failed handshake; both sockets are already destroyed. */
  readonly onFailure: (kind: ConnectionEventKind, message: string) => void;
  /** Lets the caller track the TLS socket (to destroy it on shutdown) from the moment it exists. */
  readonly onSocket: (tlsSocket: TLSSocket) => void;
}

/**
 * terminateTls turns a CONNECT socket, after its `200 Connection Established`, into a server-side TLS socket in this
 * process: no loopback hop, no second listener. An SNI that names another host than the CONNECT target fails the
 * handshake (an agent must not CONNECT to one host and speak to another); a missing SNI is accepted, since the leaf
 * is for the CONNECT host regardless and clients send none for IP literals. Only HTTP/1.1 is offered by ALPN.
 */
export function terminateTls(socket: Duplex, head: Buffer, options: TlsTerminationOptions): void {
  const { target, secureContext } = options;
  let sniMismatch: string | undefined;
  // Bytes the client sent right behind its CONNECT are TLS bytes; TLSSocket drains what the raw socket buffered.
  if (head.length > 0) socket.unshift(head);
  const tlsSocket = new TLSSocket(socket, {
    isServer: true,
    secureContext,
    ALPNProtocols: ['http/1.1'],
    SNICallback(serverName, callback) {
      if (serverNameMatches(serverName, target)) {
        callback(null, secureContext);
        return;
      }
      sniMismatch = serverName;
      callback(new Error(`SNI ${JSON.stringify(serverName)} is not the CONNECT host ${target.host}`), undefined);
    },
  });
  options.onSocket(tlsSocket);

  let settled = false;
  const fail = (kind: ConnectionEventKind, message: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    tlsSocket.destroy();
    socket.destroy();
    options.onFailure(kind, message);
  };
  const onHandshakeError = (error: Error): void => {
    if (sniMismatch !== undefined) {
      fail('sni-mismatch', `TLS server name ${JSON.stringify(sniMismatch)} does not match the CONNECT host`);
    } else {
      fail('tls-handshake', error.message);
    }
  };
  const timer = setTimeout(
    () => fail('timeout', `TLS handshake not finished within ${options.handshakeTimeoutMs} ms`),
    options.handshakeTimeoutMs,
  );
  tlsSocket.on('error', onHandshakeError);
  tlsSocket.once('close', () => clearTimeout(timer));
  tlsSocket.once('secure', () => {
    settled = true;
    clearTimeout(timer);
    tlsSocket.off('error', onHandshakeError);
    options.onSecure(tlsSocket);
  });
  // The raw socket's own errors (a reset mid-handshake) surface on the TLS socket; this only keeps them from being
  // unhandled on the raw one.
  socket.on('error', () => tlsSocket.destroy());
}

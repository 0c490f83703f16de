import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket, checkServerIdentity, createSecureContext } from 'node:tls';

/*
 * The least any TLS-intercepting proxy written on Node's own HTTP stack has to do per call, as a reference row for
 * bench:proxy: answer CONNECT, terminate TLS with a fixed certificate, parse the request, send it upstream over a
 * keep-alive HTTPS pool and stream the answer back. No certificate minting, no signature check, no decoding, no
 * policy, no re-signing, no audit, no log line. Airlock cannot be faster than this on the same runtime, so its row
 * shows how much of the gap to `direct` is Airlock's own work and how much is Node's TLS and HTTP.
 *
 *   node relay-floor.js PORT UPSTREAM_PORT CERT_FILE KEY_FILE UPSTREAM_CA_FILE   (prints "listening" when ready)
 */

const [port, upstreamPort, certFile, keyFile, upstreamCaFile] = process.argv.slice(2);
const context = createSecureContext({ cert: readFileSync(certFile!), key: readFileSync(keyFile!) });
const upstream = new Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo', ca: readFileSync(upstreamCaFile!) });

const server = createServer({ keepAliveTimeout: 60_000 }, (incoming: IncomingMessage, outgoing: ServerResponse) => {
  const headers = { ...incoming.headers };
  delete headers.connection;
  const forwarded = request(
    {
      host: '127.0.0.1',
      port: Number(upstreamPort),
      method: incoming.method,
      path: incoming.url,
      headers,
      agent: upstream,
      // The `host` header names the AWS endpoint; the certificate is the upstream's own, as in Airlock's forwarder.
      checkServerIdentity: (_host, certificate) => checkServerIdentity('127.0.0.1', certificate),
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', () => outgoing.destroy());
  incoming.pipe(forwarded);
});

server.on('connect', (_request: IncomingMessage, socket: Socket, head: Buffer) => {
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) socket.unshift(head);
  const tls = new TLSSocket(socket, { isServer: true, secureContext: context });
  tls.on('error', () => socket.destroy());
  server.emit('connection', tls);
});

server.listen(Number(port), '127.0.0.1', () => console.log('listening'));

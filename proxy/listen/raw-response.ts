import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * writeRawResponse answers on a socket that has no ServerResponse (a CONNECT, or bytes the HTTP parser refused) with
 * a plain-text HTTP/1.1 response, then closes the socket once the response is flushed.
 */
export function writeRawResponse(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = text.endsWith('\n') ? text : `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}

/**
 * Regression for nodejs/undici#5360, which killed Airlock while it forwarded S3 downloads from moto: undici 7 paused
 * its HTTP/1 parser while a response body waited for a slow reader, and when the upstream then closed the socket
 * (`Connection: close`, as moto sends on every response) its end handler asserted that the parser was not paused,
 * throwing from a socket event where nothing could catch it. Here a raw upstream writes the whole response and
 * closes at once, and the reader starts 300 ms later: every body must arrive complete, truncated ones must error,
 * and the process must still be alive to run the next case.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { UpstreamError } from '../../proxy/core/errors.js';
import type { UpstreamResponse } from '../../proxy/forward/index.js';
import { forwarderFor, startRawServer } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const HOST = 'bucket.s3.us-east-1.amazonaws.com';
const LATE_READ_MS = 300;

type Framing = 'content-length' | 'chunked' | 'close-delimited';

/** RawAnswer is what the upstream writes on the socket before it closes it. */
interface RawAnswer {
  readonly framing: Framing;
  readonly body: Buffer;
  /** Bytes of the body actually sent; fewer than `body.length` means the upstream breaks off. */
  readonly sent: number;
}

function rawResponse({ framing, body, sent }: RawAnswer): Buffer {
  const head = ['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream', 'Connection: close'];
  if (framing === 'content-length') head.push(`Content-Length: ${body.length}`);
  if (framing === 'chunked') head.push('Transfer-Encoding: chunked');
  const start = Buffer.from(`${head.join('\r\n')}\r\n\r\n`);
  if (framing !== 'chunked') return Buffer.concat([start, body.subarray(0, sent)]);
  const pieces: Buffer[] = [start];
  for (let offset = 0; offset < sent; offset += 16 * KiB) {
    const piece = body.subarray(offset, Math.min(offset + 16 * KiB, sent));
    pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  if (sent === body.length) pieces.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(pieces);
}

/** startRawUpstream answers every request with `answer`, written at once, then closes the socket (FIN). */
async function startRawUpstream(t: Test, answer: RawAnswer): Promise<string> {
  const port = await startRawServer(t, (socket) => {
    let head = '';
    socket.on('data', (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.removeAllListeners('data');
      socket.end(rawResponse(answer));
    });
  });
  return `http://127.0.0.1:${port}`;
}

async function fetchLate(t: Test, answer: RawAnswer): Promise<UpstreamResponse> {
  const forwarder = forwarderFor(t, await startRawUpstream(t, answer));
  const response = await forwarder.forward({
    method: 'GET',
    host: HOST,
    path: '/object',
    headers: { host: HOST },
    body: new Uint8Array(),
  });
  // The upstream has written everything and closed by now; nothing reads the body yet.
  await sleep(LATE_READ_MS);
  return response;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const complete: ReadonlyArray<{ note: string; framing: Framing; bytes: number }> = [
  { note: '64 KiB with content-length', framing: 'content-length', bytes: 64 * KiB },
  { note: '1 MiB with content-length', framing: 'content-length', bytes: MiB },
  { note: '1 MiB chunked', framing: 'chunked', bytes: MiB },
  { note: '1 MiB delimited by the close', framing: 'close-delimited', bytes: MiB },
];

for (const { note, framing, bytes } of complete) {
  t.test(`a ${note} response read late after Connection: close arrives whole`, async (t) => {
    const body = randomBytes(bytes);
    const response = await fetchLate(t, { framing, body, sent: bytes });
    t.equal(response.status, 200);
    const received = Buffer.concat(await response.body.toArray());
    t.equal(received.length, bytes, 'every byte arrived');
    t.equal(sha256(received), sha256(body), 'and they are the bytes sent');
  });
}

const truncated: ReadonlyArray<{ note: string; framing: Framing }> = [
  { note: 'a content-length body', framing: 'content-length' },
  { note: 'a chunked body', framing: 'chunked' },
];

for (const { note, framing } of truncated) {
  t.test(`${note} cut off by the close errors instead of ending, even when read late`, async (t) => {
    const response = await fetchLate(t, { framing, body: randomBytes(MiB), sent: 256 * KiB });
    const failure = await response.body.toArray().then(
      () => undefined,
      (error: unknown) => error,
    );
    t.type(failure, UpstreamError, 'the body errors');
    t.equal((failure as UpstreamError).reason, 'connection-lost');
  });
}

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import type { WireRequest } from '../../proxy/identify/index.js';
import { readBodyUpTo, wireRequestFrom } from '../../proxy/listen/index.js';
import { requestOver, startProxy, tlsThrough } from './helpers.js';

const LIMIT = 1024;

interface Seen {
  wire?: WireRequest;
  streamed?: boolean;
  streamedBytes?: number;
  error?: { code: string; message: string };
}

/** startReader runs a proxy whose handler reads the body with readBodyUpTo and records what came out. */
async function startReader(t: Test) {
  const seen: Seen[] = [];
  const proxy = await startProxy(t, {
    handleRequest: async (request, response, target) => {
      const record: Seen = {};
      seen.push(record);
      try {
        const body = await readBodyUpTo(request, LIMIT);
        record.wire = wireRequestFrom(request, target, body);
        record.streamed = !Buffer.isBuffer(body);
        if (record.streamed) record.streamedBytes = await countBytes(body as Readable);
        if (record.streamed) t.equal(body, request as IncomingMessage, 'the stream is the request itself');
      } catch (error) {
        const { code, message } = error as { code: string; message: string };
        record.error = { code, message };
      }
      response.writeHead(200, { 'content-length': '2', connection: 'close' });
      response.end('ok');
    },
  });
  return { proxy, seen };
}

async function countBytes(stream: Readable): Promise<number> {
  let count = 0;
  for await (const piece of stream) count += (piece as Buffer).length;
  return count;
}

t.test('wireRequestFrom keeps the raw path, joins repeated headers, and names the CONNECT target', async (t) => {
  const { proxy, seen } = await startReader(t);
  const secure = await tlsThrough(proxy, 'localhost:8443');
  await requestOver(
    secure,
    'PUT //a/./b/../%2F?x=1&x=2 HTTP/1.1\r\nHost: localhost:8443\r\nX-Amz-Meta-A: one \r\nX-Amz-Meta-A:  two\r\n' +
      'Content-Length: 5\r\nConnection: close\r\n\r\nhello',
  );
  const wire = seen[0]?.wire;
  t.equal(wire?.method, 'PUT');
  t.equal(wire?.host, 'localhost:8443');
  t.equal(wire?.path, '//a/./b/../%2F?x=1&x=2');
  t.equal(wire?.headers['x-amz-meta-a'], 'one,two');
  t.equal(wire?.headers.host, 'localhost:8443');
  t.same(wire?.body, Buffer.from('hello'));

  const defaultPort = await tlsThrough(proxy, 'sts.amazonaws.com:443');
  await requestOver(defaultPort, 'GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nConnection: close\r\n\r\n');
  t.equal(seen[1]?.wire?.host, 'sts.amazonaws.com', 'no :443');
  t.same(seen[1]?.wire?.body, Buffer.alloc(0), 'no body headers: an empty body');
});

t.test('readBodyUpTo buffers up to the limit and streams beyond it or when chunked', async (t) => {
  const { proxy, seen } = await startReader(t);
  const send = async (head: string, body: string | Buffer) => {
    const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
    secure.write(`${head}Host: sts.amazonaws.com\r\nConnection: close\r\n\r\n`);
    return requestOver(secure, body as string);
  };
  await send(`POST / HTTP/1.1\r\nContent-Length: ${LIMIT}\r\n`, 'a'.repeat(LIMIT));
  t.equal(seen[0]?.streamed, false, 'exactly the limit is buffered');
  t.equal((seen[0]?.wire?.body as Buffer).length, LIMIT);

  await send(`POST / HTTP/1.1\r\nContent-Length: ${LIMIT + 1}\r\n`, 'a'.repeat(LIMIT + 1));
  t.equal(seen[1]?.streamed, true, 'one byte over streams');
  t.equal(seen[1]?.streamedBytes, LIMIT + 1);

  await send('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n');
  t.equal(seen[2]?.streamed, true, 'a chunked body streams, however short');
  t.equal(seen[2]?.streamedBytes, 3);
});

t.test('a large upload streams through without being buffered', async (t) => {
  const { proxy, seen } = await startReader(t);
  const size = 32 * 1024 * 1024;
  const secure = await tlsThrough(proxy, 's3.amazonaws.com:443');
  secure.write(
    `PUT /bucket/key HTTP/1.1\r\nHost: s3.amazonaws.com\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`,
  );
  const piece = Buffer.alloc(1024 * 1024, 7);
  for (let sent = 0; sent < size; sent += piece.length) {
    if (!secure.write(piece)) await new Promise((resolve) => secure.once('drain', resolve));
  }
  const answer = await requestOver(secure, '');
  t.match(answer, /^HTTP\/1.1 200/);
  t.equal(seen[0]?.streamed, true);
  t.equal(seen[0]?.streamedBytes, size);
});

t.test('a body cut short rejects with RequestBodyError', async (t) => {
  const { proxy, seen } = await startReader(t);
  const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
  secure.write('POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nContent-Length: 100\r\n\r\nonly this');
  await new Promise((resolve) => setTimeout(resolve, 50));
  secure.destroy();
  const deadline = Date.now() + 2_000;
  while (seen[0]?.error === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.match(seen[0]?.error, { code: 'AIRLOCK_ERR_REQUEST_BODY', message: /9 of 100/ });
});

t.test('readBodyUpTo refuses a negative or fractional limit', async (t) => {
  await t.rejects(readBodyUpTo({ headers: {} } as IncomingMessage, -1), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
  await t.rejects(readBodyUpTo({ headers: {} } as IncomingMessage, 1.5), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
});

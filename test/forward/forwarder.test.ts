import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { UpstreamError } from '../../proxy/core/errors.js';
import { createForwarder, type ForwarderOptions } from '../../proxy/forward/index.js';
import {
  answer,
  deferred,
  forwarderFor,
  freePort,
  makeCertificate,
  readAll,
  rejection,
  startHttpsUpstream,
  startRawServer,
  startUpstream,
  stsRequest,
} from './helpers.js';

t.test('sends the signed host header and the raw path, byte for byte, to a mapped upstream', async (t) => {
  const seen: { url?: string; rawHeaders?: string[]; body?: string } = {};
  const upstream = await startUpstream(t, async (request, response) => {
    seen.url = request.url;
    seen.rawHeaders = request.rawHeaders;
    seen.body = (await readAll(request)).toString();
    answer(response, 200, 'ok');
  });
  const forwarder = forwarderFor(t, upstream);
  const path = '/bucket/a//b/./../c%2Fd%20e+f?x-id=GetObject&prefix=env%3A%2F&acl';
  const response = await forwarder.forward({
    method: 'PUT',
    host: 'bucket.s3.us-east-1.amazonaws.com',
    path,
    headers: { host: 'bucket.s3.us-east-1.amazonaws.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    body: Buffer.from('hello'),
  });
  t.equal(response.status, 200);
  t.equal(Buffer.concat(await response.body.toArray()).toString(), 'ok');
  t.equal(seen.url, path, 'path unchanged: no dot-segment removal, no re-encoding');
  const hostLines = seen.rawHeaders!.filter(
    (_, index) => index % 2 === 0 && seen.rawHeaders![index]!.toLowerCase() === 'host',
  );
  t.equal(hostLines.length, 1, 'one host header');
  t.equal(
    seen.rawHeaders![seen.rawHeaders!.findIndex((name) => name.toLowerCase() === 'host') + 1],
    'bucket.s3.us-east-1.amazonaws.com',
  );
  t.equal(seen.body, 'hello');
});

t.test('uses the authority as host header when the request has none', async (t) => {
  let host: string | undefined;
  const upstream = await startUpstream(t, (request, response) => {
    host = request.headers.host;
    answer(response, 204, '');
  });
  const forwarder = forwarderFor(t, upstream);
  const response = await forwarder.forward(stsRequest({ host: 'sts.amazonaws.com:443', headers: {} }));
  response.body.resume();
  t.equal(host, 'sts.amazonaws.com');
});

t.test('strips hop-by-hop headers from the request and from the response', async (t) => {
  let received: IncomingHttpHeaders = {};
  const upstream = await startUpstream(t, async (request, response) => {
    received = request.headers;
    await readAll(request);
    response.writeHead(200, {
      Connection: 'keep-alive, X-Hop-Response',
      'X-Hop-Response': 'dropped',
      'Keep-Alive': 'timeout=5',
      'Proxy-Authenticate': 'Basic realm="x"',
      Trailer: 'X-Checksum',
      Upgrade: 'h2c',
      'X-Kept': 'yes',
      'Set-Cookie': ['a=1', 'b=2'],
      'Content-Type': 'text/plain',
    });
    response.write('chunk one, ');
    response.addTrailers({ 'X-Checksum': 'abc' });
    response.end('chunk two');
  });
  const forwarder = forwarderFor(t, upstream);
  const response = await forwarder.forward(
    stsRequest({
      headers: {
        host: 'sts.amazonaws.com',
        connection: 'close, X-Hop-Request',
        'x-hop-request': 'dropped',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic c2VjcmV0',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-checksum',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        expect: '100-continue',
        'x-amz-target': 'kept',
      },
    }),
  );
  for (const name of [
    'x-hop-request',
    'keep-alive',
    'proxy-authorization',
    'proxy-connection',
    'te',
    'trailer',
    'upgrade',
    'expect',
  ]) {
    t.notOk(name in received, `request ${name} stripped`);
  }
  t.equal(received['transfer-encoding'], undefined, 'a buffered body goes with content-length');
  t.equal(received['content-length'], '43');
  t.equal(received.connection, 'keep-alive', "Node's own connection header");
  t.equal(received['x-amz-target'], 'kept');

  for (const name of [
    'connection',
    'x-hop-response',
    'keep-alive',
    'proxy-authenticate',
    'trailer',
    'upgrade',
    'transfer-encoding',
  ]) {
    t.notOk(name in response.headers, `response ${name} stripped`);
  }
  t.equal(response.headers['x-kept'], 'yes');
  t.same(response.headers['set-cookie'], ['a=1', 'b=2'], 'repeated headers stay a list');
  t.equal(Buffer.concat(await response.body.toArray()).toString(), 'chunk one, chunk two');
});

t.test('keeps one connection alive across requests, whatever their host headers', async (t) => {
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    answer(response, 200, request.headers.host ?? '');
  });
  const forwarder = forwarderFor(t, upstream);
  for (let index = 0; index < 6; index++) {
    const host = `bucket${index % 2}.s3.us-east-1.amazonaws.com`;
    const response = await forwarder.forward({
      method: 'GET',
      host,
      path: '/k',
      headers: { host },
      body: new Uint8Array(),
    });
    t.equal(Buffer.concat(await response.body.toArray()).toString(), host);
    // Node returns the connection to its pool one tick after the body ends; a request sent in the same turn would
    // open a second connection. The proxy always writes the response to the agent in between.
    await nextTurn();
  }
  t.equal(upstream.connections(), 1, 'six requests, one socket');
});

t.test('connection refused becomes an UpstreamError', async (t) => {
  const port = await freePort();
  const forwarder = forwarderFor(t, `http://127.0.0.1:${port}`);
  const error = await rejection(forwarder.forward(stsRequest()));
  t.equal(error.code, 'AIRLOCK_ERR_UPSTREAM');
  t.equal(error.reason, 'connect-failed');
  t.equal(error.origin, `http://127.0.0.1:${port}`);
  t.equal(error.message, `Airlock could not connect to http://127.0.0.1:${port} (ECONNREFUSED)`);
});

t.test('a request Node refuses to send is an invalid request, and the message does not quote it', async (t) => {
  const upstream = await startUpstream(t, (request, response) => answer(response, 200, 'ok'));
  const forwarder = forwarderFor(t, upstream);
  const error = await rejection(
    forwarder.forward(
      stsRequest({ headers: { host: 'sts.amazonaws.com', 'x-amz-meta-note': 'secret\r\nx-injected: 1' } }),
    ),
  );
  t.equal(error.reason, 'invalid-request');
  t.equal(error.message, `Airlock could not build the request for ${upstream.url} (ERR_INVALID_CHAR)`);
  t.equal(upstream.connections(), 0, 'nothing was sent');
});

t.test('a closed forwarder refuses new requests', async (t) => {
  const upstream = await startUpstream(t, (request, response) => answer(response, 200, 'ok'));
  const forwarder = createForwarder({ upstreams: [{ hosts: ['*'], url: upstream.url }] });
  await forwarder.close();
  const error = await rejection(forwarder.forward(stsRequest()));
  t.equal(error.reason, 'closed');
});

t.test('an abort before the response aborts the upstream request', async (t) => {
  const upstreamSawClose = deferred<void>();
  const upstream = await startUpstream(t, (request) => {
    request.resume();
    request.socket.once('close', () => upstreamSawClose.resolve());
  });
  const forwarder = forwarderFor(t, upstream);
  const controller = new AbortController();
  const pending = forwarder.forward(stsRequest(), { signal: controller.signal });
  await sleep(100);
  controller.abort();
  const error = await rejection(pending);
  t.equal(error.reason, 'aborted');
  await upstreamSawClose.promise;
  t.pass('the upstream connection was closed');
});

t.test('an abort while the response streams ends the upstream connection', async (t) => {
  const upstreamSawClose = deferred<boolean>();
  const upstream = await startUpstream(t, (request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.write(Buffer.alloc(1024));
    response.once('close', () => upstreamSawClose.resolve(response.writableFinished));
  });
  const forwarder = forwarderFor(t, upstream);
  const controller = new AbortController();
  const response = await forwarder.forward(stsRequest(), { signal: controller.signal });
  const [first] = (await once(response.body, 'data')) as [Buffer];
  t.equal(first.length, 1024);
  const bodyError = deferred<Error>();
  response.body.once('error', bodyError.resolve);
  controller.abort();
  const error = await bodyError.promise;
  t.type(error, UpstreamError, 'the body errors with the abort');
  t.equal((error as UpstreamError).reason, 'aborted');
  t.ok(response.body.destroyed, 'the body was destroyed');
  t.equal(await upstreamSawClose.promise, false, 'the upstream response never finished');
});

t.test('an agent upload that breaks off aborts the upstream request', async (t) => {
  const upstreamSawAbort = deferred<void>();
  const upstream = await startUpstream(t, (request) => {
    request.on('data', () => undefined);
    request.once('close', () => upstreamSawAbort.resolve());
  });
  const forwarder = forwarderFor(t, upstream);
  const upload = new PassThrough();
  const pending = forwarder.forward({
    method: 'PUT',
    host: 'bucket.s3.amazonaws.com',
    path: '/big',
    headers: { host: 'bucket.s3.amazonaws.com', 'content-length': '1000000' },
    body: upload,
  });
  upload.write(Buffer.alloc(64 * 1024));
  await sleep(50);
  upload.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  const error = await rejection(pending);
  t.equal(error.reason, 'request-body-failed', 'the agent, not the upstream, failed');
  await upstreamSawAbort.promise;
  t.pass('the upstream saw the request end early');
});

t.test('a streamed upload keeps its declared content-length, else goes chunked', async (t) => {
  const seen: Array<{ method?: string; headers: IncomingHttpHeaders; body: string }> = [];
  const upstream = await startUpstream(t, async (request, response) => {
    seen.push({ method: request.method, headers: request.headers, body: (await readAll(request)).toString() });
    answer(response, 200, 'ok');
  });
  const forwarder = forwarderFor(t, upstream);
  const cases = [
    { note: 'a PutObject with its length', method: 'PUT', headers: { 'content-length': '11' }, want: 'content-length' },
    // How botocore sends STREAMING-UNSIGNED-PAYLOAD-TRAILER uploads, and how sign-request leaves re-framed ones.
    { note: 'a PutObject of unknown length', method: 'PUT', headers: {}, want: 'chunked' },
    // Node itself would send a GET's stream undelimited.
    { note: 'a GET with a streamed body', method: 'GET', headers: {}, want: 'chunked' },
  ];
  for (const { note, method, headers, want } of cases) {
    const response = await forwarder.forward({
      method,
      host: 'bucket.s3.amazonaws.com',
      path: '/object',
      headers: { host: 'bucket.s3.amazonaws.com', ...headers },
      body: Readable.from([Buffer.from('hello '), Buffer.from('world')], { objectMode: false }),
    });
    await response.body.toArray();
    const received = seen.at(-1)!;
    t.equal(received.method, method, note);
    t.equal(received.body, 'hello world', `${note}: the whole body`);
    if (want === 'chunked') {
      t.equal(received.headers['transfer-encoding'], 'chunked', `${note}: chunked`);
      t.equal(received.headers['content-length'], undefined);
    } else {
      t.equal(received.headers['content-length'], '11', `${note}: its content-length`);
      t.equal(received.headers['transfer-encoding'], undefined);
    }
  }
});

t.test('a streamed upload longer or shorter than its content-length never reaches the upstream whole', async (t) => {
  let completeRequests = 0;
  const upstream = await startUpstream(t, (request, response) => {
    readAll(request).then(
      () => {
        completeRequests += 1;
        answer(response, 200, 'ok');
      },
      () => undefined,
    );
  });
  const forwarder = forwarderFor(t, upstream);
  for (const declared of ['5', '20']) {
    const error = await rejection(
      forwarder.forward({
        method: 'PUT',
        host: 'bucket.s3.amazonaws.com',
        path: '/object',
        headers: { host: 'bucket.s3.amazonaws.com', 'content-length': declared },
        body: Readable.from([Buffer.from('hello '), Buffer.from('world')], { objectMode: false }),
      }),
    );
    t.equal(error.reason, 'request-body-failed', `11 bytes declared as ${declared}`);
  }
  await sleep(50);
  t.equal(completeRequests, 0, 'the upstream got no complete request');
});

t.test('timeouts: headers of a buffered request, headers after a slow streamed upload, a stalled body', async (t) => {
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    if (request.url === '/silent') return;
    if (request.url === '/stall') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write('partial');
      return;
    }
    answer(response, 200, 'uploaded');
  });
  const forwarder = forwarderFor(t, upstream, { headersTimeoutMs: 300, bodyTimeoutMs: 300 });

  const silent = await rejection(forwarder.forward(stsRequest({ path: '/silent' })));
  t.equal(silent.reason, 'headers-timeout');

  // An upload slower than the headers timeout must not time out: the wait starts at its last byte.
  const slowUpload = Readable.from(
    (async function* () {
      for (let index = 0; index < 5; index++) {
        yield Buffer.from('0123456789');
        await sleep(150);
      }
    })(),
    { objectMode: false },
  );
  const uploaded = await forwarder.forward(stsRequest({ path: '/upload', body: slowUpload }));
  t.equal(Buffer.concat(await uploaded.body.toArray()).toString(), 'uploaded', '750 ms upload, 300 ms headers timeout');

  const silentAfterUpload = await rejection(
    forwarder.forward(stsRequest({ path: '/silent', body: Readable.from([Buffer.from('x')], { objectMode: false }) })),
  );
  t.equal(silentAfterUpload.reason, 'headers-timeout', 'a streamed upload still times out waiting for headers');

  const stalled = await forwarder.forward(stsRequest({ path: '/stall' }));
  const bodyError = await stalled.body.toArray().then(
    () => undefined,
    (error: { reason?: string }) => error,
  );
  t.equal(bodyError?.reason, 'body-timeout', 'a stalled body errors');
});

t.test('a reader slower than the body timeout is not a stalled upstream', async (t) => {
  const size = 4 * 1024 * 1024;
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    response.end(Buffer.alloc(size));
  });
  const forwarder = forwarderFor(t, upstream, { bodyTimeoutMs: 200 });
  const response = await forwarder.forward(stsRequest());
  await sleep(500);
  let bytes = 0;
  for await (const piece of response.body) {
    const before = bytes;
    bytes += (piece as Buffer).length;
    if (Math.floor(before / (1024 * 1024)) !== Math.floor(bytes / (1024 * 1024))) await sleep(300);
  }
  t.equal(bytes, size, 'every byte arrived, with the reader pausing longer than bodyTimeoutMs');
});

t.test('a TLS handshake that never completes is a connect timeout', async (t) => {
  const port = await startRawServer(t, () => undefined);
  const forwarder = forwarderFor(t, `https://127.0.0.1:${port}`, { connectTimeoutMs: 200 });
  const error = await rejection(forwarder.forward(stsRequest()));
  t.equal(error.reason, 'connect-timeout');
  t.equal(error.message, `Airlock timed out connecting to https://127.0.0.1:${port}`);
});

const certificate = makeCertificate();

t.test(
  'HTTPS upstreams are verified against their own name, not the host header',
  { skip: certificate === undefined && 'openssl is not available' },
  async (t) => {
    if (certificate === undefined) return;
    const upstream = await startHttpsUpstream(t, certificate, async (request, response) => {
      await readAll(request);
      answer(response, 200, request.headers.host ?? '');
    });
    const byName = createForwarder({
      upstreams: [{ hosts: ['*.amazonaws.com'], url: `https://localhost:${upstream.port}` }],
      ca: certificate.cert,
    });
    t.teardown(() => byName.close());
    for (let index = 0; index < 4; index++) {
      const host = `bucket${index % 2}.s3.amazonaws.com`;
      const response = await byName.forward({
        method: 'GET',
        host,
        path: '/',
        headers: { host },
        body: new Uint8Array(),
      });
      t.equal(Buffer.concat(await response.body.toArray()).toString(), host, 'the upstream got the AWS host header');
      await nextTurn();
    }
    t.equal(upstream.connections(), 1, 'changing host headers did not force new TLS connections');
    t.same(upstream.serverNames, ['localhost'], 'SNI is the upstream name');

    const byAddress = createForwarder({ upstreams: [{ hosts: ['*'], url: upstream.url }], ca: [certificate.cert] });
    t.teardown(() => byAddress.close());
    const response = await byAddress.forward(stsRequest());
    t.equal(Buffer.concat(await response.body.toArray()).toString(), 'sts.amazonaws.com');
    t.equal(upstream.serverNames[1], false, 'no SNI for an IP address, checked against the IP SAN');

    const untrusting = createForwarder({ upstreams: [{ hosts: ['*'], url: upstream.url }] });
    t.teardown(() => untrusting.close());
    const error = await rejection(untrusting.forward(stsRequest()));
    t.equal(error.reason, 'tls');
    t.match(error.message, /^Airlock could not establish TLS with https:\/\/127\.0\.0\.1:\d+ \(\w+\)$/);
  },
);

t.test('validates its options once, at construction', async (t) => {
  const invalid = { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' };
  t.throws(() => createForwarder({ connectionsPerOrigin: 0 }), {
    ...invalid,
    message: 'connectionsPerOrigin must be a positive integer',
  });
  t.throws(() => createForwarder({ headersTimeoutMs: 1.5 }), invalid);
  t.throws(() => createForwarder({ pipelining: 2 } as ForwarderOptions), {
    ...invalid,
    message: 'unknown forwarder option pipelining',
  });
  t.throws(() => createForwarder({ upstreams: [{ hosts: [], url: 'http://127.0.0.1:1' }] }), invalid);
  t.throws(() => createForwarder({ upstreams: [{ hosts: ['*'], url: 'http://127.0.0.1:1/path' }] }), invalid);
});

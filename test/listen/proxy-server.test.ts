import { once } from 'node:events';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import t, { type Test } from 'tap';
import { createProxyServer, LeafCertificateCache } from '../../proxy/listen/index.js';
import {
  collectUntilClose,
  exchangeRaw,
  healthy,
  openConnect,
  requestOver,
  type StartedProxy,
  startProxy,
  tlsThrough,
  waitFor,
} from './helpers.js';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * get sends one HTTPS request through the proxy the way Node agents do, with https-proxy-agent. `protocol` is given
 * because agent-base otherwise files a finished socket under an http pool name and never reuses it; `servername` is
 * given because Node derives SNI from a Host header, and the 421 tests send a Host that is not the CONNECT host.
 */
function get(proxy: StartedProxy, agent: HttpsProxyAgent<string>, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        protocol: 'https:',
        host: 'sts.amazonaws.com',
        servername: 'sts.amazonaws.com',
        port: 443,
        path: '/?Action=GetCallerIdentity',
        agent,
        ca: proxy.ca.certificatePem,
        ...options,
      },
      (response) => {
        const pieces: Buffer[] = [];
        response.on('data', (piece: Buffer) => pieces.push(piece));
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(new Error('response aborted'));
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(pieces).toString() }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function agentFor(t: Test, proxy: StartedProxy): HttpsProxyAgent<string> {
  const agent = new HttpsProxyAgent(proxy.url, { keepAlive: true });
  t.teardown(() => agent.destroy());
  return agent;
}

t.test(
  'intercepts: an HTTPS request through https-proxy-agent reaches handleRequest with its CONNECT target',
  async (t) => {
    const sockets: unknown[] = [];
    const classified: string[] = [];
    const proxy = await startProxy(t, {
      classifyHost: (host, port) => {
        classified.push(`${host}:${port}`);
        return 'intercept';
      },
      handleRequest: (request, response, target) => {
        sockets.push(request.socket);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ method: request.method, url: request.url, host: request.headers.host, target }));
      },
    });
    const agent = agentFor(t, proxy);
    const first = await get(proxy, agent);
    t.equal(first.status, 200);
    t.same(JSON.parse(first.body), {
      method: 'GET',
      url: '/?Action=GetCallerIdentity',
      host: 'sts.amazonaws.com',
      target: { host: 'sts.amazonaws.com', port: 443 },
    });
    const second = await get(proxy, agent, { path: '/second' });
    t.equal(JSON.parse(second.body).url, '/second');
    t.equal(sockets.length, 2);
    t.equal(sockets[0], sockets[1], 'the second request reused the keep-alive tunnel');
    t.same(classified, ['sts.amazonaws.com:443'], 'one CONNECT for both requests');
    t.equal(proxy.leafCertificates.mintCount, 1);
    t.same(proxy.events, []);
  },
);

t.test('a Host header that is not the CONNECT target gets 421', async (t) => {
  let handled = 0;
  const proxy = await startProxy(t, {
    handleRequest: (_request, response) => {
      handled += 1;
      response.end('handled');
    },
  });
  const agent = agentFor(t, proxy);
  const fronted = await get(proxy, agent, { headers: { host: 'iam.amazonaws.com' } });
  t.equal(fronted.status, 421);
  t.match(fronted.body, /does not match the CONNECT target sts\.amazonaws\.com:443/);
  const otherPort = await get(proxy, agent, { headers: { host: 'sts.amazonaws.com:8443' } });
  t.equal(otherPort.status, 421);
  const explicitPort = await get(proxy, agent, { headers: { host: 'sts.amazonaws.com:443' } });
  t.equal(explicitPort.status, 200);
  t.equal(handled, 1, 'only the matching request was handled');
  t.equal(proxy.events[0]?.kind, 'misdirected-request');
});

t.test('inside a tunnel: absolute-form targets, missing or repeated Host, nested CONNECT are refused', async (t) => {
  const proxy = await startProxy(t);
  const cases = [
    {
      note: 'absolute form',
      head: 'GET https://sts.amazonaws.com/ HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n',
      status: 400,
    },
    { note: 'no Host', head: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
    { note: 'two Hosts', head: 'GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nHost: evil.example\r\n\r\n', status: 400 },
    {
      note: 'nested CONNECT',
      head: 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n',
      status: 400,
    },
  ];
  for (const { note, head, status } of cases) {
    const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
    const answer = await requestOver(secure, head);
    t.match(answer, new RegExp(`^HTTP/1.1 ${status} `), note);
  }
});

t.test('an SNI that is not the CONNECT host fails the handshake; no SNI is accepted', async (t) => {
  const proxy = await startProxy(t);
  const { socket, head } = await openConnect(proxy.port, 'sts.amazonaws.com:443');
  t.match(head, /^HTTP\/1.1 200 Connection Established\r\n\r\n$/);
  const secure = tlsConnect({ socket, ca: proxy.ca.certificatePem, servername: 'iam.amazonaws.com' });
  const [error] = (await once(secure, 'error')) as [Error];
  t.match(error.message, /disconnected before secure TLS|alert|ECONNRESET/i);
  await waitFor(() => proxy.events.some((event) => event.kind === 'sni-mismatch'));
  t.match(
    proxy.events.find((event) => event.kind === 'sni-mismatch'),
    {
      host: 'sts.amazonaws.com',
      port: 443,
      message: /"iam.amazonaws.com"/,
    },
  );

  const byAddress = await tlsThrough(proxy, '127.0.0.1:8443');
  t.equal(byAddress.servername, false, 'no SNI sent for an IP literal');
  t.match(
    await requestOver(byAddress, 'GET /ip HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nConnection: close\r\n\r\n'),
    /"target":\{"host":"127.0.0.1","port":8443\}/,
  );

  const portInSni = await tlsThrough(proxy, 'localhost:9443', 'localhost:9443');
  t.ok(portInSni.authorized, 'an SNI of host:port (as some Go clients send) is accepted');
  portInSni.destroy();
});

t.test('refuse answers 403 naming the host and how to allow it', async (t) => {
  const proxy = await startProxy(t, { classifyHost: () => 'refuse' });
  const answer = await exchangeRaw(
    proxy.port,
    'CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n',
  );
  t.match(answer.text, /^HTTP\/1.1 403 Forbidden\r\n/);
  t.match(answer.text, /www\.example\.com:443: it is not a cloud API endpoint/);
  t.match(answer.text, /pass_through/);
  t.equal(answer.closed, true);
  t.match(proxy.events, [{ kind: 'refused-host', host: 'www.example.com', port: 443 }]);
});

t.test('pass-through relays bytes to the CONNECT target untouched', async (t) => {
  const echo = createTcpServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  t.teardown(() => echo.close());
  const echoPort = (echo.address() as AddressInfo).port;

  const proxy = await startProxy(t, { classifyHost: () => 'pass-through' });
  const { socket, head } = await openConnect(proxy.port, `127.0.0.1:${echoPort}`);
  t.equal(head, 'HTTP/1.1 200 Connection Established\r\n\r\n');
  socket.resume();
  socket.write('\x16\x03\x01 not parsed by Airlock');
  const [echoed] = (await once(socket, 'data')) as [Buffer];
  t.equal(echoed.toString('latin1'), '\x16\x03\x01 not parsed by Airlock');
  socket.destroy();

  const closedPort = await new Promise<number>((resolve) => {
    const probe = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const refused = await exchangeRaw(proxy.port, `CONNECT 127.0.0.1:${closedPort} HTTP/1.1\r\n\r\n`);
  t.match(refused.text, /^HTTP\/1.1 502 Bad Gateway\r\n/);
  t.match(proxy.events, [{ kind: 'tunnel-upstream', message: /ECONNREFUSED/ }]);
});

t.test('a pass-through tunnel with no traffic is closed after idleTimeoutMs', async (t) => {
  const silent = createTcpServer(() => undefined);
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.teardown(() => silent.close());
  const proxy = await startProxy(t, { classifyHost: () => 'pass-through', idleTimeoutMs: 200 });
  const { socket } = await openConnect(proxy.port, `127.0.0.1:${(silent.address() as AddressInfo).port}`);
  const started = Date.now();
  const { closed } = await collectUntilClose(socket, 3_000);
  t.equal(closed, true);
  t.ok(Date.now() - started < 2_000);
  t.match(proxy.events, [{ kind: 'timeout', message: /idle/ }]);
});

t.test('malformed CONNECTs get 400 and a closed connection; the proxy keeps serving', async (t) => {
  const proxy = await startProxy(t);
  const cases = [
    { note: 'no port', bytes: 'CONNECT nohostport HTTP/1.1\r\nHost: nohostport\r\n\r\n' },
    { note: 'port out of range', bytes: 'CONNECT a:99999 HTTP/1.1\r\nHost: a:99999\r\n\r\n' },
    { note: 'bad host', bytes: 'CONNECT bad_host!:443 HTTP/1.1\r\n\r\n' },
    { note: 'garbage request line', bytes: '\x00\x01garbage \xff\r\n\r\n' },
    { note: 'a path, not an authority', bytes: 'CONNECT /sts.amazonaws.com:443 HTTP/1.1\r\n\r\n' },
  ];
  for (const { note, bytes } of cases) {
    const answer = await exchangeRaw(proxy.port, Buffer.from(bytes, 'latin1'));
    t.match(answer.text, /^HTTP\/1.1 400 Bad Request\r\n/, note);
    t.equal(answer.closed, true, `${note}: closed`);
  }
  t.ok(await healthy(proxy.port));
  t.equal(proxy.events.filter((event) => event.kind === 'malformed-connect').length, 4);
  t.equal(proxy.events.filter((event) => event.kind === 'malformed-request').length, 1);
});

t.test('bytes that are not TLS inside an intercepted tunnel close it; the proxy keeps serving', async (t) => {
  const proxy = await startProxy(t);
  const { socket, head } = await openConnect(proxy.port, 'sts.amazonaws.com:443');
  t.match(head, /^HTTP\/1.1 200/);
  socket.write('GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n');
  const { closed } = await collectUntilClose(socket);
  t.equal(closed, true);
  await waitFor(() => proxy.events.length > 0);
  t.match(proxy.events, [{ kind: 'tls-handshake', host: 'sts.amazonaws.com' }]);
  t.ok(await healthy(proxy.port));
});

t.test('a client that never starts TLS is cut off by tlsHandshakeTimeoutMs', async (t) => {
  const proxy = await startProxy(t, { tlsHandshakeTimeoutMs: 150 });
  const { socket } = await openConnect(proxy.port, 'sts.amazonaws.com:443');
  const started = Date.now();
  t.equal((await collectUntilClose(socket, 3_000)).closed, true);
  t.ok(Date.now() - started < 2_000);
  t.match(proxy.events, [{ kind: 'timeout', message: /TLS handshake/ }]);
});

t.test('a request head over maxHeaderBytes gets 431, outside and inside a tunnel', async (t) => {
  const proxy = await startProxy(t, { maxHeaderBytes: 4096 });
  const big = `X-Padding: ${'a'.repeat(5000)}\r\n`;
  const outside = await exchangeRaw(proxy.port, `CONNECT sts.amazonaws.com:443 HTTP/1.1\r\n${big}\r\n`);
  t.match(outside.text, /^HTTP\/1.1 431 /);
  const agent = agentFor(t, proxy);
  const inside = await get(proxy, agent, { headers: { 'x-padding': 'a'.repeat(5000) } });
  t.equal(inside.status, 431);
  t.match(proxy.events, [{ kind: 'headers-too-large' }, { kind: 'headers-too-large', host: 'sts.amazonaws.com' }]);
});

t.test('a client that sends half its headers and stalls is cut off by headersTimeoutMs', async (t) => {
  const proxy = await startProxy(t, { headersTimeoutMs: 200, requestTimeoutMs: 400 });
  let started = Date.now();
  const outside = await exchangeRaw(proxy.port, 'CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts', 3_000);
  t.equal(outside.closed, true);
  t.match(outside.text, /^HTTP\/1.1 408 /);
  t.ok(Date.now() - started < 1_500, `outside cut after ${Date.now() - started} ms`);

  const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
  started = Date.now();
  const inside = await requestOver(secure, 'GET / HTTP/1.1\r\nHost: sts.amazon');
  t.match(inside, /^HTTP\/1.1 408 /);
  t.ok(Date.now() - started < 1_500, `inside cut after ${Date.now() - started} ms`);
  t.ok(proxy.events.filter((event) => event.kind === 'timeout').length >= 2);
});

t.test('a request body that never finishes is cut off by requestTimeoutMs', async (t) => {
  const proxy = await startProxy(t, {
    headersTimeoutMs: 200,
    requestTimeoutMs: 400,
    handleRequest: (request) => {
      request.resume();
    },
  });
  const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
  const started = Date.now();
  const answer = await requestOver(
    secure,
    'POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nContent-Length: 100\r\n\r\npart',
  );
  t.match(answer, /^HTTP\/1.1 408 /);
  t.ok(Date.now() - started < 2_000);
});

t.test('requests sent to the proxy itself get 400, except /healthz', async (t) => {
  const proxy = await startProxy(t);
  const absolute = await exchangeRaw(
    proxy.port,
    'GET http://sts.amazonaws.com/ HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n',
  );
  t.match(absolute.text, /^HTTP\/1.1 400 /);
  t.match(absolute.text, /Airlock proxies HTTPS through CONNECT only/);
  const origin = await exchangeRaw(proxy.port, 'POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
  t.match(origin.text, /^HTTP\/1.1 400 /);
  t.ok(await healthy(proxy.port));
  t.match(proxy.events, [{ kind: 'plain-http' }, { kind: 'plain-http' }]);
});

t.test('a handler that throws gets the client a 500, or a closed connection once headers are out', async (t) => {
  const proxy = await startProxy(t, {
    handleRequest: async (request, response) => {
      if (request.url === '/late') {
        response.writeHead(200, { 'content-length': '100' });
        response.write('partial');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('secret detail: AKIAEXAMPLE');
    },
  });
  const agent = agentFor(t, proxy);
  const early = await get(proxy, agent, { path: '/early' });
  t.equal(early.status, 500);
  t.match(early.body, /Airlock failed/);
  await t.rejects(get(proxy, agent, { path: '/late' }), /aborted|socket hang up|ECONNRESET/);
  t.match(proxy.events, [
    { kind: 'handler-failure', message: 'handleRequest threw Error' },
    { kind: 'handler-failure' },
  ]);
  t.notMatch(JSON.stringify(proxy.events), /AKIAEXAMPLE/, 'the handler error text stays out of the event');
  t.ok(await healthy(proxy.port));
});

t.test('classifyHost and certificate failures answer 500 without crashing', async (t) => {
  const throwing = await startProxy(t, {
    classifyHost: async () => {
      throw new Error('config unavailable');
    },
  });
  const classifyFailed = await exchangeRaw(throwing.port, 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
  t.match(classifyFailed.text, /^HTTP\/1.1 500 /);
  t.match(throwing.events, [{ kind: 'classify-failure', message: 'config unavailable' }]);

  const proxy = createProxyServer({
    leafCertificates: { secureContextFor: () => Promise.reject(new Error('no key')) },
    classifyHost: () => 'intercept',
    handleRequest: () => undefined,
  });
  const { port } = await proxy.listen(0, '127.0.0.1');
  t.teardown(() => proxy.close());
  const mintFailed = await exchangeRaw(port, 'CONNECT a.example:443 HTTP/1.1\r\n\r\n');
  t.match(mintFailed.text, /^HTTP\/1.1 500 /);
});

t.test('close() ends open tunnels, so nothing outlives the server', async (t) => {
  const proxy = await startProxy(t);
  const secure = await tlsThrough(proxy, 'sts.amazonaws.com:443');
  const stalled = await openConnect(proxy.port, 'iam.amazonaws.com:443');
  const closedBoth = Promise.all([once(secure, 'close'), once(stalled.socket, 'close')]);
  secure.on('error', () => undefined);
  const started = Date.now();
  await proxy.proxy.close();
  await closedBoth;
  t.ok(Date.now() - started < 1_000);
});

t.test('options are validated when the server is created', async (t) => {
  const ca = { secureContextFor: () => Promise.reject(new Error('unused')) };
  const base = { leafCertificates: ca, classifyHost: () => 'intercept' as const, handleRequest: () => undefined };
  t.throws(() => createProxyServer({ ...base, headersTimeoutMs: 0 }), {
    message: 'headersTimeoutMs must be a positive integer',
  });
  t.throws(() => createProxyServer({ ...base, headersTimeoutMs: 10, requestTimeoutMs: 5 }), {
    code: 'AIRLOCK_ERR_INVALID_ARGUMENT',
  });
  t.throws(() => createProxyServer({ ...base, leafCertificates: {} as LeafCertificateCache }), {
    message: /leafCertificates/,
  });
});

t.test('server timeouts do not cut a busy tunnel or a request whose response is slow', async (t) => {
  const echo = createTcpServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  t.teardown(() => echo.close());
  const limits = { headersTimeoutMs: 100, requestTimeoutMs: 200, idleTimeoutMs: 300 };
  const relay = await startProxy(t, { ...limits, classifyHost: () => 'pass-through' });
  const { socket } = await openConnect(relay.port, `127.0.0.1:${(echo.address() as AddressInfo).port}`);
  socket.resume();
  for (let round = 0; round < 8; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write('.');
    await once(socket, 'data');
  }
  t.notOk(socket.destroyed, 'a tunnel in use for 800 ms outlived every server timeout');
  socket.destroy();

  const slow = await startProxy(t, {
    ...limits,
    handleRequest: async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      response.end('held, then answered');
    },
  });
  const secure = await tlsThrough(slow, 'sts.amazonaws.com:443');
  const answer = await requestOver(secure, 'GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nConnection: close\r\n\r\n');
  t.match(answer, /^HTTP\/1.1 200 .*held, then answered\n?$/s);
});

t.test('a client that offers only h2 by ALPN is refused at the handshake', async (t) => {
  const proxy = await startProxy(t);
  const { socket } = await openConnect(proxy.port, 'sts.amazonaws.com:443');
  const secure = tlsConnect({
    socket,
    ca: proxy.ca.certificatePem,
    servername: 'sts.amazonaws.com',
    ALPNProtocols: ['h2'],
  });
  const [error] = (await once(secure, 'error')) as [Error];
  t.match(error.message, /no application protocol/, 'gRPC and other h2-only clients must be passed through or refused');
  await waitFor(() => proxy.events.length > 0);
  t.match(proxy.events, [{ kind: 'tls-handshake', host: 'sts.amazonaws.com' }]);
  secure.destroy();
});

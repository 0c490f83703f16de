import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import t, { type Test } from 'tap';
import { AirlockProxyAgent, sendSignedCall } from './harness/agent-client.js';
import { type AgentKeys, type AirlockProcess, startAirlock } from './harness/airlock.js';
import { type Moto, startMoto } from '../harness/moto.js';

// Bad input against a real Airlock process: each case gets a clean error or a closed connection, and after every
// one of them a well-formed call from another agent still goes through.

let moto: Moto;
let airlock: AirlockProcess;
let keys: AgentKeys;
let proxyAgent: AirlockProxyAgent;

t.before(async () => {
  moto = await startMoto();
  airlock = await startAirlock({
    upstream: moto.url,
    credentials: moto.credentials,
    config: {
      limits: {
        max_header_bytes: '8KiB',
        max_decoded_body_bytes: '256KiB',
        max_buffered_body_bytes: '1MiB',
        headers_timeout_seconds: 1,
        request_timeout_seconds: 2,
        idle_timeout_seconds: 2,
      },
    },
  });
  keys = await airlock.addAgent('bad-input-bot', 'alice@example.com');
  proxyAgent = new AirlockProxyAgent(airlock, { keepAlive: false });
});
t.teardown(async () => {
  proxyAgent?.destroy();
  await airlock?.stop();
  await moto?.stop();
});

const getCallerIdentity = {
  method: 'POST',
  host: 'sts.amazonaws.com',
  path: '/',
  service: 'sts',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
};

/** stillServes checks that a well-formed call from a fresh connection succeeds. */
async function stillServes(t: Test) {
  const answer = await sendSignedCall(proxyAgent, keys, getCallerIdentity);
  t.equal(answer.status, 200, 'Airlock still serves a well-formed call');
}

/** rawExchange writes bytes to the proxy port and collects what comes back until the connection closes. */
function rawExchange(bytes: string | Buffer, timeoutMs = 10_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = netConnect(airlock.proxyPort, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, timeoutMs);
    socket.on('data', (piece: Buffer) => (text += piece.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.write(bytes);
  });
}

/** tunnel opens a CONNECT tunnel to an AWS host and resolves with the raw socket after `200`. */
function tunnel(host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(airlock.proxyPort, '127.0.0.1');
    socket.once('error', reject);
    socket.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`);
    socket.once('data', (piece: Buffer) => {
      if (/^HTTP\/1\.1 200/.test(piece.toString())) resolve(socket);
      else reject(new Error(`CONNECT refused: ${piece.toString()}`));
    });
  });
}

t.test('malformed CONNECT requests get 400 and the connection closes', async (t) => {
  for (const line of [
    'CONNECT nohostport HTTP/1.1',
    'CONNECT sts.amazonaws.com:99999 HTTP/1.1',
    'GARBAGE\u0001 / HTTP/1.1',
  ]) {
    const { text, closed } = await rawExchange(`${line}\r\n\r\n`);
    t.match(text, /^HTTP\/1\.1 400/, line);
    t.ok(closed, `closed after ${line}`);
  }
  await stillServes(t);
});

t.test('a host that is not a cloud API is refused with a message', async (t) => {
  const { text } = await rawExchange('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  t.match(text, /^HTTP\/1\.1 403/);
  t.match(text, /not a cloud API/);
  await stillServes(t);
});

t.test('plain bytes where TLS should start close the tunnel', async (t) => {
  const socket = await tunnel('sts.amazonaws.com');
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write('GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n');
  await closed;
  t.pass('the tunnel closed');
  await stillServes(t);
});

t.test('oversized headers get 431', async (t) => {
  const socket = await tunnel('sts.amazonaws.com');
  const secure = tlsConnect({ socket, servername: 'sts.amazonaws.com', ca: airlock.caPem });
  const text = await new Promise<string>((resolve) => {
    let received = '';
    secure.on('data', (piece: Buffer) => (received += piece.toString()));
    secure.on('close', () => resolve(received));
    secure.on('error', () => resolve(received));
    secure.write(`GET / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nX-Filler: ${'a'.repeat(16 * 1024)}\r\n\r\n`);
  });
  t.match(text, /^HTTP\/1\.1 431/);
  await stillServes(t);
});

t.test('a body over the configured limit is refused in the AWS format, and nothing goes upstream', async (t) => {
  const before = moto.accessLog.length;
  const answer = await sendSignedCall(proxyAgent, keys, {
    ...getCallerIdentity,
    body: `Action=GetCallerIdentity&Version=2011-06-15&Padding=${'x'.repeat(2 * 1024 * 1024)}`,
  });
  t.equal(answer.status, 413, answer.body);
  t.match(answer.body, /<Code>RequestEntityTooLarge<\/Code>/);
  t.match(answer.body, /larger than Airlock&apos;s limit of 262144 bytes/);
  t.equal(moto.accessLog.length, before, 'moto saw nothing');
  await stillServes(t);
});

t.test('malformed JSON, XML and CBOR bodies are refused as undecodable, and nothing goes upstream', async (t) => {
  const before = moto.accessLog.length;
  const json = await sendSignedCall(proxyAgent, keys, {
    method: 'POST',
    host: 'dynamodb.us-east-1.amazonaws.com',
    path: '/',
    service: 'dynamodb',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.DeleteTable' },
    body: '{"TableName": "orders"',
  });
  t.equal(json.status, 400 <= json.status && json.status < 500 ? json.status : -1, 'a 4xx');
  t.match(json.body, /AccessDeniedException/);
  t.match(json.body, /could not decode/);

  const xml = await sendSignedCall(proxyAgent, keys, {
    method: 'PUT',
    host: 'airlock-bad-input.s3.amazonaws.com',
    path: '/',
    query: { tagging: '' },
    service: 's3',
    headers: { 'content-type': 'application/xml', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    body: '<Tagging><TagSet><Tag><Key>a</Key></TagSet>',
  });
  t.equal(xml.status, 403);
  t.match(xml.body, /<Code>AccessDenied<\/Code>/);
  t.match(xml.body, /could not decode/);

  const cbor = await sendSignedCall(proxyAgent, keys, {
    method: 'POST',
    host: 'monitoring.us-east-1.amazonaws.com',
    path: '/service/GraniteServiceVersion20100801/operation/PutMetricData',
    service: 'monitoring',
    headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', accept: 'application/cbor' },
    body: Buffer.from([0xbf, 0x69, 0x4e, 0x61]),
  });
  t.equal(cbor.status, 403);
  t.equal(cbor.headers['smithy-protocol'], 'rpc-v2-cbor');
  t.match(cbor.body, /could not decode/);
  t.equal(moto.accessLog.length, before, 'moto saw nothing');
  await stillServes(t);
});

/**
 * stalledRequest opens a TLS connection through a tunnel, sends `partial` and nothing more, and resolves with what
 * Airlock answered by the time it closed the connection, or `still open` after 10 s.
 */
async function stalledRequest(partial: string): Promise<string> {
  const socket = await tunnel('sts.amazonaws.com');
  const secure = tlsConnect({ socket, servername: 'sts.amazonaws.com', ca: airlock.caPem });
  secure.on('error', () => undefined);
  await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
  const ended = new Promise<string>((resolve) => {
    let received = '';
    secure.on('data', (piece: Buffer) => (received += piece.toString()));
    secure.on('close', () => resolve(received));
  });
  secure.write(partial);
  return Promise.race([ended, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
}

t.test('a client that never finishes its headers is cut off by the timeout', async (t) => {
  const outcome = await stalledRequest('POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\n');
  t.match(outcome, /^HTTP\/1\.1 408/, 'answered 408 and closed by Airlock, not by the test');
  await stillServes(t);
});

t.test('a client that stops sending its body is cut off by the timeout', async (t) => {
  const outcome = await stalledRequest(
    'POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\nContent-Length: 1000\r\n\r\nAction=',
  );
  t.not(outcome, 'still open', 'closed by Airlock, not by the test');
  await stillServes(t);
});

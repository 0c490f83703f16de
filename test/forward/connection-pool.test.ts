/**
 * The keep-alive pools: idle connections expire, a connection the upstream closed under a request is handled as
 * documented in README.md (GET and HEAD resent once, nothing else), a full pool queues requests without wedging
 * them, and close() lets requests in flight finish.
 */
import type { Socket } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { WireRequest } from '../../proxy/identify/index.js';
import { answer, deferred, forwarderFor, readAll, rejection, startUpstream, stsRequest } from './helpers.js';

const HOST = 'bucket.s3.us-east-1.amazonaws.com';

function getObject(path: string): WireRequest {
  return { method: 'GET', host: HOST, path, headers: { host: HOST }, body: new Uint8Array() };
}

t.test('an idle connection is closed after keepAliveTimeoutMs, and the next request opens another', async (t) => {
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    answer(response, 200, 'ok');
  });
  const forwarder = forwarderFor(t, upstream, { keepAliveTimeoutMs: 100 });
  await (await forwarder.forward(getObject('/a'))).body.toArray();
  await nextTurn();
  await (await forwarder.forward(getObject('/b'))).body.toArray();
  t.equal(upstream.connections(), 1, 'reused while fresh');
  await sleep(400);
  await (await forwarder.forward(getObject('/c'))).body.toArray();
  t.equal(upstream.connections(), 2, 'a new connection after the idle one expired');
});

t.test('a request on a connection the upstream has just closed: GET is resent once, POST fails', async (t) => {
  // Each connection answers one request; the upstream drops it when a second one arrives, as a server that closed
  // an idle connection while the request was on its way.
  const served = new WeakMap<Socket, number>();
  const arrived: string[] = [];
  const upstream = await startUpstream(t, async (request, response) => {
    arrived.push(`${request.method} ${request.url}`);
    const count = (served.get(request.socket) ?? 0) + 1;
    served.set(request.socket, count);
    if (count > 1) {
      request.socket.destroy();
      return;
    }
    await readAll(request);
    answer(response, 200, 'ok');
  });
  const forwarder = forwarderFor(t, upstream);

  await (await forwarder.forward(getObject('/first'))).body.toArray();
  await nextTurn();
  const resent = await forwarder.forward(getObject('/second'));
  t.equal(Buffer.concat(await resent.body.toArray()).toString(), 'ok', 'the GET succeeded on a new connection');
  t.equal(upstream.connections(), 2);

  await nextTurn();
  const error = await rejection(forwarder.forward(stsRequest()));
  t.equal(error.reason, 'connection-lost', 'the POST failed');
  t.same(arrived, ['GET /first', 'GET /second', 'GET /second', 'POST /'], 'the POST was sent once');
});

t.test('a full pool queues requests; an abort while queued rejects at once', async (t) => {
  const release = deferred<void>();
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    if (request.url === '/held') await release.promise;
    answer(response, 200, request.url ?? '');
  });
  const forwarder = forwarderFor(t, upstream, { connectionsPerOrigin: 1 });

  const held = forwarder.forward(getObject('/held'));
  const queued = forwarder.forward(getObject('/queued'));
  const controller = new AbortController();
  const abandoned = forwarder.forward(getObject('/abandoned'), { signal: controller.signal });
  await sleep(50);
  controller.abort();
  // '/held' keeps the only connection until it is released below: this rejection did not wait for it.
  const error = await rejection(abandoned);
  t.equal(error.reason, 'aborted', 'rejected while still queued');

  release.resolve();
  t.equal(Buffer.concat(await (await held).body.toArray()).toString(), '/held');
  t.equal(Buffer.concat(await (await queued).body.toArray()).toString(), '/queued', 'the queue moved on');
  t.equal(upstream.connections(), 1, 'one connection served them all');
});

t.test('close lets requests in flight finish and refuses new ones', async (t) => {
  const release = deferred<void>();
  const upstream = await startUpstream(t, async (request, response) => {
    await readAll(request);
    await release.promise;
    answer(response, 200, 'late');
  });
  const forwarder = forwarderFor(t, upstream);
  const inFlight = forwarder.forward(getObject('/slow'));
  await sleep(50);
  let closed = false;
  const closing = forwarder.close().then(() => {
    closed = true;
  });
  t.equal((await rejection(forwarder.forward(getObject('/new')))).reason, 'closed');
  await sleep(50);
  t.notOk(closed, 'still open while a response is on its way');
  release.resolve();
  const response = await inFlight;
  await closing;
  t.equal(Buffer.concat(await response.body.toArray()).toString(), 'late', 'a body received whole stays readable');
});

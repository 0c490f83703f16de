import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { request as undiciRequest } from 'undici';
import {
  type PayloadHashMismatchError,
  PayloadTooLargeError,
  SignatureMismatchError,
} from '../../proxy/core/errors.js';
import { type AuthenticatedRequest, verifyAgentSignature } from '../../proxy/identify/index.js';
import { buildSignedChunkedUpload, lookupAgent, NOW, signAsSdk } from './fixtures/sdk-signer.js';

/** What a stand-in upstream saw of one request. */
interface Arrival {
  declaredLength: number;
  received: number;
  completed: boolean;
}

/**
 * startUpstream is a plain HTTP server standing in for the cloud: it records, for each request, how many body bytes
 * arrived and whether the request completed. A request that never completes is one the cloud cannot act on.
 */
async function startUpstream(
  t: Test,
): Promise<{ url: string; arrivals: Arrival[]; settled: (count: number) => Promise<void> }> {
  const arrivals: Arrival[] = [];
  const pending = new Set<Promise<void>>();
  const server = createServer((request: IncomingMessage, response) => {
    const arrival: Arrival = {
      declaredLength: Number(request.headers['content-length']),
      received: 0,
      completed: false,
    };
    arrivals.push(arrival);
    const done = new Promise<void>((resolve) => {
      request.on('data', (piece: Buffer) => {
        arrival.received += piece.length;
      });
      request.on('end', () => {
        arrival.completed = true;
        response.end('ok');
        resolve();
      });
      request.on('close', () => resolve());
    });
    pending.add(done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  // The server may see a request only after the client has already given up on it: wait for it to arrive and end.
  const settled = async (count: number) => {
    for (let waited = 0; pending.size < count && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(pending);
  };
  return { url: `http://127.0.0.1:${port}`, arrivals, settled };
}

/** forward sends a verified request's body upstream with a fixed length, as the forward stage will. */
async function forward(url: string, verified: AuthenticatedRequest, length: number): Promise<unknown> {
  try {
    const response = await undiciRequest(`${url}/upload`, {
      method: 'PUT',
      headers: { 'content-length': String(length) },
      body: verified.body as Readable,
    });
    await response.body.text();
    return undefined;
  } catch (error) {
    return error;
  }
}

function streamOf(buffer: Buffer, pieceSize: number): Readable {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += pieceSize)
    pieces.push(buffer.subarray(offset, offset + pieceSize));
  return Readable.from(pieces);
}

async function signedPut(payload: Buffer) {
  return signAsSdk({
    method: 'PUT',
    host: 'bk.s3.eu-west-1.amazonaws.com',
    path: '/big/object.bin',
    body: payload,
    service: 's3',
    region: 'eu-west-1',
  });
}

t.test('a streamed body matching its signed SHA-256 reaches the upstream whole', async (t) => {
  const upstream = await startUpstream(t);
  const payload = randomBytes(3 * 1024 * 1024 + 17);
  const request = await signedPut(payload);
  const verified = await verifyAgentSignature({ ...request, body: streamOf(payload, 65536) }, lookupAgent, NOW);
  t.equal(verified.authentication.payload, 'sha256');
  t.equal(await forward(upstream.url, verified, payload.length), undefined);
  await upstream.settled(1);
  t.same(upstream.arrivals, [{ declaredLength: payload.length, received: payload.length, completed: true }]);
});

t.test('a streamed body that does not match never completes upstream', async (t) => {
  const upstream = await startUpstream(t);
  const payload = randomBytes(3 * 1024 * 1024);
  const request = await signedPut(payload);
  const tampered = Buffer.from(payload);
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
  const verified = await verifyAgentSignature({ ...request, body: streamOf(tampered, 65536) }, lookupAgent, NOW);
  const failure = await forward(upstream.url, verified, payload.length);
  t.ok(failure !== undefined, 'the forwarder saw the request fail');
  t.equal(verified.body instanceof Readable && (verified.body as Readable).errored?.name, 'PayloadHashMismatchError');
  t.equal(((verified.body as Readable).errored as PayloadHashMismatchError).awsCode, 'XAmzContentSHA256Mismatch');
  await upstream.settled(1);
  const [arrival] = upstream.arrivals;
  t.ok(arrival !== undefined && !arrival.completed, 'the upstream request never completed');
  t.ok(
    arrival !== undefined && arrival.received < payload.length,
    `upstream got ${arrival?.received} of ${payload.length}`,
  );
});

t.test('a chunked upload with a forged last chunk never completes upstream', async (t) => {
  const upstream = await startUpstream(t);
  const payload = randomBytes(1024 * 1024);
  const upload = await buildSignedChunkedUpload({ payload, chunkSize: 64 * 1024 });
  const forged = Buffer.from(upload.body);
  const lastData = forged.lastIndexOf('0;chunk-signature=') - 10;
  forged[lastData] = forged[lastData]! ^ 0x01;
  const verified = await verifyAgentSignature({ ...upload.request, body: streamOf(forged, 16384) }, lookupAgent, NOW);
  t.ok((await forward(upstream.url, verified, payload.length)) !== undefined);
  t.type((verified.body as Readable).errored, SignatureMismatchError);
  await upstream.settled(1);
  const [arrival] = upstream.arrivals;
  t.ok(arrival !== undefined && !arrival.completed && arrival.received < payload.length, 'short and never completed');
});

t.test('a non-S3 call without x-amz-content-sha256 is buffered and hashed, up to a limit', async (t) => {
  const body = Buffer.from('Action=ListUsers&Version=2010-05-08');
  const request = await signAsSdk({
    method: 'POST',
    host: 'iam.amazonaws.com',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    service: 'iam',
    region: 'us-east-1',
  });
  const verified = await verifyAgentSignature({ ...request, body: streamOf(body, 5) }, lookupAgent, NOW);
  t.equal(verified.authentication.payload, 'computed-sha256');
  t.ok(Buffer.isBuffer(verified.body) && (verified.body as Buffer).equals(body));

  const refused = await verifyAgentSignature({ ...request, body: streamOf(body, 5) }, lookupAgent, NOW, {
    maxBufferedBodyBytes: 10,
  }).catch((error: unknown) => error);
  t.type(refused, PayloadTooLargeError);
  t.equal((refused as PayloadTooLargeError).awsErrorFor('query').status, 413);
});

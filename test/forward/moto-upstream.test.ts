/**
 * The forwarder in front of moto with authentication enforced (INITIAL_NO_AUTH_ACTION_COUNT): requests are signed
 * for the real AWS hosts (`sts.amazonaws.com`, `bucket.s3.us-east-1.amazonaws.com`) and routed to moto. moto
 * recomputes each signature from the `host` header it receives and routes S3 virtual-hosted buckets by it, so these
 * calls pass only if the forwarder delivers the signed host header unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { createForwarder, type Forwarder } from '../../proxy/forward/index.js';
import type { WireRequest } from '../../proxy/identify/index.js';
import { AwsCredentials, signWireRequest } from '../../proxy/sign/index.js';
import { startMoto } from '../harness/moto.js';

/** startForwarder runs moto (checking signatures after its bootstrap) and a forwarder routing AWS hosts to it. */
async function startForwarder(t: Test) {
  const moto = await startMoto({ userName: 'fwd' });
  t.teardown(() => moto.stop());
  const forwarder = createForwarder({ upstreams: [{ hosts: ['*.amazonaws.com'], url: moto.url }] });
  t.teardown(() => forwarder.close());
  return { forwarder, key: new AwsCredentials(moto.credentials) };
}

interface Call {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body: Uint8Array | Readable;
}

/** send signs a call for its AWS host and forwards it; it returns the status and the body as text. */
async function send(forwarder: Forwarder, call: Call, credentials: AwsCredentials, service: string) {
  const headers = { ...call.headers, host: call.host };
  const request: WireRequest = { method: call.method, host: call.host, path: call.path, headers, body: call.body };
  const signed = await signWireRequest(
    request,
    credentials,
    { service, region: 'us-east-1' },
    {
      signedHeaders: new Set(Object.keys(headers)),
    },
  );
  const response = await forwarder.forward(signed);
  return { status: response.status, headers: response.headers, body: response.body };
}

async function text(body: Readable): Promise<string> {
  return Buffer.concat(await body.toArray()).toString();
}

function form(host: string, fields: Record<string, string>): Call {
  return {
    method: 'POST',
    host,
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams(fields).toString()),
  };
}

t.test('signed calls for AWS hosts pass moto through the forwarder', async (t) => {
  const { forwarder, key } = await startForwarder(t);

  const identity = await send(
    forwarder,
    form('sts.amazonaws.com', { Action: 'GetCallerIdentity', Version: '2011-06-15' }),
    key,
    'sts',
  );
  const identityText = await text(identity.body);
  t.equal(identity.status, 200, 'GetCallerIdentity accepted', { body: identityText });
  t.match(identityText, '<Arn>arn:aws:iam::123456789012:user/fwd</Arn>');

  const wrong = new AwsCredentials({ accessKeyId: key.accessKeyId, secretAccessKey: 'not-the-secret' });
  const refused = await send(
    forwarder,
    form('sts.amazonaws.com', { Action: 'GetCallerIdentity', Version: '2011-06-15' }),
    wrong,
    'sts',
  );
  t.equal(refused.status, 403, 'moto does check signatures');
  t.match(await text(refused.body), 'SignatureDoesNotMatch');

  const bucketHost = 'airlock-forward.s3.us-east-1.amazonaws.com';
  const bucket = await send(
    forwarder,
    { method: 'PUT', host: bucketHost, path: '/', body: new Uint8Array() },
    key,
    's3',
  );
  t.equal(bucket.status, 200, 'CreateBucket accepted, virtual-hosted', { body: await text(bucket.body) });

  const size = 8 * 1024 * 1024;
  const payload = randomBytes(size);
  const upload = await send(
    forwarder,
    {
      method: 'PUT',
      host: bucketHost,
      path: '/streamed/object.bin',
      headers: { 'content-length': String(size), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: Readable.from(
        Array.from({ length: size / 65536 }, (_, index) => payload.subarray(index * 65536, (index + 1) * 65536)),
        { objectMode: false },
      ),
    },
    key,
    's3',
  );
  t.equal(upload.status, 200, 'a streamed 8 MiB PutObject accepted', { body: await text(upload.body) });

  const download = await send(
    forwarder,
    { method: 'GET', host: bucketHost, path: '/streamed/object.bin', body: new Uint8Array() },
    key,
    's3',
  );
  t.equal(download.status, 200, 'GetObject accepted');
  // Read late, as behind a slow agent: moto has sent Connection: close and closes the socket meanwhile, which is
  // what crashed undici 7 (undici-issue-5360.test.ts).
  await sleep(300);
  const hash = createHash('sha256');
  for await (const piece of download.body) hash.update(piece as Buffer);
  t.equal(hash.digest('hex'), createHash('sha256').update(payload).digest('hex'), 'the object came back intact');
});

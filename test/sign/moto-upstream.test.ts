/**
 * Against moto with authentication enforced (INITIAL_NO_AUTH_ACTION_COUNT): moto recomputes every signature with
 * botocore, so these tests check Airlock's re-signing against an independent verifier. Covers STS AssumeRole through
 * the credential source, and S3 uploads that arrive streaming-signed and leave re-signed.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import t from 'tap';
import { request as undiciRequest } from 'undici';
import { CredentialsError } from '../../proxy/core/errors.js';
import { verifyAgentSignature, type WireRequest } from '../../proxy/identify/index.js';
import { AwsCredentials, createCredentialSource, signRequest, signWireRequest } from '../../proxy/sign/index.js';
import { type Moto, startMoto } from '../harness/moto.js';
import { buildSignedChunkedUpload, lookupAgent, NOW } from '../identify/fixtures/sdk-signer.js';

/** send signs a request with signWireRequest and sends it to moto. */
async function send(moto: Moto, request: Omit<WireRequest, 'host'>, credentials: AwsCredentials, service: string) {
  const signed = await signWireRequest(
    { ...request, host: moto.host, headers: { ...request.headers, host: moto.host } },
    credentials,
    { service, region: 'us-east-1' },
    { signedHeaders: new Set(Object.keys(request.headers)) },
  );
  return forward(moto, signed);
}

async function forward(moto: Moto, signed: WireRequest) {
  const response = await undiciRequest(`${moto.url}${signed.path}`, {
    method: signed.method,
    headers: signed.headers,
    body: signed.body instanceof Uint8Array ? Buffer.from(signed.body) : (signed.body as Readable),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

function form(fields: Record<string, string>): Omit<WireRequest, 'host'> {
  return {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams(fields).toString()),
  };
}

t.test('re-signed calls pass moto, which checks signatures with botocore', async (t) => {
  // moto's bootstrap made a user with an access key allowed to do anything.
  const moto = await startMoto();
  t.teardown(() => moto.stop());
  const real = new AwsCredentials(moto.credentials);

  await t.test('moto refuses a bad signature (so the checks below mean something)', async (t) => {
    const wrong = new AwsCredentials({ accessKeyId: real.accessKeyId, secretAccessKey: 'not-the-secret' });
    const refused = await send(moto, form({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), wrong, 'sts');
    t.equal(refused.status, 403);
    t.match(refused.text, 'SignatureDoesNotMatch');
    const s3Refused = await send(moto, { method: 'GET', path: '/', headers: {}, body: Buffer.alloc(0) }, wrong, 's3');
    t.equal(s3Refused.status, 403);
    t.match(s3Refused.text, 'SignatureDoesNotMatch');
  });

  await t.test('AssumeRole through the credential source', async (t) => {
    const source = createCredentialSource({
      type: 'assume-role',
      roleArn: 'arn:aws:iam::123456789012:role/airlock-prod',
      stsEndpoint: moto.url,
      base: { type: 'static', accessKeyId: real.accessKeyId, secretAccessKey: real.secretAccessKey },
    });
    const assumed = await source.getCredentials();
    t.match(assumed.accessKeyId, /^ASIA/);
    t.ok(assumed.sessionToken !== undefined && assumed.sessionToken.length > 20);
    t.ok(assumed.expiration !== undefined && assumed.expiration.getTime() > Date.now() + 50 * 60_000);
    t.equal(await source.getCredentials(), assumed, 'cached');

    const denied = createCredentialSource({
      type: 'assume-role',
      roleArn: 'arn:aws:iam::123456789012:role/airlock-prod',
      stsEndpoint: moto.url,
      base: { type: 'static', accessKeyId: real.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    await t.rejects(denied.getCredentials(), CredentialsError);
  });

  await t.test('streaming-signed S3 uploads arrive verified and leave re-signed', async (t) => {
    const bucket = await send(
      moto,
      { method: 'PUT', path: '/airlock-bucket', headers: {}, body: Buffer.alloc(0) },
      real,
      's3',
    );
    t.equal(bucket.status, 200, bucket.text);
    const cases = [
      { key: 'plain/streamed.bin', trailer: undefined, streamed: true },
      { key: 'plain/buffered.bin', trailer: undefined, streamed: false },
      { key: 'trailer/streamed.bin', trailer: { name: 'x-amz-checksum-crc32', value: '' }, streamed: true },
    ];
    for (const { key, trailer, streamed } of cases) {
      const payload = randomBytes(300_000);
      const checksum = trailer === undefined ? undefined : { ...trailer, value: crc32Base64(payload) };
      const upload = await buildSignedChunkedUpload({
        payload,
        chunkSize: 65536,
        host: 'airlock-bucket.s3.us-east-1.amazonaws.com',
        key,
        ...(checksum ? { trailer: checksum } : {}),
      });
      const body = streamed
        ? Readable.from([upload.body.subarray(0, 100_000), upload.body.subarray(100_000)])
        : upload.body;
      const verified = await verifyAgentSignature({ ...upload.request, body }, lookupAgent, NOW);
      // moto is reached path-style on its own host; the re-signed host must be the one actually sent.
      const toMoto = {
        ...verified,
        host: moto.host,
        path: `/airlock-bucket${verified.path}`,
        headers: { ...verified.headers, host: moto.host },
      };
      const signed = await signRequest(toMoto, real, { service: 's3', region: 'us-east-1' });
      const put = await forward(moto, signed);
      t.equal(put.status, 200, `${key}: PutObject ${put.text.slice(0, 200)}`);
      const get = await send(
        moto,
        { method: 'GET', path: `/airlock-bucket/${key}`, headers: {}, body: Buffer.alloc(0) },
        real,
        's3',
      );
      t.equal(get.status, 200, `${key}: GetObject`);
      const stored = await undiciRequest(`${moto.url}/airlock-bucket/${key}`, {
        method: 'GET',
        headers: (
          await signWireRequest(
            {
              method: 'GET',
              host: moto.host,
              path: `/airlock-bucket/${key}`,
              headers: { host: moto.host },
              body: Buffer.alloc(0),
            },
            real,
            { service: 's3', region: 'us-east-1' },
            { signedHeaders: new Set(['host']) },
          )
        ).headers,
      });
      const bytes = Buffer.from(await stored.body.arrayBuffer());
      t.ok(bytes.equals(payload), `${key}: stored object is the de-chunked payload (${bytes.length} bytes)`);
    }
  });
});

/** crc32Base64 is the x-amz-checksum-crc32 value of a payload. */
function crc32Base64(payload: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of payload) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  const value = Buffer.alloc(4);
  value.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return value.toString('base64');
}

import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import {
  type AuthenticatedRequest,
  type LookupAgentSecret,
  verifyAgentSignature,
  type WireRequest,
} from '../../proxy/identify/index.js';
import { AwsCredentials, signRequest, signWireRequest } from '../../proxy/sign/index.js';
import {
  AGENT,
  buildSignedChunkedUpload,
  encodeS3Key,
  lookupAgent,
  NOW,
  presignAsSdk,
  type SdkCall,
  signAsSdk,
} from '../identify/fixtures/sdk-signer.js';

const REAL = new AwsCredentials({
  accessKeyId: 'AKIAREALKEY000000001',
  secretAccessKey: 'real/Secret+Key=0123456789abcdefghij',
});
const REAL_TEMPORARY = new AwsCredentials({
  accessKeyId: 'ASIAREALKEY000000002',
  secretAccessKey: 'real/Temporary+Secret=abcdefghij0123456789',
  sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN//+=',
});
const lookupReal: LookupAgentSecret = (accessKeyId) =>
  [REAL, REAL_TEMPORARY].find((credentials) => credentials.accessKeyId === accessKeyId) && {
    secret: [REAL, REAL_TEMPORARY].find((credentials) => credentials.accessKeyId === accessKeyId)!.secretAccessKey,
    agentId: 'upstream',
  };

/** resign verifies an agent request, re-signs it with real credentials, and checks the result verifies too. */
async function resign(t: Test, agentRequest: WireRequest, credentials = REAL, note = '') {
  const verified = await verifyAgentSignature(agentRequest, lookupAgent, NOW);
  const { service, region } = verified.authentication.scope;
  const signed = await signRequest(verified, credentials, { service, region }, { now: NOW });
  const reverified = await verifyAgentSignature(signed, lookupReal, NOW);
  t.equal(reverified.authentication.agent.accessKeyId, credentials.accessKeyId, `${note} verifies with the real key`);
  const serialised = JSON.stringify(signed.headers) + signed.path;
  t.notMatch(serialised, AGENT.accessKeyId, `${note} carries nothing of the agent's key`);
  t.notMatch(serialised, credentials.secretAccessKey, `${note} carries no secret`);
  return { verified, signed, reverified };
}

const calls: Array<{ note: string; call: SdkCall }> = [
  {
    note: 'S3 GetObject with a key holding reserved characters, //, ..',
    call: {
      method: 'GET',
      host: 'bk.s3.eu-west-1.amazonaws.com',
      path: `/${encodeS3Key("a//b/../c d+e~!'().txt")}`,
      query: { 'x-id': 'GetObject', 'response-content-type': 'text/plain; charset=utf-8' },
      headers: { range: 'bytes=0-9' },
      service: 's3',
      region: 'eu-west-1',
    },
  },
  {
    note: 'S3 PutObject with a body, metadata and content type',
    call: {
      method: 'PUT',
      host: 's3.eu-west-1.amazonaws.com',
      path: '/bk/k.json',
      headers: { 'content-type': 'application/json', 'x-amz-meta-owner': 'alice', 'x-amz-acl': 'private' },
      body: '{"a":1}',
      service: 's3',
      region: 'eu-west-1',
    },
  },
  {
    note: 'IAM CreateRole, form body, no x-amz-content-sha256',
    call: {
      method: 'POST',
      host: 'iam.amazonaws.com',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=CreateRole&Version=2010-05-08&RoleName=app%2B%3D%2C.%40x&AssumeRolePolicyDocument=%7B%7D',
      service: 'iam',
      region: 'us-east-1',
    },
  },
  {
    note: 'Lambda GetFunction with an ARN in the path',
    call: {
      method: 'GET',
      host: 'lambda.eu-west-1.amazonaws.com',
      path: `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:eu-west-1:123456789012:function:f')}`,
      query: { Qualifier: '$LATEST' },
      service: 'lambda',
      region: 'eu-west-1',
    },
  },
  {
    note: 'DynamoDB PutItem, json protocol',
    call: {
      method: 'POST',
      host: 'dynamodb.eu-west-1.amazonaws.com',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: '{"TableName":"locks","Item":{"LockID":{"S":"a"}}}',
      service: 'dynamodb',
      region: 'eu-west-1',
    },
  },
];

t.test('re-signed requests verify with the real key and keep what the agent signed', async (t) => {
  for (const { note, call } of calls) {
    for (const credentials of [REAL, REAL_TEMPORARY]) {
      const label = `${note} (${credentials.sessionToken === undefined ? 'long-term' : 'temporary'} keys)`;
      const { verified, signed, reverified } = await resign(t, await signAsSdk(call), credentials, label);
      t.equal(signed.path, verified.path, `${label}: wire path unchanged`);
      t.equal(signed.method, call.method);
      for (const name of verified.authentication.signedHeaders) {
        if (name === 'x-amz-date') continue;
        t.ok(reverified.authentication.signedHeaders.includes(name), `${label}: ${name} still signed`);
      }
      t.equal(
        signed.headers['x-amz-security-token'],
        credentials.sessionToken,
        `${label}: session token only for temporary keys`,
      );
    }
  }
});

t.test('strips hop-by-hop headers and forwards other unsigned headers unsigned', async (t) => {
  const agentRequest = await signAsSdk(calls[1]!.call);
  const withExtras: WireRequest = {
    ...agentRequest,
    headers: {
      ...agentRequest.headers,
      connection: 'keep-alive, x-hop',
      'x-hop': 'per-connection',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic c2VjcmV0',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
      trailer: 'x-whatever',
      upgrade: 'h2c',
      expect: '100-continue',
      'transfer-encoding': 'chunked',
      'user-agent': 'aws-sdk-js/3',
    },
  };
  const { signed, reverified } = await resign(t, withExtras);
  for (const name of [
    'connection',
    'x-hop',
    'keep-alive',
    'proxy-authorization',
    'proxy-connection',
    'te',
    'trailer',
    'upgrade',
    'expect',
    'transfer-encoding',
  ]) {
    t.notOk(name in signed.headers, `${name} removed`);
  }
  t.equal(signed.headers['user-agent'], 'aws-sdk-js/3', 'user-agent forwarded');
  t.notOk(reverified.authentication.signedHeaders.includes('user-agent'), 'user-agent not signed');
  t.equal(signed.headers['content-length'], '7');
});

t.test('a presigned agent request is re-signed with an Authorization header', async (t) => {
  const call: SdkCall = {
    method: 'GET',
    host: 'bk.s3.eu-west-1.amazonaws.com',
    path: `/${encodeS3Key('reports/q4 final.csv')}`,
    query: { 'x-id': 'GetObject', 'response-content-disposition': 'attachment; filename="q4.csv"' },
    service: 's3',
    region: 'eu-west-1',
  };
  const { signed, reverified } = await resign(t, await presignAsSdk(call, 900), REAL, 'presigned S3');
  t.equal(reverified.authentication.kind, 'header');
  t.notMatch(signed.path, /X-Amz-/i, 'no presign parameters left');
  t.match(signed.path, /^\/reports\/q4%20final\.csv\?x-id=GetObject&response-content-disposition=attachment%3B/);
  t.equal(signed.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');

  const sts: SdkCall = {
    method: 'GET',
    host: 'sts.eu-west-1.amazonaws.com',
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { 'x-k8s-aws-id': 'prod' },
    service: 'sts',
    region: 'eu-west-1',
  };
  const { signed: stsSigned, reverified: stsReverified } = await resign(
    t,
    await presignAsSdk(sts, 900),
    REAL,
    'presigned STS',
  );
  t.equal(stsSigned.path, '/?Action=GetCallerIdentity&Version=2011-06-15');
  t.ok(stsReverified.authentication.signedHeaders.includes('x-k8s-aws-id'));
});

t.test('a streaming-signed upload is re-signed as a whole: hashed in memory, UNSIGNED-PAYLOAD streamed', async (t) => {
  const payload = randomBytes(150_000);
  const upload = await buildSignedChunkedUpload({ payload, chunkSize: 65536 });

  const { signed } = await resign(t, upload.request, REAL, 'buffered chunked upload');
  t.equal(signed.headers['x-amz-content-sha256'], createHash('sha256').update(payload).digest('hex'));
  t.equal(signed.headers['content-length'], String(payload.length));
  t.notOk('content-encoding' in signed.headers, 'aws-chunked removed (nothing else was there)');
  t.notOk('x-amz-decoded-content-length' in signed.headers);
  t.ok(Buffer.from(signed.body as Uint8Array).equals(payload));

  const streamed = await verifyAgentSignature(
    { ...upload.request, headers: { ...upload.request.headers }, body: Readable.from([upload.body]) },
    lookupAgent,
    NOW,
  );
  const streamedSigned = await signRequest(streamed, REAL, { service: 's3', region: 'eu-west-1' }, { now: NOW });
  t.equal(streamedSigned.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  t.equal(streamedSigned.headers['content-length'], String(payload.length));
  await t.resolves(verifyAgentSignature({ ...streamedSigned, body: Buffer.alloc(0) }, lookupReal, NOW));
  const pieces: Buffer[] = [];
  for await (const piece of streamedSigned.body as Readable) pieces.push(piece as Buffer);
  t.ok(Buffer.concat(pieces).equals(payload), 'the de-chunked payload flows through');
});

t.test('keeps other content codings when removing aws-chunked', async (t) => {
  const upload = await buildSignedChunkedUpload({
    payload: randomBytes(100),
    chunkSize: 64,
    extraHeaders: { 'content-encoding': 'aws-chunked,gzip' },
  });
  const { signed } = await resign(t, upload.request, REAL, 'gzip inside aws-chunked');
  t.equal(signed.headers['content-encoding'], 'gzip');
});

t.test('the -TRAILER variant goes upstream as STREAMING-UNSIGNED-PAYLOAD-TRAILER with its checksum', async (t) => {
  const upload = await buildSignedChunkedUpload({
    payload: randomBytes(10_000),
    chunkSize: 4096,
    trailer: { name: 'x-amz-checksum-crc32', value: 'AAAAAA==' },
  });
  const { signed, reverified } = await resign(t, upload.request, REAL, 'signed trailer upload');
  t.equal(signed.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  t.equal(reverified.authentication.payload, 'unsigned-trailer');
  t.equal(signed.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  t.equal(signed.headers['x-amz-decoded-content-length'], '10000');
  t.equal(signed.headers['content-encoding'], 'aws-chunked');
  const body = Buffer.from(signed.body as Uint8Array).toString('latin1');
  t.equal(signed.headers['content-length'], String(body.length));
  t.notMatch(body, /chunk-signature|x-amz-trailer-signature/);
  t.match(body, /^1000\r\n[\s\S]*\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n$/);
});

t.test('an unsigned-trailer upload (botocore over TLS) passes unchanged', async (t) => {
  const framed = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n');
  const agentRequest = await signAsSdk({
    method: 'PUT',
    host: 'bk.s3.eu-west-1.amazonaws.com',
    path: '/hello.txt',
    headers: {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '5',
    },
    service: 's3',
    region: 'eu-west-1',
  });
  const { signed } = await resign(t, { ...agentRequest, body: framed }, REAL, 'unsigned trailer');
  t.equal(signed.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  t.equal(signed.headers['content-length'], String(framed.length));
  t.ok(Buffer.from(signed.body as Uint8Array).equals(framed));
});

t.test('refuses what identify did not produce', async (t) => {
  const raw = await signAsSdk(calls[0]!.call);
  await t.rejects(
    signRequest(raw as AuthenticatedRequest, REAL, { service: 's3', region: 'eu-west-1' }),
    InvalidArgumentError,
  );
  await t.rejects(
    signWireRequest(
      { ...raw, body: Readable.from([Buffer.from('x')]), headers: { host: 'h' } },
      REAL,
      { service: 'lambda', region: 'eu-west-1' },
      { signedHeaders: new Set(['host']) },
    ),
    InvalidArgumentError,
  );
});

import t from 'tap';
import {
  MalformedAuthorizationError,
  RequestExpiredError,
  SignatureMismatchError,
  UnknownAccessKeyError,
} from '../../proxy/core/errors.js';
import { verifyAgentSignature, type WireRequest } from '../../proxy/identify/index.js';
import {
  AGENT,
  encodeS3Key,
  lookupAgent,
  NOW,
  presignAsSdk,
  type SdkCall,
  SIGNED_AT,
  signAsSdk,
} from './fixtures/sdk-signer.js';

const s3Get: SdkCall = {
  method: 'GET',
  host: 'my-bucket.s3.eu-west-1.amazonaws.com',
  path: `/${encodeS3Key("reports/2026 Q4/a b+c~!'().csv")}`,
  query: { 'x-id': 'GetObject', 'response-content-disposition': 'attachment; filename="q4.csv"' },
  service: 's3',
  region: 'eu-west-1',
};

const stsGetCallerIdentity: SdkCall = {
  method: 'GET',
  host: 'sts.eu-west-1.amazonaws.com',
  path: '/',
  query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  headers: { 'x-k8s-aws-id': 'prod-cluster' },
  service: 'sts',
  region: 'eu-west-1',
};

const seconds = (n: number) => new Date(SIGNED_AT.getTime() + n * 1000);

async function rejection(request: WireRequest, now: Date): Promise<unknown> {
  return verifyAgentSignature(request, lookupAgent, now).then(
    () => undefined,
    (error: unknown) => error,
  );
}

t.test('verifies presigned URLs made as the SDK presigner makes them', async (t) => {
  for (const call of [s3Get, stsGetCallerIdentity, { ...s3Get, method: 'PUT', query: {} }]) {
    const request = await presignAsSdk(call, 900);
    const verified = await verifyAgentSignature(request, lookupAgent, NOW);
    t.equal(verified.authentication.kind, 'presigned', `${call.service} ${call.method}`);
    t.equal(verified.authentication.agent.agentId, AGENT.agentId);
    t.same(verified.authentication.expiresAt, seconds(900));
    t.equal(verified.authentication.payload, call.service === 's3' ? 'unsigned' : 'computed-sha256');
  }
});

t.test("verifies AWS's published presigned GetObject example", async (t) => {
  const request: WireRequest = {
    method: 'GET',
    host: 'examplebucket.s3.amazonaws.com:443',
    path:
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: { host: 'examplebucket.s3.amazonaws.com' },
    body: Buffer.alloc(0),
  };
  const lookup = () => ({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', agentId: 'aws-example' });
  const verified = await verifyAgentSignature(request, lookup, new Date('2013-05-24T12:00:00Z'));
  t.equal(verified.authentication.kind, 'presigned');
});

t.test('enforces expiry: valid through X-Amz-Expires, refused after, as S3 refuses it', async (t) => {
  const request = await presignAsSdk(s3Get, 3600);
  await t.resolves(verifyAgentSignature(request, lookupAgent, seconds(3600)));
  const error = await rejection(request, seconds(3601));
  t.type(error, RequestExpiredError);
  t.equal((error as RequestExpiredError).reason, 'presign-expired');
  t.equal((error as RequestExpiredError).awsCode, 'AccessDenied');
  t.equal((error as RequestExpiredError).message, 'Request has expired');
});

t.test('accepts seven days and refuses more', async (t) => {
  const week = 7 * 24 * 3600;
  const request = await presignAsSdk(s3Get, week);
  await t.resolves(verifyAgentSignature(request, lookupAgent, seconds(week - 1)));
  t.type(await rejection(request, seconds(week + 1)), RequestExpiredError);

  const tooLong = { ...request, path: request.path.replace(`X-Amz-Expires=${week}`, `X-Amz-Expires=${week + 1}`) };
  const error = await rejection(tooLong, NOW);
  t.type(error, MalformedAuthorizationError);
  t.equal((error as MalformedAuthorizationError).awsCode, 'AuthorizationQueryParametersError');
});

t.test('refuses a presigned URL dated more than 15 minutes in the future', async (t) => {
  const request = await presignAsSdk(s3Get, 3600);
  const error = await rejection(request, seconds(-16 * 60));
  t.type(error, RequestExpiredError);
  t.equal((error as RequestExpiredError).reason, 'presign-not-yet-valid');
});

t.test('refuses tampered presigned URLs', async (t) => {
  const request = await presignAsSdk(s3Get, 900);
  const sts = await presignAsSdk(stsGetCallerIdentity, 900);
  const cases: Array<{ note: string; request: WireRequest; want: new (...args: never[]) => Error }> = [
    { note: 'method changed', request: { ...request, method: 'DELETE' }, want: SignatureMismatchError },
    {
      note: 'key changed',
      request: { ...request, path: request.path.replace('Q4', 'Q3') },
      want: SignatureMismatchError,
    },
    {
      note: 'response header override changed',
      request: { ...request, path: request.path.replace('q4.csv', 'evil.html') },
      want: SignatureMismatchError,
    },
    {
      note: 'expiry extended',
      request: { ...request, path: request.path.replace('X-Amz-Expires=900', 'X-Amz-Expires=3600') },
      want: SignatureMismatchError,
    },
    {
      note: 'access key swapped',
      request: { ...request, path: request.path.replace(AGENT.accessKeyId, 'AKIDSOMEONEELSE') },
      want: UnknownAccessKeyError,
    },
    {
      note: 'signed header (x-k8s-aws-id) changed',
      request: { ...sts, headers: { ...sts.headers, 'x-k8s-aws-id': 'other-cluster' } },
      want: SignatureMismatchError,
    },
    {
      note: 'an authentication parameter repeated',
      request: { ...request, path: `${request.path}&X-Amz-Date=20261121T030000Z` },
      want: MalformedAuthorizationError,
    },
    {
      note: 'both an Authorization header and a presigned query',
      request: { ...request, headers: { ...request.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } },
      want: MalformedAuthorizationError,
    },
  ];
  for (const { note, request: tampered, want } of cases) t.type(await rejection(tampered, NOW), want, note);
});

t.test('refuses a streaming-signed payload without a seed signature', async (t) => {
  const request = await presignAsSdk({ ...s3Get, method: 'PUT', query: {} }, 900);
  const error = await rejection(
    { ...request, headers: { ...request.headers, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } },
    NOW,
  );
  t.type(error, MalformedAuthorizationError);
});

t.test('a header-signed request is not mistaken for a presigned one', async (t) => {
  const request = await signAsSdk(s3Get);
  const verified = await verifyAgentSignature(request, lookupAgent, NOW);
  t.equal(verified.authentication.kind, 'header');
  t.equal(verified.authentication.expiresAt, undefined);
});

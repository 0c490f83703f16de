import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import t from 'tap';
import {
  type BodySource,
  bodySha256Of,
  type FingerprintInput,
  fingerprintRequest,
} from '../../proxy/approvals/index.js';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import {
  type AuthenticatedRequest,
  isPresignParameter,
  verifyAgentSignature,
  type WireRequest,
} from '../../proxy/identify/index.js';
import {
  AGENT,
  buildSignedChunkedUpload,
  lookupAgent,
  presignAsSdk,
  type SdkCall,
  SIGNED_AT,
  signAsSdk,
} from '../identify/fixtures/sdk-signer.js';

/*
 * The fingerprint must survive everything a retry changes (it re-signs) and change with everything that changes what
 * AWS would do. Retries are made by signing the same call twice with @smithy/signature-v4, as SDK v3 does, and passing
 * both through identify, so the test sees what the hold stage will see.
 */

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const later = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);

async function verified(request: WireRequest, signedAt: Date): Promise<AuthenticatedRequest> {
  return verifyAgentSignature(request, lookupAgent, new Date(signedAt.getTime() + 1000));
}

function fingerprintOf(request: AuthenticatedRequest): string {
  const body = bodySha256Of(request);
  if (!body.known) throw new Error(`body not known: ${body.message}`);
  return fingerprintRequest({ ...request, bodySha256: body.sha256, agentId: request.authentication.agent.agentId });
}

const iamCreateRole: SdkCall = {
  method: 'POST',
  host: 'iam.amazonaws.com',
  path: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'Action=CreateRole&Version=2010-05-08&RoleName=deployer&AssumeRolePolicyDocument=%7B%7D',
  service: 'iam',
  region: 'us-east-1',
};

t.test('a retry that re-signs with an Authorization header keeps the fingerprint', async (t) => {
  const firstAt = SIGNED_AT;
  const retryAt = later(130);
  const first = await verified(
    await signAsSdk({
      ...iamCreateRole,
      signingDate: firstAt,
      headers: {
        ...iamCreateRole.headers,
        'amz-sdk-invocation-id': '8a1e2c52-0000-4000-8000-000000000001',
        'amz-sdk-request': 'attempt=1; max=3',
        'user-agent': 'aws-cli/2.22.0 md/installer#exe',
      },
    }),
    firstAt,
  );
  const retry = await verified(
    await signAsSdk({
      ...iamCreateRole,
      signingDate: retryAt,
      headers: {
        ...iamCreateRole.headers,
        'amz-sdk-invocation-id': '8a1e2c52-0000-4000-8000-000000000002',
        'amz-sdk-request': 'ttl=20261121T030320Z; attempt=2; max=3',
        'user-agent': 'aws-cli/2.22.0 md/installer#exe m/E',
        'x-amzn-trace-id': 'Root=1-abc',
      },
    }),
    retryAt,
  );
  t.not(first.headers.authorization, retry.headers.authorization, 'the retry carries a new signature');
  t.not(first.headers['x-amz-date'], retry.headers['x-amz-date']);
  t.equal(first.authentication.payload, 'computed-sha256');
  t.equal(fingerprintOf(first), fingerprintOf(retry));
  t.match(fingerprintOf(first), /^[0-9a-f]{64}$/);
});

t.test('a retry of a presigned URL, signed a day later for longer, keeps the fingerprint', async (t) => {
  const call: SdkCall = {
    method: 'DELETE',
    host: 'prod-state.s3.eu-west-1.amazonaws.com',
    path: '/terraform/prod.tfstate',
    query: { 'x-id': 'DeleteObject', versionId: 'v1' },
    service: 's3',
    region: 'eu-west-1',
  };
  const firstAt = SIGNED_AT;
  const retryAt = later(86_400);
  const first = await verified(await presignAsSdk({ ...call, signingDate: firstAt }, 900), firstAt);
  const retry = await verified(await presignAsSdk({ ...call, signingDate: retryAt }, 3600), retryAt);
  t.not(first.path, retry.path, 'the presigned queries differ in date, credential scope, expiry and signature');
  t.match(first.path, /X-Amz-Credential=[^&]*20261121/);
  t.match(retry.path, /X-Amz-Credential=[^&]*20261122/);
  t.equal(fingerprintOf(first), fingerprintOf(retry));

  const otherVersion = await verified(
    await presignAsSdk({ ...call, query: { ...call.query, versionId: 'v2' }, signingDate: retryAt }, 900),
    retryAt,
  );
  t.not(fingerprintOf(otherVersion), fingerprintOf(first), 'another query value is another call');
});

t.test('the same call signed in a header and presigned is one call', async (t) => {
  const call: SdkCall = {
    method: 'GET',
    host: 'sts.amazonaws.com',
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    service: 'sts',
    region: 'us-east-1',
  };
  const headerSigned = await verified(await signAsSdk(call), SIGNED_AT);
  const presigned = await verified(await presignAsSdk(call, 900), SIGNED_AT);
  t.equal(fingerprintOf(headerSigned), fingerprintOf(presigned));
});

const base: FingerprintInput = {
  method: 'POST',
  host: 'kms.eu-west-1.amazonaws.com',
  path: '/?a=1&b=2',
  headers: {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'TrentService.DisableKey',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-1/kms/aws4_request, Signature=00',
    'x-amz-date': '20261121T030000Z',
  },
  bodySha256: sha256('{"KeyId":"1234abcd"}'),
  agentId: 'deploy-bot',
};
const baseFingerprint = fingerprintRequest(base);

t.test('the encoding is pinned: stored fingerprints must still match after an upgrade', async (t) => {
  // Computed independently (Python, from the encoding documented on fingerprintRequest), not by this code.
  t.equal(baseFingerprint, '0d085d9f360ee9729634e8f85a3d6ee7b277109ee706c2bbc18beb75a275f5c3');
});

const sameCall: Array<{ note: string; input: FingerprintInput }> = [
  { note: 'the method in lower case', input: { ...base, method: 'post' } },
  { note: 'the host in capitals', input: { ...base, host: 'KMS.eu-west-1.AmazonAWS.com' } },
  { note: 'the host with :443', input: { ...base, host: 'kms.eu-west-1.amazonaws.com:443' } },
  { note: 'the query in another order', input: { ...base, path: '/?b=2&a=1' } },
  { note: 'a query value percent-encoded', input: { ...base, path: '/?a=%31&b=2' } },
  { note: 'a query name percent-encoded', input: { ...base, path: '/?%61=1&b=2' } },
  { note: 'a stray & in the query', input: { ...base, path: '/?a=1&&b=2' } },
  { note: 'the body hash in capitals', input: { ...base, bodySha256: base.bodySha256.toUpperCase() } },
  {
    note: 'presign parameters added, in any case',
    input: {
      ...base,
      path:
        '/?a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-credential=AKID%2F20261122%2Feu-west-1%2Fkms%2Faws4_request' +
        '&X-AMZ-DATE=20261122T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&b=2' +
        '&X-Amz-Signature=ff&X-Amz-Security-Token=session',
    },
  },
  {
    note: 'new authentication and SDK retry headers',
    input: {
      ...base,
      headers: {
        ...base.headers,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261122/eu-west-1/kms/aws4_request, Signature=ff',
        'x-amz-date': '20261122T000000Z',
        date: 'Sun, 22 Nov 2026 00:00:00 GMT',
        'x-amz-security-token': 'session',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'amz-sdk-invocation-id': 'another',
        'amz-sdk-request': 'attempt=3; max=3',
        'x-amzn-trace-id': 'Root=1-2',
        'user-agent': 'Boto3/1.35',
        'x-amz-user-agent': 'aws-sdk-js/3',
      },
    },
  },
  {
    note: 'framing, host and hop-by-hop headers',
    input: {
      ...base,
      headers: {
        ...base.headers,
        host: 'kms.eu-west-1.amazonaws.com',
        'content-length': '20',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        trailer: 'x',
        upgrade: 'h2c',
        expect: '100-continue',
        'proxy-authorization': 'Basic eA==',
      },
    },
  },
  { note: 'an undefined header', input: { ...base, headers: { ...base.headers, 'x-amz-acl': undefined } } },
  {
    note: 'a header value with surrounding spaces',
    input: { ...base, headers: { ...base.headers, 'x-amz-target': '  TrentService.DisableKey ' } },
  },
];

for (const { note, input } of sameCall) {
  t.test(`the fingerprint ignores ${note}`, async (t) => {
    t.equal(fingerprintRequest(input), baseFingerprint);
  });
}

const otherCalls: Array<{ note: string; input: FingerprintInput }> = [
  { note: 'the method', input: { ...base, method: 'PUT' } },
  { note: 'the host', input: { ...base, host: 'kms.us-east-1.amazonaws.com' } },
  { note: 'the port', input: { ...base, host: 'kms.eu-west-1.amazonaws.com:8443' } },
  { note: 'the path', input: { ...base, path: '/x?a=1&b=2' } },
  { note: 'a path spelt with an escape', input: { ...base, path: '/%2F?a=1&b=2' } },
  { note: 'a doubled slash in the path', input: { ...base, path: '//?a=1&b=2' } },
  { note: 'a query value', input: { ...base, path: '/?a=1&b=3' } },
  { note: 'a query name', input: { ...base, path: '/?a=1&c=2' } },
  { note: 'an added query parameter', input: { ...base, path: '/?a=1&b=2&c=' } },
  { note: 'a repeated query parameter', input: { ...base, path: '/?a=1&a=1&b=2' } },
  { note: 'a + that is not a space', input: { ...base, path: '/?a=1+&b=2' } },
  { note: 'the body', input: { ...base, bodySha256: sha256('{"KeyId":"5678"}') } },
  { note: 'the agent', input: { ...base, agentId: 'other-bot' } },
  {
    note: 'the action in x-amz-target (DisableKey → ScheduleKeyDeletion, same body)',
    input: { ...base, headers: { ...base.headers, 'x-amz-target': 'TrentService.ScheduleKeyDeletion' } },
  },
  {
    note: 'an added S3 header (x-amz-bypass-governance-retention)',
    input: { ...base, headers: { ...base.headers, 'x-amz-bypass-governance-retention': 'true' } },
  },
  {
    note: 'the content type',
    input: { ...base, headers: { ...base.headers, 'content-type': 'application/x-amz-json-1.0' } },
  },
];

for (const { note, input } of otherCalls) {
  t.test(`the fingerprint changes with ${note}`, async (t) => {
    t.not(fingerprintRequest(input), baseFingerprint);
  });
}

t.test('field boundaries cannot be moved: every name and value is length-prefixed', async (t) => {
  const pairs: Array<[string, FingerprintInput, FingerprintInput]> = [
    ['query name/value', { ...base, path: '/?a%3Db=' }, { ...base, path: '/?a=b%3D' }],
    ['query pairs', { ...base, path: '/?a=1%26b%3D2' }, { ...base, path: '/?a=1&b=2' }],
    ['path/query', { ...base, path: '/a%3Fb=1' }, { ...base, path: '/a?b=1' }],
    ['header name/value', { ...base, headers: { 'x-a': 'b:c' } }, { ...base, headers: { 'x-a:b': 'c' } }],
    ['query/headers', { ...base, path: '/?x-a=b', headers: {} }, { ...base, path: '/', headers: { 'x-a': 'b' } }],
    ['method/host', { ...base, method: 'GE', host: 'Tx.com' }, { ...base, method: 'GET', host: 'x.com' }],
  ];
  for (const [note, one, other] of pairs) t.not(fingerprintRequest(one), fingerprintRequest(other), note);
});

t.test('the query is order-insensitive and ignores presign parameters (property)', async () => {
  const parameter = fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), value: fc.string({ maxLength: 8 }) });
  const presign = fc.record({
    name: fc.constantFrom('X-Amz-Date', 'x-amz-signature', 'X-Amz-Credential', 'X-AMZ-EXPIRES', 'X-Amz-Security-Token'),
    value: fc.string({ maxLength: 12 }),
  });
  const encode = (pairs: ReadonlyArray<{ name: string; value: string }>) =>
    `/o?${pairs.map(({ name, value }) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
  fc.assert(
    fc.property(
      fc
        .array(parameter, { maxLength: 6 })
        .chain((pairs) =>
          fc.tuple(
            fc.constant(pairs),
            fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }),
            fc.array(presign, { maxLength: 3 }),
          ),
        ),
      ([pairs, shuffled, auth]) => {
        const plain = pairs.filter(({ name }) => !isPresignParameter(name));
        const reordered = shuffled.filter((pair) => plain.includes(pair));
        return (
          fingerprintRequest({ ...base, path: encode(plain) }) ===
          fingerprintRequest({ ...base, path: encode([...auth, ...reordered]) })
        );
      },
    ),
  );
});

t.test('fingerprintRequest refuses what it cannot fingerprint', async (t) => {
  const rows: Array<[string, FingerprintInput]> = [
    ['a query with an invalid escape', { ...base, path: '/?a=%zz' }],
    ['a path not in origin form', { ...base, path: 'https://kms.eu-west-1.amazonaws.com/' }],
    ['a body hash that is not 64 hex digits', { ...base, bodySha256: 'UNSIGNED-PAYLOAD' }],
    ['an empty agent id', { ...base, agentId: '' }],
    ['an empty method', { ...base, method: '' }],
    ['an empty host', { ...base, host: '' }],
  ];
  for (const [note, input] of rows) t.throws(() => fingerprintRequest(input), InvalidArgumentError, note);
});

t.test('bodySha256Of uses the signed payload hash, or hashes a body in memory', async (t) => {
  const iam = await verified(await signAsSdk(iamCreateRole), SIGNED_AT);
  t.same(bodySha256Of(iam), { known: true, sha256: sha256(iamCreateRole.body as string) }, 'computed-sha256');

  const putObject: SdkCall = {
    method: 'PUT',
    host: 'bk.s3.eu-west-1.amazonaws.com',
    path: '/k.txt',
    body: 'hello world',
    service: 's3',
    region: 'eu-west-1',
  };
  const signed = await signAsSdk(putObject);
  const streamed = await verified({ ...signed, body: Readable.from([Buffer.from('hello world')]) }, SIGNED_AT);
  t.equal(streamed.authentication.payload, 'sha256');
  t.notOk(streamed.body instanceof Uint8Array, 'the body still streams');
  t.same(bodySha256Of(streamed), { known: true, sha256: sha256('hello world') }, 'a streamed body with a signed hash');
  (streamed.body as Readable).destroy();

  const payload = Buffer.from('chunk-signed payload '.repeat(100));
  const chunked = await buildSignedChunkedUpload({ payload, chunkSize: 1024 });
  const buffered = await verified(chunked.request, SIGNED_AT);
  t.equal(buffered.authentication.payload, 'signed-chunks');
  t.same(bodySha256Of(buffered), { known: true, sha256: sha256(payload) }, 'a chunk-signed body identify de-chunked');
});

t.test('bodySha256Of reads the payload modes without a known hash', async (t) => {
  const bytes = Buffer.from('unsigned bytes');
  const rows: Array<{ note: string; source: BodySource; want: ReturnType<typeof bodySha256Of>['known'] }> = [
    {
      note: 'an unsigned body in memory is hashed',
      source: { body: bytes, authentication: { payload: 'unsigned', payloadHash: undefined } },
      want: true,
    },
    {
      note: 'an upper-case signed hash is lower-cased',
      source: { body: Readable.from([]), authentication: { payload: 'sha256', payloadHash: 'AB'.repeat(32) } },
      want: true,
    },
    {
      note: 'an UNSIGNED-PAYLOAD stream cannot be bound',
      source: { body: Readable.from([]), authentication: { payload: 'unsigned', payloadHash: undefined } },
      want: false,
    },
    {
      note: 'an unsigned-trailer stream cannot be bound',
      source: { body: Readable.from([]), authentication: { payload: 'unsigned-trailer', payloadHash: undefined } },
      want: false,
    },
    {
      note: 'a chunk-signed stream cannot be bound (its signatures change with every attempt)',
      source: { body: Readable.from([]), authentication: { payload: 'signed-chunks', payloadHash: undefined } },
      want: false,
    },
  ];
  for (const { note, source, want } of rows) {
    const result = bodySha256Of(source);
    t.equal(result.known, want, note);
    if (result.known) t.match(result.sha256, /^[0-9a-f]{64}$/, note);
    else {
      t.equal(result.reason, 'unhashed-stream', note);
      t.match(result.message, source.authentication.payload, note);
    }
  }
  t.same(bodySha256Of({ body: bytes, authentication: { payload: 'unsigned', payloadHash: undefined } }), {
    known: true,
    sha256: sha256(bytes),
  });
});

t.test('the agent in the fingerprint is the one identify verified', async (t) => {
  const request = await verified(await signAsSdk(iamCreateRole), SIGNED_AT);
  t.equal(request.authentication.agent.agentId, AGENT.agentId);
  t.not(
    fingerprintOf(request),
    fingerprintRequest({ ...request, bodySha256: sha256(iamCreateRole.body as string), agentId: 'another-agent' }),
  );
});

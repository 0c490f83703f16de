import t from 'tap';
import {
  AgentAuthenticationError,
  MalformedAuthorizationError,
  MissingAuthenticationError,
  PayloadHashMismatchError,
  RequestExpiredError,
  SignatureMismatchError,
  UnknownAccessKeyError,
  UnsupportedAuthenticationError,
} from '../../proxy/core/errors.js';
import { verifyAgentSignature, type WireRequest } from '../../proxy/identify/index.js';
import { AGENT, encodeS3Key, lookupAgent, NOW, type SdkCall, SIGNED_AT, signAsSdk } from './fixtures/sdk-signer.js';

const s3Get: SdkCall = {
  method: 'GET',
  host: 'my-bucket.s3.eu-west-1.amazonaws.com',
  path: `/${encodeS3Key("dir/a b+c~!'().txt")}`,
  query: { 'x-id': 'GetObject', 'response-content-type': 'text/plain; charset=utf-8' },
  headers: { range: 'bytes=0-9' },
  service: 's3',
  region: 'eu-west-1',
};

const validCalls: Array<{ note: string; call: SdkCall }> = [
  { note: 'S3 GetObject, virtual-hosted, key with spaces and reserved characters', call: s3Get },
  {
    note: 'S3 key with //, ./ and .. kept byte for byte (single encoding, no normalisation)',
    call: { ...s3Get, path: `/${encodeS3Key('a//b/./c/../d')}`, query: {} },
  },
  {
    note: 'S3 ListObjectsV2 with prefix env:/ and repeated keys',
    call: {
      method: 'GET',
      host: 's3.eu-west-1.amazonaws.com',
      path: '/tfstate',
      query: { 'list-type': '2', prefix: 'env:/a b+c', 'encoding-type': 'url', tag: ['b', 'a'] },
      service: 's3',
      region: 'eu-west-1',
    },
  },
  {
    note: 'S3 GetBucketAcl with a value-less parameter (?acl)',
    call: {
      method: 'GET',
      host: 's3.amazonaws.com',
      path: '/bk',
      query: { acl: '' },
      service: 's3',
      region: 'us-east-1',
    },
  },
  {
    note: 'S3 PutObject with a body and its SHA-256',
    call: {
      method: 'PUT',
      host: 'bk.s3.eu-west-1.amazonaws.com',
      path: '/k.txt',
      headers: { 'content-type': 'text/plain', 'x-amz-meta-owner': 'alice' },
      body: 'hello world',
      service: 's3',
      region: 'eu-west-1',
    },
  },
  {
    note: 'S3 PutObject with UNSIGNED-PAYLOAD',
    call: {
      method: 'PUT',
      host: 'bk.s3.eu-west-1.amazonaws.com',
      path: '/k.txt',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: 'anything at all',
      service: 's3',
      region: 'eu-west-1',
    },
  },
  {
    note: 'IAM CreateRole, query protocol, form body with +=,.@',
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
    note: 'STS GetCallerIdentity with an empty body',
    call: { method: 'POST', host: 'sts.amazonaws.com', path: '/', body: '', service: 'sts', region: 'us-east-1' },
  },
  {
    note: 'DynamoDB GetItem, json protocol with X-Amz-Target',
    call: {
      method: 'POST',
      host: 'dynamodb.eu-west-1.amazonaws.com',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      body: '{"TableName":"locks","Key":{"LockID":{"S":"a"}}}',
      service: 'dynamodb',
      region: 'eu-west-1',
    },
  },
  {
    note: 'Lambda GetFunction, rest-json, ARN in the path (double encoding)',
    call: {
      method: 'GET',
      host: 'lambda.eu-west-1.amazonaws.com',
      path: `/2015-03-31/functions/${escapeSegment('arn:aws:lambda:eu-west-1:123456789012:function:my-fn')}`,
      query: { Qualifier: '$LATEST' },
      service: 'lambda',
      region: 'eu-west-1',
    },
  },
  {
    note: 'EKS DescribeCluster, name with a space, trailing slash',
    call: {
      method: 'GET',
      host: 'eks.eu-west-1.amazonaws.com',
      path: `/clusters/${escapeSegment('prod one')}/`,
      service: 'eks',
      region: 'eu-west-1',
    },
  },
  {
    note: 'EC2 DescribeVpcs via GET query with special characters',
    call: {
      method: 'GET',
      host: 'ec2.eu-west-1.amazonaws.com',
      path: '/',
      query: {
        Action: 'DescribeVpcs',
        Version: '2016-11-15',
        'Filter.1.Name': 'tag:Name',
        'Filter.1.Value.1': "a*b (c)!'~",
      },
      service: 'ec2',
      region: 'eu-west-1',
    },
  },
];

function escapeSegment(segment: string): string {
  return encodeURIComponent(segment);
}

t.test('verifies requests signed as the AWS SDK signs them', async (t) => {
  for (const { note, call } of validCalls) {
    const request = await signAsSdk(call);
    const verified = await verifyAgentSignature(request, lookupAgent, NOW);
    t.equal(verified.authentication.agent.agentId, AGENT.agentId, note);
    t.equal(verified.authentication.scope.service, call.service, `${note}: scope service`);
    t.equal(verified.authentication.kind, 'header', `${note}: kind`);
  }
});

t.test('verifies a request whose query parameters arrive in another order', async (t) => {
  const request = await signAsSdk(s3Get);
  const [path, query] = request.path.split('?') as [string, string];
  const reordered = { ...request, path: `${path}?${query.split('&').reverse().join('&')}` };
  await t.resolves(verifyAgentSignature(reordered, lookupAgent, NOW));
});

t.test("verifies AWS's published GetObject example", async (t) => {
  const request: WireRequest = {
    method: 'GET',
    host: 'examplebucket.s3.amazonaws.com:443',
    path: '/test.txt',
    headers: {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
    body: Buffer.alloc(0),
  };
  const lookup = () => ({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', agentId: 'aws-example' });
  const verified = await verifyAgentSignature(request, lookup, new Date('2013-05-24T00:05:00Z'));
  t.equal(verified.authentication.agent.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
});

t.test("verifies AWS's published PutObject example (Date header, $ in the key)", async (t) => {
  const body = Buffer.from('Welcome to Amazon S3.');
  const request: WireRequest = {
    method: 'PUT',
    host: 'examplebucket.s3.amazonaws.com:443',
    path: '/test%24file.text',
    headers: {
      host: 'examplebucket.s3.amazonaws.com',
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    },
    body,
  };
  const lookup = () => ({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', agentId: 'aws-example' });
  const verified = await verifyAgentSignature(request, lookup, new Date('2013-05-24T00:05:00Z'));
  t.equal(verified.authentication.payload, 'sha256');
});

/** Each tampering, applied to a validly signed request, must be refused with the given error. */
const tamperings: Array<{
  note: string;
  call?: SdkCall;
  tamper: (request: WireRequest) => WireRequest;
  want: new (...args: never[]) => AgentAuthenticationError;
  awsCode: string;
}> = [
  {
    note: 'method changed',
    tamper: (r) => ({ ...r, method: 'DELETE' }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'path changed',
    tamper: (r) => ({ ...r, path: r.path.replace('dir/', 'dis/') }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'query value changed',
    tamper: (r) => ({ ...r, path: r.path.replace('GetObject', 'PutObject') }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'query parameter added',
    tamper: (r) => ({ ...r, path: `${r.path}&versionId=1` }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'signed header changed',
    tamper: (r) => ({ ...r, headers: { ...r.headers, range: 'bytes=0-99' } }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'signed header removed',
    tamper: (r) => ({ ...r, headers: withoutHeader(r.headers, 'range') }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'x-amz-date changed by one second',
    tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-amz-date': '20261121T030001Z' } }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'x-amz-date on another day than the credential scope',
    tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-amz-date': '20261122T030000Z' } }),
    want: MalformedAuthorizationError,
    awsCode: 'AuthorizationHeaderMalformed',
  },
  {
    note: 'signature altered',
    tamper: (r) => ({ ...r, headers: { ...r.headers, authorization: flipLastHexDigit(r.headers.authorization!) } }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'credential scope region changed',
    tamper: (r) => ({
      ...r,
      headers: { ...r.headers, authorization: r.headers.authorization!.replace('/eu-west-1/', '/us-east-1/') },
    }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'unknown access key',
    tamper: (r) => ({
      ...r,
      headers: { ...r.headers, authorization: r.headers.authorization!.replace(AGENT.accessKeyId, 'AKIDSOMEONEELSE') },
    }),
    want: UnknownAccessKeyError,
    awsCode: 'InvalidAccessKeyId',
  },
  {
    note: 'sent to another host than the one signed',
    tamper: (r) => ({ ...r, host: 'other-bucket.s3.eu-west-1.amazonaws.com:443' }),
    want: MalformedAuthorizationError,
    awsCode: 'AuthorizationHeaderMalformed',
  },
  {
    note: 'an unsigned x-amz-* header added to an S3 call',
    tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-amz-acl': 'public-read' } }),
    want: MalformedAuthorizationError,
    awsCode: 'AccessDenied',
  },
  {
    note: 'body changed under a signed SHA-256',
    call: { ...s3Get, method: 'PUT', query: {}, headers: {}, body: 'original' },
    tamper: (r) => ({ ...r, body: Buffer.from('tampered') }),
    want: PayloadHashMismatchError,
    awsCode: 'XAmzContentSHA256Mismatch',
  },
  {
    note: 'body changed, non-S3 call without x-amz-content-sha256',
    call: validCalls[6]!.call,
    tamper: (r) => ({ ...r, body: Buffer.from('Action=DeleteRole&Version=2010-05-08&RoleName=app') }),
    want: SignatureMismatchError,
    awsCode: 'SignatureDoesNotMatch',
  },
  {
    note: 'no authentication at all',
    tamper: (r) => ({ ...r, headers: withoutHeader(r.headers, 'authorization') }),
    want: MissingAuthenticationError,
    awsCode: 'MissingAuthenticationToken',
  },
  {
    note: 'SigV2 Authorization header',
    tamper: (r) => ({ ...r, headers: { ...r.headers, authorization: 'AWS AKIDAIRLOCKAGENT0001:c2lnbmF0dXJl' } }),
    want: UnsupportedAuthenticationError,
    awsCode: 'IncompleteSignature',
  },
  {
    note: 'SigV4a Authorization header',
    tamper: (r) => ({
      ...r,
      headers: {
        ...r.headers,
        authorization: r.headers.authorization!.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'),
      },
    }),
    want: UnsupportedAuthenticationError,
    awsCode: 'IncompleteSignature',
  },
  {
    note: 'SignedHeaders without host',
    tamper: (r) => ({
      ...r,
      headers: {
        ...r.headers,
        authorization: r.headers.authorization!.replace('SignedHeaders=host;', 'SignedHeaders='),
      },
    }),
    want: MalformedAuthorizationError,
    awsCode: 'AuthorizationHeaderMalformed',
  },
];

function withoutHeader(headers: WireRequest['headers'], name: string): WireRequest['headers'] {
  const copy = { ...headers };
  delete copy[name];
  return copy;
}

function flipLastHexDigit(authorization: string): string {
  const last = authorization.at(-1)!;
  return authorization.slice(0, -1) + (last === '0' ? '1' : '0');
}

t.test('refuses tampered requests with the error AWS would give', async (t) => {
  for (const { note, call, tamper, want, awsCode } of tamperings) {
    const request = tamper(await signAsSdk(call ?? s3Get));
    const error = await verifyAgentSignature(request, lookupAgent, NOW).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.type(error, want, note);
    // awsCode uses S3's vocabulary once the credential scope says s3; before that (no or unreadable
    // authentication) the renderer picks the dialect with awsErrorFor().
    if (error instanceof AgentAuthenticationError) t.equal(error.awsCode, awsCode, `${note}: AWS code`);
  }
});

t.test('names the AWS error for each protocol family', async (t) => {
  const request = await signAsSdk(validCalls[8]!.call);
  const error = await verifyAgentSignature(request, () => undefined, NOW).catch((caught: unknown) => caught);
  t.type(error, UnknownAccessKeyError);
  const unknown = error as UnknownAccessKeyError;
  t.equal(unknown.awsCode, 'InvalidClientTokenId');
  t.equal(unknown.awsErrorFor('json').code, 'UnrecognizedClientException');
  t.equal(unknown.awsErrorFor('ec2').code, 'AuthFailure');
  t.equal(unknown.code, 'AIRLOCK_ERR_UNKNOWN_ACCESS_KEY');
});

t.test('exposes the canonical request on a mismatch, as S3 does', async (t) => {
  const request = await signAsSdk(s3Get);
  const error = await verifyAgentSignature({ ...request, method: 'HEAD' }, lookupAgent, NOW).catch((e: unknown) => e);
  t.type(error, SignatureMismatchError);
  t.match((error as SignatureMismatchError).canonicalRequest, /^HEAD\n\/dir\/a%20b%2Bc~%21%27%28%29\.txt\n/);
  t.equal((error as SignatureMismatchError).code, 'AIRLOCK_ERR_SIGNATURE');
  t.notMatch(String((error as Error).message), AGENT.secretAccessKey);
});

t.test('allows 15 minutes of clock skew either way, and no more', async (t) => {
  const minutes = (n: number) => new Date(SIGNED_AT.getTime() + n * 60_000);
  for (const service of ['s3', 'sts'] as const) {
    const call: SdkCall =
      service === 's3'
        ? s3Get
        : { method: 'POST', host: 'sts.amazonaws.com', path: '/', body: '', service, region: 'us-east-1' };
    const request = await signAsSdk(call);
    await t.resolves(verifyAgentSignature(request, lookupAgent, minutes(15)), `${service}: 15 minutes late`);
    await t.resolves(verifyAgentSignature(request, lookupAgent, minutes(-15)), `${service}: 15 minutes early`);
    for (const offset of [16, -16]) {
      const error = await verifyAgentSignature(request, lookupAgent, minutes(offset)).catch((e: unknown) => e);
      t.type(error, RequestExpiredError, `${service}: ${offset} minutes`);
      const expired = error as RequestExpiredError;
      t.equal(expired.reason, 'clock-skew');
      t.equal(expired.awsCode, service === 's3' ? 'RequestTimeTooSkewed' : 'SignatureDoesNotMatch');
      if (service === 'sts') {
        t.match(
          expired.message,
          offset > 0 ? /^Signature expired: 20261121T030000Z is now earlier than/ : /^Signature not yet current/,
        );
      }
    }
  }
});

t.test('accepts the CONNECT authority with or without its default port', async (t) => {
  const request = await signAsSdk(s3Get);
  await t.resolves(
    verifyAgentSignature({ ...request, host: 'my-bucket.s3.eu-west-1.amazonaws.com' }, lookupAgent, NOW),
  );
  const other = await verifyAgentSignature(
    { ...request, host: 'my-bucket.s3.eu-west-1.amazonaws.com:8443' },
    lookupAgent,
    NOW,
  ).catch((e: unknown) => e);
  t.type(other, MalformedAuthorizationError);
});

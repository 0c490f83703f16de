import { Readable } from 'node:stream';
import t from 'tap';
import {
  createAwsDecoder,
  type DecodedCall,
  DecodeError,
  REDACTED,
  type WireRequest,
} from '../../proxy/decode/index.js';
import { type RequestSpec, wire } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 64 * 1024 });

function decoded(request: WireRequest): DecodedCall {
  const call = decode(request);
  if (call instanceof DecodeError) throw new Error(`${call.reason}: ${call.message}`);
  return call;
}

const s3 = (spec: Omit<RequestSpec, 'sign'> & { method: string }): WireRequest =>
  wire({ sign: 's3', region: 'eu-west-1', ...spec });
const PATH_HOST = 's3.eu-west-1.amazonaws.com';
const VIRTUAL_HOST = 'tf-state.s3.eu-west-1.amazonaws.com';

/** Each S3 case runs twice: path style, and virtual-hosted with the bucket moved to the host. */
const s3Cases: {
  note: string;
  method: string;
  /** Path after the bucket (`''` for the bucket itself), raw. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  want: { action: string; iam_action: string; resource: string; read_only?: boolean; params?: Record<string, unknown> };
}[] = [
  {
    note: 'ListObjectsV2 (list-type=2) is s3:ListBucket',
    method: 'GET',
    path: '?list-type=2&prefix=env%3A%2F&max-keys=100&fetch-owner=true',
    want: {
      action: 'ListObjectsV2',
      iam_action: 's3:ListBucket',
      resource: 'arn:aws:s3:::tf-state',
      read_only: true,
      params: { Bucket: 'tf-state', Prefix: 'env:/', MaxKeys: 100, FetchOwner: true },
    },
  },
  {
    note: 'ListObjects (v1)',
    method: 'GET',
    path: '?prefix=a',
    want: { action: 'ListObjects', iam_action: 's3:ListBucket', resource: 'arn:aws:s3:::tf-state' },
  },
  {
    note: 'bucket with a trailing slash',
    method: 'GET',
    path: '/',
    want: { action: 'ListObjects', iam_action: 's3:ListBucket', resource: 'arn:aws:s3:::tf-state' },
  },
  {
    note: 'HeadBucket',
    method: 'HEAD',
    path: '',
    want: { action: 'HeadBucket', iam_action: 's3:ListBucket', resource: 'arn:aws:s3:::tf-state', read_only: true },
  },
  {
    note: 'CreateBucket with its XML configuration',
    method: 'PUT',
    path: '',
    headers: { 'x-amz-acl': 'private' },
    body: '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
    want: {
      action: 'CreateBucket',
      iam_action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::tf-state',
      read_only: false,
      params: { Bucket: 'tf-state', ACL: 'private', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } },
    },
  },
  {
    note: 'PutObject with a key that needs escaping, x-id ignored, metadata headers',
    method: 'PUT',
    path: '/envs/dev/terraform%20state%2B1.tfstate?x-id=PutObject',
    headers: { 'x-amz-meta-owner': 'alice', 'x-amz-server-side-encryption': 'aws:kms', 'content-length': '1048576' },
    want: {
      action: 'PutObject',
      iam_action: 's3:PutObject',
      resource: 'arn:aws:s3:::tf-state/envs/dev/terraform state+1.tfstate',
      params: {
        Bucket: 'tf-state',
        Key: 'envs/dev/terraform state+1.tfstate',
        Metadata: { owner: 'alice' },
        ServerSideEncryption: 'aws:kms',
        ContentLength: 1048576,
      },
    },
  },
  {
    note: 'GetObject keeps // and .. in keys',
    method: 'GET',
    path: '/a//b/../c',
    want: {
      action: 'GetObject',
      iam_action: 's3:GetObject',
      resource: 'arn:aws:s3:::tf-state/a//b/../c',
      read_only: true,
    },
  },
  {
    note: 'GetObject of a version is s3:GetObjectVersion',
    method: 'GET',
    path: '/k?versionId=3HL4kqtJ',
    want: {
      action: 'GetObject',
      iam_action: 's3:GetObjectVersion',
      resource: 'arn:aws:s3:::tf-state/k',
      params: { VersionId: '3HL4kqtJ' },
    },
  },
  {
    note: 'HeadObject is s3:GetObject',
    method: 'HEAD',
    path: '/k',
    want: { action: 'HeadObject', iam_action: 's3:GetObject', resource: 'arn:aws:s3:::tf-state/k' },
  },
  {
    note: 'DeleteObject',
    method: 'DELETE',
    path: '/state.tflock',
    want: {
      action: 'DeleteObject',
      iam_action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::tf-state/state.tflock',
      read_only: false,
    },
  },
  {
    note: 'CreateMultipartUpload (?uploads)',
    method: 'POST',
    path: '/big.bin?uploads',
    want: { action: 'CreateMultipartUpload', iam_action: 's3:PutObject', resource: 'arn:aws:s3:::tf-state/big.bin' },
  },
  {
    note: 'UploadPart (partNumber and uploadId)',
    method: 'PUT',
    path: '/big.bin?partNumber=2&uploadId=abc',
    want: {
      action: 'UploadPart',
      iam_action: 's3:PutObject',
      resource: 'arn:aws:s3:::tf-state/big.bin',
      params: { Bucket: 'tf-state', Key: 'big.bin', PartNumber: 2, UploadId: 'abc' },
    },
  },
  {
    note: 'CopyObject (x-amz-copy-source)',
    method: 'PUT',
    path: '/copy.txt',
    headers: { 'x-amz-copy-source': '/other/src.txt' },
    want: {
      action: 'CopyObject',
      iam_action: 's3:PutObject',
      resource: 'arn:aws:s3:::tf-state/copy.txt',
      params: { CopySource: '/other/src.txt' },
    },
  },
  {
    note: 'UploadPartCopy (both)',
    method: 'PUT',
    path: '/big.bin?partNumber=1&uploadId=abc',
    headers: { 'x-amz-copy-source': '/other/src.bin' },
    want: { action: 'UploadPartCopy', iam_action: 's3:PutObject', resource: 'arn:aws:s3:::tf-state/big.bin' },
  },
  {
    note: 'CompleteMultipartUpload with its part list',
    method: 'POST',
    path: '/big.bin?uploadId=abc',
    body: '<CompleteMultipartUpload><Part><ETag>"e1"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
    want: {
      action: 'CompleteMultipartUpload',
      iam_action: 's3:PutObject',
      resource: 'arn:aws:s3:::tf-state/big.bin',
      params: { MultipartUpload: { Part: [{ ETag: '"e1"', PartNumber: '1' }] } },
    },
  },
  {
    note: 'ListParts vs GetObject: the required uploadId decides',
    method: 'GET',
    path: '/big.bin?uploadId=abc',
    want: {
      action: 'ListParts',
      iam_action: 's3:ListMultipartUploadParts',
      resource: 'arn:aws:s3:::tf-state/big.bin',
      read_only: true,
    },
  },
  {
    note: 'ListMultipartUploads',
    method: 'GET',
    path: '?uploads',
    want: {
      action: 'ListMultipartUploads',
      iam_action: 's3:ListBucketMultipartUploads',
      resource: 'arn:aws:s3:::tf-state',
    },
  },
  {
    note: 'PutBucketTagging (bucket ?tagging) with a one-tag TagSet as a list',
    method: 'PUT',
    path: '?tagging',
    body: '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag></TagSet></Tagging>',
    want: {
      action: 'PutBucketTagging',
      iam_action: 's3:PutBucketTagging',
      resource: 'arn:aws:s3:::tf-state',
      params: { Bucket: 'tf-state', Tagging: { TagSet: [{ Key: 'env', Value: 'prod' }] } },
    },
  },
  {
    note: 'PutObjectTagging (object ?tagging)',
    method: 'PUT',
    path: '/k?tagging',
    body: '<Tagging><TagSet/></Tagging>',
    want: {
      action: 'PutObjectTagging',
      iam_action: 's3:PutObjectTagging',
      resource: 'arn:aws:s3:::tf-state/k',
      params: { Tagging: { TagSet: [] } },
    },
  },
  {
    note: 'DeleteBucketTagging',
    method: 'DELETE',
    path: '?tagging',
    want: { action: 'DeleteBucketTagging', iam_action: 's3:PutBucketTagging', resource: 'arn:aws:s3:::tf-state' },
  },
  {
    note: 'PutBucketPolicy keeps the policy text',
    method: 'PUT',
    path: '?policy',
    body: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}',
    want: {
      action: 'PutBucketPolicy',
      iam_action: 's3:PutBucketPolicy',
      resource: 'arn:aws:s3:::tf-state',
      params: {
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}',
      },
    },
  },
  {
    note: 'PutBucketAcl with a grantee type attribute',
    method: 'PUT',
    path: '?acl',
    body: '<AccessControlPolicy xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><AccessControlList><Grant><Grantee xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>',
    want: {
      action: 'PutBucketAcl',
      iam_action: 's3:PutBucketAcl',
      resource: 'arn:aws:s3:::tf-state',
      params: {
        AccessControlPolicy: {
          AccessControlList: [
            { Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers', Type: 'Group' }, Permission: 'READ' },
          ],
        },
      },
    },
  },
  {
    note: 'DeleteObjects with one Object as a list',
    method: 'POST',
    path: '?delete',
    body: '<Delete><Object><Key>a &amp; b</Key></Object><Quiet>true</Quiet></Delete>',
    want: {
      action: 'DeleteObjects',
      iam_action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::tf-state',
      params: { Delete: { Object: [{ Key: 'a & b' }], Quiet: 'true' } },
    },
  },
  {
    note: 'PutPublicAccessBlock',
    method: 'PUT',
    path: '?publicAccessBlock',
    body: '<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>',
    want: {
      action: 'PutPublicAccessBlock',
      iam_action: 's3:PutBucketPublicAccessBlock',
      resource: 'arn:aws:s3:::tf-state',
      params: { PublicAccessBlockConfiguration: { BlockPublicAcls: 'false' } },
    },
  },
  {
    note: 'GetBucketAnalyticsConfiguration needs id',
    method: 'GET',
    path: '?analytics&id=a1',
    want: {
      action: 'GetBucketAnalyticsConfiguration',
      iam_action: 's3:GetAnalyticsConfiguration',
      resource: 'arn:aws:s3:::tf-state',
    },
  },
  {
    note: 'ListBucketAnalyticsConfigurations has none',
    method: 'GET',
    path: '?analytics',
    want: {
      action: 'ListBucketAnalyticsConfigurations',
      iam_action: 's3:GetAnalyticsConfiguration',
      resource: 'arn:aws:s3:::tf-state',
    },
  },
  {
    note: 'GetBucketLifecycleConfiguration, not its deprecated alias',
    method: 'GET',
    path: '?lifecycle',
    want: {
      action: 'GetBucketLifecycleConfiguration',
      iam_action: 's3:GetLifecycleConfiguration',
      resource: 'arn:aws:s3:::tf-state',
    },
  },
  {
    note: 'SelectObjectContent reads its XML request body',
    method: 'POST',
    path: '/data.csv?select&select-type=2',
    body: '<SelectObjectContentRequest><Expression>select * from s3object</Expression><ExpressionType>SQL</ExpressionType></SelectObjectContentRequest>',
    want: {
      action: 'SelectObjectContent',
      iam_action: 's3:GetObject',
      resource: 'arn:aws:s3:::tf-state/data.csv',
      params: { Expression: 'select * from s3object', ExpressionType: 'SQL' },
    },
  },
];

t.test('decodes S3 requests alike in path style and virtual-hosted style', async (t) => {
  for (const c of s3Cases) {
    const bucketPath = `/tf-state${c.path}`;
    const virtualPath = c.path === '' ? '/' : c.path.startsWith('?') ? `/${c.path}` : c.path;
    for (const [style, host, path] of [
      ['path style', PATH_HOST, bucketPath],
      ['virtual host', VIRTUAL_HOST, virtualPath],
    ] as const) {
      const spec: Parameters<typeof s3>[0] = { method: c.method, host, path };
      if (c.headers !== undefined) spec.headers = c.headers;
      if (c.body !== undefined) spec.body = c.body;
      const call = decode(s3(spec));
      t.match(call, { decoded: true, protocol: 'rest-xml', region: 'eu-west-1', ...c.want }, `${c.note} (${style})`);
    }
  }
});

t.test('lists buckets on the S3 service endpoint', async (t) => {
  const call = decoded(s3({ method: 'GET', host: PATH_HOST, path: '/' }));
  t.equal(call.iam_action, 's3:ListAllMyBuckets');
  t.equal(call.resource, undefined);
  t.equal(call.read_only, true);
});

t.test('reads the bucket from dotted, legacy and dual-stack hosts', async (t) => {
  const hosts = [
    'my.site.example.s3.amazonaws.com',
    'my.site.example.s3-eu-west-1.amazonaws.com',
    'my.site.example.s3.dualstack.eu-west-1.amazonaws.com',
  ];
  for (const host of hosts) {
    const call = decoded(s3({ method: 'GET', host, path: '/index.html' }));
    t.equal(call.resource, 'arn:aws:s3:::my.site.example/index.html', host);
  }
});

t.test('takes the scope of a presigned URL from its query, and hoisted x-amz-* headers as params', async (t) => {
  const call = decoded(
    wire({
      method: 'PUT',
      host: VIRTUAL_HOST,
      path: '/upload.bin?x-amz-acl=public-read&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=abc',
      sign: null,
    }),
  );
  t.equal(call.iam_action, 's3:PutObject');
  t.equal(call.region, 'eu-west-1');
  t.same(call.params, { Bucket: 'tf-state', Key: 'upload.bin', ACL: 'public-read' });
});

t.test('names access points in resources', async (t) => {
  const call = decoded(
    s3({ method: 'GET', host: 'reports-123456789012.s3-accesspoint.eu-west-1.amazonaws.com', path: '/q1.csv' }),
  );
  t.equal(call.resource, 'arn:aws:s3:eu-west-1:123456789012:accesspoint/reports/object/q1.csv');
});

t.test('decodes S3 Express directory bucket calls under s3express', async (t) => {
  const list = decoded(
    wire({
      method: 'GET',
      host: 's3express-control.us-west-2.amazonaws.com',
      path: '/',
      sign: 's3express',
      region: 'us-west-2',
    }),
  );
  t.equal(list.action, 'ListDirectoryBuckets');
  t.equal(list.iam_action, 's3express:ListAllMyDirectoryBuckets');
  const session = decoded(
    wire({
      method: 'GET',
      host: 'logs--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com',
      path: '/?session',
      sign: 's3express',
      region: 'us-west-2',
    }),
  );
  t.equal(session.iam_action, 's3express:CreateSession');
  t.equal(session.resource, 'arn:aws:s3express:us-west-2::bucket/logs--usw2-az1--x-s3');
});

t.test('decodes an S3 upload whose body was not read', async (t) => {
  const call = decoded(
    s3({
      method: 'PUT',
      host: VIRTUAL_HOST,
      path: '/envs/dev/terraform.tfstate',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'transfer-encoding': 'chunked',
      },
    }),
  );
  t.equal(call.iam_action, 's3:PutObject');
});

t.test('decodes an S3 upload larger than the parse limit: blobs are never parsed', async (t) => {
  const call = decoded(s3({ method: 'PUT', host: VIRTUAL_HOST, path: '/big.bin', body: new Uint8Array(200 * 1024) }));
  t.equal(call.iam_action, 's3:PutObject');
});

const s3Refused: { note: string; request: WireRequest; reason: DecodeError['reason'] }[] = [
  {
    note: 'an S3 subresource newer than the route tables',
    request: s3({ method: 'PUT', host: VIRTUAL_HOST, path: '/?abac' }),
    reason: 'unknown-operation',
  },
  {
    note: 'an unknown subresource on an object',
    request: s3({ method: 'GET', host: VIRTUAL_HOST, path: '/k?renameObject' }),
    reason: 'unknown-operation',
  },
  {
    note: 'two subresources at once',
    request: s3({ method: 'GET', host: VIRTUAL_HOST, path: '/k?acl&tagging' }),
    reason: 'ambiguous-request',
  },
  {
    note: 'a repeated scalar query member',
    request: s3({ method: 'GET', host: VIRTUAL_HOST, path: '/?list-type=2&prefix=a&prefix=b' }),
    reason: 'ambiguous-request',
  },
  {
    note: 'a method no route has',
    request: s3({ method: 'PATCH', host: VIRTUAL_HOST, path: '/k' }),
    reason: 'unknown-operation',
  },
  {
    note: 'malformed XML',
    request: s3({ method: 'PUT', host: VIRTUAL_HOST, path: '/?tagging', body: '<Tagging><TagSet></Tagging>' }),
    reason: 'malformed-request',
  },
  {
    note: 'an XML entity declaration',
    request: s3({
      method: 'PUT',
      host: VIRTUAL_HOST,
      path: '/?tagging',
      body: '<!DOCTYPE x [<!ENTITY a "b">]><Tagging>&a;</Tagging>',
    }),
    reason: 'malformed-request',
  },
  {
    note: 'bad percent-encoding in the key',
    request: s3({ method: 'GET', host: VIRTUAL_HOST, path: '/%E0%A4%A' }),
    reason: 'malformed-request',
  },
  {
    note: 'a bucket policy body over the limit',
    request: s3({ method: 'PUT', host: VIRTUAL_HOST, path: '/?policy', body: 'x'.repeat(65 * 1024) }),
    reason: 'body-too-large',
  },
  {
    note: 'a tagging body the caller did not read',
    request: {
      ...s3({ method: 'PUT', host: VIRTUAL_HOST, path: '/?tagging', headers: { 'content-length': '120' } }),
      body: Readable.from([]),
    },
    reason: 'body-not-read',
  },
  {
    note: 'an S3 Control host (not decoded yet)',
    request: s3({
      method: 'GET',
      host: '123456789012.s3-control.eu-west-1.amazonaws.com',
      path: '/v20180820/configuration/publicAccessBlock',
    }),
    reason: 'host-mismatch',
  },
];

t.test('refuses S3 requests it cannot decode safely', async (t) => {
  for (const c of s3Refused) t.match(decode(c.request), { name: 'DecodeError', reason: c.reason }, c.note);
});

const lambda = (spec: Omit<RequestSpec, 'sign' | 'host'> & { method: string }): WireRequest =>
  wire({ sign: 'lambda', host: 'lambda.us-east-1.amazonaws.com', ...spec });

t.test('decodes lambda:Invoke as lambda:InvokeFunction without parsing the payload', async (t) => {
  const call = decoded(
    lambda({
      method: 'POST',
      path: '/2015-03-31/functions/my-fn/invocations?Qualifier=prod',
      headers: { 'x-amz-invocation-type': 'Event' },
      body: 'not json at all',
    }),
  );
  t.equal(call.action, 'Invoke');
  t.equal(call.iam_action, 'lambda:InvokeFunction');
  t.equal(call.resource, 'arn:aws:lambda:us-east-1::function:my-fn:prod');
  t.same(call.params, { FunctionName: 'my-fn', InvocationType: 'Event', Qualifier: 'prod' });
});

t.test('matches Lambda templates with and without a trailing slash', async (t) => {
  t.equal(decoded(lambda({ method: 'GET', path: '/2015-03-31/functions/' })).action, 'ListFunctions');
  t.equal(decoded(lambda({ method: 'GET', path: '/2015-03-31/functions?MaxItems=5' })).action, 'ListFunctions');
  t.equal(
    decoded(lambda({ method: 'GET', path: '/2015-03-31/functions/f/configuration' })).action,
    'GetFunctionConfiguration',
  );
});

t.test('decodes lambda:CreateFunction with its code and environment redacted', async (t) => {
  const call = decoded(
    lambda({
      method: 'POST',
      path: '/2015-03-31/functions',
      body: JSON.stringify({
        FunctionName: 'fn',
        Role: 'arn:aws:iam::123456789012:role/lambda',
        Code: { ZipFile: 'UEsDBA==' },
        Environment: { Variables: { DB_PASSWORD: 'pw' } },
      }),
    }),
  );
  t.same(call.params, {
    FunctionName: 'fn',
    Role: 'arn:aws:iam::123456789012:role/lambda',
    Code: { ZipFile: REDACTED },
    Environment: { Variables: REDACTED },
  });
  t.equal(call.resource, 'arn:aws:lambda:us-east-1::function:fn');
});

t.test('path members win over body members of the same name', async (t) => {
  const call = decoded(
    lambda({
      method: 'PUT',
      path: '/2015-03-31/functions/real/configuration',
      body: '{"FunctionName":"decoy","Timeout":30}',
    }),
  );
  t.equal(call.params.FunctionName, 'real');
  t.equal(call.params.Timeout, 30);
});

t.test('reads list query members (lambda:UntagResource tagKeys)', async (t) => {
  const call = decoded(
    lambda({
      method: 'DELETE',
      path: '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn?tagKeys=a&tagKeys=b',
    }),
  );
  t.equal(call.action, 'UntagResource');
  t.same(call.params, { Resource: 'arn:aws:lambda:us-east-1:123456789012:function:fn', TagKeys: ['a', 'b'] });
  t.equal(call.resource, 'arn:aws:lambda:us-east-1:123456789012:function:fn');
});

t.test('decodes EKS calls with escaped names', async (t) => {
  const call = decoded(
    wire({ method: 'GET', host: 'eks.us-east-1.amazonaws.com', path: '/clusters/my%20cluster', sign: 'eks' }),
  );
  t.equal(call.iam_action, 'eks:DescribeCluster');
  t.equal(call.resource, 'arn:aws:eks:us-east-1::cluster/my cluster');
  t.same(call.params, { name: 'my cluster' });
  const nodegroup = decoded(
    wire({
      method: 'POST',
      host: 'eks.us-east-1.amazonaws.com',
      path: '/clusters/prod/node-groups',
      sign: 'eks',
      body: '{"nodegroupName":"ng","nodeRole":"r","subnets":[]}',
    }),
  );
  t.equal(nodegroup.iam_action, 'eks:CreateNodegroup');
  t.equal(nodegroup.resource, 'arn:aws:eks:us-east-1::cluster/prod');
});

t.test('decodes unsigned SSO portal calls from the host, with the bearer token redacted', async (t) => {
  const call = decoded(
    wire({
      method: 'GET',
      host: 'portal.sso.us-east-1.amazonaws.com',
      path: '/federation/credentials?account_id=123456789012&role_name=Admin',
      headers: { 'x-amz-sso_bearer_token': 'token' },
      sign: null,
    }),
  );
  t.equal(call.iam_action, 'sso:GetRoleCredentials');
  t.equal(call.read_only, false);
  t.same(call.params, { roleName: 'Admin', accountId: '123456789012', accessToken: REDACTED });
});

t.test('decodes operations on static host prefixes (logs:StartLiveTail)', async (t) => {
  const call = decoded(
    wire({
      host: 'streaming-logs.us-east-1.amazonaws.com',
      sign: 'logs',
      headers: { 'x-amz-target': 'Logs_20140328.StartLiveTail' },
      body: '{"logGroupIdentifiers":[]}',
    }),
  );
  t.equal(call.iam_action, 'logs:StartLiveTail');
});

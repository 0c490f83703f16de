import t from 'tap';
import {
  createAwsDecoder,
  type DecodedCall,
  DecodeError,
  REDACTED,
  type WireRequest,
} from '../../proxy/decode/index.js';
import { jsonRequest, wire } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 64 * 1024 });

function decoded(request: WireRequest): DecodedCall {
  const call = decode(request);
  if (call instanceof DecodeError) throw new Error(`${call.reason}: ${call.message}`);
  return call;
}

t.test('decodes dynamodb:PutItem with its table as the resource', async (t) => {
  const call = decoded(
    jsonRequest(
      'dynamodb.us-east-1.amazonaws.com',
      'dynamodb',
      'DynamoDB_20120810.PutItem',
      '{"TableName":"tf-locks","Item":{"LockID":{"S":"a"}}}',
    ),
  );
  t.same(call, {
    cloud: 'aws',
    service: 'dynamodb',
    action: 'PutItem',
    iam_action: 'dynamodb:PutItem',
    region: 'us-east-1',
    account: undefined,
    environment: undefined,
    resource: 'arn:aws:dynamodb:us-east-1::table/tf-locks',
    read_only: false,
    params: { TableName: 'tf-locks', Item: { LockID: { S: 'a' } } },
    decoded: true,
    protocol: 'json',
  });
});

t.test('tells DynamoDB Streams from DynamoDB by host and target prefix', async (t) => {
  const call = decoded(
    jsonRequest(
      'streams.dynamodb.us-east-1.amazonaws.com',
      'dynamodb',
      'DynamoDBStreams_20120810.GetRecords',
      '{"ShardIterator":"x"}',
    ),
  );
  t.equal(call.iam_action, 'dynamodb:GetRecords');
  t.match(
    decode(jsonRequest('dynamodb.us-east-1.amazonaws.com', 'dynamodb', 'DynamoDBStreams_20120810.GetRecords', '{}')),
    {
      reason: 'unknown-operation',
    },
  );
});

t.test('reads targets whose prefix has dots (CloudTrail)', async (t) => {
  const call = decoded(
    jsonRequest(
      'cloudtrail.eu-west-1.amazonaws.com',
      'cloudtrail',
      'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.StopLogging',
      '{"Name":"org-trail"}',
      'eu-west-1',
    ),
  );
  t.equal(call.iam_action, 'cloudtrail:StopLogging');
  t.equal(call.resource, 'arn:aws:cloudtrail:eu-west-1::trail/org-trail');
});

t.test('decodes CloudWatch over JSON 1.0, which aws-sdk v2 does not know', async (t) => {
  const call = decoded(
    jsonRequest(
      'monitoring.us-east-1.amazonaws.com',
      'monitoring',
      'GraniteServiceVersion20100801.GetMetricData',
      '{"MetricDataQueries":[]}',
    ),
  );
  t.equal(call.iam_action, 'cloudwatch:GetMetricData');
  t.equal(call.protocol, 'json');
});

t.test('names KMS keys and aliases', async (t) => {
  const key = decoded(
    jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.ScheduleKeyDeletion', '{"KeyId":"1234abcd-12ab"}'),
  );
  t.equal(key.resource, 'arn:aws:kms:us-east-1::key/1234abcd-12ab');
  const alias = decoded(
    jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.Decrypt', '{"KeyId":"alias/app"}'),
  );
  t.equal(alias.resource, 'arn:aws:kms:us-east-1::alias/app');
  const arn = decoded(
    jsonRequest(
      'kms.us-east-1.amazonaws.com',
      'kms',
      'TrentService.DisableKey',
      '{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}',
    ),
  );
  t.equal(arn.resource, 'arn:aws:kms:us-east-1:111122223333:key/k');
  const encrypt = decoded(
    jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.Encrypt', '{"KeyId":"k","Plaintext":"c2VjcmV0"}'),
  );
  t.equal(encrypt.params.Plaintext, REDACTED);
});

t.test('redacts secret values and does not count secret reads as read-only', async (t) => {
  const create = decoded(
    jsonRequest(
      'secretsmanager.us-east-1.amazonaws.com',
      'secretsmanager',
      'secretsmanager.CreateSecret',
      '{"Name":"db","SecretString":"pw","Tags":[{"Key":"a","Value":"b"}]}',
    ),
  );
  t.same(create.params, { Name: 'db', SecretString: REDACTED, Tags: [{ Key: 'a', Value: 'b' }] });
  t.equal(create.resource, 'arn:aws:secretsmanager:us-east-1::secret:db');
  const read = decoded(
    jsonRequest(
      'secretsmanager.us-east-1.amazonaws.com',
      'secretsmanager',
      'secretsmanager.GetSecretValue',
      '{"SecretId":"db"}',
    ),
  );
  t.equal(read.read_only, false);
  const describe = decoded(
    jsonRequest(
      'secretsmanager.us-east-1.amazonaws.com',
      'secretsmanager',
      'secretsmanager.DescribeSecret',
      '{"SecretId":"db"}',
    ),
  );
  t.equal(describe.read_only, true);
});

t.test('counts SSM parameter reads as read-only only without decryption', async (t) => {
  const plain = decoded(
    jsonRequest('ssm.us-east-1.amazonaws.com', 'ssm', 'AmazonSSM.GetParameter', '{"Name":"/app/url"}'),
  );
  t.equal(plain.read_only, true);
  t.equal(plain.resource, 'arn:aws:ssm:us-east-1::parameter/app/url');
  const decrypted = decoded(
    jsonRequest(
      'ssm.us-east-1.amazonaws.com',
      'ssm',
      'AmazonSSM.GetParameter',
      '{"Name":"/app/db","WithDecryption":true}',
    ),
  );
  t.equal(decrypted.read_only, false);
  const put = decoded(
    jsonRequest(
      'ssm.us-east-1.amazonaws.com',
      'ssm',
      'AmazonSSM.PutParameter',
      '{"Name":"/app/db","Value":"pw","Type":"SecureString"}',
    ),
  );
  t.equal(put.params.Value, REDACTED);
});

t.test('treats credential-issuing reads as not read-only', async (t) => {
  const ecr = decoded(
    jsonRequest(
      'api.ecr.us-east-1.amazonaws.com',
      'ecr',
      'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      '{}',
    ),
  );
  t.equal(ecr.iam_action, 'ecr:GetAuthorizationToken');
  t.equal(ecr.read_only, false);
  const repos = decoded(
    jsonRequest(
      'api.ecr.us-east-1.amazonaws.com',
      'ecr',
      'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
      '{}',
    ),
  );
  t.equal(repos.read_only, true);
});

t.test('decodes an empty body as no params', async (t) => {
  const call = decoded(
    wire({
      host: 'organizations.us-east-1.amazonaws.com',
      sign: 'organizations',
      headers: { 'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization' },
    }),
  );
  t.same(call.params, {});
  t.equal(call.read_only, true);
});

const refused: { note: string; request: WireRequest; reason: DecodeError['reason'] }[] = [
  {
    note: 'invalid JSON',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.CreateKey', '{"Description":'),
    reason: 'malformed-request',
  },
  {
    note: 'JSON array',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.CreateKey', '[1]'),
    reason: 'malformed-request',
  },
  {
    note: 'JSON null',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.CreateKey', 'null'),
    reason: 'malformed-request',
  },
  {
    note: 'unknown target prefix',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'AmazonSSM.GetParameter', '{}'),
    reason: 'unknown-operation',
  },
  {
    note: 'no operation after the prefix',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService', '{}'),
    reason: 'unknown-operation',
  },
  {
    note: 'unknown operation',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.ExportAllKeys', '{}'),
    reason: 'unknown-operation',
  },
  {
    note: 'prototype name as operation',
    request: jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.__proto__', '{}'),
    reason: 'unknown-operation',
  },
  {
    note: 'X-Amz-Target sent to S3',
    request: jsonRequest('s3.us-east-1.amazonaws.com', 's3', 'TrentService.CreateKey', '{}'),
    reason: 'unsupported-protocol',
  },
  {
    note: 'JSON service without a target',
    request: wire({ host: 'kms.us-east-1.amazonaws.com', sign: 'kms', body: '{}' }),
    reason: 'unsupported-protocol',
  },
];

t.test('refuses malformed JSON-protocol requests', async (t) => {
  for (const c of refused) t.match(decode(c.request), { name: 'DecodeError', reason: c.reason }, c.note);
});

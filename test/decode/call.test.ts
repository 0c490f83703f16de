import t from 'tap';
import { iamActionFor, isReadOnly } from '../../proxy/decode/aws/iam-action.js';
import { resourceArn } from '../../proxy/decode/aws/resource.js';
import {
  createAwsDecoder,
  type DecodedCall,
  DecodeError,
  type Params,
  parseAwsHost,
  withAccount,
} from '../../proxy/decode/index.js';
import { jsonRequest, queryRequest } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 64 * 1024 });
function decoded(call: DecodedCall | DecodeError): DecodedCall {
  if (call instanceof DecodeError) throw new Error(`${call.reason}: ${call.message}`);
  return call;
}

t.test('withAccount fills the account and the empty account field of built ARNs', async (t) => {
  const role = decoded(decode(queryRequest('iam.amazonaws.com', 'iam', 'Action=GetRole&RoleName=app')));
  t.same(withAccount(role, '123456789012'), {
    ...role,
    account: '123456789012',
    resource: 'arn:aws:iam::123456789012:role/app',
  });
  t.equal(role.account, undefined, 'the decoded call is not changed');
  const given = decoded(
    decode(
      jsonRequest(
        'kms.us-east-1.amazonaws.com',
        'kms',
        'TrentService.DisableKey',
        '{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}',
      ),
    ),
  );
  t.equal(
    withAccount(given, '123456789012').resource,
    'arn:aws:kms:us-east-1:111122223333:key/k',
    'an account the caller named stays',
  );
  const bucket = decoded(decode(queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles')));
  t.equal(withAccount(bucket, '123456789012').resource, undefined);
});

t.test('S3 ARNs have no account, before or after withAccount', async (t) => {
  const call = {
    ...decoded(decode(queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles'))),
    resource: 'arn:aws:s3:::bucket/key',
  };
  t.equal(withAccount(call, '123456789012').resource, 'arn:aws:s3:::bucket/key');
});

const host = parseAwsHost('s3.us-east-1.amazonaws.com')!;
const plainHost = parseAwsHost('iam.amazonaws.com')!;

t.test('names IAM actions that differ from the operation', async (t) => {
  const cases: [string, string, Params, string][] = [
    ['s3', 'ListObjectsV2', {}, 's3:ListBucket'],
    ['s3', 'HeadObject', {}, 's3:GetObject'],
    ['s3', 'HeadObject', { VersionId: 'v1' }, 's3:GetObjectVersion'],
    ['s3', 'DeleteObject', { VersionId: 'v1' }, 's3:DeleteObjectVersion'],
    ['s3', 'DeleteObject', { VersionId: '' }, 's3:DeleteObject'],
    ['s3', 'UploadPart', {}, 's3:PutObject'],
    ['s3', 'CreateMultipartUpload', {}, 's3:PutObject'],
    ['s3', 'ListBuckets', {}, 's3:ListAllMyBuckets'],
    ['s3', 'GetBucketPolicy', {}, 's3:GetBucketPolicy'],
    ['s3', 'DeletePublicAccessBlock', {}, 's3:PutBucketPublicAccessBlock'],
    ['s3', 'WriteGetObjectResponse', {}, 's3-object-lambda:WriteGetObjectResponse'],
    ['lambda', 'Invoke', {}, 'lambda:InvokeFunction'],
    ['lambda', 'GetLayerVersionByArn', {}, 'lambda:GetLayerVersion'],
    ['lambda', 'CreateFunction', {}, 'lambda:CreateFunction'],
    ['cloudwatch', 'GetMetricData', {}, 'cloudwatch:GetMetricData'],
    ['iam', 'CreateRole', {}, 'iam:CreateRole'],
  ];
  for (const [prefix, operation, params, want] of cases) {
    const action = iamActionFor(prefix, operation, params, host);
    t.equal(`${action.service}:${action.action}`, want, `${prefix} ${operation}`);
  }
});

t.test('decides read_only conservatively', async (t) => {
  const cases: [string, string, string | undefined, Params, boolean][] = [
    ['iam', 'GetRole', undefined, {}, true],
    ['iam', 'ListRoles', undefined, {}, true],
    ['ec2', 'DescribeInstances', undefined, {}, true],
    ['dynamodb', 'BatchGetItem', undefined, {}, true],
    ['dynamodb', 'Query', undefined, {}, true],
    ['dynamodb', 'Scan', undefined, {}, true],
    ['cloudtrail', 'LookupEvents', undefined, {}, true],
    ['logs', 'FilterLogEvents', undefined, {}, true],
    ['s3', 'HeadObject', 'HEAD', {}, true],
    ['s3', 'GetObject', 'GET', {}, true],
    ['iam', 'CreateRole', undefined, {}, false],
    ['iam', 'Getaway', undefined, {}, false],
    ['iam', 'Listen', undefined, {}, false],
    ['dynamodb', 'BatchWriteItem', undefined, {}, false],
    ['s3', 'SelectObjectContent', 'POST', {}, false],
    ['lambda', 'GetFunction', 'DELETE', {}, false],
    ['sts', 'GetCallerIdentity', undefined, {}, true],
    ['sts', 'GetSessionToken', undefined, {}, false],
    ['sts', 'GetFederationToken', undefined, {}, false],
    ['ecr', 'GetAuthorizationToken', undefined, {}, false],
    ['sso', 'GetRoleCredentials', 'GET', {}, false],
    ['secretsmanager', 'GetSecretValue', undefined, {}, false],
    ['ssm', 'GetParameters', undefined, { WithDecryption: 'true' }, false],
    ['ssm', 'GetParameters', undefined, { WithDecryption: false }, true],
    ['kms', 'GetParametersForImport', undefined, {}, false],
    ['ec2', 'GetPasswordData', undefined, {}, false],
  ];
  for (const [prefix, operation, method, params, want] of cases) {
    t.equal(isReadOnly(prefix, operation, method, params), want, `${prefix}:${operation}`);
  }
});

t.test('builds best-effort resource ARNs', async (t) => {
  const cases: [string, string, Params, string | undefined][] = [
    [
      'iam',
      'AttachRolePolicy',
      { RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      'arn:aws:iam:::role/app',
    ],
    [
      'iam',
      'AddRoleToInstanceProfile',
      { RoleName: 'app', InstanceProfileName: 'web' },
      'arn:aws:iam:::instance-profile/web',
    ],
    ['iam', 'AddUserToGroup', { UserName: 'bob', GroupName: 'admins' }, 'arn:aws:iam:::group/admins'],
    ['iam', 'CreateUser', { UserName: 'bob', Path: '/eng/' }, 'arn:aws:iam:::user/eng/bob'],
    ['iam', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: '{}' }, 'arn:aws:iam:::policy/p'],
    ['iam', 'DeletePolicy', { PolicyArn: 'arn:aws:iam::123456789012:policy/p' }, 'arn:aws:iam::123456789012:policy/p'],
    ['iam', 'ListRoles', {}, undefined],
    [
      'lambda',
      'GetFunction',
      { FunctionName: '123456789012:function:f' },
      'arn:aws:lambda:us-east-1:123456789012:function:f',
    ],
    [
      'lambda',
      'GetFunction',
      { FunctionName: 'f:prod', Qualifier: 'prod' },
      'arn:aws:lambda:us-east-1::function:f:prod',
    ],
    [
      'dynamodb',
      'DescribeTable',
      { TableName: 'arn:aws:dynamodb:us-east-1:123456789012:table/t' },
      'arn:aws:dynamodb:us-east-1:123456789012:table/t',
    ],
    [
      'ecr',
      'PutImage',
      { repositoryName: 'app', registryId: '123456789012' },
      'arn:aws:ecr:us-east-1:123456789012:repository/app',
    ],
    ['ecs', 'UpdateService', { cluster: 'prod', service: 'web' }, 'arn:aws:ecs:us-east-1::cluster/prod'],
    ['logs', 'DeleteLogGroup', { logGroupName: '/aws/lambda/f' }, 'arn:aws:logs:us-east-1::log-group:/aws/lambda/f'],
    ['rds', 'DeleteDBInstance', { DBInstanceIdentifier: 'db1' }, 'arn:aws:rds:us-east-1::db:db1'],
    ['rds', 'DeleteDBCluster', { DBClusterIdentifier: 'c1' }, 'arn:aws:rds:us-east-1::cluster:c1'],
    ['sns', 'Publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t' }, 'arn:aws:sns:us-east-1:123456789012:t'],
    ['organizations', 'TagResource', { ResourceId: 'ou-1' }, undefined],
    [
      'eks',
      'TagResource',
      { resourceArn: 'arn:aws:eks:us-east-1:123456789012:cluster/c' },
      'arn:aws:eks:us-east-1:123456789012:cluster/c',
    ],
  ];
  for (const [service, operation, params, want] of cases) {
    t.equal(
      resourceArn({ service, operation, params, region: 'us-east-1', host: plainHost }),
      want,
      `${service}:${operation}`,
    );
  }
  t.equal(
    resourceArn({
      service: 'iam',
      operation: 'GetRole',
      params: { RoleName: 'r' },
      region: 'cn-north-1',
      host: plainHost,
    }),
    'arn:aws-cn:iam:::role/r',
  );
  t.equal(
    resourceArn({
      service: 'lambda',
      operation: 'GetFunction',
      params: { FunctionName: 'f' },
      region: 'us-gov-west-1',
      host: plainHost,
    }),
    'arn:aws-us-gov:lambda:us-gov-west-1::function:f',
  );
});

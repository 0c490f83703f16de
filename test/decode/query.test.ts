import { gzipSync } from 'node:zlib';
import t from 'tap';
import {
  createAwsDecoder,
  type DecodedCall,
  DecodeError,
  REDACTED,
  type WireRequest,
} from '../../proxy/decode/index.js';
import { queryRequest, wire } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 64 * 1024 });

function decoded(request: WireRequest): DecodedCall {
  const call = decode(request);
  if (call instanceof DecodeError) throw new Error(`${call.reason}: ${call.message}`);
  return call;
}

t.test('decodes iam:CreateRole from a query body', async (t) => {
  const call = decoded(
    queryRequest(
      'iam.amazonaws.com',
      'iam',
      'Action=CreateRole&Version=2010-05-08&RoleName=app&Path=%2Fteam%2F&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D&Tags.member.1.Key=owner&Tags.member.1.Value=alice+smith&Tags.member.2.Key=env&Tags.member.2.Value=prod',
    ),
  );
  t.same(call, {
    cloud: 'aws',
    service: 'iam',
    action: 'CreateRole',
    iam_action: 'iam:CreateRole',
    region: 'us-east-1',
    account: undefined,
    environment: undefined,
    resource: 'arn:aws:iam:::role/team/app',
    read_only: false,
    params: {
      RoleName: 'app',
      Path: '/team/',
      AssumeRolePolicyDocument: '{"Version":"2012-10-17"}',
      Tags: [
        { Key: 'owner', Value: 'alice smith' },
        { Key: 'env', Value: 'prod' },
      ],
    },
    decoded: true,
    protocol: 'query',
  });
});

t.test('decodes ec2 lists, which have no .member', async (t) => {
  const call = decoded(
    queryRequest(
      'ec2.eu-west-1.amazonaws.com',
      'ec2',
      'Action=DescribeInstances&Version=2016-11-15&InstanceId.2=i-2&InstanceId.1=i-1&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod&Filter.1.Value.2=dev',
      'eu-west-1',
    ),
  );
  t.equal(call.iam_action, 'ec2:DescribeInstances');
  t.equal(call.protocol, 'ec2');
  t.equal(call.read_only, true);
  t.same(call.params, { InstanceId: ['i-1', 'i-2'], Filter: [{ Name: 'tag:env', Value: ['prod', 'dev'] }] });
});

t.test('names a single EC2 instance as the resource', async (t) => {
  const call = decoded(
    queryRequest(
      'ec2.eu-west-1.amazonaws.com',
      'ec2',
      'Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-0abc',
      'eu-west-1',
    ),
  );
  t.equal(call.resource, 'arn:aws:ec2:eu-west-1::instance/i-0abc');
});

t.test('turns query maps (entry.N.key/value) into objects', async (t) => {
  const call = decoded(
    queryRequest(
      'sns.us-east-1.amazonaws.com',
      'sns',
      'Action=CreateTopic&Version=2010-03-31&Name=alerts&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Alerts&Tags.member.1.Key=a&Tags.member.1.Value=b',
    ),
  );
  t.same(call.params, { Name: 'alerts', Attributes: { DisplayName: 'Alerts' }, Tags: [{ Key: 'a', Value: 'b' }] });
  t.equal(call.resource, 'arn:aws:sns:us-east-1::alerts');
});

t.test('decodes a query-protocol GET with the Action in the URL', async (t) => {
  const call = decoded(
    wire({
      method: 'GET',
      host: 'iam.amazonaws.com',
      path: '/?Action=ListRoles&Version=2010-05-08&MaxItems=10',
      sign: 'iam',
    }),
  );
  t.equal(call.iam_action, 'iam:ListRoles');
  t.same(call.params, { MaxItems: '10' });
  t.equal(call.read_only, true);
});

t.test('decodes the presigned sts:GetCallerIdentity URL inside an EKS token', async (t) => {
  const call = decoded(
    wire({
      method: 'GET',
      host: 'sts.us-west-2.amazonaws.com',
      path: '/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc',
      headers: { 'x-k8s-aws-id': 'prod' },
    }),
  );
  t.equal(call.iam_action, 'sts:GetCallerIdentity');
  t.equal(call.region, 'us-west-2');
  t.same(call.params, {}, 'presign parameters are not operation params');
});

t.test('names the assumed role as the resource of sts:AssumeRole', async (t) => {
  const call = decoded(
    queryRequest(
      'sts.amazonaws.com',
      'sts',
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin&RoleSessionName=s',
    ),
  );
  t.equal(call.resource, 'arn:aws:iam::123456789012:role/admin');
  t.equal(call.read_only, false);
});

t.test('redacts members the model marks sensitive', async (t) => {
  const call = decoded(
    queryRequest(
      'iam.amazonaws.com',
      'iam',
      'Action=ChangePassword&Version=2010-05-08&OldPassword=hunter2&NewPassword=hunter3',
    ),
  );
  t.same(call.params, { OldPassword: REDACTED, NewPassword: REDACTED });
  const raw = createAwsDecoder({ maxBodyBytes: 1024, redactSensitive: false })(
    queryRequest(
      'iam.amazonaws.com',
      'iam',
      'Action=ChangePassword&Version=2010-05-08&OldPassword=hunter2&NewPassword=hunter3',
    ),
  );
  t.match(raw, { params: { OldPassword: 'hunter2' } }, 'redaction can be turned off');
});

t.test('decodes legacy query-protocol SQS and CloudWatch calls', async (t) => {
  const sqs = decoded(
    queryRequest(
      'sqs.us-east-1.amazonaws.com',
      'sqs',
      'Action=SendMessage&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fjobs&MessageBody=hi',
    ),
  );
  t.equal(sqs.iam_action, 'sqs:SendMessage');
  t.equal(sqs.resource, 'arn:aws:sqs:us-east-1:123456789012:jobs');
  const cw = decoded(
    queryRequest(
      'monitoring.us-east-1.amazonaws.com',
      'monitoring',
      'Action=DeleteAlarms&Version=2010-08-01&AlarmNames.member.1=cpu',
    ),
  );
  t.equal(cw.iam_action, 'cloudwatch:DeleteAlarms');
  t.equal(cw.service, 'cloudwatch');
  t.equal(cw.resource, 'arn:aws:cloudwatch:us-east-1::alarm:cpu');
});

t.test('inflates gzip bodies (botocore compresses large PutMetricData calls)', async (t) => {
  const call = decoded(
    wire({
      host: 'monitoring.us-east-1.amazonaws.com',
      sign: 'monitoring',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-encoding': 'gzip' },
      body: gzipSync(
        'Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=Latency&MetricData.member.1.Value=12.5',
      ),
    }),
  );
  t.equal(call.iam_action, 'cloudwatch:PutMetricData');
  t.same(call.params, { Namespace: 'App', MetricData: [{ MetricName: 'Latency', Value: '12.5' }] });
});

t.test('keeps a __proto__ key as plain data', async (t) => {
  const call = decoded(
    queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles&Version=2010-05-08&__proto__.polluted=yes'),
  );
  t.equal(Object.getPrototypeOf(call.params), Object.prototype);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.same(Object.keys(call.params), ['__proto__']);
});

const refused: { note: string; request: WireRequest; reason: DecodeError['reason'] }[] = [
  {
    note: 'no Action',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Version=2010-05-08'),
    reason: 'unknown-operation',
  },
  {
    note: 'unknown Action',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=BecomeRoot&Version=2010-05-08'),
    reason: 'unknown-operation',
  },
  {
    note: 'inherited property as Action',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=constructor'),
    reason: 'unknown-operation',
  },
  {
    note: 'Action twice',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles&Action=DeleteRole'),
    reason: 'ambiguous-request',
  },
  {
    note: 'Action in URL and body',
    request: wire({
      host: 'iam.amazonaws.com',
      path: '/?Action=ListRoles',
      sign: 'iam',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DeleteRole&RoleName=x',
    }),
    reason: 'ambiguous-request',
  },
  {
    note: 'repeated param',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=DeleteRole&RoleName=a&RoleName=b'),
    reason: 'ambiguous-request',
  },
  {
    note: 'param both value and list',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles&Tags=a&Tags.member.1.Key=b'),
    reason: 'ambiguous-request',
  },
  {
    note: 'bad percent-encoding',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles&PathPrefix=%E0%A4%A'),
    reason: 'malformed-request',
  },
  {
    note: 'empty key part',
    request: queryRequest('iam.amazonaws.com', 'iam', 'Action=ListRoles&Tags..Key=a'),
    reason: 'malformed-request',
  },
  {
    note: 'body not UTF-8',
    request: wire({
      host: 'iam.amazonaws.com',
      sign: 'iam',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new Uint8Array([0x41, 0xff, 0xfe]),
    }),
    reason: 'malformed-request',
  },
];

t.test('refuses malformed and ambiguous query requests', async (t) => {
  for (const c of refused)
    t.match(decode(c.request), { name: 'DecodeError', code: 'AIRLOCK_ERR_DECODE', reason: c.reason }, c.note);
});

/**
 * Decoding runs on every call, so it must stay cheap: the target is well under 50 µs for a typical JSON or query
 * call. The figures are printed, never asserted (a busy CI machine is not a slow decoder); `npm run bench:proxy`
 * measures the whole call.
 */
import t from 'tap';
import { createAwsDecoder, isDecodeError, type WireRequest } from '../../proxy/decode/index.js';
import { jsonRequest, queryRequest, wire } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 1 << 20 });

const typical: Record<string, WireRequest> = {
  'json dynamodb:GetItem': jsonRequest(
    'dynamodb.us-east-1.amazonaws.com',
    'dynamodb',
    'DynamoDB_20120810.GetItem',
    '{"TableName":"tf-locks","Key":{"LockID":{"S":"tfstate-bucket/envs/dev/terraform.tfstate-md5"}},"ConsistentRead":true}',
  ),
  'query iam:CreateRole': queryRequest(
    'iam.amazonaws.com',
    'iam',
    'Action=CreateRole&Version=2010-05-08&RoleName=app&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D&Tags.member.1.Key=team&Tags.member.1.Value=platform',
  ),
  'ec2 ec2:DescribeInstances': queryRequest(
    'ec2.us-east-1.amazonaws.com',
    'ec2',
    'Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod&MaxResults=50',
  ),
  'rest-xml s3:GetObject (virtual host)': wire({
    method: 'GET',
    host: 'tfstate-bucket.s3.us-east-1.amazonaws.com',
    path: '/envs/dev/terraform.tfstate?x-id=GetObject',
    sign: 's3',
    headers: {
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20260101T000000Z',
    },
  }),
  'rest-xml s3:PutObject (path style)': wire({
    method: 'PUT',
    host: 's3.us-east-1.amazonaws.com',
    path: '/tfstate-bucket/envs/dev/terraform.tfstate',
    sign: 's3',
    headers: {
      'content-length': '2048',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
    },
  }),
  'rest-json lambda:GetFunction': wire({
    method: 'GET',
    host: 'lambda.us-east-1.amazonaws.com',
    path: '/2015-03-31/functions/my-function',
    sign: 'lambda',
  }),
  'rpc-v2-cbor cloudwatch:ListMetrics': wire({
    host: 'monitoring.us-east-1.amazonaws.com',
    path: '/service/GraniteServiceVersion20100801/operation/ListMetrics',
    sign: 'monitoring',
    headers: { 'smithy-protocol': 'rpc-v2-cbor' },
    body: Uint8Array.from([
      0xa1,
      0x69,
      ...new TextEncoder().encode('Namespace'),
      0x67,
      ...new TextEncoder().encode('AWS/EC2'),
    ]),
  }),
};

t.test('typical calls of every protocol decode, and how long each takes is printed', async (t) => {
  const lines: string[] = [];
  for (const [note, request] of Object.entries(typical)) {
    t.notOk(isDecodeError(decode(request)), `${note} decodes`);
    for (let i = 0; i < 2000; i++) decode(request); // warm up the JIT
    const runs = 20000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) decode(request);
    const micros = Number(process.hrtime.bigint() - start) / 1000 / runs;
    lines.push(`${note.padEnd(38)} ${micros.toFixed(2)} µs`);
  }
  t.comment(`decode time per call\n${lines.join('\n')}`);
});

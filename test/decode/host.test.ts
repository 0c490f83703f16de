import t from 'tap';
import { parseAwsHost } from '../../proxy/decode/index.js';

const cases: { host: string; want: Record<string, unknown> | undefined }[] = [
  {
    host: 'iam.amazonaws.com',
    want: { endpoint: 'iam', region: undefined, fips: false, dualstack: false, s3: undefined },
  },
  { host: 'sts.us-west-2.amazonaws.com:443', want: { endpoint: 'sts', region: 'us-west-2' } },
  { host: 'KMS-FIPS.us-east-1.amazonaws.com', want: { endpoint: 'kms', region: 'us-east-1', fips: true } },
  { host: 'fips.eks.us-east-1.amazonaws.com', want: { endpoint: 'eks', region: 'us-east-1', fips: true } },
  { host: 'api.ecr.eu-central-1.amazonaws.com', want: { endpoint: 'api.ecr', region: 'eu-central-1' } },
  { host: 'streams.dynamodb.us-east-1.amazonaws.com', want: { endpoint: 'streams.dynamodb', region: 'us-east-1' } },
  { host: 'portal.sso.us-east-1.amazonaws.com', want: { endpoint: 'portal.sso', region: 'us-east-1' } },
  { host: 'ec2.us-east-1.api.aws', want: { endpoint: 'ec2', region: 'us-east-1', dualstack: true } },
  { host: 'iam.cn-north-1.amazonaws.com.cn', want: { endpoint: 'iam', region: 'cn-north-1' } },
  { host: 'sts.us-gov-west-1.amazonaws.com', want: { endpoint: 'sts', region: 'us-gov-west-1' } },
  { host: 'lambda.us-isob-east-1.amazonaws.com', want: { endpoint: 'lambda', region: 'us-isob-east-1' } },
  { host: 'monitoring.us-east-1.amazonaws.com.', want: { endpoint: 'monitoring', region: 'us-east-1' } },
  // S3
  {
    host: 's3.amazonaws.com',
    want: { endpoint: 's3', region: undefined, s3: { kind: 's3', bucket: undefined, accessPoint: undefined } },
  },
  {
    host: 's3.eu-west-1.amazonaws.com',
    want: { endpoint: 's3', region: 'eu-west-1', s3: { kind: 's3', bucket: undefined } },
  },
  {
    host: 'my-bucket.s3.eu-west-1.amazonaws.com',
    want: { region: 'eu-west-1', s3: { kind: 's3', bucket: 'my-bucket' } },
  },
  {
    host: 'my.dotted.bucket.s3.amazonaws.com',
    want: { region: undefined, s3: { kind: 's3', bucket: 'my.dotted.bucket' } },
  },
  {
    host: 'my-bucket.s3.dualstack.us-east-2.amazonaws.com',
    want: { region: 'us-east-2', dualstack: true, s3: { bucket: 'my-bucket' } },
  },
  { host: 's3-us-west-2.amazonaws.com', want: { region: 'us-west-2', s3: { kind: 's3', bucket: undefined } } },
  { host: 'b.s3-us-west-2.amazonaws.com', want: { region: 'us-west-2', s3: { bucket: 'b' } } },
  { host: 's3-external-1.amazonaws.com', want: { region: 'us-east-1', s3: { kind: 's3' } } },
  { host: 's3-fips.us-gov-west-1.amazonaws.com', want: { region: 'us-gov-west-1', fips: true, s3: { kind: 's3' } } },
  {
    host: 'reports-123456789012.s3-accesspoint.us-east-1.amazonaws.com',
    want: {
      region: 'us-east-1',
      s3: {
        kind: 'accesspoint',
        bucket: 'reports-123456789012',
        accessPoint: { name: 'reports', account: '123456789012' },
      },
    },
  },
  {
    host: 'route-1.s3-object-lambda.us-east-1.amazonaws.com',
    want: { endpoint: 's3', s3: { kind: 'object-lambda', bucket: undefined } },
  },
  {
    host: '123456789012.s3-control.us-east-1.amazonaws.com',
    want: { endpoint: 's3-control', s3: { kind: 'control', bucket: undefined } },
  },
  { host: 's3express-control.us-west-2.amazonaws.com', want: { endpoint: 's3', s3: { kind: 's3express-control' } } },
  {
    host: 'logs--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com',
    want: { endpoint: 's3', region: 'us-west-2', s3: { kind: 's3express-zonal', bucket: 'logs--usw2-az1--x-s3' } },
  },
  // Not AWS API endpoints
  { host: 'example.com', want: undefined },
  { host: 'amazonaws.com.evil.example', want: undefined },
  { host: '127.0.0.1:4566', want: undefined },
  { host: '[::1]:443', want: undefined },
  { host: 'iam..amazonaws.com', want: undefined },
  { host: 'iam.amazonaws.com:https', want: undefined },
  { host: 'ap.s3-accesspoint.us-east-1.amazonaws.com', want: undefined },
];

t.test('parses AWS API hostnames', async (t) => {
  for (const c of cases) {
    const got = parseAwsHost(c.host);
    if (c.want === undefined) t.equal(got, undefined, c.host);
    else t.match(got, c.want, c.host);
  }
});

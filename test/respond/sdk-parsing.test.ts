/**
 * The rendered errors, parsed by real clients: the JS SDK v3 (STS, IAM, S3), the JS SDK v2 (DynamoDB, KMS, Lambda,
 * EC2), the AWS CLI v1, and botocore 1.43 made to speak rpc-v2-cbor (it prefers CloudWatch's json protocol, so the
 * test reorders its protocol preference). Each client calls a local server that answers with what the respond stage
 * renders for the request it received.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import DynamoDB from 'aws-sdk/clients/dynamodb.js';
import EC2 from 'aws-sdk/clients/ec2.js';
import KMS from 'aws-sdk/clients/kms.js';
import Lambda from 'aws-sdk/clients/lambda.js';
import t, { type Test } from 'tap';
import { UpstreamError } from '../../proxy/core/errors.js';
import { headersFromDistinct, type WireRequest } from '../../proxy/identify/index.js';
import {
  accessDenied,
  approvalRequired,
  type AwsErrorReply,
  errorTargetOf,
  upstreamFailed,
} from '../../proxy/respond/index.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };
const REASON = 'prod changes need a ticket <& "quoted">';

type Renderer = (wire: WireRequest) => AwsErrorReply;

/** startErrorServer answers every request with `state.render(request)`, counting requests and keeping the last. */
async function startErrorServer(t: Test) {
  const state: { render: Renderer; requests: WireRequest[] } = {
    render: (wire) => accessDenied({ ...errorTargetOf(wire), iam_action: 'test:Action' }, REASON),
    requests: [],
  };
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      const wire: WireRequest = {
        method: request.method!,
        host: request.headers.host!,
        path: request.url!,
        headers: headersFromDistinct(request.headersDistinct),
        body: Buffer.concat(pieces),
      };
      state.requests.push(wire);
      const reply = state.render(wire);
      response.writeHead(reply.status, reply.headers);
      response.end(request.method === 'HEAD' ? undefined : reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { state, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** caught returns what a promise rejected with. */
async function caught(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

t.test('JS SDK v3 reads query errors (STS, IAM) as the rendered code and message', async (t) => {
  const { state, endpoint } = await startErrorServer(t);
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  state.render = (wire) =>
    accessDenied({ ...errorTargetOf(wire), iam_action: 'sts:GetCallerIdentity' }, REASON, { requestId: 'req-sts' });
  const denied = await caught(sts.send(new GetCallerIdentityCommand({})));
  t.equal(denied.name, 'AccessDenied');
  t.equal(denied.message, `Airlock denied sts:GetCallerIdentity: ${REASON}`);
  t.match(denied.$metadata, { httpStatusCode: 403, requestId: 'req-sts' });

  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  state.render = (wire) =>
    approvalRequired({ ...errorTargetOf(wire), iam_action: 'iam:CreateRole' }, 'two approvers from sre', {
      approval: { id: 'ap-7', url: 'https://airlock.example/approvals/ap-7' },
    });
  const held = await caught(iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: '{}' })));
  t.equal(held.name, 'AccessDenied');
  t.equal(
    held.message,
    'Airlock requires approval for iam:CreateRole: two approvers from sre (approval ap-7: https://airlock.example/approvals/ap-7)',
  );
});

t.test('JS SDK v3 reads S3 errors as the rendered code and message', async (t) => {
  const { state, endpoint } = await startErrorServer(t);
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });
  state.render = (wire) =>
    accessDenied({ ...errorTargetOf(wire), iam_action: 's3:GetObject' }, REASON, { requestId: 'req-s3' });
  const get = await caught(s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'a/b.txt' })));
  t.equal(get.name, 'AccessDenied');
  t.equal(get.message, `Airlock denied s3:GetObject: ${REASON}`);
  t.match(get.$metadata, { httpStatusCode: 403, requestId: 'req-s3' });
  const put = await caught(s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'data' })));
  t.equal(put.name, 'AccessDenied');
  const head = await caught(s3.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'k' })));
  // A HEAD answer has no body, from S3 as from Airlock: the SDK only learns the status.
  t.match(head, { $metadata: { httpStatusCode: 403, requestId: 'req-s3' } }, 'HEAD: status and request id');
});

t.test('JS SDK v3 retries the upstream-failure replies and then reports them', async (t) => {
  const { state, endpoint } = await startErrorServer(t);
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 2 });
  const refused = new UpstreamError(
    'Airlock could not connect to https://sts.amazonaws.com (ECONNREFUSED)',
    'connect-failed',
    'https://sts.amazonaws.com',
  );
  state.render = (wire) => upstreamFailed(errorTargetOf(wire), refused);
  const bad = await caught(sts.send(new GetCallerIdentityCommand({})));
  t.equal(bad.name, 'ServiceUnavailable');
  t.equal(bad.message, refused.message);
  t.equal(state.requests.length, 2, '502 was retried');

  const slow = new UpstreamError(
    'Airlock timed out waiting for the response from https://sts.amazonaws.com',
    'headers-timeout',
    'https://sts.amazonaws.com',
  );
  state.render = (wire) => upstreamFailed(errorTargetOf(wire), slow);
  const late = await caught(sts.send(new GetCallerIdentityCommand({})));
  t.equal(late.name, 'RequestTimeout');
  t.match(late.$metadata, { httpStatusCode: 504 });
  t.equal(state.requests.length, 4, '504 was retried');
});

t.test('JS SDK v2 reads json, rest-json and ec2 errors as the rendered code and message', async (t) => {
  const { state, endpoint } = await startErrorServer(t);
  const options = { endpoint, region: 'us-east-1', credentials, maxRetries: 0 };
  const rows = [
    {
      note: 'DynamoDB (json 1.0)',
      call: () => new DynamoDB(options).listTables({}).promise(),
      code: 'AccessDeniedException',
    },
    { note: 'KMS (json 1.1)', call: () => new KMS(options).listKeys({}).promise(), code: 'AccessDeniedException' },
    {
      note: 'Lambda (rest-json)',
      call: () => new Lambda(options).listFunctions({}).promise(),
      code: 'AccessDeniedException',
    },
    { note: 'EC2 (ec2)', call: () => new EC2(options).describeVpcs({}).promise(), code: 'UnauthorizedOperation' },
  ];
  for (const { note, call, code } of rows) {
    const error = await caught(call());
    t.equal(error.code, code, note);
    t.equal(error.message, `Airlock denied test:Action: ${REASON}`, note);
    t.equal(error.statusCode, 403, note);
  }
  t.equal(state.requests[0]?.headers['content-type'], 'application/x-amz-json-1.0');
});

/** awsCliAvailable tells whether the AWS CLI can run here; the CLI case is skipped without it. */
function awsCliAvailable(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

t.test(
  'the AWS CLI prints the rendered code and message',
  { skip: !awsCliAvailable() && 'no aws CLI on PATH' },
  async (t) => {
    const { state, endpoint } = await startErrorServer(t);
    const environment = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      NO_PROXY: '*',
    };
    const run = promisify(execFile);
    const cases = [
      { args: ['sts', 'get-caller-identity'], operation: 'GetCallerIdentity', code: 'AccessDenied' },
      { args: ['cloudwatch', 'list-metrics'], operation: 'ListMetrics', code: 'AccessDeniedException' },
      { args: ['lambda', 'list-functions'], operation: 'ListFunctions', code: 'AccessDeniedException' },
      { args: ['dynamodb', 'list-tables'], operation: 'ListTables', code: 'AccessDeniedException' },
      { args: ['ec2', 'describe-vpcs'], operation: 'DescribeVpcs', code: 'UnauthorizedOperation' },
      { args: ['s3api', 'list-objects-v2', '--bucket', 'bucket'], operation: 'ListObjectsV2', code: 'AccessDenied' },
    ];
    const outcomes = await Promise.all(
      cases.map(({ args }) =>
        run('aws', ['--endpoint-url', endpoint, ...args], { env: environment, timeout: 60_000 }).then(
          () => ({ stderr: 'unexpected success', code: 0 }),
          (error: { stderr: string; code: number }) => ({ stderr: error.stderr, code: error.code }),
        ),
      ),
    );
    cases.forEach(({ args, operation, code }, index) => {
      const outcome = outcomes[index]!;
      t.equal(outcome.code, 255, `${args[0]} exits as AWS CLI v1 does on a service error`);
      t.equal(
        outcome.stderr.trim(),
        `An error occurred (${code}) when calling the ${operation} operation: Airlock denied test:Action: ${REASON}`,
        args.join(' '),
      );
    });

    // botocore picks json over rpc-v2-cbor when a service offers both (utils.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS).
    const cborClient = [
      'import sys, botocore.session, botocore.model, botocore.exceptions',
      "botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ('smithy-rpc-v2-cbor',)",
      "client = botocore.session.get_session().create_client('cloudwatch', endpoint_url=sys.argv[1])",
      'try:\n    client.list_metrics()\nexcept botocore.exceptions.ClientError as error:\n    print(error)',
    ].join('\n');
    const cbor = await run('python3', ['-c', cborClient, endpoint], { env: environment, timeout: 60_000 });
    t.equal(
      cbor.stdout.trim(),
      `An error occurred (AccessDeniedException) when calling the ListMetrics operation: Airlock denied test:Action: ${REASON}`,
      'botocore parses the CBOR error',
    );
    const cborRequest = state.requests.find((request) => request.headers['smithy-protocol'] !== undefined);
    t.equal(cborRequest?.path, '/service/GraniteServiceVersion20100801/operation/ListMetrics', 'the call was CBOR');
  },
);

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import t from 'tap';
import {
  createAwsDecoder,
  DecodeError,
  isDecodeError,
  undecodedCall,
  type WireRequest,
} from '../../proxy/decode/index.js';
import { jsonRequest, queryRequest, sigV4, wire } from './helpers.js';

const decode = createAwsDecoder({ maxBodyBytes: 1024 });

const refused: { note: string; request: WireRequest; reason: DecodeError['reason']; context?: object }[] = [
  {
    note: 'not an AWS host',
    request: queryRequest('iam.example.com', 'iam', 'Action=ListRoles'),
    reason: 'unknown-host',
  },
  {
    note: 'unsigned and unknown service',
    request: wire({ host: 'bedrock.us-east-1.amazonaws.com', sign: null }),
    reason: 'unknown-service',
  },
  {
    note: 'unknown signing name',
    request: wire({ host: 'bedrock.us-east-1.amazonaws.com', sign: 'bedrock' }),
    reason: 'unknown-service',
  },
  {
    note: 'scope names one service, the host another',
    request: queryRequest('iam.amazonaws.com', 'sts', 'Action=GetCallerIdentity'),
    reason: 'host-mismatch',
    context: { service: 'sts' },
  },
  {
    note: 'scope region differs from the host region',
    request: jsonRequest('kms.eu-west-1.amazonaws.com', 'kms', 'TrentService.ListKeys', '{}', 'us-east-1'),
    reason: 'host-mismatch',
  },
  {
    note: 'S3 signing name on a DynamoDB endpoint',
    request: wire({ host: 'dynamodb.us-east-1.amazonaws.com', sign: 's3', method: 'GET', path: '/bucket' }),
    reason: 'host-mismatch',
  },
  {
    note: 'SigV2',
    request: wire({ host: 's3.amazonaws.com', method: 'GET', headers: { authorization: 'AWS AKID:sig' } }),
    reason: 'unsupported-signature',
  },
  {
    note: 'JSON body over the limit',
    request: jsonRequest(
      'kms.us-east-1.amazonaws.com',
      'kms',
      'TrentService.CreateKey',
      `{"Description":"${'x'.repeat(2000)}"}`,
    ),
    reason: 'body-too-large',
    context: { service: 'kms', region: 'us-east-1', protocol: 'json' },
  },
  {
    note: 'form body over the limit',
    request: queryRequest('iam.amazonaws.com', 'iam', `Action=ListRoles&PathPrefix=${'x'.repeat(2000)}`),
    reason: 'body-too-large',
  },
  {
    note: 'JSON body declared but not read',
    request: {
      method: 'POST',
      host: 'kms.us-east-1.amazonaws.com',
      path: '/',
      headers: { authorization: sigV4('kms'), 'x-amz-target': 'TrentService.CreateKey', 'content-length': '20' },
      body: Readable.from([]),
    },
    reason: 'body-not-read',
  },
  {
    note: 'chunked JSON body not read',
    request: {
      method: 'POST',
      host: 'kms.us-east-1.amazonaws.com',
      path: '/',
      headers: {
        authorization: sigV4('kms'),
        'x-amz-target': 'TrentService.CreateKey',
        'transfer-encoding': 'chunked',
      },
      body: Readable.from([]),
    },
    reason: 'body-not-read',
  },
  {
    note: 'gzip body that inflates past the limit',
    request: wire({
      host: 'kms.us-east-1.amazonaws.com',
      sign: 'kms',
      headers: { 'x-amz-target': 'TrentService.CreateKey', 'content-encoding': 'gzip' },
      body: gzipSync(`{"Description":"${'x'.repeat(100_000)}"}`),
    }),
    reason: 'body-too-large',
  },
  {
    note: 'body that says gzip but is not',
    request: wire({
      host: 'kms.us-east-1.amazonaws.com',
      sign: 'kms',
      headers: { 'x-amz-target': 'TrentService.CreateKey', 'content-encoding': 'gzip' },
      body: '{}',
    }),
    reason: 'malformed-request',
  },
];

t.test('returns a DecodeError with a stable code and a reason', async (t) => {
  for (const c of refused) {
    const result = decode(c.request);
    t.ok(isDecodeError(result), c.note);
    t.match(
      result,
      { name: 'DecodeError', code: 'AIRLOCK_ERR_DECODE', reason: c.reason, context: c.context ?? {} },
      c.note,
    );
  }
});

t.test('turns a DecodeError into the undecoded call the policy sees', async (t) => {
  const error = decode(jsonRequest('kms.us-east-1.amazonaws.com', 'kms', 'TrentService.CreateKey', '{"oops'));
  if (!(error instanceof DecodeError)) throw new Error('expected a DecodeError');
  t.same(undecodedCall(error), {
    cloud: 'aws',
    service: 'kms',
    action: '',
    iam_action: '',
    region: 'us-east-1',
    account: undefined,
    environment: undefined,
    resource: undefined,
    read_only: false,
    params: {},
    decoded: false,
    protocol: 'json',
    error: { code: 'AIRLOCK_ERR_DECODE', reason: 'malformed-request', message: error.message },
  });
});

t.test('checks its options once, at construction', async (t) => {
  t.throws(() => createAwsDecoder({ maxBodyBytes: -1 }), {
    name: 'TypeError',
    message: 'maxBodyBytes must be a non-negative integer',
  });
  t.throws(() => createAwsDecoder({ maxBodyBytes: 1.5 }), TypeError);
  t.equal(createAwsDecoder({ maxBodyBytes: 0 }).name, 'decodeAwsCall');
});

/** Hosts, signing names and header shapes the fuzzer combines with random paths and bodies. */
const hosts = [
  'iam.amazonaws.com',
  'kms.us-east-1.amazonaws.com',
  'b.s3.us-east-1.amazonaws.com',
  's3.us-east-1.amazonaws.com',
  'lambda.us-east-1.amazonaws.com',
  'monitoring.us-east-1.amazonaws.com',
  'ec2.us-east-1.amazonaws.com',
];
const signingNames = ['iam', 'kms', 's3', 'lambda', 'monitoring', 'ec2'];

t.test('never throws, whatever the request', async (t) => {
  const request = fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH'),
    host: fc.oneof(fc.constantFrom(...hosts), fc.string()),
    path: fc.oneof(
      fc.string().map((s) => `/${s}`),
      fc.constantFrom(
        '/',
        '/?Action=ListRoles',
        '/service/GraniteServiceVersion20100801/operation/ListMetrics',
        '/2015-03-31/functions/f/invocations',
        '/k?tagging',
        '/?list-type=2&prefix=%',
      ),
    ),
    sign: fc.constantFrom(...signingNames),
    target: fc.option(
      fc.constantFrom('TrentService.CreateKey', 'TrentService.', '.', 'GraniteServiceVersion20100801.ListMetrics'),
    ),
    smithy: fc.option(fc.constant('rpc-v2-cbor')),
    form: fc.boolean(),
    body: fc.option(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.json().map((s) => new TextEncoder().encode(s)),
        fc.string().map((s) => new TextEncoder().encode(`<A>${s}</A>`)),
      ),
    ),
  });
  fc.assert(
    fc.property(request, (r) => {
      const headers: Record<string, string> = { authorization: sigV4(r.sign) };
      if (r.target !== null) headers['x-amz-target'] = r.target;
      if (r.smithy !== null) headers['smithy-protocol'] = r.smithy;
      if (r.form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const result = decode({
        method: r.method,
        host: r.host,
        path: r.path,
        headers,
        body: r.body ?? new Uint8Array(),
      });
      if (isDecodeError(result)) return result.reason !== 'internal';
      return result.decoded && typeof result.iam_action === 'string' && JSON.stringify(result.params) !== undefined;
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 random requests decoded or refused cleanly');
});

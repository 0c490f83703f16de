import { cbor, checkCborResponse, loadSmithyRpcV2CborErrorCode } from '@smithy/core/cbor';
import t from 'tap';
import { SignatureMismatchError, UpstreamError } from '../../proxy/core/errors.js';
import { decodeCbor } from '../../proxy/decode/format/cbor.js';
import { parseXml } from '../../proxy/decode/format/xml.js';
import {
  accessDenied,
  agentAuthenticationFailed,
  approvalRequired,
  type AwsErrorTarget,
  encodeCborTextMap,
  errorDialect,
  errorTargetOf,
  internalFailure,
  payloadTooLarge,
  refusalFor,
  renderAwsError,
  upstreamFailed,
} from '../../proxy/respond/index.js';

const NASTY = `a <b> & "c" 'd' \u0001 \uD800 ü 🚀`;

t.test('renders each dialect in its own shape and headers', async (t) => {
  const base = { code: 'AccessDenied', status: 403, message: NASTY, requestId: 'req-1' };

  const query = renderAwsError({ ...base, protocol: 'query', service: 'iam' });
  t.equal(query.headers['content-type'], 'text/xml');
  t.equal(query.headers['x-amzn-requestid'], 'req-1');
  t.equal(query.headers['content-length'], String(query.body.length));
  t.same(parseXml(query.body.toString()), {
    root: 'ErrorResponse',
    value: {
      Error: { Type: 'Sender', Code: 'AccessDenied', Message: `a <b> & "c" 'd' \uFFFD \uFFFD ü 🚀` },
      RequestId: 'req-1',
    },
  });

  const s3 = renderAwsError({ ...base, protocol: 'rest-xml', service: 's3' });
  t.equal(s3.headers['content-type'], 'application/xml');
  t.equal(s3.headers['x-amz-request-id'], 'req-1');
  t.match(s3.body.toString(), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code>/);
  t.same(parseXml(s3.body.toString()).value, {
    Code: 'AccessDenied',
    Message: `a <b> & "c" 'd' \uFFFD \uFFFD ü 🚀`,
    RequestId: 'req-1',
  });

  const route53 = renderAwsError({ ...base, protocol: 'rest-xml', service: 'route53' });
  t.equal(parseXml(route53.body.toString()).root, 'ErrorResponse', 'non-S3 rest-xml has the query shape');

  const ec2 = renderAwsError({ ...base, code: 'UnauthorizedOperation', protocol: 'ec2', service: 'ec2' });
  t.same(parseXml(ec2.body.toString()), {
    root: 'Response',
    value: {
      Errors: { Error: { Code: 'UnauthorizedOperation', Message: `a <b> & "c" 'd' \uFFFD \uFFFD ü 🚀` } },
      RequestID: 'req-1',
    },
  });

  const json = renderAwsError({ ...base, code: 'AccessDeniedException', protocol: 'json', service: 'dynamodb' });
  t.equal(json.headers['content-type'], 'application/x-amz-json-1.1');
  t.equal(json.headers['x-amzn-errortype'], 'AccessDeniedException');
  t.same(JSON.parse(json.body.toString()), {
    __type: 'AccessDeniedException',
    message: `a <b> & "c" 'd' \u0001 \uFFFD ü 🚀`,
  });
  const json10 = renderAwsError({ ...base, protocol: 'json', service: 'dynamodb', jsonVersion: '1.0' });
  t.equal(json10.headers['content-type'], 'application/x-amz-json-1.0');

  const restJson = renderAwsError({ ...base, code: 'AccessDeniedException', protocol: 'rest-json', service: 'lambda' });
  t.equal(restJson.headers['content-type'], 'application/json');
  t.equal(restJson.headers['x-amzn-errortype'], 'AccessDeniedException');

  const cborReply = renderAwsError({
    ...base,
    code: 'AccessDeniedException',
    protocol: 'rpc-v2-cbor',
    service: 'monitoring',
  });
  t.equal(cborReply.headers['content-type'], 'application/cbor');
  t.equal(cborReply.headers['smithy-protocol'], 'rpc-v2-cbor');
  const sent = `a <b> & "c" 'd' \u0001 \uFFFD ü 🚀`;
  t.same(decodeCbor(cborReply.body), { __type: 'AccessDeniedException', message: sent });
  t.same(cbor.deserialize(cborReply.body), { __type: 'AccessDeniedException', message: sent }, "Smithy's decoder");

  // What the JS SDK v3's rpc-v2-cbor clients do with an error response (@smithy/core/cbor).
  t.doesNotThrow(() => checkCborResponse({ statusCode: 403, headers: cborReply.headers }));
  const parsed = cbor.deserialize(cborReply.body) as Record<string, string>;
  t.equal(
    loadSmithyRpcV2CborErrorCode({ statusCode: 403, headers: cborReply.headers }, parsed),
    'AccessDeniedException',
  );
  t.equal(parsed.message, sent);

  const unknown = renderAwsError({ ...base, protocol: undefined, service: '' });
  t.equal(parseXml(unknown.body.toString()).root, 'ErrorResponse', 'unknown protocol gets the query shape');
  const server = renderAwsError({ ...base, status: 502, protocol: 'query', service: 'sts' });
  t.match(server.body.toString(), /<Type>Receiver<\/Type>/, '5xx is the receiver’s fault');
});

t.test('generates a request id when none is given', async (t) => {
  const reply = renderAwsError({ protocol: 'json', service: 'kms', code: 'X', status: 400, message: 'm' });
  t.match(reply.headers['x-amzn-requestid'], /^[0-9a-f-]{36}$/);
});

t.test('refuses codes, ids and statuses that cannot be rendered safely', async (t) => {
  const base = { protocol: 'query' as const, service: 'sts', message: 'm' };
  t.throws(() => renderAwsError({ ...base, code: 'Bad</Code>', status: 403 }), {
    code: 'AIRLOCK_ERR_INVALID_ARGUMENT',
  });
  t.throws(() => renderAwsError({ ...base, code: 'Ok', status: 200 }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
  t.throws(() => renderAwsError({ ...base, code: 'Ok', status: 403, requestId: 'a\r\nb' }), {
    code: 'AIRLOCK_ERR_INVALID_ARGUMENT',
  });
});

t.test('encodes CBOR text maps with every length form', async (t) => {
  for (const length of [0, 23, 24, 255, 256, 65535, 65536, 100_000]) {
    const value = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    const encoded = encodeCborTextMap({ k: value, '': 'empty key' });
    t.same(decodeCbor(encoded), { k: value, '': 'empty key' }, `${length} bytes`);
  }
  const manyKeys = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, `v${i}`]));
  t.same(cbor.deserialize(encodeCborTextMap(manyKeys)), manyKeys, 'a map of 300 entries');
});

t.test('picks the dialect from protocol and service', async (t) => {
  const rows: { note: string; target: AwsErrorTarget; want: string }[] = [
    { note: 'S3', target: { protocol: 'rest-xml', service: 's3' }, want: 's3' },
    { note: 'S3 Express', target: { protocol: 'rest-xml', service: 's3express' }, want: 's3' },
    { note: 'undecoded S3', target: { protocol: undefined, service: 's3' }, want: 's3' },
    { note: 'Route 53', target: { protocol: 'rest-xml', service: 'route53' }, want: 'query' },
    { note: 'IAM', target: { protocol: 'query', service: 'iam' }, want: 'query' },
    { note: 'EC2', target: { protocol: 'ec2', service: 'ec2' }, want: 'ec2' },
    { note: 'undecoded EC2', target: { protocol: undefined, service: 'ec2' }, want: 'ec2' },
    { note: 'KMS', target: { protocol: 'json', service: 'kms' }, want: 'json' },
    { note: 'Lambda', target: { protocol: 'rest-json', service: 'lambda' }, want: 'json' },
    { note: 'CloudWatch CBOR', target: { protocol: 'rpc-v2-cbor', service: 'monitoring' }, want: 'json' },
    { note: 'nothing known', target: { protocol: undefined, service: '' }, want: 'query' },
  ];
  for (const { note, target, want } of rows) t.equal(errorDialect(target), want, note);
});

t.test('guesses the error format of a raw request', async (t) => {
  const auth = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
  const rows = [
    {
      note: 'json with its version',
      wire: {
        host: 'dynamodb.us-east-1.amazonaws.com',
        path: '/',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
          authorization: auth('dynamodb'),
        },
      },
      want: { protocol: 'json', service: 'dynamodb', jsonVersion: '1.0' },
    },
    {
      note: 'cbor',
      wire: {
        host: 'monitoring.us-east-1.amazonaws.com',
        path: '/service/X/operation/Y',
        headers: { 'smithy-protocol': 'rpc-v2-cbor', authorization: auth('monitoring') },
      },
      want: { protocol: 'rpc-v2-cbor', service: 'monitoring' },
    },
    {
      note: 'query form',
      wire: {
        host: 'sts.amazonaws.com',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth('sts') },
      },
      want: { protocol: 'query', service: 'sts' },
    },
    {
      note: 'ec2',
      wire: { host: 'ec2.us-east-1.amazonaws.com', path: '/', headers: { authorization: auth('ec2') } },
      want: { protocol: 'ec2', service: 'ec2' },
    },
    {
      note: 'S3 presigned, service from X-Amz-Credential',
      wire: {
        host: 'bucket.s3.amazonaws.com',
        path: '/key?X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request',
        headers: {},
      },
      want: { protocol: 'rest-xml', service: 's3' },
    },
    {
      note: 'S3 unsigned, service from the host',
      wire: { host: 'bucket.s3.us-west-2.amazonaws.com', path: '/', headers: {} },
      want: { protocol: 'rest-xml', service: 's3' },
    },
    {
      note: 'lambda GET is rest-json',
      wire: {
        host: 'lambda.us-east-1.amazonaws.com',
        path: '/2015-03-31/functions/',
        headers: { authorization: auth('lambda') },
      },
      want: { protocol: 'rest-json', service: 'lambda' },
    },
    {
      note: 'nothing recognisable',
      wire: { host: '10.0.0.1', path: '/', headers: {} },
      want: { protocol: undefined, service: '' },
    },
  ];
  for (const { note, wire, want } of rows) {
    t.same(errorTargetOf({ method: 'POST', body: new Uint8Array(), ...wire }), want, note);
  }
  t.same(errorTargetOf(undefined), { protocol: undefined, service: '' }, 'no request at all');
});

t.test('refusals carry the policy reason in each dialect', async (t) => {
  const iam = { protocol: 'query' as const, service: 'iam', iam_action: 'iam:CreateRole' };
  const denied = accessDenied(iam, 'prod roles need a ticket', { requestId: 'r1' });
  t.equal(denied.status, 403);
  t.match(
    denied.body.toString(),
    '<Code>AccessDenied</Code><Message>Airlock denied iam:CreateRole: prod roles need a ticket</Message>',
  );

  const kms = { protocol: 'json' as const, service: 'kms', iam_action: 'kms:ScheduleKeyDeletion' };
  t.same(JSON.parse(accessDenied(kms, 'no').body.toString()), {
    __type: 'AccessDeniedException',
    message: 'Airlock denied kms:ScheduleKeyDeletion: no',
  });
  const ec2 = { protocol: 'ec2' as const, service: 'ec2', iam_action: 'ec2:TerminateInstances' };
  t.match(accessDenied(ec2, 'no').body.toString(), '<Code>UnauthorizedOperation</Code>');
  const undecoded = { protocol: undefined, service: 'glacier', iam_action: '' };
  t.match(accessDenied(undecoded, 'not decoded').body.toString(), 'Airlock denied this glacier call: not decoded');

  const held = approvalRequired(iam, 'two SREs must approve', {
    approval: { id: 'ap-1', url: 'https://airlock/a/ap-1' },
  });
  t.equal(held.status, 403);
  t.match(
    held.body.toString(),
    '<Code>AccessDenied</Code><Message>Airlock requires approval for iam:CreateRole: two SREs must approve (approval ap-1: https://airlock/a/ap-1)</Message>',
  );
  t.match(refusalFor(iam, { effect: 'hold', reason: 'r' }).body.toString(), 'requires approval');
  t.match(refusalFor(iam, { effect: 'deny', reason: 'r' }).body.toString(), 'Airlock denied');
  t.throws(() => refusalFor(iam, { effect: 'allow', reason: 'r' }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
});

t.test('upstream failures are 502 or 504 with retryable codes', async (t) => {
  const sts = { protocol: 'query' as const, service: 'sts' };
  const refused = new UpstreamError(
    'Airlock could not connect to https://sts.amazonaws.com (ECONNREFUSED)',
    'connect-failed',
    'https://sts.amazonaws.com',
  );
  const slow = new UpstreamError('Airlock timed out waiting', 'headers-timeout', 'https://sts.amazonaws.com');
  const bad = upstreamFailed(sts, refused);
  t.equal(bad.status, 502);
  t.match(
    bad.body.toString(),
    '<Code>ServiceUnavailable</Code><Message>Airlock could not connect to https://sts.amazonaws.com (ECONNREFUSED)</Message>',
  );
  t.equal(upstreamFailed(sts, slow).status, 504);
  t.match(upstreamFailed(sts, slow).body.toString(), '<Code>RequestTimeout</Code>');
  const lambda = { protocol: 'rest-json' as const, service: 'lambda' };
  t.equal(upstreamFailed(lambda, slow).headers['x-amzn-errortype'], 'RequestTimeoutException');
  t.equal(upstreamFailed(lambda, refused).headers['x-amzn-errortype'], 'ServiceUnavailableException');
});

t.test('too-large bodies, authentication failures and internal failures', async (t) => {
  const s3 = { protocol: 'rest-xml' as const, service: 's3' };
  const large = payloadTooLarge(s3, 1024);
  t.equal(large.status, 413);
  t.match(
    large.body.toString(),
    '<Code>EntityTooLarge</Code><Message>the request body is larger than Airlock&apos;s limit of 1024 bytes</Message>',
  );
  t.equal(
    payloadTooLarge({ protocol: 'json', service: 'kms' }, 1).headers['x-amzn-errortype'],
    'RequestEntityTooLargeException',
  );

  const mismatch = new SignatureMismatchError('The request signature we calculated does not match', { service: 'sts' });
  const sigReply = agentAuthenticationFailed({ protocol: 'json', service: 'kms' }, mismatch);
  t.equal(sigReply.status, 403);
  t.equal(sigReply.headers['x-amzn-errortype'], 'InvalidSignatureException');
  t.match(agentAuthenticationFailed(s3, mismatch).body.toString(), '<Code>SignatureDoesNotMatch</Code>');

  const internal = internalFailure({ protocol: 'query', service: 'iam' });
  t.equal(internal.status, 500);
  t.match(internal.body.toString(), '<Type>Receiver</Type><Code>InternalFailure</Code>');
  t.match(internalFailure(s3).body.toString(), '<Code>InternalError</Code>');
});

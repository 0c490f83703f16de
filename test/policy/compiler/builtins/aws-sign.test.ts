import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import t from 'tap';
import { BuiltinError } from '../../../../proxy/policy/compiler/builtins/host/index.js';
import { call, set } from './fixtures/call-host.js';

const NAME = 'providers.aws.sign_req';
const NOW = 1451311705000000000; // 2015-12-28T14:08:25Z, exact as a double
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const config = {
  aws_access_key: 'MYAWSACCESSKEYGOESHERE',
  aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE',
  aws_service: 's3',
  aws_region: 'us-east-1',
};

type Signed = { headers: Record<string, string> } & Record<string, unknown>;

/** sign calls the built-in through the typed bridge (it is NATIVE_ONLY) with OPA's strict errors. */
function sign(request: unknown, cfg: unknown = config, ns: unknown = NOW): Signed {
  const answer = call(NAME, [request, cfg, ns], { encoding: 'typed', strictBuiltinErrors: true });
  if (!answer.defined) throw new Error('sign_req was undefined');
  return answer.value as Signed;
}

function signatureOf(signed: Signed): string {
  return /Signature=([0-9a-f]{64})$/.exec(signed.headers.Authorization!)![1]!;
}

t.test('signs a request with no body as OPA does (conformance vector)', async (t) => {
  const signed = sign({ method: 'get', url: 'http://example.com' });
  t.same(signed, {
    method: 'get',
    url: 'http://example.com',
    headers: {
      Authorization:
        'AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,' +
        'SignedHeaders=host;x-amz-content-sha256;x-amz-date,' +
        'Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3',
      host: 'example.com',
      'x-amz-content-sha256': EMPTY_SHA256,
      'x-amz-date': '20151228T140825Z',
    },
  });
});

t.test('signs the request headers and keeps them', async (t) => {
  const signed = sign({ method: 'get', url: 'http://example.com', headers: { foo: 'bar' } });
  t.equal(signed.headers.foo, 'bar');
  t.match(signed.headers.Authorization, /SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,/);
  t.equal(signatureOf(signed), '8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952');
});

t.test('hashes a body as Go marshals it, sets as sorted arrays, and returns the body unchanged', async (t) => {
  const signed = sign({ method: 'get', url: 'http://example.com', body: { example: set(4, 3, 2, 1) } });
  t.equal(signed.headers['x-amz-content-sha256'], 'bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07');
  t.equal(signatureOf(signed), '5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88');
  t.same(signed.body, { example: { '$airlock.set': [1, 2, 3, 4] } }, 'the set comes back a set');
});

t.test('prefers raw_body to body', async (t) => {
  const raw = '{"example": {1, 2, 3, 4}}';
  const signed = sign({ method: 'get', url: 'http://example.com', body: { a: 1 }, raw_body: raw });
  t.equal(signed.headers['x-amz-content-sha256'], '22906461e2a98a3e780d0fd260e341bed5e544661e97c5936fc7f3af11aaad8b');
  t.equal(signatureOf(signed), '5bf26e169cb8b02330dba39d53932532438fc856c2f10537689a09ed807c7195');
});

t.test('disable_payload_signing signs UNSIGNED-PAYLOAD', async (t) => {
  const request = { method: 'get', url: 'https://example.com', headers: { foo: 'bar' }, body: { a: 1 } };
  const signed = sign(request, { ...config, disable_payload_signing: true });
  t.equal(signed.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  t.equal(signatureOf(signed), 'c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028');
  const withFalse = sign({ method: 'get', url: 'https://example.com' }, { ...config, disable_payload_signing: false });
  t.equal(withFalse.headers['x-amz-content-sha256'], EMPTY_SHA256);
});

t.test('signs a given x-amz-content-sha256 but returns its own', async (t) => {
  const request = {
    method: 'get',
    url: 'https://example.com',
    headers: { foo: 'bar', 'x-amz-content-sha256': 'existing-value' },
    body: { example: set(1, 2, 3, 4) },
  };
  const signed = sign(request, { ...config, disable_payload_signing: false });
  t.equal(signed.headers['x-amz-content-sha256'], 'bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07');
  t.equal(signatureOf(signed), '42bcac7fc6d170e09be72fdf38b62e59361265bc59d5f9156f0d6faf889e98ba');
});

t.test('adds the session token, and x-amz-content-sha256 only for s3 and glacier', async (t) => {
  const token = sign({ method: 'GET', url: 'https://sts.amazonaws.com/' }, { ...config, aws_session_token: 'TOKEN' });
  t.equal(token.headers['x-amz-security-token'], 'TOKEN');
  t.match(token.headers.Authorization, /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/);
  const other = sign({ method: 'GET', url: 'https://sts.amazonaws.com/' }, { ...config, aws_service: 'sts' });
  t.notOk('x-amz-content-sha256' in other.headers);
  t.match(other.headers.Authorization, /\/sts\/aws4_request,SignedHeaders=host;x-amz-date,/);
  const glacier = sign({ method: 'GET', url: 'https://glacier.amazonaws.com/' }, { ...config, aws_service: 'glacier' });
  t.equal(glacier.headers['x-amz-content-sha256'], EMPTY_SHA256);
});

t.test('leaves authorization, user-agent and x-amzn-trace-id unsigned, and replaces Authorization', async (t) => {
  const request = {
    method: 'GET',
    url: 'https://example.com/',
    headers: { 'User-Agent': 'ua', 'X-Amzn-Trace-Id': 'trace', Authorization: 'old' },
  };
  const signed = sign(request);
  t.match(signed.headers.Authorization, /^AWS4-HMAC-SHA256 .*SignedHeaders=host;x-amz-content-sha256;x-amz-date,/);
  t.equal(signed.headers['User-Agent'], 'ua');
  t.equal(signed.headers['X-Amzn-Trace-Id'], 'trace');
});

t.test('signs the path as Go escapes it and the query as written', async (t) => {
  const base = sign({ method: 'GET', url: 'https://example.com/a%20b/c?z=1&a=2' });
  const same = sign({ method: 'GET', url: 'https://example.com/a b/c?z=1&a=2' });
  t.equal(signatureOf(base), signatureOf(same), 'a space and %20 are one path');
  const reordered = sign({ method: 'GET', url: 'https://example.com/a%20b/c?a=2&z=1' });
  t.not(signatureOf(base), signatureOf(reordered), 'the query is not sorted');
});

t.test('matches @smithy/signature-v4 on AWS’s documented S3 example', async (t) => {
  const credentials = {
    aws_access_key: 'AKIAIOSFODNN7EXAMPLE',
    aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    aws_service: 's3',
    aws_region: 'us-east-1',
  };
  const ns = 1369353600000000000; // 2013-05-24T00:00:00Z
  const signed = sign(
    { method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', headers: { Range: 'bytes=0-9' } },
    credentials,
    ns,
  );
  t.equal(signatureOf(signed), 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');

  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.aws_access_key, secretAccessKey: credentials.aws_secret_access_key },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const smithy = await signer.sign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      query: {},
      headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9' },
    },
    { signingDate: new Date(ns / 1e6) },
  );
  t.match(smithy.headers.authorization, /Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41$/);
});

t.test('matches @smithy/signature-v4 on a query request with a session token', async (t) => {
  const ns = 1700000000000000000;
  const signed = sign(
    { method: 'GET', url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08' },
    {
      aws_access_key: 'AKIDEXAMPLE',
      aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      aws_session_token: 'SESSION',
      aws_service: 'iam',
      aws_region: 'us-east-1',
    },
    ns,
  );
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'SESSION',
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const smithy = await signer.sign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: 'iam.amazonaws.com',
      path: '/',
      query: { Action: 'ListUsers', Version: '2010-05-08' },
      headers: { host: 'iam.amazonaws.com' },
    },
    { signingDate: new Date(ns / 1e6) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(smithy.headers.authorization!)![1];
  t.equal(signatureOf(signed), expected);
  t.equal(signed.headers['x-amz-date'], smithy.headers['x-amz-date']);
});

t.test('refuses what OPA refuses, with OPA’s messages', async (t) => {
  const request = { method: 'get', url: 'http://example.com' };
  const cases: [string, () => unknown, RegExp][] = [
    [
      'missing request keys',
      () => sign({}),
      /^providers\.aws\.sign_req: operand 1 missing required request parameters\(s\): \{"method", "url"\}$/,
    ],
    [
      'request values of the wrong type',
      () => sign({ method: set(), url: set() }),
      /operand 1 invalid values for required request parameters\(s\): \{"method", "url"\}$/,
    ],
    [
      'unknown request keys',
      () => sign({ ...request, verb: 'x' }),
      /operand 1 invalid request parameters\(s\): \{"verb"\}$/,
    ],
    [
      'missing config keys',
      () => sign(request, { example: 'example' }),
      /operand 2 missing required AWS config parameters\(s\): \{"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"\}$/,
    ],
    [
      'config values of the wrong type',
      () => sign(request, { ...config, aws_region: 5 }),
      /operand 2 invalid values for required AWS config parameters\(s\): \{"aws_region"\}$/,
    ],
    [
      'a fractional timestamp',
      () => sign(request, config, 1.5),
      /operand 3 could not convert time_ns value into a unix timestamp$/,
    ],
    [
      'a timestamp past int64',
      () => sign(request, config, { '$airlock.number': '9223372036854775808' }),
      /operand 3 could not convert time_ns value into a unix timestamp$/,
    ],
    [
      'a timestamp that is not a number',
      () => sign(request, config, 'now'),
      /operand 1 must be number but got string$/,
    ],
    [
      'headers that are not an object',
      () => sign({ ...request, headers: 'x' }),
      /operand 0 must be object but got string$/,
    ],
    [
      'disable_payload_signing not a boolean',
      () => sign(request, { ...config, disable_payload_signing: 'false' }),
      /operand 2 invalid value for 'disable_payload_signing' in AWS config$/,
    ],
    [
      'a URL Go cannot parse',
      () => sign({ ...request, url: 'http://[::1' }),
      /: parse "http:\/\/\[::1": missing '\]' in host$/,
    ],
    ['a request that is not an object', () => sign('x'), /operand 1 must be object but got string$/],
  ];
  for (const [note, run, message] of cases) {
    t.throws(run, message, note);
  }
  t.throws(() => sign({}), BuiltinError);
  const lenient = call(NAME, [{}, config, NOW], { encoding: 'typed' });
  t.same(lenient, { defined: false }, 'undefined when errors are not strict');
});

t.test('signs at negative times as Go does (before 1970)', async (t) => {
  const signed = sign({ method: 'get', url: 'http://example.com' }, config, -1_000_000_000);
  t.equal(signed.headers['x-amz-date'], '19691231T235959Z');
});

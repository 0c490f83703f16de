import t from 'tap';
import { parseQueryString, toQueryMap } from '../../proxy/decode/format/url.js';
import { type DecodeError, parseCredentialScope } from '../../proxy/decode/index.js';

const query = (raw: string) => toQueryMap(parseQueryString(raw, false));
const PRESIGN =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=abc';

t.test('reads the credential scope from a SigV4 Authorization header', async (t) => {
  const scope = parseCredentialScope(
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
    query(''),
  );
  t.same(scope, {
    accessKeyId: 'AKIDEXAMPLE',
    date: '20260101',
    region: 'us-east-1',
    service: 'iam',
    source: 'header',
  });
});

t.test('accepts components without spaces after commas', async (t) => {
  const scope = parseCredentialScope(
    'AWS4-HMAC-SHA256 SignedHeaders=host,Credential=AKID/20260101/eu-west-1/monitoring/aws4_request,Signature=abc',
    query(''),
  );
  t.equal(scope?.service, 'monitoring');
  t.equal(scope?.region, 'eu-west-1');
});

t.test('reads the scope of a presigned URL from X-Amz-Credential', async (t) => {
  t.same(parseCredentialScope(undefined, query(PRESIGN)), {
    accessKeyId: 'AKIDEXAMPLE',
    date: '20260101',
    region: 'eu-west-1',
    service: 's3',
    source: 'query',
  });
});

t.test('returns undefined for an unsigned request', async (t) => {
  t.equal(parseCredentialScope(undefined, query('a=1')), undefined);
  t.equal(parseCredentialScope('', query('')), undefined);
});

const refused: { note: string; authorization?: string; query?: string; reason: DecodeError['reason'] }[] = [
  { note: 'SigV2 header', authorization: 'AWS AKIDEXAMPLE:c2lnbmF0dXJl', reason: 'unsupported-signature' },
  {
    note: 'SigV2 presigned URL',
    query: 'AWSAccessKeyId=AKID&Expires=1&Signature=abc',
    reason: 'unsupported-signature',
  },
  {
    note: 'SigV4a header',
    authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/s3/aws4_request, SignedHeaders=host, Signature=abc',
    reason: 'unsupported-signature',
  },
  {
    note: 'SigV4a presigned URL',
    query: 'X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=a',
    reason: 'unsupported-signature',
  },
  { note: 'bearer token', authorization: 'Bearer abc', reason: 'unsupported-signature' },
  {
    note: 'no Credential',
    authorization: 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'four-part scope',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/aws4_request',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'bad terminator',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws5_request',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'bad date',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/2026-01-01/us-east-1/iam/aws4_request',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'upper-case service',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/IAM/aws4_request',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'slash smuggled into the key',
    authorization: 'AWS4-HMAC-SHA256 Credential=AK/ID/20260101/us-east-1/iam/aws4_request',
    reason: 'malformed-credential-scope',
  },
  {
    note: 'two Credential components',
    authorization:
      'AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/iam/aws4_request, Credential=B/20260101/us-east-1/s3/aws4_request',
    reason: 'ambiguous-request',
  },
  {
    note: 'header and presigned query together',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request',
    query: PRESIGN,
    reason: 'ambiguous-request',
  },
  {
    note: 'presign without algorithm',
    query: 'X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request',
    reason: 'malformed-credential-scope',
  },
  { note: 'presign credential twice', query: `${PRESIGN}&X-Amz-Credential=x`, reason: 'malformed-credential-scope' },
];

t.test('refuses signatures it cannot read', async (t) => {
  for (const c of refused) {
    t.throws(
      () => parseCredentialScope(c.authorization, query(c.query ?? '')),
      { name: 'DecodeError', reason: c.reason },
      c.note,
    );
  }
});

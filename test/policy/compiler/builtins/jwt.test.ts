import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';

const OCT_KEY = {
  kty: 'oct',
  k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
};

t.test('io.jwt.encode_sign reproduces RFC 7515 appendix A.1', async (t) => {
  const payload = {
    aud: ['bob', 'saul'],
    exp: 1300819380,
    'http://example.com/is_root': true,
    iss: 'joe',
    privateParams: { private_one: 'one', private_two: 'two' },
  };
  t.equal(
    value('io.jwt.encode_sign', [{ alg: 'HS256', typ: 'JWT' }, payload, OCT_KEY]),
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOlsiYm9iIiwic2F1bCJdLCJleHAiOjEzMDA4MTkzODAsImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlLCJpc3MiOiJqb2UiLCJwcml2YXRlUGFyYW1zIjp7InByaXZhdGVfb25lIjoib25lIiwicHJpdmF0ZV90d28iOiJ0d28ifX0.-Or2eol8bzly-Ztb0v7_7UkcKBkN_aNNpK33HK0MeOY',
  );
  t.equal(
    value('io.jwt.encode_sign', [{ alg: 'HS256', typ: 'JWT' }, { iat: 1678000000, exp: 1678000300 }, OCT_KEY]),
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2NzgwMDAzMDAsImlhdCI6MTY3ODAwMDAwMH0.ZNCOrxE5MNdrqzHmiQ7c3so0IvGqHddBZFWe3kBaQHg',
  );
});

t.test('io.jwt.encode_sign_raw signs the given text', async (t) => {
  const key = JSON.stringify(OCT_KEY);
  t.equal(
    value('io.jwt.encode_sign_raw', [
      '{"typ":"JWT",\r\n "alg":"HS256"}',
      '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}',
      key,
    ]),
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  );
  t.equal(
    value('io.jwt.encode_sign_raw', ['{"typ":"text/plain",\r\n "alg":"HS256"}', 'e', key]),
    'eyJ0eXAiOiJ0ZXh0L3BsYWluIiwNCiAiYWxnIjoiSFMyNTYifQ.ZQ.oO8Vnc4Jv7-J231a1bEcQrgXfKbNW-kEvVY7BP1v5rM',
  );
  t.throws(
    () => strict('io.jwt.encode_sign_raw', ['{"typ":"JWT","alg":"HS256"}', 'e', key]),
    /type is JWT but payload is not JSON/,
  );
  t.same(call('io.jwt.encode_sign_raw', ['{}', '{}', key]), { defined: false });
  t.same(call('io.jwt.encode_sign_raw', ['', '{}', key]), { defined: false });
});

t.test('io.jwt.decode splits a token', async (t) => {
  const token = value('io.jwt.encode_sign', [
    { alg: 'HS256', typ: 'JWT' },
    { iss: 'opa', sub: '0' },
    OCT_KEY,
  ]) as string;
  const [header, payload, signature] = value('io.jwt.decode', [token]) as [unknown, unknown, string];
  t.same(header, { alg: 'HS256', typ: 'JWT' });
  t.same(payload, { iss: 'opa', sub: '0' });
  t.match(signature, /^[0-9a-f]{64}$/);
  t.throws(() => strict('io.jwt.decode', ['abc']), /encoded JWT had no period separators/);
  t.throws(() => strict('io.jwt.decode', ['a.b']), /encoded JWT must have 3 sections, found 2/);
  const jwe = `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.e30.`;
  t.throws(() => strict('io.jwt.decode', [jwe]), /JWT is a JWE object/);
  const nested = value('io.jwt.encode_sign_raw', [
    '{"alg":"HS256","cty":"JWT"}',
    JSON.stringify(token),
    JSON.stringify(OCT_KEY),
  ]) as string;
  t.same(
    (value('io.jwt.decode', [nested]) as unknown[])[1],
    { iss: 'opa', sub: '0' },
    'a nested token decodes to the inner one',
  );
});

t.test('io.jwt.verify_hs* check HMAC signatures', async (t) => {
  const secret = 'secret';
  const key = { kty: 'oct', k: Buffer.from(secret).toString('base64url') };
  for (const bits of ['256', '384', '512']) {
    const token = value('io.jwt.encode_sign', [{ alg: `HS${bits}` }, { a: 1 }, key]) as string;
    t.equal(value(`io.jwt.verify_hs${bits}`, [token, secret]), true, `HS${bits}`);
    t.equal(value(`io.jwt.verify_hs${bits}`, [token, 'wrong']), false, `HS${bits} with a wrong secret`);
  }
});

t.test('io.jwt.verify_* check asymmetric signatures with PEM keys and JWKs', async (t) => {
  const pairs = {
    RS: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    PS: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
    EdDSA: generateKeyPairSync('ed25519'),
  };
  const algorithms: [string, keyof typeof pairs][] = [
    ['RS256', 'RS'],
    ['RS384', 'RS'],
    ['RS512', 'RS'],
    ['PS256', 'PS'],
    ['PS384', 'PS'],
    ['PS512', 'PS'],
    ['ES256', 'ES256'],
    ['ES384', 'ES384'],
    ['ES512', 'ES512'],
    ['EdDSA', 'EdDSA'],
  ];
  for (const [alg, pairName] of algorithms) {
    const pair = pairs[pairName];
    const privateJwk = pair.privateKey.export({ format: 'jwk' });
    const token = value('io.jwt.encode_sign', [{ alg }, { sub: 'x' }, privateJwk]) as string;
    const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const jwk = JSON.stringify(pair.publicKey.export({ format: 'jwk' }));
    const builtin = `io.jwt.verify_${alg.toLowerCase()}`;
    t.equal(value(builtin, [token, pem]), true, `${alg} with a PEM public key`);
    t.equal(value(builtin, [token, jwk]), true, `${alg} with a JWK`);
    t.equal(value(builtin, [token, JSON.stringify({ keys: [JSON.parse(jwk)] })]), true, `${alg} with a JWK set`);
    const tampered = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('nope').toString('base64url')}`;
    t.equal(value(builtin, [tampered, pem]), false, `${alg} with a bad signature`);
  }
  t.throws(
    () => strict('io.jwt.verify_rs256', ['a.b.c', '-----BEGIN FOO-----\nAAAA\n-----END FOO-----']),
    /failed to extract a Key/,
  );
  t.throws(() => strict('io.jwt.verify_rs256', ['a.b.c', 'not json']), /failed to parse a JWK key/);
});

// From OPA's conformance case jwtdecodeverify/rs256-exp-now-explicit-expired.
const RS256_TOKEN =
  'eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCJ9.eyJpc3MiOiAieHh4IiwgImV4cCI6IDMwMDB9.hqDP3AzshNhUZMI02U3nLPrj93QFrgs-74XFrF1Vry2bplrz-NKpdVdfTu8iY_bhmkWf2Om5DdwRZj2ZgpGahtnshnHaRq0RyqF-m3Y7oNj6JL_YMwgxsFIIHtBlagBqDU-gZK99iqSOSGqVhvxqX6gCqFgE7vnEGHeeDedtRM53coAJuwzy8rQV9m3TewoofPdPasGv-dBLQZ3qgmnibkSgb7SmFpjXBy8zL3xJXOZhAHYlgcmcEoFVaWlBguIcWA87WZlpCLYcdYTJzSZweC3QLUhZ4RLJW84-LMKp6xWLLPrp3OgnsduB2G9PYMmYw_qCkuY1KGwfH4PvCQbAzQ';
const RS256_CERT = `-----BEGIN CERTIFICATE-----
MIIC/DCCAeSgAwIBAgIJAJRvYDU3ei3EMA0GCSqGSIb3DQEBCwUAMBMxETAPBgNV
BAMMCHdoYXRldmVyMB4XDTE4MDgxMDEwMzgxNloXDTE4MDkwOTEwMzgxNlowEzER
MA8GA1UEAwwId2hhdGV2ZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB
AQC4kCmzLMW/5jzkzkmN7Me8wPD+ymBUIjsGqliGfMrfFfDV2eTPVtZcYD3IXoB4
AOUT7XJzWjOsBRFOcVKKEiCPjXiLcwLb/QWQ1x0Budft32r3+N0KQd1rgcRHTPNc
JoeWCfOgDPp51RTzTT6HQuV4ud+CDhRJP7QMVMIgal9Nuzs49LLZaBPW8/rFsHjk
JQ4kDujSrpcT6F2FZY3SmWsOJgP7RjVKk5BheYeFKav5ZV4p6iHn/TN4RVpvpNBh
5z/XoHITJ6lpkHSDpbIaQUTpobU2um8N3biz+HsEAmD9Laa27WUpYSpiM6DDMSXl
dBDJdumerVRJvXYCtfXqtl17AgMBAAGjUzBRMB0GA1UdDgQWBBRz74MkVzT2K52/
FJC4mTa9coM/DTAfBgNVHSMEGDAWgBRz74MkVzT2K52/FJC4mTa9coM/DTAPBgNV
HRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAD1ZE4IaIAetqGG+vt9oz1
Ix0j4EPok0ONyhhmiSsF6rSv8zlNWweVf5y6Z+AoTNY1Fym0T7dbpbqIox0EdKV3
FLzniWOjznupbnqfXwHX/g1UAZSyt3akSatVhvNpGlnd7efTIAiNinX/TkzIjhZ7
ihMIZCGykT1P0ys1OaeEf57wAzviatD4pEMTIW0OOqY8bdRGhuJR1kKUZ/2Nm8Ln
y7E0y8uODVbH9cAwGyzWB/QFc+bffNgi9uJaPQQc5Zxwpu9utlqyzFvXgV7MBYUK
EYSLyxp4g4e5aujtLugaC8H6n9vP1mEBr/+T8HGynBZHNTKlDhhL9qDbpkkNB6/w
-----END CERTIFICATE-----`;

t.test('io.jwt.decode_verify checks signature, algorithm, issuer, audience and time', async (t) => {
  t.equal(value('io.jwt.verify_rs256', [RS256_TOKEN, RS256_CERT]), true, 'a certificate key');
  t.same(value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT, time: 2000e9 }]), [
    true,
    { alg: 'RS256', typ: 'JWT' },
    { iss: 'xxx', exp: 3000 },
  ]);
  t.same(
    value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT }], { now: 1_700_000_000_000_000_000n }),
    [false, {}, {}],
    'expired now',
  );
  t.same(
    value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT, time: 3000e9 }]),
    [false, {}, {}],
    'expired at exp',
  );
  t.same(value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT, time: 2000e9, iss: 'yyy' }]), [false, {}, {}]);
  t.same(value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT, time: 2000e9, alg: 'RS512' }]), [
    false,
    {},
    {},
  ]);
  t.same(value('io.jwt.decode_verify', [RS256_TOKEN, { cert: RS256_CERT, time: 2000e9, aud: 'x' }]), [false, {}, {}]);

  const key = { kty: 'oct', k: Buffer.from('42').toString('base64url') };
  const withAud = value('io.jwt.encode_sign', [{ alg: 'HS256' }, { aud: ['a', 'b'], nbf: 100 }, key]) as string;
  t.equal((value('io.jwt.decode_verify', [withAud, { secret: '42', aud: 'b', time: 200e9 }]) as unknown[])[0], true);
  t.equal(
    (value('io.jwt.decode_verify', [withAud, { secret: '42', time: 200e9 }]) as unknown[])[0],
    false,
    'an audience needs a constraint',
  );
  t.equal(
    (value('io.jwt.decode_verify', [withAud, { secret: '42', aud: 'b', time: 50e9 }]) as unknown[])[0],
    false,
    'not yet valid',
  );
  const missingIss = value('io.jwt.encode_sign', [{ alg: 'HS256' }, {}, key]) as string;
  t.same(value('io.jwt.decode_verify', [missingIss, { secret: '42', iss: 'xxx' }]), [false, {}, {}]);
  const badExp = value('io.jwt.encode_sign', [{ alg: 'HS256' }, { exp: null }, key]) as string;
  t.throws(() => strict('io.jwt.decode_verify', [badExp, { secret: '42' }]), /exp value must be a number/);
  t.throws(() => strict('io.jwt.decode_verify', [missingIss, {}]), /no key constraint/);
  t.throws(
    () => strict('io.jwt.decode_verify', [missingIss, { secret: '42', cert: RS256_CERT }]),
    /duplicate key constraints/,
  );
  t.throws(
    () => strict('io.jwt.decode_verify', [missingIss, { secret: '42', bogus: 1 }]),
    /unknown token validation constraint: bogus/,
  );
});

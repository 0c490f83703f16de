import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import t from 'tap';
import { call, text, value } from './fixtures/call-host.js';
import { errorOf, type Json } from './fixtures/x509/answers.js';
import { issue, tlv } from './fixtures/x509/pki.js';

const PARSE_KEYS = 'crypto.parse_private_keys';
const PARSE_RSA = 'crypto.x509.parse_rsa_private_key';
const KEY_PAIR = 'crypto.x509.parse_keypair';

const big = (b64url: string) => BigInt(`0x${Buffer.from(b64url, 'base64url').toString('hex')}`);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');
const x25519 = generateKeyPairSync('x25519');

const pem = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1') => key.export({ type, format: 'pem' }) as string;

t.test('crypto.parse_private_keys reads PKCS #1, PKCS #8 and SEC 1 blocks as Go key values', async (t) => {
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  const rsaText = text(PARSE_KEYS, [pem(rsa.privateKey, 'pkcs1')])!;
  t.equal(
    rsaText,
    `[{"D":${big(jwk.d!)},"E":65537,"N":${big(jwk.n!)},"Precomputed":{"CRTValues":[],"Dp":${big(jwk.dp!)},` +
      `"Dq":${big(jwk.dq!)},"Qinv":${big(jwk.qi!)}},"Primes":[${big(jwk.p!)},${big(jwk.q!)}]}]`,
  );
  t.equal(text(PARSE_KEYS, [pem(rsa.privateKey, 'pkcs8')]), rsaText, 'PKCS #8 wraps the same key');

  const ecJwk = ec.privateKey.export({ format: 'jwk' });
  const ecExpected = `{"Curve":{},"D":${big(ecJwk.d!)},"X":${big(ecJwk.x!)},"Y":${big(ecJwk.y!)}}`;
  t.equal(text(PARSE_KEYS, [pem(ec.privateKey, 'sec1')]), `[${ecExpected}]`);
  t.equal(text(PARSE_KEYS, [pem(ec.privateKey, 'pkcs8')]), `[${ecExpected}]`);

  const edJwk = ed.privateKey.export({ format: 'jwk' });
  const edBytes = Buffer.concat([Buffer.from(edJwk.d!, 'base64url'), Buffer.from(edJwk.x!, 'base64url')]);
  t.same(
    value(PARSE_KEYS, [pem(ed.privateKey, 'pkcs8')]),
    [edBytes.toString('base64')],
    'Ed25519: seed and public key',
  );
  t.same(value(PARSE_KEYS, [pem(x25519.privateKey, 'pkcs8')]), [{}], 'X25519: *ecdh.PrivateKey has no exported fields');

  const all = [pem(rsa.privateKey, 'pkcs1'), 'junk between blocks', pem(ec.privateKey, 'sec1')].join('\n');
  t.equal((value(PARSE_KEYS, [all]) as unknown[]).length, 2, 'every block, in order');
  t.equal((value(PARSE_KEYS, [Buffer.from(all).toString('base64')]) as unknown[]).length, 2, 'base64 of PEM too');
  t.same(
    value(PARSE_KEYS, ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']),
    [],
    'other blocks skipped',
  );
  t.same(value(PARSE_KEYS, ['nope']), []);
  t.equal(value(PARSE_KEYS, ['']), null);
});

t.test('multi-prime RSA keys get their CRT values from D, as crypto/rsa computes them', async (t) => {
  const int = (n: bigint) => {
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
    return tlv(0x02, Buffer.from(hex, 'hex'));
  };
  const [p, q, r] = [61n, 53n, 71n];
  const n = p * q * r;
  const e = 7n;
  const d = 19563n; // e·d ≡ 1 mod lcm(p−1, q−1, r−1)
  const key = tlv(
    0x30,
    int(1n),
    int(n),
    int(e),
    int(d),
    int(p),
    int(q),
    int(1n),
    int(1n),
    int(1n),
    tlv(0x30, tlv(0x30, int(r), int(1n), int(1n))),
  );
  const block = `-----BEGIN RSA PRIVATE KEY-----\n${Buffer.from(key).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
  t.same(value(PARSE_KEYS, [block]), [
    {
      N: Number(n),
      E: 7,
      D: Number(d),
      Primes: [61, 53, 71],
      Precomputed: {
        Dp: Number(d % 60n),
        Dq: Number(d % 52n),
        Qinv: 38,
        CRTValues: [{ Exp: Number(d % 70n), Coeff: 43, R: 3233 }],
      },
    },
  ]);
});

t.test('invalid keys fail with Go messages', async (t) => {
  const block = (type: string, der: Uint8Array) =>
    `-----BEGIN ${type}-----\n${Buffer.from(der).toString('base64')}\n-----END ${type}-----\n`;
  t.equal(
    errorOf(PARSE_KEYS, [block('RSA PRIVATE KEY', Uint8Array.of(0x30, 0x00))]),
    `${PARSE_KEYS}: asn1: syntax error: sequence truncated`,
  );
  const ecDer = ec.privateKey.export({ type: 'sec1', format: 'der' });
  t.equal(
    errorOf(PARSE_KEYS, [block('RSA PRIVATE KEY', ecDer)]),
    `${PARSE_KEYS}: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)`,
  );
  const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'der' });
  t.equal(
    errorOf(PARSE_KEYS, [block('EC PRIVATE KEY', pkcs8)]),
    `${PARSE_KEYS}: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)`,
  );
  const pkcs1 = Buffer.from(rsa.privateKey.export({ type: 'pkcs1', format: 'der' }));
  // Flip a bit of the last CRT value: crypto/rsa rejects the key.
  pkcs1[pkcs1.length - 1]! ^= 1;
  t.equal(errorOf(PARSE_KEYS, [block('RSA PRIVATE KEY', pkcs1)]), `${PARSE_KEYS}: crypto/rsa: invalid CRT coefficient`);
  t.equal(
    errorOf(PARSE_KEYS, [block('PRIVATE KEY', pkcs1)]),
    `${PARSE_KEYS}: x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)`,
  );
  t.equal(
    errorOf(PARSE_KEYS, [block('PRIVATE KEY', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))]),
    `${PARSE_KEYS}: asn1: syntax error: sequence truncated`,
  );
  t.equal(call(PARSE_KEYS, [block('RSA PRIVATE KEY', pkcs1)]).defined, false, 'undefined when not strict');
});

t.test('crypto.x509.parse_rsa_private_key writes OPA JWKs', async (t) => {
  const jwk = rsa.privateKey.export({ format: 'jwk' });
  for (const input of [pem(rsa.privateKey, 'pkcs1'), Buffer.from(pem(rsa.privateKey, 'pkcs8')).toString('base64')]) {
    t.same(value(PARSE_RSA, [input]), {
      kty: 'RSA',
      n: jwk.n,
      e: jwk.e,
      d: jwk.d,
      p: jwk.p,
      q: jwk.q,
      dp: jwk.dp,
      dq: jwk.dq,
      qi: jwk.qi,
    });
  }
  t.same(value(PARSE_RSA, [pem(ec.privateKey, 'sec1')]), { kty: 'EC' }, "jwx keeps an EC key's fields unexported");
  t.equal(value(PARSE_RSA, ['-----BEGIN NOTHING-----']), null);
  t.equal(errorOf(PARSE_RSA, [pem(ed.privateKey, 'pkcs8')]), `${PARSE_RSA}: invalid key type ed25519.PrivateKey`);
  t.equal(errorOf(PARSE_RSA, ['']), `${PARSE_RSA}: input PEM data was empty`);
  t.equal(errorOf(PARSE_RSA, ['invalid']), `${PARSE_RSA}: illegal base64 data at input byte 4`);
});

t.test('crypto.x509.parse_keypair returns tls.Certificate', async (t) => {
  const leaf = await issue({ name: 'CN=pair', kind: 'rsa' });
  const keyPem = pem(createPrivateKey(await exportPkcs8(leaf.keys.privateKey)), 'pkcs8');
  for (const [cert, key] of [
    [leaf.pem, keyPem],
    [Buffer.from(leaf.pem).toString('base64'), Buffer.from(keyPem).toString('base64')],
    [leaf.der, Buffer.from(createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' })).toString('base64')],
  ] as const) {
    const pair = value(KEY_PAIR, [cert, key]) as Json;
    t.same(pair.Certificate, [leaf.der]);
    t.equal(pair.Leaf.Subject.CommonName, 'pair');
    t.notOk('URIStrings' in pair.Leaf);
    t.equal(pair.PrivateKey.E, 65537);
    t.same([pair.SupportedSignatureAlgorithms, pair.OCSPStaple, pair.SignedCertificateTimestamps], [null, null, null]);
  }
  const other = await issue({ name: 'CN=other', kind: 'rsa' });
  t.equal(errorOf(KEY_PAIR, [other.pem, keyPem]), `${KEY_PAIR}: tls: private key does not match public key`);
  t.equal(
    errorOf(KEY_PAIR, [leaf.pem, pem(ec.privateKey, 'sec1')]),
    `${KEY_PAIR}: tls: private key type does not match public key type`,
  );
  t.equal(
    errorOf(KEY_PAIR, [keyPem, leaf.pem]),
    `${KEY_PAIR}: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched`,
  );
  t.equal(
    errorOf(KEY_PAIR, [leaf.pem, leaf.pem]),
    `${KEY_PAIR}: tls: found a certificate rather than a key in the PEM for the private key`,
  );
  t.equal(errorOf(KEY_PAIR, ['%%%', keyPem]), `${KEY_PAIR}: illegal base64 data at input byte 0`);
  t.equal(
    errorOf(KEY_PAIR, [leaf.pem, 1]),
    `${KEY_PAIR}: operand 1 must be string but got number`,
    "OPA's operand number",
  );
});

async function exportPkcs8(key: CryptoKey): Promise<{ key: Buffer; format: 'der'; type: 'pkcs8' }> {
  const { webcrypto } = await import('node:crypto');
  return { key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)), format: 'der', type: 'pkcs8' };
}

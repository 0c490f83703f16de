import { webcrypto } from 'node:crypto';
import t from 'tap';
import { call, value } from './fixtures/call-host.js';
import { errorOf, type Json } from './fixtures/x509/answers.js';
import { x509 } from './fixtures/x509/pki.js';

const PARSE = 'crypto.x509.parse_certificate_request';

async function request(extensions: x509.Extension[] = []) {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  return x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=service.example.com, O=Airlock',
    keys,
    signingAlgorithm: algorithm,
    extensions,
  });
}

t.test('a certificate request reads as x509.CertificateRequest, in every input form', async (t) => {
  const csr = await request([
    new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'service.example.com' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'url', value: 'spiffe://example.com/service' },
    ]),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ]);
  const pem = csr.toString('pem');
  const der = Buffer.from(csr.rawData).toString('base64');
  for (const input of [pem, Buffer.from(pem).toString('base64'), der]) {
    const json = value(PARSE, [input]) as Json;
    t.equal(json.Subject.CommonName, 'service.example.com');
    t.same(json.Subject.Organization, ['Airlock']);
    t.equal(json.Raw, der);
    t.equal(json.Version, 0);
    t.equal(json.SignatureAlgorithm, 10);
    t.equal(json.PublicKeyAlgorithm, 3);
    t.same(json.PublicKey.Curve, {});
    t.same(json.DNSNames, ['service.example.com']);
    t.same(json.IPAddresses, ['10.0.0.1']);
    t.equal(json.URIs[0].Host, 'example.com');
    t.equal(json.EmailAddresses, null);
    t.same(
      json.Extensions.map((e: Json) => [e.Id, e.Critical]),
      [
        [[2, 5, 29, 17], false],
        [[2, 5, 29, 15], true],
      ],
    );
    t.same(json.Attributes[0].Type, [1, 2, 840, 113549, 1, 9, 14]);
    // encoding/asn1 reads each extension as an AttributeTypeAndValue: a BOOLEAN becomes nil, the rest is dropped.
    t.same(json.Attributes[0].Value[0][1], { Type: [2, 5, 29, 15], Value: null });
    t.equal(json.ExtraExtensions, null);
  }
});

t.test('a request without extensions has null lists', async (t) => {
  const json = value(PARSE, [(await request()).toString('pem')]) as Json;
  t.equal(json.Extensions, null);
  t.equal(json.Attributes, null);
  t.equal(json.DNSNames, null);
});

t.test('errors carry Go messages, encoding/asn1 ones included', async (t) => {
  t.equal(
    errorOf(PARSE, ['YmFkc3RyaW5n']),
    `${PARSE}: asn1: structure error: tags don't match (16 vs {class:1 tag:2 length:97 isCompound:true}) ` +
      '{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 ' +
      'timeType:0 set:false omitEmpty:false} certificateRequest @2',
  );
  t.equal(errorOf(PARSE, ['foobar']), `${PARSE}: illegal base64 data at input byte 4`);
  t.equal(errorOf(PARSE, ['']), `${PARSE}: asn1: syntax error: sequence truncated`);
  t.equal(errorOf(PARSE, ['MAA=']), `${PARSE}: asn1: syntax error: sequence truncated`);
  t.equal(errorOf(PARSE, ['MIA=']), `${PARSE}: asn1: syntax error: indefinite length found (not DER)`);
  t.equal(errorOf(PARSE, ['MAOgAQ==']), `${PARSE}: asn1: syntax error: data truncated`);
  const der = Buffer.from((await request()).rawData);
  t.equal(
    errorOf(PARSE, [Buffer.concat([der, Uint8Array.of(0)]).toString('base64')]),
    `${PARSE}: asn1: syntax error: trailing data`,
  );
  t.equal(
    errorOf(PARSE, ['-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n']),
    `${PARSE}: asn1: syntax error: sequence truncated`,
  );
  t.equal(
    errorOf(PARSE, [Buffer.from('-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n').toString('base64')]),
    `${PARSE}: invalid PEM-encoded certificate signing request`,
  );
  t.equal(call(PARSE, ['foobar']).defined, false, 'undefined when not strict');
});

import { createPublicKey, X509Certificate } from 'node:crypto';
import t from 'tap';
import { call, text, value } from './fixtures/call-host.js';
import { errorOf, type Json } from './fixtures/x509/answers.js';
import { chainPem, derExtension, issue, tlv, x509 } from './fixtures/x509/pki.js';

const PARSE = 'crypto.x509.parse_certificates';

const parse = (input: string) => value(PARSE, [input]) as Json[];

const bigFromBase64url = (b64: string) => BigInt(`0x${Buffer.from(b64, 'base64url').toString('hex')}`);

t.test('every input form reads the same certificates', async (t) => {
  const root = await issue({ name: 'CN=Root', ca: {} });
  const leaf = await issue({ name: 'CN=Leaf', issuer: root });
  const pem = chainPem(leaf, root);
  const forms = {
    pem,
    'base64 of PEM': Buffer.from(pem).toString('base64'),
    'base64 of DER': Buffer.concat([Buffer.from(leaf.der, 'base64'), Buffer.from(root.der, 'base64')]).toString(
      'base64',
    ),
    'base64 with line breaks': Buffer.from(pem).toString('base64').replace(/.{60}/g, '$&\r\n'),
  };
  for (const [form, input] of Object.entries(forms)) {
    t.same(
      parse(input).map((c) => c.Subject.CommonName),
      ['Leaf', 'Root'],
      form,
    );
  }
  t.same(parse(''), [], 'no certificates at all is an empty array');
  t.same(parse('-----BEGIN garbage'), [], 'nor is PEM without blocks');
});

t.test('the fields come out as Go marshals x509.Certificate', async (t) => {
  const root = await issue({ name: 'CN=Root CA, O=Airlock, C=NL', ca: { pathLength: 2 } });
  const leaf = await issue({
    name: 'CN=leaf.example.com, O=Airlock, OU=Proxy, OU=Policy, L=Amsterdam, ST=NH, C=NL, 2.5.4.5=42',
    issuer: root,
    serial: '00e0f1a2b3c4d5e6f708',
    notBefore: new Date('2024-02-29T12:34:56Z'),
    notAfter: new Date('2051-01-01T00:00:00Z'),
    leaf: true,
    keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '1.2.3.4'],
    san: [
      { type: 'dns', value: 'leaf.example.com' },
      { type: 'dns', value: '*.leaf.example.com' },
      { type: 'email', value: 'ops@example.com' },
      { type: 'ip', value: '192.0.2.7' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'url', value: 'https://user@example.com:8443/a%20b?q=1#frag' },
      { type: 'url', value: 'urn:uuid:0a0b' },
    ],
    extensions: [derExtension('1.2.3.4.5', true, Uint8Array.of(0x05, 0x00))],
  });
  const [cert] = parse(leaf.pem) as [Json];
  const node = new X509Certificate(leaf.pem);

  t.equal(cert.Raw, leaf.der);
  t.equal(cert.Version, 3);
  const serial = BigInt('0xe0f1a2b3c4d5e6f708');
  t.equal(BigInt(`0x${node.serialNumber}`), serial);
  t.ok(text(PARSE, [leaf.pem])!.includes(`"SerialNumber":${serial},`), 'serial, every digit');
  t.equal(cert.NotBefore, '2024-02-29T12:34:56Z');
  t.equal(cert.NotAfter, '2051-01-01T00:00:00Z', 'GeneralizedTime after 2049');
  t.same(cert.Subject, {
    Country: ['NL'],
    Organization: ['Airlock'],
    OrganizationalUnit: ['Proxy', 'Policy'],
    Locality: ['Amsterdam'],
    Province: ['NH'],
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '42',
    CommonName: 'leaf.example.com',
    Names: cert.Subject.Names,
    ExtraNames: null,
  });
  t.same(cert.Subject.Names[0], { Type: [2, 5, 4, 3], Value: 'leaf.example.com' });
  t.equal(cert.Issuer.CommonName, 'Root CA');
  t.same(cert.DNSNames, ['leaf.example.com', '*.leaf.example.com']);
  t.same(cert.EmailAddresses, ['ops@example.com']);
  t.same(cert.IPAddresses, ['192.0.2.7', '2001:db8::1']);
  t.same(cert.URIStrings, ['https://user@example.com:8443/a%20b?q=1#frag', 'urn:uuid:0a0b']);
  t.same(cert.URIs[0], {
    Scheme: 'https',
    Opaque: '',
    User: {},
    Host: 'example.com:8443',
    Path: '/a b',
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: 'q=1',
    Fragment: 'frag',
    RawFragment: '',
  });
  t.equal(cert.URIs[1].Opaque, 'uuid:0a0b');
  t.equal(cert.URIs[1].User, null);
  t.equal(cert.KeyUsage, 5);
  t.same(cert.ExtKeyUsage, [1, 2]);
  t.same(cert.UnknownExtKeyUsage, [[1, 2, 3, 4]]);
  t.same(cert.UnhandledCriticalExtensions, [[1, 2, 3, 4, 5]]);
  t.equal(cert.BasicConstraintsValid, true);
  t.equal(cert.IsCA, false);
  t.equal(cert.MaxPathLen, -1);
  t.equal(cert.SignatureAlgorithm, 10, 'ECDSAWithSHA256');
  t.equal(cert.PublicKeyAlgorithm, 3, 'ECDSA');
  const jwk = createPublicKey(leaf.pem).export({ format: 'jwk' });
  const keyText = text(PARSE, [leaf.pem])!;
  t.ok(keyText.includes(`"X":${bigFromBase64url(jwk.x!)}`) && keyText.includes(`"Y":${bigFromBase64url(jwk.y!)}`));
  t.same(cert.PublicKey.Curve, {});
  t.equal(cert.AuthorityKeyId, (await parse(root.pem))[0]!.SubjectKeyId);
  t.equal(cert.ExtraExtensions, null);
  t.equal(cert.Policies, null);
  t.equal(cert.PolicyIdentifiers, null);
  t.equal(cert.Extensions.length, 7);

  const [ca] = parse(root.pem) as [Json];
  t.equal(ca.IsCA, true);
  t.equal(ca.MaxPathLen, 2);
  t.equal(ca.MaxPathLenZero, false);
  t.equal(ca.AuthorityKeyId, null);
});

t.test('RSA and Ed25519 public keys', async (t) => {
  const rsa = await issue({ name: 'CN=rsa', kind: 'rsa' });
  const jwk = createPublicKey(rsa.pem).export({ format: 'jwk' });
  t.ok(text(PARSE, [rsa.pem])!.includes(`"PublicKey":{"E":65537,"N":${bigFromBase64url(jwk.n!)}}`));
  t.equal(parse(rsa.pem)[0]!.SignatureAlgorithm, 4, 'SHA256WithRSA');

  const pss = await issue({ name: 'CN=pss', kind: 'rsa-pss' });
  t.equal(parse(pss.pem)[0]!.SignatureAlgorithm, 13, 'SHA256WithRSAPSS');

  const ed = await issue({ name: 'CN=ed', kind: 'ed25519' });
  const [edCert] = parse(ed.pem) as [Json];
  t.equal(edCert.PublicKeyAlgorithm, 4);
  t.equal(edCert.SignatureAlgorithm, 16);
  t.equal(
    edCert.PublicKey,
    Buffer.from(createPublicKey(ed.pem).export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
  );
});

t.test('policies, name constraints and access locations', async (t) => {
  const policies = tlv(0x30, tlv(0x30, tlv(0x06, Uint8Array.of(0x67, 0x81, 0x0c, 0x01, 0x02, 0x01))));
  const ipConstraint = tlv(0x30, tlv(0xa0, tlv(0x30, tlv(0x87, Uint8Array.of(10, 0, 0, 0, 255, 0, 0, 0)))));
  const aia = tlv(
    0x30,
    tlv(0x30, tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 48, 1)), tlv(0x86, Buffer.from('http://ocsp.example'))),
    tlv(0x30, tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 48, 2)), tlv(0x86, Buffer.from('http://ca.example/ca.crt'))),
  );
  const cert = await issue({
    name: 'CN=policy',
    ca: {},
    extensions: [
      derExtension('2.5.29.32', false, policies),
      derExtension('2.5.29.30', true, ipConstraint),
      derExtension('1.3.6.1.5.5.7.1.1', false, aia),
      derExtension('2.5.29.54', false, tlv(0x02, Uint8Array.of(0))),
    ],
  });
  const [json] = parse(cert.pem) as [Json];
  t.same(json.Policies, ['2.23.140.1.2.1']);
  t.same(json.PolicyIdentifiers, [[2, 23, 140, 1, 2, 1]]);
  t.same(json.PermittedIPRanges, [{ IP: '10.0.0.0', Mask: '/wAAAA==' }]);
  t.equal(json.PermittedDNSDomainsCritical, true);
  t.equal(json.PermittedDNSDomains, null);
  t.same(json.OCSPServer, ['http://ocsp.example']);
  t.same(json.IssuingCertificateURL, ['http://ca.example/ca.crt']);
  t.equal(json.InhibitAnyPolicy, 0);
  t.equal(json.InhibitAnyPolicyZero, true);
  t.equal(json.UnhandledCriticalExtensions, null);
});

t.test('errors carry Go messages', async (t) => {
  t.equal(errorOf(PARSE, ['foobar']), `${PARSE}: illegal base64 data at input byte 4`);
  t.equal(errorOf(PARSE, ['YWJj\nZA=x']), `${PARSE}: illegal base64 data at input byte 7`);
  t.equal(errorOf(PARSE, ['YmFkc3RyaW5n']), `${PARSE}: x509: malformed certificate`);
  t.equal(
    errorOf(PARSE, ['-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n']),
    `${PARSE}: PEM block type is 'KEY', expected CERTIFICATE`,
  );
  t.equal(errorOf(PARSE, [1]), `${PARSE}: operand 1 must be string but got number`);
  const cert = await issue({ name: 'CN=x' });
  const der = Buffer.from(cert.der, 'base64');
  t.equal(
    errorOf(PARSE, [Buffer.concat([der, Uint8Array.of(0)]).toString('base64')]),
    `${PARSE}: x509: malformed certificate`,
  );
  t.equal(
    errorOf(PARSE, [der.subarray(0, der.length - 1).toString('base64')]),
    `${PARSE}: x509: malformed certificate`,
  );
  t.equal(call(PARSE, ['foobar']).defined, false, 'undefined when not strict');
});

t.test('the conformance certificates keep their known values', async (t) => {
  const google =
    'MIIDujCCAqKgAwIBAgIIE31FZVaPXTUwDQYJKoZIhvcNAQEFBQAwSTELMAkGA1UEBhMCVVMxEzARBgNVBAoTCkdvb2dsZSBJbmMxJTAjBgNVBAMTHEdvb2dsZSBJbnRlcm5ldCBBdXRob3JpdHkgRzIwHhcNMTQwMTI5MTMyNzQzWhcNMTQwNTI5MDAwMDAwWjBpMQswCQYDVQQGEwJVUzETMBEGA1UECAwKQ2FsaWZvcm5pYTEWMBQGA1UEBwwNTW91bnRhaW4gVmlldzETMBEGA1UECgwKR29vZ2xlIEluYzEYMBYGA1UEAwwPbWFpbC5nb29nbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfRrObuSW5T7q5CnSEqefEmtH4CCv6+5EckuriNr1CjfVvqzwfAhopXkLrq45EQm8vkmf7W96XJhC7ZM0dYi1/qOCAU8wggFLMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggrBgEFBQcDAjAaBgNVHREEEzARgg9tYWlsLmdvb2dsZS5jb20wCwYDVR0PBAQDAgeAMGgGCCsGAQUFBwEBBFwwWjArBggrBgEFBQcwAoYfaHR0cDovL3BraS5nb29nbGUuY29tL0dJQUcyLmNydDArBggrBgEFBQcwAYYfaHR0cDovL2NsaWVudHMxLmdvb2dsZS5jb20vb2NzcDAdBgNVHQ4EFgQUiJxtimAuTfwb+aUtBn5UYKreKvMwDAYDVR0TAQH/BAIwADAfBgNVHSMEGDAWgBRK3QYWG7z2aLV29YG2u2IaulqBLzAXBgNVHSAEEDAOMAwGCisGAQQB1nkCBQEwMAYDVR0fBCkwJzAloCOgIYYfaHR0cDovL3BraS5nb29nbGUuY29tL0dJQUcyLmNybDANBgkqhkiG9w0BAQUFAAOCAQEAH6RYHxHdcGpMpFE3oxDoFnP+gtuBCHan2yE2GRbJ2Cw8Lw0MmuKqHlf9RSeYfd3BXeKkj1qO6TVKwCh+0HdZk283TZZyzmEOyclm3UGFYe82P/iDFt+CeQ3NpmBg+GoaVCuWAARJN/KfglbLyyYygcQq0SgeDh8dRKUiaW3HQSoYvTvdTuqzwK4CXsr3b5/dAOY8uMuG/IAR3FgwTbZ1dtoWRvOTa8hYiU6A475WuZKyEHcwnGYe57u2I2KbMgcKjPniocj4QzgYsVAVKW3IwaOhyE+vPxsiUkvQHdO2fojCkY8jg70jxM+gu59tPDNbw3Uh/2Ij310FgTHsnGQMyA==';
  const [cert] = parse(google) as [Json];
  t.equal(cert.Subject.CommonName, 'mail.google.com');
  t.same(cert.Subject.Province, ['California']);
  t.equal(cert.SignatureAlgorithm, 3, 'SHA1WithRSA');
  t.equal(cert.KeyUsage, 1);
  t.same(cert.CRLDistributionPoints, ['http://pki.google.com/GIAG2.crl']);
  t.same(cert.Policies, ['1.3.6.1.4.1.11129.2.5.1']);
  t.equal(cert.NotBefore, '2014-01-29T13:27:43Z');
  t.ok(text(PARSE, [google])!.includes('"SerialNumber":1404354960355712309'));
});

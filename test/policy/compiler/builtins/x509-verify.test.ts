import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';
import { chainPem, derExtension, issue, type IssueOptions, nameConstraints, x509 } from './fixtures/x509/pki.js';

const VERIFY = 'crypto.x509.parse_and_verify_certificates';
const WITH_OPTIONS = 'crypto.x509.parse_and_verify_certificates_with_options';
const NOW = BigInt(Date.parse('2025-06-01T00:00:00Z')) * 1_000_000n;
const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

type Verdict = [boolean, { Subject: { CommonName: string }; URIStrings?: unknown; DNSNames: unknown }[]];

const verify = (pem: string, now = NOW) => value(VERIFY, [pem], { now }) as Verdict;
const verifyWith = (pem: string, options: Record<string, unknown>, now = NOW) =>
  value(WITH_OPTIONS, [pem, options], { now }) as Verdict;
const names = (verdict: Verdict) => verdict[1].map((c) => c.Subject.CommonName);

async function chain(
  leafOptions: Partial<IssueOptions> = {},
  rootOptions: Partial<IssueOptions> = {},
  intermediateOptions: Partial<IssueOptions> = {},
) {
  const root = await issue({ name: 'CN=Root', ca: {}, keyUsage: CA_USAGE, ...rootOptions });
  const intermediate = await issue({
    name: 'CN=Intermediate',
    issuer: root,
    ca: { pathLength: 0 },
    keyUsage: CA_USAGE,
    kind: rootOptions.kind,
    ...intermediateOptions,
  });
  const leaf = await issue({
    name: 'CN=Leaf',
    issuer: intermediate,
    leaf: true,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extKeyUsage: [SERVER_AUTH],
    san: [
      { type: 'dns', value: 'service.example.com' },
      { type: 'url', value: 'spiffe://example.com/service' },
    ],
    ...leafOptions,
  });
  return { root, intermediate, leaf, pem: chainPem(root, intermediate, leaf) };
}

t.test('a chain of root, intermediate and leaf verifies, leaf first', async (t) => {
  for (const kind of ['p256', 'p384', 'rsa', 'rsa-pss', 'ed25519'] as const) {
    const { pem } = await chain({ kind }, { kind });
    const verdict = verify(pem);
    t.equal(verdict[0], true, kind);
    t.same(names(verdict), ['Leaf', 'Intermediate', 'Root'], kind);
    t.same(verdict[1][0]!.URIStrings, ['spiffe://example.com/service'], `${kind}: URIStrings are added`);
    t.same(verdict[1][1]!.URIStrings, null);
  }
});

t.test('the _with_options variant returns plain certificates, without URIStrings', async (t) => {
  const { pem } = await chain();
  const verdict = verifyWith(pem, {});
  t.equal(verdict[0], true);
  t.notOk('URIStrings' in verdict[1][0]!);
  t.same(verdict[1][0]!.DNSNames, ['service.example.com']);
});

t.test('chains that do not verify answer [false, []]', async (t) => {
  const good = await chain();
  const stranger = await issue({ name: 'CN=Root', ca: {}, keyUsage: CA_USAGE });
  t.same(verify(chainPem(stranger, good.intermediate, good.leaf)), [false, []], 'signed by another key of that name');
  t.same(verify(good.leaf.pem), [false, []], 'a single certificate');
  t.same(verify('not base64'), [false, []], 'unreadable input');
  t.same(verify(chainPem(good.root, good.leaf)), [false, []], 'intermediate missing');
  t.same(verify(good.pem, BigInt(Date.parse('2035-01-01T00:00:00Z')) * 1_000_000n), [false, []], 'expired');
  t.same(verify(good.pem, BigInt(Date.parse('2023-01-01T00:00:00Z')) * 1_000_000n), [false, []], 'not yet valid');

  const notCa = await chain({}, {}, { ca: undefined, leaf: true });
  t.same(verify(notCa.pem), [false, []], 'an intermediate that is not a CA');

  const pathTooLong = await chain({}, { ca: { pathLength: 0 } });
  t.same(verify(pathTooLong.pem), [false, []], 'the root allows no intermediate');

  const sha1 = await chain({}, { kind: 'p256-sha1' });
  t.same(verify(sha1.pem), [false, []], 'SHA-1 signatures are refused, as Go does');

  const noCertSign = await chain({}, {}, { keyUsage: x509.KeyUsageFlags.digitalSignature });
  t.same(verify(noCertSign.pem), [false, []], 'an intermediate without keyCertSign');
});

t.test('a leaf that is the root itself verifies alone', async (t) => {
  const root = await issue({ name: 'CN=Solo', ca: {}, keyUsage: CA_USAGE, extKeyUsage: [SERVER_AUTH] });
  t.same(names(verify(chainPem(root, root))), ['Solo']);
});

t.test('extended key usages: server authentication by default, KeyUsages to ask for others', async (t) => {
  const { pem } = await chain({ extKeyUsage: [CLIENT_AUTH] });
  t.same(verify(pem), [false, []]);
  t.equal(verifyWith(pem, { KeyUsages: ['KeyUsageClientAuth'] })[0], true);
  t.equal(verifyWith(pem, { KeyUsages: ['KeyUsageServerAuth', 'KeyUsageClientAuth'] })[0], true);
  t.equal(verifyWith(pem, { KeyUsages: ['KeyUsageAny'] })[0], true);
  t.equal(verifyWith(pem, { KeyUsages: ['KeyUsageCodeSigning'] })[0], false);

  const restricted = await chain({}, {}, { extKeyUsage: [CLIENT_AUTH] });
  t.same(verify(restricted.pem), [false, []], "an intermediate's EKU constrains the leaf");
});

t.test('DNSName is matched against the leaf, wildcards in the left-most label only', async (t) => {
  const { pem } = await chain({
    san: [
      { type: 'dns', value: '*.example.com' },
      { type: 'ip', value: '10.1.2.3' },
    ],
  });
  t.equal(verifyWith(pem, { DNSName: 'api.example.com' })[0], true);
  t.equal(verifyWith(pem, { DNSName: 'API.Example.COM.' })[0], true);
  t.equal(verifyWith(pem, { DNSName: '"api.example.com"' })[0], true, 'quotes are trimmed, as OPA does');
  t.equal(verifyWith(pem, { DNSName: 'a.b.example.com' })[0], false);
  t.equal(verifyWith(pem, { DNSName: 'example.com' })[0], false);
  t.equal(verifyWith(pem, { DNSName: '10.1.2.3' })[0], true);
  t.equal(verifyWith(pem, { DNSName: '[10.1.2.3]' })[0], true);
  t.equal(verifyWith(pem, { DNSName: '10.1.2.4' })[0], false);
});

t.test('CurrentTime replaces the evaluation clock', async (t) => {
  const { pem } = await chain();
  const at = (iso: string) => Date.parse(iso) * 1_000_000;
  t.equal(verifyWith(pem, { CurrentTime: at('2030-01-01T00:00:00Z') }, 0n)[0], true);
  t.equal(verifyWith(pem, { CurrentTime: at('2040-01-01T00:00:00Z') })[0], false);
  // Exact nanoseconds reach the host through the typed bridge.
  const exactly = (ns: bigint) =>
    (
      value(WITH_OPTIONS, [pem, { CurrentTime: { '$airlock.number': String(ns) } }], { encoding: 'typed' }) as Verdict
    )[0];
  t.equal(exactly(BigInt(at('2024-01-01T00:00:00Z'))), true, 'notBefore itself is valid');
  t.equal(exactly(BigInt(at('2024-01-01T00:00:00Z')) - 1n), false, 'one ns earlier is not');
  t.throws(
    () => call(WITH_OPTIONS, [pem, { CurrentTime: at('2024-01-01T00:00:00Z') - 100 }]),
    /digits lost/,
    'a rounded instant next to a boundary is refused',
  );
});

t.test('name constraints of a CA apply to every name of the certificates below it', async (t) => {
  const constrained = [derExtension('2.5.29.30', true, nameConstraints(['example.com'], ['blocked.example.com']))];
  const inside = await chain({}, {}, { extensions: constrained });
  t.equal(verify(inside.pem)[0], true);
  const outside = await chain(
    { san: [{ type: 'dns', value: 'service.example.org' }] },
    {},
    { extensions: constrained },
  );
  t.same(verify(outside.pem), [false, []]);
  const excluded = await chain(
    { san: [{ type: 'dns', value: 'a.blocked.example.com' }] },
    {},
    { extensions: constrained },
  );
  t.same(verify(excluded.pem), [false, []]);
  t.same(verifyWith(inside.pem, { MaxConstraintComparisons: 1 }), [false, []], 'too many comparisons');
  t.equal(verifyWith(inside.pem, { MaxConstraintComparisons: 2 })[0], true);

  const wildcard = await chain(
    { san: [{ type: 'dns', value: '*.example.com' }] },
    {},
    {
      extensions: [derExtension('2.5.29.30', true, nameConstraints([], ['x.example.com']))],
    },
  );
  t.throws(() => verify(wildcard.pem), /Go versions after 1\.24\.3/, 'a wildcard under an excluded name is refused');
});

t.test('options are checked as OPA checks them', async (t) => {
  const { pem } = await chain();
  const message = (options: unknown) => {
    try {
      strict(WITH_OPTIONS, [pem, options]);
      return 'no error';
    } catch (error) {
      return (error as Error).message;
    }
  };
  t.equal(message({ DNSName: 1 }), `${WITH_OPTIONS}: 'DNSName' should be a string`);
  t.equal(message({ CurrentTime: 'now' }), `${WITH_OPTIONS}: 'CurrentTime' should be a number`);
  t.equal(message({ CurrentTime: 1.5 }), `${WITH_OPTIONS}: 'CurrentTime' should be a valid int64 number`);
  t.equal(message({ CurrentTime: 1e20 }), `${WITH_OPTIONS}: 'CurrentTime' should be a valid int64 number`);
  t.equal(
    message({ MaxConstraintComparisons: true }),
    `${WITH_OPTIONS}: 'MaxConstraintComparisons' should be a number`,
  );
  t.equal(
    message({ MaxConstraintComparisons: 0.5 }),
    `${WITH_OPTIONS}: 'MaxConstraintComparisons' should be a valid number`,
  );
  t.equal(message({ KeyUsages: 'KeyUsageAny' }), `${WITH_OPTIONS}: 'KeyUsages' should be an Array or Set`);
  t.equal(
    message({ KeyUsages: ['Nope', 'KeyUsageAny', 'Other', 3] }),
    `${WITH_OPTIONS}: invalid entries for 'KeyUsages' found: [Nope Other]`,
  );
  t.equal(message({ Unknown: 1 }), `${WITH_OPTIONS}: invalid key option`);
  t.equal(message([]), `${WITH_OPTIONS}: operand 2 must be object but got array`);
  t.same(value(WITH_OPTIONS, ['garbage', { Unknown: 1 }]), [false, []], 'unreadable certificates first');
  t.equal(call(WITH_OPTIONS, [pem, { DNSName: 1 }]).defined, false, 'errors are undefined when not strict');
});

import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, decodeJwt, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import t from 'tap';
import { createApproverAuthenticator } from '../../proxy/approvers/authenticate.js';
import { issueApproverToken } from '../../proxy/approvers/approver-tokens.js';
import { OidcProviderError, OidcTokenError } from '../../proxy/approvers/errors.js';
import { createOidcVerifier } from '../../proxy/approvers/oidc-verifier.js';
import { openSqliteStore } from '../../proxy/store/index.js';
import { startTestProvider, type TestAccount, type TestProvider } from './oidc-provider-fixture.js';

// Everything here runs against a real OpenID provider (oidc-provider 9) on 127.0.0.1: each valid token comes out of
// its authorization-code flow with PKCE. Only the forgeries (HS256, `alg: none`) are made by the test.

const ACCOUNTS: readonly TestAccount[] = [
  { sub: 'u-bob', email: 'Bob@Example.com', emailVerified: true, groups: ['sre', 'security'] },
  { sub: 'u-carol', email: 'carol@example.com', emailVerified: false, groups: ['sre'] },
  { sub: 'u-dave', groups: 'sre' },
];

async function signingKey(kid: string): Promise<{ privateJwk: JWK; publicPem: string }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid };
  const publicPem = createPublicKey({ key: privateJwk as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { privateJwk, publicPem };
}

const key = await signingKey('key-1');
const provider = await startTestProvider({ accounts: ACCOUNTS, signingKeys: [key.privateJwk] });
// Another issuer holding the same keys: its tokens carry valid signatures, so only the issuer check can refuse them.
const impostor = await startTestProvider({ accounts: ACCOUNTS, signingKeys: [key.privateJwk] });
t.teardown(async () => {
  await provider.close();
  await impostor.close();
});

const bobToken = await provider.issueIdToken('u-bob');

function verifierFor(issuing: TestProvider, overrides: { audience?: string; clock?: () => Date } = {}) {
  return createOidcVerifier({ issuer: issuing.issuer, audience: overrides.audience ?? issuing.clientId, ...overrides });
}

t.test('a token from the provider authenticates its account, by email, with its groups', async (t) => {
  const approver = await verifierFor(provider).verify(bobToken);
  t.same(approver, { id: 'bob@example.com', email: 'Bob@Example.com', groups: ['sre', 'security'] });
});

t.test('an unverified email is kept for the owner check but is not the identity', async (t) => {
  const approver = await verifierFor(provider).verify(await provider.issueIdToken('u-carol'));
  t.same(approver, { id: `${provider.issuer}#u-carol`, email: 'carol@example.com', groups: ['sre'] });
});

t.test(
  'without an email the identity is issuer and subject; a groups claim that is not a list gives none',
  async (t) => {
    const approver = await verifierFor(provider).verify(await provider.issueIdToken('u-dave'));
    t.same(approver, { id: `${provider.issuer}#u-dave`, groups: [] });
  },
);

t.test('refused tokens', async (t) => {
  const claims = decodeJwt(bobToken);
  const [header = '', payload = '', signature = ''] = bobToken.split('.');
  const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
  const widerGroups = base64url.encode(JSON.stringify({ ...claims, groups: ['sre', 'security', 'admin'] }));
  const unsigned = [
    base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' })),
    base64url.encode(JSON.stringify(claims)),
    '',
  ].join('.');
  const rows: Array<{
    note: string;
    token: () => Promise<string>;
    verifier?: () => ReturnType<typeof verifierFor>;
    message: string;
  }> = [
    {
      note: 'another audience',
      message: "the token's aud claim is not accepted",
      token: async () => bobToken,
      verifier: () => verifierFor(provider, { audience: 'another-client' }),
    },
    {
      note: 'another issuer, though signed with the same key',
      message: "the token's iss claim is not accepted",
      token: () => impostor.issueIdToken('u-bob'),
    },
    {
      note: 'expired',
      message: 'the token has expired',
      token: async () => bobToken,
      verifier: () => verifierFor(provider, { clock: () => new Date(((claims.exp ?? 0) + 3600) * 1000) }),
    },
    {
      note: 'a tampered signature',
      message: "the token's signature does not verify",
      token: async () => `${header}.${payload}.${flipped}`,
    },
    {
      note: 'a tampered payload under the original signature',
      message: "the token's signature does not verify",
      token: async () => `${header}.${widerGroups}.${signature}`,
    },
    {
      note: "HS256 keyed with the provider's public key",
      message: "the token's signing algorithm is not accepted",
      token: () =>
        new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key.publicPem)),
    },
    {
      note: 'HS256 keyed with the client id',
      message: "the token's signing algorithm is not accepted",
      token: () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
          .sign(new TextEncoder().encode(provider.clientId.padEnd(32, '!'))),
    },
    { note: 'alg none', message: "the token's signing algorithm is not accepted", token: async () => unsigned },
  ];
  for (const row of rows) {
    const verifier = row.verifier?.() ?? verifierFor(provider);
    await t.rejects(verifier.verify(await row.token()), new OidcTokenError(row.message), row.note);
  }
  t.ok(await verifierFor(impostor).verify(await impostor.issueIdToken('u-bob')), "the impostor's token is well made");
});

t.test('a token is accepted up to its expiry and refused after it', async (t) => {
  const exp = decodeJwt(bobToken).exp ?? 0;
  const before = verifierFor(provider, { clock: () => new Date((exp - 1) * 1000) });
  t.equal((await before.verify(bobToken)).id, 'bob@example.com');
  const after = verifierFor(provider, { clock: () => new Date((exp + 31) * 1000) });
  await t.rejects(after.verify(bobToken), { name: 'OidcTokenError', message: 'the token has expired' });
});

t.test('a failed discovery is an error of its own, and the next call tries again', async (t) => {
  const verifier = verifierFor(provider);
  const before = provider.discoveryRequests();
  provider.failDiscovery(true);
  t.teardown(() => provider.failDiscovery(false));
  await t.rejects(verifier.verify(bobToken), OidcProviderError);
  provider.failDiscovery(false);
  t.equal((await verifier.verify(bobToken)).id, 'bob@example.com');
  await verifier.verify(bobToken);
  t.equal(provider.discoveryRequests() - before, 2, 'discovered twice: the failure was not kept, the success was');
});

t.test('an unreachable provider is an OidcProviderError, not a refused token', async (t) => {
  const closed = await startTestProvider({ accounts: ACCOUNTS, signingKeys: [key.privateJwk] });
  await closed.close();
  await t.rejects(verifierFor(closed).verify(bobToken), OidcProviderError);
});

t.test('the verifier refuses options that cannot work', async (t) => {
  t.throws(() => createOidcVerifier({ issuer: 'not a url', audience: 'airlock' }), { name: 'InvalidArgumentError' });
  t.throws(() => createOidcVerifier({ issuer: 'ftp://idp.example', audience: 'airlock' }), {
    name: 'InvalidArgumentError',
  });
  t.throws(() => createOidcVerifier({ issuer: provider.issuer, audience: '' }), { name: 'InvalidArgumentError' });
});

t.test(
  'through the authenticator: a JWT from the provider and an API token of the same person are one approver',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-oidc-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const store = openSqliteStore({ stateDir: join(dir, 'state') });
    t.teardown(() => store.close());
    const clock = () => new Date();
    const issued = await issueApproverToken(store, { approverId: 'bob@example.com', groups: ['sre'] }, clock());

    const authenticator = createApproverAuthenticator({ store, oidc: verifierFor(provider), clock });
    const byJwt = await authenticator.authenticate(`Bearer ${bobToken}`);
    const byToken = await authenticator.authenticate(`Bearer ${issued.token}`);
    t.match(byJwt, { ok: true, method: 'oidc', approver: { id: 'bob@example.com' } });
    t.match(byToken, { ok: true, method: 'token', approver: { id: 'bob@example.com' } });

    const forged = await authenticator.authenticate(`Bearer ${bobToken.slice(0, -2)}xx`);
    t.match(forged, { ok: false, reason: 'invalid-jwt' });

    const withoutOidc = createApproverAuthenticator({ store, clock });
    t.match(await withoutOidc.authenticate(`Bearer ${bobToken}`), { ok: false, reason: 'oidc-not-configured' });
  },
);

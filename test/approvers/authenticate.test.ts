import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { issueApproverToken } from '../../proxy/approvers/approver-tokens.js';
import { createApproverAuthenticator, parseBearerAuthorization } from '../../proxy/approvers/authenticate.js';
import { openSqliteStore, type Store } from '../../proxy/store/index.js';

const NOW = new Date('2026-11-21T03:00:00.000Z');
const LATER = new Date('2026-11-21T05:00:00.000Z');

function openStore(t: Test): Store {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-authenticate-'));
  const store = openSqliteStore({ stateDir: join(dir, 'state') });
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

t.test('an issued API token authenticates its holder with the groups on its record', async (t) => {
  const store = openStore(t);
  const issued = await issueApproverToken(store, { approverId: 'Bob@Example.com', groups: ['sre'] }, NOW);
  const authenticator = createApproverAuthenticator({ store, clock: () => NOW });
  t.same(await authenticator.authenticate(`Bearer ${issued.token}`), {
    ok: true,
    method: 'token',
    approver: { id: 'bob@example.com', email: 'Bob@Example.com', groups: ['sre'] },
  });
  t.match(await authenticator.authenticate(`bearer   ${issued.token}`), { ok: true }, 'the scheme is case-insensitive');
  t.match(await authenticator.authenticateToken(issued.token), { ok: true, method: 'token' }, 'a raw token works too');
});

t.test('tokens that are revoked, expired or never issued are unknown', async (t) => {
  const store = openStore(t);
  const revoked = await issueApproverToken(store, { approverId: 'bob@example.com', groups: ['sre'] }, NOW);
  await store.revokeApproverToken(revoked.id);
  const expiring = await issueApproverToken(
    store,
    { approverId: 'carol@example.com', groups: ['sre'], expiresAt: new Date(NOW.getTime() + 3_600_000) },
    NOW,
  );
  const authenticator = createApproverAuthenticator({ store, clock: () => LATER });
  const neverIssued = `alt_${'A'.repeat(43)}`;
  for (const [note, token] of [
    ['revoked', revoked.token],
    ['expired', expiring.token],
    ['never issued', neverIssued],
    ['alt_ but the wrong length', 'alt_short'],
    ['neither an API token nor a JWT', 'opaque-token'],
  ] as const) {
    t.match(await authenticator.authenticate(`Bearer ${token}`), { ok: false, reason: 'unknown-token' }, note);
  }
  const early = createApproverAuthenticator({ store, clock: () => NOW });
  t.match(await early.authenticate(`Bearer ${expiring.token}`), { ok: true }, 'the expiring token worked before');
});

t.test('missing and malformed Authorization headers', async (t) => {
  const authenticator = createApproverAuthenticator({ store: openStore(t), clock: () => NOW });
  const rows: Array<{ header: string | undefined; reason: string }> = [
    { header: undefined, reason: 'missing' },
    { header: '', reason: 'missing' },
    { header: 'Bearer', reason: 'malformed' },
    { header: 'Bearer ', reason: 'malformed' },
    { header: 'Basic Ym9iOnNlY3JldA==', reason: 'malformed' },
    { header: 'Bearer two tokens', reason: 'malformed' },
    { header: 'Bearer tok"en', reason: 'malformed' },
    { header: `Bearer ${'a'.repeat(9000)}`, reason: 'malformed' },
  ];
  for (const { header, reason } of rows) {
    t.match(await authenticator.authenticate(header), { ok: false, reason }, JSON.stringify(header)?.slice(0, 40));
  }
});

t.test('a JWT without an identity provider configured is refused as such', async (t) => {
  const authenticator = createApproverAuthenticator({ store: openStore(t), clock: () => NOW });
  t.match(await authenticator.authenticate('Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln'), {
    ok: false,
    reason: 'oidc-not-configured',
  });
});

t.test('a refusal never repeats the token', async (t) => {
  const authenticator = createApproverAuthenticator({ store: openStore(t), clock: () => NOW });
  const token = `alt_${'Z'.repeat(43)}`;
  const answer = await authenticator.authenticate(`Bearer ${token}`);
  t.notOk(JSON.stringify(answer).includes(token));
});

t.test('parseBearerAuthorization', async (t) => {
  t.equal(parseBearerAuthorization(undefined), undefined);
  t.equal(parseBearerAuthorization('Bearer abc.def-ghi_~+/=='), 'abc.def-ghi_~+/==');
  t.equal(parseBearerAuthorization('Token abc'), null);
});

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import t, { type Test } from 'tap';
import { createOidcVerifier } from '../../../proxy/approvers/index.js';
import { approvalFixture, auditRecords, openApproval, type OpenedForTest, pagesFor } from './helpers.js';

/**
 * The approval page's OIDC sign-in, end to end: a real provider (`oidc-provider` with its development login and
 * consent pages), the real approval service, and the pages served on 127.0.0.1, driven over HTTP as a browser would:
 * a cookie jar, redirects followed by hand, the provider's forms filled in.
 */

const CLIENT_ID = 'airlock-pages';
const APPROVER = { sub: 'u-bob', email: 'bob@example.com', groups: ['sre'] };
// Each step of a sign-in is one redirect or form; more than this is a loop, not a login.
const MAX_FLOW_STEPS = 16;

/** CookieJar keeps cookies by name, as a browser does for one host (cookies do not tell ports apart). */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  take(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1);
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

interface Browser {
  readonly jar: CookieJar;
  request(url: string, form?: Record<string, string>): Promise<Response>;
}

function browser(): Browser {
  const jar = new CookieJar();
  return {
    jar,
    async request(url, form) {
      const response = await fetch(url, {
        method: form === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        headers: {
          cookie: jar.header(),
          ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
      });
      jar.take(response);
      return response;
    },
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** startProvider runs a provider whose one client may redirect to the pages' callback. */
async function startProvider(t: Test, redirectUri: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'key-1' };
  const server = createServer();
  const issuer = await listen(server);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      if (sub !== APPROVER.sub) return undefined;
      return { accountId: sub, claims: async () => ({ ...APPROVER, email_verified: true }) };
    },
  });
  const callback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => void callback(request, response));
  t.teardown(() => closeServer(server));
  return issuer;
}

interface Setup {
  readonly fixture: Awaited<ReturnType<typeof approvalFixture>>;
  readonly pagesUrl: string;
  readonly opened: OpenedForTest;
}

async function setup(t: Test): Promise<Setup> {
  const fixture = await approvalFixture(t);
  const server = createServer();
  const pagesUrl = await listen(server);
  t.teardown(() => closeServer(server));
  const issuer = await startProvider(t, `${pagesUrl}/oidc/callback`);
  // The provider signs with the real time; the pages keep the fixture's clock for approvals and cookies.
  const verifier = createOidcVerifier({ issuer, audience: CLIENT_ID });
  const app = pagesFor(fixture, {
    secureCookies: false,
    oidcLogin: { verifier, clientId: CLIENT_ID, publicUrl: pagesUrl },
  });
  server.on('request', getRequestListener(app.fetch));
  return { fixture, pagesUrl, opened: await openApproval(fixture) };
}

/** signIn follows the page's sign-in link through the provider's login and consent and back to the page. */
async function signIn(t: Test, client: Browser, pagesUrl: string, opened: OpenedForTest): Promise<string> {
  const first = await client.request(`${pagesUrl}${opened.path}`);
  const page = await first.text();
  const href = /<a class="sign-in" id="sign-in" href="([^"]*)">Sign in with 127\.0\.0\.1:\d+<\/a>/.exec(page)?.[1];
  t.ok(href, 'the page offers a sign-in with the provider');
  let next: { url: string; form?: Record<string, string> } = {
    url: new URL((href ?? '').replaceAll('&amp;', '&'), pagesUrl).toString(),
  };
  for (let step = 0; step < MAX_FLOW_STEPS; step += 1) {
    const response = await client.request(next.url, next.form);
    const location = response.headers.get('location');
    if (location !== null) {
      await response.body?.cancel();
      next = { url: new URL(location, next.url).toString() };
      continue;
    }
    const html = await response.text();
    if (html.includes('name="prompt" value="login"')) {
      next = { url: next.url, form: { prompt: 'login', login: APPROVER.sub, password: 'any' } };
    } else if (html.includes('name="prompt" value="consent"')) {
      next = { url: next.url, form: { prompt: 'consent' } };
    } else {
      t.equal(response.status, 200, 'the sign-in ends on the approval page');
      t.equal(new URL(next.url).pathname, `/approvals/${opened.id}`);
      return html;
    }
  }
  throw new Error('the sign-in did not finish');
}

function csrfOf(html: string): string {
  const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1];
  if (csrf === undefined) throw new Error('the page has no vote form');
  return csrf;
}

async function refusalReasons(setup: Setup): Promise<unknown[]> {
  return (await auditRecords(setup.fixture.store))
    .filter((record) => record.kind === 'page.refused')
    .map((record) => (record.data as { reason?: unknown }).reason);
}

t.test('an approver signs in with the provider and votes with the session', async (t) => {
  const s = await setup(t);
  const client = browser();
  const page = await signIn(t, client, s.pagesUrl, s.opened);
  t.match(page, /Signed in as <strong>bob@example\.com<\/strong>/);
  t.notMatch(page, /name="approver_token"/, 'a signed-in approver is not asked for a token');
  t.notMatch(page, /id="sign-in"/);
  t.equal((await s.fixture.approvals.get(s.opened.id))?.votes.length, 0, 'signing in does not vote');
  t.ok(client.jar.get('airlock_session'), 'the session cookie is set');
  t.notOk(client.jar.get('airlock_oidc_login'), 'the login cookie is spent');

  const voted = await client.request(`${s.pagesUrl}/approvals/${s.opened.id}/vote`, {
    token: s.opened.linkToken,
    csrf: csrfOf(page),
    decision: 'approve',
  });
  t.equal(voted.status, 200);
  t.match(await voted.text(), /Your approval is recorded/);
  const approval = await s.fixture.approvals.get(s.opened.id);
  t.same(
    approval?.votes.map((vote) => ({ id: vote.approverId, groups: vote.approverGroups, decision: vote.decision })),
    [{ id: 'bob@example.com', groups: ['sre'], decision: 'approve' }],
  );
});

t.test(
  'a sign-in sends the provider a PKCE challenge and keeps its secrets in an HttpOnly, SameSite=Lax cookie',
  async (t) => {
    const s = await setup(t);
    const client = browser();
    const login = await client.request(
      `${s.pagesUrl}/approvals/${s.opened.id}/login?token=${encodeURIComponent(s.opened.linkToken)}`,
    );
    t.equal(login.status, 302);
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith('airlock_oidc_login='));
    t.match(cookie, /HttpOnly/);
    t.match(cookie, /SameSite=Lax/);
    const location = new URL(login.headers.get('location') ?? '');
    t.equal(location.searchParams.get('code_challenge_method'), 'S256');
    t.equal(location.searchParams.get('redirect_uri'), `${s.pagesUrl}/oidc/callback`);
    t.equal(location.searchParams.get('client_id'), CLIENT_ID);
  },
);

t.test('a tampered session cookie does not vote', async (t) => {
  const s = await setup(t);
  const client = browser();
  const page = await signIn(t, client, s.pagesUrl, s.opened);
  const session = client.jar.get('airlock_session') ?? '';
  const [payload = '', mac = ''] = session.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, id: 'carol@example.com', email: 'carol@example.com' }));
  client.jar.set('airlock_session', `${forged.toString('base64url')}.${mac}`);

  const voted = await client.request(`${s.pagesUrl}/approvals/${s.opened.id}/vote`, {
    token: s.opened.linkToken,
    csrf: csrfOf(page),
    decision: 'approve',
  });
  t.equal(voted.status, 401);
  t.equal((await s.fixture.approvals.get(s.opened.id))?.votes.length, 0);
  t.same(await refusalReasons(s), ['unauthenticated']);

  const shown = await (await client.request(`${s.pagesUrl}${s.opened.path}`)).text();
  t.notMatch(shown, /Signed in as/, 'the page does not take the tampered cookie either');
  t.match(shown, /name="approver_token"/);
});

t.test('a callback whose state is not the one this browser started is refused', async (t) => {
  const s = await setup(t);
  const client = browser();
  const login = await client.request(
    `${s.pagesUrl}/approvals/${s.opened.id}/login?token=${encodeURIComponent(s.opened.linkToken)}`,
  );
  t.equal(login.status, 302);
  await login.body?.cancel();
  const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
  t.not(state, '', 'the authorization request carries a state');

  const wrong = await client.request(`${s.pagesUrl}/oidc/callback?state=${state}x&code=anything`);
  t.equal(wrong.status, 400);
  t.match(await wrong.text(), /Sign-in not recognised/);
  t.notOk(client.jar.get('airlock_session'), 'no session is set');

  // The login cookie is spent by the first callback, so even the right state is refused afterwards.
  const replayed = await client.request(`${s.pagesUrl}/oidc/callback?state=${state}&code=anything`);
  t.equal(replayed.status, 400);
  t.same(await refusalReasons(s), ['oidc-state-mismatch', 'oidc-login-missing']);
});

t.test('a code the provider did not issue is refused', async (t) => {
  const s = await setup(t);
  const client = browser();
  const login = await client.request(
    `${s.pagesUrl}/approvals/${s.opened.id}/login?token=${encodeURIComponent(s.opened.linkToken)}`,
  );
  await login.body?.cancel();
  const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '';
  const refused = await client.request(`${s.pagesUrl}/oidc/callback?state=${state}&code=made-up`);
  t.equal(refused.status, 401);
  t.notOk(client.jar.get('airlock_session'));
  t.same(await refusalReasons(s), ['oidc-code-refused']);
});

t.test('a sign-in needs a valid link', async (t) => {
  const s = await setup(t);
  const client = browser();
  const refused = await client.request(`${s.pagesUrl}/approvals/${s.opened.id}/login?token=forged`);
  t.equal(refused.status, 403);
  t.equal(refused.headers.get('location'), null);
  t.same(await refusalReasons(s), ['forged']);
});

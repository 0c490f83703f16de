import t, { type Test } from 'tap';
import {
  type ApprovalFixture,
  approvalFixture,
  approverToken,
  auditKinds,
  auditRecords,
  heldCall,
  openApproval,
  type OpenedForTest,
  type PagesApp,
  pagesFor,
} from './helpers.js';

/** Requests made with `app.request` go to http://localhost: this is the page's own origin. */
const OWN_ORIGIN = 'http://localhost';

/** tamper changes one character inside a token's signed part. */
function tamper(token: string): string {
  const index = Math.floor(token.length / 2);
  return token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

interface Setup {
  readonly fixture: ApprovalFixture;
  readonly app: PagesApp;
  readonly opened: OpenedForTest;
}

async function setup(t: Test, options: { secureCookies?: boolean } = {}): Promise<Setup> {
  const fixture = await approvalFixture(t);
  const app = pagesFor(fixture, options);
  return { fixture, app, opened: await openApproval(fixture) };
}

/** ShownPage is a fetched page with what a browser would keep from it. */
interface ShownPage {
  readonly response: Response;
  readonly html: string;
  /** The `name=value` of the CSRF cookie set, if any. */
  readonly cookie: string | undefined;
  /** The CSRF token in the form, if there is a form. */
  readonly csrf: string | undefined;
}

async function show(app: PagesApp, path: string, cookie?: string): Promise<ShownPage> {
  const response = await app.request(path, cookie === undefined ? {} : { headers: { cookie } });
  const html = await response.text();
  const setCookie = response.headers.get('set-cookie') ?? undefined;
  return {
    response,
    html,
    cookie: setCookie?.split(';')[0],
    csrf: /name="csrf" value="([^"]*)"/.exec(html)?.[1],
  };
}

interface VoteFields {
  readonly token?: string;
  readonly csrf?: string;
  readonly approver_token?: string;
  readonly decision?: string;
  readonly comment?: string;
}

async function post(
  app: PagesApp,
  id: string,
  fields: VoteFields,
  headers: Record<string, string> = {},
): Promise<{ response: Response; html: string }> {
  const body = new URLSearchParams(Object.entries(fields).filter(([, value]) => value !== undefined));
  const response = await app.request(`/approvals/${encodeURIComponent(id)}/vote`, {
    method: 'POST',
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return { response, html: await response.text() };
}

/** formVote fetches the page as a browser would and posts its form with an approver token and a decision. */
async function formVote(
  setup: Setup,
  approverTokenValue: string,
  decision: 'approve' | 'deny',
  comment?: string,
): Promise<{ response: Response; html: string }> {
  const page = await show(setup.app, setup.opened.path);
  if (page.cookie === undefined || page.csrf === undefined) throw new Error('the page offered no form');
  return post(
    setup.app,
    setup.opened.id,
    {
      token: setup.opened.linkToken,
      csrf: page.csrf,
      approver_token: approverTokenValue,
      decision,
      ...(comment === undefined ? {} : { comment }),
    },
    { cookie: page.cookie, origin: OWN_ORIGIN, 'sec-fetch-site': 'same-origin' },
  );
}

async function refusals(fixture: ApprovalFixture): Promise<Record<string, unknown>[]> {
  return (await auditRecords(fixture.store)).filter((record) => record.kind === 'page.refused').map((r) => r.data);
}

function checkSecurityHeaders(t: Test, response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    t.match(csp, directive, `CSP has ${directive}`);
  }
  t.match(csp, /style-src 'nonce-[A-Za-z0-9+/=]+'/, 'styles need the nonce');
  t.equal(response.headers.get('referrer-policy'), 'no-referrer');
  t.equal(response.headers.get('cache-control'), 'no-store');
  t.equal(response.headers.get('x-content-type-options'), 'nosniff');
  t.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/i);
}

t.test(
  'GET shows the decoded call, who asked, why, what it needs and the time left, and changes nothing',
  async (t) => {
    const setup_ = await setup(t);
    const { fixture, app, opened } = setup_;
    const before = await fixture.approvals.get(opened.id);
    const auditBefore = await auditKinds(fixture.store);

    const page = await show(app, opened.path);
    t.equal(page.response.status, 200);
    checkSecurityHeaders(t, page.response);
    for (const shown of [
      'iam:CreateRole',
      'CreateRole',
      'arn:aws:iam::123456789012:role/app',
      '123456789012',
      'prod',
      'us-east-1',
      'deploy-bot',
      'alice@example.com',
      'creating IAM roles in prod needs two SREs',
      '&quot;RoleName&quot;: &quot;app&quot;',
      '2 approvals from approvers in <code>sre</code>',
      'No votes yet.',
      'state-pending',
      '2026-11-21 03:15:00 UTC',
      '15 min left',
    ]) {
      t.ok(page.html.includes(shown), `the page shows ${shown}`);
    }
    t.match(page.html, /<meta http-equiv="refresh" content="901"/, 'the page reloads itself when the approval expires');
    t.match(page.html, /<input type="password" name="approver_token"/);
    t.match(page.html, /<button type="submit" name="decision" value="approve"/);
    t.match(page.html, /<button type="submit" name="decision" value="deny"/);
    t.match(page.html, new RegExp(`<input type="hidden" name="token" value="${opened.linkToken}"`));
    t.match(page.html, new RegExp(`action="/approvals/${opened.id}/vote"`));
    const nonce = /'nonce-([^']+)'/.exec(page.response.headers.get('content-security-policy') ?? '')?.[1];
    t.ok(nonce !== undefined && page.html.includes(`<style nonce="${nonce}">`), 'the style sheet carries the nonce');
    t.notOk(/<script(?![^>]*nonce=)/.test(page.html), 'no script runs without the nonce');

    const setCookie = page.response.headers.get('set-cookie') ?? '';
    t.match(setCookie, /^__Host-airlock_csrf=[A-Za-z0-9_-]{43};/);
    t.match(setCookie, /HttpOnly/);
    t.match(setCookie, /SameSite=Strict/);
    t.match(setCookie, /Secure/);
    t.match(setCookie, /Path=\//);
    t.notMatch(setCookie, /Domain=/i);

    await show(app, opened.path, page.cookie);
    t.same(await fixture.approvals.get(opened.id), before, 'the approval is as it was');
    t.same(await auditKinds(fixture.store), auditBefore, 'nothing was audited');
  },
);

t.test('GET keeps a browser CSRF cookie, so a form open in another tab still works', async (t) => {
  const { app, opened } = await setup(t);
  const first = await show(app, opened.path);
  const again = await show(app, opened.path, first.cookie);
  t.equal(again.cookie, first.cookie);
  t.equal(again.csrf, first.csrf);
});

t.test('without secure cookies the CSRF cookie is not Secure and not __Host-', async (t) => {
  const { app, opened } = await setup(t, { secureCookies: false });
  const page = await show(app, opened.path);
  const setCookie = page.response.headers.get('set-cookie') ?? '';
  t.match(setCookie, /^airlock_csrf=/);
  t.notMatch(setCookie, /Secure/);
  t.match(setCookie, /HttpOnly/);
});

t.test('links that are forged, expired or for another approval are refused, audited, and show nothing', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const other = await openApproval(fixture, heldCall());
  const cases = [
    {
      note: 'a forged token',
      path: `/approvals/${opened.id}?token=${tamper(opened.linkToken)}`,
      status: 403,
      reason: 'forged',
    },
    { note: 'no token', path: `/approvals/${opened.id}`, status: 403, reason: 'forged' },
    {
      note: "another approval's token",
      path: `/approvals/${opened.id}?token=${other.linkToken}`,
      status: 403,
      reason: 'wrong-approval',
    },
  ];
  for (const { note, path, status, reason } of cases) {
    const page = await show(app, path);
    t.equal(page.response.status, status, note);
    checkSecurityHeaders(t, page.response);
    t.notOk(page.html.includes('CreateRole'), `${note}: nothing about the call`);
    t.equal(page.cookie, undefined, `${note}: no CSRF cookie`);
    t.equal(page.csrf, undefined, `${note}: no form`);
    t.same((await refusals(fixture)).at(-1), { approval_id: opened.id, method: 'GET', reason }, `${note}: audited`);
  }

  fixture.clock.advance(900);
  const expired = await show(app, opened.path);
  t.equal(expired.response.status, 410);
  t.match(expired.html, /expired/);
  t.same((await refusals(fixture)).at(-1), { approval_id: opened.id, method: 'GET', reason: 'expired' });

  const log = JSON.stringify(await auditRecords(fixture.store));
  t.notOk(log.includes(opened.linkToken) || log.includes(other.linkToken), 'no link token in the audit log');
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test('a POST without the CSRF token, with a wrong one or from another site is refused and audited', async (t) => {
  const setup_ = await setup(t);
  const { fixture, app, opened } = setup_;
  const bob = await approverToken(fixture, 'bob@example.com', ['sre']);
  const page = await show(app, opened.path);
  const other = await openApproval(fixture, heldCall());
  const otherPage = await show(app, other.path, page.cookie);
  const good = { token: opened.linkToken, csrf: page.csrf, approver_token: bob, decision: 'approve' };
  const sameSite = { cookie: page.cookie ?? '', origin: OWN_ORIGIN, 'sec-fetch-site': 'same-origin' };

  const cases: { note: string; fields: VoteFields; headers: Record<string, string>; reason: string }[] = [
    { note: 'no CSRF field', fields: { ...good, csrf: undefined }, headers: sameSite, reason: 'csrf-missing' },
    { note: 'no CSRF cookie', fields: good, headers: { origin: OWN_ORIGIN }, reason: 'csrf-missing' },
    {
      note: 'a wrong CSRF token',
      fields: { ...good, csrf: 'A'.repeat(43) },
      headers: sameSite,
      reason: 'csrf-mismatch',
    },
    {
      note: "another approval's CSRF token",
      fields: { ...good, csrf: otherPage.csrf },
      headers: sameSite,
      reason: 'csrf-mismatch',
    },
    {
      note: 'another cookie',
      fields: good,
      headers: { ...sameSite, cookie: `__Host-airlock_csrf=${'B'.repeat(43)}` },
      reason: 'csrf-mismatch',
    },
    {
      note: 'a cross-site Origin',
      fields: good,
      headers: { cookie: sameSite.cookie, origin: 'https://evil.example' },
      reason: 'cross-site',
    },
    {
      note: 'Origin null from a cross-site frame',
      fields: good,
      headers: { cookie: sameSite.cookie, origin: 'null', 'sec-fetch-site': 'cross-site' },
      reason: 'cross-site',
    },
    {
      note: 'a same-origin Sec-Fetch-Site with a foreign Origin',
      fields: good,
      headers: { ...sameSite, origin: 'http://localhost.evil.example' },
      reason: 'cross-site',
    },
    {
      note: 'an unparseable Origin',
      fields: good,
      headers: { cookie: sameSite.cookie, origin: 'not a url' },
      reason: 'cross-site',
    },
    {
      note: 'Sec-Fetch-Site cross-site',
      fields: good,
      headers: { cookie: sameSite.cookie, 'sec-fetch-site': 'cross-site' },
      reason: 'cross-site',
    },
    {
      note: 'Sec-Fetch-Site same-site',
      fields: good,
      headers: { cookie: sameSite.cookie, 'sec-fetch-site': 'same-site' },
      reason: 'cross-site',
    },
  ];
  for (const { note, fields, headers, reason } of cases) {
    const { response, html } = await post(app, opened.id, fields, headers);
    t.equal(response.status, 403, note);
    checkSecurityHeaders(t, response);
    t.match(html, /Request refused/, note);
    t.same((await refusals(fixture)).at(-1), { approval_id: opened.id, method: 'POST', reason }, `${note}: audited`);
  }
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0, 'no vote was recorded');
  t.notOk((await auditKinds(fixture.store)).includes('vote.recorded'));

  // What the page's own form sends: its Referrer-Policy makes the browser send `Origin: null`.
  const accepted = await post(app, opened.id, good, { ...sameSite, origin: 'null' });
  t.equal(accepted.response.status, 200, 'the same form with its own CSRF token and cookie is taken');
});

t.test('a POST with a link token that is forged or has expired is refused', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const bob = await approverToken(fixture, 'bob@example.com', ['sre']);
  const page = await show(app, opened.path);
  const headers = { cookie: page.cookie ?? '', origin: OWN_ORIGIN };
  const fields = { token: opened.linkToken, csrf: page.csrf, approver_token: bob, decision: 'approve' };

  const forged = await post(app, opened.id, { ...fields, token: tamper(opened.linkToken) }, headers);
  t.equal(forged.response.status, 403);
  t.same((await refusals(fixture)).at(-1), { approval_id: opened.id, method: 'POST', reason: 'forged' });

  fixture.clock.advance(901);
  const expired = await post(app, opened.id, fields, headers);
  t.equal(expired.response.status, 410);
  t.same((await refusals(fixture)).at(-1), { approval_id: opened.id, method: 'POST', reason: 'expired' });
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test('a POST with an unknown approver token is answered 401 and audited', async (t) => {
  const setup_ = await setup(t);
  const { fixture } = setup_;
  for (const token of ['alt_' + 'x'.repeat(43), 'not-a-token', '']) {
    const { response, html } = await formVote(setup_, token, 'approve');
    t.equal(response.status, 401, `token ${JSON.stringify(token)}`);
    t.match(html, /not recognised/);
    const last = (await refusals(fixture)).at(-1);
    t.same(last, { approval_id: setup_.opened.id, method: 'POST', reason: 'unauthenticated' });
  }
  t.notOk(JSON.stringify(await auditRecords(fixture.store)).includes('x'.repeat(43)), 'the token is not audited');
  t.equal((await fixture.approvals.get(setup_.opened.id))?.votes.length, 0);
});

t.test("the agent's owner is refused with the rule's message, and nothing is recorded", async (t) => {
  const setup_ = await setup(t);
  const owner = await approverToken(setup_.fixture, 'alice@example.com', ['sre']);
  const { response, html } = await formVote(setup_, owner, 'approve');
  t.equal(response.status, 403);
  t.match(html, /Vote not counted/);
  t.match(html, /the agent&#39;s owner cannot approve or deny the agent&#39;s calls/);
  const approval = await setup_.fixture.approvals.get(setup_.opened.id);
  t.equal(approval?.votes.length, 0);
  t.equal(approval?.state, 'pending');
});

t.test('approving through the page counts towards the quorum and then approves', async (t) => {
  const setup_ = await setup(t);
  const { fixture, app, opened } = setup_;
  const bob = await approverToken(fixture, 'bob@example.com', ['sre']);
  const carol = await approverToken(fixture, 'carol@example.com', ['sre']);

  const first = await formVote(setup_, bob, 'approve', 'looks right <b>to me</b>');
  t.equal(first.response.status, 200);
  checkSecurityHeaders(t, first.response);
  t.match(first.html, /Vote recorded/);
  t.match(first.html, /it needs 1 more approval\./);
  t.equal((await fixture.approvals.get(opened.id))?.state, 'pending');

  const again = await formVote(setup_, bob, 'approve');
  t.equal(again.response.status, 409, 'a second vote by the same approver is refused');

  const page = await show(app, opened.path);
  t.match(page.html, /bob@example\.com/, 'the page shows the vote');
  t.match(page.html, /looks right &lt;b&gt;to me&lt;\/b&gt;/, 'with its comment, escaped');

  const second = await formVote(setup_, carol, 'approve');
  t.equal(second.response.status, 200);
  t.match(second.html, /Approval approved/);
  t.match(second.html, /the call may go ahead/);
  const approval = await fixture.approvals.get(opened.id);
  t.equal(approval?.state, 'approved');
  t.same(
    approval?.votes.map((vote) => [vote.approverId, vote.decision, vote.comment]),
    [
      ['bob@example.com', 'approve', 'looks right <b>to me</b>'],
      ['carol@example.com', 'approve', undefined],
    ],
  );
  const votes = (await auditRecords(fixture.store)).filter((record) => record.kind === 'vote.recorded');
  t.same(
    votes.map((record) => record.data['via']),
    ['page', 'page'],
    'votes are audited as cast through the page',
  );

  const resolved = await show(app, opened.path);
  t.equal(resolved.response.status, 200);
  t.match(resolved.html, /state-approved/);
  t.equal(resolved.csrf, undefined, 'a decided approval offers no form');
  t.notMatch(resolved.html, /http-equiv="refresh"/);
});

t.test('one deny through the page denies', async (t) => {
  const setup_ = await setup(t);
  const dave = await approverToken(setup_.fixture, 'dave@example.com', ['sre']);
  const { response, html } = await formVote(setup_, dave, 'deny', 'not in prod');
  t.equal(response.status, 200);
  t.match(html, /Approval denied/);
  t.equal((await setup_.fixture.approvals.get(setup_.opened.id))?.state, 'denied');
});

t.test('a POST without a decision is refused and records nothing', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const bob = await approverToken(fixture, 'bob@example.com', ['sre']);
  const page = await show(app, opened.path);
  const fields = { token: opened.linkToken, csrf: page.csrf, approver_token: bob, decision: 'maybe' };
  const { response } = await post(app, opened.id, fields, { cookie: page.cookie ?? '' });
  t.equal(response.status, 400);
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test('hostile values in the call are shown as text, never as markup', async (t) => {
  const fixture = await approvalFixture(t);
  const app = pagesFor(fixture);
  const hostile = '<script>alert(1)</script>';
  const attribute = '"><img src=x onerror=alert(2)>';
  const base = heldCall();
  const opened = await openApproval(
    fixture,
    heldCall({
      reason: `reason ${hostile}`,
      agent: { id: 'deploy-bot', owner: `owner${attribute}@example.com` },
      call: {
        ...base.call,
        resource: `arn:aws:iam::123456789012:role/${attribute}`,
        region: `'single' & "double"`,
        params: { [hostile]: attribute, Nested: { Value: `</pre>${hostile}` } },
      },
    }),
  );
  const page = await show(app, opened.path);
  t.equal(page.response.status, 200);
  t.notOk(page.html.includes('<script>alert'), 'no script element from the call');
  t.notOk(page.html.includes('<img'), 'no image element from the call');
  t.notOk(page.html.includes('</pre><'), 'the parameters cannot close their block');
  t.ok(page.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the hostile text is shown, escaped');
  t.ok(page.html.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'));
  t.ok(page.html.includes('&#39;single&#39; &amp; &quot;double&quot;'));
  t.equal((page.html.match(/<script/g) ?? []).length, 1, "only the page's own countdown script");
});

t.test('error and unknown pages carry the security headers too', async (t) => {
  const { app } = await setup(t);
  const missing = await show(app, '/nowhere');
  t.equal(missing.response.status, 404);
  checkSecurityHeaders(t, missing.response);
  const tooLarge = await post(app, 'apv_x', { comment: 'x'.repeat(32 * 1024) });
  t.equal(tooLarge.response.status, 413);
  checkSecurityHeaders(t, tooLarge.response);
});

t.test('createApprovalPages refuses a short link key', async (t) => {
  const fixture = await approvalFixture(t);
  t.throws(() => pagesFor(fixture, { linkKey: new Uint8Array(16) }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
});

t.test('a failing identity provider is answered with a plain 500 page that says nothing of the failure', async (t) => {
  const fixture = await approvalFixture(t);
  const app = pagesFor(fixture, {
    authenticate: () => Promise.reject(new Error('identity provider unreachable at 10.0.0.7')),
  });
  const opened = await openApproval(fixture);
  const { response, html } = await formVote({ fixture, app, opened }, 'alt_' + 'y'.repeat(43), 'approve');
  t.equal(response.status, 500);
  checkSecurityHeaders(t, response);
  t.match(html, /Something went wrong/);
  t.notMatch(html, /10\.0\.0\.7/, 'the failure stays out of the page');
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

import t from 'tap';
import type { ApprovalService } from '../../proxy/approvals/index.js';
import { createOidcVerifier } from '../../proxy/approvers/index.js';
import { parseExposition } from '../metrics/parse-exposition.js';
import { PEOPLE, PUBLIC_URL, startApiFixture } from './rest-api-fixture.js';

interface ErrorBody {
  error: { code: string; message: string };
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

t.test('health and metrics need no token; every answer says no-store', async (t) => {
  const api = await startApiFixture(t);
  const health = await api.request('GET', '/v1/health');
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'ok' });
  t.equal(health.headers.get('cache-control'), 'no-store');

  const metrics = await api.request('GET', '/metrics');
  t.equal(metrics.status, 200);
  t.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  t.equal(metrics.headers.get('cache-control'), 'no-store');
  const parsed = parseExposition(await metrics.text());
  t.equal(parsed.types['airlock_api_refusals_total'], 'counter');
  t.equal(parsed.value('airlock_held_calls', {}), 0);

  const missing = await api.request('GET', '/v1/approvals/nope', { as: 'bob' });
  t.equal(missing.headers.get('cache-control'), 'no-store', 'errors too');
});

t.test(
  'no token, a wrong token or a malformed header: 401, audited and counted, the token never recorded',
  async (t) => {
    const api = await startApiFixture(t);
    const wrongToken = `alt_${'W'.repeat(43)}`;
    const rows = [
      { note: 'no header', authorization: undefined, reason: 'missing', challenge: 'Bearer realm="airlock"' },
      {
        note: 'a token never issued',
        authorization: `Bearer ${wrongToken}`,
        reason: 'unknown-token',
        challenge: 'Bearer realm="airlock", error="invalid_token"',
      },
      {
        note: 'basic auth',
        authorization: 'Basic Ym9iOnB3',
        reason: 'malformed',
        challenge: 'Bearer realm="airlock", error="invalid_token"',
      },
      {
        note: 'a JWT with no identity provider',
        authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        reason: 'oidc-not-configured',
        challenge: 'Bearer realm="airlock", error="invalid_token"',
      },
    ];
    for (const row of rows) {
      const response = await api.request('GET', '/v1/approvals', {
        ...(row.authorization === undefined ? {} : { authorization: row.authorization }),
      });
      t.equal(response.status, 401, row.note);
      t.equal(response.headers.get('www-authenticate'), row.challenge, row.note);
      t.equal((await json<ErrorBody>(response)).error.code, 'unauthenticated', row.note);
    }
    const refused = await api.auditRecords('api.refused');
    t.same(
      refused.map((record) => record.data),
      rows.map((row) => ({ route: '/v1/approvals', method: 'GET', status: 401, reason: row.reason })),
    );
    t.notOk(JSON.stringify(refused).includes(wrongToken), 'the presented token is not in the audit log');
    const parsed = parseExposition(api.metrics.render());
    t.equal(parsed.value('airlock_api_refusals_total', { reason: 'unknown-token' }), 1);
    t.equal(parsed.value('airlock_api_refusals_total', { reason: 'missing' }), 1);
  },
);

t.test('unknown routes under /v1 answer 401 before authentication and 404 after', async (t) => {
  const api = await startApiFixture(t);
  t.equal((await api.request('GET', '/v1/secrets')).status, 401);
  const response = await api.request('GET', '/v1/secrets', { as: 'bob' });
  t.equal(response.status, 404);
  t.equal((await json<ErrorBody>(response)).error.code, 'not_found');
});

t.test("the agent's owner is refused with 403 and nothing changes", async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('owner-case');
  for (const path of [`/v1/approvals/${id}/approve`, `/v1/approvals/${id}/deny`]) {
    const response = await api.request('POST', path, { as: 'alice', json: { comment: 'mine' } });
    t.equal(response.status, 403, path);
    t.equal((await json<ErrorBody>(response)).error.code, 'agent-owner', path);
  }
  const approval = await api.approvals.get(id);
  t.equal(approval?.state, 'pending');
  t.same(approval?.votes, []);
  const refused = await api.auditRecords('api.refused');
  t.same(refused[0]?.data, {
    route: `/v1/approvals/${id}/approve`,
    method: 'POST',
    status: 403,
    reason: 'agent-owner',
    approver: PEOPLE.alice.email,
    approval_id: id,
  });
  t.equal(refused.length, 2);
  t.equal(parseExposition(api.metrics.render()).value('airlock_api_refusals_total', { reason: 'agent-owner' }), 2);
});

t.test('someone outside the required groups is refused with 403', async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('groups-case');
  const response = await api.request('POST', `/v1/approvals/${id}/approve`, { as: 'dave' });
  t.equal(response.status, 403);
  t.equal((await json<ErrorBody>(response)).error.code, 'not-in-groups');
  t.same((await api.approvals.get(id))?.votes, []);
});

t.test('two approvals decide; the second may add a grant; show and grants reflect it', async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('approve-case');
  api.advance(10);

  const first = await api.request('POST', `/v1/approvals/${id}/approve`, {
    as: 'bob',
    json: { comment: 'looks fine' },
  });
  t.equal(first.status, 200);
  const firstBody = await json(first);
  t.match(firstBody, {
    outcome: 'pending',
    still_needed: 1,
    approval: {
      id,
      state: 'pending',
      seconds_left: 890,
      votes: [{ approver: PEOPLE.bob.email, groups: ['sre'], decision: 'approve', comment: 'looks fine' }],
    },
  });
  t.notOk('grant' in firstBody);

  const second = await api.request('POST', `/v1/approvals/${id}/approve`, {
    as: 'carol',
    json: { grant_minutes: 30 },
  });
  t.equal(second.status, 200);
  const secondBody = await json(second);
  t.match(secondBody, {
    outcome: 'approved',
    still_needed: 0,
    approval: { state: 'approved', seconds_left: 0, resolved_at: '2026-11-21T03:00:10.000Z' },
    grant: {
      approval_id: id,
      agent: 'deploy-bot',
      action: 'iam:CreateRole',
      resource: 'arn:aws:iam::123456789012:role/approve-case',
      created_by: PEOPLE.carol.email,
      expires_at: '2026-11-21T03:30:10.000Z',
      uses: 'until-expiry',
      use_count: 0,
    },
  });

  const shown = await json(await api.request('GET', `/v1/approvals/${id}`, { as: 'dave' }));
  t.match(shown, {
    id,
    state: 'approved',
    agent: { id: 'deploy-bot', owner: PEOPLE.alice.email },
    call: { iam_action: 'iam:CreateRole' },
    reason: 'creating IAM roles needs two SREs',
    requirement: { min_approvers: 2, groups: ['sre'], timeout_seconds: 900 },
    created_at: '2026-11-21T03:00:00.000Z',
    expires_at: '2026-11-21T03:15:00.000Z',
  });
  t.match(shown['link'], new RegExp(`^${PUBLIC_URL}/approvals/${id}\\?token=[A-Za-z0-9_-]+$`));
  t.equal((shown['votes'] as unknown[]).length, 2);

  const grants = await json<{ grants: Array<Record<string, unknown>> }>(
    await api.request('GET', '/v1/grants?agent=deploy-bot&active=true', { as: 'bob' }),
  );
  t.same(
    grants.grants.map((grant) => grant['approval_id']),
    [id],
  );
  api.advance(31 * 60);
  const later = await json<{ grants: unknown[] }>(await api.request('GET', '/v1/grants?active=true', { as: 'bob' }));
  t.same(later.grants, [], 'an expired grant is not active');
  const all = await json<{ grants: unknown[] }>(await api.request('GET', '/v1/grants', { as: 'bob' }));
  t.equal(all.grants.length, 1, 'but is still listed without active=true');

  const votes = await api.auditRecords('vote.recorded');
  t.same(
    votes.map((record) => record.data['via']),
    ['api', 'api'],
  );
});

t.test('one deny vetoes', async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('deny-case');
  await api.request('POST', `/v1/approvals/${id}/approve`, { as: 'bob' });
  const response = await api.request('POST', `/v1/approvals/${id}/deny`, { as: 'carol', json: { comment: 'no' } });
  t.equal(response.status, 200);
  t.match(await json(response), { outcome: 'denied', still_needed: 1, approval: { state: 'denied' } });
});

t.test('409 for a second vote and for a resolved approval; 404 for an unknown one', async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('conflict-case');
  t.equal((await api.request('POST', `/v1/approvals/${id}/approve`, { as: 'bob' })).status, 200);
  const again = await api.request('POST', `/v1/approvals/${id}/deny`, { as: 'bob' });
  t.equal(again.status, 409);
  t.equal((await json<ErrorBody>(again)).error.code, 'already-voted');

  await api.request('POST', `/v1/approvals/${id}/deny`, { as: 'carol' });
  const resolved = await api.request('POST', `/v1/approvals/${id}/approve`, { as: 'dave' });
  t.equal(resolved.status, 409);
  t.equal((await json<ErrorBody>(resolved)).error.code, 'resolved');

  const expiring = await api.hold('expiry-case');
  api.advance(900);
  const late = await api.request('POST', `/v1/approvals/${expiring}/approve`, { as: 'bob' });
  t.equal(late.status, 409, 'time ran out');
  const shown = await json(await api.request('GET', `/v1/approvals/${expiring}`, { as: 'bob' }));
  t.match(shown, { state: 'expired', seconds_left: 0 });

  for (const [method, path] of [
    ['GET', '/v1/approvals/apv_unknown'],
    ['POST', '/v1/approvals/apv_unknown/approve'],
    ['GET', '/v1/approvals/not%20an%20id'],
    ['POST', '/v1/approvals/not%20an%20id/deny'],
  ] as const) {
    const response = await api.request(method, path, { as: 'bob' });
    t.equal(response.status, 404, `${method} ${path}`);
    t.equal((await json<ErrorBody>(response)).error.code, 'not_found');
  }
});

t.test('malformed bodies are refused and change nothing', async (t) => {
  const api = await startApiFixture(t);
  const id = await api.hold('body-case');
  const approve = `/v1/approvals/${id}/approve`;
  const rows = [
    { note: 'form-encoded', body: 'comment=hi', contentType: 'application/x-www-form-urlencoded', status: 415 },
    { note: 'JSON without its media type', body: '{"comment":"hi"}', contentType: 'text/plain', status: 415 },
    { note: 'not JSON', body: '{"comment":', contentType: 'application/json', status: 400 },
    { note: 'an array', json: ['comment'], status: 400 },
    { note: 'an unknown field', json: { comment: 'ok', grant: 30 }, status: 400 },
    { note: 'a long comment', json: { comment: 'x'.repeat(2001) }, status: 400 },
    { note: 'a comment that is not text', json: { comment: 42 }, status: 400 },
    { note: 'grant_minutes 0', json: { grant_minutes: 0 }, status: 400 },
    { note: 'grant_minutes over a day', json: { grant_minutes: 1441 }, status: 400 },
    { note: 'grant_minutes not whole', json: { grant_minutes: 1.5 }, status: 400 },
    { note: 'grant_minutes as text', json: { grant_minutes: '30' }, status: 400 },
    { note: 'a body over 16 KiB', json: { comment: 'x'.repeat(17 * 1024) }, status: 413 },
  ];
  for (const row of rows) {
    const response = await api.request('POST', approve, {
      as: 'bob',
      ...('json' in row ? { json: row.json } : { body: row.body, contentType: row.contentType }),
    });
    t.equal(response.status, row.status, row.note);
    t.type((await json<ErrorBody>(response)).error.message, 'string', row.note);
  }
  const deny = await api.request('POST', `/v1/approvals/${id}/deny`, { as: 'bob', json: { grant_minutes: 30 } });
  t.equal(deny.status, 400, 'a deny cannot carry a grant');
  t.same((await api.approvals.get(id))?.votes, [], 'no vote was recorded');

  const longest = await api.request('POST', approve, { as: 'bob', json: { comment: 'x'.repeat(2000) } });
  t.equal(longest.status, 200, 'a comment of exactly 2000 characters is taken');
});

t.test('listing filters by state and agent and pages with next_before', async (t) => {
  const api = await startApiFixture(t);
  const ids: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    ids.push(await api.hold(`list-case-${index}`));
    api.advance(1);
  }
  const other = await api.hold('other-agent', { agent: { id: 'report-bot', owner: 'erin@example.com' } });
  await api.request('POST', `/v1/approvals/${ids[0]}/deny`, { as: 'bob' });

  const all = await json<{ approvals: Array<{ id: string }>; next_before: string | null }>(
    await api.request('GET', '/v1/approvals', { as: 'bob' }),
  );
  t.same(
    all.approvals.map((approval) => approval.id),
    [other, ...[...ids].reverse()],
  );
  t.equal(all.next_before, null);

  const pending = await json<{ approvals: Array<{ id: string; state: string }> }>(
    await api.request('GET', '/v1/approvals?state=pending&agent=deploy-bot', { as: 'bob' }),
  );
  t.same(
    pending.approvals.map((approval) => approval.id),
    ids.slice(1).reverse(),
  );

  const seen: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 10; page += 1) {
    const query: string = before === null ? '?limit=2' : `?limit=2&before=${before}`;
    const body = await json<{ approvals: Array<{ id: string }>; next_before: string | null }>(
      await api.request('GET', `/v1/approvals${query}`, { as: 'bob' }),
    );
    seen.push(...body.approvals.map((approval) => approval.id));
    before = body.next_before;
    if (before === null) break;
  }
  t.same(
    seen,
    all.approvals.map((approval) => approval.id),
    'the pages add up to the whole list, each once',
  );

  for (const query of [
    '?state=maybe',
    '?limit=0',
    '?limit=501',
    '?limit=two',
    '?sort=asc',
    '?state=pending&state=denied',
    '?before=apv_nothing',
  ]) {
    const response = await api.request('GET', `/v1/approvals${query}`, { as: 'bob' });
    t.equal(response.status, 400, query);
    t.equal((await json<ErrorBody>(response)).error.code, 'bad_request', query);
  }
  t.equal((await api.request('GET', '/v1/grants?active=yes', { as: 'bob' })).status, 400);
});

t.test('an unexpected failure is a 500 without internals, and is logged', async (t) => {
  const api = await startApiFixture(t, {
    wrapApprovals: (real) =>
      new Proxy(real, {
        get(target, property) {
          if (property === 'list') {
            return () => Promise.reject(new Error('database file at /var/lib/airlock is corrupt'));
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as ApprovalService,
  });
  const response = await api.request('GET', '/v1/approvals', { as: 'bob' });
  t.equal(response.status, 500);
  const text = await response.text();
  t.same(JSON.parse(text), { error: { code: 'internal', message: 'internal error' } });
  t.notOk(text.includes('corrupt'), 'the cause is not sent');
  t.equal(response.headers.get('cache-control'), 'no-store');
  t.match(api.logged(), [{ msg: 'approval API request failed', err: { message: /corrupt/ } }]);
});

t.test('an identity provider that cannot be reached is a 503, not a refused token', async (t) => {
  const oidc = createOidcVerifier({ issuer: 'http://127.0.0.1:1', audience: 'airlock' });
  const api = await startApiFixture(t, { oidc });
  const response = await api.request('GET', '/v1/approvals', {
    authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  });
  t.equal(response.status, 503);
  t.equal((await json<ErrorBody>(response)).error.code, 'unavailable');
  t.same(await api.auditRecords('api.refused'), [], 'nobody was refused');
});

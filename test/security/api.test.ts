import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { type AirlockWorld, checkRefused, checkUntouched, startAirlockWorld } from './airlock-world.js';

// The REST API, end to end over HTTP: a request with no Authorization, a malformed one, an unknown, revoked or
// expired approver token, or a JWT when no identity provider is configured is answered 401 and audited
// `api.refused` with its reason; the agent's owner, and the agent itself, are answered 403 and audited. None of
// them changes the approval.

const world = await startAirlockWorld(t);

interface ApiAnswer {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: { readonly error?: { readonly code?: unknown } };
}

async function call(
  world: AirlockWorld,
  method: 'GET' | 'POST',
  path: string,
  authorization: string | undefined,
): Promise<ApiAnswer> {
  const response = await world.fetch(path, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: JSON.stringify({ comment: 'ship it' }) } : {}),
  });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: (await response.json()) as ApiAnswer['body'],
  };
}

/**
 * checkUnauthenticated sends an approve and a view of a fresh approval with `authorization`, and checks both are
 * answered 401 with a Bearer challenge, audited with `reason`, and change nothing.
 */
async function checkUnauthenticated(
  t: Test,
  authorization: string | undefined,
  reason: string,
): Promise<{ id: string }> {
  const opened = await world.open();
  const before = await world.snapshot([opened.id]);
  const approve = await call(world, 'POST', `/v1/approvals/${opened.id}/approve`, authorization);
  const view = await call(world, 'GET', `/v1/approvals/${opened.id}`, authorization);
  for (const answer of [approve, view]) {
    t.equal(answer.status, 401);
    t.equal(answer.body.error?.code, 'unauthenticated');
    t.match(answer.challenge ?? '', /^Bearer realm="airlock"/, 'with a Bearer challenge');
  }
  const refused = { method: 'POST', status: 401, reason, approval_id: opened.id };
  await checkRefused(t, world, before, [
    { kind: 'api.refused', data: { ...refused, route: `/v1/approvals/${opened.id}/approve` } },
    { kind: 'api.refused', data: { ...refused, route: `/v1/approvals/${opened.id}`, method: 'GET' } },
  ]);
  await checkUntouched(t, world, opened.id);
  return { id: opened.id };
}

t.test('no Authorization header is refused', async (t) => {
  await checkUnauthenticated(t, undefined, 'missing');
});

t.test('a well-formed approver token Airlock never issued is refused', async (t) => {
  const unknown = world.secret(`alt_${randomBytes(32).toString('base64url')}`);
  await checkUnauthenticated(t, `Bearer ${unknown}`, 'unknown-token');
});

t.test('a malformed Authorization header is refused', async (t) => {
  const bob = await world.issueToken('bob@example.com', ['sre']);
  // Each carries bob's genuine token, or a password, in a form that is not `Bearer <token>`.
  const password = world.secret(Buffer.from('bob:hunter2').toString('base64'));
  for (const header of [`Basic ${password}`, 'Bearer', `Token ${bob.token}`, `Bearer ${bob.token} extra`]) {
    await checkUnauthenticated(t, header, 'malformed');
  }
});

t.test('a revoked token is refused', async (t) => {
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const control = await world.open();
  t.equal((await call(world, 'GET', `/v1/approvals/${control.id}`, `Bearer ${bob.token}`)).status, 200, 'before');
  t.equal(await world.store.revokeApproverToken(bob.id), true);
  await checkUnauthenticated(t, `Bearer ${bob.token}`, 'unknown-token');
});

t.test('an expired token is refused', async (t) => {
  const hour = 3_600_000;
  const expired = await world.issueToken('bob@example.com', ['sre'], {
    issuedAt: new Date(Date.now() - 2 * hour),
    expiresAt: new Date(Date.now() - hour),
  });
  const current = await world.issueToken('bob@example.com', ['sre'], { expiresAt: new Date(Date.now() + hour) });
  const control = await world.open();
  t.equal((await call(world, 'GET', `/v1/approvals/${control.id}`, `Bearer ${current.token}`)).status, 200);
  await checkUnauthenticated(t, `Bearer ${expired.token}`, 'unknown-token');
});

t.test('a JWT is refused when no identity provider is configured', async (t) => {
  t.equal(world.config.approvers.oidc, undefined, 'no OIDC in this configuration');
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = world.secret(
    [
      part({ alg: 'RS256', typ: 'JWT', kid: 'k1' }),
      part({ iss: 'https://idp.example.com', sub: 'bob', aud: 'airlock', email: 'bob@example.com', groups: ['sre'] }),
      randomBytes(64).toString('base64url'),
    ].join('.'),
  );
  await checkUnauthenticated(t, `Bearer ${jwt}`, 'oidc-not-configured');
});

t.test("the agent's owner, and the agent itself, are refused 403", async (t) => {
  const opened = await world.open();
  const alice = await world.issueToken('alice@example.com', ['sre']);
  const agent = await world.issueToken('deploy-bot', ['sre']);
  const cases = [
    { token: alice.token, approver: 'alice@example.com', reason: 'agent-owner' },
    { token: agent.token, approver: 'deploy-bot', reason: 'agent-itself' },
  ];
  for (const { token, approver, reason } of cases) {
    const before = await world.snapshot([opened.id]);
    for (const decision of ['approve', 'deny'] as const) {
      const answer = await call(world, 'POST', `/v1/approvals/${opened.id}/${decision}`, `Bearer ${token}`);
      t.equal(answer.status, 403, `${approver} may not ${decision}`);
      t.equal(answer.body.error?.code, reason);
    }
    const refusal = (decision: string) => [
      { kind: 'vote.refused', data: { approval_id: opened.id, approver, decision, reason, via: 'api' } },
      {
        kind: 'api.refused',
        data: {
          route: `/v1/approvals/${opened.id}/${decision}`,
          method: 'POST',
          status: 403,
          reason,
          approver,
          approval_id: opened.id,
        },
      },
    ];
    await checkRefused(t, world, before, [...refusal('approve'), ...refusal('deny')]);
    await checkUntouched(t, world, opened.id);
  }
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const counted = await call(world, 'POST', `/v1/approvals/${opened.id}/approve`, `Bearer ${bob.token}`);
  t.equal(counted.status, 200, 'an approver who is neither counts');
});

t.test('the whole audit log verifies and holds no secret', async (t) => {
  await world.finish(t);
});

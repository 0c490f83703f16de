import { exportJWK, generateKeyPair } from 'jose';
import t from 'tap';
import { startTestProvider, type TestProvider } from '../approvers/oidc-provider-fixture.js';
import { type Moto, startMoto } from '../harness/moto.js';
import { awsCliEnvironment, run, startAirlock } from './harness/airlock.js';
import { apiCall, issueApproverToken, waitForApprovals } from './harness/api.js';

// Approvers who sign in with the organisation's identity provider: a real OpenID provider (oidc-provider) issues
// ID tokens after a real authorization-code flow, and a running Airlock configured with `approvers.oidc` takes them
// as bearer tokens. The identity is the email, so the same person with an API token and an OIDC login is one vote.

let moto: Moto;
let provider: TestProvider;

t.before(async () => {
  moto = await startMoto();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'e2e' };
  provider = await startTestProvider({
    accounts: [
      { sub: 'u-grace', email: 'grace@example.com', emailVerified: true, groups: ['security'] },
      { sub: 'u-heidi', email: 'heidi@example.com', emailVerified: true, groups: ['security', 'sre'] },
      { sub: 'u-olivia', email: 'olivia@example.com', emailVerified: true, groups: ['security'] },
    ],
    signingKeys: [signingKey],
  });
});
t.teardown(async () => {
  await provider?.close();
  await moto?.stop();
});

t.test('OIDC approvers: the owner is refused, one person counts once, two people approve', async (t) => {
  const airlock = await startAirlock({
    upstream: moto.url,
    credentials: moto.credentials,
    environment: 'prod',
    config: {
      approvals: { hold_seconds: 30 },
      approvers: { oidc: { issuer: provider.issuer, audience: provider.clientId } },
    },
  });
  t.teardown(() => airlock.stop());
  const keys = await airlock.addAgent('oidc-bot', 'olivia@example.com');
  const heidiToken = await issueApproverToken(airlock, 'heidi@example.com', ['security']);
  const call = run(
    'aws',
    ['iam', 'create-role', '--role-name', 'oidc-role', '--assume-role-policy-document', '{}', '--output', 'json'],
    awsCliEnvironment(airlock, keys),
  );

  const grace = await provider.issueIdToken('u-grace');
  const [pending] = await waitForApprovals(airlock, grace, { state: 'pending', agent: 'oidc-bot' }, 1);
  t.equal(pending!.requirement.min_approvers, 2, 'production needs two security approvers');
  const path = `/v1/approvals/${pending!.id}/approve`;

  const owner = await apiCall(airlock, await provider.issueIdToken('u-olivia'), 'POST', path, {});
  t.equal(owner.status, 403, "the agent's owner, signed in through the provider, cannot approve");

  const heidiByOidc = await apiCall(airlock, await provider.issueIdToken('u-heidi'), 'POST', path, {});
  t.equal(heidiByOidc.status, 200);
  t.match(heidiByOidc.body, { outcome: 'pending', still_needed: 1 });
  const heidiByToken = await apiCall(airlock, heidiToken, 'POST', path, {});
  t.equal(heidiByToken.status, 409, 'the same email with an API token is the same person: already voted');

  const graceVote = await apiCall(airlock, grace, 'POST', path, {});
  t.equal(graceVote.status, 200);
  t.match(graceVote.body, { outcome: 'approved' });
  const done = await call;
  t.equal(done.code, 0, done.stderr);
  t.match(done.stdout, /"RoleName": "oidc-role"/);

  const tampered = `${grace.slice(0, -4)}AAAA`;
  t.equal((await apiCall(airlock, tampered, 'GET', '/v1/approvals')).status, 401, 'a tampered token is refused');
});

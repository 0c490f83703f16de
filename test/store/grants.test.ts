import t from 'tap';
import {
  ApprovalNotFoundError,
  GrantNotFoundError,
  InvalidArgumentError,
  StoreConflictError,
} from '../../proxy/core/errors.js';
import type { NewGrant } from '../../proxy/store/index.js';
import { at, newApproval, openStore } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/app';

function newGrant(overrides: Partial<NewGrant> = {}): NewGrant {
  return {
    id: 'grt_once',
    agentId: 'deploy-bot',
    iamAction: 'iam:CreateRole',
    resource: ROLE,
    createdBy: 'oidc|bob',
    createdAt: at(0),
    expiresAt: at(600),
    uses: 'once',
    ...overrides,
  };
}

t.test('createGrant stores a grant and getGrant reads it back', async (t) => {
  const store = openStore(t);
  const approval = newApproval();
  await store.createOrJoinApproval(approval);
  const grant = await store.createGrant(newGrant({ approvalId: approval.id }));
  t.same(grant, { ...newGrant({ approvalId: approval.id }), useCount: 0 });
  t.same(await store.getGrant('grt_once'), grant);
  t.equal(await store.getGrant('grt_unknown'), undefined);
  const standalone = await store.createGrant(newGrant({ id: 'grt_standalone' }));
  t.notOk('approvalId' in standalone, 'no approval, no property');

  await t.rejects(store.createGrant(newGrant()), StoreConflictError, 'a taken id');
  await t.rejects(store.createGrant(newGrant({ id: 'grt_x', approvalId: 'apv_unknown' })), ApprovalNotFoundError);
  await t.rejects(store.createGrant(newGrant({ id: 'grt_x', uses: 'twice' as 'once' })), InvalidArgumentError);
  await t.rejects(store.createGrant(newGrant({ id: 'grt_x', expiresAt: at(0) })), InvalidArgumentError);
  await t.rejects(store.createGrant(newGrant({ id: 'grt_x', resource: '' })), InvalidArgumentError);
});

t.test('findUsableGrant matches agent, action and resource exactly, within the grant’s time', async (t) => {
  const store = openStore(t);
  await store.createGrant(newGrant({ createdAt: at(100), expiresAt: at(700) }));
  const find = (agentId: string, action: string, resource: string, seconds: number) =>
    store.findUsableGrant(agentId, action, resource, at(seconds)).then((grant) => grant?.id);

  t.equal(await find('deploy-bot', 'iam:CreateRole', ROLE, 100), 'grt_once', 'from createdAt');
  t.equal(await find('deploy-bot', 'iam:CreateRole', ROLE, 699.999), 'grt_once');
  t.equal(await find('deploy-bot', 'iam:CreateRole', ROLE, 700), undefined, 'not at expiresAt');
  t.equal(await find('deploy-bot', 'iam:CreateRole', ROLE, 99), undefined, 'not before createdAt');
  t.equal(await find('other-bot', 'iam:CreateRole', ROLE, 200), undefined, 'another agent');
  t.equal(await find('deploy-bot', 'iam:DeleteRole', ROLE, 200), undefined, 'another action');
  t.equal(await find('deploy-bot', 'iam:CreateRole', `${ROLE}2`, 200), undefined, 'another resource');
  t.equal(
    await find('deploy-bot', 'iam:CreateRole', 'arn:aws:iam::123456789012:role/*', 200),
    undefined,
    'no wildcards',
  );
});

t.test('a once grant is used once; an until-expiry grant until it expires', async (t) => {
  const store = openStore(t);
  await store.createGrant(newGrant());
  t.equal(await store.useGrant('grt_once', at(10)), true);
  t.equal(await store.useGrant('grt_once', at(11)), false, 'not twice');
  t.same(await store.getGrant('grt_once'), { ...newGrant(), useCount: 1, lastUsedAt: at(10) });
  t.equal(await store.findUsableGrant('deploy-bot', 'iam:CreateRole', ROLE, at(12)), undefined, 'used up');

  await store.createGrant(newGrant({ id: 'grt_window', uses: 'until-expiry' }));
  for (const seconds of [20, 30, 599.999]) {
    t.equal(await store.useGrant('grt_window', at(seconds)), true, `at ${seconds} s`);
  }
  t.equal(await store.useGrant('grt_window', at(600)), false, 'not at expiry');
  t.same(await store.getGrant('grt_window'), {
    ...newGrant({ id: 'grt_window', uses: 'until-expiry' }),
    useCount: 3,
    lastUsedAt: at(599.999),
  });
  await t.rejects(store.useGrant('grt_unknown', at(1)), GrantNotFoundError);
});

t.test('two racing uses of a once grant: exactly one succeeds', async (t) => {
  const store = openStore(t);
  await store.createGrant(newGrant());
  const results = await Promise.all([store.useGrant('grt_once', at(5)), store.useGrant('grt_once', at(5))]);
  t.same(results.sort(), [false, true]);
});

t.test('findUsableGrant prefers an until-expiry grant, then the one expiring first', async (t) => {
  const store = openStore(t);
  await store.createGrant(newGrant({ id: 'grt_once_late', expiresAt: at(900) }));
  await store.createGrant(newGrant({ id: 'grt_once_soon', expiresAt: at(300) }));
  const find = () => store.findUsableGrant('deploy-bot', 'iam:CreateRole', ROLE, at(10)).then((grant) => grant?.id);
  t.equal(await find(), 'grt_once_soon');
  await store.createGrant(newGrant({ id: 'grt_window', uses: 'until-expiry', expiresAt: at(1200) }));
  t.equal(await find(), 'grt_window', 'using it consumes nothing');
});

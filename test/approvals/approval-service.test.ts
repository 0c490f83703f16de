import t from 'tap';
import {
  ApprovalServiceClosedError,
  createApprovalService,
  MAX_GRANT_MINUTES,
  verifyApprovalLink,
  type VoteRequest,
} from '../../proxy/approvals/index.js';
import { AuditLog } from '../../proxy/audit/index.js';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import { approver, heldCall, kindsOf, openWorld, PUBLIC_URL, ROLE } from './service-world.js';

function approve(approvalId: string, who: VoteRequest['approver'], extra: Partial<VoteRequest> = {}): VoteRequest {
  return { approvalId, approver: who, decision: 'approve', via: 'api', ...extra };
}

function deny(approvalId: string, who: VoteRequest['approver']): VoteRequest {
  return { approvalId, approver: who, decision: 'deny', via: 'page' };
}

t.test('a quorum of two needs two distinct humans', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const { approval } = await service.open(
    heldCall({ requirement: { minApprovers: 2, groups: ['sre'], timeoutSeconds: 900 } }),
  );

  const first = await service.vote(approve(approval.id, approver('bob')));
  t.match(first, { accepted: true, approval: { state: 'pending' }, tally: { outcome: 'pending', stillNeeded: 1 } });
  world.clock.advance(1);
  t.match(await service.vote(approve(approval.id, approver('bob'))), { accepted: false, reason: 'already-voted' });
  t.equal((await service.get(approval.id))?.state, 'pending', 'the same human twice is still one');

  world.clock.advance(1);
  const second = await service.vote(approve(approval.id, approver('carol')));
  t.match(second, { accepted: true, approval: { state: 'approved' }, tally: { outcome: 'approved', stillNeeded: 0 } });
  t.same(second.accepted && second.tally.approvedBy, ['bob', 'carol']);
  t.same(
    events.map((event) => event.type),
    ['created', 'resolved'],
  );

  const records = await world.auditRecords();
  t.same(kindsOf(records), ['approval.created', 'vote.recorded', 'vote.refused', 'vote.recorded', 'approval.approved']);
  t.match(records[0]?.data, {
    approval_id: approval.id,
    agent: 'deploy-bot',
    owner: 'alice@example.com',
    iam_action: 'iam:CreateRole',
    resource: ROLE,
    account: '123456789012',
    environment: 'prod',
    requirement: { min_approvers: 2, groups: ['sre'], timeout_seconds: 900 },
    policy_version: 'policy-test-1',
    fingerprint: approval.fingerprint,
  });
  t.notOk('params' in (records[0]?.data ?? {}), "the call's parameters stay out of the log");
  t.same(records[4]?.data['approvers'], ['bob', 'carol']);
  await world.checkAuditLog(t);
});

t.test('one human in two of the groups counts once', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const requirement = { minApprovers: 2, groups: ['sre', 'security'], timeoutSeconds: 900 };
  const { approval } = await service.open(heldCall({ requirement }));
  const dave = approver('dave', ['sre', 'security']);

  t.match(await service.vote(approve(approval.id, dave)), { accepted: true, tally: { stillNeeded: 1 } });
  t.match(await service.vote(approve(approval.id, dave)), { accepted: false, reason: 'already-voted' });
  t.match(await service.vote(approve(approval.id, approver('erin', ['security']))), {
    accepted: true,
    approval: { state: 'approved' },
  });
  await world.checkAuditLog(t);
});

t.test('who may not vote is refused, and every refusal is audited', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const { approval } = await service.open(heldCall());
  const cases = [
    { note: 'the owner by id', who: approver('alice@example.com'), reason: 'agent-owner' },
    {
      note: 'the owner by email',
      who: approver('oidc|alice', ['sre'], { email: 'Alice@Example.com' }),
      reason: 'agent-owner',
    },
    { note: 'the agent itself', who: approver('deploy-bot'), reason: 'agent-itself' },
    {
      note: 'bound to the agent',
      who: approver('ci', ['sre'], { bindsAgents: ['deploy-bot'] }),
      reason: 'bound-to-agent',
    },
    { note: 'outside the groups', who: approver('mallory', ['dev']), reason: 'not-in-groups' },
  ];
  for (const { note, who, reason } of cases) {
    t.match(await service.vote(approve(approval.id, who)), { accepted: false, reason }, note);
  }
  t.match(await service.vote(approve('apv_unknown', approver('bob'))), { accepted: false, reason: 'not-found' });
  t.same((await service.get(approval.id))?.votes, [], 'no refused vote was stored');

  await service.vote(approve(approval.id, approver('bob')));
  t.match(await service.vote(deny(approval.id, approver('carol'))), { accepted: false, reason: 'resolved' });

  const refusals = (await world.auditRecords()).filter((record) => record.kind === 'vote.refused');
  t.same(
    refusals.map((record) => record.data['reason']),
    [...cases.map((row) => row.reason), 'not-found', 'resolved'],
  );
  t.match(refusals[0]?.data, { approval_id: approval.id, approver: 'alice@example.com', via: 'api' });
  await world.checkAuditLog(t);
});

t.test('one deny vetoes, even after approvals', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const requirement = { minApprovers: 3, groups: ['sre'], timeoutSeconds: 900 };
  const { approval } = await service.open(heldCall({ requirement }));
  await service.vote(approve(approval.id, approver('bob')));
  await service.vote(approve(approval.id, approver('carol')));
  const veto = await service.vote(deny(approval.id, approver('dave')));
  t.match(veto, { accepted: true, approval: { state: 'denied' }, tally: { outcome: 'denied', deniedBy: 'dave' } });
  t.match(await service.vote(approve(approval.id, approver('erin'))), { accepted: false, reason: 'resolved' });
  t.same(
    events.map((event) => [event.type, event.approval.state]),
    [
      ['created', 'pending'],
      ['resolved', 'denied'],
    ],
  );
  const denied = (await world.auditRecords()).find((record) => record.kind === 'approval.denied');
  t.match(denied?.data, { approval_id: approval.id, denied_by: 'dave', approvers: ['bob', 'carol', 'dave'] });
  await world.checkAuditLog(t);
});

t.test('a retry joins its approval: one approval, one created event', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const first = await service.open(heldCall());
  world.clock.advance(30);
  const retry = await service.open(heldCall());
  t.equal(first.joined, false);
  t.equal(retry.joined, true);
  t.equal(retry.approval.id, first.approval.id);
  t.equal((await service.list()).length, 1);
  t.same(
    events.map((event) => event.type),
    ['created'],
  );
  t.same(kindsOf(await world.auditRecords()), ['approval.created', 'approval.rejoined']);

  await service.vote(approve(first.approval.id, approver('bob')));
  const afterApproval = await service.open(heldCall());
  t.match(afterApproval, { joined: true, approval: { id: first.approval.id, state: 'approved' } }, 'approved, unused');
  await world.checkAuditLog(t);
});

t.test('a retry after a deny gets the denial until the approval would have expired, then a new prompt', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const first = await service.open(heldCall());
  await service.vote(deny(first.approval.id, approver('bob')));

  world.clock.advance(60);
  const retry = await service.open(heldCall());
  t.match(retry, { joined: true, approval: { id: first.approval.id, state: 'denied' } });
  world.clock.advance(839);
  t.match(await service.open(heldCall()), { joined: true, approval: { state: 'denied' } }, 'a second before expiry');

  world.clock.advance(1);
  const fresh = await service.open(heldCall());
  t.equal(fresh.joined, false, 'at the denied approval’s expiry, a new approval');
  t.not(fresh.approval.id, first.approval.id);
  t.equal(fresh.approval.state, 'pending');
  t.same(
    events.filter((event) => event.type === 'created').map((event) => event.approval.id),
    [first.approval.id, fresh.approval.id],
  );
  await world.checkAuditLog(t);
});

t.test('a retry after expiry opens a new approval', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const first = await service.open(heldCall());
  world.clock.advance(900);
  const retry = await service.open(heldCall());
  t.equal(retry.joined, false);
  t.not(retry.approval.id, first.approval.id);
  await world.checkAuditLog(t);
});

t.test('claim is true exactly once, and only for an approved approval', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const { approval } = await service.open(heldCall());
  t.equal(await service.claim(approval.id), false, 'pending');
  await service.vote(approve(approval.id, approver('bob')));
  t.equal(await service.claim(approval.id), true);
  t.equal(await service.claim(approval.id), false, 'used');
  t.equal(await service.claim('apv_unknown'), false);
  t.same(
    events.map((event) => event.type),
    ['created', 'resolved', 'used'],
  );
  t.ok((await service.get(approval.id))?.usedAt);
  t.equal(kindsOf(await world.auditRecords()).filter((kind) => kind === 'approval.used').length, 1);
  t.equal((await service.open(heldCall())).joined, false, 'a used approval is not joined');
  await world.checkAuditLog(t);
});

t.test('an approver can add a grant: created, used, listed, expiring', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const { approval } = await service.open(heldCall());
  const result = await service.vote(approve(approval.id, approver('bob'), { grant: { minutes: 30 } }));
  t.ok(result.accepted);
  const grant = result.accepted ? result.grant : undefined;
  t.match(grant, {
    approvalId: approval.id,
    agentId: 'deploy-bot',
    iamAction: 'iam:CreateRole',
    resource: ROLE,
    createdBy: 'bob',
    uses: 'until-expiry',
    useCount: 0,
    expiresAt: new Date(world.clock.now().getTime() + 30 * 60_000).toISOString(),
  });

  world.clock.advance(60);
  t.match(await service.useCoveringGrant('deploy-bot', 'iam:CreateRole', ROLE), { id: grant?.id, useCount: 1 });
  t.match(await service.useCoveringGrant('deploy-bot', 'iam:CreateRole', ROLE), { id: grant?.id, useCount: 2 });
  t.equal(await service.useCoveringGrant('deploy-bot', 'iam:DeleteRole', ROLE), undefined, 'another action');
  t.equal(await service.useCoveringGrant('other-bot', 'iam:CreateRole', ROLE), undefined, 'another agent');
  t.same(
    (await service.listGrants({ activeOnly: true })).map((found) => found.id),
    [grant?.id],
  );

  world.clock.advance(29 * 60);
  t.equal(await service.useCoveringGrant('deploy-bot', 'iam:CreateRole', ROLE), undefined, 'expired');
  t.same(await service.listGrants({ activeOnly: true }), []);
  t.same(
    (await service.listGrants({ agentId: 'deploy-bot' })).map((found) => found.useCount),
    [2],
  );
  const kinds = kindsOf(await world.auditRecords());
  t.equal(kinds.filter((kind) => kind === 'grant.created').length, 1);
  t.equal(kinds.filter((kind) => kind === 'grant.used').length, 2);
  await world.checkAuditLog(t);
});

t.test('a grant comes only with the approve vote that decides, and only within bounds', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const requirement = { minApprovers: 2, groups: ['sre'], timeoutSeconds: 900 };
  const { approval } = await service.open(heldCall({ requirement }));
  const early = await service.vote(approve(approval.id, approver('bob'), { grant: { minutes: 10 } }));
  t.match(early, { accepted: true, tally: { outcome: 'pending' } });
  t.notOk(early.accepted && early.grant, 'no grant before the approval is decided');

  for (const minutes of [0, MAX_GRANT_MINUTES + 1, 1.5]) {
    await t.rejects(
      service.vote(approve(approval.id, approver('carol'), { grant: { minutes } })),
      InvalidArgumentError,
      `${minutes} minutes`,
    );
  }
  await t.rejects(
    service.vote({ ...deny(approval.id, approver('carol')), grant: { minutes: 5 } }),
    InvalidArgumentError,
    'a deny gives no grant',
  );

  const noResource = await service.open(heldCall({ call: { iam_action: 'sts:GetCallerIdentity' } }, 'no resource'));
  t.match(await service.vote(approve(noResource.approval.id, approver('carol'), { grant: { minutes: 5 } })), {
    accepted: false,
    reason: 'grant-not-possible',
  });
  t.same(await service.listGrants(), []);
  await world.checkAuditLog(t);
});

t.test('links open the approval page and expire with the approval', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process();
  const opened = await service.open(heldCall());
  const link = new URL(opened.link);
  t.equal(`${link.origin}${link.pathname}`, `${PUBLIC_URL}/approvals/${opened.approval.id}`);
  const token = link.searchParams.get('token') ?? '';
  t.match(verifyApprovalLink(token, opened.approval.id, world.linkKey, world.clock.now()), {
    ok: true,
    expiresAt: new Date(opened.approval.expiresAt),
  });
  t.match(verifyApprovalLink(token, opened.approval.id, world.linkKey, new Date(opened.approval.expiresAt)), {
    ok: false,
    reason: 'expired',
  });
  t.equal(new URL(service.linkFor(opened.approval)).searchParams.get('token'), token);
  await world.checkAuditLog(t);
});

t.test('a listener that throws neither breaks a vote nor stops other listeners', async (t) => {
  const world = openWorld(t);
  const { service, events, logged } = await world.process();
  service.subscribe(() => {
    throw new Error('listener broke');
  });
  service.subscribe(async () => {
    throw new Error('async listener broke');
  });
  const { approval } = await service.open(heldCall());
  t.match(await service.vote(approve(approval.id, approver('bob'))), {
    accepted: true,
    approval: { state: 'approved' },
  });
  t.same(
    events.map((event) => event.type),
    ['created', 'resolved'],
  );
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(logged.filter((line) => line.includes('approval listener failed')).length, 4, 'each failure logged');
  await world.checkAuditLog(t);
});

t.test('options are checked when the service is made', async (t) => {
  const world = openWorld(t);
  const { store, audit } = await world.process();
  const base = { store, audit, linkKey: world.linkKey, publicUrl: PUBLIC_URL };
  const cases = [
    { note: 'short link key', options: { ...base, linkKey: new Uint8Array(16) } },
    { note: 'not a URL', options: { ...base, publicUrl: 'airlock.example.com' } },
    { note: 'not http', options: { ...base, publicUrl: 'ftp://airlock.example.com' } },
    { note: 'zero poll interval', options: { ...base, pollIntervalMs: 0 } },
  ];
  for (const { note, options } of cases) {
    t.throws(() => createApprovalService(options), InvalidArgumentError, note);
  }
  const trailing = createApprovalService({ ...base, publicUrl: `${PUBLIC_URL}/` });
  t.teardown(() => trailing.close());
  t.ok(trailing.linkFor((await trailing.open(heldCall())).approval).startsWith(`${PUBLIC_URL}/approvals/apv_`));
  t.type(audit, AuditLog);
  await trailing.close();
  await t.rejects(trailing.open(heldCall()), ApprovalServiceClosedError, 'a closed service opens nothing');
  await t.rejects(trailing.vote(approve('apv_x', approver('bob'))), ApprovalServiceClosedError);
  await world.checkAuditLog(t);
});

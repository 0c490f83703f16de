import t from 'tap';
import {
  ApprovalNotFoundError,
  ApprovalStateError,
  DuplicateVoteError,
  InvalidArgumentError,
  StoreConflictError,
} from '../../proxy/core/errors.js';
import type { NewApproval, NewVote, ResolvedApprovalState, Store } from '../../proxy/store/index.js';
import { at, fingerprintOf, newApproval, openStore } from './helpers.js';

function vote(approverId: string, decision: NewVote['decision'], seconds: number, comment?: string): NewVote {
  return {
    approverId,
    approverGroups: ['sre'],
    decision,
    at: at(seconds),
    ...(comment === undefined ? {} : { comment }),
  };
}

/** resolvedApproval stores an approval and takes it to `state` (for `used`: approved, then used). */
async function resolvedApproval(
  store: Store,
  state: ResolvedApprovalState | 'used',
  input = newApproval(),
): Promise<NewApproval> {
  await store.createOrJoinApproval(input);
  const resolved =
    state === 'used'
      ? (await store.resolveApproval(input.id, 'approved', at(10))) && (await store.markApprovalUsed(input.id, at(11)))
      : await store.resolveApproval(input.id, state, state === 'expired' ? at(900) : at(10));
  if (!resolved) {
    throw new Error(`test setup could not take ${input.id} to ${state}`);
  }
  return input;
}

t.test('createOrJoinApproval stores a new fingerprint as a pending approval', async (t) => {
  const store = openStore(t);
  const input = newApproval();
  const { approval, joined } = await store.createOrJoinApproval(input);
  t.equal(joined, false);
  t.same(approval, { ...input, state: 'pending', votes: [] });
  t.notOk('resolvedAt' in approval, 'no resolvedAt while pending');
  t.same(await store.getApproval(input.id), approval, 'getApproval reads back the same record');
  t.equal(await store.getApproval('apv_unknown'), undefined);
});

t.test('a retry with the same fingerprint joins the pending approval instead of creating another', async (t) => {
  const store = openStore(t);
  const first = newApproval();
  await store.createOrJoinApproval(first);
  const retry = newApproval({}, 60);
  const { approval, joined } = await store.createOrJoinApproval(retry);
  t.equal(joined, true);
  t.equal(approval.id, first.id);
  t.equal(approval.createdAt, first.createdAt, 'the original approval, unchanged');
  t.equal(await store.getApproval(retry.id), undefined, 'no row for the retry');
  t.equal((await store.listApprovals()).length, 1);

  const other = await store.createOrJoinApproval(newApproval({ fingerprint: fingerprintOf('another call') }, 60));
  t.equal(other.joined, false, 'another fingerprint is another approval');
});

t.test('a pending approval whose time ran out is not joined, even before the sweep marks it', async (t) => {
  const store = openStore(t);
  const first = newApproval();
  await store.createOrJoinApproval(first);
  t.equal((await store.createOrJoinApproval(newApproval({}, 899.999))).joined, true, 'one millisecond before expiry');
  const late = await store.createOrJoinApproval(newApproval({}, 900));
  t.equal(late.joined, false, 'at expiry a new approval is made');
  t.not(late.approval.id, first.id);
  t.equal((await store.getApproval(first.id))?.state, 'pending', 'the old one waits for the sweep');
});

t.test('which resolved approvals a retry joins', async (t) => {
  const cases: { note: string; state: ResolvedApprovalState | 'used'; joins: boolean }[] = [
    { note: 'approved and not yet used: returned, so the retry is forwarded', state: 'approved', joins: true },
    { note: 'approved and used: a new approval', state: 'used', joins: false },
    { note: 'denied: a new approval', state: 'denied', joins: false },
    { note: 'expired: a new approval', state: 'expired', joins: false },
    { note: 'cancelled: a new approval', state: 'cancelled', joins: false },
  ];
  for (const { note, state, joins } of cases) {
    await t.test(note, async (t) => {
      const store = openStore(t);
      const first = await resolvedApproval(store, state);
      // An hour later, long after the approval's own expiry: an approved, unused one is still returned.
      const retry = await store.createOrJoinApproval(newApproval({}, 3600));
      t.equal(retry.joined, joins);
      if (joins) {
        t.equal(retry.approval.id, first.id);
        t.equal(retry.approval.state, 'approved');
      } else {
        t.not(retry.approval.id, first.id);
        t.equal(retry.approval.state, 'pending');
      }
    });
  }
});

t.test('createOrJoinApproval refuses a taken id and malformed input', async (t) => {
  const store = openStore(t);
  const first = newApproval();
  await store.createOrJoinApproval(first);
  await t.rejects(
    store.createOrJoinApproval(newApproval({ id: first.id, fingerprint: fingerprintOf('other') })),
    StoreConflictError,
  );
  const cases: { note: string; input: Partial<NewApproval> }[] = [
    { note: 'fingerprint not hex', input: { fingerprint: 'x'.repeat(64) } },
    { note: 'fingerprint upper-case', input: { fingerprint: fingerprintOf('a').toUpperCase() } },
    { note: 'empty id', input: { id: '' } },
    { note: 'call not an object', input: { call: [] as unknown as NewApproval['call'] } },
    { note: 'zero approvers', input: { requirement: { minApprovers: 0, groups: ['sre'], timeoutSeconds: 900 } } },
    { note: 'groups not strings', input: { requirement: { minApprovers: 1, groups: [''], timeoutSeconds: 900 } } },
    { note: 'time without milliseconds', input: { createdAt: '2026-11-21T03:00:00Z' } },
    { note: 'time with an offset', input: { createdAt: '2026-11-21T03:00:00.000+01:00' } },
    { note: 'an impossible date', input: { createdAt: '2026-02-30T03:00:00.000Z' } },
    { note: 'expiring before creation', input: { expiresAt: at(-1) } },
  ];
  for (const { note, input } of cases) {
    await t.rejects(store.createOrJoinApproval(newApproval(input)), InvalidArgumentError, note);
  }
  t.equal((await store.listApprovals()).length, 1, 'nothing more was stored');
});

t.test('recordVote adds votes in order and returns the approval with all of them', async (t) => {
  const store = openStore(t);
  const input = newApproval();
  await store.createOrJoinApproval(input);
  const afterFirst = await store.recordVote(input.id, vote('oidc|bob', 'approve', 10, 'looks right'));
  t.same(afterFirst.votes, [vote('oidc|bob', 'approve', 10, 'looks right')]);
  const afterSecond = await store.recordVote(input.id, vote('oidc|carol', 'approve', 20));
  t.same(afterSecond.votes, [vote('oidc|bob', 'approve', 10, 'looks right'), vote('oidc|carol', 'approve', 20)]);
  t.notOk('comment' in (afterSecond.votes[1] ?? {}), 'no comment, no property');
  t.equal(afterSecond.state, 'pending', 'the store counts nothing');
  t.same((await store.getApproval(input.id))?.votes, afterSecond.votes);
});

t.test('a second vote by the same approver is refused and the first one stands', async (t) => {
  const store = openStore(t);
  const input = newApproval();
  await store.createOrJoinApproval(input);
  await store.recordVote(input.id, vote('oidc|bob', 'approve', 10));
  await t.rejects(store.recordVote(input.id, vote('oidc|bob', 'approve', 11)), DuplicateVoteError);
  await t.rejects(store.recordVote(input.id, vote('oidc|bob', 'deny', 12)), DuplicateVoteError, 'nor changed');
  t.same((await store.getApproval(input.id))?.votes, [vote('oidc|bob', 'approve', 10)]);

  const other = newApproval({ fingerprint: fingerprintOf('other') });
  await store.createOrJoinApproval(other);
  t.equal((await store.recordVote(other.id, vote('oidc|bob', 'deny', 13))).votes.length, 1, 'per approval');
});

t.test('votes are refused once an approval is resolved or its time has run out', async (t) => {
  for (const state of ['approved', 'denied', 'expired', 'cancelled', 'used'] as const) {
    const store = openStore(t);
    const input = await resolvedApproval(store, state);
    const refused = await store.recordVote(input.id, vote('oidc|dave', 'approve', 20)).catch((error) => error);
    t.type(refused, ApprovalStateError, state);
    t.equal((refused as ApprovalStateError).state, state === 'used' ? 'approved' : state);
    t.same((await store.getApproval(input.id))?.votes, [], `${state}: no vote stored`);
  }
  const store = openStore(t);
  const input = newApproval();
  await store.createOrJoinApproval(input);
  await t.rejects(store.recordVote(input.id, vote('oidc|dave', 'approve', 900)), ApprovalStateError, 'at expiry');
  await t.rejects(store.recordVote('apv_unknown', vote('oidc|dave', 'approve', 1)), ApprovalNotFoundError);
  await t.rejects(
    store.recordVote(input.id, { ...vote('oidc|dave', 'approve', 1), decision: 'maybe' as 'approve' }),
    InvalidArgumentError,
  );
});

t.test('terminal states never change: every transition is tried', async (t) => {
  const terminal: ResolvedApprovalState[] = ['approved', 'denied', 'expired', 'cancelled'];
  for (const from of terminal) {
    for (const to of terminal) {
      const store = openStore(t);
      const input = await resolvedApproval(store, from);
      const before = await store.getApproval(input.id);
      t.equal(await store.resolveApproval(input.id, to, at(to === 'expired' ? 1000 : 20)), false, `${from} -> ${to}`);
      t.same(await store.getApproval(input.id), before, `${from} stays ${from}, resolvedAt unchanged`);
    }
  }
});

t.test('a pending approval resolves once, and time decides what it may resolve to', async (t) => {
  const cases: { note: string; to: ResolvedApprovalState; seconds: number; changes: boolean }[] = [
    { note: 'approved before expiry', to: 'approved', seconds: 899.999, changes: true },
    { note: 'approved at expiry', to: 'approved', seconds: 900, changes: false },
    { note: 'denied before expiry', to: 'denied', seconds: 1, changes: true },
    { note: 'denied after expiry', to: 'denied', seconds: 901, changes: false },
    { note: 'expired at expiry', to: 'expired', seconds: 900, changes: true },
    { note: 'expired early', to: 'expired', seconds: 899.999, changes: false },
    { note: 'cancelled early', to: 'cancelled', seconds: 1, changes: true },
    { note: 'cancelled after expiry', to: 'cancelled', seconds: 1000, changes: true },
  ];
  for (const { note, to, seconds, changes } of cases) {
    const store = openStore(t);
    const input = newApproval();
    await store.createOrJoinApproval(input);
    t.equal(await store.resolveApproval(input.id, to, at(seconds)), changes, note);
    const stored = await store.getApproval(input.id);
    t.equal(stored?.state, changes ? to : 'pending', note);
    t.equal(stored?.resolvedAt, changes ? at(seconds) : undefined, note);
  }
  const store = openStore(t);
  await t.rejects(store.resolveApproval('apv_unknown', 'approved', at(1)), ApprovalNotFoundError);
  await t.rejects(store.resolveApproval('apv_x', 'pending' as ResolvedApprovalState, at(1)), InvalidArgumentError);
});

t.test('of two racing resolutions exactly one wins', async (t) => {
  const store = openStore(t);
  const input = newApproval();
  await store.createOrJoinApproval(input);
  const results = await Promise.all([
    store.resolveApproval(input.id, 'approved', at(5)),
    store.resolveApproval(input.id, 'denied', at(5)),
    store.resolveApproval(input.id, 'cancelled', at(5)),
  ]);
  t.same(results, [true, false, false]);
  t.equal((await store.getApproval(input.id))?.state, 'approved');
});

t.test('markApprovalUsed succeeds once, and only on an approved approval', async (t) => {
  const store = openStore(t);
  const pending = newApproval();
  await store.createOrJoinApproval(pending);
  t.equal(await store.markApprovalUsed(pending.id, at(5)), false, 'not while pending');
  await store.resolveApproval(pending.id, 'approved', at(10));
  t.equal(await store.markApprovalUsed(pending.id, at(11)), true, 'once approved');
  t.equal(await store.markApprovalUsed(pending.id, at(12)), false, 'not twice');
  t.equal((await store.getApproval(pending.id))?.usedAt, at(11), 'the first use is recorded');

  for (const state of ['denied', 'expired', 'cancelled'] as const) {
    const input = await resolvedApproval(store, state, newApproval({ fingerprint: fingerprintOf(state) }));
    t.equal(await store.markApprovalUsed(input.id, at(20)), false, state);
    t.equal((await store.getApproval(input.id))?.usedAt, undefined, state);
  }
  await t.rejects(store.markApprovalUsed('apv_unknown', at(1)), ApprovalNotFoundError);
});

t.test('expireDueApprovals expires pending approvals at or past their expiry, once', async (t) => {
  const store = openStore(t);
  const early = newApproval({ id: 'apv_early', fingerprint: fingerprintOf('early') }, 0);
  const late = newApproval({ id: 'apv_late', fingerprint: fingerprintOf('late') }, 100);
  const approved = newApproval({ id: 'apv_approved', fingerprint: fingerprintOf('approved') }, 0);
  for (const input of [early, late, approved]) {
    await store.createOrJoinApproval(input);
  }
  await store.resolveApproval(approved.id, 'approved', at(5));

  t.same(await store.expireDueApprovals(at(899.999)), [], 'nothing is due yet');
  t.same(await store.expireDueApprovals(at(900)), ['apv_early'], 'due exactly at expiresAt');
  t.same(await store.expireDueApprovals(at(900)), [], 'expired once');
  t.same(await store.expireDueApprovals(at(5000)), ['apv_late']);
  t.same(
    (await store.listApprovals()).map(({ id, state, resolvedAt }) => ({ id, state, resolvedAt })),
    [
      { id: 'apv_late', state: 'expired', resolvedAt: at(5000) },
      { id: 'apv_early', state: 'expired', resolvedAt: at(900) },
      { id: 'apv_approved', state: 'approved', resolvedAt: at(5) },
    ],
    'an approved approval is not expired; resolvedAt is the sweep time',
  );
});

t.test('listApprovals lists newest first, filters, and pages with before', async (t) => {
  const store = openStore(t);
  const ids: string[] = [];
  for (let index = 0; index < 7; index += 1) {
    // Two approvals per second, so creation times tie and the id breaks the tie.
    const input = newApproval(
      {
        id: `apv_${String(index).padStart(2, '0')}`,
        fingerprint: fingerprintOf(`call ${index}`),
        agentId: index % 2 === 0 ? 'deploy-bot' : 'audit-bot',
      },
      Math.floor(index / 2),
    );
    await store.createOrJoinApproval(input);
    ids.push(input.id);
  }
  await store.resolveApproval('apv_03', 'denied', at(10));
  await store.recordVote('apv_05', vote('oidc|bob', 'approve', 10));
  const newestFirst = [...ids].reverse();

  t.same(
    (await store.listApprovals()).map((approval) => approval.id),
    newestFirst,
  );
  t.same(
    (await store.listApprovals({ limit: 3 })).map((approval) => approval.id),
    newestFirst.slice(0, 3),
  );
  t.same(
    (await store.listApprovals({ state: 'denied' })).map((approval) => approval.id),
    ['apv_03'],
  );
  t.same(
    (await store.listApprovals({ agentId: 'audit-bot', state: 'pending' })).map((approval) => approval.id),
    ['apv_05', 'apv_01'],
  );
  t.same((await store.listApprovals({ agentId: 'audit-bot' }))[0]?.votes, [vote('oidc|bob', 'approve', 10)]);

  const paged: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await store.listApprovals({ limit: 2, ...(before === undefined ? {} : { before }) });
    paged.push(...page.map((approval) => approval.id));
    before = page.at(-1)?.id;
    if (page.length < 2) break;
  }
  t.same(paged, newestFirst, 'pages of two give the whole list, ties included, once each');

  await t.rejects(store.listApprovals({ before: 'apv_unknown' }), ApprovalNotFoundError);
  await t.rejects(store.listApprovals({ limit: 0 }), InvalidArgumentError);
  await t.rejects(store.listApprovals({ limit: 1001 }), InvalidArgumentError);
  await t.rejects(store.listApprovals({ state: 'held' as 'pending' }), InvalidArgumentError);
});

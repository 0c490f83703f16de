import t from 'tap';
import { loadVoteForm, sendVote, startAirlockWorld, votePost } from './airlock-world.js';

// Chat clients fetch links to preview them, and people reload pages: no GET, however often, with valid links and
// tokens, changes an approval, a grant or the audit log. The vote at the end shows the same measures do see a change.

const world = await startAirlockWorld(t);
const ROUNDS = 10;

t.test('GETs of the pages and the API change nothing in the store or the audit log', async (t) => {
  const pending = await world.open();
  const decided = await world.open({ requirement: { minApprovers: 1, groups: ['sre'], timeoutSeconds: 900 } });
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const carol = await world.issueToken('carol@example.com', ['sre']);
  const owner = await world.issueToken('alice@example.com', ['sre']);
  const decidedVote = await world.fetch(`/v1/approvals/${decided.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${carol.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ grant_minutes: 30 }),
  });
  t.equal(decidedVote.status, 200, 'one approval is decided, with a grant');
  const form = await loadVoteForm(world, pending.pagePath);

  const before = await world.snapshot([pending.id, decided.id]);
  const grantsBefore = await world.store.listGrants({});
  t.equal(grantsBefore.length, 1);
  const lastBefore = await world.store.lastAuditRecord();

  const reads: readonly (readonly [path: string, headers: Record<string, string>, status: number])[] = [
    [pending.pagePath, {}, 200],
    [pending.pagePath, { cookie: form.cookie }, 200],
    [decided.pagePath, {}, 200],
    [`/approvals/${pending.id}/vote`, { cookie: form.cookie }, 404],
    [`/v1/approvals/${pending.id}`, { authorization: `Bearer ${bob.token}` }, 200],
    [`/v1/approvals/${decided.id}`, { authorization: `Bearer ${bob.token}` }, 200],
    [`/v1/approvals/${pending.id}`, { authorization: `Bearer ${owner.token}` }, 200],
    ['/v1/approvals', { authorization: `Bearer ${bob.token}` }, 200],
    ['/v1/approvals?state=pending&agent=deploy-bot', { authorization: `Bearer ${bob.token}` }, 200],
    ['/v1/grants', { authorization: `Bearer ${bob.token}` }, 200],
    ['/v1/grants?active=true', { authorization: `Bearer ${bob.token}` }, 200],
    ['/v1/health', {}, 200],
    ['/metrics', {}, 200],
  ];
  const statuses: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [path, headers] of reads) {
      const response = await world.fetch(path, { headers });
      await response.arrayBuffer();
      statuses.push(`${path} ${response.status}`);
    }
  }
  t.same(
    statuses,
    Array.from({ length: ROUNDS }, () => reads.map(([path, , status]) => `${path} ${status}`)).flat(),
    'every read answered as expected',
  );

  for (const [id, was] of before.approvals) {
    t.same(await world.store.getApproval(id), was, `approval ${id} is unchanged`);
  }
  t.same(await world.store.listGrants({}), grantsBefore, 'the grant is unchanged, its use count too');
  t.same(await world.store.lastAuditRecord(), lastBefore, 'the audit log has not grown');
  t.same(await world.auditedSince(before), []);

  const voted = await sendVote(world, pending.id, votePost(form, bob.token));
  t.equal(voted.status, 200, 'a vote from the same page, in contrast,');
  t.equal((await world.store.getApproval(pending.id))?.votes.length, 1, 'changes the approval');
  t.same(
    (await world.auditedSince(before)).map((record) => record.kind),
    ['vote.recorded'],
    'and is audited',
  );
});

t.test('the whole audit log verifies and holds no secret', async (t) => {
  await world.finish(t);
});

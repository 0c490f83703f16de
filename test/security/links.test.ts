import t from 'tap';
import { signApprovalLink } from '../../proxy/approvals/index.js';
import {
  checkRefused,
  checkUntouched,
  loadVoteForm,
  sendVote,
  startAirlockWorld,
  tamperedToken,
  votePost,
} from './airlock-world.js';

// Approval links, end to end over HTTP: a link that is forged, for another approval, expired or missing shows
// nothing and votes nothing; a captured vote replayed later, or against another approval, counts nothing. Each
// refusal is audited as `page.refused` or `vote.refused` with its reason, and never with a token.

const world = await startAirlockWorld(t);

t.test('a forged link (one byte of its MAC changed) shows nothing and votes nothing', async (t) => {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const form = await loadVoteForm(world, opened.pagePath);
  const forged = world.secret(tamperedToken(opened.linkToken));
  t.not(forged, opened.linkToken);
  const before = await world.snapshot([opened.id]);

  const shown = await world.fetch(`/approvals/${opened.id}?token=${forged}`);
  t.equal(shown.status, 403);
  const page = await shown.text();
  t.match(page, 'Link not valid');
  t.notMatch(page, 'iam:CreateRole', 'nothing of the approval is shown');
  t.notMatch(page, '<form', 'and no form');

  const post = votePost(form, bob.token);
  const voted = await sendVote(world, opened.id, { ...post, fields: { ...post.fields, token: forged } });
  t.equal(voted.status, 403);
  t.match(await voted.text(), 'Link not valid');

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'GET', reason: 'forged' } },
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'POST', reason: 'forged' } },
  ]);
  await checkUntouched(t, world, opened.id);

  const genuine = await sendVote(world, opened.id, post);
  t.equal(genuine.status, 200, 'the same post with the genuine link counts: only the link was wrong');
  t.equal((await world.store.getApproval(opened.id))?.votes.length, 1);
});

t.test("another approval's link neither shows nor votes on this one", async (t) => {
  const target = await world.open();
  const other = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const form = await loadVoteForm(world, target.pagePath);
  const before = await world.snapshot([target.id, other.id]);

  const shown = await world.fetch(`/approvals/${target.id}?token=${other.linkToken}`);
  t.equal(shown.status, 403);
  t.match(await shown.text(), 'This link belongs to another approval.');

  const post = votePost(form, bob.token);
  const voted = await sendVote(world, target.id, { ...post, fields: { ...post.fields, token: other.linkToken } });
  t.equal(voted.status, 403);

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: target.id, method: 'GET', reason: 'wrong-approval' } },
    { kind: 'page.refused', data: { approval_id: target.id, method: 'POST', reason: 'wrong-approval' } },
  ]);
  await checkUntouched(t, world, target.id);
  await checkUntouched(t, world, other.id);

  t.equal((await sendVote(world, target.id, post)).status, 200, 'with its own link the same post counts');
});

t.test('an expired link shows nothing and votes nothing', async (t) => {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const form = await loadVoteForm(world, opened.pagePath);
  const expired = world.secret(
    signApprovalLink({ approvalId: opened.id, expiresAt: new Date(Date.now() - 60_000) }, world.linkKey),
  );
  const before = await world.snapshot([opened.id]);

  const shown = await world.fetch(`/approvals/${opened.id}?token=${expired}`);
  t.equal(shown.status, 410);
  const page = await shown.text();
  t.match(page, 'Link expired');
  t.notMatch(page, '<form');

  const post = votePost(form, bob.token);
  const voted = await sendVote(world, opened.id, { ...post, fields: { ...post.fields, token: expired } });
  t.equal(voted.status, 410);

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'GET', reason: 'expired' } },
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'POST', reason: 'expired' } },
  ]);
  await checkUntouched(t, world, opened.id);
  t.equal((await sendVote(world, opened.id, post)).status, 200, 'with an unexpired link the same post counts');
});

t.test('a missing link token shows nothing and votes nothing', async (t) => {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const form = await loadVoteForm(world, opened.pagePath);
  const before = await world.snapshot([opened.id]);

  t.equal((await world.fetch(`/approvals/${opened.id}`)).status, 403, 'no token parameter');
  t.equal((await world.fetch(`/approvals/${opened.id}?token=`)).status, 403, 'an empty one');
  const post = votePost(form, bob.token);
  const withoutToken = Object.fromEntries(Object.entries(post.fields).filter(([name]) => name !== 'token'));
  t.equal((await sendVote(world, opened.id, { ...post, fields: withoutToken })).status, 403, 'a post without one');

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'GET', reason: 'forged' } },
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'GET', reason: 'forged' } },
    { kind: 'page.refused', data: { approval_id: opened.id, method: 'POST', reason: 'forged' } },
  ]);
  await checkUntouched(t, world, opened.id);
  t.equal((await sendVote(world, opened.id, post)).status, 200, 'with the token the same post counts');
});

t.test('replay: a captured vote post sent again after it counted is refused as already voted', async (t) => {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const form = await loadVoteForm(world, opened.pagePath);
  const captured = votePost(form, bob.token);

  const first = await sendVote(world, opened.id, captured);
  t.equal(first.status, 200);
  t.match(await first.text(), 'Vote recorded');
  const counted = await world.store.getApproval(opened.id);
  t.same(
    counted?.votes.map((vote) => [vote.approverId, vote.decision]),
    [['bob@example.com', 'approve']],
  );
  const before = await world.snapshot([opened.id]);

  const replayed = await sendVote(world, opened.id, captured);
  t.equal(replayed.status, 409);
  t.match(await replayed.text(), 'you have already voted on this approval');
  const flipped = await sendVote(world, opened.id, { ...captured, fields: { ...captured.fields, decision: 'deny' } });
  t.equal(flipped.status, 409, 'nor can the replay turn the vote into a deny');

  await checkRefused(t, world, before, [
    {
      kind: 'vote.refused',
      data: { approval_id: opened.id, approver: 'bob@example.com', decision: 'approve', reason: 'already-voted' },
    },
    {
      kind: 'vote.refused',
      data: { approval_id: opened.id, approver: 'bob@example.com', decision: 'deny', reason: 'already-voted' },
    },
  ]);
  const after = await world.store.getApproval(opened.id);
  t.equal(after?.state, 'pending', 'one approval of two: still pending');
  t.equal(after?.votes.length, 1, "bob's vote counted once");
});

t.test('replay: once decided, the link shows the outcome and no form, and a post to it is refused', async (t) => {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const carol = await world.issueToken('carol@example.com', ['sre']);
  const dave = await world.issueToken('dave@example.com', ['sre']);
  const form = await loadVoteForm(world, opened.pagePath);
  const captured = votePost(form, bob.token);
  t.equal((await sendVote(world, opened.id, captured)).status, 200);
  t.equal((await sendVote(world, opened.id, votePost(form, carol.token))).status, 200);
  t.equal((await world.store.getApproval(opened.id))?.state, 'approved');
  const before = await world.snapshot([opened.id]);

  const shown = await world.fetch(opened.pagePath);
  t.equal(shown.status, 200, 'the same link still opens the page');
  const page = await shown.text();
  t.match(page, /This approval is <strong>approved<\/strong>/);
  t.notMatch(page, '<form', 'without a vote form');
  t.notMatch(page, 'name="csrf"');

  const replayed = await sendVote(world, opened.id, captured);
  t.equal(replayed.status, 409, "bob's captured post, replayed, is refused");
  t.match(await replayed.text(), 'this approval is already approved');
  const late = await sendVote(world, opened.id, votePost(form, dave.token, 'deny'));
  t.equal(late.status, 409, "and so is another approver's post with the old form");

  await checkRefused(t, world, before, [
    {
      kind: 'vote.refused',
      data: {
        approval_id: opened.id,
        approver: 'bob@example.com',
        decision: 'approve',
        reason: 'resolved',
        via: 'page',
      },
    },
    {
      kind: 'vote.refused',
      data: { approval_id: opened.id, approver: 'dave@example.com', decision: 'deny', reason: 'resolved', via: 'page' },
    },
  ]);
  t.equal((await world.store.getApproval(opened.id))?.votes.length, 2);
});

t.test('replay: a captured post sent to another approval is refused there', async (t) => {
  const first = await world.open();
  const second = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const captured = votePost(await loadVoteForm(world, first.pagePath), bob.token);
  t.equal((await sendVote(world, first.id, captured)).status, 200);
  const before = await world.snapshot([first.id, second.id]);

  const replayed = await sendVote(world, second.id, captured);
  t.equal(replayed.status, 403);
  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: second.id, method: 'POST', reason: 'csrf-mismatch' } },
  ]);
  await checkUntouched(t, world, second.id);
});

t.test('the whole audit log verifies and holds no secret', async (t) => {
  await world.finish(t);
});

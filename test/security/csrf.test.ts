import { randomBytes } from 'node:crypto';
import t from 'tap';
import {
  checkRefused,
  checkUntouched,
  loadVoteForm,
  sendVote,
  startAirlockWorld,
  type VotePost,
  votePost,
} from './airlock-world.js';

// The approval page's vote form, end to end over HTTP: a post without the CSRF token or cookie, with a wrong token,
// with a token minted for another approval, or that a browser says came from another site, is refused before any
// vote and audited as `page.refused`. Each case ends with the same post, put right, being counted: the defect, and
// nothing else, is what was refused.

const world = await startAirlockWorld(t);

/** A pending approval, bob's token, and the post bob's browser would make from its page. */
async function pendingWithPost(): Promise<{ id: string; pagePath: string; post: VotePost }> {
  const opened = await world.open();
  const bob = await world.issueToken('bob@example.com', ['sre']);
  const post = votePost(await loadVoteForm(world, opened.pagePath), bob.token);
  return { id: opened.id, pagePath: opened.pagePath, post };
}

function withoutField(post: VotePost, field: string): VotePost {
  return { ...post, fields: Object.fromEntries(Object.entries(post.fields).filter(([name]) => name !== field)) };
}

t.test('a post without a CSRF token, or without the cookie, is refused', async (t) => {
  const { id, post } = await pendingWithPost();
  const before = await world.snapshot([id]);

  t.equal((await sendVote(world, id, withoutField(post, 'csrf'))).status, 403, 'no token');
  t.equal((await sendVote(world, id, { ...post, fields: { ...post.fields, csrf: '' } })).status, 403, 'empty token');
  t.equal((await sendVote(world, id, { fields: post.fields })).status, 403, 'no cookie');

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-missing' } },
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-missing' } },
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-missing' } },
  ]);
  await checkUntouched(t, world, id);
  t.equal((await sendVote(world, id, post)).status, 200, 'with both, the same post counts');
});

t.test("a wrong CSRF token, or another browser's cookie, is refused", async (t) => {
  const { id, pagePath, post } = await pendingWithPost();
  const otherBrowser = await loadVoteForm(world, pagePath);
  t.not(otherBrowser.cookie, post.cookie, 'a second browser gets a cookie of its own');
  const guessed = world.secret(randomBytes(32).toString('base64url'));
  const before = await world.snapshot([id]);

  t.equal((await sendVote(world, id, { ...post, fields: { ...post.fields, csrf: guessed } })).status, 403);
  t.equal((await sendVote(world, id, { ...post, fields: { ...post.fields, csrf: 'not-a-token' } })).status, 403);
  t.equal((await sendVote(world, id, { ...post, cookie: otherBrowser.cookie })).status, 403);

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-mismatch' } },
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-mismatch' } },
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-mismatch' } },
  ]);
  await checkUntouched(t, world, id);
  t.equal((await sendVote(world, id, post)).status, 200, 'with the right token and cookie the same post counts');
});

t.test('a CSRF token minted for another approval is refused', async (t) => {
  const { id, post } = await pendingWithPost();
  const other = await world.open();
  // The same browser opens the other approval's page: same cookie, a token bound to the other approval.
  const otherForm = await loadVoteForm(world, other.pagePath, post.cookie);
  t.equal(otherForm.cookie, post.cookie, 'the browser kept its cookie');
  t.not(otherForm.csrf, post.fields['csrf'], 'the token differs by approval');
  const before = await world.snapshot([id, other.id]);

  const response = await sendVote(world, id, { ...post, fields: { ...post.fields, csrf: otherForm.csrf } });
  t.equal(response.status, 403);

  await checkRefused(t, world, before, [
    { kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'csrf-mismatch' } },
  ]);
  await checkUntouched(t, world, id);
  await checkUntouched(t, world, other.id);
  t.equal((await sendVote(world, id, post)).status, 200, "with this approval's token the same post counts");
});

t.test('a post a browser says came from another site is refused', async (t) => {
  const { id, post } = await pendingWithPost();
  const crossSite: readonly Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'https://evil.example' },
    { origin: 'https://airlock.example.com.evil.example' },
    { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
  ];
  const before = await world.snapshot([id]);
  for (const headers of crossSite) {
    const response = await sendVote(world, id, { ...post, headers });
    t.equal(response.status, 403, `refused with ${JSON.stringify(headers)}`);
    t.match(await response.text(), 'Votes are taken only from this page.');
  }
  await checkRefused(
    t,
    world,
    before,
    crossSite.map(() => ({ kind: 'page.refused', data: { approval_id: id, method: 'POST', reason: 'cross-site' } })),
  );
  await checkUntouched(t, world, id);

  const sameOrigin = { 'sec-fetch-site': 'same-origin', origin: world.baseUrl };
  t.equal((await sendVote(world, id, { ...post, headers: sameOrigin })).status, 200, 'from the page itself it counts');
});

t.test('the whole audit log verifies and holds no secret', async (t) => {
  await world.finish(t);
});

import t from 'tap';
import {
  type AirlockWorld,
  checkRefused,
  checkUntouched,
  SLACK_USERS,
  slackSignature,
  startAirlockWorld,
} from './airlock-world.js';

// Slack's interactivity endpoint, end to end over HTTP: a click whose signature is wrong, whose timestamp is more
// than five minutes off either way, or that carries no signature is answered 401 and audited `slack.refused`,
// and votes nothing; a validly signed click replayed after it voted is refused as already voted and counts once.

const world = await startAirlockWorld(t);
const SKEW_BEYOND_LIMIT_SECONDS = 5 * 60 + 60;

/** clickBody is the form body Slack posts when `userId` clicks `action` on an approval's message. */
function clickBody(userId: string, action: 'approve' | 'deny', approvalId: string): string {
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: 'someone', team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'example' },
    api_app_id: 'A0APP',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0AIRLOCK' },
    actions: [{ type: 'button', action_id: action, block_id: 'airlock-vote', value: approvalId }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

interface Delivery {
  readonly body: string;
  readonly timestamp?: string;
  readonly signature?: string;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** signed is a delivery signed with the configured secret (or `secret`) at `offsetSeconds` from now. */
function signed(body: string, offsetSeconds = 0, secret = world.slackSigningSecret): Delivery {
  const timestamp = String(nowSeconds() + offsetSeconds);
  return { body, timestamp, signature: world.secret(slackSignature(secret, timestamp, body)) };
}

function deliver(world: AirlockWorld, delivery: Delivery): Promise<Response> {
  return world.fetch('/slack/interactivity', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(delivery.timestamp === undefined ? {} : { 'x-slack-request-timestamp': delivery.timestamp }),
      ...(delivery.signature === undefined ? {} : { 'x-slack-signature': delivery.signature }),
    },
    body: delivery.body,
  });
}

async function replyText(response: Response): Promise<string> {
  const reply = (await response.json()) as { response_type?: unknown; text?: unknown };
  return reply.response_type === 'ephemeral' && typeof reply.text === 'string' ? reply.text : JSON.stringify(reply);
}

t.test('a bad signature is refused', async (t) => {
  const opened = await world.open();
  const approve = clickBody(SLACK_USERS.bob, 'approve', opened.id);
  const before = await world.snapshot([opened.id]);

  const otherSecret = await deliver(world, signed(approve, 0, 'not-the-signing-secret'));
  t.equal(otherSecret.status, 401, 'signed with another secret');
  t.match(await otherSecret.text(), 'invalid request signature');
  const denyBody = clickBody(SLACK_USERS.bob, 'deny', opened.id);
  const signedForDeny = signed(denyBody);
  const swapped = await deliver(world, { ...signedForDeny, body: approve });
  t.equal(swapped.status, 401, "another body's signature");
  const malformed = await deliver(world, { body: approve, timestamp: String(nowSeconds()), signature: 'v0=zz' });
  t.equal(malformed.status, 401, 'not a signature at all');

  await checkRefused(t, world, before, [
    { kind: 'slack.refused', data: { reason: 'bad-signature' } },
    { kind: 'slack.refused', data: { reason: 'bad-signature' } },
    { kind: 'slack.refused', data: { reason: 'malformed-signature' } },
  ]);
  await checkUntouched(t, world, opened.id);

  const genuine = await deliver(world, signed(approve));
  t.equal(genuine.status, 200, 'the same click, signed with the secret, counts');
  t.match(await replyText(genuine), 'You approved');
  t.equal((await world.store.getApproval(opened.id))?.votes.length, 1);
});

t.test('a stale timestamp, or one from the future, is refused', async (t) => {
  const opened = await world.open();
  const approve = clickBody(SLACK_USERS.bob, 'approve', opened.id);
  const before = await world.snapshot([opened.id]);

  t.equal((await deliver(world, signed(approve, -SKEW_BEYOND_LIMIT_SECONDS))).status, 401, 'six minutes old');
  t.equal((await deliver(world, signed(approve, SKEW_BEYOND_LIMIT_SECONDS))).status, 401, 'six minutes ahead');

  await checkRefused(t, world, before, [
    { kind: 'slack.refused', data: { reason: 'stale-timestamp' } },
    { kind: 'slack.refused', data: { reason: 'stale-timestamp' } },
  ]);
  await checkUntouched(t, world, opened.id);
  t.equal((await deliver(world, signed(approve))).status, 200, 'signed now, the same click counts');
});

t.test('a request without the signature headers is refused', async (t) => {
  const opened = await world.open();
  const approve = clickBody(SLACK_USERS.bob, 'approve', opened.id);
  const complete = signed(approve);
  const before = await world.snapshot([opened.id]);

  t.equal((await deliver(world, { body: approve })).status, 401, 'neither header');
  t.equal((await deliver(world, { body: approve, signature: complete.signature })).status, 401, 'no timestamp');
  t.equal((await deliver(world, { body: approve, timestamp: complete.timestamp })).status, 401, 'no signature');

  await checkRefused(t, world, before, [
    { kind: 'slack.refused', data: { reason: 'missing-signature' } },
    { kind: 'slack.refused', data: { reason: 'missing-signature' } },
    { kind: 'slack.refused', data: { reason: 'missing-signature' } },
  ]);
  await checkUntouched(t, world, opened.id);
  t.equal((await deliver(world, complete)).status, 200, 'with both, the same click counts');
});

t.test('replay: a signed click delivered again after it voted is refused and counts once', async (t) => {
  const opened = await world.open();
  const captured = signed(clickBody(SLACK_USERS.bob, 'approve', opened.id));

  const first = await deliver(world, captured);
  t.equal(first.status, 200);
  t.match(await replyText(first), /You approved `apv_[^`]+`\. It still needs 1 more approval\./);
  const before = await world.snapshot([opened.id]);

  const replayed = await deliver(world, captured);
  t.equal(replayed.status, 200, 'Slack is answered, with a message to the user');
  t.match(await replyText(replayed), 'was not counted: you have already voted on this approval');

  await checkRefused(t, world, before, [
    {
      kind: 'vote.refused',
      data: { approval_id: opened.id, approver: 'bob@example.com', reason: 'already-voted', via: 'slack' },
    },
  ]);
  const approval = await world.store.getApproval(opened.id);
  t.equal(approval?.state, 'pending');
  t.same(
    approval?.votes.map((vote) => vote.approverId),
    ['bob@example.com'],
    'counted once',
  );
});

t.test('the whole audit log verifies and holds no secret', async (t) => {
  await world.finish(t);
});

import { createHmac } from 'node:crypto';
import t, { type Test } from 'tap';
import { createSlackInteractivity, type SlackApprover } from '../../../proxy/api/slack/index.js';
import {
  type ApprovalFixture,
  approvalFixture,
  auditRecords,
  openApproval,
  type OpenedForTest,
  T0,
} from '../pages/helpers.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW_SECONDS = T0 / 1000;

const USERS = new Map<string, SlackApprover>([
  ['U0BOB', { approverId: 'bob@example.com', groups: ['sre'] }],
  ['U0CAROL', { approverId: 'carol@example.com', groups: ['sre'] }],
  ['U0ALICE', { approverId: 'alice@example.com', groups: ['sre'] }],
]);

type SlackApp = ReturnType<typeof createSlackInteractivity>;

interface Setup {
  readonly fixture: ApprovalFixture;
  readonly app: SlackApp;
  readonly opened: OpenedForTest;
}

async function setup(t: Test): Promise<Setup> {
  const fixture = await approvalFixture(t);
  const app = createSlackInteractivity({
    approvals: fixture.approvals,
    signingSecret: SIGNING_SECRET,
    users: USERS,
    audit: fixture.audit,
    clock: fixture.clock.now,
  });
  return { fixture, app, opened: await openApproval(fixture) };
}

/** clickBody is the form body Slack posts when `userId` clicks the button `actionId` on approval `value`. */
function clickBody(userId: string, actionId: string, value: string): string {
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: 'someone', team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'example' },
    api_app_id: 'A0APP',
    trigger_id: '123.456.abc',
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/xyz',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0CHAN' },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'airlock-vote',
        value,
        text: { type: 'plain_text', text: actionId === 'approve' ? 'Approve' : 'Deny' },
        action_ts: '1700000001.000200',
      },
    ],
  };
  // Slack encodes spaces as `+`; the signature covers these bytes, not a re-encoding of the parsed form.
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function signature(secret: string, timestamp: string, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

interface Delivery {
  readonly body: string;
  readonly timestamp?: string | undefined;
  readonly signature?: string | undefined;
}

async function deliver(app: SlackApp, delivery: Delivery): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (delivery.timestamp !== undefined) headers['x-slack-request-timestamp'] = delivery.timestamp;
  if (delivery.signature !== undefined) headers['x-slack-signature'] = delivery.signature;
  return app.request('/slack/interactivity', { method: 'POST', body: delivery.body, headers });
}

/** signedClick is a click Slack signed with the right secret at `offsetSeconds` from now. */
function signedClick(userId: string, actionId: string, value: string, offsetSeconds = 0): Delivery {
  const body = clickBody(userId, actionId, value);
  const timestamp = String(NOW_SECONDS + offsetSeconds);
  return { body, timestamp, signature: signature(SIGNING_SECRET, timestamp, body) };
}

async function slackRefusals(fixture: ApprovalFixture): Promise<Record<string, unknown>[]> {
  return (await auditRecords(fixture.store)).filter((record) => record.kind === 'slack.refused').map((r) => r.data);
}

async function replyText(response: Response): Promise<string> {
  const reply = (await response.json()) as { response_type?: unknown; text?: unknown };
  if (reply.response_type !== 'ephemeral' || typeof reply.text !== 'string') {
    throw new Error(`not an ephemeral Slack message: ${JSON.stringify(reply)}`);
  }
  return reply.text;
}

t.test('a signed Approve click votes as the mapped approver, and a second one approves', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const first = await deliver(app, signedClick('U0BOB', 'approve', opened.id));
  t.equal(first.status, 200);
  t.match(first.headers.get('content-type') ?? '', /application\/json/);
  t.match(await replyText(first), /You approved `apv_[^`]+`\. It still needs 1 more approval\./);
  const pending = await fixture.approvals.get(opened.id);
  t.equal(pending?.state, 'pending');
  t.same(
    pending?.votes.map((vote) => [vote.approverId, vote.approverGroups, vote.decision]),
    [['bob@example.com', ['sre'], 'approve']],
  );

  const second = await deliver(app, signedClick('U0CAROL', 'approve', opened.id));
  t.equal(second.status, 200);
  t.match(await replyText(second), /It is approved/);
  t.equal((await fixture.approvals.get(opened.id))?.state, 'approved');

  const votes = (await auditRecords(fixture.store)).filter((record) => record.kind === 'vote.recorded');
  t.same(
    votes.map((record) => [record.data['approver'], record.data['via']]),
    [
      ['bob@example.com', 'slack'],
      ['carol@example.com', 'slack'],
    ],
  );
  t.same(await slackRefusals(fixture), [], 'nothing was refused');
  t.notOk(JSON.stringify(await auditRecords(fixture.store)).includes(SIGNING_SECRET), 'the secret is never audited');
});

t.test('a signed Deny click denies', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const response = await deliver(app, signedClick('U0BOB', 'deny', opened.id));
  t.equal(response.status, 200);
  t.match(await replyText(response), /You denied `apv_[^`]+`\. It is denied/);
  t.equal((await fixture.approvals.get(opened.id))?.state, 'denied');
});

t.test('timestamps up to five minutes away either way are accepted', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const older = await deliver(app, signedClick('U0BOB', 'approve', opened.id, -300));
  t.equal(older.status, 200);
  const newer = await deliver(app, signedClick('U0CAROL', 'approve', opened.id, 300));
  t.equal(newer.status, 200);
  t.equal((await fixture.approvals.get(opened.id))?.state, 'approved');
});

t.test(
  'requests without a valid, fresh Slack signature are refused with 401, audited, and change nothing',
  async (t) => {
    const { fixture, app, opened } = await setup(t);
    const good = signedClick('U0BOB', 'approve', opened.id);
    const otherBody = clickBody('U0CAROL', 'approve', opened.id);
    const cases: { note: string; delivery: Delivery; reason: string }[] = [
      {
        note: 'signed with another secret',
        delivery: { ...good, signature: signature('another-secret', good.timestamp ?? '', good.body) },
        reason: 'bad-signature',
      },
      { note: 'a body other than the one signed', delivery: { ...good, body: otherBody }, reason: 'bad-signature' },
      {
        note: 'a timestamp other than the one signed',
        delivery: { ...good, timestamp: String(NOW_SECONDS + 1) },
        reason: 'bad-signature',
      },
      {
        note: 'a signature over the parsed and re-encoded body',
        delivery: {
          ...good,
          signature: signature(SIGNING_SECRET, good.timestamp ?? '', decodeURIComponent(good.body.replace(/\+/g, ' '))),
        },
        reason: 'bad-signature',
      },
      { note: 'no signature header', delivery: { ...good, signature: undefined }, reason: 'missing-signature' },
      { note: 'no timestamp header', delivery: { ...good, timestamp: undefined }, reason: 'missing-signature' },
      {
        note: 'no headers at all',
        delivery: { body: good.body },
        reason: 'missing-signature',
      },
      {
        note: 'a signature that is not v0 hex',
        delivery: { ...good, signature: 'v1=' + (good.signature ?? '').slice(3) },
        reason: 'malformed-signature',
      },
      {
        note: 'a timestamp that is not a number',
        delivery: { ...good, timestamp: 'soon' },
        reason: 'malformed-signature',
      },
      {
        note: 'a timestamp 301 s old',
        delivery: signedClick('U0BOB', 'approve', opened.id, -301),
        reason: 'stale-timestamp',
      },
      {
        note: 'a timestamp an hour old',
        delivery: signedClick('U0BOB', 'approve', opened.id, -3600),
        reason: 'stale-timestamp',
      },
      {
        note: 'a timestamp 301 s in the future',
        delivery: signedClick('U0BOB', 'approve', opened.id, 301),
        reason: 'stale-timestamp',
      },
    ];
    for (const { note, delivery, reason } of cases) {
      const response = await deliver(app, delivery);
      t.equal(response.status, 401, note);
      t.same((await slackRefusals(fixture)).at(-1), { reason }, `${note}: audited as ${reason}`);
    }
    const approval = await fixture.approvals.get(opened.id);
    t.equal(approval?.votes.length, 0, 'no vote was recorded');
    t.equal(approval?.state, 'pending');
    t.notOk((await auditRecords(fixture.store)).some((record) => record.kind === 'vote.recorded'));
  },
);

t.test('a click by a Slack user who is not an approver is refused, audited and told so', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const response = await deliver(app, signedClick('U0MALLORY', 'approve', opened.id));
  t.equal(response.status, 200, 'Slack shows only a 200 answer to the user');
  t.match(await replyText(response), /not linked to an Airlock approver/);
  t.same(await slackRefusals(fixture), [
    { reason: 'unknown-user', slack_user_id: 'U0MALLORY', approval_id: opened.id },
  ]);
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test("the agent's owner clicking Approve in Slack is refused with the rule's message", async (t) => {
  const { fixture, app, opened } = await setup(t);
  const response = await deliver(app, signedClick('U0ALICE', 'approve', opened.id));
  t.equal(response.status, 200);
  t.match(await replyText(response), /was not counted: the agent's owner cannot approve or deny the agent's calls/);
  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test('a click on an unknown approval is answered with the refusal', async (t) => {
  const { app } = await setup(t);
  const response = await deliver(app, signedClick('U0BOB', 'approve', 'apv_<unknown>'));
  t.equal(response.status, 200);
  const text = await replyText(response);
  t.match(text, /`apv_&lt;unknown&gt;` was not counted: there is no such approval/, 'Slack markup is escaped');
});

t.test('signed payloads that are not votes are acknowledged or refused without voting', async (t) => {
  const { fixture, app, opened } = await setup(t);
  const signed = (body: string): Delivery => {
    const timestamp = String(NOW_SECONDS);
    return { body, timestamp, signature: signature(SIGNING_SECRET, timestamp, body) };
  };
  const shortcut = new URLSearchParams({ payload: JSON.stringify({ type: 'shortcut', user: { id: 'U0BOB' } }) });
  const ignored = await deliver(app, signed(shortcut.toString()));
  t.equal(ignored.status, 200);
  t.equal(await ignored.text(), '');

  const otherButton = await deliver(app, signed(clickBody('U0BOB', 'open-page', opened.id)));
  t.equal(otherButton.status, 200);

  const notJson = await deliver(app, signed('payload=%7Bnot-json'));
  t.equal(notJson.status, 400);
  t.same((await slackRefusals(fixture)).at(-1), { reason: 'malformed-payload', problem: 'the payload is not JSON' });

  t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0);
});

t.test('createSlackInteractivity refuses an empty signing secret', async (t) => {
  const fixture = await approvalFixture(t);
  t.throws(
    () =>
      createSlackInteractivity({ approvals: fixture.approvals, signingSecret: '', users: USERS, audit: fixture.audit }),
    { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' },
  );
});

import { createHmac } from 'node:crypto';
import t from 'tap';
import { signWebhookBody, verifyWebhookSignature } from '../../proxy/notify/index.js';
import {
  approvedApproval,
  DRAIN_MS,
  json,
  LINK,
  NOW,
  pendingApproval,
  startNotifier,
  startReceiver,
} from './helpers.js';

const SECRET = 'whsec-XXXXsigningsecretXXXX';
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

t.test('a webhook event is snake_case JSON signed with HMAC-SHA256 over "<t>.<body>"', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 204 }));
  const { notifier, outcomes } = startNotifier(t, {
    webhooks: [{ url: `${receiver.url}/airlock/events`, secret: SECRET }],
  });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(receiver.requests.length, 2);
  const [created, resolved] = receiver.requests;
  t.equal(created?.path, '/airlock/events');
  t.equal(created?.headers['x-airlock-event'], 'approval.created');
  t.equal(resolved?.headers['x-airlock-event'], 'approval.resolved');
  t.not(created?.headers['x-airlock-delivery'], resolved?.headers['x-airlock-delivery'], 'one delivery id per event');

  for (const request of [created, resolved]) {
    const header = String(request?.headers['x-airlock-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    t.ok(match, `the header has the documented form: ${header}`);
    t.equal(match?.[1], String(NOW_SECONDS), 't is the clock in unix seconds');
    const expected = createHmac('sha256', SECRET).update(`${match?.[1]}.${request?.body}`).digest('hex');
    t.equal(match?.[2], expected, 'v1 is HMAC-SHA256(secret, t + "." + body)');
  }

  t.match(json(created), {
    event: 'approval.created',
    link: LINK,
    approval: {
      id: 'apv_one',
      state: 'pending',
      agent: { id: 'deploy-bot', owner: 'alice@example.com' },
      call: { iam_action: 'iam:CreateRole', resource: 'arn:aws:iam::123456789012:role/app' },
      reason: 'IAM writes in prod need two approvers',
      requirement: { min_approvers: 2, groups: ['sre', 'security'], timeout_seconds: 900 },
      created_at: '2030-01-01T00:00:00.000Z',
      expires_at: '2030-01-01T00:15:00.000Z',
      seconds_left: 840,
      votes: [],
      link: LINK,
    },
  });
  t.match(json(resolved), {
    event: 'approval.resolved',
    approval: {
      state: 'approved',
      resolved_at: '2030-01-01T00:03:00.000Z',
      seconds_left: 0,
      votes: [
        { approver: 'bob@example.com', groups: ['sre'], decision: 'approve', at: '2030-01-01T00:02:00.000Z' },
        { approver: 'carol@example.com', decision: 'approve', comment: 'ok' },
      ],
    },
  });
  t.same(outcomes, ['webhook[0]:sent', 'webhook[0]:sent']);
});

t.test('every attempt of one event sends the same body and delivery id, freshly signed', async (t) => {
  const receiver = await startReceiver(t, (_request, index) => (index === 0 ? { status: 502 } : { status: 200 }));
  const { notifier } = startNotifier(t, { webhooks: [{ url: receiver.url, secret: SECRET }] });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(receiver.requests.length, 2);
  const [first, second] = receiver.requests;
  t.equal(first?.body, second?.body);
  t.equal(first?.headers['x-airlock-delivery'], second?.headers['x-airlock-delivery']);
  t.equal(
    verifyWebhookSignature(SECRET, second?.body ?? '', String(second?.headers['x-airlock-signature']), NOW_SECONDS)
      .valid,
    true,
  );
});

t.test('verifyWebhookSignature refuses a changed body, another secret, a stale time and a malformed header', (t) => {
  const body = '{"event":"approval.created"}';
  const header = signWebhookBody(SECRET, body, NOW_SECONDS);
  const rows = [
    { note: 'as signed', secret: SECRET, body, header, now: NOW_SECONDS, want: { valid: true } },
    { note: 'body changed', secret: SECRET, body: `${body} `, header, now: NOW_SECONDS, want: { reason: 'mismatch' } },
    { note: 'other secret', secret: 'other', body, header, now: NOW_SECONDS, want: { reason: 'mismatch' } },
    { note: 'too late', secret: SECRET, body, header, now: NOW_SECONDS + 301, want: { reason: 'stale' } },
    { note: 'too early', secret: SECRET, body, header, now: NOW_SECONDS - 301, want: { reason: 'stale' } },
    {
      note: 'no v1',
      secret: SECRET,
      body,
      header: `t=${NOW_SECONDS}`,
      now: NOW_SECONDS,
      want: { reason: 'malformed' },
    },
    { note: 'garbage', secret: SECRET, body, header: 'sha256=abc', now: NOW_SECONDS, want: { reason: 'malformed' } },
  ];
  for (const row of rows) {
    t.match(verifyWebhookSignature(row.secret, row.body, row.header, row.now), row.want, row.note);
  }
  t.end();
});

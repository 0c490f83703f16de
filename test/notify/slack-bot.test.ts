import t from 'tap';
import { memoryLog } from '../harness/memory-log.js';
import {
  approvedApproval,
  deniedApproval,
  DRAIN_MS,
  json,
  LINK,
  pendingApproval,
  startNotifier,
  startReceiver,
  type CapturedRequest,
  type Reply,
} from './helpers.js';

const BOT_TOKEN = 'xoxb-1111-2222-not-a-real-bot-token';

interface SlackButton {
  action_id: string;
  value?: string;
  url?: string;
  style?: string;
}

interface SlackBlock {
  type: string;
  block_id?: string;
  elements?: SlackButton[];
  text?: { text: string };
}

function blocksOf(request: CapturedRequest | undefined): SlackBlock[] {
  return json(request)['blocks'] as SlackBlock[];
}

/** slackApi answers chat.postMessage and chat.update as Slack does when they succeed. */
function slackApi(request: CapturedRequest): Reply {
  const body = JSON.parse(request.body) as { channel: string; ts?: string };
  if (request.path === '/api/chat.postMessage') {
    return { status: 200, body: { ok: true, channel: 'C0AIRLOCK', ts: '1893456060.000100' } };
  }
  if (request.path === '/api/chat.update')
    return { status: 200, body: { ok: true, channel: body.channel, ts: body.ts } };
  return { status: 404, body: 'unknown_method' };
}

t.test('chat.postMessage carries the call summary and Approve, Deny and Open buttons', async (t) => {
  const api = await startReceiver(t, slackApi);
  const { notifier, outcomes } = startNotifier(t, {
    slack: { botToken: BOT_TOKEN, channel: '#approvals', apiUrl: `${api.url}/api` },
  });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(api.requests.length, 1);
  const [request] = api.requests;
  t.equal(request?.path, '/api/chat.postMessage');
  t.equal(request?.headers.authorization, `Bearer ${BOT_TOKEN}`);
  t.match(request?.headers['content-type'], /^application\/json/);
  const body = json(request);
  t.equal(body['channel'], '#approvals');
  t.match(body['text'], /iam:CreateRole/);

  const blocks = blocksOf(request);
  t.same(
    blocks.map((block) => block.type),
    ['header', 'section', 'context', 'actions'],
  );
  const summary = JSON.stringify(blocks[1]);
  for (const shown of [
    'deploy-bot',
    'alice@example.com',
    'iam:CreateRole',
    'arn:aws:iam::123456789012:role/app',
    '123456789012',
    'prod',
    'IAM writes in prod need two approvers',
    '2 approvers from sre or security',
    String(Date.parse('2030-01-01T00:15:00.000Z') / 1000),
  ]) {
    t.ok(summary.includes(shown), `the summary shows ${shown}`);
  }
  const buttons = blocks[3]?.elements ?? [];
  t.match(buttons, [
    { action_id: 'approve', value: 'apv_one', style: 'primary' },
    { action_id: 'deny', value: 'apv_one', style: 'danger' },
    { action_id: 'open', url: LINK },
  ]);
  t.equal(buttons.length, 3);
  t.same(outcomes, ['slack:sent']);
});

t.test('on resolve, chat.update replaces the buttons of the stored message with the outcome', async (t) => {
  const api = await startReceiver(t, slackApi);
  const { notifier } = startNotifier(t, {
    slack: { botToken: BOT_TOKEN, channel: '#approvals', apiUrl: `${api.url}/api` },
  });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.same(
    api.requests.map((request) => request.path),
    ['/api/chat.postMessage', '/api/chat.update'],
  );
  const update = json(api.requests[1]);
  t.equal(update['channel'], 'C0AIRLOCK', 'the channel id Slack answered with');
  t.equal(update['ts'], '1893456060.000100', 'the ts Slack answered with');
  const blocks = blocksOf(api.requests[1]);
  t.notOk(
    blocks.some((block) => block.type === 'actions'),
    'no buttons left',
  );
  const outcome = JSON.stringify(blocks.at(-1));
  t.match(outcome, /Approved\* by bob@example.com, carol@example.com/);
  t.match(blocks[0]?.text?.text, /^Approved: iam:CreateRole/);
});

t.test('a resolution with no stored message (another process posted it) is posted as a new message', async (t) => {
  const api = await startReceiver(t, slackApi);
  const { notifier, outcomes } = startNotifier(t, {
    slack: { botToken: BOT_TOKEN, channel: '#approvals', apiUrl: `${api.url}/api` },
  });
  notifier.handle({ type: 'resolved', approval: deniedApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.same(
    api.requests.map((request) => request.path),
    ['/api/chat.postMessage'],
  );
  t.equal(json(api.requests[0])['channel'], '#approvals');
  t.match(JSON.stringify(blocksOf(api.requests[0])), /Denied\* by dave@example.com/);
  t.same(outcomes, ['slack:sent']);
});

t.test('ok:false is a failure: not retried unless Slack says ratelimited, which honours Retry-After', async (t) => {
  const api = await startReceiver(t, (request, index) => {
    if (index === 0) return { status: 200, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } };
    if (index === 1) return { status: 429, headers: { 'retry-after': '3' }, body: '' };
    if (index === 2) return slackApi(request);
    return { status: 200, body: { ok: false, error: 'channel_not_found' } };
  });
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { slack: { botToken: BOT_TOKEN, channel: '#approvals', apiUrl: `${api.url}/api` } },
    { log: memory.log },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);
  notifier.handle({ type: 'created', approval: pendingApproval({ id: 'apv_two' }), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(api.requests.length, 4, 'three attempts for the first, one for the second');
  t.same(outcomes, ['slack:retried', 'slack:retried', 'slack:sent', 'slack:failed']);
  const retries = memory.entries().filter((entry) => entry['msg'] === 'notification failed: will retry');
  t.match(retries, [
    {
      notifier: 'slack',
      approval_id: 'apv_one',
      attempt: 1,
      reason: 'slack-error',
      detail: 'ratelimited',
      retry_after_ms: 7000,
    },
    { notifier: 'slack', approval_id: 'apv_one', attempt: 2, status: 429, retry_after_ms: 3000 },
  ]);
  const failure = memory.entries().find((entry) => entry['msg'] === 'notification failed: not retryable');
  t.match(failure, { notifier: 'slack', approval_id: 'apv_two', attempt: 1, detail: 'channel_not_found' });
  t.notOk(memory.text().includes(BOT_TOKEN), 'the token is never logged');
});

import t from 'tap';
import {
  approvedApproval,
  deniedApproval,
  DRAIN_MS,
  json,
  LINK,
  pendingApproval,
  startNotifier,
  startReceiver,
} from './helpers.js';

const HOOK_PATH = '/services/T000/B000/XXXXhooksecretXXXX';

t.test('an incoming webhook gets text and blocks with the call summary and the link', async (t) => {
  const hook = await startReceiver(t);
  const { notifier, outcomes } = startNotifier(t, { slack: { webhookUrl: `${hook.url}${HOOK_PATH}` } });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(hook.requests.length, 1);
  t.equal(hook.requests[0]?.path, HOOK_PATH);
  const body = json(hook.requests[0]);
  t.match(body['text'], /^Approval needed: iam:CreateRole on arn:aws:iam::123456789012:role\/app by agent deploy-bot/);
  const blocks = JSON.stringify(body['blocks']);
  for (const shown of [
    'deploy-bot',
    'alice@example.com',
    'prod',
    '123456789012',
    'IAM writes in prod',
    '2 approvers',
  ]) {
    t.ok(blocks.includes(shown), `the blocks show ${shown}`);
  }
  t.ok(blocks.includes(`<${LINK}|`), 'the approval link');
  t.notOk(blocks.includes('"action_id":"approve"'), 'no buttons: a webhook cannot receive clicks');
  t.same(outcomes, ['slack-webhook:sent']);
});

t.test('a resolution is a short follow-up naming who decided', async (t) => {
  const hook = await startReceiver(t);
  const { notifier } = startNotifier(t, { slack: { webhookUrl: `${hook.url}${HOOK_PATH}` } });
  const cases = [
    { approval: approvedApproval(), want: /approved by bob@example.com, carol@example.com/ },
    { approval: deniedApproval({ id: 'apv_two' }), want: /denied by dave@example.com/ },
    { approval: pendingApproval({ id: 'apv_three', state: 'expired' }), want: /\(expired\)$/ },
  ];
  for (const { approval } of cases) notifier.handle({ type: 'resolved', approval, link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(hook.requests.length, cases.length);
  for (const { approval, want } of cases) {
    const body = json(hook.requests.find((request) => request.body.includes(approval.id)));
    t.match(body['text'], want, approval.id);
    t.equal((body['blocks'] as unknown[]).length, 1, 'one short section');
  }
});

t.test("text from the agent's request cannot become a link or a mention", async (t) => {
  const hook = await startReceiver(t);
  const { notifier } = startNotifier(t, { slack: { webhookUrl: `${hook.url}${HOOK_PATH}` } });
  const approval = pendingApproval();
  const call = { ...approval.call, resource: 'arn:aws:s3:::<https://evil.example|click me> <!channel> & co' };
  notifier.handle({ type: 'created', approval: { ...approval, call }, link: LINK });
  await notifier.drain(DRAIN_MS);

  const sent = hook.requests[0]?.body ?? '';
  t.notOk(sent.includes('<https://evil'), 'no link markup');
  t.notOk(sent.includes('<!channel>'), 'no mention markup');
  t.ok(sent.includes('&lt;https://evil.example|click me&gt; &lt;!channel&gt; &amp; co'), 'shown escaped');
});

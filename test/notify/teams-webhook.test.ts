import t from 'tap';
import {
  approvedApproval,
  DRAIN_MS,
  json,
  LINK,
  pendingApproval,
  startNotifier,
  startReceiver,
  type CapturedRequest,
} from './helpers.js';

const WORKFLOW_PATH = '/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=XXXXteamssigXXXX';

interface CardElement {
  type: string;
  text?: string;
  facts?: { title: string; value: string }[];
}

interface Card {
  type: string;
  version: string;
  body: CardElement[];
  actions: { type: string; title: string; url: string }[];
}

function cardOf(request: CapturedRequest | undefined): Card {
  const body = json(request) as { type: string; attachments: { contentType: string; content: Card }[] };
  return body.attachments[0]?.content as Card;
}

t.test('a Workflows webhook gets a message with an Adaptive Card 1.4: text, facts and an OpenUrl action', async (t) => {
  const teams = await startReceiver(t, () => ({ status: 202 }));
  const { notifier, outcomes } = startNotifier(t, { teams: { webhookUrl: `${teams.url}${WORKFLOW_PATH}` } });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(teams.requests.length, 1);
  t.equal(teams.requests[0]?.path, WORKFLOW_PATH);
  const message = json(teams.requests[0]);
  t.equal(message['type'], 'message');
  t.match(message['attachments'], [{ contentType: 'application/vnd.microsoft.card.adaptive' }]);
  const card = cardOf(teams.requests[0]);
  t.equal(card.type, 'AdaptiveCard');
  t.equal(card.version, '1.4');
  t.same(
    card.body.map((element) => element.type),
    ['TextBlock', 'TextBlock', 'FactSet', 'TextBlock'],
  );
  t.match(card.body[0]?.text, /^Approval needed: iam:CreateRole$/);
  const facts = Object.fromEntries((card.body[2]?.facts ?? []).map((fact) => [fact.title, fact.value]));
  t.match(facts, {
    Agent: 'deploy-bot',
    Owner: 'alice@example.com',
    Action: 'iam:CreateRole',
    Resource: 'arn:aws:iam::123456789012:role/app',
    Account: '123456789012',
    Environment: 'prod',
    Needs: '2 approvers from sre or security',
    Expires: '2030-01-01 00:15 UTC',
  });
  t.same(card.actions, [{ type: 'Action.OpenUrl', title: 'Review and approve or deny', url: LINK }]);
  t.same(outcomes, ['teams:sent'], '202 Accepted is success');
});

t.test('a resolution is a follow-up card with the outcome and the link', async (t) => {
  const teams = await startReceiver(t, () => ({ status: 202 }));
  const { notifier } = startNotifier(t, { teams: { webhookUrl: `${teams.url}${WORKFLOW_PATH}` } });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(teams.requests.length, 2);
  const card = cardOf(teams.requests[1]);
  t.match(card.body[0]?.text, /^Approved: iam:CreateRole$/);
  t.match(card.body[1]?.text, /^approved by bob@example\.com, carol@example\.com$/);
  t.match(card.actions, [{ type: 'Action.OpenUrl', url: LINK }]);
});

t.test("Markdown in the agent's request is escaped, not rendered", async (t) => {
  const teams = await startReceiver(t, () => ({ status: 202 }));
  const { notifier } = startNotifier(t, { teams: { webhookUrl: `${teams.url}${WORKFLOW_PATH}` } });
  const approval = pendingApproval();
  const call = { ...approval.call, resource: '[click](https://evil.example) **now**\n- item' };
  notifier.handle({ type: 'created', approval: { ...approval, call }, link: LINK });
  await notifier.drain(DRAIN_MS);

  const facts = cardOf(teams.requests[0]).body[2]?.facts ?? [];
  t.equal(
    facts.find((fact) => fact.title === 'Resource')?.value,
    '\\[click\\](https://evil.example) \\*\\*now\\*\\* - item',
  );
});

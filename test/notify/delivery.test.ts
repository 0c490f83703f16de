import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import { createNotifier } from '../../proxy/notify/index.js';
import { memoryLog } from '../harness/memory-log.js';
import {
  approvedApproval,
  DRAIN_MS,
  LINK,
  pendingApproval,
  startNotifier,
  startReceiver,
  type Reply,
} from './helpers.js';

const SECRET = 'whsec-XXXXsigningsecretXXXX';

/** closedPortUrl is an address nothing listens on: connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function failingThen(failures: Reply[]): (request: unknown, index: number) => Reply {
  return (_request, index) => failures[index] ?? { status: 200 };
}

t.test('a 500 is retried, then the notification is sent', async (t) => {
  const receiver = await startReceiver(t, failingThen([{ status: 500 }, { status: 503 }]));
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(t, { teams: { webhookUrl: receiver.url } }, { log: memory.log });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(receiver.requests.length, 3);
  t.same(outcomes, ['teams:retried', 'teams:retried', 'teams:sent']);
  t.match(
    memory.entries().filter((entry) => entry['notifier'] === 'teams'),
    [
      { msg: 'notification failed: will retry', approval_id: 'apv_one', attempt: 1, status: 500 },
      { msg: 'notification failed: will retry', attempt: 2, status: 503 },
      { msg: 'notification sent', attempt: 3 },
    ],
  );
});

t.test('a 429 is retried after its Retry-After, then the notification is sent', async (t) => {
  const receiver = await startReceiver(t, failingThen([{ status: 429, headers: { 'retry-after': '2' } }]));
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { webhooks: [{ url: receiver.url, secret: SECRET }] },
    { log: memory.log, delivery: { maxRetryAfterMs: 30 } },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(receiver.requests.length, 2);
  t.same(outcomes, ['webhook[0]:retried', 'webhook[0]:sent']);
  const retry = memory.entries().find((entry) => entry['msg'] === 'notification failed: will retry');
  t.match(retry, { status: 429, retry_after_ms: 2000, delay_ms: 30 }, 'Retry-After read, capped by maxRetryAfterMs');
});

t.test('a 4xx other than 429 is not retried', async (t) => {
  const receiver = await startReceiver(t, () => ({ status: 404, body: 'no_service' }));
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { slack: { webhookUrl: `${receiver.url}/services/T/B/XXXXhooksecretXXXX` } },
    { log: memory.log },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(receiver.requests.length, 1);
  t.same(outcomes, ['slack-webhook:failed']);
  t.match(memory.entries().at(-1), {
    msg: 'notification failed: not retryable',
    status: 404,
    detail: 'no_service',
    attempt: 1,
  });
});

t.test(
  'a receiver that always fails is given up after the attempt limit; another notifier is unaffected',
  async (t) => {
    const broken = await startReceiver(t, () => ({ status: 503 }));
    const healthy = await startReceiver(t, () => ({ status: 202 }));
    const memory = memoryLog();
    const { notifier, outcomes } = startNotifier(
      t,
      { webhooks: [{ url: broken.url, secret: SECRET }], teams: { webhookUrl: healthy.url } },
      { log: memory.log, delivery: { maxAttempts: 4 } },
    );
    t.same(notifier.names, ['teams', 'webhook[0]']);
    notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
    notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
    await notifier.drain(DRAIN_MS);

    t.equal(broken.requests.length, 8, 'four attempts for each of two events');
    t.equal(healthy.requests.length, 2, 'Teams got both');
    t.same(
      outcomes.filter((outcome) => outcome.startsWith('teams:')),
      ['teams:sent', 'teams:sent'],
    );
    t.same(
      outcomes.filter((outcome) => outcome.startsWith('webhook[0]:')),
      [
        ...Array(3).fill('webhook[0]:retried'),
        'webhook[0]:failed',
        ...Array(3).fill('webhook[0]:retried'),
        'webhook[0]:failed',
      ],
    );
    t.match(
      memory.entries().filter((entry) => entry['msg'] === 'notification failed: attempts exhausted'),
      [
        { notifier: 'webhook[0]', approval_id: 'apv_one', event: 'created', attempt: 4, status: 503 },
        { notifier: 'webhook[0]', approval_id: 'apv_one', event: 'resolved', attempt: 4, status: 503 },
      ],
    );
  },
);

t.test('refused connections and timeouts are retried, then given up', async (t) => {
  const hanging = await startReceiver(t, () => 'hang');
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { teams: { webhookUrl: await closedPortUrl() }, webhooks: [{ url: hanging.url, secret: SECRET }] },
    { log: memory.log, delivery: { maxAttempts: 2, requestTimeoutMs: 50 } },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  t.equal(hanging.requests.length, 2);
  t.same(outcomes.sort(), ['teams:failed', 'teams:retried', 'webhook[0]:failed', 'webhook[0]:retried']);
  const failures = memory.entries().filter((entry) => entry['msg'] === 'notification failed: attempts exhausted');
  t.match(
    failures.find((entry) => entry['notifier'] === 'teams'),
    { reason: 'network', detail: 'ECONNREFUSED' },
  );
  t.match(
    failures.find((entry) => entry['notifier'] === 'webhook[0]'),
    { reason: 'timeout' },
  );
});

t.test("a resolution waits for its approval's announcement, which other approvals do not", async (t) => {
  let createdAttempts = 0;
  const receiver = await startReceiver(t, (request) => {
    const event = JSON.parse(request.body) as { event: string; approval: { id: string } };
    if (event.event === 'approval.created' && event.approval.id === 'apv_one') {
      createdAttempts += 1;
      return createdAttempts <= 2 ? { status: 500 } : { status: 200 };
    }
    return { status: 200 };
  });
  const { notifier } = startNotifier(t, { webhooks: [{ url: receiver.url, secret: SECRET }] });
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
  notifier.handle({ type: 'created', approval: pendingApproval({ id: 'apv_two' }), link: LINK });
  await notifier.drain(DRAIN_MS);

  const seen = receiver.requests.map((request) => {
    const event = JSON.parse(request.body) as { event: string; approval: { id: string } };
    return `${event.event} ${event.approval.id}`;
  });
  t.equal(seen.length, 5);
  t.same(
    seen.filter((entry) => entry.endsWith('apv_one')),
    ['approval.created apv_one', 'approval.created apv_one', 'approval.created apv_one', 'approval.resolved apv_one'],
    'resolved only after created succeeded',
  );
  t.ok(
    seen.indexOf('approval.created apv_two') < seen.indexOf('approval.resolved apv_one'),
    'apv_two did not wait for apv_one',
  );
});

t.test('a full queue drops its oldest waiting notification and says so', async (t) => {
  const receiver = await startReceiver(t);
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { webhooks: [{ url: receiver.url, secret: SECRET }] },
    { log: memory.log, delivery: { concurrency: 1, maxQueuedJobs: 1 } },
  );
  for (const id of ['apv_1', 'apv_2', 'apv_3']) {
    notifier.handle({ type: 'created', approval: pendingApproval({ id }), link: LINK });
  }
  await notifier.drain(DRAIN_MS);

  const ids = receiver.requests.map(
    (request) => (JSON.parse(request.body) as { approval: { id: string } }).approval.id,
  );
  t.same(ids, ['apv_1', 'apv_3'], 'apv_1 was sending, apv_2 waited longest');
  t.same(outcomes, ['webhook[0]:failed', 'webhook[0]:sent', 'webhook[0]:sent']);
  t.match(memory.entries()[0], { level: 50, approval_id: 'apv_2', msg: /queue full/ });
});

t.test('no URL, token or secret reaches the log, whatever fails', async (t) => {
  const secrets = {
    slackHook: '/services/T0/B0/XXXXhooksecretXXXX',
    teamsSig: 'XXXXteamssigXXXX',
    botToken: 'xoxb-XXXXbottokenXXXX',
    signing: 'XXXXsigningsecretXXXX',
  };
  const failing = await startReceiver(t, (request) =>
    request.path.includes('chat.') ? { status: 200, body: { ok: false, error: 'invalid_auth' } } : { status: 500 },
  );
  const refused = await closedPortUrl();
  const memory = memoryLog();
  const { notifier } = startNotifier(
    t,
    {
      slack: {
        webhookUrl: `${failing.url}${secrets.slackHook}`,
        botToken: secrets.botToken,
        channel: 'C1',
        apiUrl: failing.url,
      },
      teams: { webhookUrl: `${refused}/workflows/x?sig=${secrets.teamsSig}` },
      webhooks: [{ url: `${failing.url}/hook?key=${secrets.signing}`, secret: secrets.signing }],
    },
    { log: memory.log, delivery: { maxAttempts: 2 } },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
  await notifier.drain(DRAIN_MS);

  const logged = memory.text();
  t.ok(logged.includes(new URL(failing.url).host), 'hosts are logged');
  t.ok(logged.includes('notification failed'), 'failures were logged');
  for (const [name, secret] of Object.entries(secrets)) t.notOk(logged.includes(secret), `${name} is not logged`);
  t.notOk(logged.includes('/services/'), 'no webhook path');

  for (const config of [
    { teams: { webhookUrl: `ftp://example.com/${secrets.teamsSig}` } },
    { slack: { webhookUrl: `not a url ${secrets.slackHook}` } },
  ]) {
    const error = catchError(() => createNotifier(config, { log: memory.log }));
    t.ok(error instanceof InvalidArgumentError, 'a bad URL is refused');
    t.notMatch(String(error), /XXXX/, 'without quoting it');
  }
});

t.test(
  'handle returns at once, ignores `used`, survives a throwing onOutcome and does nothing once closed',
  async (t) => {
    const receiver = await startReceiver(t);
    const memory = memoryLog();
    const notifier = createNotifier(
      { webhooks: [{ url: receiver.url, secret: SECRET }] },
      {
        log: memory.log,
        onOutcome: () => {
          throw new Error('metrics broke');
        },
      },
    );
    t.teardown(() => notifier.close());
    notifier.handle({ type: 'used', approval: approvedApproval() });
    notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
    await notifier.drain(DRAIN_MS);
    t.equal(receiver.requests.length, 1, 'only created was sent');
    t.match(memory.entries(), [{ msg: 'notification sent' }, { msg: 'onOutcome listener threw' }]);

    await notifier.close();
    notifier.handle({ type: 'resolved', approval: approvedApproval(), link: LINK });
    await notifier.drain(DRAIN_MS);
    t.equal(receiver.requests.length, 1, 'nothing sent after close');
  },
);

t.test('close aborts a request in flight and abandons waiting ones', async (t) => {
  const hanging = await startReceiver(t, () => 'hang');
  const memory = memoryLog();
  const { notifier, outcomes } = startNotifier(
    t,
    { webhooks: [{ url: hanging.url, secret: SECRET }] },
    { log: memory.log, delivery: { concurrency: 1 } },
  );
  notifier.handle({ type: 'created', approval: pendingApproval(), link: LINK });
  notifier.handle({ type: 'created', approval: pendingApproval({ id: 'apv_two' }), link: LINK });
  await notifier.close();

  t.same(outcomes, [], 'shutting down is neither a success nor a failure');
  t.match(memory.entries(), [{ msg: 'closing: unsent notifications abandoned', abandoned: 1 }]);
});

import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import t, { type Test } from 'tap';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../proxy/notify/index.js';
import { type Moto, startMoto } from '../harness/moto.js';
import { awsCliEnvironment, run, startAirlock } from './harness/airlock.js';
import { issueApproverToken } from './harness/api.js';

// The chat link path end to end: a held AWS CLI call is announced to a signed webhook; its link opens the approval
// page in headless Chromium with JavaScript off; an approver enters their token and approves; the CLI call completes.

const CHROMIUM = '/usr/bin/chromium';
const WEBHOOK_SECRET = 'e2e-webhook-secret-of-some-length';

/** WebhookDelivery is one notification the receiver got, its signature checked. */
interface WebhookDelivery {
  readonly event: string;
  readonly link: string;
  readonly signatureValid: boolean;
}

async function startWebhookReceiver(t: Test) {
  const deliveries: WebhookDelivery[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers[SIGNATURE_HEADER.toLowerCase()] ?? '');
      const check = verifyWebhookSignature(WEBHOOK_SECRET, body, header, Math.floor(Date.now() / 1000));
      const parsed = JSON.parse(body) as { event: string; link: string };
      deliveries.push({ event: parsed.event, link: parsed.link, signatureValid: check.valid });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const waitFor = async (event: string): Promise<WebhookDelivery> => {
    for (let attempt = 0; attempt < 300; attempt++) {
      const found = deliveries.find((delivery) => delivery.event === event);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${event} notification within 30 s`);
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/airlock`, waitFor };
}

const noBrowser = !existsSync(CHROMIUM) && `${CHROMIUM} is not installed (Debian's chromium; .ci/run installs it)`;

t.test(
  'a chat link opens the page; approving there lets the held CLI call complete',
  { skip: noBrowser },
  async (t) => {
    const moto: Moto = await startMoto();
    t.teardown(() => moto.stop());
    const receiver = await startWebhookReceiver(t);
    const airlock = await startAirlock({
      upstream: moto.url,
      credentials: moto.credentials,
      config: {
        approvals: { hold_seconds: 30 },
        notify: { webhooks: [{ url: receiver.url, secret_env: 'E2E_WEBHOOK_SECRET' }] },
      },
      env: { E2E_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    t.teardown(() => airlock.stop());
    const keys = await airlock.addAgent('page-bot', 'olivia@example.com');
    const token = await issueApproverToken(airlock, 'grace@example.com', ['security']);

    const call = run(
      'aws',
      ['iam', 'create-role', '--role-name', 'page-role', '--assume-role-policy-document', '{}', '--output', 'json'],
      awsCliEnvironment(airlock, keys),
    );
    const created = await receiver.waitFor('approval.created');
    t.ok(created.signatureValid, 'the notification is signed with the webhook secret');
    t.match(created.link, new RegExp(`^${airlock.apiUrl}/approvals/apv_[^?]+\\?token=`));

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    t.teardown(() => browser.close());
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const shown = await page.goto(created.link);
    t.equal(shown?.status(), 200);
    t.equal(await page.locator('h1').textContent(), 'iam:CreateRole by page-bot');
    t.match(await page.locator('main').textContent(), /olivia@example\.com/);
    t.match(await page.locator('main').textContent(), /page-role/);

    await page.locator('input[name="approver_token"]').fill(token);
    await Promise.all([page.waitForNavigation(), page.locator('button[name="decision"][value="approve"]').click()]);
    t.equal(await page.locator('h1').textContent(), 'Approval approved');

    const done = await call;
    t.equal(done.code, 0, done.stderr);
    t.match(done.stdout, /"RoleName": "page-role"/);
    const resolved = await receiver.waitFor('approval.resolved');
    t.ok(resolved.signatureValid, 'the outcome is announced too');
  },
);

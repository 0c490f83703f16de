import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium } from 'playwright-core';
import t, { type Test } from 'tap';
import { approvalFixture, approverToken, heldCall, openApproval, pagesFor } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} does not exist: install Debian's chromium to run this test`;

/** listen serves the app on 127.0.0.1 on a free port until the test ends, and gives its base URL. */
async function listen(t: Test, fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const started: ServerType = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

for (const secureCookies of [false, true]) {
  t.test(
    `an approver approves from the page in a browser with JavaScript off (secure cookies ${secureCookies})`,
    { skip },
    async (t) => {
      const fixture = await approvalFixture(t);
      const app = pagesFor(fixture, { secureCookies });
      const base = await listen(t, app.fetch);
      const opened = await openApproval(
        fixture,
        heldCall({ requirement: { minApprovers: 1, groups: ['sre'], timeoutSeconds: 900 } }),
      );
      const bob = await approverToken(fixture, 'bob@example.com', ['sre']);

      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      t.teardown(() => browser.close());
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });

      const shown = await page.goto(`${base}${opened.path}`);
      t.equal(shown?.status(), 200);
      t.equal(await page.locator('h1').textContent(), 'iam:CreateRole by deploy-bot');
      t.match(await page.locator('main').textContent(), /creating IAM roles in prod needs two SREs/);
      t.match(await page.locator('#time-left').textContent(), /15 min left/);
      t.equal((await fixture.approvals.get(opened.id))?.votes.length, 0, 'viewing the page voted nothing');

      await page.locator('input[name="approver_token"]').fill(bob);
      await page.locator('textarea[name="comment"]').fill('checked with the team');
      const [result] = await Promise.all([
        page.waitForNavigation(),
        page.locator('button[name="decision"][value="approve"]').click(),
      ]);
      t.equal(result?.status(), 200);
      t.equal(new URL(page.url()).pathname, `/approvals/${opened.id}/vote`);
      t.equal(await page.locator('h1').textContent(), 'Approval approved');
      t.match(await page.locator('#outcome').textContent(), /Approved: the call may go ahead/);

      const approval = await fixture.approvals.get(opened.id);
      t.equal(approval?.state, 'approved');
      t.same(
        approval?.votes.map((vote) => [vote.approverId, vote.comment]),
        [['bob@example.com', 'checked with the team']],
      );
      t.same(
        consoleErrors.filter((text) => /Content Security Policy/i.test(text)),
        [],
        'the page breaks none of its own Content-Security-Policy',
      );

      await page.locator('a', { hasText: 'Back to the approval' }).click();
      t.match(await page.locator('.state').textContent(), /approved/);
      t.equal(await page.locator('form').count(), 0, 'a decided approval offers no form');
    },
  );
}

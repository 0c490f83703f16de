import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { Approval } from '../../proxy/store/index.js';
import { approver, heldCall, kindsOf, openWorld, type StoreCalls } from './service-world.js';

// A wait that is not woken the way a test means ends at its own timeout with the approval re-read, which would pass
// for a decision. So waits here outlast the test (LONG_WAIT_MS; close ends them), and a test asks whether a wait
// settled within a bounded number of short sleeps. Where only an in-process wake may answer, the poll is slower still.
const LONG_WAIT_MS = 600_000;
const NEVER_POLLS_MS = 60_000;

/** eventually waits, bounded in rounds, until `ready()` holds; false if it never did. */
async function eventually(ready: () => boolean, rounds = 2000): Promise<boolean> {
  for (let round = 0; round < rounds && !ready(); round++) await sleep(5);
  return ready();
}

/** wokenSoon gives what a wait settled with, or undefined if it did not settle within `eventually`'s bound. */
async function wokenSoon(wait: Promise<Approval>): Promise<Approval | undefined> {
  let settled: Approval | undefined;
  void wait.then((approval) => {
    settled = approval;
  });
  await eventually(() => settled !== undefined);
  return settled;
}

function count(calls: StoreCalls, method: string): number {
  return calls.get(method) ?? 0;
}

t.test('a waiter is woken at once by a vote in the same process', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process({ pollIntervalMs: NEVER_POLLS_MS });
  const { approval } = await service.open(heldCall());
  const waiting = service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS });
  await service.vote({ approvalId: approval.id, approver: approver('bob'), decision: 'approve', via: 'api' });
  t.match(await wokenSoon(waiting), { id: approval.id, state: 'approved' });
  await world.checkAuditLog(t);
});

t.test('a waiter is woken by a vote cast through another process on the same store file', async (t) => {
  const world = openWorld(t);
  const proxy = await world.process();
  const cli = await world.process({ pollIntervalMs: NEVER_POLLS_MS });
  const { approval } = await proxy.service.open(heldCall());
  const waiting = proxy.service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS });
  const result = await cli.service.vote({
    approvalId: approval.id,
    approver: approver('bob'),
    decision: 'approve',
    via: 'cli',
  });
  t.match(result, { accepted: true, approval: { state: 'approved' } });
  t.match(await wokenSoon(waiting), { id: approval.id, state: 'approved', votes: [{ approverId: 'bob' }] });
  t.same(
    proxy.events.map((event) => event.type),
    ['created'],
    'only the process that resolved it announces the resolution',
  );
  t.same(
    cli.events.map((event) => event.type),
    ['resolved'],
  );
  await world.checkAuditLog(t);
});

t.test('expiry resolves a waiter, and is audited and announced once', async (t) => {
  const world = openWorld(t);
  const { service, events } = await world.process();
  const requirement = { minApprovers: 1, groups: ['sre'], timeoutSeconds: 60 };
  const { approval } = await service.open(heldCall({ requirement }));
  const waiting = service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS });
  world.clock.advance(60);
  t.match(await wokenSoon(waiting), { id: approval.id, state: 'expired' });
  t.match(await service.vote({ approvalId: approval.id, approver: approver('bob'), decision: 'approve', via: 'api' }), {
    accepted: false,
    reason: 'resolved',
  });
  t.same(
    events.map((event) => [event.type, event.approval.state]),
    [
      ['created', 'pending'],
      ['resolved', 'expired'],
    ],
  );
  t.same(kindsOf(await world.auditRecords()), ['approval.created', 'approval.expired', 'vote.refused']);
  await world.checkAuditLog(t);
});

t.test('a wait ends with the approval as it stands at its timeout, on abort, and on close', async (t) => {
  const world = openWorld(t);
  const { service } = await world.process({ pollIntervalMs: NEVER_POLLS_MS });
  const { approval } = await service.open(heldCall());
  t.match(await service.waitForDecision(approval.id, { timeoutMs: 1 }), { state: 'pending' }, 'timeout');
  t.match(await service.waitForDecision(approval.id, { timeoutMs: 0 }), { state: 'pending' }, 'no wait at all');

  const controller = new AbortController();
  const aborted = service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS, signal: controller.signal });
  controller.abort();
  t.match(await aborted, { state: 'pending' }, 'abort');

  await t.rejects(service.waitForDecision('apv_unknown', { timeoutMs: LONG_WAIT_MS }), {
    name: 'ApprovalNotFoundError',
  });
  await t.rejects(service.waitForDecision(approval.id, { timeoutMs: -1 }), { name: 'InvalidArgumentError' });

  const waits = [1, 2, 3].map(() => service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS }));
  await service.close();
  t.same(
    (await Promise.all(waits)).map((found) => found.state),
    ['pending', 'pending', 'pending'],
    'close wakes every waiter',
  );
  t.match(await service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS }), { state: 'pending' }, 'after close');
  await world.checkAuditLog(t);
});

t.test('two processes voting at once resolve the approval once', async (t) => {
  const world = openWorld(t);
  const one = await world.process();
  const two = await world.process();
  const rounds = 10;
  for (let round = 0; round < rounds; round++) {
    const { approval } = await one.service.open(heldCall({}, `call ${round}`));
    const waiting = two.service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS });
    const results = await Promise.all([
      one.service.vote({ approvalId: approval.id, approver: approver('bob'), decision: 'approve', via: 'api' }),
      two.service.vote({ approvalId: approval.id, approver: approver('carol'), decision: 'deny', via: 'cli' }),
    ]);
    const final = await wokenSoon(waiting);
    t.not(final?.state ?? 'pending', 'pending', `round ${round} decided`);
    for (const result of results) {
      if (result.accepted) t.equal(result.approval.state, final?.state, 'every accepted vote reports the one outcome');
    }
  }
  const resolutions = kindsOf(await world.auditRecords()).filter(
    (kind) => kind === 'approval.approved' || kind === 'approval.denied',
  );
  t.equal(resolutions.length, rounds, 'one resolution record per approval');
  const resolvedEvents = [...one.events, ...two.events].filter((event) => event.type === 'resolved');
  t.equal(resolvedEvents.length, rounds, 'one resolved event per approval, from the winner');
  await world.checkAuditLog(t);
});

t.test('2,000 concurrent waiters are all woken, and polling reads the store once for all of them', async (t) => {
  const world = openWorld(t);
  const proxy = await world.process();
  const cli = await world.process({ pollIntervalMs: NEVER_POLLS_MS });
  const approvalCount = 200;
  const waitersEach = 10;
  const approvals: Approval[] = [];
  for (let index = 0; index < approvalCount; index++) {
    approvals.push((await proxy.service.open(heldCall({}, `call ${index}`))).approval);
  }

  const settled: Approval[] = [];
  const waits = approvals.flatMap((approval) =>
    Array.from({ length: waitersEach }, () =>
      proxy.service.waitForDecision(approval.id, { timeoutMs: LONG_WAIT_MS }).then((found) => {
        settled.push(found);
        return found;
      }),
    ),
  );
  const total = approvalCount * waitersEach;
  t.ok(await eventually(() => count(proxy.calls, 'getApproval') >= total), 'every waiter read its approval once');

  const readsBefore = count(proxy.calls, 'getApproval');
  const pollsBefore = count(proxy.calls, 'approvalsResolvedAfter');
  t.ok(await eventually(() => count(proxy.calls, 'approvalsResolvedAfter') >= pollsBefore + 5), 'the poll ran');
  t.equal(count(proxy.calls, 'getApproval'), readsBefore, 'no per-waiter reads while polling');
  t.equal(settled.length, 0, 'nobody woken before a decision');

  // Half decided here (woken in-process), half by the other process (woken by the poll).
  for (const [index, approval] of approvals.entries()) {
    const door = index % 2 === 0 ? proxy : cli;
    await door.service.vote({ approvalId: approval.id, approver: approver('bob'), decision: 'approve', via: 'api' });
  }
  t.ok(await eventually(() => settled.length === total), 'every waiter was woken');
  const decided = await Promise.all(waits);
  t.equal(decided.filter((found) => found.state === 'approved').length, total, 'every waiter saw its approval');
  t.same(new Set(decided.map((found) => found.id)), new Set(approvals.map((approval) => approval.id)));
  await world.checkAuditLog(t);
});

t.test('an approval nobody waits on is still expired, audited and announced, also after a restart', async (t) => {
  const world = openWorld(t);
  const requirement = { minApprovers: 1, groups: ['sre'], timeoutSeconds: 60 };
  const first = await world.process({ pollIntervalMs: NEVER_POLLS_MS });
  // The alarm is set for the expiry when the approval is opened: a second away, on the timers' clock.
  const { approval } = await first.service.open(heldCall({ requirement: { ...requirement, timeoutSeconds: 1 } }));
  world.clock.advance(1);
  t.ok(await eventually(() => first.events.some((event) => event.type === 'resolved')), 'expired by the alarm');
  t.equal((await first.service.get(approval.id))?.state, 'expired');

  const restarted = await world.process({ pollIntervalMs: 10 });
  const { approval: second } = await restarted.service.open(heldCall({ requirement }, 'another call'));
  await restarted.service.close();
  world.clock.advance(60);
  const afterRestart = await world.process({ pollIntervalMs: 10 });
  t.ok(
    await eventually(() => afterRestart.events.some((event) => event.approval.id === second.id)),
    'a new process expires what an earlier one left pending',
  );
  t.same(kindsOf(await world.auditRecords()).filter((kind) => kind === 'approval.expired').length, 2);
  await world.checkAuditLog(t);
});

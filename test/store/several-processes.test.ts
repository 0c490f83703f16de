import t from 'tap';
import { openSqliteStore } from '../../proxy/store/index.js';
import { tempStateDir } from './helpers.js';
import { startFixture } from './fixture-process.js';

const RACERS = 4;
const CALLS = 40;
const WAIT_MS = 60_000;

t.test('processes racing on the same fingerprints create one approval each, and the log stays whole', async (t) => {
  const stateDir = tempStateDir(t);
  // Created first, so the racers race on the calls rather than on creating the schema.
  await openSqliteStore({ stateDir }).close();
  const racers = Array.from({ length: RACERS }, (_, racer) =>
    startFixture(t, 'join-racer.ts', [stateDir, `r${racer}`, String(CALLS)]),
  );
  await Promise.all(racers.map((racer) => racer.waitForLine((line) => line === 'ready', WAIT_MS)));
  racers.forEach((racer) => racer.child.stdin?.write('go\n'));
  const exits = await Promise.all(racers.map((racer) => racer.exited(WAIT_MS)));
  t.same(
    exits.map((exit) => exit.code),
    Array(RACERS).fill(0),
    'every racer finished',
  );

  const answers = racers.flatMap((racer) =>
    racer.lines
      .filter((line) => /^\d+ /.test(line))
      .map((line) => {
        const [index = '', id = '', joined = ''] = line.split(' ');
        return { index: Number(index), id, joined: joined === 'true' };
      }),
  );
  t.equal(answers.length, RACERS * CALLS);
  for (let index = 0; index < CALLS; index += 1) {
    const forCall = answers.filter((answer) => answer.index === index);
    const ids = new Set(forCall.map((answer) => answer.id));
    const created = forCall.filter((answer) => !answer.joined).length;
    if (ids.size !== 1 || created !== 1) {
      t.fail(`call ${index}: ${ids.size} approvals, ${created} created`);
    }
  }
  t.pass('each call got one approval, created by one racer and joined by the others');

  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  t.equal((await store.listApprovals({ limit: 1000 })).length, CALLS, 'no duplicate approvals in the file');
  const seqs: number[] = [];
  for await (const record of store.auditRecords(1)) {
    seqs.push(record.seq);
  }
  t.same(
    seqs,
    Array.from({ length: RACERS * CALLS }, (_, index) => index + 1),
    'every racer’s audit records, without gap or duplicate',
  );
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { findApproverByToken } from '../../proxy/approvers/approver-tokens.js';
import type { AuditRecord } from '../../proxy/audit/index.js';
import { approverCommand } from '../../proxy/cli/approver.js';
import { openSqliteStore, STORE_FILE, type Store } from '../../proxy/store/index.js';
import { captureIo, tempDir, writeConfig } from './helpers.js';

const ISSUED_AT = new Date('2026-11-21T03:00:00.000Z');
const DAY_MS = 86_400_000;

async function approver(config: string, args: string[]) {
  const captured = captureIo({});
  const code = await approverCommand([...args, '--config', config], captured.io, { now: () => ISSUED_AT });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function printedToken(stdout: string): { id: string; token: string } {
  const token = /^export AIRLOCK_TOKEN=(alt_\S+)$/m.exec(stdout)?.[1];
  const id = /^\s+Token id:\s+(tok_\S+)/m.exec(stdout)?.[1];
  if (token === undefined || id === undefined) throw new Error('no token in the output');
  return { id, token };
}

async function auditRecords(store: Store): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of store.auditRecords(1)) records.push(record);
  return records;
}

t.test('approver add prints a token, once, that authenticates the approver with their groups', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  const result = await approver(file, ['add', 'bob@example.com', '--groups', 'sre,security', '--expires-in', '90d']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /shown only this once/);
  const { id, token } = printedToken(result.stdout);
  t.match(token, /^alt_[A-Za-z0-9_-]{43}$/);
  t.equal(result.stdout.split(token).length - 1, 2, 'the token appears on its own line and in the export line only');

  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  const justBefore = new Date(ISSUED_AT.getTime() + 90 * DAY_MS - 1);
  t.same(await findApproverByToken(store, token, justBefore), {
    id: 'bob@example.com',
    groups: ['sre', 'security'],
    email: 'bob@example.com',
  });
  t.equal(await findApproverByToken(store, token, new Date(ISSUED_AT.getTime() + 90 * DAY_MS)), undefined, 'expired');

  const [issued, ...others] = await auditRecords(store);
  t.equal(others.length, 0);
  t.equal(issued?.kind, 'approver-token.issued');
  t.same(issued?.data, {
    tokenId: id,
    approverId: 'bob@example.com',
    groups: ['sre', 'security'],
    expiresAt: '2027-02-19T03:00:00.000Z',
  });
  await store.close();
  t.notOk(readFileSync(join(stateDir, STORE_FILE)).includes(token), 'the database does not hold the token');
});

t.test('approver add without --expires-in gives a token that works until revoked; no groups warns', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  const result = await approver(file, ['add', 'carol@example.com']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /groups: none; never expires/);
  t.match(result.stderr, /^warning: no --groups/);
  const { token } = printedToken(result.stdout);
  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  t.same(await findApproverByToken(store, token, new Date(ISSUED_AT.getTime() + 3650 * DAY_MS)), {
    id: 'carol@example.com',
    groups: [],
    email: 'carol@example.com',
  });
});

t.test('approver revoke stops the token from working and is audited', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  const added = await approver(file, ['add', 'bob@example.com', '--groups', 'sre']);
  const { id, token } = printedToken(added.stdout);

  const revoked = await approver(file, ['revoke', id]);
  t.equal(revoked.code, 0, revoked.stderr);
  t.equal(revoked.stdout, `Revoked approver token ${id}; it no longer authenticates anyone.\n`);

  const again = await approver(file, ['revoke', id]);
  t.equal(again.code, 1);
  t.equal(again.stderr, `airlock approver: no approver token ${id}: it was never issued, or is already revoked\n`);

  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  t.equal(await findApproverByToken(store, token, ISSUED_AT), undefined);
  t.same(
    (await auditRecords(store)).map((record) => [record.kind, record.data]),
    [
      ['approver-token.issued', { tokenId: id, approverId: 'bob@example.com', groups: ['sre'] }],
      ['approver-token.revoked', { tokenId: id }],
    ],
  );
});

t.test('approver usage errors exit 2 and create nothing', async (t) => {
  const dir = tempDir(t);
  const { file, stateDir } = writeConfig(dir);
  const cases: Array<{ note: string; args: string[]; want: RegExp }> = [
    { note: 'no email', args: ['add'], want: /approver add needs EMAIL/ },
    { note: 'not an email', args: ['add', 'bob'], want: /needs the approver's email address, not "bob"/ },
    { note: 'two emails', args: ['add', 'a@x', 'b@x'], want: /takes one EMAIL/ },
    { note: 'empty group', args: ['add', 'a@x', '--groups', 'sre,,security'], want: /--groups takes group names/ },
    {
      note: 'bad expiry',
      args: ['add', 'a@x', '--expires-in', '90'],
      want: /--expires-in takes a number and m, h, d or w/,
    },
    { note: 'zero expiry', args: ['add', 'a@x', '--expires-in', '0d'], want: /--expires-in/ },
    { note: 'too long', args: ['add', 'a@x', '--expires-in', '300w'], want: /up to 5 years/ },
    { note: 'no token id', args: ['revoke'], want: /approver revoke needs TOKEN_ID/ },
    { note: 'unknown verb', args: ['list'], want: /unknown command approver list/ },
    { note: 'a token flag', args: ['add', 'a@x', '--token', 'x'], want: /Unknown option '--token'/ },
  ];
  for (const { note, args, want } of cases) {
    const result = await approver(file, args);
    t.equal(result.code, 2, note);
    t.match(result.stderr, want, note);
    t.equal(result.stdout, '', note);
  }
  t.notOk(existsSync(stateDir), 'no state directory was created');
});

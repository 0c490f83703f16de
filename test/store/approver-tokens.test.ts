import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { InvalidArgumentError, StoreConflictError } from '../../proxy/core/errors.js';
import { type ApproverToken, openSqliteStore, STORE_FILE } from '../../proxy/store/index.js';
import { at, openStore, tempStateDir } from './helpers.js';

const TOKEN = 'alt_Zm9yIHRlc3RzIG9ubHksIG5vdCBhIHJlYWwgdG9rZW4';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function token(overrides: Partial<ApproverToken> = {}): ApproverToken {
  return {
    id: 'tok_bob',
    tokenHash: sha256(TOKEN),
    approverId: 'bob@example.com',
    groups: ['sre', 'security'],
    createdAt: at(0),
    ...overrides,
  };
}

t.test('a token is found by its hash, and only its hash is stored', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openSqliteStore({ stateDir });
  t.teardown(() => store.close());
  await store.putApproverToken(token());
  t.same(await store.findApproverTokenByHash(sha256(TOKEN), at(10)), token());
  t.equal(await store.findApproverTokenByHash(sha256('another token'), at(10)), undefined);
  await store.close();
  const file = readFileSync(join(stateDir, STORE_FILE));
  t.notOk(file.includes(TOKEN), 'the token is not in the database');
  t.ok(file.includes(sha256(TOKEN)), 'its hash is');
});

t.test('a token with expiresAt stops being found at that time', async (t) => {
  const store = openStore(t);
  await store.putApproverToken(token({ expiresAt: at(3600) }));
  t.equal((await store.findApproverTokenByHash(sha256(TOKEN), at(3599.999)))?.id, 'tok_bob');
  t.equal(await store.findApproverTokenByHash(sha256(TOKEN), at(3600)), undefined);
});

t.test('a revoked token is no longer found', async (t) => {
  const store = openStore(t);
  await store.putApproverToken(token());
  t.equal(await store.revokeApproverToken('tok_bob'), true);
  t.equal(await store.findApproverTokenByHash(sha256(TOKEN), at(10)), undefined);
  t.equal(await store.revokeApproverToken('tok_bob'), false, 'revoking twice reports nothing to revoke');
});

t.test('putApproverToken never replaces a token and refuses malformed ones', async (t) => {
  const store = openStore(t);
  await store.putApproverToken(token());
  await t.rejects(store.putApproverToken(token({ tokenHash: sha256('other') })), StoreConflictError, 'same id');
  await t.rejects(store.putApproverToken(token({ id: 'tok_other' })), StoreConflictError, 'same hash');
  await t.rejects(store.putApproverToken(token({ id: 'tok_x', tokenHash: TOKEN })), InvalidArgumentError, 'not a hash');
  await t.rejects(
    store.putApproverToken(token({ id: 'tok_x', tokenHash: sha256('x'), expiresAt: at(0) })),
    InvalidArgumentError,
  );
  await t.rejects(store.findApproverTokenByHash(TOKEN, at(0)), InvalidArgumentError, 'lookups take hashes only');
  t.same(await store.findApproverTokenByHash(sha256(TOKEN), at(10)), token(), 'the first token stands');
});

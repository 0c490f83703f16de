import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AGENTS_FILE, AgentRegistry, SECRETS_KEY_FILE } from '../../proxy/agents/index.js';
import {
  AgentExistsError,
  AgentNotFoundError,
  AgentRegistryError,
  AgentSecretIntegrityError,
  InvalidArgumentError,
  SecretsKeyError,
} from '../../proxy/core/errors.js';
import { verifyAgentSignature } from '../../proxy/identify/index.js';
import { NOW, signAsSdk } from '../identify/fixtures/sdk-signer.js';
import { NO_KEY_ENV, openRegistry, tempStateDir } from './helpers.js';

const ALICE = { id: 'deploy-bot', owner: 'Alice@Example.com', groups: ['ci', 'deployers'] } as const;

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

t.test('add issues a key once and stores only a sealed secret', async (t) => {
  const stateDir = tempStateDir(t);
  const registry = openRegistry(stateDir);
  const key = await registry.add({ ...ALICE, labels: { team: 'infra' }, account: '012345678901' });
  t.match(key.accessKeyId, /^AKAL[A-Z2-7]{16}$/);
  t.match(key.secret, /^[A-Za-z0-9+/]{40}$/);
  t.equal(key.agentId, 'deploy-bot');

  const file = readFileSync(join(stateDir, AGENTS_FILE), 'utf8');
  t.notMatch(file, key.secret, 'the secret is not in agents.json');
  t.notMatch(file, Buffer.from(key.secret).toString('base64'), 'nor its base64');
  t.notMatch(file, Buffer.from(key.secret).toString('hex'), 'nor its hex');
  t.match(file, key.accessKeyId);

  t.equal(mode(stateDir), 0o700, 'state directory is 0700');
  t.equal(mode(join(stateDir, AGENTS_FILE)), 0o600, 'agents.json is 0600');
  t.equal(mode(join(stateDir, SECRETS_KEY_FILE)), 0o600, 'secrets.key is 0600');
  t.equal(statSync(join(stateDir, SECRETS_KEY_FILE)).size, 32);

  const found = registry.lookupSecret(key.accessKeyId);
  t.equal(found?.secret, key.secret);
  t.equal(found?.agentId, 'deploy-bot');
  t.same(registry.get('deploy-bot'), {
    id: 'deploy-bot',
    owner: 'alice@example.com',
    groups: ['ci', 'deployers'],
    labels: { team: 'infra' },
    account: '012345678901',
  });
  t.same(registry.list(), [
    {
      id: 'deploy-bot',
      owner: 'alice@example.com',
      groups: ['ci', 'deployers'],
      labels: { team: 'infra' },
      account: '012345678901',
      accessKeyId: key.accessKeyId,
      createdAt: registry.list()[0]?.createdAt,
      disabled: false,
    },
  ]);
  t.notMatch(JSON.stringify(registry.list()), key.secret, 'list shows no secret');
});

t.test('the issued key signs requests that identify accepts through lookupSecret', async (t) => {
  const registry = openRegistry(tempStateDir(t));
  const key = await registry.add(ALICE);
  const wire = await signAsSdk({
    method: 'POST',
    host: 'iam.amazonaws.com',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=ListRoles&Version=2010-05-08',
    service: 'iam',
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
  });
  const verified = await verifyAgentSignature(wire, registry.lookupSecret, NOW);
  t.equal(verified.authentication.agent.agentId, 'deploy-bot');
  t.equal(verified.authentication.agent.accessKeyId, key.accessKeyId);
});

t.test('lookupSecret returns undefined for unknown, malformed, removed, rotated and disabled keys', async (t) => {
  const registry = openRegistry(tempStateDir(t));
  const first = await registry.add(ALICE);
  const other = await registry.add({ id: 'other', owner: 'bob@example.com' });
  t.equal(registry.lookupSecret('AKALAAAAAAAAAAAAAAAA'), undefined, 'well-formed but unknown');
  t.equal(registry.lookupSecret('AKIAIOSFODNN7EXAMPLE'), undefined, 'an AWS key');
  t.equal(registry.lookupSecret(''), undefined, 'empty');

  const rotated = await registry.rotate('deploy-bot');
  t.not(rotated.accessKeyId, first.accessKeyId);
  t.not(rotated.secret, first.secret);
  t.equal(registry.lookupSecret(first.accessKeyId), undefined, 'the old key stops working');
  t.equal(registry.lookupSecret(rotated.accessKeyId)?.secret, rotated.secret, 'the new key works');
  t.equal(registry.get('deploy-bot')?.owner, 'alice@example.com', 'rotation keeps the record');

  await registry.disable('other');
  t.equal(registry.lookupSecret(other.accessKeyId), undefined, 'disabled');
  t.equal(registry.list().find((agent) => agent.id === 'other')?.disabled, true);
  t.equal(registry.get('other')?.id, 'other', 'get still returns a disabled agent');
  await registry.enable('other');
  t.equal(registry.lookupSecret(other.accessKeyId)?.agentId, 'other', 'enabled again');

  await registry.remove('other');
  t.equal(registry.lookupSecret(other.accessKeyId), undefined, 'removed');
  t.equal(registry.get('other'), undefined);
  t.same(
    registry.list().map((agent) => agent.id),
    ['deploy-bot'],
  );
});

t.test('add, rotate and remove report what is wrong', async (t) => {
  const registry = openRegistry(tempStateDir(t));
  await registry.add(ALICE);
  await t.rejects(registry.add({ ...ALICE, owner: 'carol@example.com' }), AgentExistsError);
  await t.rejects(registry.rotate('nobody'), AgentNotFoundError);
  await t.rejects(registry.remove('nobody'), AgentNotFoundError);
  await t.rejects(registry.disable('nobody'), AgentNotFoundError);

  const invalid: Array<{ note: string; agent: Parameters<AgentRegistry['add']>[0]; message: RegExp }> = [
    { note: 'upper-case name', agent: { id: 'Deploy', owner: 'a@example.com' }, message: /agent name/ },
    { note: 'name starting with -', agent: { id: '-x', owner: 'a@example.com' }, message: /agent name/ },
    { note: 'name too long', agent: { id: 'a'.repeat(64), owner: 'a@example.com' }, message: /agent name/ },
    { note: 'owner without @', agent: { id: 'x', owner: 'alice' }, message: /owner/ },
    { note: 'owner without a dotted domain', agent: { id: 'x', owner: 'alice@localhost' }, message: /owner/ },
    { note: 'owner with a space', agent: { id: 'x', owner: 'alice smith@example.com' }, message: /owner/ },
    { note: 'owner with two @', agent: { id: 'x', owner: 'a@b@example.com' }, message: /owner/ },
    { note: 'owner with a display name', agent: { id: 'x', owner: 'Alice <a@example.com>' }, message: /owner/ },
    { note: 'bad group', agent: { id: 'x', owner: 'a@example.com', groups: ['a b'] }, message: /group/ },
    {
      note: 'bad label key',
      agent: { id: 'x', owner: 'a@example.com', labels: { 'a b': 'c' } },
      message: /label name/,
    },
    {
      note: 'label value with a newline',
      agent: { id: 'x', owner: 'a@example.com', labels: { a: 'b\nc' } },
      message: /label a/,
    },
    { note: 'short account', agent: { id: 'x', owner: 'a@example.com', account: '12345' }, message: /account/ },
  ];
  for (const { note, agent, message } of invalid) {
    await t.rejects(registry.add(agent), { constructor: InvalidArgumentError, message }, note);
  }
  t.equal(registry.list().length, 1, 'nothing invalid was stored');
});

t.test('groups are de-duplicated and labels sorted, so a record has one form', async (t) => {
  const registry = openRegistry(tempStateDir(t));
  await registry.add({ id: 'x', owner: 'a@example.com', groups: ['b', 'a', 'b'], labels: { z: '1', a: '2' } });
  t.same(registry.get('x')?.groups, ['b', 'a']);
  t.same(Object.keys(registry.get('x')?.labels ?? {}), ['a', 'z']);
});

t.test('a second registry on the same directory sees agents the first adds, rotates and removes', async (t) => {
  const stateDir = tempStateDir(t);
  const server = openRegistry(stateDir);
  const cli = openRegistry(stateDir);
  t.equal(server.lookupSecret('AKALAAAAAAAAAAAAAAAA'), undefined);

  const key = await cli.add(ALICE);
  t.equal(server.lookupSecret(key.accessKeyId)?.secret, key.secret, 'a new agent works at once');
  t.equal(server.get('deploy-bot')?.owner, 'alice@example.com');

  const rotated = await cli.rotate('deploy-bot');
  t.equal(server.lookupSecret(key.accessKeyId), undefined, 'the rotated-away key stops');
  t.equal(server.lookupSecret(rotated.accessKeyId)?.secret, rotated.secret);

  await cli.remove('deploy-bot');
  t.equal(server.lookupSecret(rotated.accessKeyId), undefined, 'the removed key stops');
});

t.test('a known key is re-checked at most once per refresh interval; an unknown key at once', async (t) => {
  const stateDir = tempStateDir(t);
  const server = openRegistry(stateDir, { refreshIntervalMs: 60_000 });
  const cli = openRegistry(stateDir);
  const key = await cli.add(ALICE);
  t.equal(server.lookupSecret(key.accessKeyId)?.secret, key.secret, 'unknown key: file re-read at once');
  await cli.remove('deploy-bot');
  t.equal(server.lookupSecret(key.accessKeyId)?.secret, key.secret, 'known key: still served within the interval');
  const fresh = openRegistry(stateDir, { refreshIntervalMs: 60_000 });
  t.equal(fresh.lookupSecret(key.accessKeyId), undefined, 'a registry opened later does not see it');
});

t.test('concurrent adds from several registries are all kept', async (t) => {
  const stateDir = tempStateDir(t);
  const registries = Array.from({ length: 4 }, () => openRegistry(stateDir));
  const keys = await Promise.all(
    Array.from({ length: 24 }, (_, index) =>
      registries[index % registries.length]!.add({ id: `agent-${index}`, owner: 'a@example.com' }),
    ),
  );
  const reader = openRegistry(stateDir);
  t.equal(reader.list().length, 24);
  for (const key of keys) t.equal(reader.lookupSecret(key.accessKeyId)?.secret, key.secret);
  t.same(
    readFileSync(join(stateDir, AGENTS_FILE), 'utf8').match(/"id"/g)?.length,
    24,
    'the file holds every agent once',
  );
});

t.test('an altered or swapped record fails closed with AgentSecretIntegrityError', async (t) => {
  const cases: Array<{ note: string; edit: (agents: Array<Record<string, unknown>>) => void }> = [
    {
      note: 'ciphertext altered',
      edit: (agents) => {
        const sealed = agents[0]!.sealedSecret as Record<string, string>;
        const bytes = Buffer.from(sealed.ciphertext!, 'base64');
        bytes[0]! ^= 1;
        sealed.ciphertext = bytes.toString('base64');
      },
    },
    {
      note: 'tag altered',
      edit: (agents) => {
        const sealed = agents[0]!.sealedSecret as Record<string, string>;
        const bytes = Buffer.from(sealed.tag!, 'base64');
        bytes[15]! ^= 0x80;
        sealed.tag = bytes.toString('base64');
      },
    },
    {
      note: 'sealed secrets swapped between two agents',
      edit: (agents) => {
        const first = agents[0]!.sealedSecret;
        agents[0]!.sealedSecret = agents[1]!.sealedSecret;
        agents[1]!.sealedSecret = first;
      },
    },
    {
      note: 'access key ids swapped between two agents',
      edit: (agents) => {
        const first = agents[0]!.accessKeyId;
        agents[0]!.accessKeyId = agents[1]!.accessKeyId;
        agents[1]!.accessKeyId = first;
      },
    },
    { note: 'groups widened', edit: (agents) => void (agents[0]!.groups = ['ci', 'sre']) },
    { note: 'owner changed', edit: (agents) => void (agents[0]!.owner = 'mallory@example.com') },
    { note: 'account changed', edit: (agents) => void (agents[0]!.account = '999999999999') },
    { note: 'label added', edit: (agents) => void (agents[0]!.labels = { trusted: 'yes' }) },
  ];
  for (const { note, edit } of cases) {
    await t.test(note, async (t) => {
      const stateDir = tempStateDir(t);
      const writer = openRegistry(stateDir);
      const key = await writer.add({ id: 'first', owner: 'a@example.com', groups: ['ci'] });
      await writer.add({ id: 'second', owner: 'b@example.com' });
      const path = join(stateDir, AGENTS_FILE);
      const contents = JSON.parse(readFileSync(path, 'utf8')) as { agents: Array<Record<string, unknown>> };
      edit(contents.agents);
      writeFileSync(path, JSON.stringify(contents));

      const reader = openRegistry(stateDir);
      const accessKeyId = contents.agents[0]!.accessKeyId as string;
      t.throws(() => reader.lookupSecret(accessKeyId), AgentSecretIntegrityError);
      t.throws(() => reader.get(contents.agents[0]!.id as string), AgentSecretIntegrityError);
      const error = t.throws(() => reader.lookupSecret(accessKeyId)) as Error;
      t.notMatch(String(error), key.secret, 'the message carries no secret');
    });
  }
});

t.test('a damaged agents.json is refused, naming the file and the field', async (t) => {
  const cases: Array<{ note: string; text: (valid: string) => string; message: RegExp }> = [
    { note: 'not JSON', text: () => '{"agents": [', message: /not valid JSON/ },
    { note: 'wrong format tag', text: (valid) => valid.replace('airlock-agents/1', 'other'), message: /format/ },
    {
      note: 'a field of the wrong type',
      text: (valid) => valid.replace(/"groups": \[[^\]]*\]/, '"groups": "ci"'),
      message: /agents\[0\]\.groups must be a list/,
    },
    {
      note: 'a duplicate agent',
      text: (valid) => {
        const contents = JSON.parse(valid) as { agents: unknown[] };
        contents.agents.push(contents.agents[0]);
        return JSON.stringify(contents);
      },
      message: /appears twice/,
    },
  ];
  for (const { note, text, message } of cases) {
    await t.test(note, async (t) => {
      const stateDir = tempStateDir(t);
      await openRegistry(stateDir).add(ALICE);
      const path = join(stateDir, AGENTS_FILE);
      writeFileSync(path, text(readFileSync(path, 'utf8')));
      t.throws(() => openRegistry(stateDir), { constructor: AgentRegistryError, message });
    });
  }
});

t.test('the secrets key comes from AIRLOCK_SECRETS_KEY when set', async (t) => {
  const stateDir = tempStateDir(t);
  const env = { AIRLOCK_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };
  const registry = AgentRegistry.open(stateDir, { env, refreshIntervalMs: 0 });
  const key = await registry.add(ALICE);
  t.throws(() => statSync(join(stateDir, SECRETS_KEY_FILE)), { code: 'ENOENT' }, 'no key file is written');
  t.equal(AgentRegistry.open(stateDir, { env }).lookupSecret(key.accessKeyId)?.secret, key.secret);

  t.throws(
    () => AgentRegistry.open(stateDir, { env: { AIRLOCK_SECRETS_KEY: Buffer.alloc(32, 8).toString('base64') } }),
    { constructor: SecretsKeyError, message: /different secrets key/ },
    'a different key is refused at open, not discovered one lookup at a time',
  );
  t.throws(
    () => AgentRegistry.open(stateDir, { env: NO_KEY_ENV }),
    { constructor: SecretsKeyError, message: /secrets\.key is missing/ },
    'unsetting the variable does not silently create a new key',
  );
  for (const bad of ['not base64!', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64')]) {
    const error = t.throws(() => AgentRegistry.open(stateDir, { env: { AIRLOCK_SECRETS_KEY: bad } }), SecretsKeyError);
    t.notMatch(String(error), bad, 'the message does not echo the value');
  }
});

t.test('a secrets.key that group or others can read is refused', async (t) => {
  const stateDir = tempStateDir(t);
  await openRegistry(stateDir).add(ALICE);
  const keyFile = join(stateDir, SECRETS_KEY_FILE);
  chmodSync(keyFile, 0o640);
  t.throws(() => openRegistry(stateDir), { constructor: SecretsKeyError, message: /chmod 600/ });
  chmodSync(keyFile, 0o604);
  t.throws(() => openRegistry(stateDir), SecretsKeyError);
  chmodSync(keyFile, 0o600);
  t.ok(openRegistry(stateDir));
  writeFileSync(keyFile, Buffer.alloc(31));
  t.throws(() => openRegistry(stateDir), { constructor: SecretsKeyError, message: /32 bytes/ });
});

t.test('registries on one directory share the secrets key the first one created', async (t) => {
  const stateDir = tempStateDir(t);
  const registries = Array.from({ length: 8 }, () => openRegistry(stateDir));
  const key = await registries[0]!.add(ALICE);
  for (const registry of registries) t.equal(registry.lookupSecret(key.accessKeyId)?.secret, key.secret);
});

t.test('options are validated', async (t) => {
  const stateDir = tempStateDir(t);
  t.throws(() => openRegistry(stateDir, { refreshIntervalMs: -1 }), InvalidArgumentError);
  t.throws(() => openRegistry(stateDir, { cacheSize: 0 }), InvalidArgumentError);
});

t.test('a missing secrets.key is not replaced while agents sealed with it exist', async (t) => {
  const stateDir = tempStateDir(t);
  const key = await openRegistry(stateDir).add(ALICE);
  const keyFile = join(stateDir, SECRETS_KEY_FILE);
  const saved = readFileSync(keyFile);
  rmSync(keyFile);
  t.throws(() => openRegistry(stateDir), { constructor: SecretsKeyError, message: /is missing.*restore it/ });
  t.throws(() => statSync(keyFile), { code: 'ENOENT' }, 'no new key was written in its place');
  writeFileSync(keyFile, saved, { mode: 0o600 });
  t.equal(openRegistry(stateDir).lookupSecret(key.accessKeyId)?.secret, key.secret, 'the restored key works');
});

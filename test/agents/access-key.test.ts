import { inspect } from 'node:util';
import t from 'tap';
import {
  ACCESS_KEY_ID_PATTERN,
  AgentAccessKey,
  issueAccessKeyId,
  issueSecretAccessKey,
} from '../../proxy/agents/index.js';

t.test('access key ids are 20 characters, AKAL then base32, and do not repeat', async (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 2000; i += 1) {
    const id = issueAccessKeyId();
    t.equal(id.length, 20);
    if (!ACCESS_KEY_ID_PATTERN.test(id)) t.fail(`bad key id ${id}`);
    ids.add(id);
  }
  t.equal(ids.size, 2000);
  t.match(issueAccessKeyId(), /^AKAL[A-Z2-7]{16}$/);
});

t.test('every base32 character appears in key ids (the encoding uses all 80 random bits)', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i += 1) for (const character of issueAccessKeyId().slice(4)) seen.add(character);
  t.equal(seen.size, 32);
});

t.test('secrets are 40 characters of the alphabet AWS secret keys use', async (t) => {
  const secrets = new Set<string>();
  for (let i = 0; i < 2000; i += 1) {
    const secret = issueSecretAccessKey();
    if (!/^[A-Za-z0-9+/]{40}$/.test(secret)) t.fail(`bad secret shape (length ${secret.length})`);
    secrets.add(secret);
  }
  t.equal(secrets.size, 2000);
});

t.test('AgentAccessKey never shows its secret when printed or serialised', async (t) => {
  const secret = issueSecretAccessKey();
  const key = new AgentAccessKey('deploy-bot', 'AKALAAAAAAAAAAAAAAAA', secret);
  const shown = [
    inspect(key, { depth: 10, showHidden: true }),
    inspect({ nested: { key } }),
    JSON.stringify(key),
    String(key),
    JSON.stringify({ ...key }),
  ].join('\n');
  t.notMatch(shown, secret);
  t.match(shown, 'AKALAAAAAAAAAAAAAAAA');
  t.equal(key.secret, secret, 'identify can still read it');
});

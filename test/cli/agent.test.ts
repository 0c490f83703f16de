import t from 'tap';
import { AgentRegistry } from '../../proxy/agents/index.js';
import { agentCommand } from '../../proxy/cli/agent.js';
import { captureIo, tempDir, writeConfig } from './helpers.js';

async function agent(file: string, args: string[]) {
  const captured = captureIo({});
  const code = await agentCommand([...args, '--config', file], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function exported(stdout: string, name: string): string {
  const value = new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(stdout)?.[1];
  if (value === undefined) throw new Error(`no export ${name} line in the output`);
  return value;
}

t.test('agent revoke makes the key unknown for good; adding the name again issues a different key', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  const added = await agent(file, ['add', 'deploy-bot', '--owner', 'alice@example.com']);
  t.equal(added.code, 0, added.stderr);
  const accessKeyId = exported(added.stdout, 'AWS_ACCESS_KEY_ID');
  const registry = AgentRegistry.open(stateDir, { env: {}, refreshIntervalMs: 0 });
  t.equal(registry.lookupSecret(accessKeyId)?.agentId, 'deploy-bot');

  const revoked = await agent(file, ['revoke', 'deploy-bot']);
  t.equal(revoked.code, 0, revoked.stderr);
  t.match(revoked.stdout, /^Revoked agent deploy-bot: its access key no longer works/);
  t.equal(registry.lookupSecret(accessKeyId), undefined, 'the key is unknown');
  t.equal(registry.get('deploy-bot'), undefined, 'so is the agent');

  const again = await agent(file, ['add', 'deploy-bot', '--owner', 'alice@example.com']);
  t.equal(again.code, 0, again.stderr);
  t.not(exported(again.stdout, 'AWS_ACCESS_KEY_ID'), accessKeyId);
  t.equal(registry.lookupSecret(accessKeyId), undefined, 'the revoked key stays unknown');
});

t.test('agent revoke of an unknown agent fails with one line; remove still works', async (t) => {
  const { file, stateDir } = writeConfig(tempDir(t));
  const unknown = await agent(file, ['revoke', 'nobody']);
  t.equal(unknown.code, 1);
  t.equal(unknown.stderr, 'airlock agent: there is no agent named nobody\n');

  t.equal((await agent(file, ['add', 'old-bot', '--owner', 'alice@example.com'])).code, 0);
  const removed = await agent(file, ['remove', 'old-bot']);
  t.equal(removed.code, 0, removed.stderr);
  t.same(AgentRegistry.open(stateDir, { env: {} }).list(), []);
});

t.test('agent help lists revoke; agent add points to airlock env', async (t) => {
  const { file } = writeConfig(tempDir(t));
  const help = await agent(file, ['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^ {2}airlock agent revoke NAME\s+the agent's key stops working, for good/m);
  const added = await agent(file, ['add', 'deploy-bot', '--owner', 'alice@example.com']);
  t.match(added.stdout, /^For the proxy and CA settings as well: airlock env deploy-bot$/m);
  const usage = await agent(file, ['revoke']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /^airlock agent: agent revoke needs NAME\nusage:/);
});

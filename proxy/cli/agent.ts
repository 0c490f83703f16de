import { parseArgs } from 'node:util';
import { type AgentAccessKey, type AgentListing, AgentRegistry } from '../agents/index.js';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { CliUsageError } from './cli-errors.js';
import {
  CONFIG_OPTION,
  CONFIG_USAGE,
  type CommandIo,
  formatColumns,
  printLine,
  processIo,
  runVerbCommand,
  type Verb,
} from './command-io.js';

const USAGE = `usage:
  airlock agent add NAME --owner EMAIL [--group G]... [--label KEY=VALUE]... [--account ID]
                                    register an agent and print its access key, once
  airlock agent list [--json]       list agents (never their secrets)
  airlock agent rotate NAME         issue a new key; the old one stops working
  airlock agent revoke NAME         the agent's key stops working, for good (the agent is removed)
  airlock agent disable NAME        stop an agent's key from working, keeping the agent
  airlock agent enable NAME         let a disabled agent's key work again
  airlock agent remove NAME         the same as revoke

'airlock env NAME' prints the settings an agent's runtime needs; a running server sees changes within a second.
${CONFIG_USAGE}`;

/**
 * agentCommand runs `airlock agent …` and returns the process exit code: 0 done, 1 failed, 2 usage. Only `add` and
 * `rotate` print a secret, once, on stdout; errors go to stderr.
 */
export async function agentCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const changing =
    (verb: string, apply: ApplyChange, done: (name: string) => string): Verb =>
    (rest) =>
      change(rest, io, verb, apply, done);
  const revoke = (verb: string) => changing(verb, (registry, name) => registry.remove(name), revokedText);
  const verbs = new Map<string, Verb>([
    ['add', (rest) => add(rest, io)],
    ['list', (rest) => list(rest, io)],
    ['rotate', (rest) => rotate(rest, io)],
    ['revoke', revoke('revoke')],
    ['remove', revoke('remove')],
    ['disable', changing('disable', (registry, name) => registry.disable(name), agentIs('disabled'))],
    ['enable', changing('enable', (registry, name) => registry.enable(name), agentIs('enabled'))],
  ]);
  return runVerbCommand(
    { name: 'agent', usage: USAGE, verbs, isUsageError: (error) => error instanceof InvalidArgumentError },
    argv,
    io,
  );
}

async function add(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTION,
      owner: { type: 'string' },
      group: { type: 'string', multiple: true },
      label: { type: 'string', multiple: true },
      account: { type: 'string' },
    },
  });
  const name = onlyName(positionals, 'add');
  if (values.owner === undefined) throw new CliUsageError('agent add needs --owner EMAIL');
  const config = loadConfig(values.config, io.env);
  const registry = AgentRegistry.open(config.stateDir, { env: io.env });
  const key = await registry.add({
    id: name,
    owner: values.owner,
    groups: values.group ?? [],
    labels: parseLabels(values.label ?? []),
    ...(values.account === undefined ? {} : { account: values.account }),
  });
  warnIfAccountUnconfigured(config, values.account, io);
  printKey(`Added agent ${name}.`, key, io);
  return 0;
}

async function rotate(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONFIG_OPTION });
  const name = onlyName(positionals, 'rotate');
  const registry = AgentRegistry.open(loadConfig(values.config, io.env).stateDir, { env: io.env });
  const key = await registry.rotate(name);
  printKey(`Issued agent ${name} a new access key; the previous one no longer works.`, key, io);
  return 0;
}

/** ApplyChange changes one agent in the registry. */
type ApplyChange = (registry: AgentRegistry, name: string) => Promise<void>;

function agentIs(state: string): (name: string) => string {
  return (name) => `Agent ${name} ${state}.`;
}

function revokedText(name: string): string {
  return (
    `Revoked agent ${name}: its access key no longer works and cannot be restored. ` +
    `To give it access again: airlock agent add ${name} --owner EMAIL`
  );
}

async function change(
  argv: string[],
  io: CommandIo,
  verb: string,
  apply: ApplyChange,
  done: (name: string) => string,
): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONFIG_OPTION });
  const name = onlyName(positionals, verb);
  await apply(AgentRegistry.open(loadConfig(values.config, io.env).stateDir, { env: io.env }), name);
  printLine(io.stdout, done(name));
  return 0;
}

function list(argv: string[], io: CommandIo): number {
  const { values } = parseArgs({ args: argv, options: { ...CONFIG_OPTION, json: { type: 'boolean' } } });
  const agents = AgentRegistry.open(loadConfig(values.config, io.env).stateDir, { env: io.env }).list();
  if (values.json) {
    printLine(io.stdout, JSON.stringify(agents, null, 2));
    return 0;
  }
  if (agents.length === 0) {
    printLine(io.stdout, 'No agents. Add one with: airlock agent add NAME --owner EMAIL');
    return 0;
  }
  printLine(io.stdout, formatTable(agents));
  return 0;
}

function printKey(headline: string, key: AgentAccessKey, io: CommandIo): void {
  printLine(
    io.stdout,
    `${headline}
The secret access key is shown only this once: Airlock keeps it encrypted and cannot show it again.

  Access key id:      ${key.accessKeyId}
  Secret access key:  ${key.secret}

export AWS_ACCESS_KEY_ID=${key.accessKeyId}
export AWS_SECRET_ACCESS_KEY=${key.secret}

For the proxy and CA settings as well: airlock env ${key.agentId}`,
  );
}

function warnIfAccountUnconfigured(config: AirlockConfig, account: string | undefined, io: CommandIo): void {
  if (config.accounts.length === 0 || config.accountFor(account) !== undefined) return;
  const where = config.file ?? 'the configuration';
  printLine(
    io.stderr,
    account === undefined
      ? `warning: ${where} has no default account; this agent's calls will be refused until it has one or the agent is given --account`
      : `warning: account ${account} is not configured in ${where}; this agent's calls will be refused until it is`,
  );
}

function formatTable(agents: readonly AgentListing[]): string {
  const header = ['NAME', 'OWNER', 'GROUPS', 'LABELS', 'ACCOUNT', 'ACCESS KEY ID', 'CREATED', 'STATUS'];
  const rows = agents.map((agent) => [
    agent.id,
    agent.owner,
    agent.groups.join(',') || '-',
    Object.entries(agent.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',') || '-',
    agent.account ?? 'default',
    agent.accessKeyId,
    agent.createdAt.slice(0, 19).replace('T', ' '),
    agent.disabled ? 'disabled' : 'active',
  ]);
  return formatColumns([header, ...rows]);
}

function onlyName(positionals: string[], verb: string): string {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new CliUsageError(`agent ${verb} needs NAME`);
  if (extra.length > 0) throw new CliUsageError(`agent ${verb} takes one NAME`);
  return name;
}

function parseLabels(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new CliUsageError('--label takes KEY=VALUE');
    const key = pair.slice(0, equals);
    if (Object.hasOwn(labels, key)) throw new CliUsageError(`--label ${key} is given twice`);
    labels[key] = pair.slice(equals + 1);
  }
  return labels;
}

import { parseArgs } from 'node:util';
import { type AgentAccessKey, type AgentListing, AgentRegistry } from '../agents/index.js';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { AirlockError, InvalidArgumentError } from '../core/errors.js';

const USAGE = `usage:
  airlock agent add NAME --owner EMAIL [--group G]... [--label KEY=VALUE]... [--account ID]
                                    register an agent and print its access key, once
  airlock agent list [--json]       list agents (never their secrets)
  airlock agent rotate NAME         issue a new key; the old one stops working
  airlock agent remove NAME         delete an agent and its key
  airlock agent disable NAME        stop an agent's key from working, keeping the agent
  airlock agent enable NAME         let a disabled agent's key work again

every command accepts --config PATH (default: $AIRLOCK_CONFIG, else ./airlock.yaml), which names the state directory`;

const CONFIG_OPTION = { config: { type: 'string' } } as const;

/** UsageError is a command line that cannot be run as written: exit code 2, with the usage text. */
class UsageError extends Error {}

/**
 * agentCommand runs `airlock agent …` and returns the process exit code: 0 done, 1 failed, 2 usage. Only `add` and
 * `rotate` print a secret, once, on stdout; errors go to stderr.
 */
export async function agentCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'add':
        return await add(rest);
      case 'list':
        return list(rest);
      case 'rotate':
        return await rotate(rest);
      case 'remove':
        return await change(rest, 'removed', (registry, name) => registry.remove(name));
      case 'disable':
        return await change(rest, 'disabled', (registry, name) => registry.disable(name));
      case 'enable':
        return await change(rest, 'enabled', (registry, name) => registry.enable(name));
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        throw new UsageError(verb === undefined ? 'agent needs a command' : `unknown command agent ${verb}`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error) || error instanceof InvalidArgumentError) {
      console.error(`airlock agent: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof AirlockError) {
      console.error(`airlock agent: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function add(argv: string[]): Promise<number> {
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
  if (values.owner === undefined) throw new UsageError('agent add needs --owner EMAIL');
  const config = loadConfig(values.config);
  const registry = AgentRegistry.open(config.stateDir);
  const key = await registry.add({
    id: name,
    owner: values.owner,
    groups: values.group ?? [],
    labels: parseLabels(values.label ?? []),
    ...(values.account === undefined ? {} : { account: values.account }),
  });
  warnIfAccountUnconfigured(config, values.account);
  printKey(`Added agent ${name}.`, key);
  return 0;
}

async function rotate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONFIG_OPTION });
  const name = onlyName(positionals, 'rotate');
  const registry = AgentRegistry.open(loadConfig(values.config).stateDir);
  const key = await registry.rotate(name);
  printKey(`Issued agent ${name} a new access key; the previous one no longer works.`, key);
  return 0;
}

async function change(
  argv: string[],
  done: string,
  apply: (registry: AgentRegistry, name: string) => Promise<void>,
): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONFIG_OPTION });
  const name = onlyName(positionals, done);
  await apply(AgentRegistry.open(loadConfig(values.config).stateDir), name);
  console.log(`Agent ${name} ${done}.`);
  return 0;
}

function list(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { ...CONFIG_OPTION, json: { type: 'boolean' } } });
  const agents = AgentRegistry.open(loadConfig(values.config).stateDir).list();
  if (values.json) {
    console.log(JSON.stringify(agents, null, 2));
    return 0;
  }
  if (agents.length === 0) {
    console.log('No agents. Add one with: airlock agent add NAME --owner EMAIL');
    return 0;
  }
  console.log(formatTable(agents));
  return 0;
}

function printKey(headline: string, key: AgentAccessKey): void {
  console.log(`${headline}
The secret access key is shown only this once: Airlock keeps it encrypted and cannot show it again.

  Access key id:      ${key.accessKeyId}
  Secret access key:  ${key.secret}

export AWS_ACCESS_KEY_ID=${key.accessKeyId}
export AWS_SECRET_ACCESS_KEY=${key.secret}`);
}

function warnIfAccountUnconfigured(config: AirlockConfig, account: string | undefined): void {
  if (config.accounts.length === 0 || config.accountFor(account) !== undefined) return;
  const where = config.file ?? 'the configuration';
  console.error(
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
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function onlyName(positionals: string[], verb: string): string {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`agent ${verb} needs NAME`);
  if (extra.length > 0) throw new UsageError(`agent ${verb} takes one NAME`);
  return name;
}

function parseLabels(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError('--label takes KEY=VALUE');
    const key = pair.slice(0, equals);
    if (Object.hasOwn(labels, key)) throw new UsageError(`--label ${key} is given twice`);
    labels[key] = pair.slice(equals + 1);
  }
  return labels;
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

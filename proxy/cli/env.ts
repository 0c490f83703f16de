import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENTS_FILE, type AgentListing, AgentRegistry } from '../agents/index.js';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { AgentNotFoundError, ConfigError, InvalidArgumentError } from '../core/errors.js';
import { CA_CERTIFICATE_FILE, loadOrCreateCertificateAuthority } from '../listen/index.js';
import { CliUsageError } from './cli-errors.js';
import { clientUrl, listensOnEveryInterface } from './client-url.js';
import {
  CONFIG_OPTION,
  CONFIG_USAGE,
  type CommandIo,
  type Environment,
  isSystemError,
  printLine,
  processIo,
  runCommand,
} from './command-io.js';
import { quoteForFish, quoteForSh } from './shell-quote.js';
import { writeTrustBundle } from './trust-bundle.js';

const USAGE = `usage: airlock env AGENT [--shell sh|fish] [--rotate]

prints the shell lines an agent's runtime needs to call AWS through Airlock:
  eval "$(airlock env AGENT)"               sh, bash, zsh
  airlock env AGENT --shell fish | source   fish

HTTPS_PROXY, the agent's access key id, AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS (Airlock's CA), and SSL_CERT_FILE
and REQUESTS_CA_BUNDLE, which name ca-bundle.pem in the state directory: the public roots plus Airlock's CA, since
those two variables replace the roots a program trusts rather than adding to them.
The secret access key is shown only once, by 'airlock agent add' or 'airlock agent rotate'. --rotate issues the
agent a new key and prints its secret too; the previous key stops working.
${CONFIG_USAGE}`;

/** SHELLS are the syntaxes `--shell` takes: POSIX `export` (also bash and zsh), and fish's `set -gx`. */
const SHELLS = ['sh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** ShellLine is a variable to set, or a comment for the person reading the output. */
type ShellLine = { readonly name: string; readonly value: string } | { readonly comment: string };

/**
 * envCommand runs `airlock env AGENT` and returns the exit code: 0 printed, 1 failed (no such agent, say), 2 usage.
 * stdout holds only lines a shell can evaluate; notes for the operator go to stderr. The secret is printed only
 * with `--rotate`, which issues it.
 */
export async function envCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  return runCommand(
    {
      name: 'env',
      usage: USAGE,
      isUsageError: (error) => error instanceof InvalidArgumentError,
      isFailure: isSystemError,
    },
    argv,
    io,
    (rest) => printEnvironment(rest, io),
  );
}

async function printEnvironment(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONFIG_OPTION, shell: { type: 'string' }, rotate: { type: 'boolean' } },
  });
  const [name, ...extra] = positionals;
  if (name === undefined) throw new CliUsageError('env needs AGENT');
  if (extra.length > 0) throw new CliUsageError('env takes one AGENT');
  const shell = parseShell(values.shell ?? 'sh');
  const config = loadConfig(values.config, io.env);
  const proxyUrl = proxyUrlOf(config);

  const { registry, agent } = findAgent(config.stateDir, name, io.env);
  // The CA and the bundle first: a key rotated and then lost to a failure here would be a key nobody has.
  const authority = await loadOrCreateCertificateAuthority(config.stateDir);
  const caFile = join(config.stateDir, CA_CERTIFICATE_FILE);
  const bundleFile = await writeTrustBundle(config.stateDir, authority.certificatePem);
  const issued = values.rotate === true ? await registry.rotate(name) : undefined;

  const lines: ShellLine[] = [
    { comment: `Airlock: agent ${name} calls AWS through ${proxyUrl}` },
    { name: 'HTTPS_PROXY', value: proxyUrl },
    { name: 'AWS_ACCESS_KEY_ID', value: issued?.accessKeyId ?? agent.accessKeyId },
    issued === undefined
      ? {
          comment:
            'AWS_SECRET_ACCESS_KEY was shown once, by airlock agent add or airlock agent rotate; ' +
            `airlock env ${name} --rotate issues a new key and prints it`,
        }
      : { name: 'AWS_SECRET_ACCESS_KEY', value: issued.secret },
    { name: 'AWS_CA_BUNDLE', value: caFile },
    { name: 'NODE_EXTRA_CA_CERTS', value: caFile },
    { name: 'SSL_CERT_FILE', value: bundleFile },
    { name: 'REQUESTS_CA_BUNDLE', value: bundleFile },
  ];
  for (const line of lines) printLine(io.stdout, formatLine(line, shell));

  if (issued !== undefined) {
    printLine(io.stderr, `Issued agent ${name} a new access key; the previous one no longer works.`);
  }
  warnings(config, agent, io.env).forEach((warning) => printLine(io.stderr, `warning: ${warning}`));
  return 0;
}

function parseShell(text: string): Shell {
  const shell = SHELLS.find((candidate) => candidate === text);
  if (shell === undefined) throw new CliUsageError(`--shell takes ${SHELLS.join(' or ')}, not ${text}`);
  return shell;
}

function proxyUrlOf(config: AirlockConfig): string {
  if (config.listen.port === 0) {
    throw new ConfigError(
      `listen has port 0, which picks a free port at every start, so HTTPS_PROXY cannot name it; give listen a fixed port in ${config.file ?? 'airlock.yaml'}`,
      'listen',
    );
  }
  return clientUrl(config.listen);
}

/**
 * findAgent opens the registry and finds the agent. Without agents.json there is no agent to find, and opening the
 * registry would create the state directory and a secrets key: a mistyped name must not leave those behind.
 */
function findAgent(stateDir: string, name: string, env: Environment): { registry: AgentRegistry; agent: AgentListing } {
  const unknown = () => new AgentNotFoundError(`there is no agent named ${name}; list them with airlock agent list`);
  if (!existsSync(join(stateDir, AGENTS_FILE))) throw unknown();
  const registry = AgentRegistry.open(stateDir, { env });
  const agent = registry.list().find((candidate) => candidate.id === name);
  if (agent === undefined) throw unknown();
  return { registry, agent };
}

/** formatLine writes one line in `shell`'s syntax; values are single-quoted, so nothing in them is expanded. */
function formatLine(line: ShellLine, shell: Shell): string {
  if ('comment' in line) return `# ${line.comment}`;
  return shell === 'fish'
    ? `set -gx ${line.name} ${quoteForFish(line.value)}`
    : `export ${line.name}=${quoteForSh(line.value)}`;
}

/** warnings are what would keep the printed lines from working, for the operator to fix. */
function warnings(config: AirlockConfig, agent: AgentListing, env: Environment): string[] {
  const found: string[] = [];
  if (agent.disabled) {
    found.push(`agent ${agent.id} is disabled: Airlock refuses its key until airlock agent enable ${agent.id}`);
  }
  if (listensOnEveryInterface(config.listen)) {
    found.push(
      `listen is ${config.listen.host} (every interface): HTTPS_PROXY names loopback; an agent on another machine needs this host's name`,
    );
  }
  // A NO_PROXY that covers AWS makes SDKs go straight to AWS with keys AWS has never heard of.
  for (const variable of ['NO_PROXY', 'no_proxy']) {
    const entries = (env[variable] ?? '').split(',').map((entry) => entry.trim());
    if (entries.some((entry) => entry === '*' || entry.includes('amazonaws.com'))) {
      found.push(`${variable} covers AWS hosts here; where the agent runs it must not, or its calls bypass Airlock`);
    }
  }
  return found;
}

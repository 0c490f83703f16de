import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { APPROVAL_STATES } from '../store/approval-record.js';
import { ApprovalApiClient, isHeaderSafeToken } from './approval-api-client.js';
import { formatApprovalDetail, formatApprovalTable, formatVoteOutcome } from './approval-format.js';
import { ApiResponseError, ApiTokenError, CliUsageError } from './cli-errors.js';
import {
  CONFIG_OPTION,
  type CommandIo,
  oneLine,
  printable,
  printLine,
  processIo,
  runVerbCommand,
  type Verb,
} from './command-io.js';

/** API_TOKEN_ENV carries the approver's bearer token. Never a flag: flags show in `ps` and in shell history. */
export const API_TOKEN_ENV = 'AIRLOCK_TOKEN';

const USAGE = `usage:
  airlock approvals list [--state STATE] [--agent ID] [--limit N] [--before ID] [--json]
                                     approvals, newest first (STATE: ${APPROVAL_STATES.join(', ')})
  airlock approvals show ID [--json] the decoded call, who asked, why, the votes and the time left
  airlock approvals approve ID [--comment TEXT] [--grant-minutes N]
                                     vote to approve; with --grant-minutes, also let the agent repeat this
                                     action on this resource for N minutes
  airlock approvals deny ID [--comment TEXT]
                                     vote to deny: one deny refuses the call

every command talks to the approval API at --api URL (default: http://<api.host>:<api.port> from the
configuration; --config PATH) with the token in $${API_TOKEN_ENV}, which 'airlock approver add' issues`;

const CONNECTION_OPTIONS = {
  ...CONFIG_OPTION,
  api: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const MAX_LIST_LIMIT = 1000;

/**
 * approvalsCommand runs `airlock approvals …` against the approval REST API and returns the exit code: 0 done,
 * 1 failed (the API refused, or could not be reached), 2 usage. The token is read from `AIRLOCK_TOKEN` only.
 */
export async function approvalsCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const verbs = new Map<string, Verb>([
    ['list', (rest) => list(rest, io)],
    ['show', (rest) => show(rest, io)],
    ['approve', (rest) => approve(rest, io)],
    ['deny', (rest) => deny(rest, io)],
  ]);
  return runVerbCommand(
    {
      name: 'approvals',
      usage: USAGE,
      verbs,
      isUsageError: (error) => error instanceof InvalidArgumentError,
      // The API's messages can carry the agent's text; escaped, it cannot steer the terminal.
      failureText: (error) => printable(oneLine(messageFor(error))),
    },
    argv,
    io,
  );
}

async function list(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      state: { type: 'string' },
      agent: { type: 'string' },
      limit: { type: 'string' },
      before: { type: 'string' },
    },
  });
  if (positionals.length > 0)
    throw new CliUsageError('approvals list takes no arguments; filter with --state or --agent');
  if (values.state !== undefined && !APPROVAL_STATES.some((state) => state === values.state)) {
    throw new CliUsageError(`--state must be one of ${APPROVAL_STATES.join(', ')}`);
  }
  const limit = values.limit === undefined ? undefined : parseCount('--limit', values.limit, MAX_LIST_LIMIT);
  const page = await connect(values, io).list({
    ...(values.state === undefined ? {} : { state: values.state }),
    ...(values.agent === undefined ? {} : { agent: values.agent }),
    ...(limit === undefined ? {} : { limit }),
    ...(values.before === undefined ? {} : { before: values.before }),
  });
  if (values.json) {
    printJson(io, page);
    return 0;
  }
  if (page.approvals.length === 0) {
    printLine(io.stdout, values.before === undefined ? 'No approvals.' : 'No more approvals.');
    return 0;
  }
  printLine(io.stdout, formatApprovalTable(page.approvals));
  if (typeof page.next_before === 'string') {
    printLine(io.stdout, `\nMore: add --before ${page.next_before} for the next page.`);
  }
  return 0;
}

async function show(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONNECTION_OPTIONS });
  const approval = await connect(values, io).get(onlyId(positionals, 'show'));
  if (values.json) printJson(io, approval);
  else printLine(io.stdout, formatApprovalDetail(approval));
  return 0;
}

async function approve(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, comment: { type: 'string' }, 'grant-minutes': { type: 'string' } },
  });
  const id = onlyId(positionals, 'approve');
  const grantText = values['grant-minutes'];
  const grantMinutes = grantText === undefined ? undefined : parseCount('--grant-minutes', grantText);
  const answer = await connect(values, io).approve(id, {
    ...(values.comment === undefined ? {} : { comment: values.comment }),
    ...(grantMinutes === undefined ? {} : { grantMinutes }),
  });
  if (values.json) printJson(io, answer);
  else printLine(io.stdout, formatVoteOutcome(answer));
  return 0;
}

async function deny(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, comment: { type: 'string' } },
  });
  const answer = await connect(values, io).deny(onlyId(positionals, 'deny'), values.comment);
  if (values.json) printJson(io, answer);
  else printLine(io.stdout, formatVoteOutcome(answer));
  return 0;
}

/** connect builds the API client: the token from the environment, the address from --api or the configuration. */
function connect(values: { config?: string | undefined; api?: string | undefined }, io: CommandIo): ApprovalApiClient {
  const token = io.env[API_TOKEN_ENV];
  if (token === undefined || token.trim() === '') {
    throw new ApiTokenError(
      `set ${API_TOKEN_ENV} to your approver API token (airlock approver add issues one); it is never taken as a flag`,
    );
  }
  if (!isHeaderSafeToken(token.trim())) {
    throw new ApiTokenError(`${API_TOKEN_ENV} must hold one token, without spaces or control characters`);
  }
  const baseUrl = values.api ?? defaultApiUrl(loadConfig(values.config, io.env));
  const client = new ApprovalApiClient({ baseUrl, token: token.trim() });
  const warning = plainHttpWarning(client.baseUrl);
  if (warning !== undefined) printLine(io.stderr, warning);
  return client;
}

/** plainHttpWarning warns when the token would cross a network unencrypted: http:// to a host other than this one. */
export function plainHttpWarning(baseUrl: string): string | undefined {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return undefined;
  return `warning: ${url.origin} is plain http; your token crosses the network unencrypted`;
}

/** defaultApiUrl is where this host reaches the API the configuration describes; a wildcard listen is reached locally. */
export function defaultApiUrl(config: Pick<AirlockConfig, 'api'>): string {
  const { host, port } = config.api;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function messageFor(error: Error): string {
  if (error instanceof ApiResponseError && error.status === 401) {
    return `${error.message}; check that ${API_TOKEN_ENV} holds a current token`;
  }
  return error.message;
}

function onlyId(positionals: string[], verb: string): string {
  const [id, ...extra] = positionals;
  if (id === undefined || id === '') throw new CliUsageError(`approvals ${verb} needs an approval ID`);
  if (extra.length > 0) throw new CliUsageError(`approvals ${verb} takes one approval ID`);
  return id;
}

function parseCount(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new CliUsageError(
      `${flag} must be a whole number from 1${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`,
    );
  }
  return count;
}

// JSON.stringify escapes C0 controls but leaves C1 controls and bidirectional overrides raw; escaped, the text is
// the same JSON and cannot steer a terminal it is printed on.
function printJson(io: CommandIo, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  printLine(io.stdout, text);
}

import { parseArgs } from 'node:util';
import { issueApproverToken } from '../approvers/approver-tokens.js';
import { AuditLog, loadAuditKeys } from '../audit/index.js';
import { loadConfig } from '../config/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { ApproverTokenNotFoundError, CliUsageError } from './cli-errors.js';
import {
  CONFIG_OPTION,
  CONFIG_USAGE,
  type CommandIo,
  type Environment,
  printLine,
  processIo,
  runVerbCommand,
  type Verb,
} from './command-io.js';

const USAGE = `usage:
  airlock approver add EMAIL [--groups G1,G2] [--expires-in 90d]
                                  issue an API token for an approver and print it, once
  airlock approver revoke TOKEN_ID
                                  stop a token from working

--groups are the approver's groups (the policy names which groups may approve a call); --expires-in takes
minutes, hours, days or weeks (30m, 12h, 90d, 2w); without it the token works until revoked.
${CONFIG_USAGE}`;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;
const GROUP = /^[^\s,\u0000-\u001f\u007f]+$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const MAX_EXPIRY_MS = 5 * 365 * 86_400_000;

/** ApproverCommandOptions are what tests replace: the clock that dates a token. */
export interface ApproverCommandOptions {
  readonly now?: () => Date;
}

/**
 * approverCommand runs `airlock approver …` and returns the exit code: 0 done, 1 failed, 2 usage. `add` prints the
 * token once, on stdout; the store keeps only its hash. Issuing and revoking are written to the audit log.
 */
export async function approverCommand(
  argv: string[],
  io: CommandIo = processIo(),
  options: ApproverCommandOptions = {},
): Promise<number> {
  const now = options.now ?? (() => new Date());
  const verbs = new Map<string, Verb>([
    ['add', (rest) => add(rest, io, now)],
    ['revoke', (rest) => revoke(rest, io)],
  ]);
  return runVerbCommand({ name: 'approver', usage: USAGE, verbs }, argv, io);
}

async function add(argv: string[], io: CommandIo, now: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONFIG_OPTION, groups: { type: 'string', multiple: true }, 'expires-in': { type: 'string' } },
  });
  const email = onlyArgument(positionals, 'add', 'EMAIL');
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new CliUsageError(`approver add needs the approver's email address, not ${JSON.stringify(email)}`);
  }
  const groups = parseGroups(values.groups ?? []);
  const issuedAt = now();
  const expiresIn = values['expires-in'];
  const expiresAt = expiresIn === undefined ? undefined : new Date(issuedAt.getTime() + parseExpiresIn(expiresIn));

  const issued = await withAuditedStore(loadConfig(values.config, io.env).stateDir, io.env, async (store, log) => {
    const token = await issueApproverToken(
      store,
      { approverId: email, groups, ...(expiresAt === undefined ? {} : { expiresAt }) },
      issuedAt,
    );
    try {
      await log.append('approver-token.issued', {
        tokenId: token.id,
        approverId: email,
        groups,
        ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
      });
    } catch (error) {
      // A token nobody can trace to its issue must not stay usable.
      await store.revokeApproverToken(token.id);
      throw error;
    }
    return token;
  });

  if (groups.length === 0) {
    printLine(
      io.stderr,
      'warning: no --groups: this approver can vote only on calls whose policy does not name approver groups',
    );
  }
  const expiry = expiresAt === undefined ? 'never expires' : `expires ${expiresAt.toISOString()}`;
  printLine(
    io.stdout,
    `Issued an API token to approver ${email} (groups: ${groups.join(', ') || 'none'}; ${expiry}).
The token is shown only this once: Airlock keeps only its hash and cannot show it again.
Keep it in a password manager; whoever holds it can vote as ${email}.

  Token id:  ${issued.id}   (to revoke it: airlock approver revoke ${issued.id})
  Token:     ${issued.token}

export AIRLOCK_TOKEN=${issued.token}`,
  );
  return 0;
}

async function revoke(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CONFIG_OPTION });
  const id = onlyArgument(positionals, 'revoke', 'TOKEN_ID');
  await withAuditedStore(loadConfig(values.config, io.env).stateDir, io.env, async (store, log) => {
    if (!(await store.revokeApproverToken(id))) {
      throw new ApproverTokenNotFoundError(`no approver token ${id}: it was never issued, or is already revoked`);
    }
    await log.append('approver-token.revoked', { tokenId: id });
  });
  printLine(io.stdout, `Revoked approver token ${id}; it no longer authenticates anyone.`);
  return 0;
}

/**
 * withAuditedStore opens the store and its audit log, runs `work`, and closes both. The log is opened before
 * anything is written, so a log that cannot take records stops the command before a token changes.
 */
async function withAuditedStore<T>(
  stateDir: string,
  env: Environment,
  work: (store: Store, log: AuditLog) => Promise<T>,
): Promise<T> {
  const store = openSqliteStore({ stateDir });
  let log: AuditLog | undefined;
  try {
    const keys = loadAuditKeys(stateDir, { env, mayCreate: (await store.lastAuditRecord()) === undefined });
    log = await AuditLog.open(store, keys);
    return await work(store, log);
  } finally {
    try {
      await log?.close();
    } finally {
      await store.close();
    }
  }
}

function onlyArgument(positionals: string[], verb: string, name: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined || value === '') throw new CliUsageError(`approver ${verb} needs ${name}`);
  if (extra.length > 0) throw new CliUsageError(`approver ${verb} takes one ${name}`);
  return value;
}

function parseGroups(values: readonly string[]): string[] {
  const groups = values.flatMap((value) => value.split(',')).map((group) => group.trim());
  for (const group of groups) {
    if (!GROUP.test(group)) {
      throw new CliUsageError('--groups takes group names separated by commas, such as --groups sre,security');
    }
  }
  return [...new Set(groups)];
}

function parseExpiresIn(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text);
  const milliseconds = match === null ? Number.NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(milliseconds > 0 && milliseconds <= MAX_EXPIRY_MS)) {
    throw new CliUsageError('--expires-in takes a number and m, h, d or w (30m, 12h, 90d, 2w), up to 5 years');
  }
  return milliseconds;
}

import { parseArgs } from 'node:util';
import { type AirlockConfig, loadConfig } from '../config/index.js';
import { CliUsageError } from './cli-errors.js';
import {
  CONFIG_OPTION,
  CONFIG_USAGE,
  type CommandIo,
  formatColumns,
  printable,
  printLine,
  processIo,
  runCommand,
} from './command-io.js';
import {
  type AgentsStatus,
  type ApprovalsStatus,
  checkAgents,
  checkApprovals,
  checkPolicy,
  checkServer,
  checkUpstream,
  type PolicyStatus,
  type ServerStatus,
  type UpstreamStatus,
} from './status-checks.js';

const USAGE = `usage: airlock status [--json]

reports whether the policy directory compiles (and its version), whether a server answers on the API address,
how many agents are registered, how many approvals are pending and since when, and whether each configured
upstream accepts a connection. Exits 0 when everything reported is healthy, 1 otherwise. It creates nothing.
${CONFIG_USAGE}`;

/** StatusReport is what `airlock status --json` prints. */
export interface StatusReport {
  /** Every part below is ok. */
  readonly healthy: boolean;
  readonly policy: PolicyStatus;
  readonly server: ServerStatus;
  readonly agents: AgentsStatus;
  readonly approvals: ApprovalsStatus;
  /** Empty when none is configured: calls then go to AWS itself, which is not probed. */
  readonly upstreams: readonly UpstreamStatus[];
}

/** StatusCommandOptions are what tests replace: the clock that ages pending approvals. */
export interface StatusCommandOptions {
  readonly now?: () => Date;
}

/** statusCommand runs `airlock status` and returns the exit code: 0 healthy, 1 not (or failed), 2 usage. */
export async function statusCommand(
  argv: string[],
  io: CommandIo = processIo(),
  options: StatusCommandOptions = {},
): Promise<number> {
  const now = options.now ?? (() => new Date());
  return runCommand({ name: 'status', usage: USAGE }, argv, io, async (rest) => {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...CONFIG_OPTION, json: { type: 'boolean' } },
    });
    if (positionals.length > 0) throw new CliUsageError('status takes no arguments');
    const report = await buildReport(loadConfig(values.config, io.env), io);
    printLine(io.stdout, values.json === true ? JSON.stringify(report, null, 2) : formatReport(report, now()));
    return report.healthy ? 0 : 1;
  });
}

async function buildReport(config: AirlockConfig, io: CommandIo): Promise<StatusReport> {
  // The network first, all at once: compiling the policy holds the event loop, and a probe's timer that came due
  // meanwhile would fire before the answer that came in time.
  const [server, upstreams] = await Promise.all([
    checkServer(config.api),
    Promise.all(config.upstreams.map(checkUpstream)),
  ]);
  const agents = checkAgents(config.stateDir, io.env);
  const approvals = await checkApprovals(config.stateDir);
  const policy = await checkPolicy(config.policy.dir);
  const healthy = [policy, server, agents, approvals, ...upstreams].every((part) => part.ok);
  return { healthy, policy, server, agents, approvals, upstreams };
}

/** StatusLine is one line of the table: a check, whether it is ok, what it found, and its name in the verdict. */
interface StatusLine {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly name: string;
}

/** formatReport lays the report out a check a line, then the policy's diagnostics, then the verdict. */
function formatReport(report: StatusReport, now: Date): string {
  const lines = statusLines(report, now);
  const table = formatColumns([
    ['CHECK', 'STATE', 'DETAIL'],
    ...lines.map((line) => [line.check, line.ok ? 'ok' : 'FAIL', printable(line.detail)]),
  ]);
  const diagnostics = (report.policy.diagnostics ?? []).map((diagnostic) => `  ${printable(diagnostic)}`);
  const failed = lines.filter((line) => !line.ok).map((line) => line.name);
  const verdict = failed.length === 0 ? 'healthy' : `not healthy: ${failed.join(', ')}`;
  const explained = diagnostics.length === 0 ? [] : ['', 'policy diagnostics:', ...diagnostics];
  return [table, ...explained, '', verdict].join('\n');
}

function statusLines(report: StatusReport, now: Date): StatusLine[] {
  const { policy, server, agents, approvals, upstreams } = report;
  const line = (check: string, ok: boolean, detail: string, name = check): StatusLine => ({ check, ok, detail, name });
  const version = policy.version === undefined ? '' : ` (version ${policy.version})`;
  return [
    line(
      'policy',
      policy.ok,
      policy.ok
        ? `${policy.dir} compiles: version ${policy.version ?? '?'}`
        : `${policy.dir} does not compile${version}`,
    ),
    line('server', server.ok, server.ok ? `${server.url} answers /v1/health` : `${server.url}: ${server.error ?? ''}`),
    line('agents', agents.ok, agents.ok ? describeAgents(agents.count ?? 0) : (agents.error ?? '')),
    line('approvals', approvals.ok, approvals.ok ? describePending(approvals, now) : (approvals.error ?? '')),
    ...(upstreams.length === 0
      ? [line('upstream', true, 'none configured: calls go to AWS itself (not probed)')]
      : upstreams.map((upstream) => {
          const state = upstream.ok ? 'accepts connections' : `unreachable: ${upstream.error ?? ''}`;
          const detail = `${upstream.url} ${state} (${upstream.hosts.join(', ')})`;
          return line('upstream', upstream.ok, detail, `upstream ${upstream.url}`);
        })),
  ];
}

function describeAgents(count: number): string {
  return count === 0 ? 'none registered: add one with airlock agent add NAME --owner EMAIL' : `${count} registered`;
}

function describePending(approvals: ApprovalsStatus, now: Date): string {
  const pending = approvals.pending ?? 0;
  if (pending === 0 || approvals.oldestCreatedAt === undefined) return 'none pending';
  const waited = Math.max(0, Math.floor((now.getTime() - Date.parse(approvals.oldestCreatedAt)) / 1000));
  return `${pending} pending; the oldest has waited ${formatAge(waited)}`;
}

/** formatAge writes a number of seconds as its two largest units: `45s`, `4m 12s`, `3h 5m`, `2d 3h`. */
export function formatAge(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let left = seconds;
  for (const [unit, size] of units) {
    const count = Math.floor(left / size);
    left -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

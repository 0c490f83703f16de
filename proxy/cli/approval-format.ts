// A type import of the pure module that defines the API's JSON: no server code is loaded.
import type { ApprovalView, GrantView, VoteOutcomeView, VoteView } from '../api/views.js';
import { formatColumns, printable } from './command-io.js';

/**
 * How the CLI shows approvals to people. Everything that came from the API passes through `printable`: a held call's
 * parameters are the agent's words, and must not be able to steer the approver's terminal.
 */

const MAX_RESOURCE_COLUMN = 60;
// Parameters nest no deeper than this in the display; deeper values are shown as JSON on one line.
const MAX_PARAMETER_DEPTH = 12;

/** formatApprovalTable renders a listing: one approval a line under a header. */
export function formatApprovalTable(approvals: readonly ApprovalView[]): string {
  const header = ['ID', 'STATE', 'AGENT', 'ACTION', 'RESOURCE', 'VOTES', 'LEFT', 'CREATED'];
  const rows = approvals.map((approval) => [
    approval.id,
    approval.state,
    approval.agent.id,
    actionOf(approval.call),
    shorten(resourceOf(approval.call) ?? '-', MAX_RESOURCE_COLUMN),
    voteSummary(approval),
    approval.state === 'pending' ? formatSeconds(approval.seconds_left) : '-',
    formatTime(approval.created_at),
  ]);
  return formatColumns([header, ...rows].map((row) => row.map(printable)));
}

/** formatApprovalDetail renders one approval: the decoded call, who asked, why, what it needs, the votes, time left. */
export function formatApprovalDetail(approval: ApprovalView): string {
  const { call, requirement } = approval;
  const fields: Array<[string, string]> = [
    ['Approval', `${approval.id} (${approval.state})`],
    ['Call', describeCall(call)],
  ];
  const resource = resourceOf(call);
  if (resource !== undefined) fields.push(['Resource', resource]);
  const where = whereOf(call);
  if (where !== '') fields.push(['Where', where]);
  fields.push(
    ['Agent', `${approval.agent.id}, owned by ${approval.agent.owner}`],
    ['Reason', approval.reason],
    ['Needs', describeRequirement(requirement)],
    ['Votes', voteSummary(approval)],
    ['Time left', describeTime(approval)],
    ['Link', approval.link],
  );
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  const lines = fields.map(([label, value]) => `${label.padEnd(width)}${printable(value)}`);
  const voteLines = approval.votes.map((vote) => `${' '.repeat(width)}${formatVote(vote)}`);
  const votesAt = fields.findIndex(([label]) => label === 'Votes');
  lines.splice(votesAt + 1, 0, ...voteLines);
  const params = call.params;
  lines.push('', 'Parameters');
  if (isObject(params) && Object.keys(params).length > 0) lines.push(...valueLines(params, 2, 0));
  else lines.push('  (none)');
  return lines.join('\n');
}

/** formatVoteOutcome says what a vote did, in a sentence or two. */
export function formatVoteOutcome(answer: VoteOutcomeView): string {
  const id = printable(answer.approval.id);
  const lines: string[] = [];
  switch (answer.outcome) {
    case 'approved':
      lines.push(`Approval ${id} is approved: the agent's call may go ahead, once.`);
      break;
    case 'denied':
      lines.push(`Approval ${id} is denied: the agent's call will be refused.`);
      break;
    case 'expired':
      lines.push(`Approval ${id} has expired: the agent's call will be refused.`);
      break;
    case 'pending':
      lines.push(
        `Your vote on ${id} is recorded; ${answer.still_needed} more ${
          answer.still_needed === 1 ? 'approval is' : 'approvals are'
        } needed (${formatSeconds(answer.approval.seconds_left)} left).`,
      );
      break;
  }
  if (answer.grant !== undefined) lines.push(formatGrant(answer.grant));
  return lines.join('\n');
}

function formatGrant(grant: GrantView): string {
  return printable(
    `Grant ${grant.id}: agent ${grant.agent} may call ${grant.action} on ${grant.resource} until ${formatTime(
      grant.expires_at,
    )} without asking again.`,
  );
}

function actionOf(call: Readonly<Record<string, unknown>>): string {
  if (typeof call.iam_action === 'string' && call.iam_action !== '') return call.iam_action;
  if (typeof call.service === 'string' && typeof call.action === 'string' && call.action !== '') {
    return `${call.service}:${call.action}`;
  }
  return '(not decoded)';
}

function resourceOf(call: Readonly<Record<string, unknown>>): string | undefined {
  return typeof call.resource === 'string' && call.resource !== '' ? call.resource : undefined;
}

function describeCall(call: Readonly<Record<string, unknown>>): string {
  const action = actionOf(call);
  if (call.decoded === false) {
    const error = isObject(call.error) && typeof call.error.message === 'string' ? `: ${call.error.message}` : '';
    return `${action}, which Airlock could not decode${error}`;
  }
  const operation =
    typeof call.service === 'string' && typeof call.action === 'string' ? ` (${call.service} ${call.action})` : '';
  const readOnly = call.read_only === true ? ', read-only' : '';
  return `${action}${operation}${readOnly}`;
}

function whereOf(call: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof call.account === 'string') {
    parts.push(`account ${call.account}${typeof call.environment === 'string' ? ` (${call.environment})` : ''}`);
  } else if (typeof call.environment === 'string') {
    parts.push(`environment ${call.environment}`);
  }
  if (typeof call.region === 'string' && call.region !== '') parts.push(`region ${call.region}`);
  return parts.join(', ');
}

function describeRequirement(requirement: ApprovalView['requirement']): string {
  const who = requirement.min_approvers === 1 ? '1 approver' : `${requirement.min_approvers} approvers`;
  const from =
    requirement.groups.length === 0
      ? 'from any group'
      : requirement.groups.length === 1
        ? `from ${requirement.groups[0]}`
        : `from ${requirement.groups.slice(0, -1).join(', ')} or ${requirement.groups.at(-1)}`;
  return `${who} ${from}, within ${formatSeconds(requirement.timeout_seconds)} of the request`;
}

function voteSummary(approval: ApprovalView): string {
  const approvals = approval.votes.filter((vote) => vote.decision === 'approve').length;
  const denials = approval.votes.length - approvals;
  const summary = `${approvals}/${approval.requirement.min_approvers}`;
  return denials === 0 ? summary : `${summary}, ${denials} denied`;
}

function formatVote(vote: VoteView): string {
  const groups = vote.groups.length === 0 ? '' : ` (${vote.groups.join(', ')})`;
  const comment = vote.comment === undefined || vote.comment === '' ? '' : `: ${JSON.stringify(vote.comment)}`;
  const decision = vote.decision === 'approve' ? 'approved' : 'denied  ';
  return printable(`${decision} by ${vote.approver}${groups} at ${formatTime(vote.at)}${comment}`);
}

function describeTime(approval: ApprovalView): string {
  if (approval.state === 'pending') {
    return `${formatSeconds(approval.seconds_left)} (expires ${formatTime(approval.expires_at)})`;
  }
  const resolved = approval.resolved_at === undefined ? '' : ` at ${formatTime(approval.resolved_at)}`;
  const used = approval.used_at === undefined ? '' : `; the call went through at ${formatTime(approval.used_at)}`;
  return `none: ${approval.state}${resolved}${used}`;
}

/** formatSeconds gives a duration the way people read it: `45s`, `14m 05s`, `2h 03m`, `3d 4h`. */
export function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.floor(total));
  const two = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${two(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${two(Math.floor((seconds % 3600) / 60))}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

/** formatTime shortens an ISO time to the second, keeping the `Z` so nobody mistakes it for local time. */
function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]}Z`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * valueLines renders a parameter value as indented `key: value` lines, YAML-like. A string holding a JSON object
 * or array (an IAM policy document) is unfolded too, marked `(JSON)`, since that is what an approver must read.
 */
function valueLines(value: unknown, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent);
  if (depth >= MAX_PARAMETER_DEPTH) return [`${pad}${printable(JSON.stringify(value) ?? String(value))}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      const [first = '', ...rest] = valueLines(item, indent + 2, depth + 1);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) => {
      const label = `${pad}${printable(key)}:`;
      const nested = nestedOf(item);
      if (nested === undefined) return [`${label} ${scalar(item)}`];
      return [`${label}${nested.json ? ' (JSON)' : ''}`, ...valueLines(nested.value, indent + 2, depth + 1)];
    });
  }
  return [`${pad}${scalar(value)}`];
}

/** nestedOf says whether a value is shown on lines of its own, and as what. */
function nestedOf(value: unknown): { value: unknown; json: boolean } | undefined {
  if (isObject(value) ? Object.keys(value).length > 0 : Array.isArray(value) && value.length > 0) {
    return { value, json: false };
  }
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (isObject(parsed) || Array.isArray(parsed)) return { value: parsed, json: true };
    } catch {
      // Not JSON after all: shown as the string it is.
    }
  }
  return undefined;
}

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    // Quoted when the edges would otherwise be invisible.
    return printable(value === '' || value.trim() !== value ? JSON.stringify(value) : value);
  }
  if (Array.isArray(value)) return '[]';
  if (isObject(value)) return '{}';
  return printable(JSON.stringify(value) ?? String(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

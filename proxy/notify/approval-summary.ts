import type { Approval } from '../store/index.js';

/**
 * ApprovalSummary is what every chat message shows of a held call, read from the approval once so that Slack and
 * Teams say the same thing. Every string in it except `id` comes from the agent's request or the policy: the message
 * builders escape it for their markup.
 */
export interface ApprovalSummary {
  readonly id: string;
  readonly agent: string;
  readonly owner: string;
  /** The IAM action (`iam:CreateRole`), or a placeholder for a call Airlock could not decode. */
  readonly action: string;
  readonly resource: string;
  readonly account: string;
  readonly environment: string;
  readonly region: string;
  readonly reason: string;
  /** Who must approve, in words: `2 approvers from sre or security`. */
  readonly approvers: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

const UNKNOWN = '(unknown)';

/** summarizeApproval reads the fields approvers need from an approval and its decoded call. */
export function summarizeApproval(approval: Approval): ApprovalSummary {
  const call = approval.call;
  const service = textField(call, 'service');
  const action = textField(call, 'iam_action') ?? (service === undefined ? undefined : joinAction(service, call));
  const { minApprovers, groups } = approval.requirement;
  const count = minApprovers === 1 ? '1 approver' : `${minApprovers} approvers`;
  return {
    id: approval.id,
    agent: approval.agentId,
    owner: approval.agentOwner,
    action: action ?? '(undecoded call)',
    resource: textField(call, 'resource') ?? '(none)',
    account: textField(call, 'account') ?? UNKNOWN,
    environment: textField(call, 'environment') ?? UNKNOWN,
    region: textField(call, 'region') ?? UNKNOWN,
    reason: approval.reason,
    approvers: groups.length === 0 ? `${count}, any group` : `${count} from ${groups.join(' or ')}`,
    createdAt: new Date(approval.createdAt),
    expiresAt: new Date(approval.expiresAt),
  };
}

/** ResolutionSummary says how an approval ended, for follow-up messages and edited ones. */
export interface ResolutionSummary {
  readonly state: Approval['state'];
  /** A capitalised word: `Approved`, `Denied`, `Expired`, `Cancelled`. */
  readonly title: string;
  /** Who decided, when someone did: the approvers whose approvals counted, or the one who denied. */
  readonly by: readonly string[];
  /** One line: `approved by a, b`, `denied by c`, `expired`. */
  readonly text: string;
}

/**
 * summarizeResolution names who decided an approval. Only votes cast by the time it was resolved count, each human
 * once, so the line agrees with the tally that resolved it.
 */
export function summarizeResolution(approval: Approval): ResolutionSummary {
  const cutoff = approval.resolvedAt ?? approval.expiresAt;
  const counted = approval.votes.filter((vote) => vote.at <= cutoff);
  const decidedBy = (decision: 'approve' | 'deny') => [
    ...new Set(counted.filter((vote) => vote.decision === decision).map((vote) => vote.approverId)),
  ];
  switch (approval.state) {
    case 'approved': {
      const by = decidedBy('approve');
      return { state: 'approved', title: 'Approved', by, text: withBy('approved', by) };
    }
    case 'denied': {
      const by = decidedBy('deny').slice(0, 1);
      return { state: 'denied', title: 'Denied', by, text: withBy('denied', by) };
    }
    case 'expired':
      return { state: 'expired', title: 'Expired', by: [], text: 'expired' };
    case 'cancelled':
      return { state: 'cancelled', title: 'Cancelled', by: [], text: 'cancelled' };
    case 'pending':
      return { state: 'pending', title: 'Pending', by: [], text: 'still pending' };
  }
}

/** clip shortens untrusted text to what a chat field can hold, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function withBy(verb: string, by: readonly string[]): string {
  return by.length === 0 ? verb : `${verb} by ${by.join(', ')}`;
}

function joinAction(service: string, call: Readonly<Record<string, unknown>>): string | undefined {
  const action = textField(call, 'action');
  return action === undefined ? undefined : `${service}:${action}`;
}

function textField(call: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = call[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

import { InvalidArgumentError } from '../core/errors.js';

/**
 * The rules of who may approve a held call and when its approval is decided (issue 4, "Who may approve"):
 *
 * - The agent itself, the agent's owner and any identity bound to the agent can never approve or deny, whatever
 *   groups they are in. There is no admin bypass: nothing here, and no option, lets anyone past these rules.
 * - When the requirement lists groups, an approver must be in at least one of them. The quorum is one count of
 *   distinct humans across all the listed groups, not a count per group: `min_approvers: 2, groups: [sre, security]`
 *   is satisfied by two SREs.
 * - A human counts once, however many of the groups they are in and however often they vote. Their first vote is
 *   their vote: a second one is refused when cast (`admitVote`) and ignored if it reaches a tally anyway, so no one
 *   can turn an approval into a veto or back after the fact.
 * - One deny vetoes at once. Votes are taken in time order: a deny cast before the quorum was reached vetoes, even
 *   if approvals outnumber it; once the quorum is reached the approval is decided and later votes change nothing.
 * - Votes cast at or after the expiry do not count. An approval not decided by then has expired.
 */

/**
 * ApprovalRequirement is what a hold decision asks for: `minApprovers` distinct humans from `groups` (empty: any
 * approver) within `timeoutSeconds`. The same shape as decide's `Approval`, so `decision.approval` fits as it is.
 */
export interface ApprovalRequirement {
  readonly minApprovers: number;
  readonly groups: readonly string[];
  readonly timeoutSeconds: number;
}

/** Approver is an authenticated human who asks to vote. */
export interface Approver {
  /** A stable identity (an OIDC issuer and subject, or an API token's holder), never a token. */
  readonly id: string;
  /** The groups the identity provider or the token's record puts this person in. */
  readonly groups: readonly string[];
  /** Ids of the agents this identity is bound to (runs, or acts as); it may vote on none of their calls. */
  readonly bindsAgents?: readonly string[];
  /** The email the identity provider asserts, if any: the owner check compares it with the agent's owner. */
  readonly email?: string;
}

/** ApprovalTerms are the facts about an approval that decide who may vote on it. */
export interface ApprovalTerms {
  readonly agentId: string;
  /** The agent's owner, an email address. */
  readonly agentOwner: string;
  readonly requirement: ApprovalRequirement;
}

/** IneligibleReason says why an identity may not vote on an approval. */
export type IneligibleReason = 'agent-itself' | 'agent-owner' | 'bound-to-agent' | 'not-in-groups';

/** Eligibility is `checkEligibility`'s answer. `message` can be shown to the refused approver. */
export type Eligibility =
  | { readonly eligible: true }
  | { readonly eligible: false; readonly reason: IneligibleReason; readonly message: string };

/** VoteDecision is what a vote says. */
export type VoteDecision = 'approve' | 'deny';

/** Vote is one approver's recorded vote, with their groups as they were when they voted. */
export interface Vote {
  readonly approverId: string;
  readonly approverGroups: readonly string[];
  readonly decision: VoteDecision;
  readonly at: Date;
}

/** VoteRefusal says why `admitVote` refused a vote. */
export type VoteRefusal = IneligibleReason | 'already-voted';

/** VoteAdmission is `admitVote`'s answer: the vote to record, or why there is none. */
export type VoteAdmission =
  | { readonly admitted: true; readonly vote: Vote }
  | { readonly admitted: false; readonly reason: VoteRefusal; readonly message: string };

/** TallyOutcome is where the votes leave an approval. `cancelled` is never a tally's doing. */
export type TallyOutcome = 'pending' | 'approved' | 'denied' | 'expired';

/** TallyResult is the outcome with who brought it about, for the approval page and the audit log. */
export interface TallyResult {
  readonly outcome: TallyOutcome;
  /** Approvers whose approvals counted, in the order they voted. */
  readonly approvedBy: readonly string[];
  /** The approver whose deny vetoed; set exactly when the outcome is `denied`. */
  readonly deniedBy: string | undefined;
  /** How many more approvals the quorum needs; 0 once approved. */
  readonly stillNeeded: number;
}

/**
 * checkEligibility tells whether an approver may vote (approve or deny) on an approval. The agent itself (by id), its
 * owner (by email or by id) and identities bound to it are refused first, whatever their groups; then, when the
 * requirement lists groups, anyone in none of them. Identities and emails are compared after Unicode compatibility
 * normalisation and lower-casing, so a differently written address of the owner is still the owner: these checks may
 * only err towards refusing. Group names are compared exactly, for the same reason.
 *
 * @throws InvalidArgumentError when the approver has no id, or the terms have no agent or owner or a malformed
 *   requirement: without them the rules cannot be applied
 */
export function checkEligibility(approver: Approver, terms: ApprovalTerms): Eligibility {
  checkNonEmpty('approver.id', approver.id);
  checkNonEmpty('agentId', terms.agentId);
  checkNonEmpty('agentOwner', terms.agentOwner);
  checkRequirement(terms.requirement);

  const agent = fold(terms.agentId);
  const owner = fold(terms.agentOwner);
  const id = fold(approver.id);
  if (id === agent) {
    return refused('agent-itself', 'an agent cannot approve or deny its own calls');
  }
  if (id === owner || (approver.email !== undefined && fold(approver.email) === owner)) {
    return refused('agent-owner', "the agent's owner cannot approve or deny the agent's calls");
  }
  if (approver.bindsAgents?.some((bound) => fold(bound) === agent)) {
    return refused('bound-to-agent', 'an identity bound to the agent cannot approve or deny its calls');
  }
  if (!inRequiredGroups(approver.groups, terms.requirement.groups)) {
    return refused('not-in-groups', `approvers must be in one of these groups: ${terms.requirement.groups.join(', ')}`);
  }
  return { eligible: true };
}

/**
 * admitVote checks that an approver may vote and has not voted yet, and returns the vote to record, stamped with the
 * approver's current groups. Whether the approval is still pending is the state machine's question, not this one's.
 *
 * @throws InvalidArgumentError as `checkEligibility` does, and for a decision that is neither approve nor deny
 */
export function admitVote(
  approver: Approver,
  terms: ApprovalTerms,
  votes: readonly Vote[],
  decision: VoteDecision,
  at: Date,
): VoteAdmission {
  if (decision !== 'approve' && decision !== 'deny') {
    throw new InvalidArgumentError("decision must be 'approve' or 'deny'");
  }
  checkDate('at', at);
  const eligibility = checkEligibility(approver, terms);
  if (!eligibility.eligible) return { admitted: false, reason: eligibility.reason, message: eligibility.message };
  if (votes.some((vote) => vote.approverId === approver.id)) {
    return { admitted: false, reason: 'already-voted', message: 'you have already voted on this approval' };
  }
  return { admitted: true, vote: { approverId: approver.id, approverGroups: [...approver.groups], decision, at } };
}

/**
 * tally decides an approval from its votes as of `now` (see the rules above). Votes are taken in order of `at`,
 * ties in the order given. Each approver's first vote is the only one read; a vote from outside the required groups
 * is ignored (it should never have been admitted); votes at or after `expiresAt` are ignored.
 *
 * The agent and owner rules need facts a vote does not carry, so `admitVote` (or `checkEligibility`) must have
 * admitted every vote; the group rule is applied again here because each vote records its approver's groups.
 *
 * @throws InvalidArgumentError for a malformed requirement, an invalid date, or a vote without an approver or with
 *   an unknown decision
 */
export function tally(
  requirement: ApprovalRequirement,
  votes: readonly Vote[],
  now: Date,
  expiresAt: Date,
): TallyResult {
  checkRequirement(requirement);
  checkDate('now', now);
  checkDate('expiresAt', expiresAt);
  for (const vote of votes) {
    checkNonEmpty('vote.approverId', vote.approverId);
    checkDate('vote.at', vote.at);
    if (vote.decision !== 'approve' && vote.decision !== 'deny') {
      throw new InvalidArgumentError("a vote's decision must be 'approve' or 'deny'");
    }
  }

  const deadline = expiresAt.getTime();
  const inTimeOrder = votes
    .filter((vote) => vote.at.getTime() < deadline)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const voted = new Set<string>();
  const approvedBy: string[] = [];
  for (const vote of inTimeOrder) {
    if (voted.has(vote.approverId)) continue;
    voted.add(vote.approverId);
    if (!inRequiredGroups(vote.approverGroups, requirement.groups)) continue;
    const stillNeeded = requirement.minApprovers - approvedBy.length;
    if (vote.decision === 'deny') return { outcome: 'denied', approvedBy, deniedBy: vote.approverId, stillNeeded };
    approvedBy.push(vote.approverId);
    if (approvedBy.length >= requirement.minApprovers) {
      return { outcome: 'approved', approvedBy, deniedBy: undefined, stillNeeded: 0 };
    }
  }
  const outcome = now.getTime() >= deadline ? 'expired' : 'pending';
  return { outcome, approvedBy, deniedBy: undefined, stillNeeded: requirement.minApprovers - approvedBy.length };
}

/**
 * approvalExpiresAt is when an approval created at `createdAt` expires: `timeoutSeconds` later.
 *
 * @throws InvalidArgumentError for a malformed requirement or an invalid date
 */
export function approvalExpiresAt(createdAt: Date, requirement: ApprovalRequirement): Date {
  checkDate('createdAt', createdAt);
  checkRequirement(requirement);
  return new Date(createdAt.getTime() + requirement.timeoutSeconds * 1000);
}

function inRequiredGroups(groups: readonly string[], required: readonly string[]): boolean {
  return required.length === 0 || groups.some((group) => required.includes(group));
}

function refused(reason: IneligibleReason, message: string): Eligibility {
  return { eligible: false, reason, message };
}

/** fold puts an identity in one comparable form; NFKC also maps look-alike forms (full-width letters) together. */
function fold(identity: string): string {
  return identity.normalize('NFKC').toLowerCase();
}

/** checkRequirement refuses a requirement a buggy caller could use to lower the quorum (a zero `minApprovers`). */
function checkRequirement(requirement: ApprovalRequirement): void {
  const { minApprovers, groups, timeoutSeconds } = requirement;
  if (!Number.isSafeInteger(minApprovers) || minApprovers < 1) {
    throw new InvalidArgumentError('requirement.minApprovers must be an integer of at least 1');
  }
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string' && group !== '')) {
    throw new InvalidArgumentError('requirement.groups must be a list of group names');
  }
  if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw new InvalidArgumentError('requirement.timeoutSeconds must be a positive integer');
  }
}

function checkNonEmpty(field: string, value: string): void {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${field} must not be empty`);
}

function checkDate(field: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(`${field} must be a valid Date`);
  }
}

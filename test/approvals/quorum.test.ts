import fc from 'fast-check';
import t from 'tap';
import {
  admitVote,
  type ApprovalRequirement,
  type ApprovalTerms,
  approvalExpiresAt,
  type Approver,
  checkEligibility,
  type IneligibleReason,
  tally,
  type TallyResult,
  type Vote,
} from '../../proxy/approvals/index.js';
import { InvalidArgumentError } from '../../proxy/core/errors.js';

/*
 * Who may vote, and when the votes decide. Eligibility and tally cases are tables; the order-independence of an
 * approve-only tally is a fast-check property.
 */

const OWNER = 'dana.owner@example.com';
const CREATED = new Date('2026-11-21T03:00:00Z');
const at = (seconds: number) => new Date(CREATED.getTime() + seconds * 1000);

const securityOrSre: ApprovalRequirement = { minApprovers: 2, groups: ['security', 'sre'], timeoutSeconds: 900 };
const anyone: ApprovalRequirement = { minApprovers: 1, groups: [], timeoutSeconds: 900 };
const terms = (requirement: ApprovalRequirement): ApprovalTerms => ({
  agentId: 'deploy-bot',
  agentOwner: OWNER,
  requirement,
});

interface EligibilityRow {
  note: string;
  approver: Approver;
  requirement?: ApprovalRequirement;
  want: IneligibleReason | 'eligible';
}

const eligibilityRows: EligibilityRow[] = [
  { note: 'a member of a required group', approver: { id: 'oidc|alice', groups: ['sre'] }, want: 'eligible' },
  {
    note: 'a member of the other required group',
    approver: { id: 'oidc|bob', groups: ['finance', 'security'] },
    want: 'eligible',
  },
  {
    note: 'the owner, by email, in the required group',
    approver: { id: 'oidc|dana', groups: ['security'], email: OWNER },
    want: 'agent-owner',
  },
  {
    note: 'the owner with the email in another case',
    approver: { id: 'oidc|dana', groups: ['security'], email: 'Dana.Owner@EXAMPLE.com' },
    want: 'agent-owner',
  },
  {
    note: 'the owner with the email in full-width letters',
    approver: { id: 'oidc|dana', groups: ['security'], email: 'Ｄana.owner@example.com' },
    want: 'agent-owner',
  },
  {
    note: 'the owner whose identity id is the email, without an email claim',
    approver: { id: 'DANA.OWNER@example.com', groups: ['sre'] },
    want: 'agent-owner',
  },
  {
    note: 'the owner in an admin group: there is no admin bypass',
    approver: { id: 'oidc|dana', groups: ['admin', 'airlock-admins', 'security'], email: OWNER },
    want: 'agent-owner',
  },
  {
    note: 'the agent itself',
    approver: { id: 'deploy-bot', groups: ['security'] },
    want: 'agent-itself',
  },
  {
    note: 'the agent itself, in capitals',
    approver: { id: 'Deploy-Bot', groups: ['security'] },
    want: 'agent-itself',
  },
  {
    note: 'an identity bound to the agent, in the required group',
    approver: { id: 'ci-runner', groups: ['sre'], bindsAgents: ['build-bot', 'deploy-bot'] },
    want: 'bound-to-agent',
  },
  {
    note: 'an identity bound to the agent, spelt in capitals',
    approver: { id: 'ci-runner', groups: ['sre'], bindsAgents: ['DEPLOY-BOT'] },
    want: 'bound-to-agent',
  },
  {
    note: 'an identity bound only to other agents',
    approver: { id: 'ci-runner', groups: ['sre'], bindsAgents: ['build-bot'] },
    want: 'eligible',
  },
  {
    note: 'an outsider of the required groups',
    approver: { id: 'oidc|erin', groups: ['finance'], email: 'erin@example.com' },
    want: 'not-in-groups',
  },
  { note: 'someone in no group at all', approver: { id: 'oidc|erin', groups: [] }, want: 'not-in-groups' },
  {
    note: 'an admin outside the required groups: there is no admin bypass',
    approver: { id: 'oidc|root', groups: ['admin', 'airlock-admins'] },
    want: 'not-in-groups',
  },
  {
    note: 'a group name in another case is another group',
    approver: { id: 'oidc|frank', groups: ['SRE'] },
    want: 'not-in-groups',
  },
  {
    note: 'no required groups: anyone',
    approver: { id: 'oidc|erin', groups: [] },
    requirement: anyone,
    want: 'eligible',
  },
  {
    note: 'no required groups: still not the owner',
    approver: { id: 'oidc|dana', groups: [], email: OWNER },
    requirement: anyone,
    want: 'agent-owner',
  },
  {
    note: 'no required groups: still not a bound identity',
    approver: { id: 'ci-runner', groups: [], bindsAgents: ['deploy-bot'] },
    requirement: anyone,
    want: 'bound-to-agent',
  },
  {
    note: 'no required groups: still not the agent',
    approver: { id: 'deploy-bot', groups: [] },
    requirement: anyone,
    want: 'agent-itself',
  },
  {
    note: 'someone whose email merely contains the owner’s',
    approver: { id: 'oidc|x', groups: ['sre'], email: `x${OWNER}` },
    want: 'eligible',
  },
];

for (const { note, approver, requirement = securityOrSre, want } of eligibilityRows) {
  t.test(`eligibility: ${note}`, async (t) => {
    const result = checkEligibility(approver, terms(requirement));
    if (want === 'eligible') {
      t.same(result, { eligible: true });
    } else {
      t.equal(result.eligible, false);
      if (!result.eligible) {
        t.equal(result.reason, want);
        t.ok(result.message.length > 0);
      }
    }
  });
}

t.test('eligibility refuses to judge without the facts it needs', async (t) => {
  const alice: Approver = { id: 'oidc|alice', groups: ['sre'] };
  t.throws(() => checkEligibility({ ...alice, id: '' }, terms(securityOrSre)), InvalidArgumentError);
  t.throws(() => checkEligibility(alice, { ...terms(securityOrSre), agentOwner: '' }), InvalidArgumentError);
  t.throws(() => checkEligibility(alice, { ...terms(securityOrSre), agentId: '' }), InvalidArgumentError);
  for (const minApprovers of [0, -1, 1.5, Number.NaN]) {
    t.throws(
      () => checkEligibility(alice, terms({ ...securityOrSre, minApprovers })),
      InvalidArgumentError,
      `minApprovers ${minApprovers}`,
    );
  }
  t.throws(() => checkEligibility(alice, terms({ ...securityOrSre, groups: [''] })), InvalidArgumentError);
  t.throws(() => checkEligibility(alice, terms({ ...securityOrSre, timeoutSeconds: 0 })), InvalidArgumentError);
});

t.test('admitVote records an eligible first vote with the groups of the moment', async (t) => {
  const alice: Approver = { id: 'oidc|alice', groups: ['sre', 'security'], email: 'alice@example.com' };
  const admission = admitVote(alice, terms(securityOrSre), [], 'approve', at(10));
  t.same(admission, {
    admitted: true,
    vote: { approverId: 'oidc|alice', approverGroups: ['sre', 'security'], decision: 'approve', at: at(10) },
  });
  if (admission.admitted) t.not(admission.vote.approverGroups, alice.groups, 'a copy, not the approver’s array');
});

t.test('admitVote refuses a second vote by the same approver, whatever it says', async (t) => {
  const alice: Approver = { id: 'oidc|alice', groups: ['sre'] };
  const first: Vote = { approverId: 'oidc|alice', approverGroups: ['sre'], decision: 'approve', at: at(10) };
  for (const decision of ['approve', 'deny'] as const) {
    const admission = admitVote(alice, terms(securityOrSre), [first], decision, at(20));
    t.match(admission, { admitted: false, reason: 'already-voted' }, decision);
  }
  const bob: Approver = { id: 'oidc|bob', groups: ['security'] };
  t.match(admitVote(bob, terms(securityOrSre), [first], 'deny', at(20)), { admitted: true });
});

t.test('admitVote refuses the ineligible before looking at votes', async (t) => {
  const owner: Approver = { id: 'oidc|dana', groups: ['sre'], email: OWNER };
  t.match(admitVote(owner, terms(securityOrSre), [], 'approve', at(1)), { admitted: false, reason: 'agent-owner' });
  t.match(admitVote(owner, terms(securityOrSre), [], 'deny', at(1)), { admitted: false, reason: 'agent-owner' });
  const outsider: Approver = { id: 'oidc|erin', groups: ['finance'] };
  t.match(admitVote(outsider, terms(securityOrSre), [], 'approve', at(1)), {
    admitted: false,
    reason: 'not-in-groups',
  });
  const alice: Approver = { id: 'oidc|alice', groups: ['sre'] };
  t.throws(() => admitVote(alice, terms(securityOrSre), [], 'abstain' as 'approve', at(1)), InvalidArgumentError);
  t.throws(() => admitVote(alice, terms(securityOrSre), [], 'approve', new Date(Number.NaN)), InvalidArgumentError);
});

/** A vote in a table: approver, their groups, decision, seconds after creation. */
type VoteRow = [string, string[], 'approve' | 'deny', number];

interface TallyRow {
  note: string;
  requirement?: ApprovalRequirement;
  votes: VoteRow[];
  /** Seconds after creation; the approval expires at 900. */
  now?: number;
  want: Partial<TallyResult>;
}

const tallyRows: TallyRow[] = [
  { note: 'no votes yet', votes: [], want: { outcome: 'pending', approvedBy: [], stillNeeded: 2 } },
  {
    note: 'one person approving twice counts once',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['alice', ['sre'], 'approve', 20],
    ],
    want: { outcome: 'pending', approvedBy: ['alice'], stillNeeded: 1 },
  },
  {
    note: 'one person in two of the groups counts once',
    votes: [['alice', ['sre', 'security'], 'approve', 10]],
    want: { outcome: 'pending', approvedBy: ['alice'], stillNeeded: 1 },
  },
  {
    note: 'two people from the groups approve',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['bob', ['security'], 'approve', 20],
    ],
    want: { outcome: 'approved', approvedBy: ['alice', 'bob'], deniedBy: undefined, stillNeeded: 0 },
  },
  {
    note: 'two people from the same group approve: one count across groups, not one per group',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['carol', ['sre'], 'approve', 20],
    ],
    want: { outcome: 'approved', approvedBy: ['alice', 'carol'] },
  },
  {
    note: 'an approval from outside the groups does not count',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['erin', ['finance'], 'approve', 20],
    ],
    want: { outcome: 'pending', approvedBy: ['alice'], stillNeeded: 1 },
  },
  {
    note: 'a deny vetoes at once',
    votes: [['bob', ['security'], 'deny', 10]],
    want: { outcome: 'denied', deniedBy: 'bob', approvedBy: [] },
  },
  {
    note: 'a deny before the quorum vetoes approvals already given',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['bob', ['security'], 'deny', 20],
      ['carol', ['sre'], 'approve', 30],
    ],
    want: { outcome: 'denied', deniedBy: 'bob', approvedBy: ['alice'], stillNeeded: 1 },
  },
  {
    note: 'a deny after the quorum changes nothing: approved is final',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['carol', ['sre'], 'approve', 20],
      ['bob', ['security'], 'deny', 30],
    ],
    want: { outcome: 'approved', approvedBy: ['alice', 'carol'], deniedBy: undefined },
  },
  {
    note: 'votes are taken in time order, not in the order given',
    votes: [
      ['bob', ['security'], 'deny', 30],
      ['carol', ['sre'], 'approve', 20],
      ['alice', ['sre'], 'approve', 10],
    ],
    want: { outcome: 'approved', approvedBy: ['alice', 'carol'] },
  },
  {
    note: 'an approver’s later deny does not replace their approval',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['alice', ['sre'], 'deny', 20],
    ],
    want: { outcome: 'pending', approvedBy: ['alice'], deniedBy: undefined },
  },
  {
    note: 'an approver’s later approval does not lift their deny',
    votes: [
      ['alice', ['sre'], 'deny', 10],
      ['alice', ['sre'], 'approve', 20],
      ['bob', ['security'], 'approve', 30],
    ],
    want: { outcome: 'denied', deniedBy: 'alice' },
  },
  {
    note: 'a deny from outside the groups does not veto',
    votes: [
      ['erin', ['finance'], 'deny', 10],
      ['alice', ['sre'], 'approve', 20],
    ],
    want: { outcome: 'pending', approvedBy: ['alice'] },
  },
  {
    note: 'no required groups: any admitted vote counts',
    requirement: { minApprovers: 2, groups: [], timeoutSeconds: 900 },
    votes: [
      ['erin', [], 'approve', 10],
      ['frank', ['finance'], 'approve', 20],
    ],
    want: { outcome: 'approved', approvedBy: ['erin', 'frank'] },
  },
  {
    note: 'one approver is enough when one is required',
    requirement: anyone,
    votes: [['erin', [], 'approve', 10]],
    want: { outcome: 'approved', approvedBy: ['erin'], stillNeeded: 0 },
  },
  {
    note: 'undecided at the expiry: expired',
    votes: [['alice', ['sre'], 'approve', 10]],
    now: 900,
    want: { outcome: 'expired', approvedBy: ['alice'], stillNeeded: 1 },
  },
  {
    note: 'undecided a millisecond before the expiry: pending',
    votes: [['alice', ['sre'], 'approve', 10]],
    now: 899.999,
    want: { outcome: 'pending' },
  },
  {
    note: 'a vote at the expiry comes too late',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['bob', ['security'], 'approve', 900],
    ],
    now: 901,
    want: { outcome: 'expired', approvedBy: ['alice'] },
  },
  {
    note: 'a deny at the expiry comes too late too',
    votes: [['bob', ['security'], 'deny', 900]],
    now: 901,
    want: { outcome: 'expired', deniedBy: undefined },
  },
  {
    note: 'approved before the expiry stays approved when tallied after it',
    votes: [
      ['alice', ['sre'], 'approve', 10],
      ['bob', ['security'], 'approve', 899],
    ],
    now: 5000,
    want: { outcome: 'approved' },
  },
  {
    note: 'denied before the expiry stays denied when tallied after it',
    votes: [['bob', ['security'], 'deny', 10]],
    now: 5000,
    want: { outcome: 'denied', deniedBy: 'bob' },
  },
];

const votesOf = (rows: VoteRow[]): Vote[] =>
  rows.map(([approverId, approverGroups, decision, seconds]) => ({
    approverId,
    approverGroups,
    decision,
    at: at(seconds),
  }));

for (const { note, requirement = securityOrSre, votes, now = 100, want } of tallyRows) {
  t.test(`tally: ${note}`, async (t) => {
    const expiresAt = approvalExpiresAt(CREATED, requirement);
    t.match(tally(requirement, votesOf(votes), at(now), expiresAt), want);
  });
}

t.test('approvalExpiresAt is timeoutSeconds after creation', async (t) => {
  t.same(approvalExpiresAt(CREATED, securityOrSre), at(900));
  t.same(approvalExpiresAt(CREATED, { ...anyone, timeoutSeconds: 1 }), at(1));
  t.throws(() => approvalExpiresAt(new Date(Number.NaN), anyone), InvalidArgumentError);
});

t.test('tally refuses a requirement or votes it cannot count', async (t) => {
  const expiresAt = at(900);
  for (const minApprovers of [0, -2, 2.5]) {
    t.throws(() => tally({ ...securityOrSre, minApprovers }, [], at(1), expiresAt), InvalidArgumentError);
  }
  const vote: Vote = { approverId: 'alice', approverGroups: ['sre'], decision: 'approve', at: at(1) };
  t.throws(() => tally(securityOrSre, [{ ...vote, approverId: '' }], at(1), expiresAt), InvalidArgumentError);
  t.throws(() => tally(securityOrSre, [{ ...vote, at: new Date(Number.NaN) }], at(1), expiresAt), InvalidArgumentError);
  t.throws(
    () => tally(securityOrSre, [{ ...vote, decision: 'yes' as 'approve' }], at(1), expiresAt),
    InvalidArgumentError,
  );
  t.throws(() => tally(securityOrSre, [vote], new Date(Number.NaN), expiresAt), InvalidArgumentError);
  t.throws(() => tally(securityOrSre, [vote], at(1), new Date(Number.NaN)), InvalidArgumentError);
});

/** Each approver's groups are fixed for the property, as they are for one person at one moment. */
const people: ReadonlyArray<{ id: string; groups: string[] }> = [
  { id: 'alice', groups: ['sre'] },
  { id: 'bob', groups: ['security'] },
  { id: 'carol', groups: ['sre', 'security'] },
  { id: 'dave', groups: ['dba'] },
  { id: 'erin', groups: [] },
];
const requirementArbitrary = fc.record({
  minApprovers: fc.integer({ min: 1, max: 4 }),
  groups: fc.subarray(['sre', 'security', 'dba']),
  timeoutSeconds: fc.constant(900),
});

t.test('an approve-only tally does not depend on the order of the votes (property)', async () => {
  const approvals = fc.array(
    fc.record({ person: fc.constantFrom(...people), seconds: fc.integer({ min: 0, max: 1000 }) }),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(
      requirementArbitrary,
      approvals.chain((votes) =>
        fc.tuple(fc.constant(votes), fc.shuffledSubarray(votes, { minLength: votes.length, maxLength: votes.length })),
      ),
      fc.integer({ min: 0, max: 1200 }),
      (requirement, [votes, shuffled], now) => {
        const asVotes = (list: typeof votes): Vote[] =>
          list.map(({ person, seconds }) => ({
            approverId: person.id,
            approverGroups: person.groups,
            decision: 'approve',
            at: at(seconds),
          }));
        const expiresAt = at(900);
        const given = tally(requirement, asVotes(votes), at(now), expiresAt);
        const reordered = tally(requirement, asVotes(shuffled), at(now), expiresAt);
        // Re-timed: the same votes, all in time, cast in the reverse order.
        const inTime = votes.filter(({ seconds }) => seconds < 900);
        const reversed = inTime.map((vote, index) => ({ ...vote, seconds: inTime.length - index }));
        const retimed = tally(requirement, asVotes(reversed), at(now), expiresAt);

        const distinctEligible = new Set(
          inTime
            .filter(
              ({ person }) =>
                requirement.groups.length === 0 || person.groups.some((g) => requirement.groups.includes(g)),
            )
            .map(({ person }) => person.id),
        ).size;
        const expected = distinctEligible >= requirement.minApprovers ? 'approved' : now >= 900 ? 'expired' : 'pending';
        return (
          given.outcome === expected &&
          reordered.outcome === expected &&
          retimed.outcome === expected &&
          given.stillNeeded === reordered.stillNeeded &&
          new Set(given.approvedBy).size === given.approvedBy.length
        );
      },
    ),
  );
});

t.test('whatever the votes, an approval has min distinct eligible approvers before any deny (property)', async () => {
  const anyVotes = fc.array(
    fc.record({
      person: fc.constantFrom(...people),
      decision: fc.constantFrom('approve' as const, 'deny' as const),
      seconds: fc.integer({ min: 0, max: 1000 }),
    }),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(requirementArbitrary, anyVotes, (requirement, votes) => {
      const result = tally(
        requirement,
        votes.map(({ person, decision, seconds }) => ({
          approverId: person.id,
          approverGroups: person.groups,
          decision,
          at: at(seconds),
        })),
        at(100),
        at(900),
      );
      const eligible = (id: string) => {
        const groups = people.find((person) => person.id === id)!.groups;
        return requirement.groups.length === 0 || groups.some((g) => requirement.groups.includes(g));
      };
      const distinct = new Set(result.approvedBy).size === result.approvedBy.length;
      const allEligible = result.approvedBy.every(eligible);
      if (result.outcome === 'approved') {
        return distinct && allEligible && result.approvedBy.length === requirement.minApprovers;
      }
      if (result.outcome === 'denied') {
        return distinct && eligible(result.deniedBy!) && result.approvedBy.length < requirement.minApprovers;
      }
      return distinct && result.deniedBy === undefined && result.approvedBy.length < requirement.minApprovers;
    }),
  );
});

import t from 'tap';
import { type Decision, readDecision } from '../../proxy/decide/index.js';

/*
 * readDecision against every shape a policy can produce. Rows give the policy's decision value (wrapped into
 * opa-wasm's result set unless `resultSet` is given) and what Airlock must make of it.
 */

const VERSION = 'abc123def456';

interface Row {
  note: string;
  output?: unknown;
  /** The whole result set, for rows about its shape. */
  resultSet?: unknown;
  want: Partial<Decision>;
  /** Fragment the reason must contain. */
  reason?: string;
}

const valid: Row[] = [
  {
    note: 'an allow with a reason',
    output: { effect: 'allow', reason: 'a read-only call' },
    want: { effect: 'allow', reason: 'a read-only call', releaseCredentials: false },
  },
  {
    note: 'an allow that releases credentials',
    output: { effect: 'allow', reason: 'break-glass role', release_credentials: true },
    want: { effect: 'allow', releaseCredentials: true },
  },
  {
    note: 'an allow with release_credentials false',
    output: { effect: 'allow', reason: 'r', release_credentials: false },
    want: { effect: 'allow', releaseCredentials: false },
  },
  {
    note: 'an allow without a reason gets a generic one',
    output: { effect: 'allow' },
    want: { effect: 'allow', reason: 'allowed by the policy (it gave no reason)' },
  },
  {
    note: 'an allow with an empty reason gets a generic one',
    output: { effect: 'allow', reason: '' },
    want: { effect: 'allow', reason: 'allowed by the policy (it gave no reason)' },
  },
  {
    note: 'an allow ignores unknown fields',
    output: { effect: 'allow', reason: 'r', labels: ['x'], audit_note: 7 },
    want: { effect: 'allow', reason: 'r' },
  },
  {
    note: 'an allow ignores an approval, even a malformed one',
    output: { effect: 'allow', reason: 'r', approval: { min_approvers: 0 } },
    want: { effect: 'allow', reason: 'r' },
  },
  {
    note: 'a deny with a reason',
    output: { effect: 'deny', reason: 'sts:AssumeRole returns credentials' },
    want: { effect: 'deny', reason: 'sts:AssumeRole returns credentials', releaseCredentials: false },
  },
  {
    note: 'a deny without a reason gets a generic one',
    output: { effect: 'deny' },
    want: { effect: 'deny', reason: 'denied by the policy (it gave no reason)' },
  },
  {
    note: 'a deny with a reason that is not a string gets a generic one',
    output: { effect: 'deny', reason: ['a', 'b'] },
    want: { effect: 'deny', reason: 'denied by the policy (it gave no reason)' },
  },
  {
    note: 'a deny stays a deny whatever else it holds',
    output: { effect: 'deny', reason: 'no', release_credentials: true, approval: 'x' },
    want: { effect: 'deny', reason: 'no', releaseCredentials: false },
  },
  {
    note: 'a hold with a full approval',
    output: {
      effect: 'hold',
      reason: 'iam:CreateRole changes who may do what',
      approval: { min_approvers: 2, groups: ['security'], timeout_seconds: 3600 },
    },
    want: {
      effect: 'hold',
      reason: 'iam:CreateRole changes who may do what',
      approval: { minApprovers: 2, groups: ['security'], timeoutSeconds: 3600 },
      releaseCredentials: false,
    },
  },
  {
    note: 'a hold with an empty approval object takes the defaults',
    output: { effect: 'hold', reason: 'r', approval: {} },
    want: { effect: 'hold', approval: { minApprovers: 1, groups: [], timeoutSeconds: 900 } },
  },
  {
    note: 'a hold with some approval fields takes defaults for the rest',
    output: { effect: 'hold', reason: 'r', approval: { groups: ['sre', 'dba'] } },
    want: { effect: 'hold', approval: { minApprovers: 1, groups: ['sre', 'dba'], timeoutSeconds: 900 } },
  },
  {
    note: 'a hold without a reason gets a generic one',
    output: { effect: 'hold', approval: { min_approvers: 1 } },
    want: { effect: 'hold', reason: 'held for approval by the policy (it gave no reason)' },
  },
  {
    note: 'a hold may release credentials once approved',
    output: { effect: 'hold', reason: 'r', approval: {}, release_credentials: true },
    want: { effect: 'hold', releaseCredentials: true },
  },
];

const malformed: Row[] = [
  { note: 'a result set that is undefined', resultSet: undefined, want: {}, reason: 'the result set is undefined' },
  { note: 'a result set that is null', resultSet: null, want: {}, reason: 'the result set is null' },
  { note: 'a result set that is an object', resultSet: { result: {} }, want: {}, reason: 'not an array' },
  {
    note: 'several results',
    resultSet: [{ result: { effect: 'allow' } }, { result: { effect: 'deny' } }],
    want: {},
    reason: '2 results where one was expected',
  },
  { note: 'an entry without a result', resultSet: [{}], want: {}, reason: 'the decision is undefined' },
  { note: 'an entry that is not an object', resultSet: ['allow'], want: {}, reason: 'the decision is undefined' },
  { note: 'a decision that is a string', output: 'allow', want: {}, reason: 'the decision is a string' },
  { note: 'a decision that is true', output: true, want: {}, reason: 'the decision is a boolean' },
  { note: 'a decision that is an array', output: ['allow'], want: {}, reason: 'the decision is an array' },
  { note: 'a decision that is null', output: null, want: {}, reason: 'the decision is null' },
  { note: 'no effect', output: { reason: 'r' }, want: {}, reason: 'effect undefined is not' },
  { note: 'an unknown effect', output: { effect: 'permit' }, want: {}, reason: 'effect "permit" is not' },
  { note: 'an effect in capitals', output: { effect: 'ALLOW' }, want: {}, reason: 'effect "ALLOW" is not' },
  { note: 'an effect that is a boolean', output: { effect: true }, want: {}, reason: 'effect true is not' },
  {
    note: 'a very long effect is shortened in the reason',
    output: { effect: 'x'.repeat(500) },
    want: {},
    reason: `effect "${'x'.repeat(56)}...`,
  },
  {
    note: 'an allow whose reason is a number',
    output: { effect: 'allow', reason: 42 },
    want: {},
    reason: 'reason is a number',
  },
  {
    note: 'an allow whose release_credentials is a string',
    output: { effect: 'allow', reason: 'r', release_credentials: 'true' },
    want: {},
    reason: 'release_credentials is a string, not a boolean',
  },
  {
    note: 'a hold whose reason is an object',
    output: { effect: 'hold', reason: {}, approval: {} },
    want: {},
    reason: 'reason is an object',
  },
  { note: 'a hold without approval', output: { effect: 'hold', reason: 'r' }, want: {}, reason: 'no approval object' },
  {
    note: 'a hold whose approval is null',
    output: { effect: 'hold', approval: null },
    want: {},
    reason: 'approval is null',
  },
  {
    note: 'a hold whose approval is a list',
    output: { effect: 'hold', approval: [] },
    want: {},
    reason: 'approval is an array',
  },
  {
    note: 'a hold whose approval is a string',
    output: { effect: 'hold', approval: 'sre' },
    want: {},
    reason: 'approval is a string',
  },
  {
    note: 'a hold with zero approvers',
    output: { effect: 'hold', approval: { min_approvers: 0 } },
    want: {},
    reason: 'approval.min_approvers is 0, not an integer of at least 1',
  },
  {
    note: 'a hold with negative approvers',
    output: { effect: 'hold', approval: { min_approvers: -1 } },
    want: {},
    reason: 'min_approvers is -1',
  },
  {
    note: 'a hold with 1.5 approvers',
    output: { effect: 'hold', approval: { min_approvers: 1.5 } },
    want: {},
    reason: 'min_approvers is 1.5',
  },
  {
    note: 'a hold with approvers as text',
    output: { effect: 'hold', approval: { min_approvers: '2' } },
    want: {},
    reason: 'min_approvers is "2"',
  },
  {
    note: 'a hold whose groups is a string',
    output: { effect: 'hold', approval: { groups: 'sre' } },
    want: {},
    reason: 'approval.groups is "sre", not a list of group names',
  },
  {
    note: 'a hold whose groups hold a number',
    output: { effect: 'hold', approval: { groups: ['sre', 1] } },
    want: {},
    reason: 'approval.groups is',
  },
  {
    note: 'a hold whose groups hold an empty name',
    output: { effect: 'hold', approval: { groups: [''] } },
    want: {},
    reason: 'approval.groups is',
  },
  {
    note: 'a hold with a zero timeout',
    output: { effect: 'hold', approval: { timeout_seconds: 0 } },
    want: {},
    reason: 'approval.timeout_seconds is 0, not a positive integer',
  },
  {
    note: 'a hold with a negative timeout',
    output: { effect: 'hold', approval: { timeout_seconds: -60 } },
    want: {},
    reason: 'timeout_seconds is -60',
  },
  {
    note: 'a hold with a fractional timeout',
    output: { effect: 'hold', approval: { timeout_seconds: 0.5 } },
    want: {},
    reason: 'timeout_seconds is 0.5',
  },
  {
    note: 'a hold with a timeout as text',
    output: { effect: 'hold', approval: { timeout_seconds: '900' } },
    want: {},
    reason: 'timeout_seconds is "900"',
  },
  {
    note: 'a hold with a misspelt approval field',
    output: { effect: 'hold', approval: { min_aprovers: 3 } },
    want: {},
    reason: 'approval has an unknown field "min_aprovers"',
  },
];

function resultSetOf(row: Row): unknown {
  return 'resultSet' in row ? row.resultSet : [{ result: row.output }];
}

t.test('readDecision accepts well-formed decisions', async (t) => {
  for (const row of valid) {
    const decision = readDecision(resultSetOf(row), VERSION);
    t.match(decision, row.want, row.note);
    t.equal(decision.policyVersion, VERSION, `${row.note}: carries the policy version`);
    t.equal(decision.failClosed, undefined, `${row.note}: the policy decided`);
    t.equal('approval' in decision, decision.effect === 'hold', `${row.note}: approval exactly on a hold`);
  }
});

t.test('readDecision denies every malformed output and says why', async (t) => {
  for (const row of malformed) {
    const decision = readDecision(resultSetOf(row), VERSION);
    t.strictSame(
      { ...decision, reason: '' },
      { effect: 'deny', reason: '', policyVersion: VERSION, releaseCredentials: false, failClosed: 'malformed' },
      `${row.note}: a fail-closed deny`,
    );
    t.match(decision.reason, /^denied because the policy output was malformed: /, `${row.note}: says it was malformed`);
    t.ok(decision.reason.includes(row.reason ?? ''), `${row.note}: reason "${decision.reason}" says "${row.reason}"`);
  }
});

t.test('readDecision denies an undefined decision', async (t) => {
  t.strictSame(readDecision([], VERSION), {
    effect: 'deny',
    reason: 'denied because the policy gave no decision for this call',
    policyVersion: VERSION,
    releaseCredentials: false,
    failClosed: 'undefined',
  });
});

t.test('readDecision copies the groups it returns', async (t) => {
  const groups = ['sre'];
  const decision = readDecision([{ result: { effect: 'hold', approval: { groups } } }], VERSION);
  groups.push('everyone');
  t.same(decision.approval?.groups, ['sre']);
});

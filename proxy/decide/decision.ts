/**
 * What the policy decided about one call, read strictly out of `data.airlock.decision`. The policy fails closed:
 * anything that is not a well-formed decision becomes a deny whose reason says what was wrong.
 */

/** Effect is what Airlock does with a call: forward it, refuse it, or park it until humans approve. */
export type Effect = 'allow' | 'deny' | 'hold';

/** Approval is who must approve a held call, and for how long the call may wait. */
export interface Approval {
  /** Distinct humans needed; at least 1. */
  minApprovers: number;
  /** Approvers must belong to one of these groups; empty means any approver (never the agent or its owner). */
  groups: string[];
  /** How long the approval may stay pending before it expires. */
  timeoutSeconds: number;
}

/**
 * FailClosedCause says why Airlock denied a call that its policy did not clearly decide: the decision was undefined,
 * the output was malformed, or evaluation raised an error. Audit and metrics count these apart from policy denies.
 */
export type FailClosedCause = 'undefined' | 'malformed' | 'evaluation-error';

/** Decision is the decide stage's answer for one call. */
export interface Decision {
  effect: Effect;
  /** Why, in words an agent's author and an approver can read. Never empty. */
  reason: string;
  /** Present exactly when `effect` is `hold`. */
  approval?: Approval;
  /** The version of the policy that decided (`PolicyEngine.version`), for the audit log. */
  policyVersion: string;
  /**
   * True only when the policy said `release_credentials: true`: the response of a credential-vending call
   * (sts:AssumeRole, iam:CreateAccessKey, ...) may reach the agent. Otherwise forward refuses or scrubs it.
   */
  releaseCredentials: boolean;
  /** Set when Airlock denied because the policy gave no usable answer; absent for every decision the policy made. */
  failClosed?: FailClosedCause;
}

/** APPROVAL_DEFAULTS fill the fields a hold's `approval` object leaves out. */
export const APPROVAL_DEFAULTS: Readonly<Approval> = Object.freeze({
  minApprovers: 1,
  groups: [],
  timeoutSeconds: 900,
});

const MISSING_REASON: Readonly<Record<Effect, string>> = {
  allow: 'allowed by the policy (it gave no reason)',
  deny: 'denied by the policy (it gave no reason)',
  hold: 'held for approval by the policy (it gave no reason)',
};

const APPROVAL_KEYS = new Set(['min_approvers', 'groups', 'timeout_seconds']);

/**
 * readDecision reads the result set of evaluating `airlock/decision` (what opa-wasm's `evaluate` returns: an array
 * of `{ result }`). The rules, each chosen so that a mistake in a policy can only make Airlock stricter:
 *
 * - No result (the decision is undefined) → deny, cause `undefined`.
 * - Not an array, several results, a result that is not an object, an `effect` other than `allow`, `deny`, `hold`
 *   → deny, cause `malformed`, the reason saying what was wrong.
 * - `deny` is honoured whatever else the object holds; a reason that is not a non-empty string becomes a generic one.
 * - `reason` of allow and hold: missing or empty gets a generic one; anything but a string is malformed.
 * - `hold` must carry an `approval` object. Inside it `min_approvers` (integer ≥ 1, default 1), `groups` (list of
 *   non-empty strings, default []) and `timeout_seconds` (integer > 0, default 900); any other key is malformed,
 *   because a misspelt `min_aprovers` would otherwise quietly lower the quorum. `approval` on allow is ignored.
 * - `release_credentials` must be a boolean when present; absent means false.
 * - Other top-level keys are ignored: a misspelt one can only drop a field, and each field's absence is safe.
 */
export function readDecision(resultSet: unknown, policyVersion: string): Decision {
  if (!Array.isArray(resultSet)) {
    return malformed(`the result set is ${describe(resultSet)}, not an array`, policyVersion);
  }
  if (resultSet.length === 0) {
    return failClosed('undefined', 'denied because the policy gave no decision for this call', policyVersion);
  }
  if (resultSet.length > 1) {
    return malformed(`${resultSet.length} results where one was expected`, policyVersion);
  }
  const entry: unknown = resultSet[0];
  const output = isRecord(entry) ? entry.result : undefined;
  if (!isRecord(output)) return malformed(`the decision is ${describe(output)}, not an object`, policyVersion);

  const effect = output.effect;
  if (effect !== 'allow' && effect !== 'deny' && effect !== 'hold') {
    return malformed(`effect ${show(effect)} is not "allow", "deny" or "hold"`, policyVersion);
  }
  const reason = output.reason;
  if (effect === 'deny') {
    const text = typeof reason === 'string' && reason !== '' ? reason : MISSING_REASON.deny;
    return { effect, reason: text, policyVersion, releaseCredentials: false };
  }
  if (reason !== undefined && typeof reason !== 'string') {
    return malformed(`reason is ${describe(reason)}, not a string`, policyVersion);
  }
  const reasonText = reason === undefined || reason === '' ? MISSING_REASON[effect] : reason;

  const release = output.release_credentials;
  if (release !== undefined && typeof release !== 'boolean') {
    return malformed(`release_credentials is ${describe(release)}, not a boolean`, policyVersion);
  }
  const releaseCredentials = release === true;
  if (effect === 'allow') return { effect, reason: reasonText, policyVersion, releaseCredentials };

  const approval = readApproval(output.approval);
  if (typeof approval === 'string') return malformed(approval, policyVersion);
  return { effect, reason: reasonText, approval, policyVersion, releaseCredentials };
}

/** evaluationFailed is the deny for a policy whose evaluation raised `errorClass` (an OPA-style error code). */
export function evaluationFailed(errorClass: string, policyVersion: string): Decision {
  return failClosed('evaluation-error', `denied because the policy failed to evaluate (${errorClass})`, policyVersion);
}

/** readApproval returns the approval of a hold, or a sentence saying why it is malformed. */
function readApproval(raw: unknown): Approval | string {
  if (raw === undefined) return 'a hold has no approval object saying who approves';
  if (!isRecord(raw)) return `approval is ${describe(raw)}, not an object`;
  for (const key of Object.keys(raw)) {
    if (!APPROVAL_KEYS.has(key)) return `approval has an unknown field ${show(key)}`;
  }
  const { min_approvers: minApprovers, groups, timeout_seconds: timeoutSeconds } = raw;
  if (minApprovers !== undefined && !(Number.isSafeInteger(minApprovers) && (minApprovers as number) >= 1)) {
    return `approval.min_approvers is ${show(minApprovers)}, not an integer of at least 1`;
  }
  if (groups !== undefined && !isGroupList(groups)) {
    return `approval.groups is ${show(groups)}, not a list of group names`;
  }
  if (timeoutSeconds !== undefined && !(Number.isSafeInteger(timeoutSeconds) && (timeoutSeconds as number) > 0)) {
    return `approval.timeout_seconds is ${show(timeoutSeconds)}, not a positive integer`;
  }
  return {
    minApprovers: (minApprovers as number | undefined) ?? APPROVAL_DEFAULTS.minApprovers,
    groups: groups === undefined ? [] : [...groups],
    timeoutSeconds: (timeoutSeconds as number | undefined) ?? APPROVAL_DEFAULTS.timeoutSeconds,
  };
}

function malformed(why: string, policyVersion: string): Decision {
  return failClosed('malformed', `denied because the policy output was malformed: ${why}`, policyVersion);
}

function failClosed(cause: FailClosedCause, reason: string, policyVersion: string): Decision {
  return { effect: 'deny', reason, policyVersion, releaseCredentials: false, failClosed: cause };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGroupList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((g) => typeof g === 'string' && g !== '');
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** show quotes a value the policy produced, short enough for a reason an agent will print. */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

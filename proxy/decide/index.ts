/**
 * decide: the policy's answer for one call. `policy.wasm` (Rego compiled by Airlock's compiler) is evaluated with
 * `@open-policy-agent/opa-wasm` on DESIGN.md's input; anything but a well-formed decision is a deny. This file is
 * the stage's only door; everything else in proxy/decide is internal.
 */
export {
  type Approval,
  APPROVAL_DEFAULTS,
  type Decision,
  type Effect,
  type FailClosedCause,
  readDecision,
} from './decision.js';
export { PolicyRejectedError } from './errors.js';
export type { EvaluationErrorClass } from './evaluation-error.js';
export { DECISION_ENTRYPOINT } from './load-policy.js';
export { createPolicyEngine, type PolicyEngine, type PolicyEngineOptions, type PolicyEvent } from './policy-engine.js';
export {
  buildPolicyInput,
  type PolicyAgent,
  type PolicyHttp,
  type PolicyInput,
  type PolicyInputParts,
  type PolicyTime,
  type Weekday,
} from './policy-input.js';

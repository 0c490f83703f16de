/**
 * approvals: the rules of human approval, as pure functions: the fingerprint that binds an approval to the exact
 * call, who may vote and when the votes decide, the approval state machine, and signed links for chat messages.
 * No storage and no HTTP: the store records approvals and votes, the API and the hold stage apply these rules.
 * This file is the folder's only door.
 */
export type {
  ApprovalService,
  ApprovalServiceEvent,
  GrantRequest,
  HeldCall,
  OpenedApproval,
  VoteRequest,
  VoteResult,
  WaitOptions,
} from './approval-service.js';
export { ApprovalServiceClosedError } from './approval-service-errors.js';
export {
  type ApprovalLinkClaims,
  type LinkRefusal,
  type LinkVerification,
  MIN_LINK_KEY_BYTES,
  signApprovalLink,
  verifyApprovalLink,
} from './approval-link.js';
export { type ApprovalEvent, type ApprovalState, EVENT_FOR_OUTCOME, isTerminal, nextState } from './approval-state.js';
export {
  admitVote,
  type ApprovalRequirement,
  type ApprovalTerms,
  approvalExpiresAt,
  type Approver,
  checkEligibility,
  type Eligibility,
  type IneligibleReason,
  tally,
  type TallyOutcome,
  type TallyResult,
  type Vote,
  type VoteAdmission,
  type VoteDecision,
  type VoteRefusal,
} from './quorum.js';
export {
  type BodySha256,
  type BodySource,
  bodySha256Of,
  type FingerprintInput,
  fingerprintRequest,
} from './request-fingerprint.js';
export {
  type ApprovalServiceOptions,
  createApprovalService,
  MAX_GRANT_MINUTES,
  MIN_GRANT_MINUTES,
} from './stored-approval-service.js';

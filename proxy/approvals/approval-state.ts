import { ApprovalStateError } from '../core/errors.js';
import type { TallyOutcome } from './quorum.js';

/**
 * ApprovalState is where an approval stands. Only `pending` changes, and only once:
 *
 * ```
 * pending ──approve──▶ approved
 *    ├──────deny─────▶ denied
 *    ├─────expire────▶ expired
 *    └─────cancel────▶ cancelled
 * ```
 *
 * That an approved call is forwarded once is recorded beside the state (the store's `usedAt`), not as a state of its
 * own: "approved" stays the truth about what the humans decided.
 */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

/** ApprovalEvent is what can happen to a pending approval. */
export type ApprovalEvent = 'approve' | 'deny' | 'expire' | 'cancel';

const STATE_AFTER: Readonly<Record<ApprovalEvent, ApprovalState>> = {
  approve: 'approved',
  deny: 'denied',
  expire: 'expired',
  cancel: 'cancelled',
};

/** EVENT_FOR_OUTCOME is the event that records a tally's decision; a `pending` tally records nothing. */
export const EVENT_FOR_OUTCOME: Readonly<Record<Exclude<TallyOutcome, 'pending'>, ApprovalEvent>> = Object.freeze({
  approved: 'approve',
  denied: 'deny',
  expired: 'expire',
});

/** isTerminal tells whether a state can never change again: every state but `pending`. */
export function isTerminal(state: ApprovalState): boolean {
  return state !== 'pending';
}

/**
 * nextState is the state a pending approval moves to on `event`.
 *
 * @throws ApprovalStateError (`AIRLOCK_ERR_APPROVAL_STATE`) from any state but `pending`, carrying that state: a
 *   terminal state never changes, and an unknown one is refused rather than guessed at
 */
export function nextState(current: ApprovalState, event: ApprovalEvent): ApprovalState {
  const after = STATE_AFTER[event];
  if (current !== 'pending' || after === undefined) {
    throw new ApprovalStateError(`an approval that is ${current} cannot ${event}`, current);
  }
  return after;
}

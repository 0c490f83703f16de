import t from 'tap';
import {
  type ApprovalEvent,
  type ApprovalState,
  EVENT_FOR_OUTCOME,
  isTerminal,
  nextState,
} from '../../proxy/approvals/index.js';
import { ApprovalStateError } from '../../proxy/core/errors.js';

/* The approval state machine: pending moves once; terminal states never change. */

const EVENTS: readonly ApprovalEvent[] = ['approve', 'deny', 'expire', 'cancel'];
const TERMINAL: readonly ApprovalState[] = ['approved', 'denied', 'expired', 'cancelled'];

t.test('pending moves to the state each event names', async (t) => {
  t.equal(nextState('pending', 'approve'), 'approved');
  t.equal(nextState('pending', 'deny'), 'denied');
  t.equal(nextState('pending', 'expire'), 'expired');
  t.equal(nextState('pending', 'cancel'), 'cancelled');
});

t.test('only pending is not terminal', async (t) => {
  t.equal(isTerminal('pending'), false);
  for (const state of TERMINAL) t.equal(isTerminal(state), true, state);
});

for (const state of TERMINAL) {
  t.test(`${state} refuses every event`, async (t) => {
    for (const event of EVENTS) {
      t.throws(() => nextState(state, event), ApprovalStateError, event);
      try {
        nextState(state, event);
      } catch (error) {
        t.equal((error as ApprovalStateError).code, 'AIRLOCK_ERR_APPROVAL_STATE');
        t.equal((error as ApprovalStateError).state, state);
      }
    }
  });
}

t.test('an unknown state or event is refused, not guessed at', async (t) => {
  t.throws(() => nextState('used' as ApprovalState, 'approve'), ApprovalStateError);
  t.throws(() => nextState('pending', 'reopen' as ApprovalEvent), ApprovalStateError);
});

t.test('each decided tally outcome has the event that records it', async (t) => {
  t.same(EVENT_FOR_OUTCOME, { approved: 'approve', denied: 'deny', expired: 'expire' });
  for (const [outcome, event] of Object.entries(EVENT_FOR_OUTCOME)) t.equal(nextState('pending', event), outcome);
  t.ok(Object.isFrozen(EVENT_FOR_OUTCOME));
});

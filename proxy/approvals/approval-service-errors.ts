import { AirlockError } from '../core/errors.js';

/** ApprovalServiceClosedError: the approval service was closed; it opens no approvals and takes no votes. */
export class ApprovalServiceClosedError extends AirlockError {
  override readonly name: string = 'ApprovalServiceClosedError';
  override readonly code: string = 'AIRLOCK_ERR_APPROVAL_SERVICE_CLOSED';
}

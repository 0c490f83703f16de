import { createHash, randomBytes } from 'node:crypto';
import type { HeldCall } from '../../proxy/approvals/index.js';
import { createRoleCall } from './decoded-call.js';

/**
 * heldCall is a call the policy held: deploy-bot's iam:CreateRole in prod, owned by alice, needing two SREs. Each
 * call has a fingerprint of its own, so each opens its own approval.
 */
export function heldCall(overrides: Partial<HeldCall> = {}): HeldCall {
  return {
    fingerprint: createHash('sha256').update(randomBytes(16)).digest('hex'),
    agent: { id: 'deploy-bot', owner: 'alice@example.com' },
    call: { ...createRoleCall() },
    reason: 'creating IAM roles in prod needs two SREs',
    requirement: { minApprovers: 2, groups: ['sre'], timeoutSeconds: 900 },
    policyVersion: 'test',
    ...overrides,
  };
}

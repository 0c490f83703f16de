import type { DecodedCall } from '../../proxy/decode/index.js';

/** ROLE_ARN is the role `createRoleCall` creates. */
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/app';

/**
 * createRoleCall is the call most tests hold: iam:CreateRole of role `app` in the prod account, as decode and
 * identify leave it. Each call gives a new object, so a test that changes its copy changes no other test's. Where a
 * record is wanted (an approval's `call`), spread it: an interface has no index signature.
 */
export function createRoleCall(overrides: Partial<DecodedCall> = {}): DecodedCall {
  return {
    cloud: 'aws',
    service: 'iam',
    action: 'CreateRole',
    iam_action: 'iam:CreateRole',
    region: 'us-east-1',
    account: '123456789012',
    environment: 'prod',
    resource: ROLE_ARN,
    read_only: false,
    params: { RoleName: 'app' },
    decoded: true,
    protocol: 'query',
    ...overrides,
  };
}

import t from 'tap';
import { compileRego, loadCompiledPolicy } from '../../proxy/policy/compiler/index.js';
import { loadPolicySources } from '../../proxy/policy/sources.js';

/*
 * The default policy in rego/ against a table of representative calls: what a platform team can expect out of
 * the box. Each row is one call; `environment` defaults to dev and `read_only` to false.
 */

interface Row {
  note: string;
  action: string;
  environment?: string;
  read_only?: boolean;
  decoded?: boolean;
  effect: 'allow' | 'deny' | 'hold';
  reason?: string;
  min_approvers?: number;
  groups?: string[];
}

const rows: Row[] = [
  { note: 'reads an S3 object in prod', action: 's3:GetObject', environment: 'prod', read_only: true, effect: 'allow' },
  { note: 'lists buckets', action: 's3:ListBuckets', read_only: true, effect: 'allow' },
  {
    note: 'describes instances',
    action: 'ec2:DescribeInstances',
    environment: 'prod',
    read_only: true,
    effect: 'allow',
  },
  { note: 'asks who it is', action: 'sts:GetCallerIdentity', environment: 'prod', read_only: true, effect: 'allow' },
  { note: 'reads a role', action: 'iam:GetRole', environment: 'prod', read_only: true, effect: 'allow' },
  { note: 'scans a DynamoDB table', action: 'dynamodb:Scan', environment: 'prod', read_only: true, effect: 'allow' },
  { note: 'puts an object in dev', action: 's3:PutObject', effect: 'allow' },
  { note: 'runs instances in staging', action: 'ec2:RunInstances', environment: 'staging', effect: 'allow' },
  { note: 'deletes a table in dev', action: 'dynamodb:DeleteTable', effect: 'allow' },
  { note: 'invokes a function in sandbox', action: 'lambda:InvokeFunction', environment: 'sandbox', effect: 'allow' },
  {
    note: 'puts an object in prod',
    action: 's3:PutObject',
    environment: 'prod',
    effect: 'hold',
    min_approvers: 1,
    groups: ['sre'],
  },
  { note: 'writes where the environment is unknown', action: 'ec2:RunInstances', environment: '', effect: 'hold' },
  {
    note: 'deletes a bucket in prod',
    action: 's3:DeleteBucket',
    environment: 'prod',
    effect: 'hold',
    min_approvers: 2,
    groups: ['sre'],
    reason: 'deletes in production',
  },
  {
    note: 'terminates instances in prod',
    action: 'ec2:TerminateInstances',
    environment: 'prod',
    effect: 'hold',
    min_approvers: 2,
  },
  {
    note: 'deletes a DB instance in prod',
    action: 'rds:DeleteDBInstance',
    environment: 'prod',
    effect: 'hold',
    min_approvers: 2,
  },
  {
    note: 'creates a role',
    action: 'iam:CreateRole',
    effect: 'hold',
    min_approvers: 1,
    groups: ['security'],
    reason: 'changes who may do what',
  },
  {
    note: 'creates a role in prod',
    action: 'iam:CreateRole',
    environment: 'prod',
    effect: 'hold',
    min_approvers: 2,
    groups: ['security'],
  },
  { note: 'attaches a role policy', action: 'iam:AttachRolePolicy', effect: 'hold', groups: ['security'] },
  { note: 'puts a user policy', action: 'iam:PutUserPolicy', effect: 'hold' },
  { note: 'updates an assume-role policy', action: 'iam:UpdateAssumeRolePolicy', effect: 'hold' },
  { note: 'puts a bucket policy', action: 's3:PutBucketPolicy', effect: 'hold', reason: 'changes who may do what' },
  { note: 'puts a key policy', action: 'kms:PutKeyPolicy', effect: 'hold' },
  {
    note: 'schedules key deletion',
    action: 'kms:ScheduleKeyDeletion',
    effect: 'hold',
    reason: 'destroys or disables key material',
  },
  { note: 'disables a key in prod', action: 'kms:DisableKey', environment: 'prod', effect: 'hold', min_approvers: 2 },
  { note: 'deletes a secret', action: 'secretsmanager:DeleteSecret', effect: 'hold' },
  {
    note: 'shares a snapshot',
    action: 'ec2:ModifySnapshotAttribute',
    effect: 'hold',
    reason: 'can expose data outside the account',
  },
  { note: 'exports a table', action: 'dynamodb:ExportTableToPointInTime', effect: 'hold' },
  { note: 'opens a bucket ACL', action: 's3:PutBucketAcl', effect: 'hold' },
  { note: 'assumes a role', action: 'sts:AssumeRole', read_only: true, effect: 'deny', reason: 'returns credentials' },
  { note: 'gets a session token', action: 'sts:GetSessionToken', read_only: true, effect: 'deny' },
  { note: 'creates an access key', action: 'iam:CreateAccessKey', effect: 'deny', reason: 'returns credentials' },
  { note: 'gets an ECR token', action: 'ecr:GetAuthorizationToken', read_only: true, effect: 'deny' },
  { note: 'reads a secret value', action: 'secretsmanager:GetSecretValue', read_only: true, effect: 'deny' },
  {
    note: 'stops CloudTrail logging',
    action: 'cloudtrail:StopLogging',
    environment: 'prod',
    effect: 'deny',
    reason: 'would weaken the audit trail',
  },
  { note: 'deletes a trail', action: 'cloudtrail:DeleteTrail', effect: 'deny' },
  { note: 'deletes a log group', action: 'logs:DeleteLogGroup', effect: 'deny' },
  {
    note: 'makes a call Airlock could not decode',
    action: 'unknown:Unknown',
    read_only: true,
    decoded: false,
    effect: 'deny',
    reason: 'could not decode',
  },
];

t.test('the default policy decides representative calls', async (t) => {
  const sources = loadPolicySources(['rego'], { includeTests: false });
  const policy = await loadCompiledPolicy(await compileRego(sources.modules, ['airlock/decision']));
  policy.setData(sources.data);

  for (const row of rows) {
    const [service, action] = row.action.split(':');
    const input = {
      agent: { id: 'deploy-bot', owner: 'alice@example.com', groups: ['ci'], labels: {} },
      call: {
        cloud: 'aws',
        service,
        action,
        iam_action: row.action,
        region: 'us-east-1',
        account: '123456789012',
        environment: row.environment ?? 'dev',
        read_only: row.read_only ?? false,
        decoded: row.decoded ?? true,
        params: {},
      },
      http: { method: 'POST', host: `${service}.amazonaws.com`, path: '/' },
      time: { now: '2026-11-21T03:00:00Z', weekday: 'Saturday', hour_utc: 3 },
    };
    const result = policy.evaluate(input, 'airlock/decision') as { result: Record<string, unknown> }[];
    const decision = result[0]?.result as
      { effect: string; reason: string; approval?: { min_approvers: number; groups: string[] } } | undefined;
    t.equal(decision?.effect, row.effect, `${row.note}: ${row.effect}`);
    if (row.reason) t.match(decision?.reason, row.reason, `${row.note}: reason says "${row.reason}"`);
    if (row.min_approvers !== undefined)
      t.equal(decision?.approval?.min_approvers, row.min_approvers, `${row.note}: approvers`);
    if (row.groups) t.same(decision?.approval?.groups, row.groups, `${row.note}: groups`);
    if (row.effect === 'hold') t.ok(decision?.approval, `${row.note}: a hold carries its approval`);
  }
});

t.test('the default policy fails closed on empty input', async (t) => {
  const sources = loadPolicySources(['rego'], { includeTests: false });
  const policy = await loadCompiledPolicy(await compileRego(sources.modules, ['airlock/decision']));
  const result = policy.evaluate({}, 'airlock/decision') as { result: { effect: string } }[];
  t.equal(result[0]?.result.effect, 'deny');
});

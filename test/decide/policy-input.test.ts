import t from 'tap';
import { InvalidArgumentError } from '../../proxy/core/errors.js';
import { buildPolicyInput, type PolicyInputParts } from '../../proxy/decide/index.js';
import type { DecodedCall } from '../../proxy/decode/index.js';
import { createRoleCall } from '../harness/decoded-call.js';

const call: DecodedCall = createRoleCall();

function parts(overrides: Partial<PolicyInputParts> = {}): PolicyInputParts {
  return {
    agent: { id: 'deploy-bot', owner: 'alice@example.com', groups: ['ci'], labels: {} },
    call,
    http: { method: 'POST', host: 'iam.amazonaws.com', path: '/' },
    now: new Date('2026-11-21T03:00:00Z'),
    ...overrides,
  };
}

t.test('buildPolicyInput makes the input of the policy contract, field for field', async (t) => {
  t.strictSame(buildPolicyInput(parts()), {
    agent: { id: 'deploy-bot', owner: 'alice@example.com', groups: ['ci'], labels: {} },
    call,
    http: { method: 'POST', host: 'iam.amazonaws.com', path: '/' },
    time: { now: '2026-11-21T03:00:00Z', weekday: 'Saturday', hour_utc: 3 },
  });
});

t.test('time is UTC, to the second, with the English weekday', async (t) => {
  const rows = [
    { at: '2026-11-22T00:00:00.000Z', now: '2026-11-22T00:00:00Z', weekday: 'Sunday', hour: 0 },
    { at: '2026-11-23T09:15:30.999Z', now: '2026-11-23T09:15:30Z', weekday: 'Monday', hour: 9 },
    { at: '2026-11-24T12:00:00Z', now: '2026-11-24T12:00:00Z', weekday: 'Tuesday', hour: 12 },
    { at: '2026-11-25T23:59:59.500Z', now: '2026-11-25T23:59:59Z', weekday: 'Wednesday', hour: 23 },
    { at: '2026-11-26T13:00:00+02:00', now: '2026-11-26T11:00:00Z', weekday: 'Thursday', hour: 11 },
    { at: '2026-11-27T20:00:00-05:00', now: '2026-11-28T01:00:00Z', weekday: 'Saturday', hour: 1 },
    { at: '2026-11-27T06:00:00Z', now: '2026-11-27T06:00:00Z', weekday: 'Friday', hour: 6 },
  ];
  for (const row of rows) {
    const { time } = buildPolicyInput(parts({ now: new Date(row.at) }));
    t.strictSame(time, { now: row.now, weekday: row.weekday, hour_utc: row.hour }, row.at);
  }
});

t.test('http carries the path without its query and the host without its port', async (t) => {
  const rows = [
    { given: { method: 'get', host: 'Bucket.S3.Amazonaws.com:443', path: '/key?versionId=3' }, path: '/key' },
    { given: { method: 'PUT', host: 'bucket.s3.amazonaws.com', path: '/a%20b//c?acl' }, path: '/a%20b//c' },
    { given: { method: 'POST', host: '[::1]:4566', path: '/?' }, path: '/' },
  ];
  const hosts = ['bucket.s3.amazonaws.com', 'bucket.s3.amazonaws.com', '[::1]'];
  const methods = ['GET', 'PUT', 'POST'];
  rows.forEach((row, i) => {
    const { http } = buildPolicyInput(parts({ http: row.given }));
    t.strictSame(http, { method: methods[i], host: hosts[i], path: row.path }, row.given.path);
  });
});

t.test('only the named agent fields reach the policy', async (t) => {
  const agent = {
    id: 'deploy-bot',
    owner: 'alice@example.com',
    groups: ['ci'],
    labels: { team: 'payments' },
    secretAccessKey: 'never-in-input',
  };
  const input = buildPolicyInput(parts({ agent }));
  t.strictSame(input.agent, {
    id: 'deploy-bot',
    owner: 'alice@example.com',
    groups: ['ci'],
    labels: { team: 'payments' },
  });
  agent.groups.push('admin');
  t.strictSame(input.agent.groups, ['ci'], 'the input keeps its own copy');
});

t.test('an undecoded call passes through as the policy sees it', async (t) => {
  const undecoded = {
    cloud: 'aws' as const,
    service: 's3',
    action: '' as const,
    iam_action: '' as const,
    region: 'eu-west-1',
    account: undefined,
    environment: undefined,
    resource: undefined,
    read_only: false as const,
    params: {},
    decoded: false as const,
    protocol: undefined,
    error: { code: 'AIRLOCK_ERR_DECODE' as const, reason: 'unknown-operation' as const, message: 'no operation' },
  };
  const input = buildPolicyInput(parts({ call: undecoded }));
  t.equal(input.call, undecoded);
  t.strictSame(
    JSON.parse(JSON.stringify(input.call)),
    {
      cloud: 'aws',
      service: 's3',
      action: '',
      iam_action: '',
      region: 'eu-west-1',
      read_only: false,
      params: {},
      decoded: false,
      error: { code: 'AIRLOCK_ERR_DECODE', reason: 'unknown-operation', message: 'no operation' },
    },
    'unknown fields are absent in Rego, not null',
  );
});

t.test('an invalid date is refused', async (t) => {
  t.throws(() => buildPolicyInput(parts({ now: new Date('not a date') })), InvalidArgumentError);
});

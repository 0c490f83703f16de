import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { ApprovalView, VoteOutcomeView } from '../../proxy/api/views.js';
import { API_TOKEN_ENV, approvalsCommand, defaultApiUrl, plainHttpWarning } from '../../proxy/cli/approvals.js';
import {
  apiError,
  approvalView,
  captureIo,
  type FakeAnswer,
  type ReceivedRequest,
  startFakeApi,
  tempDir,
  writeConfig,
} from './helpers.js';

const TOKEN = 'alt_Zm9yIHRlc3RzIG9ubHksIG5vdCBhIHJlYWwgdG9rZW4';
const ENV = { [API_TOKEN_ENV]: TOKEN };

/** run runs `airlock approvals …args` in process against `api`, with the token in the environment. */
async function run(api: string, args: string[], env: Record<string, string> = ENV) {
  const captured = captureIo(env);
  const code = await approvalsCommand([...args, '--api', api], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function ok(json: unknown): FakeAnswer {
  return { status: 200, json };
}

function outcome(overrides: Partial<VoteOutcomeView> = {}): VoteOutcomeView {
  return { approval: approvalView(), outcome: 'pending', still_needed: 1, ...overrides };
}

t.test('list sends the filters and the token from AIRLOCK_TOKEN, and prints a table', async (t) => {
  const second = approvalView({
    id: 'apv_02',
    state: 'denied',
    agent: { id: 'ci-bot', owner: 'carol@example.com' },
    call: { service: 's3', action: 'DeleteBucket', iam_action: 's3:DeleteBucket', resource: 'arn:aws:s3:::logs' },
    votes: [{ approver: 'dave@example.com', groups: ['security'], decision: 'deny', at: '2026-11-21T03:02:00.000Z' }],
    resolved_at: '2026-11-21T03:02:00.000Z',
  });
  const api = await startFakeApi(t, () => ok({ approvals: [approvalView(), second], next_before: 'apv_02' }));
  const result = await run(api.url, ['list', '--state', 'pending', '--agent', 'deploy-bot', '--limit', '5']);
  t.equal(result.code, 0, result.stderr);
  t.equal(api.requests.length, 1);
  const [request] = api.requests as [ReceivedRequest];
  t.equal(request.method, 'GET');
  t.equal(request.url, '/v1/approvals?state=pending&agent=deploy-bot&limit=5');
  t.equal(request.authorization, `Bearer ${TOKEN}`);
  const lines = result.stdout.split('\n');
  t.match(lines[0], /^ID\s+STATE\s+AGENT\s+ACTION\s+RESOURCE\s+VOTES\s+LEFT\s+CREATED$/);
  t.match(
    lines[1],
    /^apv_01\s+pending\s+deploy-bot\s+iam:CreateRole\s+arn:aws:iam::123456789012:role\/app\s+1\/2\s+12m 05s\s+2026-11-21 03:00:00Z$/,
  );
  t.match(lines[2], /^apv_02\s+denied\s+ci-bot\s+s3:DeleteBucket\s+arn:aws:s3:::logs\s+0\/2, 1 denied\s+-\s+/);
  t.match(result.stdout, /--before apv_02/, 'says how to get the next page');
  t.notMatch(result.stdout + result.stderr, TOKEN, 'the token is never printed');
});

t.test('list --json prints the API answer as JSON', async (t) => {
  const page = { approvals: [approvalView()], next_before: null };
  const api = await startFakeApi(t, () => ok(page));
  const result = await run(api.url, ['list', '--json']);
  t.equal(result.code, 0, result.stderr);
  t.equal(api.requests[0]?.url, '/v1/approvals');
  t.same(JSON.parse(result.stdout), page);
});

t.test('the token comes from AIRLOCK_TOKEN only', async (t) => {
  const api = await startFakeApi(t, () => ok({ approvals: [], next_before: null }));

  const missing = await run(api.url, ['list'], {});
  t.equal(missing.code, 1);
  t.equal(missing.stderr.trim().split('\n').length, 1, 'one line');
  t.match(missing.stderr, /set AIRLOCK_TOKEN to your approver API token/);

  const blank = await run(api.url, ['list'], { [API_TOKEN_ENV]: '  ' });
  t.equal(blank.code, 1);
  t.match(blank.stderr, /AIRLOCK_TOKEN/);

  const flag = await run(api.url, ['list', '--token', TOKEN], {});
  t.equal(flag.code, 2, 'a --token flag is not an option');
  t.match(flag.stderr, /Unknown option '--token'/);

  const twoWords = await run(api.url, ['list'], { [API_TOKEN_ENV]: 'alt_a alt_b' });
  t.equal(twoWords.code, 1);
  t.match(twoWords.stderr, /one token/);

  t.equal(api.requests.length, 0, 'nothing was sent without a usable token');

  const fromEnv = await run(api.url, ['list'], { [API_TOKEN_ENV]: ` ${TOKEN}\n` });
  t.equal(fromEnv.code, 0, fromEnv.stderr);
  t.equal(api.requests[0]?.authorization, `Bearer ${TOKEN}`, 'surrounding whitespace (a pasted newline) is dropped');
  t.equal(fromEnv.stdout, 'No approvals.\n');
});

t.test(
  'show prints the decoded call, parameters, agent, owner, reason, requirement, votes and time left',
  async (t) => {
    const api = await startFakeApi(t, () => ok(approvalView()));
    const result = await run(api.url, ['show', 'apv_01']);
    t.equal(result.code, 0, result.stderr);
    t.equal(api.requests[0]?.method, 'GET');
    t.equal(api.requests[0]?.url, '/v1/approvals/apv_01');
    const out = result.stdout;
    t.match(out, /^Approval\s+apv_01 \(pending\)$/m);
    t.match(out, /^Call\s+iam:CreateRole \(iam CreateRole\)$/m);
    t.match(out, /^Resource\s+arn:aws:iam::123456789012:role\/app$/m);
    t.match(out, /^Where\s+account 123456789012 \(prod\), region us-east-1$/m);
    t.match(out, /^Agent\s+deploy-bot, owned by alice@example\.com$/m);
    t.match(out, /^Reason\s+creating IAM roles in prod needs two SREs$/m);
    t.match(out, /^Needs\s+2 approvers from sre or security, within 15m 00s of the request$/m);
    t.match(out, /^Votes\s+1\/2$/m);
    t.match(out, /^\s+approved by bob@example\.com \(sre\) at 2026-11-21 03:01:00Z: "role is scoped to ec2"$/m);
    t.match(out, /^Time left\s+12m 05s \(expires 2026-11-21 03:15:00Z\)$/m);
    t.match(out, /^Link\s+https:\/\/airlock\.example\.com\/approvals\/apv_01\?token=view$/m);
    const parameters = out.slice(out.indexOf('\nParameters\n'));
    t.equal(
      parameters,
      `
Parameters
  RoleName: app
  AssumeRolePolicyDocument: (JSON)
    Version: 2012-10-17
    Statement:
      - Effect: Allow
        Principal:
          Service: ec2.amazonaws.com
        Action: sts:AssumeRole
  Tags:
    - Key: team
      Value: infra
`,
    );
  },
);

t.test('show escapes control characters an agent put in its call', async (t) => {
  const hostile = approvalView({
    call: { iam_action: 'iam:CreateRole', params: { RoleName: 'app\u001b[2J\u001b[8mhidden', 'Key\u202e': 'x' } },
    reason: 'held\u0007',
  });
  const api = await startFakeApi(t, () => ok(hostile));
  const result = await run(api.url, ['show', 'apv_01']);
  t.equal(result.code, 0, result.stderr);
  t.notMatch(result.stdout, /[\u0007\u001b\u202e]/, 'no raw control character reaches the terminal');
  t.match(result.stdout, 'RoleName: app\\u001b[2J\\u001b[8mhidden');
  t.match(result.stdout, 'Key\\u202e: x');
  t.match(result.stdout, /^Reason\s+held\\u0007$/m);

  const json = await run(api.url, ['show', 'apv_01', '--json']);
  t.notMatch(json.stdout, /[\u0007\u001b\u202e]/);
  t.same((JSON.parse(json.stdout) as ApprovalView).call, hostile.call, '--json still carries the exact values');
});

t.test('show of a resolved approval says how it ended instead of a countdown', async (t) => {
  const resolved = approvalView({
    state: 'approved',
    seconds_left: 0,
    resolved_at: '2026-11-21T03:05:00.000Z',
    used_at: '2026-11-21T03:05:02.000Z',
  });
  const api = await startFakeApi(t, () => ok(resolved));
  const result = await run(api.url, ['show', 'apv_01']);
  t.match(
    result.stdout,
    /^Time left\s+none: approved at 2026-11-21 03:05:00Z; the call went through at 2026-11-21 03:05:02Z$/m,
  );
});

t.test('approve posts the comment and the grant, and says what the vote did', async (t) => {
  const grant = {
    id: 'grt_01',
    approval_id: 'apv_01',
    agent: 'deploy-bot',
    action: 'iam:CreateRole',
    resource: 'arn:aws:iam::123456789012:role/app',
    created_by: 'erin@example.com',
    created_at: '2026-11-21T03:04:00.000Z',
    expires_at: '2026-11-21T03:34:00.000Z',
    uses: 'until-expiry',
    use_count: 0,
  };
  const api = await startFakeApi(t, () =>
    ok(outcome({ approval: approvalView({ state: 'approved' }), outcome: 'approved', still_needed: 0, grant })),
  );
  const result = await run(api.url, [
    'approve',
    'apv_01',
    '--comment',
    'ok for the migration',
    '--grant-minutes',
    '30',
  ]);
  t.equal(result.code, 0, result.stderr);
  const [request] = api.requests as [ReceivedRequest];
  t.equal(request.method, 'POST');
  t.equal(request.url, '/v1/approvals/apv_01/approve');
  t.equal(request.authorization, `Bearer ${TOKEN}`);
  t.match(request.contentType, /^application\/json/);
  t.same(JSON.parse(request.body), { comment: 'ok for the migration', grant_minutes: 30 });
  t.match(result.stdout, /Approval apv_01 is approved/);
  t.match(
    result.stdout,
    /Grant grt_01: agent deploy-bot may call iam:CreateRole on arn:aws:iam::123456789012:role\/app until 2026-11-21 03:34:00Z/,
  );
});

t.test('approve without options sends an empty body and reports the votes still needed', async (t) => {
  const api = await startFakeApi(t, () => ok(outcome()));
  const result = await run(api.url, ['approve', 'apv/../01']);
  t.equal(result.code, 0, result.stderr);
  t.equal(api.requests[0]?.url, '/v1/approvals/apv%2F..%2F01/approve', 'the id is one path segment');
  t.same(JSON.parse(api.requests[0]?.body ?? ''), {});
  t.match(result.stdout, /Your vote on apv_01 is recorded; 1 more approval is needed \(12m 05s left\)/);
});

t.test('deny posts the comment', async (t) => {
  const api = await startFakeApi(t, () =>
    ok(outcome({ approval: approvalView({ state: 'denied' }), outcome: 'denied', still_needed: 1 })),
  );
  const result = await run(api.url, ['deny', 'apv_01', '--comment', 'not in a change window']);
  t.equal(result.code, 0, result.stderr);
  t.equal(api.requests[0]?.method, 'POST');
  t.equal(api.requests[0]?.url, '/v1/approvals/apv_01/deny');
  t.same(JSON.parse(api.requests[0]?.body ?? ''), { comment: 'not in a change window' });
  t.match(result.stdout, /Approval apv_01 is denied/);
});

t.test("a 403 shows the API's rule and exits 1", async (t) => {
  const api = await startFakeApi(t, () => ({
    status: 403,
    json: apiError('agent-owner', "the agent's owner cannot approve its calls"),
  }));
  const result = await run(api.url, ['approve', 'apv_01']);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(result.stderr, "airlock approvals: the agent's owner cannot approve its calls (HTTP 403 agent-owner)\n");
});

t.test('other error statuses print the API message, one line, exit 1', async (t) => {
  const cases: Array<{ note: string; answer: FakeAnswer; want: RegExp }> = [
    {
      note: '401 adds a hint about the token',
      answer: { status: 401, json: apiError('unauthenticated', 'the bearer token is not valid') },
      want: /^airlock approvals: the bearer token is not valid \(HTTP 401 unauthenticated\); check that AIRLOCK_TOKEN holds a current token\n$/,
    },
    {
      note: '404',
      answer: { status: 404, json: apiError('not_found', 'no approval apv_01') },
      want: /^airlock approvals: no approval apv_01 \(HTTP 404 not_found\)\n$/,
    },
    {
      note: '409',
      answer: { status: 409, json: apiError('already-voted', 'you have already voted on this approval') },
      want: /^airlock approvals: you have already voted on this approval \(HTTP 409 already-voted\)\n$/,
    },
    {
      note: 'a body that is not the contract',
      answer: { status: 502, text: '<html>Bad Gateway</html>' },
      want: /^airlock approvals: the approval API answered HTTP 502 Bad Gateway\n$/,
    },
    {
      note: 'a multi-line message stays on one line',
      answer: { status: 400, json: apiError('bad_request', 'comment is too long\nat most 2000 characters') },
      want: /^airlock approvals: comment is too long; at most 2000 characters \(HTTP 400 bad_request\)\n$/,
    },
  ];
  for (const { note, answer, want } of cases) {
    const api = await startFakeApi(t, () => answer);
    const result = await run(api.url, ['approve', 'apv_01']);
    t.equal(result.code, 1, note);
    t.match(result.stderr, want, note);
  }
});

t.test('an answer of the wrong shape is an error, not a crash', async (t) => {
  const api = await startFakeApi(t, () => ok({ approvals: [{ id: 'apv_01' }] }));
  const result = await run(api.url, ['list']);
  t.equal(result.code, 1);
  t.match(result.stderr, /JSON the CLI does not understand/);
});

t.test('a redirect is refused, so the token goes nowhere else', async (t) => {
  const elsewhere = await startFakeApi(t, () => ok({ approvals: [], next_before: null }));
  const api = await startFakeApi(t, () => ({
    status: 302,
    text: '',
    headers: { location: `${elsewhere.url}/v1/approvals` },
  }));
  const result = await run(api.url, ['list']);
  t.equal(result.code, 1);
  t.match(result.stderr, /redirected \(HTTP 302\); pass the final address with --api/);
  t.equal(elsewhere.requests.length, 0);
});

t.test('an API that cannot be reached is one line, exit 1', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const result = await run(`http://127.0.0.1:${port}`, ['list']);
  t.equal(result.code, 1);
  t.equal(
    result.stderr,
    `airlock approvals: cannot reach the approval API at http://127.0.0.1:${port}: ECONNREFUSED\n`,
  );
});

t.test('the API address defaults to the configured api address; --api may carry a path prefix', async (t) => {
  const api = await startFakeApi(t, () => ok(approvalView()));
  const { file } = writeConfig(tempDir(t), `api: 127.0.0.1:${api.port}\n`);
  const captured = captureIo(ENV);
  t.equal(await approvalsCommand(['show', 'apv_01', '--config', file], captured.io), 0, captured.stderr());
  t.equal(api.requests[0]?.url, '/v1/approvals/apv_01');

  const prefixed = await run(`${api.url}/airlock`, ['show', 'apv_01']);
  t.equal(prefixed.code, 0);
  t.equal(api.requests[1]?.url, '/airlock/v1/approvals/apv_01');

  t.equal(defaultApiUrl({ api: { host: '0.0.0.0', port: 8081 } }), 'http://127.0.0.1:8081');
  t.equal(defaultApiUrl({ api: { host: '::', port: 8081 } }), 'http://[::1]:8081');
  t.equal(defaultApiUrl({ api: { host: 'fd00::1', port: 9000 } }), 'http://[fd00::1]:9000');
  t.equal(defaultApiUrl({ api: { host: 'airlock.internal', port: 8081 } }), 'http://airlock.internal:8081');
});

t.test('plain http to another host gets a warning about the token; loopback does not', async (t) => {
  t.equal(
    plainHttpWarning('http://airlock.internal:8081/'),
    'warning: http://airlock.internal:8081 is plain http; your token crosses the network unencrypted',
  );
  t.equal(plainHttpWarning('https://airlock.internal/'), undefined);
  t.equal(plainHttpWarning('http://127.0.0.1:8081/'), undefined);
  t.equal(plainHttpWarning('http://[::1]:8081/'), undefined);
  t.equal(plainHttpWarning('http://localhost:8081/'), undefined);

  const api = await startFakeApi(t, () => ok({ approvals: [], next_before: null }));
  const result = await run(`http://localhost:${api.port}`, ['list']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '', 'no warning for this host');
});

t.test('usage errors exit 2 and send nothing', async (t) => {
  const api = await startFakeApi(t, () => ok({}));
  const cases: Array<{ note: string; args: string[]; want: RegExp }> = [
    { note: 'unknown state', args: ['list', '--state', 'open'], want: /--state must be one of pending, approved/ },
    { note: 'limit zero', args: ['list', '--limit', '0'], want: /--limit must be a whole number from 1 to 1000/ },
    { note: 'limit too big', args: ['list', '--limit', '1001'], want: /--limit must be/ },
    { note: 'grant not a number', args: ['approve', 'apv_01', '--grant-minutes', '30m'], want: /--grant-minutes/ },
    { note: 'no id', args: ['show'], want: /approvals show needs an approval ID/ },
    { note: 'two ids', args: ['deny', 'a', 'b'], want: /takes one approval ID/ },
    { note: 'grant on deny', args: ['deny', 'a', '--grant-minutes', '5'], want: /Unknown option '--grant-minutes'/ },
    { note: 'unknown verb', args: ['vote'], want: /unknown command approvals vote/ },
    { note: 'bad api address', args: ['list', '--api', 'ftp://x'], want: /must be http:\/\/ or https:\/\// },
  ];
  for (const { note, args, want } of cases) {
    const captured = captureIo(ENV);
    const code = await approvalsCommand(args.includes('--api') ? args : [...args, '--api', api.url], captured.io);
    t.equal(code, 2, note);
    t.match(captured.stderr(), want, note);
    t.match(captured.stderr(), /usage:/, note);
  }
  t.equal(api.requests.length, 0);
});

import type { AirlockProcess } from './airlock.js';

/** ApprovalView is an approval as the REST API shows it (docs/api.md). */
export interface ApprovalView {
  readonly id: string;
  readonly state: string;
  readonly agent: { readonly id: string; readonly owner: string };
  readonly call: { readonly iam_action: string; readonly resource?: string; readonly params: Record<string, unknown> };
  readonly reason: string;
  readonly requirement: { readonly min_approvers: number; readonly groups: string[]; readonly timeout_seconds: number };
  readonly votes: { readonly approver: string; readonly decision: string; readonly comment?: string }[];
  readonly link: string;
  readonly used_at?: string;
}

/** issueApproverToken runs `airlock approver add` and returns the token it printed once. */
export async function issueApproverToken(
  airlock: AirlockProcess,
  email: string,
  groups: readonly string[],
): Promise<string> {
  const added = await airlock.cli(['approver', 'add', email, '--groups', groups.join(',')]);
  if (added.code !== 0) throw new Error(`airlock approver add failed (${added.code}): ${added.stderr}`);
  const token = /alt_[A-Za-z0-9_-]{43}/.exec(added.stdout)?.[0];
  if (token === undefined) throw new Error(`no token in: ${added.stdout}`);
  return token;
}

/** ApiAnswer is the status and parsed JSON body of one API call. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** apiCall sends one REST API request as the approver holding `token`. */
export async function apiCall(
  airlock: AirlockProcess,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const response = await fetch(`${airlock.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * waitForApprovals polls the API until at least `count` approvals match the filter (held calls open their approval
 * a moment after the agent sent them), for at most `timeoutMs`.
 */
export async function waitForApprovals(
  airlock: AirlockProcess,
  token: string,
  filter: { readonly state?: string; readonly agent?: string },
  count: number,
  timeoutMs = 30_000,
): Promise<ApprovalView[]> {
  const query = new URLSearchParams({ ...filter, limit: '500' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await apiCall(airlock, token, 'GET', `/v1/approvals?${query}`);
    if (answer.status !== 200) throw new Error(`listing approvals answered ${answer.status}`);
    const { approvals } = answer.body as { approvals: ApprovalView[] };
    if (approvals.length >= count) return approvals;
    if (Date.now() > deadline) throw new Error(`only ${approvals.length} of ${count} approvals after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { InvalidArgumentError } from '../core/errors.js';
// A type import of the pure module that defines the API's JSON: no server code is loaded.
import type { ApprovalListView, ApprovalView, VoteOutcomeView } from '../api/views.js';
import { ApiResponseError, ApiUnreachableError } from './cli-errors.js';

/** ApprovalApiClientOptions say where the API is and whom to present as. */
export interface ApprovalApiClientOptions {
  /** The API's base URL, `http://127.0.0.1:8081`; a path prefix (`https://host/airlock/`) is kept. */
  readonly baseUrl: string;
  /** The bearer token: an approver API token (`alt_…`) or an OIDC token. Sent only in the Authorization header. */
  readonly token: string;
  /** How long one request may take; default 30 s. */
  readonly timeoutMs?: number;
}

/** ListApprovalsQuery filters `GET /v1/approvals`. */
export interface ListApprovalsQuery {
  readonly state?: string;
  readonly agent?: string;
  readonly limit?: number;
  readonly before?: string;
}

/** ApproveRequest is the body of an approve vote. */
export interface ApproveRequest {
  readonly comment?: string;
  /** Also let the agent repeat this action on this resource for this many minutes. */
  readonly grantMinutes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * ApprovalApiClient speaks the approval REST API with global fetch. Every method rejects with ApiResponseError for
 * an error status (carrying the API's message) and ApiUnreachableError when no answer came. Redirects are refused,
 * so the token is never sent anywhere but the origin given.
 */
export class ApprovalApiClient {
  readonly #baseUrl: URL;
  readonly #token: string;
  readonly #timeoutMs: number;

  /** @throws InvalidArgumentError for a base URL that is not http(s), or a token that cannot go in a header */
  constructor(options: ApprovalApiClientOptions) {
    this.#baseUrl = parseBaseUrl(options.baseUrl);
    if (!isHeaderSafeToken(options.token)) {
      throw new InvalidArgumentError('the API token must be one word without spaces or control characters');
    }
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** baseUrl is the API's address as requests are resolved against it. */
  get baseUrl(): string {
    return this.#baseUrl.href;
  }

  list(query: ListApprovalsQuery = {}): Promise<ApprovalListView> {
    const search = new URLSearchParams();
    if (query.state !== undefined) search.set('state', query.state);
    if (query.agent !== undefined) search.set('agent', query.agent);
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    if (query.before !== undefined) search.set('before', query.before);
    const suffix = search.size === 0 ? '' : `?${search.toString()}`;
    return this.#request('GET', `v1/approvals${suffix}`, undefined, checkPage);
  }

  get(id: string): Promise<ApprovalView> {
    return this.#request('GET', approvalPath(id), undefined, checkApproval);
  }

  approve(id: string, request: ApproveRequest = {}): Promise<VoteOutcomeView> {
    const body = {
      ...(request.comment === undefined ? {} : { comment: request.comment }),
      ...(request.grantMinutes === undefined ? {} : { grant_minutes: request.grantMinutes }),
    };
    return this.#request('POST', `${approvalPath(id)}/approve`, body, checkOutcome);
  }

  deny(id: string, comment?: string): Promise<VoteOutcomeView> {
    const body = comment === undefined ? {} : { comment };
    return this.#request('POST', `${approvalPath(id)}/deny`, body, checkOutcome);
  }

  async #request<T>(
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    check: (value: unknown) => value is T,
  ): Promise<T> {
    const url = new URL(path, this.#baseUrl);
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch (error) {
      throw new ApiUnreachableError(`cannot reach the approval API at ${this.#baseUrl.origin}: ${causeOf(error)}`, {
        cause: error,
      });
    }
    if (response.status >= 300 && response.status < 400) {
      throw new ApiResponseError(
        `the approval API at ${this.#baseUrl.origin} redirected (HTTP ${response.status}); pass the final address with --api`,
        response.status,
        undefined,
      );
    }
    const parsed = parseJson(text);
    if (!response.ok) throw errorFromAnswer(response, parsed);
    if (!check(parsed)) {
      throw new ApiResponseError(
        `the approval API answered ${method} /${path} with JSON the CLI does not understand`,
        response.status,
        undefined,
      );
    }
    return parsed;
  }
}

/** isHeaderSafeToken says whether a token can be sent as `Bearer <token>`: printable ASCII, no spaces. */
export function isHeaderSafeToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`the API address ${text} is not a URL (such as http://127.0.0.1:8081)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`the API address must be http:// or https://, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError('the API address takes no user, password, query or fragment');
  }
  // Relative paths resolve under the last `/`: `https://host/airlock` must mean `https://host/airlock/v1/…`.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function approvalPath(id: string): string {
  if (id === '') throw new InvalidArgumentError('an approval id is needed');
  return `v1/approvals/${encodeURIComponent(id)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFromAnswer(response: Response, body: unknown): ApiResponseError {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : undefined;
  const apiCode = typeof error?.code === 'string' && error.code !== '' ? error.code : undefined;
  const status = `HTTP ${response.status}${apiCode === undefined ? '' : ` ${apiCode}`}`;
  const text =
    message === undefined
      ? `the approval API answered ${status}${response.statusText === '' ? '' : ` ${response.statusText}`}`
      : `${message} (${status})`;
  return new ApiResponseError(text, response.status, apiCode);
}

function causeOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function checkApproval(value: unknown): value is ApprovalView {
  if (!isObject(value) || !isObject(value.agent) || !isObject(value.call) || !isObject(value.requirement)) return false;
  const { requirement } = value;
  return (
    typeof value.id === 'string' &&
    // Any string: a state added by a newer API is shown as sent rather than refused.
    typeof value.state === 'string' &&
    typeof value.agent.id === 'string' &&
    typeof value.agent.owner === 'string' &&
    typeof value.reason === 'string' &&
    typeof requirement.min_approvers === 'number' &&
    isStringArray(requirement.groups) &&
    typeof requirement.timeout_seconds === 'number' &&
    typeof value.created_at === 'string' &&
    typeof value.expires_at === 'string' &&
    typeof value.seconds_left === 'number' &&
    Array.isArray(value.votes) &&
    value.votes.every(
      (vote) =>
        isObject(vote) &&
        typeof vote.approver === 'string' &&
        isStringArray(vote.groups) &&
        (vote.decision === 'approve' || vote.decision === 'deny') &&
        (vote.comment === undefined || typeof vote.comment === 'string') &&
        typeof vote.at === 'string',
    ) &&
    typeof value.link === 'string'
  );
}

function checkPage(value: unknown): value is ApprovalListView {
  return (
    isObject(value) &&
    Array.isArray(value.approvals) &&
    value.approvals.every(checkApproval) &&
    (value.next_before === null || value.next_before === undefined || typeof value.next_before === 'string')
  );
}

function checkOutcome(value: unknown): value is VoteOutcomeView {
  return (
    isObject(value) &&
    checkApproval(value.approval) &&
    ['pending', 'approved', 'denied', 'expired'].includes(value.outcome as string) &&
    typeof value.still_needed === 'number' &&
    (value.grant === undefined || checkGrant(value.grant))
  );
}

function checkGrant(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.agent === 'string' &&
    typeof value.action === 'string' &&
    typeof value.resource === 'string' &&
    typeof value.expires_at === 'string'
  );
}

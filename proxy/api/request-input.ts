import { MAX_GRANT_MINUTES, MIN_GRANT_MINUTES } from '../approvals/index.js';
import { APPROVAL_STATES, type ListApprovalsOptions } from '../store/index.js';
import { ApiRequestError } from './api-errors.js';

/**
 * What the REST API reads from requests, checked strictly: a field or parameter the API does not know is refused
 * rather than ignored, so a misspelt `grant_minutes` is an error, not a vote without the grant its caster meant.
 */

/** MAX_BODY_BYTES bounds a vote's body: a comment and a number. */
export const MAX_BODY_BYTES = 16 * 1024;
/** MAX_COMMENT_LENGTH is a vote comment's limit, as the store keeps it. */
export const MAX_COMMENT_LENGTH = 2000;
/** MAX_PAGE_SIZE bounds `limit` in listings; the default page is DEFAULT_PAGE_SIZE. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_AGENT_LENGTH = 128;

/** VoteBody is a vote's body: an optional comment and, on approve, an optional grant. */
export interface VoteBody {
  readonly comment?: string;
  readonly grantMinutes?: number;
}

/** isApiId tells an id that could name an approval or grant from anything else taken from a URL. */
export function isApiId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * parseVoteBody reads a vote's body. No body at all is an empty vote; a body must be a JSON object, sent as
 * `application/json`, with only `comment` and (when `grantAllowed`) `grant_minutes`. An empty comment is no comment.
 *
 * @throws ApiRequestError 415 for another media type, 400 for anything malformed
 */
export function parseVoteBody(contentType: string | undefined, text: string, grantAllowed: boolean): VoteBody {
  if (text === '' && contentType === undefined) return {};
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiRequestError(415, 'unsupported_media_type', 'the body must be JSON, sent as application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const known = grantAllowed ? ['comment', 'grant_minutes'] : ['comment'];
  const unknown = Object.keys(fields).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw badRequest(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.map(quote).join(', ')}`);
  }
  const { comment, grant_minutes: grantMinutes } = fields;
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH)) {
    throw badRequest(`comment must be a string of at most ${MAX_COMMENT_LENGTH} characters`);
  }
  if (
    grantMinutes !== undefined &&
    (typeof grantMinutes !== 'number' ||
      !Number.isSafeInteger(grantMinutes) ||
      grantMinutes < MIN_GRANT_MINUTES ||
      grantMinutes > MAX_GRANT_MINUTES)
  ) {
    throw badRequest(`grant_minutes must be an integer from ${MIN_GRANT_MINUTES} to ${MAX_GRANT_MINUTES}`);
  }
  return {
    ...(comment === undefined || comment === '' ? {} : { comment }),
    ...(grantMinutes === undefined ? {} : { grantMinutes }),
  };
}

/** ApprovalListQuery is `GET /v1/approvals`'s query, checked: `limit` always set. */
export type ApprovalListQuery = ListApprovalsOptions & { readonly limit: number };

/**
 * parseApprovalListQuery reads `state`, `agent`, `limit` and `before`, each at most once.
 *
 * @throws ApiRequestError 400 for an unknown or repeated parameter or a malformed value
 */
export function parseApprovalListQuery(query: Readonly<Record<string, readonly string[]>>): ApprovalListQuery {
  const single = singleValues(query, ['state', 'agent', 'limit', 'before']);
  const { state, agent, limit, before } = single;
  const knownState = APPROVAL_STATES.find((candidate) => candidate === state);
  if (state !== undefined && knownState === undefined) {
    throw badRequest(`state must be one of ${APPROVAL_STATES.join(', ')}`);
  }
  if (agent !== undefined && (agent === '' || agent.length > MAX_AGENT_LENGTH)) {
    throw badRequest(`agent must be an agent id of 1 to ${MAX_AGENT_LENGTH} characters`);
  }
  if (before !== undefined && !isApiId(before)) throw badRequest('before must be an approval id');
  return {
    ...(knownState === undefined ? {} : { state: knownState }),
    ...(agent === undefined ? {} : { agentId: agent }),
    ...(before === undefined ? {} : { before }),
    limit: limit === undefined ? DEFAULT_PAGE_SIZE : parseLimit(limit),
  };
}

/** GrantListQuery is `GET /v1/grants`'s query, checked. */
export interface GrantListQuery {
  readonly agentId?: string;
  readonly activeOnly: boolean;
}

/**
 * parseGrantListQuery reads `agent` and `active` (`true` or `false`; default all grants).
 *
 * @throws ApiRequestError 400 for an unknown or repeated parameter or a malformed value
 */
export function parseGrantListQuery(query: Readonly<Record<string, readonly string[]>>): GrantListQuery {
  const { agent, active } = singleValues(query, ['agent', 'active']);
  if (agent !== undefined && (agent === '' || agent.length > MAX_AGENT_LENGTH)) {
    throw badRequest(`agent must be an agent id of 1 to ${MAX_AGENT_LENGTH} characters`);
  }
  if (active !== undefined && active !== 'true' && active !== 'false') {
    throw badRequest('active must be true or false');
  }
  return { ...(agent === undefined ? {} : { agentId: agent }), activeOnly: active === 'true' };
}

function singleValues(
  query: Readonly<Record<string, readonly string[]>>,
  known: readonly string[],
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [name, given] of Object.entries(query)) {
    if (!known.includes(name)) throw badRequest(`unknown query parameter ${quote(name)}`);
    if (given.length !== 1) throw badRequest(`query parameter ${name} must be given once`);
    values[name] = given[0];
  }
  return values;
}

function parseLimit(text: string): number {
  const limit = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
    throw badRequest(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

function badRequest(message: string): ApiRequestError {
  return new ApiRequestError(400, 'bad_request', message);
}

/** quote shows a caller's name in a message, cut short: it can be anything. */
function quote(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

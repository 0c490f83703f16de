import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import {
  ApprovalServiceClosedError,
  type ApprovalService,
  type Approver,
  type VoteDecision,
} from '../approvals/index.js';
import type { ApproverAuthenticator } from '../approvers/authenticate.js';
import { OidcProviderError } from '../approvers/errors.js';
import type { AuditLog } from '../audit/index.js';
import { ApprovalNotFoundError, InvalidArgumentError } from '../core/errors.js';
import type { AirlockMetrics } from '../metrics/index.js';
import type { Approval } from '../store/index.js';
import { apiErrorBody, ApiRequestError } from './api-errors.js';
import {
  isApiId,
  MAX_BODY_BYTES,
  parseApprovalListQuery,
  parseGrantListQuery,
  parseVoteBody,
} from './request-input.js';
import { type ApprovalListView, approvalView, grantView, type VoteOutcomeView } from './views.js';

/** RestApiOptions are what the REST API serves from. */
export interface RestApiOptions {
  readonly approvals: ApprovalService;
  readonly authenticator: ApproverAuthenticator;
  readonly metrics: AirlockMetrics;
  /** Where refused requests are recorded (`api.refused`); votes are audited by the approval service. */
  readonly audit: AuditLog;
  readonly clock?: () => Date;
  readonly log?: Logger;
}

/** RestApiEnv is what a request carries through the handlers: the authenticated approver. */
export interface RestApiEnv {
  Variables: { approver: Approver };
}

/** VOTE_CONFLICTS are vote refusals about the approval's state, not the voter: answered 409. */
const VOTE_CONFLICTS = new Set(['resolved', 'already-voted', 'grant-not-possible']);
/** A path taken into the audit log is cut to this length: anyone can make one as long as they like. */
const MAX_AUDITED_PATH_LENGTH = 256;
const BEARER_CHALLENGE = 'Bearer realm="airlock"';

/**
 * createRestApi builds the approval REST API (docs/api.md):
 *
 * - `GET /v1/health` and `GET /metrics` need no authentication;
 * - every other `/v1/` route needs `Authorization: Bearer <token>`, an approver API token or an OIDC JWT;
 * - votes go through the approval service, the same rules as every other door, with `via: 'api'`.
 *
 * Every 401 and 403 is audited as `api.refused` (route, method, reason, the approver when known; never the
 * credential) and counted in `airlock_api_refusals_total`. Every answer carries `cache-control: no-store`, and errors
 * are `{"error":{"code","message"}}` without internals: an unexpected failure is logged and answered 500.
 *
 * @example
 * const api = createRestApi({ approvals, authenticator, metrics, audit, log });
 * const app = new Hono().route('/', api); // the caller composes and serves
 */
/** APPROVAL_PATH finds the approval a request is about, for refusals recorded before any route matched. */
const APPROVAL_PATH = /^\/v1\/approvals\/([^/]+)/;

export function createRestApi(options: RestApiOptions): Hono<RestApiEnv> {
  const { approvals, authenticator, metrics, audit, log } = options;
  const clock = options.clock ?? (() => new Date());
  const app = new Hono<RestApiEnv>();

  async function refuse(
    c: Context<RestApiEnv>,
    status: 401 | 403,
    reason: string,
    message: string,
    approver?: Approver,
  ): Promise<Response> {
    // In the `/v1/*` authentication middleware no route has matched yet, so `:id` is read from the path itself.
    const approvalId = c.req.param('id') ?? APPROVAL_PATH.exec(c.req.path)?.[1];
    await audit.append('api.refused', {
      route: c.req.path.slice(0, MAX_AUDITED_PATH_LENGTH),
      method: c.req.method,
      status,
      reason,
      ...(approver === undefined ? {} : { approver: approver.id }),
      ...(approvalId === undefined || !isApiId(approvalId) ? {} : { approval_id: approvalId }),
    });
    metrics.apiRefusalsTotal.inc({ reason });
    if (status === 401) {
      const challenge = reason === 'missing' ? BEARER_CHALLENGE : `${BEARER_CHALLENGE}, error="invalid_token"`;
      c.header('www-authenticate', challenge);
      return c.json(apiErrorBody('unauthenticated', message), 401);
    }
    return c.json(apiErrorBody(reason, message), 403);
  }

  async function vote(c: Context<RestApiEnv>, decision: VoteDecision): Promise<Response> {
    const approver = c.get('approver');
    const id = c.req.param('id') ?? '';
    if (!isApiId(id)) return c.json(apiErrorBody('not_found', 'there is no such approval'), 404);
    const body = parseVoteBody(c.req.header('content-type'), await c.req.text(), decision === 'approve');
    const result = await approvals.vote({
      approvalId: id,
      approver,
      decision,
      ...(body.comment === undefined ? {} : { comment: body.comment }),
      ...(body.grantMinutes === undefined ? {} : { grant: { minutes: body.grantMinutes } }),
      via: 'api',
    });
    if (!result.accepted) {
      if (result.reason === 'not-found') return c.json(apiErrorBody('not_found', result.message), 404);
      if (VOTE_CONFLICTS.has(result.reason)) return c.json(apiErrorBody(result.reason, result.message), 409);
      return refuse(c, 403, result.reason, result.message, approver);
    }
    const answer: VoteOutcomeView = {
      approval: approvalView(result.approval, clock(), approvals.linkFor(result.approval)),
      outcome: result.tally.outcome,
      still_needed: result.tally.stillNeeded,
      ...(result.grant === undefined ? {} : { grant: grantView(result.grant) }),
    };
    return c.json(answer);
  }

  app.use(async function noStore(c, next) {
    await next();
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
  });

  app.get('/v1/health', (c) => c.json({ status: 'ok' }));

  app.get('/metrics', (c) => c.body(metrics.render(), 200, { 'content-type': metrics.contentType }));

  app.use('/v1/*', async function requireApprover(c, next) {
    const authentication = await authenticator.authenticate(c.req.header('authorization'));
    if (!authentication.ok) return refuse(c, 401, authentication.reason, authentication.message);
    c.set('approver', authentication.approver);
    await next();
  });

  app.get('/v1/approvals', async (c) => {
    const query = parseApprovalListQuery(c.req.queries());
    let page: Approval[];
    try {
      // One more than asked tells whether there is a next page without a second query.
      page = await approvals.list({ ...query, limit: query.limit + 1 });
    } catch (error) {
      if (error instanceof ApprovalNotFoundError) {
        throw new ApiRequestError(400, 'bad_request', 'before names no approval');
      }
      throw error;
    }
    const now = clock();
    const shown = page.slice(0, query.limit);
    const answer: ApprovalListView = {
      approvals: shown.map((approval) => approvalView(approval, now, approvals.linkFor(approval))),
      next_before: page.length > query.limit ? (shown.at(-1)?.id ?? null) : null,
    };
    return c.json(answer);
  });

  app.get('/v1/approvals/:id', async (c) => {
    const id = c.req.param('id');
    const approval = isApiId(id) ? await approvals.get(id) : undefined;
    if (approval === undefined) return c.json(apiErrorBody('not_found', 'there is no such approval'), 404);
    return c.json(approvalView(approval, clock(), approvals.linkFor(approval)));
  });

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json(apiErrorBody('payload_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`), 413),
  });
  app.post('/v1/approvals/:id/approve', limitBody, (c) => vote(c, 'approve'));
  app.post('/v1/approvals/:id/deny', limitBody, (c) => vote(c, 'deny'));

  app.get('/v1/grants', async (c) => {
    const query = parseGrantListQuery(c.req.queries());
    const grants = await approvals.listGrants(query);
    return c.json({ grants: grants.map(grantView) });
  });

  app.notFound((c) => c.json(apiErrorBody('not_found', 'no such route'), 404));

  app.onError(function answerError(error, c) {
    c.header('cache-control', 'no-store');
    if (error instanceof ApiRequestError) return c.json(apiErrorBody(error.apiCode, error.message), error.status);
    if (error instanceof InvalidArgumentError) return c.json(apiErrorBody('bad_request', error.message), 400);
    if (error instanceof OidcProviderError || error instanceof ApprovalServiceClosedError) {
      log?.warn({ err: error, path: c.req.path }, 'approval API unavailable');
      return c.json(apiErrorBody('unavailable', 'the service is unavailable; try again shortly'), 503);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(apiErrorBody('bad_request', 'the request could not be read'), error.status as ContentfulStatusCode);
    }
    log?.error({ err: error, method: c.req.method, path: c.req.path }, 'approval API request failed');
    return c.json(apiErrorBody('internal', 'internal error'), 500);
  });

  return app;
}

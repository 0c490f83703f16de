/**
 * api: the approval REST API (Hono), its JSON views, and its error shape. The approval pages and Slack's
 * interactivity live in their own folders beside this one; the server that composes them is in proxy/serve.
 */
export { type ApiErrorBody, apiErrorBody, ApiRequestError } from './api-errors.js';
export { MAX_BODY_BYTES, MAX_COMMENT_LENGTH, MAX_PAGE_SIZE } from './request-input.js';
export { createRestApi, type RestApiEnv, type RestApiOptions } from './rest-api.js';
export { type ApprovalView, approvalView, type GrantView, grantView, type VoteView } from './views.js';

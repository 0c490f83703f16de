/**
 * api/pages: the approval page that chat links open. A signed link shows the decoded call and its votes; voting is a
 * POST from the page with a CSRF token and an approver's token, through the approval service. This file is the
 * folder's only door.
 */
export { type ApprovalPagesOptions, createApprovalPages } from './approval-pages.js';

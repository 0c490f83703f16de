import type { VoteResult } from '../../approvals/index.js';
import { html, type SafeHtml } from './html.js';

/** The short pages: a refusal, and what a vote did. */

/** MessageView is a page's title, body and HTTP status. */
export interface MessageView {
  readonly status: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 500 | 502;
  readonly title: string;
  readonly body: SafeHtml;
}

/** errorView is a plain refusal: a heading and one sentence, nothing about the approval. */
export function errorView(status: MessageView['status'], title: string, message: string): MessageView {
  return {
    status,
    title,
    body: html`<h1>${title}</h1>
      <div class="card"><p>${message}</p></div>`,
  };
}

/** VOTE_REFUSAL_STATUS gives the status of a vote the service refused, by its reason; any other reason is 403. */
const VOTE_REFUSAL_STATUS: Readonly<Record<string, MessageView['status']>> = {
  'not-found': 404,
  resolved: 409,
  'already-voted': 409,
};

/** voteResultView says what a vote did, with a link back to the approval page. */
export function voteResultView(result: VoteResult, decision: string, backLink: string): MessageView {
  const back = html`<p><a href="${backLink}">Back to the approval</a></p>`;
  if (!result.accepted) {
    return {
      status: VOTE_REFUSAL_STATUS[result.reason] ?? 403,
      title: 'Vote not counted',
      body: html`<h1>Vote not counted</h1>
        <div class="card">
          <p class="outcome outcome-refused">Your vote was refused.</p>
          <p>${result.message}</p>
        </div>
        ${back}`,
    };
  }
  const { outcome, stillNeeded } = result.tally;
  const recorded = decision === 'deny' ? 'Your deny is recorded.' : 'Your approval is recorded.';
  const summary: Readonly<Record<typeof outcome, string>> = {
    approved: 'Approved: the call may go ahead, once.',
    pending: `Still pending: it needs ${stillNeeded} more ${stillNeeded === 1 ? 'approval' : 'approvals'}.`,
    denied: 'Denied: the call will be refused.',
    expired: 'Expired: the time to decide had run out.',
  };
  const title = outcome === 'pending' ? 'Vote recorded' : `Approval ${outcome}`;
  return {
    status: 200,
    title,
    body: html`<h1>${title}</h1>
      <div class="card">
        <p>${recorded}</p>
        <p class="outcome outcome-${outcome}" id="outcome">${summary[outcome]}</p>
      </div>
      ${back}`,
  };
}

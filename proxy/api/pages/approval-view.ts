import type { ApprovalState } from '../../approvals/index.js';
import type { Approval } from '../../store/index.js';
import { secondsLeft, shownState } from '../views.js';
import { html, type SafeHtml } from './html.js';

/**
 * The approval page's body: what the held call would do, who asked, why the policy held it, what it needs, the
 * votes so far and the time left, and, while it is pending, the form to vote. Every value comes from the approval
 * and is escaped by `html`; the decoded call's fields were chosen by the agent, so they are shown as text only.
 */

/** The call's fields an approver reads first, in this order, under the names the policy sees. */
const CALL_FIELDS: readonly (readonly [key: string, label: string])[] = [
  ['service', 'Service'],
  ['action', 'Action'],
  ['iam_action', 'IAM action'],
  ['resource', 'Resource'],
  ['account', 'Account'],
  ['environment', 'Environment'],
  ['region', 'Region'],
];

/** VoteForm is what the vote form needs to post back: the link token and the CSRF token, both opaque. */
export interface VoteForm {
  readonly linkToken: string;
  readonly csrfToken: string;
  /** Who the signed-in session is; the form then asks for no token. */
  readonly signedInAs?: string;
  /** Where to sign in with the identity provider, offered next to the token field. */
  readonly signIn?: { readonly href: string; readonly provider: string };
}

/** ApprovalViewOptions are what the page shows beyond the approval itself. */
export interface ApprovalViewOptions {
  readonly now: Date;
  /** Present while votes can be cast; the form is left out otherwise. */
  readonly form?: VoteForm;
}

/** formatTimeLeft says how long is left in words: `14 min left`, `45 s left`, `2 h 5 min left`. */
export function formatTimeLeft(seconds: number): string {
  if (seconds <= 0) return 'no time left';
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** formatUtc writes a time as `2026-11-21 03:15:00 UTC`. */
export function formatUtc(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** renderApprovalView gives the page body for one approval. */
export function renderApprovalView(approval: Approval, options: ApprovalViewOptions): SafeHtml {
  const state = shownState(approval, options.now);
  const call = approval.call;
  const title = `${text(call['iam_action']) ?? text(call['action']) ?? 'A call'} by ${approval.agentId}`;
  return html`
    <h1>${title}</h1>
    <p class="lead">Approval <code>${approval.id}</code> · <span class="state state-${state}">${state}</span></p>
    ${renderTiming(approval, state, options.now)}
    <h2>Why it was held</h2>
    <div class="card"><p>${approval.reason}</p></div>
    <h2>The call</h2>
    <div class="card">
      <table>
        <tbody>
          ${CALL_FIELDS.map(
            ([key, label]) =>
              html`<tr>
                <th scope="row">${label}</th>
                <td>${renderField(call[key])}</td>
              </tr>`,
          )}
          <tr>
            <th scope="row">Agent</th>
            <td><code>${approval.agentId}</code></td>
          </tr>
          <tr>
            <th scope="row">Agent's owner</th>
            <td>${approval.agentOwner}</td>
          </tr>
        </tbody>
      </table>
      <h2>Parameters</h2>
      <pre>${JSON.stringify(call['params'] ?? {}, null, 2)}</pre>
    </div>
    <h2>What it needs</h2>
    <div class="card">${renderRequirement(approval)}</div>
    <h2>Votes</h2>
    <div class="card">${renderVotes(approval)}</div>
    ${state === 'pending' && options.form !== undefined ? renderForm(approval, options.form) : undefined}
  `;
}

function renderTiming(approval: Approval, state: ApprovalState, now: Date): SafeHtml {
  if (state !== 'pending') {
    const resolved = approval.resolvedAt === undefined ? undefined : html` on ${formatUtc(approval.resolvedAt)}`;
    const used =
      approval.usedAt === undefined ? undefined : html` The call went through on ${formatUtc(approval.usedAt)}.`;
    return html`<p>This approval is <strong>${state}</strong>${resolved}; no more votes are taken.${used}</p>`;
  }
  const left = secondsLeft(approval, now);
  return html`<p>
    Expires <time datetime="${approval.expiresAt}">${formatUtc(approval.expiresAt)}</time>:
    <span class="time-left" id="time-left" data-seconds-left="${left}">${formatTimeLeft(left)}</span>
    <span class="muted">(as of ${formatUtc(now.toISOString())})</span>.
  </p>`;
}

function renderRequirement(approval: Approval): SafeHtml {
  const { minApprovers, groups } = approval.requirement;
  const who =
    groups.length === 0
      ? html`any approver`
      : html`approvers in ${groups.map((group, index) => html`${index === 0 ? '' : ', '}<code>${group}</code>`)}`;
  const approvals = minApprovers === 1 ? 'approval' : 'approvals';
  return html`<p>
    ${minApprovers} ${approvals} from ${who}. One deny refuses the call. The agent and its owner cannot vote.
  </p>`;
}

function renderVotes(approval: Approval): SafeHtml {
  if (approval.votes.length === 0) return html`<p class="muted">No votes yet.</p>`;
  const rows = approval.votes.map(
    (vote) =>
      html`<tr>
        <td>${vote.approverId}</td>
        <td>${vote.approverGroups.join(', ')}</td>
        <td class="state-${vote.decision === 'approve' ? 'approved' : 'denied'}">${vote.decision}</td>
        <td>${vote.comment}</td>
        <td>${formatUtc(vote.at)}</td>
      </tr>`,
  );
  return html`<table class="votes">
    <thead>
      <tr>
        <th>Approver</th>
        <th>Groups</th>
        <th>Vote</th>
        <th>Comment</th>
        <th>At</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function renderForm(approval: Approval, form: VoteForm): SafeHtml {
  return html`<h2>Your vote</h2>
    <form class="card" method="post" action="/approvals/${encodeURIComponent(approval.id)}/vote">
      <input type="hidden" name="token" value="${form.linkToken}" />
      <input type="hidden" name="csrf" value="${form.csrfToken}" />
      ${
        form.signedInAs === undefined
          ? renderTokenField(form)
          : html`<p id="signed-in">Signed in as <strong>${form.signedInAs}</strong>.</p>`
      }
      <label>
        <span>Comment <span class="muted">(optional)</span></span>
        <textarea name="comment" maxlength="2000"></textarea>
      </label>
      <div class="buttons">
        <button type="submit" name="decision" value="approve" class="approve">Approve</button>
        <button type="submit" name="decision" value="deny" class="deny">Deny</button>
      </div>
    </form>`;
}

function renderTokenField(form: VoteForm): SafeHtml {
  const signIn =
    form.signIn === undefined
      ? undefined
      : html`<p><a class="sign-in" id="sign-in" href="${form.signIn.href}">Sign in with ${form.signIn.provider}</a></p>
          <p class="muted">Or paste a token:</p>`;
  return html`${signIn}
    <label>
      <span>Your approver token</span>
      <input type="password" name="approver_token" required autocomplete="current-password" spellcheck="false" />
    </label>
    <p class="muted">
      An Airlock approver token (<code>alt_…</code>) or your identity provider's bearer token. It is used for this vote
      only.
    </p>`;
}

function renderField(value: unknown): SafeHtml {
  const shown = text(value);
  return shown === undefined ? html`<span class="muted">–</span>` : html`<code>${shown}</code>`;
}

/** text gives a call field as text: strings as they are, other JSON values as JSON, nothing for absent ones. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

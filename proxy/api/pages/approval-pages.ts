import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import {
  type ApprovalService,
  type Approver,
  type LinkRefusal,
  MIN_LINK_KEY_BYTES,
  verifyApprovalLink,
} from '../../approvals/index.js';
import type { AuditLog } from '../../audit/index.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { secondsLeft, shownState } from '../views.js';
import { renderApprovalView } from './approval-view.js';
import { errorView, type MessageView, voteResultView } from './message-views.js';
import {
  checkCsrfToken,
  CSRF_COOKIE,
  csrfTokenFor,
  deriveCsrfKey,
  isCrossSite,
  isCsrfCookieValue,
  newCsrfCookieValue,
} from './page-csrf.js';
import { renderPage, securityHeaders } from './page-layout.js';

/** ApprovalPagesOptions configure the approval pages that chat messages link to. */
export interface ApprovalPagesOptions {
  readonly approvals: ApprovalService;
  /** The key approval links are signed with (at least 32 bytes); the CSRF key is derived from it. */
  readonly linkKey: Uint8Array;
  /**
   * authenticate gives the approver a bearer token (an Airlock approver token or an OIDC token) stands for, or
   * undefined when it stands for no one.
   */
  readonly authenticate: (bearerToken: string) => Promise<Approver | undefined>;
  readonly audit: AuditLog;
  readonly clock?: () => Date;
  /**
   * Whether the CSRF cookie is `Secure` (and so named `__Host-airlock_csrf`); default true. Turn it off only when
   * the pages are served over plain HTTP, as in local development.
   */
  readonly secureCookies?: boolean;
  /** Where failures (of the store, of `authenticate`) are logged; pages show only that something went wrong. */
  readonly log?: Logger;
}

/** PagesEnv is what a request carries through the pages' handlers: the nonce of its Content-Security-Policy. */
interface PagesEnv {
  Variables: { nonce: string };
}

/** A form holds a few tokens and a comment; anything much larger is not from the page. */
const MAX_FORM_BYTES = 16 * 1024;
const MAX_COMMENT_LENGTH = 2000;
/** Audit records keep at most this much of an id taken from a URL, which anyone can make as long as they like. */
const MAX_AUDITED_ID_LENGTH = 128;

/** Counts the time left down while the page is open; the page says the same without it, as of when it loaded. */
const COUNTDOWN_SCRIPT = `(() => {
  const shown = document.getElementById('time-left');
  if (shown === null) return;
  const end = performance.now() + Number(shown.dataset.secondsLeft) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    shown.textContent = left >= 60 ? Math.floor(left / 60) + ' min ' + (left % 60) + ' s left' : left + ' s left';
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
})();`;

const LINK_REFUSALS: Readonly<Record<LinkRefusal, MessageView>> = {
  forged: errorView(403, 'Link not valid', 'This approval link is not valid. Open the link from the message again.'),
  'wrong-approval': errorView(403, 'Link not valid', 'This link belongs to another approval.'),
  expired: errorView(410, 'Link expired', 'This approval link has expired, and so has the time to decide.'),
};

/**
 * createApprovalPages gives the pages that chat links open:
 *
 * - `GET /approvals/:id?token=T` shows the approval to whoever holds a valid link: the decoded call, who asked, the
 *   policy's reason, what it needs, the votes and the time left, and while pending a form to vote. It changes
 *   nothing: chat clients fetch links to preview them.
 * - `POST /approvals/:id/vote` takes the form: it needs the link token again, a matching CSRF token and cookie, a
 *   same-site request, and an approver's token; then it votes through the approval service like every other door.
 *
 * Refusals (a bad link, a failed CSRF check, an unknown approver) are audited as `page.refused`, never with a token.
 *
 * @throws InvalidArgumentError for a link key shorter than 32 bytes or a missing collaborator
 */
export function createApprovalPages(options: ApprovalPagesOptions): Hono<PagesEnv> {
  const { approvals, linkKey, authenticate, audit } = validateOptions(options);
  const clock = options.clock ?? (() => new Date());
  const secure = options.secureCookies ?? true;
  const cookieName = secure ? CSRF_COOKIE.secure : CSRF_COOKIE.plain;
  const csrfKey = deriveCsrfKey(linkKey);
  const app = new Hono<PagesEnv>();

  app.use('*', async function securePage(c, next) {
    const nonce = randomBytes(16).toString('base64');
    c.set('nonce', nonce);
    await next();
    for (const [name, value] of Object.entries(securityHeaders(nonce))) c.res.headers.set(name, value);
  });

  app.get('/approvals/:id', async function showApproval(c) {
    const id = c.req.param('id');
    const token = c.req.query('token') ?? '';
    const now = clock();
    const link = verifyApprovalLink(token, id, linkKey, now);
    if (!link.ok) return refuse(c, id, link.reason, LINK_REFUSALS[link.reason]);
    const approval = await approvals.get(id);
    if (approval === undefined) {
      return refuse(c, id, 'not-found', errorView(404, 'Approval not found', 'There is no such approval.'));
    }
    const pending = shownState(approval, now) === 'pending';
    const form = pending ? { linkToken: token, csrfToken: csrfTokenFor(csrfKey, issueCsrfCookie(c), id) } : undefined;
    const left = secondsLeft(approval, now);
    return c.html(
      renderPage({
        title: `Approval ${approval.id}`,
        nonce: c.get('nonce'),
        body: renderApprovalView(approval, { now, ...(form === undefined ? {} : { form }) }),
        // Reload when the time is up, so a page left open stops offering a vote that can no longer count.
        ...(pending ? { refreshAfterSeconds: left + 1, script: COUNTDOWN_SCRIPT } : {}),
      }),
      200,
    );
  });

  app.post(
    '/approvals/:id/vote',
    bodyLimit({
      maxSize: MAX_FORM_BYTES,
      onError: (c) => page(c, errorView(413, 'Form too large', 'The form sent was larger than this page makes.')),
    }),
    async function castVote(c) {
      const id = c.req.param('id');
      const now = clock();
      const metadata = {
        secFetchSite: c.req.header('sec-fetch-site'),
        origin: c.req.header('origin'),
        host: new URL(c.req.url).host,
      };
      if (isCrossSite(metadata)) {
        return refuse(c, id, 'cross-site', errorView(403, 'Request refused', 'Votes are taken only from this page.'));
      }
      const form = await c.req.parseBody();
      const field = (name: string): string | undefined => {
        const value = form[name];
        return typeof value === 'string' ? value : undefined;
      };
      const csrf = checkCsrfToken(csrfKey, getCookie(c, cookieName), field('csrf'), id);
      if (csrf !== undefined) {
        const message = 'The form could not be checked. Open the approval link again and vote from that page.';
        return refuse(c, id, csrf, errorView(403, 'Request refused', message));
      }
      const token = field('token') ?? '';
      const link = verifyApprovalLink(token, id, linkKey, now);
      if (!link.ok) return refuse(c, id, link.reason, LINK_REFUSALS[link.reason]);

      const decision = field('decision');
      if (decision !== 'approve' && decision !== 'deny') {
        return page(c, errorView(400, 'No decision', 'Choose Approve or Deny.'));
      }
      const comment = field('comment')?.trim() ?? '';
      if (comment.length > MAX_COMMENT_LENGTH) {
        return page(
          c,
          errorView(400, 'Comment too long', `A comment may be at most ${MAX_COMMENT_LENGTH} characters.`),
        );
      }
      const bearer = field('approver_token')?.trim() ?? '';
      const approver = bearer === '' ? undefined : await authenticate(bearer);
      if (approver === undefined) {
        const message = 'The approver token was not recognised: it may be mistyped, expired or revoked.';
        return refuse(c, id, 'unauthenticated', errorView(401, 'Not recognised', message));
      }
      const result = await approvals.vote({
        approvalId: id,
        approver,
        decision,
        ...(comment === '' ? {} : { comment }),
        via: 'page',
      });
      const backLink = `/approvals/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;
      return page(c, voteResultView(result, decision, backLink));
    },
  );

  app.notFound((c) => page(c, errorView(404, 'Not found', 'There is no such page.')));
  app.onError(function pageFailed(error, c) {
    options.log?.error({ err: error, path: c.req.path }, 'approval page failed');
    const message = 'Your vote may not have been taken. Open the approval link again to see where it stands.';
    return page(c, errorView(500, 'Something went wrong', message));
  });

  /** issueCsrfCookie keeps a browser's CSRF cookie (so pages open in other tabs keep working) or sets a new one. */
  function issueCsrfCookie(c: Context<PagesEnv>): string {
    const existing = getCookie(c, cookieName);
    const value = isCsrfCookieValue(existing) ? existing : newCsrfCookieValue();
    if (secure) {
      setCookie(c, CSRF_COOKIE.secure, value, { httpOnly: true, sameSite: 'Strict', path: '/', secure: true });
    } else {
      setCookie(c, CSRF_COOKIE.plain, value, { httpOnly: true, sameSite: 'Strict', path: '/' });
    }
    return value;
  }

  async function refuse(
    c: Context<PagesEnv>,
    approvalId: string,
    reason: string,
    view: MessageView,
  ): Promise<Response> {
    await audit.append('page.refused', {
      approval_id: approvalId.slice(0, MAX_AUDITED_ID_LENGTH),
      method: c.req.method,
      reason,
    });
    return page(c, view);
  }

  return app;
}

function page(c: Context<PagesEnv>, view: MessageView): Response {
  return c.html(renderPage({ title: view.title, nonce: c.get('nonce'), body: view.body }), view.status);
}

function validateOptions(options: ApprovalPagesOptions): ApprovalPagesOptions {
  if (!(options.linkKey instanceof Uint8Array) || options.linkKey.length < MIN_LINK_KEY_BYTES) {
    throw new InvalidArgumentError(`linkKey must be at least ${MIN_LINK_KEY_BYTES} bytes`);
  }
  if (typeof options.authenticate !== 'function') throw new InvalidArgumentError('authenticate must be a function');
  if (options.approvals === undefined) throw new InvalidArgumentError('approvals is required');
  if (options.audit === undefined) throw new InvalidArgumentError('audit is required');
  return options;
}

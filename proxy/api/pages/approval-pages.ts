import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
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
import {
  createOidcLogin,
  type OidcLogin,
  OidcLoginError,
  type OidcLoginOptions,
  type PendingLogin,
  sameSecret,
} from './oidc-login.js';
import { renderPage, securityHeaders } from './page-layout.js';
import {
  COOKIE_NAMES,
  deriveCookieKey,
  openCookie,
  openSession,
  type PageSession,
  sessionCookieValue,
  signCookie,
} from './session-cookie.js';

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
  /**
   * The identity provider approvers may sign in with instead of pasting a token; without it the page offers no
   * sign-in. Its verifier's audience must be `clientId`, as ID tokens are issued to the client.
   */
  readonly oidcLogin?: OidcLoginOptions;
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
/** A sign-in must come back from the provider within this long. */
const LOGIN_SECONDS = 10 * 60;
/** A session lasts a working day at most; signing in again is one click when the provider still knows the person. */
const SESSION_SECONDS = 8 * 60 * 60;

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
 * - With `oidcLogin`, `GET /approvals/:id/login?token=T` starts a sign-in at the provider (authorization code with
 *   PKCE) and `GET /oidc/callback` finishes it: it sets a signed session cookie and goes back to the page, where the
 *   form then needs no pasted token. Signing in never votes.
 *
 * Refusals (a bad link, a failed CSRF check, an unknown approver, a failed sign-in) are audited as `page.refused`,
 * never with a token.
 *
 * @throws InvalidArgumentError for a link key shorter than 32 bytes or a missing collaborator
 */
export function createApprovalPages(options: ApprovalPagesOptions): Hono<PagesEnv> {
  const { approvals, linkKey, authenticate, audit } = validateOptions(options);
  const clock = options.clock ?? (() => new Date());
  const secure = options.secureCookies ?? true;
  const cookieName = secure ? CSRF_COOKIE.secure : CSRF_COOKIE.plain;
  const csrfKey = deriveCsrfKey(linkKey);
  const loginKey = deriveCookieKey(linkKey, 'oidc-login');
  const sessionKey = deriveCookieKey(linkKey, 'session');
  const loginCookieName = secure ? COOKIE_NAMES['oidc-login'].secure : COOKIE_NAMES['oidc-login'].plain;
  const sessionCookieName = secure ? COOKIE_NAMES.session.secure : COOKIE_NAMES.session.plain;
  const oidcLogin: OidcLogin | undefined =
    options.oidcLogin === undefined ? undefined : createOidcLogin(options.oidcLogin);
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
    const session = openSession(sessionKey, getCookie(c, sessionCookieName), now);
    const form = pending
      ? {
          linkToken: token,
          csrfToken: csrfTokenFor(csrfKey, issueCsrfCookie(c), id),
          ...(session === undefined ? {} : { signedInAs: session.approver.email ?? session.approver.id }),
          ...(session !== undefined || oidcLogin === undefined
            ? {}
            : {
                signIn: {
                  href: `/approvals/${encodeURIComponent(id)}/login?token=${encodeURIComponent(token)}`,
                  provider: oidcLogin.providerName,
                },
              }),
        }
      : undefined;
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

  app.get('/approvals/:id/login', async function startSignIn(c) {
    if (oidcLogin === undefined) return page(c, errorView(404, 'Not found', 'There is no such page.'));
    const id = c.req.param('id');
    const token = c.req.query('token') ?? '';
    const now = clock();
    const link = verifyApprovalLink(token, id, linkKey, now);
    if (!link.ok) return refuse(c, id, link.reason, LINK_REFUSALS[link.reason]);
    let started: Awaited<ReturnType<OidcLogin['start']>>;
    try {
      started = await oidcLogin.start(id, token);
    } catch (error) {
      if (error instanceof OidcLoginError) return refuseSignIn(c, id, error);
      throw error;
    }
    const { pending } = started;
    const value = signCookie(loginKey, {
      state: pending.state,
      nonce: pending.nonce,
      code_verifier: pending.codeVerifier,
      approval_id: pending.approvalId,
      link_token: pending.linkToken,
      exp: Math.floor(now.getTime() / 1000) + LOGIN_SECONDS,
    });
    // Lax, not Strict: the provider's redirect back is a top-level navigation from another site.
    setCookie(c, loginCookieName, value, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: LOGIN_SECONDS,
      ...(secure ? { secure: true } : {}),
    });
    return c.redirect(started.url, 302);
  });

  app.get('/oidc/callback', async function finishSignIn(c) {
    if (oidcLogin === undefined) return page(c, errorView(404, 'Not found', 'There is no such page.'));
    const now = clock();
    const pending = readPendingLogin(getCookie(c, loginCookieName), now);
    // One login cookie serves one callback: a replayed or second callback finds none.
    deleteCookie(c, loginCookieName, { path: '/', ...(secure ? { secure: true } : {}) });
    if (pending === undefined) {
      const message = 'This sign-in has expired or was started in another browser. Open the approval link again.';
      return refuse(c, undefined, 'oidc-login-missing', errorView(400, 'Sign-in not recognised', message));
    }
    if (!sameSecret(c.req.query('state') ?? '', pending.state)) {
      const message = 'This sign-in does not match the one this browser started. Open the approval link again.';
      return refuse(c, pending.approvalId, 'oidc-state-mismatch', errorView(400, 'Sign-in not recognised', message));
    }
    const code = c.req.query('code') ?? '';
    if (c.req.query('error') !== undefined || code === '') {
      const message = 'The identity provider did not sign you in. Open the approval link again to retry.';
      return refuse(c, pending.approvalId, 'oidc-provider-refused', errorView(401, 'Not signed in', message));
    }
    let approver: Approver;
    try {
      approver = await oidcLogin.finish(pending, code);
    } catch (error) {
      if (error instanceof OidcLoginError) return refuseSignIn(c, pending.approvalId, error);
      throw error;
    }
    const session: PageSession = { approver, expiresAt: new Date(now.getTime() + SESSION_SECONDS * 1000) };
    setCookie(c, sessionCookieName, sessionCookieValue(sessionKey, session), {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: SESSION_SECONDS,
      ...(secure ? { secure: true } : {}),
    });
    const back = `/approvals/${encodeURIComponent(pending.approvalId)}?token=${encodeURIComponent(pending.linkToken)}`;
    return c.redirect(back, 303);
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
      // A pasted token names who votes; without one, the signed-in session does.
      const approver =
        bearer === ''
          ? openSession(sessionKey, getCookie(c, sessionCookieName), now)?.approver
          : await authenticate(bearer);
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

  /** readPendingLogin reads the login cookie: undefined when it is missing, not ours, malformed or too old. */
  function readPendingLogin(value: string | undefined, now: Date): PendingLogin | undefined {
    const fields = openCookie(loginKey, value);
    if (fields === undefined) return undefined;
    const { state, nonce, code_verifier: codeVerifier, approval_id: approvalId, link_token: linkToken, exp } = fields;
    if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) return undefined;
    if (
      typeof state !== 'string' ||
      typeof nonce !== 'string' ||
      typeof codeVerifier !== 'string' ||
      typeof approvalId !== 'string' ||
      typeof linkToken !== 'string'
    ) {
      return undefined;
    }
    return { state, nonce, codeVerifier, approvalId, linkToken };
  }

  function refuseSignIn(c: Context<PagesEnv>, approvalId: string, error: OidcLoginError): Promise<Response> {
    if (error.reason === 'oidc-provider-unavailable') {
      options.log?.warn({ err: error }, 'OIDC sign-in could not reach the identity provider');
      const message = 'The identity provider cannot be reached now. Try again in a moment, or paste a token.';
      return refuse(c, approvalId, error.reason, errorView(502, 'Sign-in unavailable', message));
    }
    const message = 'The identity provider’s answer was not accepted. Open the approval link again to retry.';
    return refuse(c, approvalId, error.reason, errorView(401, 'Not signed in', message));
  }

  async function refuse(
    c: Context<PagesEnv>,
    approvalId: string | undefined,
    reason: string,
    view: MessageView,
  ): Promise<Response> {
    await audit.append('page.refused', {
      ...(approvalId === undefined ? {} : { approval_id: approvalId.slice(0, MAX_AUDITED_ID_LENGTH) }),
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

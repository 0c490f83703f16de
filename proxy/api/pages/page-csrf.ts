import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF protection for the approval page's vote form, by double submit: the GET that shows the form sets a random
 * cookie, and the form carries a token derived from that cookie and the approval id with a key only Airlock holds.
 * A POST must bring both, and they must match. Another site can make a browser send the cookie (not with
 * SameSite=Strict, but older browsers ignore that) and cannot read it; it can write a form field and cannot compute
 * the token. Binding the token to the approval id keeps a form for one approval from voting on another.
 *
 * On top, a POST whose `Sec-Fetch-Site` or `Origin` says it came from another site is refused before anything else,
 * as browsers that send those headers tell the truth about them.
 */

/** The key is derived from the link key so deployments configure one secret; the info keeps the two uses apart. */
const CSRF_KEY_INFO = 'airlock/approval-page/csrf/v1';
const CSRF_KEY_BYTES = 32;
const COOKIE_VALUE_BYTES = 32;
/** 32 bytes in base64url without padding. */
const COOKIE_VALUE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** CSRF_COOKIE is the cookie's name: `__Host-` binds it to this host and path `/` when it can be Secure. */
export const CSRF_COOKIE = { secure: '__Host-airlock_csrf', plain: 'airlock_csrf' } as const;

/** CsrfRefusal says why a POST failed the CSRF checks. */
export type CsrfRefusal = 'cross-site' | 'csrf-missing' | 'csrf-mismatch';

/** deriveCsrfKey derives the key that makes form tokens from the approval link key. */
export function deriveCsrfKey(linkKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', linkKey, Buffer.alloc(0), CSRF_KEY_INFO, CSRF_KEY_BYTES));
}

/** newCsrfCookieValue gives a fresh random cookie value. */
export function newCsrfCookieValue(): string {
  return randomBytes(COOKIE_VALUE_BYTES).toString('base64url');
}

/** isCsrfCookieValue tells a cookie value this module could have made from anything else. */
export function isCsrfCookieValue(value: string | undefined): value is string {
  return value !== undefined && COOKIE_VALUE_PATTERN.test(value);
}

/** csrfTokenFor is the form token for one cookie value and one approval. */
export function csrfTokenFor(key: Uint8Array, cookieValue: string, approvalId: string): string {
  return createHmac('sha256', key).update(cookieValue).update('\0').update(approvalId).digest('base64url');
}

/**
 * checkCsrfToken compares a submitted form token with the one the cookie gives, in constant time.
 *
 * @returns undefined when they match, else why not
 */
export function checkCsrfToken(
  key: Uint8Array,
  cookieValue: string | undefined,
  submitted: string | undefined,
  approvalId: string,
): CsrfRefusal | undefined {
  if (!isCsrfCookieValue(cookieValue) || submitted === undefined || submitted === '') return 'csrf-missing';
  if (!TOKEN_PATTERN.test(submitted)) return 'csrf-mismatch';
  const expected = Buffer.from(csrfTokenFor(key, cookieValue, approvalId), 'utf8');
  const presented = Buffer.from(submitted, 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected) ? undefined : 'csrf-mismatch';
}

/** FetchMetadata are the request headers that say where a request came from; any may be absent. */
export interface FetchMetadata {
  readonly secFetchSite: string | undefined;
  readonly origin: string | undefined;
  /** The host the request was sent to, as in its URL: `airlock.example.com` or `127.0.0.1:8443`. */
  readonly host: string;
}

/**
 * isCrossSite tells whether a browser said the request came from another origin. `Sec-Fetch-Site` must be
 * `same-origin` (or `none`, a user's own navigation) when present. `Origin` must name this host when present (the
 * scheme is not compared, so a TLS-terminating reverse proxy in front is fine, provided it keeps the Host header),
 * except `null`: the page's `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on its own form posts.
 * A sandboxed frame elsewhere sends `null` too; modern browsers tell it apart by `Sec-Fetch-Site: cross-site`, and in
 * older ones the CSRF token still stops it.
 */
export function isCrossSite(metadata: FetchMetadata): boolean {
  const site = metadata.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  if (metadata.origin === undefined || metadata.origin === 'null') return false;
  try {
    return new URL(metadata.origin).host !== metadata.host.toLowerCase();
  } catch {
    return true;
  }
}

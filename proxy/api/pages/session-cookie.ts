import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Approver } from '../../approvals/index.js';

/**
 * Signed cookies for the OIDC sign-in: the short-lived one that carries a login's state, nonce and PKCE verifier
 * through the provider's redirect, and the session that says who signed in. Both are `payload.mac`: the payload is
 * base64url JSON, readable by whoever holds the cookie (it holds no secret worth hiding from its own browser: the
 * PKCE verifier is only useful with a code sent to the same browser), and the MAC is HMAC-SHA256 under a key derived
 * from the link key, one per use, so a cookie of one kind is never accepted as the other.
 */

const KEY_BYTES = 32;
const MAC_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const PAYLOAD_PATTERN = /^[A-Za-z0-9_-]{1,3000}$/;

/** SignedCookieKind names what a key signs; the HKDF info keeps the keys apart. */
export type SignedCookieKind = 'oidc-login' | 'session';

const KEY_INFO: Readonly<Record<SignedCookieKind, string>> = {
  'oidc-login': 'airlock/approval-page/oidc-login/v1',
  session: 'airlock/approval-page/session/v1',
};

/** COOKIE_NAMES are the cookies' names: `__Host-` binds them to this host and path `/` when they can be Secure. */
export const COOKIE_NAMES: Readonly<Record<SignedCookieKind, { readonly secure: string; readonly plain: string }>> = {
  'oidc-login': { secure: '__Host-airlock_oidc_login', plain: 'airlock_oidc_login' },
  session: { secure: '__Host-airlock_session', plain: 'airlock_session' },
};

/** deriveCookieKey derives the key for one kind of cookie from the approval link key. */
export function deriveCookieKey(linkKey: Uint8Array, kind: SignedCookieKind): Buffer {
  return Buffer.from(hkdfSync('sha256', linkKey, Buffer.alloc(0), KEY_INFO[kind], KEY_BYTES));
}

/** signCookie gives the cookie value for a JSON payload. */
export function signCookie(key: Uint8Array, payload: object): string {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${mac(key, encoded)}`;
}

/**
 * openCookie checks a cookie value's MAC in constant time and parses its payload.
 *
 * @returns the payload's fields, or undefined when the value is absent, malformed or not signed with `key`
 */
export function openCookie(key: Uint8Array, value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const [encoded = '', presented = '', extra] = value.split('.');
  if (extra !== undefined || !PAYLOAD_PATTERN.test(encoded) || !MAC_PATTERN.test(presented)) return undefined;
  const expected = Buffer.from(mac(key, encoded), 'utf8');
  if (!timingSafeEqual(Buffer.from(presented, 'utf8'), expected)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** PageSession is who signed in on the approval pages, until when. */
export interface PageSession {
  readonly approver: Approver;
  readonly expiresAt: Date;
}

/** sessionCookieValue signs a session. */
export function sessionCookieValue(key: Uint8Array, session: PageSession): string {
  const { approver } = session;
  return signCookie(key, {
    id: approver.id,
    groups: approver.groups,
    ...(approver.email === undefined ? {} : { email: approver.email }),
    exp: Math.floor(session.expiresAt.getTime() / 1000),
  });
}

/** openSession reads a session cookie: undefined when it is missing, not ours, malformed or expired at `now`. */
export function openSession(key: Uint8Array, value: string | undefined, now: Date): PageSession | undefined {
  const fields = openCookie(key, value);
  if (fields === undefined) return undefined;
  const { id, groups, email, exp } = fields;
  if (typeof id !== 'string' || id === '' || typeof exp !== 'number') return undefined;
  if (!Array.isArray(groups) || !groups.every((group): group is string => typeof group === 'string')) return undefined;
  if (email !== undefined && typeof email !== 'string') return undefined;
  if (exp * 1000 <= now.getTime()) return undefined;
  return {
    approver: { id, groups: [...groups], ...(email === undefined ? {} : { email }) },
    expiresAt: new Date(exp * 1000),
  };
}

function mac(key: Uint8Array, encoded: string): string {
  return createHmac('sha256', key).update(encoded).digest('base64url');
}

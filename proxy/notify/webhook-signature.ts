import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The generic webhook's signature, in the style of Stripe's: `X-Airlock-Signature: t=<unix seconds>,v1=<hex>` where
 * hex is HMAC-SHA256 under the shared secret of `<t>.<raw body>`. Signing the time stops a captured request from
 * being replayed later than the receiver's tolerance; `v1` leaves room for another scheme beside it.
 */

/** SIGNATURE_HEADER is the header that carries the signature. */
export const SIGNATURE_HEADER = 'x-airlock-signature';

/** signWebhookBody gives the header value for a body sent at `unixSeconds`. */
export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${webhookMac(secret, unixSeconds, body)}`;
}

/** SignatureCheck is `verifyWebhookSignature`'s answer. */
export type SignatureCheck =
  { readonly valid: true } | { readonly valid: false; readonly reason: 'malformed' | 'mismatch' | 'stale' };

/**
 * verifyWebhookSignature checks a received header against the raw body, for receivers written in TypeScript and for
 * tests: the MAC first (in constant time), then that `t` is within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): SignatureCheck {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (t === undefined || v1 === undefined || !/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) {
    return { valid: false, reason: 'malformed' };
  }
  const expected = Buffer.from(webhookMac(secret, Number(t), body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { valid: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return { valid: false, reason: 'stale' };
  return { valid: true };
}

function webhookMac(secret: string, unixSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
}

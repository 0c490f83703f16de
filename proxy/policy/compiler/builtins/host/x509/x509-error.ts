/** Errors of the Go code paths ported here, carrying Go's own message ("x509: malformed certificate", …). */

/** X509Error is an error crypto/x509 (or crypto/tls, encoding/asn1 underneath) returns, with its message. */
export class X509Error extends Error {}

/** fail throws an X509Error; typed `never` so that `value ?? fail(…)` narrows. */
export function fail(message: string): never {
  throw new X509Error(message);
}

/**
 * REDACTED stands in for a secret wherever Airlock shows a value it must not: a sensitive call parameter in the
 * policy input and on the approval page, a credential in a log line or an inspected object, a secret-looking key in
 * the audit log. One value everywhere, so data redacted by one part is accepted as redacted by every other.
 */
export const REDACTED = '[redacted]';

/**
 * The project's one error base and its shared subclasses. Callers branch on `code`, never on message text.
 * Stages add their own subclasses here, one short class each, with a code `AIRLOCK_ERR_*`.
 */

/** AirlockError is the base of every error Airlock raises on purpose. */
export class AirlockError extends Error {
  override readonly name: string = 'AirlockError';
  readonly code: string = 'AIRLOCK_ERR';
}

/** InvalidArgumentError: a caller passed an option or value that cannot work (misconfiguration, a bug upstream). */
export class InvalidArgumentError extends AirlockError {
  override readonly name: string = 'InvalidArgumentError';
  override readonly code: string = 'AIRLOCK_ERR_INVALID_ARGUMENT';
}

/** CredentialsError: Airlock could not obtain or parse its own upstream credentials. Never carries a secret. */
export class CredentialsError extends AirlockError {
  override readonly name: string = 'CredentialsError';
  override readonly code: string = 'AIRLOCK_ERR_CREDENTIALS';
}

// ---------------------------------------------------------------------------------------------------------------
// Agent authentication failures. Each one knows what AWS itself answers for the same failure, so the listen stage
// can render a refusal that SDKs recognise (botocore, for example, corrects its clock on `RequestTimeTooSkewed`).

/**
 * AwsErrorDialect names the families of AWS error vocabulary: S3; query-style services (IAM, STS, RDS, and rest-xml
 * services such as Route 53); EC2; and JSON-style services (json and rest-json protocols: DynamoDB, KMS, Lambda...).
 */
export type AwsErrorDialect = 's3' | 'query' | 'ec2' | 'json';

/** AwsErrorCode is the `Code` (or `__type`) and HTTP status AWS returns. */
export interface AwsErrorCode {
  readonly code: string;
  readonly status: number;
}

/** AwsErrorCodes gives the AWS answer for each dialect. */
export type AwsErrorCodes = Readonly<Record<AwsErrorDialect, AwsErrorCode>>;

/** AgentAuthenticationErrorOptions are the extras every authentication failure may carry. */
export interface AgentAuthenticationErrorOptions {
  /** Signing name from the credential scope, when it could be read: selects the S3 vocabulary for `s3`. */
  service?: string | undefined;
  /** Replaces the class's default AWS codes where AWS answers this particular case differently. */
  awsCodes?: Partial<AwsErrorCodes> | undefined;
  cause?: unknown;
}

function codes(s3: [string, number], query: [string, number], json: [string, number], ec2 = query): AwsErrorCodes {
  const pair = ([code, status]: [string, number]): AwsErrorCode => ({ code, status });
  return { s3: pair(s3), query: pair(query), ec2: pair(ec2), json: pair(json) };
}

/**
 * AgentAuthenticationError is any failure to establish who sent a request. Its `message` is written to be shown to
 * the agent (it mirrors AWS's own wording) and never contains a secret.
 */
export abstract class AgentAuthenticationError extends AirlockError {
  override readonly name: string = 'AgentAuthenticationError';
  /** The signing name from the credential scope, if known. */
  readonly service: string | undefined;
  readonly #awsCodes: AwsErrorCodes;

  protected constructor(message: string, defaults: AwsErrorCodes, options: AgentAuthenticationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.service = options.service;
    this.#awsCodes = { ...defaults, ...options.awsCodes };
  }

  /** awsCode is the error code AWS returns for this failure: S3's vocabulary for `s3`, the query vocabulary else. */
  get awsCode(): string {
    return this.awsErrorFor(this.service === 's3' ? 's3' : 'query').code;
  }

  /** httpStatus is the status AWS uses with `awsCode`. */
  get httpStatus(): number {
    return this.awsErrorFor(this.service === 's3' ? 's3' : 'query').status;
  }

  /** awsErrorFor gives the code and status for a protocol family, for renderers that know the protocol. */
  awsErrorFor(dialect: AwsErrorDialect): AwsErrorCode {
    return this.#awsCodes[dialect];
  }
}

/** MissingAuthenticationError: the request carries no SigV4 authentication at all. */
export class MissingAuthenticationError extends AgentAuthenticationError {
  override readonly name: string = 'MissingAuthenticationError';
  override readonly code: string = 'AIRLOCK_ERR_MISSING_AUTH';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(
      ['AccessDenied', 403],
      ['MissingAuthenticationToken', 403],
      ['MissingAuthenticationTokenException', 403],
    );
    super(message, defaults, options);
  }
}

/** MalformedAuthorizationError: authentication is present but cannot be parsed or is inconsistent. */
export class MalformedAuthorizationError extends AgentAuthenticationError {
  override readonly name: string = 'MalformedAuthorizationError';
  override readonly code: string = 'AIRLOCK_ERR_MALFORMED_AUTH';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(
      ['AuthorizationHeaderMalformed', 400],
      ['IncompleteSignature', 400],
      ['IncompleteSignatureException', 400],
    );
    super(message, defaults, options);
  }
}

/** UnsupportedAuthenticationError: a scheme Airlock refuses (SigV2, SigV4a, event-stream signing). */
export class UnsupportedAuthenticationError extends AgentAuthenticationError {
  override readonly name: string = 'UnsupportedAuthenticationError';
  override readonly code: string = 'AIRLOCK_ERR_UNSUPPORTED_AUTH';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(
      ['InvalidRequest', 400],
      ['IncompleteSignature', 400],
      ['IncompleteSignatureException', 400],
    );
    super(message, defaults, options);
  }
}

/** UnknownAccessKeyError: the access key id is not one Airlock issued (or it was revoked). */
export class UnknownAccessKeyError extends AgentAuthenticationError {
  override readonly name: string = 'UnknownAccessKeyError';
  override readonly code: string = 'AIRLOCK_ERR_UNKNOWN_ACCESS_KEY';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(
      ['InvalidAccessKeyId', 403],
      ['InvalidClientTokenId', 403],
      ['UnrecognizedClientException', 403],
      ['AuthFailure', 401],
    );
    super(message, defaults, options);
  }
}

/**
 * SignatureMismatchError: the signature (of the request, a chunk, or a trailer) is not the one the agent's secret
 * gives. Carries the canonical request and string to sign, as S3 does, so an agent's author can debug.
 */
export class SignatureMismatchError extends AgentAuthenticationError {
  override readonly name: string = 'SignatureMismatchError';
  override readonly code: string = 'AIRLOCK_ERR_SIGNATURE';
  readonly canonicalRequest: string | undefined;
  readonly stringToSign: string | undefined;
  constructor(
    message: string,
    options?: AgentAuthenticationErrorOptions & { canonicalRequest?: string; stringToSign?: string },
  ) {
    const defaults = codes(
      ['SignatureDoesNotMatch', 403],
      ['SignatureDoesNotMatch', 403],
      ['InvalidSignatureException', 403],
      ['AuthFailure', 401],
    );
    super(message, defaults, options);
    this.canonicalRequest = options?.canonicalRequest;
    this.stringToSign = options?.stringToSign;
  }
}

/** RequestExpiredReason tells the three ways a request's time can be wrong. */
export type RequestExpiredReason = 'clock-skew' | 'presign-expired' | 'presign-not-yet-valid';

/** RequestExpiredError: the request's date is outside the 15-minute window, or a presigned URL has expired. */
export class RequestExpiredError extends AgentAuthenticationError {
  override readonly name: string = 'RequestExpiredError';
  override readonly code: string = 'AIRLOCK_ERR_REQUEST_EXPIRED';
  readonly reason: RequestExpiredReason;
  constructor(message: string, reason: RequestExpiredReason, options?: AgentAuthenticationErrorOptions) {
    // S3 answers skew with RequestTimeTooSkewed and an expired presigned URL with AccessDenied "Request has expired".
    // IAM and STS answer skew with SignatureDoesNotMatch "Signature expired: ..." (botocore keys its clock correction
    // on that text); JSON services with InvalidSignatureException; EC2 with RequestExpired.
    const defaults =
      reason === 'clock-skew'
        ? codes(
            ['RequestTimeTooSkewed', 403],
            ['SignatureDoesNotMatch', 403],
            ['InvalidSignatureException', 403],
            ['RequestExpired', 400],
          )
        : codes(['AccessDenied', 403], ['RequestExpired', 400], ['RequestExpired', 400]);
    super(message, defaults, options);
    this.reason = reason;
  }
}

/** PayloadHashMismatchError: the body received does not hash to the signed `x-amz-content-sha256`. */
export class PayloadHashMismatchError extends AgentAuthenticationError {
  override readonly name: string = 'PayloadHashMismatchError';
  override readonly code: string = 'AIRLOCK_ERR_PAYLOAD_HASH';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(
      ['XAmzContentSHA256Mismatch', 400],
      ['SignatureDoesNotMatch', 403],
      ['InvalidSignatureException', 403],
      ['AuthFailure', 401],
    );
    super(message, defaults, options);
  }
}

/** PayloadTooLargeError: a body that has to be buffered to be verified is larger than the configured limit. */
export class PayloadTooLargeError extends AgentAuthenticationError {
  override readonly name: string = 'PayloadTooLargeError';
  override readonly code: string = 'AIRLOCK_ERR_PAYLOAD_TOO_LARGE';
  constructor(message: string, options?: AgentAuthenticationErrorOptions) {
    const defaults = codes(['EntityTooLarge', 400], ['RequestEntityTooLarge', 413], ['RequestEntityTooLarge', 413]);
    super(message, defaults, options);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration and the agent registry. None of these carries a secret or a configuration value, only names.

/** ConfigError: airlock.yaml cannot be read, parsed or validated. `path` names the key, as in `limits.max_header_bytes`. */
export class ConfigError extends AirlockError {
  override readonly name: string = 'ConfigError';
  override readonly code: string = 'AIRLOCK_ERR_CONFIG';
  /** The dotted path of the offending key (`accounts[0].credentials.type`), or undefined for the file as a whole. */
  readonly path: string | undefined;
  constructor(message: string, path?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** AgentExistsError: an agent with this name is already registered. */
export class AgentExistsError extends AirlockError {
  override readonly name: string = 'AgentExistsError';
  override readonly code: string = 'AIRLOCK_ERR_AGENT_EXISTS';
}

/** AgentNotFoundError: no agent with this name is registered. */
export class AgentNotFoundError extends AirlockError {
  override readonly name: string = 'AgentNotFoundError';
  override readonly code: string = 'AIRLOCK_ERR_AGENT_NOT_FOUND';
}

/** AgentRegistryError: the registry's files cannot be read, written or locked, or agents.json is malformed. */
export class AgentRegistryError extends AirlockError {
  override readonly name: string = 'AgentRegistryError';
  override readonly code: string = 'AIRLOCK_ERR_AGENT_REGISTRY';
}

/** SecretsKeyError: the key that encrypts agent secrets is missing, malformed, exposed, or not the one in use. */
export class SecretsKeyError extends AirlockError {
  override readonly name: string = 'SecretsKeyError';
  override readonly code: string = 'AIRLOCK_ERR_SECRETS_KEY';
}

/** LinkKeyError: the key that signs approval links cannot be read or created, or others can read it. */
export class LinkKeyError extends AirlockError {
  override readonly name: string = 'LinkKeyError';
  override readonly code: string = 'AIRLOCK_ERR_LINK_KEY';
}

/**
 * AgentSecretIntegrityError: an agent's encrypted secret failed authentication, so its record in agents.json was
 * altered, moved to another agent, or written with another key. The call is refused; an operator should look.
 */
export class AgentSecretIntegrityError extends AirlockError {
  override readonly name: string = 'AgentSecretIntegrityError';
  override readonly code: string = 'AIRLOCK_ERR_AGENT_SECRET_INTEGRITY';
}

// ---------------------------------------------------------------------------------------------------------------
// The listen stage.

/** CertificateAuthorityError: Airlock's CA files are unsafe or unusable (a readable key, a cert that is not its pair). */
export class CertificateAuthorityError extends AirlockError {
  override readonly name: string = 'CertificateAuthorityError';
  override readonly code: string = 'AIRLOCK_ERR_CERTIFICATE_AUTHORITY';
}

/** RequestBodyError: a request body being buffered broke its framing (more or fewer bytes than declared) or ended. */
export class RequestBodyError extends AirlockError {
  override readonly name: string = 'RequestBodyError';
  override readonly code: string = 'AIRLOCK_ERR_REQUEST_BODY';
}

// ---------------------------------------------------------------------------------------------------------------
// Forwarding failures.

/**
 * UpstreamFailureReason says how forwarding failed. Timeouts are answered 504, `aborted` not at all (the agent is
 * gone), everything else 502.
 */
export type UpstreamFailureReason =
  | 'connect-failed'
  | 'connect-timeout'
  | 'tls'
  | 'headers-timeout'
  | 'body-timeout'
  | 'connection-lost'
  | 'request-body-failed'
  | 'protocol'
  | 'invalid-request'
  | 'aborted'
  | 'closed';

/**
 * UpstreamError: a request could not be sent upstream, or its response could not be read. The message names the
 * upstream origin and what went wrong, never the request's path, headers or credentials.
 */
export class UpstreamError extends AirlockError {
  override readonly name: string = 'UpstreamError';
  override readonly code: string = 'AIRLOCK_ERR_UPSTREAM';
  readonly reason: UpstreamFailureReason;
  /** The upstream origin (`https://sts.amazonaws.com`, `http://127.0.0.1:5000`). */
  readonly origin: string;
  constructor(message: string, reason: UpstreamFailureReason, origin: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.origin = origin;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Durable state: the store of approvals, grants, approver tokens and the audit log.

/** StoreError: the store cannot be opened, migrated or used (an unsafe file, a closed store, a broken database). */
export class StoreError extends AirlockError {
  override readonly name: string = 'StoreError';
  override readonly code: string = 'AIRLOCK_ERR_STORE';
}

/** StoreVersionError: the database was written by a newer Airlock, whose schema this one does not know. */
export class StoreVersionError extends StoreError {
  override readonly name: string = 'StoreVersionError';
  override readonly code: string = 'AIRLOCK_ERR_STORE_VERSION';
}

/** StoreConflictError: a record with this id (or this token hash) is already stored. */
export class StoreConflictError extends AirlockError {
  override readonly name: string = 'StoreConflictError';
  override readonly code: string = 'AIRLOCK_ERR_STORE_CONFLICT';
}

/** ApprovalNotFoundError: no approval has this id. */
export class ApprovalNotFoundError extends AirlockError {
  override readonly name: string = 'ApprovalNotFoundError';
  override readonly code: string = 'AIRLOCK_ERR_APPROVAL_NOT_FOUND';
}

/** ApprovalStateError: the approval can no longer take this step (it is resolved, or its time ran out). */
export class ApprovalStateError extends AirlockError {
  override readonly name: string = 'ApprovalStateError';
  override readonly code: string = 'AIRLOCK_ERR_APPROVAL_STATE';
  /** The approval's state when the step was refused: `pending` here means its time had run out. */
  readonly state: string;
  constructor(message: string, state: string) {
    super(message);
    this.state = state;
  }
}

/** DuplicateVoteError: this approver has already voted on this approval; a vote is never replaced. */
export class DuplicateVoteError extends AirlockError {
  override readonly name: string = 'DuplicateVoteError';
  override readonly code: string = 'AIRLOCK_ERR_DUPLICATE_VOTE';
}

/** GrantNotFoundError: no grant has this id. */
export class GrantNotFoundError extends AirlockError {
  override readonly name: string = 'GrantNotFoundError';
  override readonly code: string = 'AIRLOCK_ERR_GRANT_NOT_FOUND';
}

/** AuditSequenceError: an audit record's `seq` is not one more than the last stored one (a gap or a duplicate). */
export class AuditSequenceError extends AirlockError {
  override readonly name: string = 'AuditSequenceError';
  override readonly code: string = 'AIRLOCK_ERR_AUDIT_SEQUENCE';
}

// ---------------------------------------------------------------------------------------------------------------
// The audit log. Messages name files, keys and record numbers, never a key's bytes or a record's data.

/** AuditKeyError: an audit key (the HMAC key or the checkpoint signing key) is missing, malformed or exposed. */
export class AuditKeyError extends AirlockError {
  override readonly name: string = 'AuditKeyError';
  override readonly code: string = 'AIRLOCK_ERR_AUDIT_KEY';
}

/**
 * AuditDataError: a record's data cannot go into the audit log: it is not plain JSON, or a key looks like it holds
 * a secret. A bug in the caller, which must leave secrets out (or redact them) before appending.
 */
export class AuditDataError extends AirlockError {
  override readonly name: string = 'AuditDataError';
  override readonly code: string = 'AIRLOCK_ERR_AUDIT_DATA';
  /** Where in the data the problem is, as in `data.params.Credentials.SecretAccessKey`. */
  readonly path: string;
  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

/**
 * AuditLogFailureReason says why the audit log refused an operation: it is closing; other processes won every
 * attempt to append; or the stored head does not verify with this process's keys (a changed key, an edited or
 * truncated log), so extending it would hide the problem.
 */
export type AuditLogFailureReason = 'closed' | 'contended' | 'unverified-head';

/** AuditLogError: the audit log could not append or checkpoint, for `reason`. */
export class AuditLogError extends AirlockError {
  override readonly name: string = 'AuditLogError';
  override readonly code: string = 'AIRLOCK_ERR_AUDIT_LOG';
  readonly reason: AuditLogFailureReason;
  constructor(message: string, reason: AuditLogFailureReason, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}

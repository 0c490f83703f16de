import { AirlockError } from '../core/errors.js';

/** CliUsageError: a command line that cannot be run as written; exit code 2, with the usage text. */
export class CliUsageError extends AirlockError {
  override readonly name: string = 'CliUsageError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_USAGE';
}

/** ApiTokenError: `AIRLOCK_TOKEN` is not set, or holds something that cannot be a bearer token. */
export class ApiTokenError extends AirlockError {
  override readonly name: string = 'ApiTokenError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_API_TOKEN';
}

/** ApiUnreachableError: the approval API could not be reached, or did not answer in time. */
export class ApiUnreachableError extends AirlockError {
  override readonly name: string = 'ApiUnreachableError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_API_UNREACHABLE';
}

/**
 * ApiResponseError: the approval API answered with an error status, or with a body that is not what the contract
 * says. `message` is the API's own message when it gave one (for a 403, the rule that refused the vote).
 */
export class ApiResponseError extends AirlockError {
  override readonly name: string = 'ApiResponseError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_API_RESPONSE';
  /** The HTTP status. */
  readonly status: number;
  /** The API's error code (`agent-owner`, `already-voted`, `not_found`…), when it sent one. */
  readonly apiCode: string | undefined;
  constructor(message: string, status: number, apiCode: string | undefined) {
    super(message);
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** ApproverTokenNotFoundError: no approver token has this id (never issued, or already revoked). */
export class ApproverTokenNotFoundError extends AirlockError {
  override readonly name: string = 'ApproverTokenNotFoundError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_APPROVER_TOKEN_NOT_FOUND';
}

/** AuditLogMissingError: there is no store in the state directory, so no audit log to verify or export. */
export class AuditLogMissingError extends AirlockError {
  override readonly name: string = 'AuditLogMissingError';
  override readonly code: string = 'AIRLOCK_ERR_CLI_AUDIT_LOG_MISSING';
}

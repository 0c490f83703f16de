import { AirlockError } from '../core/errors.js';

/** ApiErrorBody is every error answer's JSON: `{"error":{"code","message"}}`. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * ApiRequestError: a request the API refuses as asked (a malformed body or query, an unsupported media type). The
 * REST API's error handler answers it with `status` and `{"error":{"code","message"}}`; the message is written for
 * the caller and holds nothing secret.
 */
export class ApiRequestError extends AirlockError {
  override readonly name: string = 'ApiRequestError';
  override readonly code: string = 'AIRLOCK_ERR_API_REQUEST';
  readonly status: 400 | 404 | 409 | 413 | 415;
  /** The code in the error body: `bad_request`, `not_found`, `unsupported_media_type`... */
  readonly apiCode: string;
  constructor(status: ApiRequestError['status'], apiCode: string, message: string) {
    super(message);
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** apiErrorBody builds the error JSON. */
export function apiErrorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/*
 * The two ways a host built-in fails. OPA's own built-in errors (a bad operand, an unparsable timestamp) make the
 * call undefined in OPA's default, non-strict mode, and are raised only when strict built-in errors are asked for;
 * Airlock's limits (a number too large to handle exactly, a call outside what the host can represent) always abort
 * the evaluation, because a policy engine that answers wrong is worse than one that refuses.
 *
 * TODO(lead): move these under the AirlockError base in proxy/core/errors.ts once it exists.
 */

/** BuiltinErrorCode is OPA's code for a built-in's run-time error. */
export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error';

/**
 * BuiltinError is an error OPA's built-in raises, with OPA's message (`time.parse_rfc3339_ns: …`). In non-strict
 * mode the call is undefined instead.
 */
export class BuiltinError extends Error {
  override readonly name = 'BuiltinError';
  readonly code: BuiltinErrorCode;

  constructor(message: string, code: BuiltinErrorCode = 'eval_builtin_error') {
    super(message);
    this.code = code;
  }
}

/**
 * HostLimitError says a host built-in cannot give OPA's exact answer here (a number past 2^53 that the SDK's JSON
 * bridge already rounded, a set that must be returned through a JSON array). It always aborts the evaluation.
 */
export class HostLimitError extends Error {
  override readonly name = 'HostLimitError';
  readonly code = 'AIRLOCK_ERR_BUILTIN_LIMIT';
}

/** builtinFailure is a BuiltinError for `builtin` with OPA's `name: detail` message. */
export function builtinFailure(builtin: string, detail: string): BuiltinError {
  return new BuiltinError(`${builtin}: ${detail}`, 'eval_builtin_error');
}

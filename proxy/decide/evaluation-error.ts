/**
 * EvaluationErrorClass names what went wrong while a compiled policy evaluated, in OPA's vocabulary where OPA has a
 * word for it. Only the class reaches an agent (in the deny's reason); the message goes to the operator.
 *
 * - `eval_conflict_error`: a complete rule or function gave two different values, an object two values for a key.
 * - `eval_builtin_error`, `eval_type_error`: a built-in raised (strict built-in errors, or one of Airlock's limits).
 * - `eval_runtime_error`: the policy's code stopped (a trap, memory exhausted, a runtime limit).
 * - `eval_internal_error`: anything else, which means a bug outside the policy (an input JSON cannot carry).
 */
export type EvaluationErrorClass =
  'eval_conflict_error' | 'eval_builtin_error' | 'eval_type_error' | 'eval_runtime_error' | 'eval_internal_error';

/** EvaluationFailure is a thrown value made safe to log: a class, and a message without a stack. */
export interface EvaluationFailure {
  errorClass: EvaluationErrorClass;
  message: string;
}

const MESSAGE_LIMIT = 500;

/**
 * classifyEvaluationError reads what `evaluate` threw. The runtime aborts with a bare string
 * (`airlock.rego:12:3: var assignment conflict`), host built-ins throw errors carrying OPA's `code`, and the
 * WebAssembly engine throws its own error types.
 */
export function classifyEvaluationError(thrown: unknown): EvaluationFailure {
  if (typeof thrown === 'string') {
    const errorClass = thrown.endsWith('conflict') ? 'eval_conflict_error' : 'eval_runtime_error';
    return { errorClass, message: clip(thrown) };
  }
  const message = clip(messageOf(thrown));
  const code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  if (code === 'eval_type_error') return { errorClass: 'eval_type_error', message };
  if (code === 'eval_builtin_error' || code === 'AIRLOCK_ERR_BUILTIN_LIMIT') {
    return { errorClass: 'eval_builtin_error', message };
  }
  // RangeError: the Wasm memory could not grow.
  if (thrown instanceof WebAssembly.RuntimeError || thrown instanceof RangeError) {
    return { errorClass: 'eval_runtime_error', message };
  }
  return { errorClass: 'eval_internal_error', message };
}

function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  const message = typeof thrown === 'object' && thrown !== null ? (thrown as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(thrown);
}

function clip(text: string): string {
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 3)}...` : text;
}

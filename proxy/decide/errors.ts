import { AirlockError } from '../core/errors.js';

/**
 * PolicyRejectedError: a policy directory could not become the policy in force. It failed to read, to compile, to
 * load, did not define `airlock/decision`, or failed its smoke evaluation. Thrown only when the engine starts; on a
 * hot reload the same diagnostics arrive as a `policy-rejected` event and the previous policy stays in force.
 */
export class PolicyRejectedError extends AirlockError {
  override readonly name: string = 'PolicyRejectedError';
  override readonly code: string = 'AIRLOCK_ERR_POLICY_REJECTED';
  /** One line per problem; compile problems as `file:row:col: code: message`. */
  readonly diagnostics: readonly string[];
  /** The version of the rejected sources, when they could be read. */
  readonly version: string | undefined;

  constructor(dir: string, diagnostics: readonly string[], version: string | undefined, cause?: unknown) {
    super(`policy in ${dir} rejected:\n${diagnostics.join('\n')}`, cause === undefined ? undefined : { cause });
    this.diagnostics = diagnostics;
    this.version = version;
  }
}

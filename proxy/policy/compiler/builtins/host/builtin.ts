/** The shape every host built-in implementation has, before the bridge (index.ts) wraps it for the SDK. */

import type { EvaluationScope } from './context.js';
import type { RegoValue } from './value.js';

/** HostCall is what a host built-in may use besides its arguments. */
export interface HostCall {
  /** The evaluation under way (for time.now_ns and other per-evaluation state). */
  readonly scope: EvaluationScope;
  /** Where `print` output goes. */
  readonly print: (line: string) => void;
}

/**
 * HostBuiltinImpl computes one built-in: its decoded arguments in, its answer out, `undefined` for undefined.
 *
 * @throws {BuiltinError} for OPA's own errors (undefined in non-strict mode).
 * @throws {HostLimitError} where the host cannot answer exactly (always aborts the evaluation).
 */
export type HostBuiltinImpl = (args: readonly RegoValue[], call: HostCall) => RegoValue | undefined;

/** HostBuiltinTable maps OPA built-in names to their host implementations. */
export type HostBuiltinTable = Readonly<Record<string, HostBuiltinImpl>>;

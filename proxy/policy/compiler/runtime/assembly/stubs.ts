// The two functions whose bodies the linker replaces with the compiled policy. Their bodies here only make an
// unlinked runtime behave sensibly (no constants; entrypoint 0 yields nothing, any other is unknown). They differ
// from every other function so that binaryen does not merge them with one, and scripts/build-runtime.mjs marks
// them never to be inlined: a copy inlined into a caller would keep running the stub after linking.

import { abortWith } from './abort';
import { setManifest } from './manifest';
import { opa_object } from './values';

/** airlock_policy_init creates the policy's constants; the linker replaces its body. */
export function airlock_policy_init(): void {
  setManifest(opa_object(), opa_object());
}

/** airlock_policy_eval runs plan `entrypoint`, adding results to `resultSet`; the linker replaces its body. */
export function airlock_policy_eval(entrypoint: i32, input: usize, data: usize, resultSet: usize): void {
  if (entrypoint != 0) abortWith('internal: illegal entrypoint id');
}

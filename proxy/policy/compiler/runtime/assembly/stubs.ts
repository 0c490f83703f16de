// The two functions whose bodies the linker replaces with the compiled policy. Their bodies here only make an
// unlinked runtime behave sensibly (no constants, every entrypoint unknown except 0, which yields nothing), and
// are deliberately different from each other and from every other function, and call out, so that the optimiser
// neither merges them with another function nor inlines them into their callers.

import { abortWith } from "./abort";
import { setManifest } from "./manifest";
import { opa_object } from "./values";

/** airlock_policy_init creates the policy's constants; the linker replaces its body. */
export function airlock_policy_init(): void {
  setManifest(opa_object(), opa_object());
}

/** airlock_policy_eval runs plan `entrypoint`, adding results to `resultSet`; the linker replaces its body. */
export function airlock_policy_eval(entrypoint: i32, input: usize, data: usize, resultSet: usize): void {
  if (entrypoint != 0) abortWith("internal: illegal entrypoint id");
}

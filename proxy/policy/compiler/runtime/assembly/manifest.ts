// What `builtins()` and `entrypoints()` report: objects the policy's init code hands over.

import { opa_object } from './values';

let builtinsObject: usize = 0;
let entrypointsObject: usize = 0;

/** setManifest records the objects `builtins()` and `entrypoints()` return. */
export function setManifest(builtins: usize, entrypoints: usize): void {
  builtinsObject = builtins;
  entrypointsObject = entrypoints;
}

/** airlock_set_manifest is `setManifest` for the emitted code. */
export function airlock_set_manifest(builtins: usize, entrypoints: usize): void {
  setManifest(builtins, entrypoints);
}

/** builtins is the object `{name: id}` of the host built-ins the policy calls (ABI). */
export function builtins(): usize {
  return builtinsObject != 0 ? builtinsObject : opa_object();
}

/** entrypoints is the object `{"pkg/rule": id}` of the policy's entrypoints (ABI). */
export function entrypoints(): usize {
  return entrypointsObject != 0 ? entrypointsObject : opa_object();
}

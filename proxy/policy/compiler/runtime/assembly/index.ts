// The policy runtime's entry file: its exports are the module's exports, and its top-level code is the start
// function. See ../README.md for the contract with the linker and the emitted code.

import { heapInit } from './alloc';
import { jsonParseInit } from './json-parse';
import { airlock_policy_init } from './stubs';
import { valuesInit } from './values';

export { airlock_heap_base } from './alloc';
export {
  opa_wasm_abi_version,
  opa_wasm_abi_minor_version,
  opa_malloc,
  opa_free,
  opa_json_parse,
  opa_value_parse,
  opa_json_dump,
  opa_value_dump,
  opa_heap_ptr_get,
  opa_heap_ptr_set,
  opa_eval_ctx_new,
  opa_eval_ctx_set_input,
  opa_eval_ctx_set_data,
  opa_eval_ctx_set_entrypoint,
  opa_eval_ctx_get_result,
  eval,
  opa_eval,
  opa_value_add_path,
  opa_value_remove_path,
  opa_value_free,
  opa_heap_blocks_stash,
  opa_heap_blocks_restore,
  opa_heap_stash_clear,
} from './abi';
export { builtins, entrypoints, airlock_set_manifest } from './manifest';
export { airlock_policy_init, airlock_policy_eval } from './stubs';
export {
  opa_null,
  opa_boolean,
  opa_number_int,
  opa_string,
  opa_array_with_cap,
  opa_object,
  opa_set,
  opa_value_type,
} from './values';
export {
  opa_number_ref,
  opa_value_get,
  opa_value_length,
  opa_value_compare,
  opa_value_equal,
  opa_array_append,
  opa_object_insert,
  airlock_object_insert_once,
  opa_set_add,
  opa_value_merge,
  airlock_scan_key,
  airlock_scan_value,
  airlock_value_with,
  airlock_call_host,
  airlock_println,
} from './emitter';
export * from './builtins/index';

// The start function: the heap first, then the shared constants, then the policy's own constants.
heapInit();
valuesInit();
jsonParseInit();
airlock_policy_init();

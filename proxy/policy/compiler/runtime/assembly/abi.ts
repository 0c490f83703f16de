// OPA Wasm ABI 1.3: the exports the host calls (see shared/notes/opa-wasm-abi.md). `@open-policy-agent/opa-wasm`
// uses the one-shot `opa_eval`; the eval-context functions serve other SDKs.

import { abortWith } from './abort';
import { alloc, heapReset, heapTop } from './alloc';
import { dumpJson, dumpRego } from './json-dump';
import { parseText } from './json-parse';
import { addPath, removePath } from './paths';
import { airlock_policy_eval } from './stubs';
import { opa_set } from './values';

/** opa_wasm_abi_version is the ABI's major version. */
export const opa_wasm_abi_version: i32 = 1;
/** opa_wasm_abi_minor_version is the ABI's minor version: 3 has `opa_eval` and the heap stash functions. */
export const opa_wasm_abi_minor_version: i32 = 3;

/** opa_malloc returns `size` bytes on the heap. */
export function opa_malloc(size: usize): usize {
  return alloc(size);
}

/** opa_free does nothing: the heap is reset as a whole. */
export function opa_free(addr: usize): void {}

/** opa_value_free does nothing: the heap is reset as a whole. */
export function opa_value_free(v: usize): void {}

/** opa_json_parse parses `length` bytes of JSON at `text`; 0 on error. */
export function opa_json_parse(text: usize, length: usize): usize {
  return parseText(text, length, false);
}

/** opa_value_parse parses `length` bytes of Rego value syntax (JSON plus sets) at `text`; 0 on error. */
export function opa_value_parse(text: usize, length: usize): usize {
  return parseText(text, length, true);
}

/** opa_json_dump returns the NUL-terminated JSON text of `v`. */
export function opa_json_dump(v: usize): usize {
  return dumpJson(v);
}

/** opa_value_dump returns the NUL-terminated Rego value text of `v`. */
export function opa_value_dump(v: usize): usize {
  return dumpRego(v);
}

/** opa_heap_ptr_get returns the heap's next free address. */
export function opa_heap_ptr_get(): usize {
  return heapTop();
}

/** opa_heap_ptr_set makes `addr` the heap's next free address, forgetting everything above it. */
export function opa_heap_ptr_set(addr: usize): void {
  heapReset(addr);
}

// An evaluation context, as OPA's: input @0, data @4, result @8, entrypoint @12.

/** opa_eval_ctx_new makes an evaluation context (no input, no data, entrypoint 0). */
export function opa_eval_ctx_new(): usize {
  const ctx = alloc(16);
  memory.fill(ctx, 0, 16);
  return ctx;
}

export function opa_eval_ctx_set_input(ctx: usize, input: usize): void {
  store<u32>(ctx, <u32>input, 0);
}

export function opa_eval_ctx_set_data(ctx: usize, data: usize): void {
  store<u32>(ctx, <u32>data, 4);
}

export function opa_eval_ctx_set_entrypoint(ctx: usize, entrypoint: i32): void {
  store<i32>(ctx, entrypoint, 12);
}

export function opa_eval_ctx_get_result(ctx: usize): usize {
  return <usize>load<u32>(ctx, 8);
}

/** eval evaluates the context's entrypoint; the result set is read with `opa_eval_ctx_get_result`. */
export function eval(ctx: usize): i32 {
  const resultSet = opa_set();
  airlock_policy_eval(load<i32>(ctx, 12), <usize>load<u32>(ctx, 0), <usize>load<u32>(ctx, 4), resultSet);
  store<u32>(ctx, <u32>resultSet, 8);
  return 0;
}

/**
 * opa_eval evaluates in one call: the heap restarts at `heapPtr`, the input is parsed from the `inputLength`
 * bytes at `input` (none: undefined input), and the result set is returned as text (format 0 JSON, 1 Rego).
 */
export function opa_eval(
  reserved: i32,
  entrypoint: i32,
  data: usize,
  input: usize,
  inputLength: usize,
  heapPtr: usize,
  format: i32,
): usize {
  if (reserved != 0) abortWith('invalid reserved argument');
  heapReset(heapPtr);
  let inputValue: usize = 0;
  if (inputLength > 0) {
    inputValue = parseText(input, inputLength, false);
    if (inputValue == 0) abortWith('opa_eval: failed to parse input');
  }
  const resultSet = opa_set();
  airlock_policy_eval(entrypoint, inputValue, data, resultSet);
  return format == 1 ? dumpRego(resultSet) : dumpJson(resultSet);
}

/** opa_value_add_path sets `path` (array of keys) in `base` to `v`: 0 ok, 1 internal, 2 invalid type, 3 invalid path. */
export function opa_value_add_path(base: usize, path: usize, v: usize): i32 {
  return addPath(base, path, v);
}

/** opa_value_remove_path deletes `path` from `base`; error codes as `opa_value_add_path`. */
export function opa_value_remove_path(base: usize, path: usize): i32 {
  return removePath(base, path);
}

// The heap is one bump allocator without free lists, so there are no blocks to stash: nothing to do.

export function opa_heap_blocks_stash(): void {}

export function opa_heap_blocks_restore(): void {}

export function opa_heap_stash_clear(): void {}

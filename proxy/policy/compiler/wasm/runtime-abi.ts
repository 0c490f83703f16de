/*
 * The runtime functions the emitted code calls (runtime/README.md, "Exports the emitted code calls"), resolved by
 * export name in the runtime module and checked against the signatures the emitter assumes, so that a runtime
 * that drifts from the contract fails at compile time with a message instead of at instantiation with a validation
 * error.
 */

import { type FuncType, ValType } from './encoding.js';
import type { CodeWriter } from './instructions.js';
import { LinkError, type ModuleLinker } from './link.js';

const { i32, i64 } = ValType;

/**
 * RUNTIME_FUNCTIONS are the parameter types of each runtime export the emitter calls. Whether one returns an i32
 * is checked where it is called: `callValue` needs a result, `callEffect` drops one if the runtime returns one.
 */
const RUNTIME_FUNCTIONS = {
  airlock_set_manifest: [i32, i32],
  opa_null: [],
  opa_boolean: [i32],
  opa_number_int: [i64],
  opa_number_ref: [i32, i32],
  opa_string: [i32, i32],
  opa_array_with_cap: [i32],
  opa_object: [],
  opa_set: [],
  opa_value_type: [i32],
  opa_value_get: [i32, i32],
  opa_value_length: [i32],
  opa_value_equal: [i32, i32],
  opa_array_append: [i32, i32],
  opa_object_insert: [i32, i32, i32],
  airlock_object_insert_once: [i32, i32, i32],
  opa_set_add: [i32, i32],
  opa_value_merge: [i32, i32],
  airlock_scan_key: [i32, i32],
  airlock_scan_value: [i32, i32],
  airlock_value_with: [i32, i32, i32],
  airlock_call_host: [i32, i32, i32, i32, i32, i32],
  opa_json_parse: [i32, i32],
} as const satisfies Record<string, readonly ValType[]>;

/** RuntimeFunctionName names a runtime export the emitter calls. */
export type RuntimeFunctionName = keyof typeof RUNTIME_FUNCTIONS;

/** ValueType is the type code `opa_value_type` returns (as in OPA's C runtime). */
export const ValueType = {
  null: 1,
  boolean: 2,
  number: 3,
  string: 4,
  array: 5,
  object: 6,
  set: 7,
} as const;

/** HOST_CALL_MAX_ARGS is how many arguments `airlock_call_host` (and the SDK's `opa_builtinN`) can pass. */
export const HOST_CALL_MAX_ARGS = 4;

/**
 * HOST_FAST_PATHS maps a host built-in to the runtime export that answers its common calls natively (runtime/README.md,
 * "Fast paths of host built-ins"). The export takes the call's arguments and returns the answer, or
 * HOST_FAST_PATH_DECLINED for a call it leaves to the host.
 */
export const HOST_FAST_PATHS: ReadonlyMap<string, string> = new Map([['sprintf', 'airlock_fast_sprintf']]);

/** HOST_FAST_PATH_DECLINED is what a fast path returns to leave a call to the host; no value has this address. */
export const HOST_FAST_PATH_DECLINED = 1;

/** NATIVE_BUILTIN_PREFIX starts the export name of a built-in the runtime implements (`builtin_object_get`). */
export const NATIVE_BUILTIN_PREFIX = 'builtin_';

/** nativeBuiltinExport is the export name of built-in `name`'s native implementation. */
export function nativeBuiltinExport(name: string): string {
  return NATIVE_BUILTIN_PREFIX + name.replaceAll('.', '_');
}

interface ResolvedFunction {
  index: number;
  returnsValue: boolean;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((type, i) => type === b[i]);
}

function describe(type: FuncType): string {
  const name = (t: ValType): string => (t === i32 ? 'i32' : t === i64 ? 'i64' : `0x${t.toString(16)}`);
  return `(${type.params.map(name).join(', ')}) -> (${type.results.map(name).join(', ')})`;
}

/** RuntimeAbi resolves runtime functions for one link and writes calls to them. */
export class RuntimeAbi {
  readonly #linker: ModuleLinker;
  readonly #resolved = new Map<RuntimeFunctionName, ResolvedFunction>();
  #abort: number | undefined;

  constructor(linker: ModuleLinker) {
    this.#linker = linker;
  }

  #resolve(name: RuntimeFunctionName): ResolvedFunction {
    let resolved = this.#resolved.get(name);
    if (resolved !== undefined) return resolved;
    const found = this.#linker.exportedFunction(name);
    if (found === undefined) throw new LinkError(`the runtime does not export ${name}`);
    const returnsValue = sameTypes(found.type.results, [i32]);
    if (!sameTypes(found.type.params, RUNTIME_FUNCTIONS[name]) || (!returnsValue && found.type.results.length > 0)) {
      throw new LinkError(
        `the runtime's ${name} has type ${describe(found.type)}, not the one runtime/README.md gives`,
      );
    }
    resolved = { index: found.index, returnsValue };
    this.#resolved.set(name, resolved);
    return resolved;
  }

  /** callValue writes a call to a runtime function that returns a value (left on the stack). */
  callValue(code: CodeWriter, name: RuntimeFunctionName): void {
    const resolved = this.#resolve(name);
    if (!resolved.returnsValue) throw new LinkError(`the runtime's ${name} must return an i32`);
    code.call(resolved.index);
  }

  /** callEffect writes a call made for its effect, dropping the result if the runtime returns one. */
  callEffect(code: CodeWriter, name: RuntimeFunctionName): void {
    const resolved = this.#resolve(name);
    code.call(resolved.index);
    if (resolved.returnsValue) code.drop();
  }

  /** abort writes a call to `env.opa_abort` with the NUL-terminated message at `messageAddress`; it never returns. */
  abort(code: CodeWriter, messageAddress: number): void {
    if (this.#abort === undefined) {
      const found = this.#linker.importedFunction('env', 'opa_abort');
      if (found === undefined || !sameTypes(found.type.params, [i32]) || found.type.results.length > 0) {
        throw new LinkError('the runtime must import env.opa_abort with type (i32) -> ()');
      }
      this.#abort = found.index;
    }
    code.i32Const(messageAddress).call(this.#abort).unreachable();
  }

  /**
   * hostFastPath is the function index of the runtime's fast path for host built-in `name` called with `arity`
   * values, undefined when the runtime has none. A fast path with another signature is a LinkError.
   */
  hostFastPath(name: string, arity: number): number | undefined {
    const exportName = HOST_FAST_PATHS.get(name);
    return exportName === undefined ? undefined : this.#valueFunction(exportName, arity);
  }

  /**
   * nativeBuiltin is the function index of the runtime's implementation of built-in `name` taking `arity` values,
   * undefined when the runtime has none. A native implementation with another signature is a LinkError.
   */
  nativeBuiltin(name: string, arity: number): number | undefined {
    return this.#valueFunction(nativeBuiltinExport(name), arity);
  }

  /** #valueFunction resolves an export taking `arity` values and returning one; undefined when not exported. */
  #valueFunction(exportName: string, arity: number): number | undefined {
    const found = this.#linker.exportedFunction(exportName);
    if (found === undefined) return undefined;
    const expected: FuncType = { params: new Array<ValType>(arity).fill(i32), results: [i32] };
    if (!sameTypes(found.type.params, expected.params) || !sameTypes(found.type.results, expected.results)) {
      throw new LinkError(
        `the runtime's ${exportName} has type ${describe(found.type)}; a call with ${arity} arguments needs ${describe(expected)}`,
      );
    }
    return found.index;
  }
}

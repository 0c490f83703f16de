/*
 * The compiler's back end: an IR `Policy` in, a WebAssembly module out that `@open-policy-agent/opa-wasm` loads.
 *
 * Stages, in order (as OPA's wasm compiler lists its own):
 *   1. declare  — one Wasm function per IR Func (params → i32 params, returns a value address) and per Plan
 *                 (input, data, result set); indices are known before any body is written, so calls in any
 *                 order resolve.
 *   2. lower    — each body, statement by statement (statements.ts); constants go to the pool (constants.ts),
 *                 built-in calls resolve to a native runtime export or a host call, problems become diagnostics.
 *   3. generate — `airlock_policy_init` (make constants, parse and register the built-in and entrypoint maps) and
 *                 `airlock_policy_eval` (dispatch on the entrypoint number).
 *   4. link     — append everything to the runtime module (link.ts).
 */

import { readFileSync } from 'node:fs';
import { CompileError, DIAGNOSTIC_LIMIT, type Diagnostic, type Location } from '../diagnostics.js';
import type { Policy, StmtLocation } from '../ir/ir.js';
import { fillsOnlyFreshCollections } from './constant-collections.js';
import { ConstantPool } from './constants.js';
import { ByteWriter, type ModuleLayout, readModule, ValType } from './encoding.js';
import { CodeWriter, type Label, Opcode } from './instructions.js';
import { i32ConstExpr, i64ConstExpr, ModuleLinker } from './link.js';
import { HOST_CALL_MAX_ARGS, RuntimeAbi } from './runtime-abi.js';
import {
  type Callee,
  compileFunction,
  type DynamicTarget,
  type EmitContext,
  type Memo,
  PLAN_PARAM_COUNT,
} from './statements.js';

/** EmitOptions tune `emitWasm`. */
export interface EmitOptions {
  /**
   * Built-ins the host implements (handed to `loadPolicy` as custom built-ins). A call to a built-in that is
   * neither native to the runtime nor here nor one the SDK implements itself (`SDK_BUILTINS`) is a compile error.
   * Default: none beyond `SDK_BUILTINS`.
   */
  hostBuiltins?: ReadonlySet<string>;
  /**
   * The name to list a host built-in under in the module's `builtins` map when it is not OPA's name: the SDK runs
   * its own JavaScript version of `SDK_BUILTINS` before any custom built-in of the same name, so a host that wants
   * its own `sprintf` registers it as, say, `airlock.sprintf` and maps `sprintf` to that here. Default: none.
   */
  hostBuiltinAliases?: ReadonlyMap<string, string>;
  /** The runtime module's bytes. Default: `runtime/build/runtime.wasm`, read once per process. */
  runtime?: Uint8Array;
  /**
   * Cache the result of each rule function that takes only input and data, for the rest of one evaluation
   * (as OPA's Wasm does). Default: true.
   */
  memoize?: boolean;
  /** Write a `name` section so that stack traces through the policy name its functions. Default: false. */
  functionNames?: boolean;
  /**
   * Make each collection whose contents are constant (a set literal of strings) once at start-up instead of at
   * every evaluation (constant-collections.ts). Default: true.
   */
  foldConstantCollections?: boolean;
}

/** SDK_BUILTINS are the built-ins `@open-policy-agent/opa-wasm` 1.10.0 implements in JavaScript for any policy. */
export const SDK_BUILTINS: ReadonlySet<string> = new Set([
  'json.is_valid',
  'sprintf',
  'regex.split',
  'yaml.is_valid',
  'yaml.marshal',
  'yaml.unmarshal',
]);

/** POLICY_INIT and POLICY_EVAL are the runtime's stubs whose bodies the emitter writes (runtime/README.md). */
const POLICY_INIT = 'airlock_policy_init';
const POLICY_EVAL = 'airlock_policy_eval';
/** Rule functions are named `g0.data.<path>`; CallDynamicStmt looks them up by that path. */
const DYNAMIC_PREFIX = 'g0.data.';
/** Names like `g0.data.a.b` are planned functions (OPA's naming: generation, then path), never built-ins. */
const PLANNED_FUNCTION_NAME = /^g\d+\./;
/** A Func with only these two params (input, data) has no arguments, so its result can be memoized. */
const ROOT_PARAM_COUNT = 2;

const ZERO_I32 = i32ConstExpr(0);
/** The epoch of a memo holding nothing yet: -1, which no evaluation has (they count up from 1). */
const NO_EPOCH = i64ConstExpr(-1n);

const RUNTIME_URL = new URL('../runtime/build/runtime.wasm', import.meta.url);
const layouts = new WeakMap<Uint8Array, ModuleLayout>();
let defaultRuntime: Uint8Array | undefined;

/** runtimeLayout decodes a runtime module once; the layout is read-only, so every link can share it. */
function runtimeLayout(bytes: Uint8Array | undefined): ModuleLayout {
  if (bytes === undefined) {
    defaultRuntime ??= new Uint8Array(readFileSync(RUNTIME_URL));
    return runtimeLayout(defaultRuntime);
  }
  let layout = layouts.get(bytes);
  if (layout === undefined) {
    layout = readModule(bytes);
    layouts.set(bytes, layout);
  }
  return layout;
}

/**
 * emitWasm compiles a planned policy to a WebAssembly module linked with Airlock's runtime.
 *
 * @throws CompileError with `rego_unsupported_error` diagnostics for built-ins neither the runtime nor the host
 *   implement (or host built-ins called with more than 4 arguments), and `rego_compile_error` for IR the planner
 *   should not have produced.
 * @throws LinkError when the runtime module does not keep the contract in runtime/README.md.
 */
export function emitWasm(policy: Policy, options: EmitOptions = {}): Uint8Array {
  return new PolicyEmitter(policy, options).emit();
}

class PolicyEmitter {
  readonly #policy: Policy;
  readonly #options: EmitOptions;
  readonly #linker: ModuleLinker;
  readonly #abi: RuntimeAbi;
  readonly #constants: ConstantPool;
  readonly #diagnostics: Diagnostic[] = [];
  readonly #functions = new Map<string, { index: number; arity: number }>();
  readonly #callees = new Map<string, Callee | undefined>();
  readonly #hostBuiltinIds = new Map<string, number>();
  readonly #hostBuiltins: ReadonlySet<string>;

  constructor(policy: Policy, options: EmitOptions) {
    this.#policy = policy;
    this.#options = options;
    this.#linker = new ModuleLinker(runtimeLayout(options.runtime));
    this.#abi = new RuntimeAbi(this.#linker);
    this.#constants = new ConstantPool(this.#linker, this.#abi, policy.static.strings);
    this.#hostBuiltins = new Set([...SDK_BUILTINS, ...(options.hostBuiltins ?? [])]);
  }

  emit(): Uint8Array {
    const { funcs, plans } = this.#policy;
    const linker = this.#linker;

    // 1. declare
    for (const func of funcs) {
      if (this.#functions.has(func.name)) this.#report(undefined, `internal error: two functions named ${func.name}`);
      const type = { params: new Array<number>(func.params.length).fill(ValType.i32), results: [ValType.i32] };
      this.#functions.set(func.name, { index: linker.declareFunction(type, func.name), arity: func.params.length });
    }
    const planType = { params: new Array<number>(PLAN_PARAM_COUNT).fill(ValType.i32), results: [] };
    const planIndices = plans.map((plan) => linker.declareFunction(planType, `plan ${plan.name}`));
    if (new Set(plans.map((plan) => plan.name)).size !== plans.length) {
      this.#report(undefined, 'internal error: two plans with the same name');
    }

    // 2. lower
    const memoEpoch =
      (this.#options.memoize ?? true) && funcs.some((func) => func.params.length === ROOT_PARAM_COUNT)
        ? linker.addGlobal(ValType.i64, true, i64ConstExpr(0n))
        : undefined;
    const context = this.#context(memoEpoch);
    const arena = new ByteWriter(64 * 1024);
    for (const func of funcs) {
      const memo =
        memoEpoch !== undefined && func.params.length === ROOT_PARAM_COUNT ? this.#memo(memoEpoch) : undefined;
      linker.defineFunction(
        this.#functions.get(func.name)!.index,
        compileFunction(context, { kind: 'function', func, memo }, arena),
      );
      this.#stopAtLimit();
    }
    plans.forEach((plan, i) => {
      linker.defineFunction(planIndices[i]!, compileFunction(context, { kind: 'plan', plan }, arena));
      this.#stopAtLimit();
    });
    if (this.#diagnostics.length > 0) throw new CompileError(this.#diagnostics);

    // 3. generate
    linker.replaceExportedFunction(POLICY_EVAL, { locals: [], code: this.#evalBody(planIndices, memoEpoch) });
    linker.replaceExportedFunction(POLICY_INIT, { locals: [], code: this.#initBody() });

    // 4. link
    return linker.link({ dataLoader: POLICY_INIT, functionNames: this.#options.functionNames ?? false });
  }

  #context(memoEpoch: number | undefined): EmitContext {
    const dynamicTargets: DynamicTarget[] = [];
    for (const [name, { index, arity }] of this.#functions) {
      if (name.startsWith(DYNAMIC_PREFIX)) {
        dynamicTargets.push({ segments: name.slice(DYNAMIC_PREFIX.length).split('.'), index, arity });
      }
    }
    return {
      abi: this.#abi,
      constants: this.#constants,
      strings: this.#policy.static.strings,
      memoEpoch,
      dynamicTargets,
      resolveCall: (name, arity, loc) => this.#resolveCall(name, arity, loc),
      report: (loc, message) => this.#report(loc, message),
      foldConstantCollections:
        (this.#options.foldConstantCollections ?? true) && fillsOnlyFreshCollections(this.#policy),
      runtimeErrorMessage: (loc, message) => {
        if (loc === undefined) return message;
        const { file, row, col } = this.#location(loc);
        return `${file}:${row}:${col}: ${message}`;
      },
    };
  }

  #memo(epoch: number): Memo {
    return {
      epoch,
      value: this.#linker.addGlobal(ValType.i32, true, ZERO_I32),
      valueEpoch: this.#linker.addGlobal(ValType.i64, true, NO_EPOCH),
    };
  }

  #resolveCall(name: string, arity: number, loc: StmtLocation | undefined): Callee | undefined {
    const func = this.#functions.get(name);
    if (func !== undefined) return { kind: 'function', ...func };
    if (PLANNED_FUNCTION_NAME.test(name)) {
      this.#report(loc, `internal error: call to ${name}, which is not among the planned functions`);
      return undefined;
    }
    const key = `${name}/${arity}`;
    if (this.#callees.has(key)) {
      const callee = this.#callees.get(key);
      // The first call site was reported; report each further one too, so every location is listed.
      if (callee === undefined) this.#reportUnsupported(name, arity, loc);
      return callee;
    }
    let callee: Callee | undefined;
    const native = this.#abi.nativeBuiltin(name, arity);
    if (native !== undefined) {
      callee = { kind: 'native', index: native };
    } else if (this.#hostBuiltins.has(name) && arity <= HOST_CALL_MAX_ARGS) {
      let id = this.#hostBuiltinIds.get(name);
      if (id === undefined) {
        id = this.#hostBuiltinIds.size;
        this.#hostBuiltinIds.set(name, id);
      }
      callee = { kind: 'host', id, fastPath: this.#abi.hostFastPath(name, arity) };
    } else {
      this.#reportUnsupported(name, arity, loc);
    }
    this.#callees.set(key, callee);
    return callee;
  }

  #reportUnsupported(name: string, arity: number, loc: StmtLocation | undefined): void {
    const message = !this.#hostBuiltins.has(name)
      ? `built-in function ${name} is not supported: neither the policy runtime nor the host implements it`
      : `built-in function ${name} is not supported with ${arity} arguments: host built-ins take at most ${HOST_CALL_MAX_ARGS}`;
    this.#report(loc, message, 'rego_unsupported_error');
  }

  #location(loc: StmtLocation | undefined): Location {
    if (loc === undefined) return { file: '', row: 0, col: 0 };
    return { file: this.#policy.static.files[loc.file] ?? '', row: loc.row, col: loc.col };
  }

  #report(loc: StmtLocation | undefined, message: string, code: Diagnostic['code'] = 'rego_compile_error'): void {
    if (this.#diagnostics.length < DIAGNOSTIC_LIMIT)
      this.#diagnostics.push({ code, message, location: this.#location(loc) });
  }

  #stopAtLimit(): void {
    if (this.#diagnostics.length >= DIAGNOSTIC_LIMIT) throw new CompileError(this.#diagnostics);
  }

  /**
   * #evalBody dispatches `airlock_policy_eval(entrypoint, input, data, resultSet)` to plan `entrypoint`:
   *
   *   epoch += 1
   *   block $illegal  block $plan_{n-1} … block $plan_0
   *     br_table $plan_0 … $plan_{n-1} $illegal (entrypoint)
   *   end  plan_0(input, data, resultSet); return
   *   …
   *   end  opa_abort("internal: illegal entrypoint id")
   */
  #evalBody(planIndices: readonly number[], memoEpoch: number | undefined): Uint8Array {
    const code = new CodeWriter();
    if (memoEpoch !== undefined) code.globalGet(memoEpoch).i64Const(1n).op(Opcode.i64Add).globalSet(memoEpoch);
    const illegal = code.block();
    const planLabels: Label[] = [];
    for (let i = planIndices.length - 1; i >= 0; i--) planLabels[i] = code.block();
    code.localGet(0).brTable(planLabels, illegal);
    for (const planIndex of planIndices) {
      code.end();
      code.localGet(1).localGet(2).localGet(3).call(planIndex).return();
    }
    code.end();
    this.#abi.abort(code, this.#constants.cString('internal: illegal entrypoint id'));
    return code.finish();
  }

  /** #initBody makes the constants and registers the built-in and entrypoint maps `builtins()`/`entrypoints()` return. */
  #initBody(): Uint8Array {
    const code = new CodeWriter();
    const abi = this.#abi;
    // Make the manifests' JSON first: it adds data, and the constants' code below must see all of it requested.
    const aliases = this.#options.hostBuiltinAliases;
    const builtinsByHostName = [...this.#hostBuiltinIds].map(([name, id]) => [aliases?.get(name) ?? name, id]);
    const builtins = this.#constants.utf8(JSON.stringify(Object.fromEntries(builtinsByHostName)));
    const entrypoints = this.#constants.utf8(
      JSON.stringify(Object.fromEntries(this.#policy.plans.map((plan, i) => [plan.name, i]))),
    );
    this.#constants.writeInitialisation(code);
    code.i32Const(builtins.address).i32Const(builtins.length);
    abi.callValue(code, 'opa_json_parse');
    code.i32Const(entrypoints.address).i32Const(entrypoints.length);
    abi.callValue(code, 'opa_json_parse');
    abi.callEffect(code, 'airlock_set_manifest');
    return code.finish();
  }
}

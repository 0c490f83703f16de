/*
 * Lowers the blocks of one IR plan or function to the instructions of one Wasm function.
 *
 * Every IR local becomes an i32 Wasm local holding a value address, 0 meaning undefined (Wasm zeroes locals on
 * entry, so every IR local starts undefined). Every IR block becomes a Wasm `block`; the IR's "leave the current
 * block" (a statement that is undefined, or `BreakStmt`) is a `br` to the end of the Wasm block that IR block
 * opened. Statements that open more Wasm structure than one `block` (Scan's loop, Not, With) record which Wasm
 * label ends each IR block in a stack of frames, so `BreakStmt{index}` branches to the label of the frame `index`
 * entries down, whatever Wasm nesting lies between.
 *
 * Where leaving an IR block must undo something (a With's replaced local, the memo epoch), the frame says so, and
 * a branch that jumps past that block's own exit code repeats the undo before it jumps.
 */

import type { Block, Func, Local, Operand, Plan, Stmt, StmtLocation } from '../ir/ir.js';
import { localsReadBy, nestedBlocks } from '../ir/stmt-locals.js';
import { type ConstantCollectionPlan, planConstantCollections } from './constant-collections.js';
import type { ConstantPool } from './constants.js';
import { type ByteWriter, ValType } from './encoding.js';
import { CodeWriter, type FunctionBody, type Label, Opcode } from './instructions.js';
import { HOST_CALL_MAX_ARGS, HOST_FAST_PATH_DECLINED, type RuntimeAbi, ValueType } from './runtime-abi.js';

/** Callee is what a CallStmt resolves to. */
export type Callee =
  | { kind: 'function'; index: number; arity: number }
  | { kind: 'native'; index: number }
  /** A host built-in: `id` for `airlock_call_host`, and the runtime's fast path for it, if any, to try first. */
  | { kind: 'host'; id: number; fastPath: number | undefined };

/** DynamicTarget is a function CallDynamicStmt can reach: its path after `g0.data.` split at dots. */
export interface DynamicTarget {
  segments: readonly string[];
  index: number;
  arity: number;
}

/** Memo is how a function with no arguments but input and data caches its result for one evaluation. */
export interface Memo {
  /** i64 global bumped at each evaluation and around each With: a cached result is valid only in its epoch. */
  epoch: number;
  /** i32 global: the cached result. */
  value: number;
  /** i64 global: the epoch the cached result belongs to. */
  valueEpoch: number;
}

/** EmitContext is what statement lowering needs from the policy-wide emitter. */
export interface EmitContext {
  abi: RuntimeAbi;
  constants: ConstantPool;
  strings: readonly string[];
  /** The memo epoch global, if the policy memoizes; With statements bump it. */
  memoEpoch: number | undefined;
  /** resolveCall finds a CallStmt's callee, or reports why there is none and returns undefined. */
  resolveCall(name: string, arity: number, loc: StmtLocation | undefined): Callee | undefined;
  dynamicTargets: readonly DynamicTarget[];
  /** report records a compile diagnostic for a statement. */
  report(loc: StmtLocation | undefined, message: string): void;
  /** runtimeErrorMessage is the `opa_abort` text for a runtime error at `loc` (`file:row:col: message`). */
  runtimeErrorMessage(loc: StmtLocation | undefined, message: string): string;
  /** Whether collections with constant contents are made once at start-up (constant-collections.ts). */
  foldConstantCollections: boolean;
}

/** FunctionShape says what kind of Wasm function the IR blocks become. */
export type FunctionShape = { kind: 'plan'; plan: Plan } | { kind: 'function'; func: Func; memo: Memo | undefined };

/** PLAN_PARAM_COUNT is how many parameters a plan function takes: input, data, and the result set to add to. */
export const PLAN_PARAM_COUNT = 3;
const PLAN_RESULT_SET_PARAM = 2;
/** The IR locals of a plan's input and data. */
const PLAN_INPUT: Local = 0;
const PLAN_DATA: Local = 1;

interface BlockFrame {
  /** The label whose end is right after this IR block. */
  exit: Label;
  /** Set when this block is a With body: the local to put back when leaving it, and where its value was saved. */
  restore?: { local: number; saved: number };
}

/**
 * compileFunction lowers a plan or function to a Wasm function body, writing its instructions at the end of
 * `arena` (shared by all the functions of a policy).
 */
export function compileFunction(context: EmitContext, shape: FunctionShape, arena: ByteWriter): FunctionBody {
  return new FunctionCompiler(context, shape, arena).compile();
}

class FunctionCompiler {
  readonly #context: EmitContext;
  readonly #shape: FunctionShape;
  readonly #code: CodeWriter;
  readonly #frames: BlockFrame[] = [];
  readonly #wasmLocalByIrLocal = new Map<Local, number>();
  readonly #paramCount: number;
  #localCount: number;
  readonly #freeScratch: number[] = [];
  /** IR locals some statement reads; a scan skips loading a key or value nobody reads. */
  readonly #readLocals: ReadonlySet<Local>;
  readonly #constantCollections: ConstantCollectionPlan;

  constructor(context: EmitContext, shape: FunctionShape, arena: ByteWriter) {
    this.#context = context;
    this.#shape = shape;
    this.#code = new CodeWriter(arena);
    if (shape.kind === 'plan') {
      // In a plan, local 0 is input and local 1 is data, the plan function's first two parameters.
      this.#paramCount = PLAN_PARAM_COUNT;
      this.#wasmLocalByIrLocal.set(PLAN_INPUT, 0);
      this.#wasmLocalByIrLocal.set(PLAN_DATA, 1);
    } else {
      this.#paramCount = shape.func.params.length;
      shape.func.params.forEach((irLocal, position) => {
        this.#wasmLocalByIrLocal.set(irLocal, position);
      });
    }
    this.#localCount = this.#paramCount;
    const blocks = shape.kind === 'plan' ? shape.plan.blocks : shape.func.blocks;
    this.#readLocals = readLocals(blocks);
    const params = shape.kind === 'plan' ? [PLAN_INPUT, PLAN_DATA] : shape.func.params;
    this.#constantCollections = context.foldConstantCollections
      ? planConstantCollections(blocks, context.strings, params)
      : { made: new Map(), dropped: new Set() };
  }

  compile(): FunctionBody {
    const code = this.#code;
    const shape = this.#shape;
    if (shape.kind === 'plan') {
      this.#blocks(shape.plan.blocks);
    } else {
      const memo = shape.memo;
      if (memo !== undefined) {
        // A result cached in this evaluation epoch is returned without running the body.
        code.globalGet(memo.valueEpoch).globalGet(memo.epoch).op(Opcode.i64Eq);
        code.if();
        code.globalGet(memo.value).return().end();
      }
      this.#blocks(shape.func.blocks);
      // Falling off the end means no ReturnLocalStmt ran: the function is undefined.
      code.i32Const(0);
      if (memo !== undefined) this.#memoStore(memo);
    }
    return { locals: new Array<number>(this.#localCount - this.#paramCount).fill(ValType.i32), code: code.finish() };
  }

  // ── locals ────────────────────────────────────────────────────────────────────────────────────────────────

  #local(irLocal: Local): number {
    let wasmLocal = this.#wasmLocalByIrLocal.get(irLocal);
    if (wasmLocal === undefined) {
      wasmLocal = this.#localCount++;
      this.#wasmLocalByIrLocal.set(irLocal, wasmLocal);
    }
    return wasmLocal;
  }

  /** #scratch is a Wasm local for the emitter's own use; statements that do not overlap share them. */
  #scratch(): number {
    return this.#freeScratch.pop() ?? this.#localCount++;
  }

  #release(...scratch: number[]): void {
    this.#freeScratch.push(...scratch);
  }

  // ── blocks and branches ───────────────────────────────────────────────────────────────────────────────────

  #blocks(blocks: readonly Block[]): void {
    for (const block of blocks) this.#block(block);
  }

  /** #block opens a Wasm block for an IR block. */
  #block(block: Block): void {
    const exit = this.#code.block();
    this.#frames.push({ exit });
    for (const stmt of block.stmts) this.#stmt(stmt);
    this.#frames.pop();
    this.#code.end();
  }

  /** #undefinedExit is the label an undefined statement branches to: the end of the current IR block. */
  get #undefinedExit(): Label {
    const frame = this.#frames[this.#frames.length - 1];
    if (frame === undefined) throw new Error('statement outside a block');
    return frame.exit;
  }

  /** #leaveIfZero branches out of the current IR block when the i32 on the stack is 0 (undefined, false). */
  #leaveIfZero(): void {
    this.#code.op(Opcode.i32Eqz).brIf(this.#undefinedExit);
  }

  #restore(restore: { local: number; saved: number }): void {
    this.#code.localGet(restore.saved).localSet(restore.local);
    this.#bumpEpoch();
  }

  #bumpEpoch(): void {
    const epoch = this.#context.memoEpoch;
    if (epoch === undefined) return;
    this.#code.globalGet(epoch).i64Const(1n).op(Opcode.i64Add).globalSet(epoch);
  }

  #memoStore(memo: Memo): void {
    // Stack: the result. Cache it with the current epoch and leave it on the stack.
    this.#code.globalSet(memo.value).globalGet(memo.epoch).globalSet(memo.valueEpoch).globalGet(memo.value);
  }

  // ── operands ──────────────────────────────────────────────────────────────────────────────────────────────

  #operand(operand: Operand, loc: StmtLocation | undefined): void {
    const code = this.#code;
    switch (operand.type) {
      case 'local':
        code.localGet(this.#local(operand.value));
        return;
      case 'bool':
        code.globalGet(this.#context.constants.boolean(operand.value));
        return;
      case 'string_index': {
        const global = this.#context.constants.staticString(operand.value);
        if (global === undefined)
          this.#string(operand.value, loc); // reports the bad index
        else code.globalGet(global);
        return;
      }
    }
  }

  #string(index: number, loc: StmtLocation | undefined): string {
    const text = this.#context.strings[index];
    if (text === undefined) {
      this.#context.report(loc, `internal error: string constant ${index} is not in the policy's strings`);
      return '';
    }
    return text;
  }

  // ── statements ────────────────────────────────────────────────────────────────────────────────────────────

  #stmt(stmt: Stmt): void {
    const code = this.#code;
    const { abi, constants } = this.#context;
    const loc = stmt.loc;
    if (this.#constantCollections.dropped.has(stmt)) return;
    const constant = this.#constantCollections.made.get(stmt);
    if (constant !== undefined && 'target' in stmt) {
      code.globalGet(constants.value(constant)).localSet(this.#local(stmt.target));
      return;
    }
    switch (stmt.type) {
      case 'ArrayAppendStmt':
        code.localGet(this.#local(stmt.array));
        this.#operand(stmt.value, loc);
        abi.callEffect(code, 'opa_array_append');
        return;
      case 'AssignIntStmt':
        code.globalGet(constants.integer(this.#integer(stmt.value, loc))).localSet(this.#local(stmt.target));
        return;
      case 'AssignVarOnceStmt':
        this.#assignVarOnce(stmt.source, this.#local(stmt.target), loc);
        return;
      case 'AssignVarStmt':
        this.#operand(stmt.source, loc);
        if (stmt.source.type === 'local') {
          code.localTee(this.#local(stmt.target));
          this.#leaveIfZero();
        } else {
          code.localSet(this.#local(stmt.target));
        }
        return;
      case 'BlockStmt':
        this.#blocks(stmt.blocks);
        return;
      case 'BreakStmt':
        this.#break(stmt.index, loc);
        return;
      case 'CallDynamicStmt':
        this.#callDynamic(stmt.path, stmt.args, this.#local(stmt.result), loc);
        return;
      case 'CallStmt':
        this.#call(stmt.func, stmt.args, this.#local(stmt.result), loc);
        return;
      case 'DotStmt':
        this.#operand(stmt.source, loc);
        this.#operand(stmt.key, loc);
        abi.callValue(code, 'opa_value_get');
        code.localTee(this.#local(stmt.target));
        this.#leaveIfZero();
        return;
      case 'EqualStmt':
        this.#operand(stmt.a, loc);
        this.#operand(stmt.b, loc);
        abi.callValue(code, 'opa_value_equal');
        this.#leaveIfZero();
        return;
      case 'NotEqualStmt':
        this.#operand(stmt.a, loc);
        this.#operand(stmt.b, loc);
        abi.callValue(code, 'opa_value_equal');
        code.brIf(this.#undefinedExit);
        return;
      case 'IsArrayStmt':
        this.#typeIs(stmt.source, ValueType.array, loc);
        return;
      case 'IsObjectStmt':
        this.#typeIs(stmt.source, ValueType.object, loc);
        return;
      case 'IsSetStmt':
        this.#typeIs(stmt.source, ValueType.set, loc);
        return;
      case 'IsDefinedStmt':
        code.localGet(this.#local(stmt.source));
        this.#leaveIfZero();
        return;
      case 'IsUndefinedStmt':
        code.localGet(this.#local(stmt.source)).brIf(this.#undefinedExit);
        return;
      case 'LenStmt':
        this.#operand(stmt.source, loc);
        abi.callValue(code, 'opa_value_length');
        code.op(Opcode.i64ExtendI32U);
        abi.callValue(code, 'opa_number_int');
        code.localSet(this.#local(stmt.target));
        return;
      case 'MakeArrayStmt':
        code.i32Const(stmt.capacity);
        abi.callValue(code, 'opa_array_with_cap');
        code.localSet(this.#local(stmt.target));
        return;
      case 'MakeNullStmt':
        code.globalGet(constants.null()).localSet(this.#local(stmt.target));
        return;
      case 'MakeNumberIntStmt':
        code.globalGet(constants.integer(this.#integer(stmt.value, loc))).localSet(this.#local(stmt.target));
        return;
      case 'MakeNumberRefStmt':
        code.globalGet(constants.numberLiteral(this.#string(stmt.index, loc))).localSet(this.#local(stmt.target));
        return;
      case 'MakeObjectStmt':
        abi.callValue(code, 'opa_object');
        code.localSet(this.#local(stmt.target));
        return;
      case 'MakeSetStmt':
        abi.callValue(code, 'opa_set');
        code.localSet(this.#local(stmt.target));
        return;
      case 'NopStmt':
        return;
      case 'NotStmt':
        this.#not(stmt.block);
        return;
      case 'ObjectInsertOnceStmt':
        code.localGet(this.#local(stmt.object));
        this.#operand(stmt.key, loc);
        this.#operand(stmt.value, loc);
        abi.callValue(code, 'airlock_object_insert_once');
        code.if();
        abi.abort(code, constants.cString(this.#context.runtimeErrorMessage(loc, 'object insert conflict')));
        code.end();
        return;
      case 'ObjectInsertStmt':
        code.localGet(this.#local(stmt.object));
        this.#operand(stmt.key, loc);
        this.#operand(stmt.value, loc);
        abi.callEffect(code, 'opa_object_insert');
        return;
      case 'ObjectMergeStmt':
        code.localGet(this.#local(stmt.a)).localGet(this.#local(stmt.b));
        abi.callValue(code, 'opa_value_merge');
        code.localTee(this.#local(stmt.target));
        this.#leaveIfZero();
        return;
      case 'ResetLocalStmt':
        code.i32Const(0).localSet(this.#local(stmt.target));
        return;
      case 'ResultSetAddStmt':
        this.#resultSetAdd(this.#local(stmt.value), loc);
        return;
      case 'ReturnLocalStmt':
        this.#returnLocal(this.#local(stmt.source));
        return;
      case 'ScanStmt':
        this.#scan(stmt.source, stmt.key, stmt.value, stmt.block);
        return;
      case 'SetAddStmt':
        code.localGet(this.#local(stmt.set));
        this.#operand(stmt.value, loc);
        abi.callEffect(code, 'opa_set_add');
        return;
      case 'WithStmt':
        this.#with(stmt.local, stmt.path, stmt.value, stmt.block, loc);
        return;
      default: {
        const unknown: { type: string } = stmt;
        this.#context.report(loc, `internal error: unknown IR statement ${unknown.type}`);
      }
    }
  }

  #integer(value: number, loc: StmtLocation | undefined): bigint {
    if (Number.isSafeInteger(value)) return BigInt(value);
    this.#context.report(loc, `internal error: ${value} is not an integer of at most 53 bits`);
    return 0n;
  }

  #typeIs(source: Operand, type: number, loc: StmtLocation | undefined): void {
    this.#operand(source, loc);
    this.#context.abi.callValue(this.#code, 'opa_value_type');
    this.#code.i32Const(type).op(Opcode.i32Ne).brIf(this.#undefinedExit);
  }

  /**
   * #assignVarOnce: target undefined → target = source; target equal to source → nothing; else the runtime error
   * `var assignment conflict`.
   *
   *   block $done
   *     local.get target; i32.eqz; if  source; local.set target; br $done  end
   *     local.get target; source; opa_value_equal; br_if $done
   *     opa_abort("file:row:col: var assignment conflict")
   *   end
   */
  #assignVarOnce(source: Operand, target: number, loc: StmtLocation | undefined): void {
    const code = this.#code;
    const { abi, constants } = this.#context;
    const done = code.block();
    code.localGet(target).op(Opcode.i32Eqz).if();
    this.#operand(source, loc);
    code.localSet(target).br(done).end();
    code.localGet(target);
    this.#operand(source, loc);
    abi.callValue(code, 'opa_value_equal');
    code.brIf(done);
    abi.abort(code, constants.cString(this.#context.runtimeErrorMessage(loc, 'var assignment conflict')));
    code.end();
  }

  #break(index: number, loc: StmtLocation | undefined): void {
    const target = this.#frames.length - 1 - index;
    const frame = this.#frames[target];
    if (!Number.isInteger(index) || index < 0 || frame === undefined) {
      this.#context.report(loc, `internal error: BreakStmt index ${index} leaves more blocks than are open`);
      return;
    }
    // Blocks left on the way out whose own exit code is skipped: undo their With, innermost first.
    for (let i = this.#frames.length - 1; i > target; i--) {
      const restore = this.#frames[i]?.restore;
      if (restore !== undefined) this.#restore(restore);
    }
    this.#code.br(frame.exit);
  }

  /**
   * #not: the statement holds when its block is undefined.
   *
   *   block $holds
   *     <block; leaving it branches to $holds>
   *     br $undefined          ;; the block was defined
   *   end
   */
  #not(block: Block): void {
    const code = this.#code;
    const outerExit = this.#undefinedExit;
    const holds = code.block();
    this.#frames.push({ exit: holds });
    for (const stmt of block.stmts) this.#stmt(stmt);
    this.#frames.pop();
    code.br(outerExit).end();
  }

  /**
   * #scan runs the block once per element; leaving the block (an undefined statement) goes on with the next
   * element. Anything but an array, object or set makes the statement undefined.
   *
   *   if type(source) - array >u set - array: br $undefined
   *   n = length(source); i = 0
   *   block $done  loop $next
   *     br_if $done (i >= n)
   *     key = scan_key(source, i); value = scan_value(source, i); i = i + 1
   *     block <body> end
   *     br $next
   *   end  end
   */
  #scan(source: Local, key: Local, value: Local, block: Block): void {
    const code = this.#code;
    const { abi } = this.#context;
    const sourceLocal = this.#local(source);
    code.localGet(sourceLocal);
    abi.callValue(code, 'opa_value_type');
    code
      .i32Const(ValueType.array)
      .op(Opcode.i32Sub)
      .i32Const(ValueType.set - ValueType.array)
      .op(Opcode.i32GtU);
    code.brIf(this.#undefinedExit);

    const length = this.#scratch();
    const position = this.#scratch();
    code.localGet(sourceLocal);
    abi.callValue(code, 'opa_value_length');
    code.localSet(length).i32Const(0).localSet(position);
    const done = code.block();
    const next = code.loop();
    code.localGet(position).localGet(length).op(Opcode.i32GeU).brIf(done);
    if (this.#readLocals.has(key)) {
      code.localGet(sourceLocal).localGet(position);
      abi.callValue(code, 'airlock_scan_key');
      code.localSet(this.#local(key));
    }
    if (this.#readLocals.has(value)) {
      code.localGet(sourceLocal).localGet(position);
      abi.callValue(code, 'airlock_scan_value');
      code.localSet(this.#local(value));
    }
    // Advance before the body, so that leaving the body early still moves on to the next element.
    code.localGet(position).i32Const(1).op(Opcode.i32Add).localSet(position);
    if (block.stmts.length > 0) this.#block(block);
    code.br(next).end().end();
    this.#release(length, position);
  }

  /**
   * #with replaces `local` by a copy with `value` at `path` while the block runs, and puts it back however the
   * block is left; an undefined block makes the statement undefined.
   *
   *   saved = local; local = value_with(local, path, value)
   *   block $defined
   *     block $body  <block>  local = saved; br $defined  end
   *     local = saved; br $undefined
   *   end
   */
  #with(irLocal: Local, path: readonly number[], value: Operand, block: Block, loc: StmtLocation | undefined): void {
    const code = this.#code;
    const { abi, constants } = this.#context;
    const local = this.#local(irLocal);
    const outerExit = this.#undefinedExit;
    const saved = this.#scratch();
    code.localGet(local).localSet(saved);
    if (path.length === 0) {
      this.#operand(value, loc);
    } else {
      code.localGet(local).globalGet(constants.path(path.map((index) => this.#string(index, loc))));
      this.#operand(value, loc);
      abi.callValue(code, 'airlock_value_with');
    }
    code.localSet(local);
    // Results cached under the old input or data are not valid inside, and those made inside not outside.
    this.#bumpEpoch();
    const restore = { local, saved };
    const defined = code.block();
    const bodyExit = code.block();
    this.#frames.push({ exit: bodyExit, restore });
    for (const stmt of block.stmts) this.#stmt(stmt);
    this.#frames.pop();
    this.#restore(restore);
    code.br(defined).end();
    this.#restore(restore);
    code.br(outerExit).end();
    this.#release(saved);
  }

  #call(name: string, args: readonly Operand[], result: number, loc: StmtLocation | undefined): void {
    const code = this.#code;
    const callee = this.#context.resolveCall(name, args.length, loc);
    if (callee === undefined) return;
    switch (callee.kind) {
      case 'function':
        if (callee.arity !== args.length) {
          this.#context.report(
            loc,
            `internal error: ${name} takes ${callee.arity} arguments, called with ${args.length}`,
          );
          return;
        }
        for (const arg of args) this.#operand(arg, loc);
        code.call(callee.index);
        break;
      case 'native':
        for (const arg of args) this.#operand(arg, loc);
        code.call(callee.index);
        break;
      case 'host':
        if (callee.fastPath === undefined) {
          this.#callHost(callee.id, args, loc);
          break;
        }
        this.#callHostFastPath(callee.id, callee.fastPath, args, result, loc);
        code.localGet(result);
        this.#leaveIfZero();
        return;
    }
    code.localTee(result);
    this.#leaveIfZero();
  }

  #callHost(id: number, args: readonly Operand[], loc: StmtLocation | undefined): void {
    const code = this.#code;
    code.i32Const(id).i32Const(args.length);
    for (const arg of args) this.#operand(arg, loc);
    for (let unused = args.length; unused < HOST_CALL_MAX_ARGS; unused++) code.i32Const(0);
    this.#context.abi.callValue(code, 'airlock_call_host');
  }

  /**
   * #callHostFastPath sets `result` to the fast path's answer, or to the host's when the fast path declines:
   *
   *   result = fast(args…)
   *   if result == DECLINED: result = airlock_call_host(id, argc, args…)
   */
  #callHostFastPath(
    id: number,
    fastPath: number,
    args: readonly Operand[],
    result: number,
    loc: StmtLocation | undefined,
  ): void {
    const code = this.#code;
    for (const arg of args) this.#operand(arg, loc);
    code.call(fastPath).localTee(result).i32Const(HOST_FAST_PATH_DECLINED).op(Opcode.i32Eq).if();
    this.#callHost(id, args, loc);
    code.localSet(result).end();
  }

  /**
   * #callDynamic dispatches on the path's values: each function whose path matches the constant segments is a
   * candidate, tried in turn by comparing the segments held in locals.
   *
   *   block $found
   *     block $next  (segment_i != "name_i": br_if $next)…  call f; local.set result; br $found  end
   *     …
   *     br $undefined          ;; no function has this path
   *   end
   *   br_if $undefined (result == 0)
   */
  #callDynamic(path: readonly Operand[], args: readonly Local[], result: number, loc: StmtLocation | undefined): void {
    const code = this.#code;
    const { abi, constants } = this.#context;
    const constantSegments = path.map((operand) =>
      operand.type === 'string_index' ? this.#string(operand.value, loc) : undefined,
    );
    const candidates = this.#context.dynamicTargets.filter(
      (target) =>
        target.segments.length === path.length &&
        target.arity === args.length &&
        path.every(
          (operand, i) => operand.type !== 'bool' && (constantSegments[i] ?? target.segments[i]) === target.segments[i],
        ),
    );
    const outerExit = this.#undefinedExit;
    const found = code.block();
    for (const candidate of candidates) {
      const next = code.block();
      path.forEach((operand, i) => {
        if (operand.type !== 'local') return;
        code.localGet(this.#local(operand.value)).globalGet(constants.string(candidate.segments[i]!));
        abi.callValue(code, 'opa_value_equal');
        code.op(Opcode.i32Eqz).brIf(next);
      });
      for (const arg of args) code.localGet(this.#local(arg));
      code.call(candidate.index).localSet(result).br(found).end();
    }
    code.br(outerExit).end();
    code.localGet(result);
    this.#leaveIfZero();
  }

  /** #resultSetAdd adds `{"result": value}` to the plan's result set. */
  #resultSetAdd(value: number, loc: StmtLocation | undefined): void {
    if (this.#shape.kind !== 'plan') {
      this.#context.report(loc, 'internal error: ResultSetAddStmt outside a plan');
      return;
    }
    const code = this.#code;
    const { abi, constants } = this.#context;
    const object = this.#scratch();
    abi.callValue(code, 'opa_object');
    code.localTee(object).globalGet(constants.string('result')).localGet(value);
    abi.callEffect(code, 'opa_object_insert');
    code.localGet(PLAN_RESULT_SET_PARAM).localGet(object);
    abi.callEffect(code, 'opa_set_add');
    this.#release(object);
  }

  #returnLocal(source: number): void {
    const code = this.#code;
    const shape = this.#shape;
    if (shape.kind === 'plan') {
      code.return();
      return;
    }
    code.localGet(source);
    // Returning from inside a With skips its exit code, which would have ended the With's memo epoch.
    if (this.#frames.some((frame) => frame.restore !== undefined)) this.#bumpEpoch();
    if (shape.memo !== undefined) this.#memoStore(shape.memo);
    code.return();
  }
}

/** readLocals collects the IR locals that statements in `blocks` read (as opposed to only write). */
function readLocals(blocks: readonly Block[]): Set<Local> {
  const read = new Set<Local>();
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      for (const local of localsReadBy(stmt)) read.add(local);
      for (const block of nestedBlocks(stmt)) visit(block.stmts);
    }
  };
  for (const block of blocks) visit(block.stmts);
  return read;
}

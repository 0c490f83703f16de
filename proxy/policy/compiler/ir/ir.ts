/*
 * The intermediate representation between the planner and the Wasm emitter: data only, no behaviour.
 *
 * It follows OPA's IR (docs/docs/ir.md in OPA's repository) so that the two can be compared statement by
 * statement. A plan or function is a list of blocks run in order; within a block, statements run in order, and a
 * statement that is "undefined" (a failed comparison, a missing key, a failed type test) leaves the current
 * block: execution goes on with the statement after that block. `BreakStmt{index}` leaves `index + 1` enclosing
 * blocks. Locals are numbered per plan or function; in every plan and function local 0 is `input` and local 1 is
 * `data`.
 */

/** Local is the number of a local variable inside one plan or function. */
export type Local = number;

/** Operand is where a statement reads a value from: a local, a boolean constant or a string constant. */
export type Operand =
  { type: 'local'; value: Local } | { type: 'bool'; value: boolean } | { type: 'string_index'; value: number };

/** Location of the Rego source a statement was planned from, for runtime error messages. */
export interface StmtLocation {
  file: number;
  row: number;
  col: number;
}

export interface Block {
  stmts: Stmt[];
}

/** Policy is what the planner hands the emitter. */
export interface Policy {
  static: Static;
  plans: Plan[];
  funcs: Func[];
}

export interface Static {
  /** String constants, referenced by `string_index` operands and by `MakeNumberRefStmt`. */
  strings: string[];
  /** Every built-in function the policy calls, by OPA's name (`count`, `io.jwt.decode`). */
  builtinFuncs: BuiltinFunc[];
  /** Source file names, referenced by `StmtLocation.file`. */
  files: string[];
}

export interface BuiltinFunc {
  name: string;
  /** Number of arguments the function takes. */
  arity: number;
}

/** Plan is one entrypoint (`airlock/decision`). It adds each result to the result set with `ResultSetAddStmt`. */
export interface Plan {
  name: string;
  blocks: Block[];
}

/**
 * Func is a rule or function planned once and called with `CallStmt`. Params 0 and 1 are input and data; a
 * Rego function's arguments follow. `ret` is the local returned; a function returns undefined when no
 * `ReturnLocalStmt` ran or the local returned is undefined.
 */
export interface Func {
  name: string;
  params: Local[];
  ret: Local;
  blocks: Block[];
}

export type Stmt =
  | ArrayAppendStmt
  | AssignIntStmt
  | AssignVarOnceStmt
  | AssignVarStmt
  | BlockStmt
  | BreakStmt
  | CallDynamicStmt
  | CallStmt
  | DotStmt
  | EqualStmt
  | IsArrayStmt
  | IsDefinedStmt
  | IsObjectStmt
  | IsSetStmt
  | IsUndefinedStmt
  | LenStmt
  | MakeArrayStmt
  | MakeNullStmt
  | MakeNumberIntStmt
  | MakeNumberRefStmt
  | MakeObjectStmt
  | MakeSetStmt
  | NopStmt
  | NotEqualStmt
  | NotStmt
  | ObjectInsertOnceStmt
  | ObjectInsertStmt
  | ObjectMergeStmt
  | ResetLocalStmt
  | ResultSetAddStmt
  | ReturnLocalStmt
  | ScanStmt
  | SetAddStmt
  | WithStmt;

interface Located {
  loc?: StmtLocation;
}

/** ArrayAppendStmt appends `value` to the array in `array`. */
export interface ArrayAppendStmt extends Located {
  type: 'ArrayAppendStmt';
  value: Operand;
  array: Local;
}

/** AssignIntStmt stores the integer `value` (a raw i64, not a Rego number) in `target`; used for counters. */
export interface AssignIntStmt extends Located {
  type: 'AssignIntStmt';
  value: number;
  target: Local;
}

/**
 * AssignVarOnceStmt stores `source` in `target` if `target` is undefined; if it holds an equal value, nothing
 * happens; if it holds a different value, evaluation stops with the runtime error `var assignment conflict`.
 */
export interface AssignVarOnceStmt extends Located {
  type: 'AssignVarOnceStmt';
  source: Operand;
  target: Local;
}

/** AssignVarStmt stores `source` in `target`. Undefined if `source` is an undefined local. */
export interface AssignVarStmt extends Located {
  type: 'AssignVarStmt';
  source: Operand;
  target: Local;
}

/** BlockStmt runs each block in turn; an undefined statement inside one block moves on to the next block. */
export interface BlockStmt extends Located {
  type: 'BlockStmt';
  blocks: Block[];
}

/** BreakStmt leaves `index + 1` enclosing blocks (0 leaves the current block). */
export interface BreakStmt extends Located {
  type: 'BreakStmt';
  index: number;
}

/**
 * CallDynamicStmt calls the function whose path is given by `path` (string constants or locals holding strings,
 * e.g. `data.handlers[x]`), looked up among the planned functions with names `g0.data.<path joined by dots>`.
 * Undefined when no function has that path.
 */
export interface CallDynamicStmt extends Located {
  type: 'CallDynamicStmt';
  path: Operand[];
  args: Local[];
  result: Local;
}

/**
 * CallStmt calls `func`: a planned function by its `Func.name`, or a built-in by OPA's name (listed in
 * `Static.builtinFuncs`). Undefined when the callee returns undefined.
 */
export interface CallStmt extends Located {
  type: 'CallStmt';
  func: string;
  args: Operand[];
  result: Local;
}

/** DotStmt looks up `key` in `source` (object key, array index, set member) into `target`; undefined if absent. */
export interface DotStmt extends Located {
  type: 'DotStmt';
  source: Operand;
  key: Operand;
  target: Local;
}

/** EqualStmt is undefined unless `a` and `b` are equal Rego values (1 and 1.0 are equal). */
export interface EqualStmt extends Located {
  type: 'EqualStmt';
  a: Operand;
  b: Operand;
}

export interface IsArrayStmt extends Located {
  type: 'IsArrayStmt';
  source: Operand;
}

export interface IsObjectStmt extends Located {
  type: 'IsObjectStmt';
  source: Operand;
}

export interface IsSetStmt extends Located {
  type: 'IsSetStmt';
  source: Operand;
}

export interface IsDefinedStmt extends Located {
  type: 'IsDefinedStmt';
  source: Local;
}

export interface IsUndefinedStmt extends Located {
  type: 'IsUndefinedStmt';
  source: Local;
}

/** LenStmt stores the length of a string (in code points), array, object or set as a Rego number. */
export interface LenStmt extends Located {
  type: 'LenStmt';
  source: Operand;
  target: Local;
}

export interface MakeArrayStmt extends Located {
  type: 'MakeArrayStmt';
  capacity: number;
  target: Local;
}

export interface MakeNullStmt extends Located {
  type: 'MakeNullStmt';
  target: Local;
}

/** MakeNumberIntStmt makes a Rego number from an integer that fits in 53 bits. */
export interface MakeNumberIntStmt extends Located {
  type: 'MakeNumberIntStmt';
  value: number;
  target: Local;
}

/** MakeNumberRefStmt makes a Rego number from the literal text at `Static.strings[index]` (any precision). */
export interface MakeNumberRefStmt extends Located {
  type: 'MakeNumberRefStmt';
  index: number;
  target: Local;
}

export interface MakeObjectStmt extends Located {
  type: 'MakeObjectStmt';
  target: Local;
}

export interface MakeSetStmt extends Located {
  type: 'MakeSetStmt';
  target: Local;
}

export interface NopStmt extends Located {
  type: 'NopStmt';
}

export interface NotEqualStmt extends Located {
  type: 'NotEqualStmt';
  a: Operand;
  b: Operand;
}

/** NotStmt holds when `block` is undefined. */
export interface NotStmt extends Located {
  type: 'NotStmt';
  block: Block;
}

/** ObjectInsertOnceStmt inserts key/value; an existing key with a different value is `object insert conflict`. */
export interface ObjectInsertOnceStmt extends Located {
  type: 'ObjectInsertOnceStmt';
  key: Operand;
  value: Operand;
  object: Local;
}

/** ObjectInsertStmt inserts or replaces key/value. */
export interface ObjectInsertStmt extends Located {
  type: 'ObjectInsertStmt';
  key: Operand;
  value: Operand;
  object: Local;
}

/** ObjectMergeStmt deep-merges objects `a` and `b` (a's values win on conflict) into `target`. */
export interface ObjectMergeStmt extends Located {
  type: 'ObjectMergeStmt';
  a: Local;
  b: Local;
  target: Local;
}

/** ResetLocalStmt makes `target` undefined. */
export interface ResetLocalStmt extends Located {
  type: 'ResetLocalStmt';
  target: Local;
}

/** ResultSetAddStmt adds `value` to the plan's result set (wrapped as `{"result": value}` by the emitter). */
export interface ResultSetAddStmt extends Located {
  type: 'ResultSetAddStmt';
  value: Local;
}

export interface ReturnLocalStmt extends Located {
  type: 'ReturnLocalStmt';
  source: Local;
}

/**
 * ScanStmt runs `block` once per element of `source` (an array, object or set; undefined for anything else),
 * with `key` and `value` set to the element's index/key and value (for a set, both are the member). Elements
 * are visited in OPA's order: array order, and sorted key order for objects and sets.
 */
export interface ScanStmt extends Located {
  type: 'ScanStmt';
  source: Local;
  key: Local;
  value: Local;
  block: Block;
}

export interface SetAddStmt extends Located {
  type: 'SetAddStmt';
  value: Operand;
  set: Local;
}

/**
 * WithStmt runs `block` with `local` replaced by a copy of it in which the document at `path` (string constant
 * indices) is `value`, creating objects along the path as needed; `local` is restored afterwards.
 */
export interface WithStmt extends Located {
  type: 'WithStmt';
  local: Local;
  path: number[];
  value: Operand;
  block: Block;
}

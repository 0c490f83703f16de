/*
 * Collections whose contents are constant, made once at start-up instead of at every evaluation.
 *
 * The planner builds a collection literal with a `Make*` statement followed by the statements that fill it:
 *
 *   MakeSet target=3                        credential_actions := {"sts:AssumeRole", …}
 *   SetAdd value="sts:AssumeRole" set=3
 *   …
 *
 * When everything put in is a constant (a string or boolean operand, or a local holding a constant) and nothing
 * else ever changes the collection, the emitter replaces the `Make*` statement by reading a global that
 * `airlock_policy_init` filled with the same runtime calls in the same order (so duplicates and ordering come out
 * exactly as they would at evaluation), and drops the fill statements.
 *
 * Sharing the made value is safe under the rule the runtime relies on (runtime/README.md, "Values"): emitted code
 * only fills values it has just made. `fillsOnlyFreshCollections` checks that the policy keeps the rule (every
 * local a fill statement writes to is made by `Make*` statements and nothing else); the emitter folds nothing in a
 * policy that does not.
 */

import type { Block, Local, Operand, Policy, Stmt } from '../ir/ir.js';
import { localsWrittenBy, nestedBlocks } from '../ir/stmt-locals.js';

/** ConstantValue is a constant the emitter can make at start-up. */
export type ConstantValue =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'integer'; value: bigint }
  | { type: 'number'; literal: string }
  | { type: 'string'; text: string }
  | { type: 'array' | 'set'; items: ConstantValue[] }
  | { type: 'object'; entries: { key: ConstantValue; value: ConstantValue }[] };

/** ConstantCollectionPlan says which statements of one function the emitter replaces or drops. */
export interface ConstantCollectionPlan {
  /** `Make*` statements to replace by reading the global holding this value. */
  made: Map<Stmt, ConstantValue>;
  /** Fill statements already accounted for in a made value. */
  dropped: Set<Stmt>;
}

type FillStmt = Extract<Stmt, { type: 'ArrayAppendStmt' | 'SetAddStmt' | 'ObjectInsertStmt' }>;
type MakeCollectionStmt = Extract<Stmt, { type: 'MakeArrayStmt' | 'MakeSetStmt' | 'MakeObjectStmt' }>;

/**
 * fillsOnlyFreshCollections reports whether every local that a statement appends, adds or inserts into is only
 * ever written by `Make*` statements of its own function (never a parameter, a copy or a call's result).
 */
export function fillsOnlyFreshCollections(policy: Policy): boolean {
  const bodies = [
    ...policy.plans.map((plan) => ({ blocks: plan.blocks, params: [0, 1] })),
    ...policy.funcs.map((func) => ({ blocks: func.blocks, params: func.params })),
  ];
  return bodies.every(({ blocks, params }) => {
    const { writes, filled } = localUse(blocks);
    return [...filled.keys()].every(
      (local) => !params.includes(local) && (writes.get(local) ?? []).every(isMakeCollection),
    );
  });
}

/** planConstantCollections finds the collections of one function that can be made once at start-up. */
export function planConstantCollections(
  blocks: readonly Block[],
  strings: readonly string[],
  params: readonly Local[],
): ConstantCollectionPlan {
  const { writes, filled } = localUse(blocks);
  const plan: ConstantCollectionPlan = { made: new Map(), dropped: new Set() };
  const writtenOnce = (local: Local): Stmt | undefined => {
    const written = writes.get(local);
    return written?.length === 1 && !params.includes(local) ? written[0] : undefined;
  };

  // `known` holds the locals with a constant value at this point of a statement list: written once, by a
  // statement that has already run when a later statement of the same list (or of a block nested in it) runs.
  const visitList = (stmts: readonly Stmt[], outer: ReadonlyMap<Local, ConstantValue>): void => {
    const known = new Map(outer);
    const operand = (op: Operand): ConstantValue | undefined => {
      switch (op.type) {
        case 'bool':
          return { type: 'boolean', value: op.value };
        case 'string_index': {
          const text = strings[op.value];
          return text === undefined ? undefined : { type: 'string', text };
        }
        case 'local':
          return known.get(op.value);
      }
    };
    for (let i = 0; i < stmts.length; i++) {
      const stmt = stmts[i]!;
      nestedBlocks(stmt).forEach((block) => visitList(block.stmts, known));
      if (!('target' in stmt) || writtenOnce(stmt.target) !== stmt) continue;
      const scalar = scalarValue(stmt, strings);
      if (scalar !== undefined) {
        known.set(stmt.target, scalar);
        continue;
      }
      if (!isMakeCollection(stmt)) continue;
      const fills: FillStmt[] = [];
      const value = emptyCollection(stmt);
      for (let j = i + 1; j < stmts.length; j++) {
        const next = stmts[j]!;
        if (!isFillOf(next, stmt.target) || !fillWith(value, next, operand)) break;
        fills.push(next);
      }
      // Every fill must be in the run just made: one elsewhere would change the shared value.
      if (fills.length !== (filled.get(stmt.target) ?? 0)) continue;
      plan.made.set(stmt, value);
      for (const fill of fills) plan.dropped.add(fill);
      known.set(stmt.target, value);
      i += fills.length;
    }
  };
  for (const block of blocks) visitList(block.stmts, new Map());
  return plan;
}

function scalarValue(stmt: Stmt, strings: readonly string[]): ConstantValue | undefined {
  switch (stmt.type) {
    case 'MakeNullStmt':
      return { type: 'null' };
    case 'MakeNumberIntStmt':
    case 'AssignIntStmt':
      return Number.isSafeInteger(stmt.value) ? { type: 'integer', value: BigInt(stmt.value) } : undefined;
    case 'MakeNumberRefStmt': {
      const literal = strings[stmt.index];
      return literal === undefined ? undefined : { type: 'number', literal };
    }
    default:
      return undefined;
  }
}

function isMakeCollection(stmt: Stmt): stmt is MakeCollectionStmt {
  return stmt.type === 'MakeArrayStmt' || stmt.type === 'MakeSetStmt' || stmt.type === 'MakeObjectStmt';
}

function emptyCollection(stmt: MakeCollectionStmt): ConstantValue {
  switch (stmt.type) {
    case 'MakeArrayStmt':
      return { type: 'array', items: [] };
    case 'MakeSetStmt':
      return { type: 'set', items: [] };
    case 'MakeObjectStmt':
      return { type: 'object', entries: [] };
  }
}

function isFillOf(stmt: Stmt, local: Local): stmt is FillStmt {
  switch (stmt.type) {
    case 'ArrayAppendStmt':
      return stmt.array === local;
    case 'SetAddStmt':
      return stmt.set === local;
    case 'ObjectInsertStmt':
      return stmt.object === local;
    default:
      return false;
  }
}

/** fillWith adds what `fill` puts in to `collection`; false when that is not a constant. */
function fillWith(
  collection: ConstantValue,
  fill: FillStmt,
  operand: (op: Operand) => ConstantValue | undefined,
): boolean {
  const value = operand(fill.value);
  if (value === undefined) return false;
  if (fill.type === 'ObjectInsertStmt') {
    const key = operand(fill.key);
    if (key === undefined || collection.type !== 'object') return false;
    collection.entries.push({ key, value });
    return true;
  }
  if (collection.type !== 'array' && collection.type !== 'set') return false;
  collection.items.push(value);
  return true;
}

/** localUse lists, for one function, the statements that write each local and how many fill statements fill it. */
function localUse(blocks: readonly Block[]): { writes: Map<Local, Stmt[]>; filled: Map<Local, number> } {
  const writes = new Map<Local, Stmt[]>();
  const filled = new Map<Local, number>();
  const write = (local: Local, stmt: Stmt): void => {
    const list = writes.get(local);
    if (list === undefined) writes.set(local, [stmt]);
    else list.push(stmt);
  };
  const fill = (local: Local): void => {
    filled.set(local, (filled.get(local) ?? 0) + 1);
  };
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      switch (stmt.type) {
        case 'ArrayAppendStmt':
          fill(stmt.array);
          break;
        case 'SetAddStmt':
          fill(stmt.set);
          break;
        case 'ObjectInsertStmt':
        case 'ObjectInsertOnceStmt':
          fill(stmt.object);
          break;
        default:
          break;
      }
      for (const local of localsWrittenBy(stmt)) write(local, stmt);
      nestedBlocks(stmt).forEach((block) => visit(block.stmts));
    }
  };
  for (const block of blocks) visit(block.stmts);
  return { writes, filled };
}

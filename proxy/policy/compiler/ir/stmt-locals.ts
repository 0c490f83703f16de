/*
 * What one IR statement reads, writes and nests, for the passes that reason about locals (plan/optimize.ts,
 * wasm/statements.ts, wasm/constant-collections.ts). Each function looks at the statement itself only; callers walk
 * nestedBlocks themselves.
 */

import type { Block, Local, Operand, Stmt } from './ir.js';

/** localsReadBy lists the locals a statement reads (not those of its nested blocks). */
export function localsReadBy(stmt: Stmt): Local[] {
  const read: Local[] = [];
  const operand = (op: Operand): void => {
    if (op.type === 'local') read.push(op.value);
  };
  switch (stmt.type) {
    case 'ArrayAppendStmt':
      operand(stmt.value);
      read.push(stmt.array);
      break;
    case 'AssignVarOnceStmt':
      operand(stmt.source);
      read.push(stmt.target); // compared with the source when already set
      break;
    case 'AssignVarStmt':
    case 'LenStmt':
    case 'IsArrayStmt':
    case 'IsObjectStmt':
    case 'IsSetStmt':
      operand(stmt.source);
      break;
    case 'CallDynamicStmt':
      stmt.path.forEach(operand);
      read.push(...stmt.args);
      break;
    case 'CallStmt':
      stmt.args.forEach(operand);
      break;
    case 'DotStmt':
      operand(stmt.source);
      operand(stmt.key);
      break;
    case 'EqualStmt':
    case 'NotEqualStmt':
      operand(stmt.a);
      operand(stmt.b);
      break;
    case 'IsDefinedStmt':
    case 'IsUndefinedStmt':
    case 'ReturnLocalStmt':
    case 'ScanStmt':
      read.push(stmt.source);
      break;
    case 'ObjectInsertOnceStmt':
    case 'ObjectInsertStmt':
      operand(stmt.key);
      operand(stmt.value);
      read.push(stmt.object);
      break;
    case 'ObjectMergeStmt':
      read.push(stmt.a, stmt.b);
      break;
    case 'ResultSetAddStmt':
      read.push(stmt.value);
      break;
    case 'SetAddStmt':
      operand(stmt.value);
      read.push(stmt.set);
      break;
    case 'WithStmt':
      read.push(stmt.local);
      operand(stmt.value);
      break;
    case 'AssignIntStmt':
    case 'BlockStmt':
    case 'BreakStmt':
    case 'MakeArrayStmt':
    case 'MakeNullStmt':
    case 'MakeNumberIntStmt':
    case 'MakeNumberRefStmt':
    case 'MakeObjectStmt':
    case 'MakeSetStmt':
    case 'NopStmt':
    case 'NotStmt':
    case 'ResetLocalStmt':
      break;
    default: {
      const unknown: never = stmt;
      void unknown;
    }
  }
  return read;
}

/** localsWrittenBy lists the locals a statement writes (not those of its nested blocks). */
export function localsWrittenBy(stmt: Stmt): Local[] {
  switch (stmt.type) {
    case 'CallStmt':
    case 'CallDynamicStmt':
      return [stmt.result];
    case 'ScanStmt':
      return [stmt.key, stmt.value];
    case 'WithStmt':
      return [stmt.local];
    default:
      return 'target' in stmt ? [stmt.target] : [];
  }
}

/** nestedBlocks lists the blocks a statement runs inside itself. */
export function nestedBlocks(stmt: Stmt): readonly Block[] {
  switch (stmt.type) {
    case 'BlockStmt':
      return stmt.blocks;
    case 'NotStmt':
    case 'ScanStmt':
    case 'WithStmt':
      return [stmt.block];
    default:
      return [];
  }
}

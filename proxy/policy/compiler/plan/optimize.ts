import type { Block, Func, Local, Operand, Policy, Stmt } from '../ir/ir.js';
import { localsReadBy, localsWrittenBy, nestedBlocks } from '../ir/stmt-locals.js';

/*
 * optimizePolicy removes lookups the planner's statement-by-statement lowering repeats, without changing any
 * answer or error. Rule bodies refer to the same document again and again: the default policy reads
 * `call.iam_action` in most rules, through `call := input.call`, and the lookup inside an iteration runs once per
 * element:
 *
 *   Call g0.data.airlock.call(L0, L1) → L3          Call g0.data.airlock.call(L0, L1) → L3
 *   Dot L3 "service" → L4                           Dot L3 "service" → L4
 *   Equal L4 "iam"                                  Equal L4 "iam"
 *   Call g0.data.airlock.privilege_prefixes → L5    Call g0.data.airlock.privilege_prefixes → L5
 *   Scan L5 (L6, L7) {                              ResetLocal L20
 *     Call g0.data.airlock.call(L0, L1) → L8        Block { IsDefined L3; Dot L3 "action" → L20 }
 *     Dot L8 "action" → L9                    ⇒     Scan L5 (L6, L7) {
 *     Call startswith(L9, L7) → L10                   Call g0.data.airlock.call(L0, L1) → L8
 *     …                                               AssignVar L20 → L9
 *   }                                                 Call startswith(L9, L7) → L10 …
 *
 * Two facts make this sound. A planned function is deterministic within one evaluation, so two calls with the
 * same arguments return the same value (the calls stay: they are memo hits, and any side effect, such as print,
 * happens as before). A lookup (`Dot`) never fails other than by being undefined, so it can run early, on values
 * that cannot have changed, with its outcome kept in a fresh local that the original place reads (`AssignVar`
 * leaves the block when it is undefined, as the lookup did):
 *
 *   - common lookups: a lookup already made in a statement that dominates this one (earlier in the same list, or
 *     in a list that encloses it) is reused;
 *   - invariant lookups: a lookup at the top of a scan body whose operands the body never writes runs once,
 *     before the scan.
 *
 * A call at the very start of a scan body over a collection known not to be empty moves before the scan too,
 * when it is a rule without arguments (called with input and data, which the body does not write): the first
 * iteration would have run it first thing anyway, and the emitter memoizes such rules, so the later iterations
 * only read the memo.
 *
 * Value equality is tracked only for locals written once in their function (parameters count their entry as
 * the one write): their value never changes once set, so a fact about them holds wherever they are defined.
 */
export function optimizePolicy(policy: Policy): Policy {
  const context: PolicyContext = {
    ruleArity: new Map(policy.funcs.map((func) => [func.name, func.params.length])),
    strings: policy.static.strings,
  };
  return {
    ...policy,
    plans: policy.plans.map((plan) => ({
      ...plan,
      blocks: new BodyOptimizer(plan.blocks, PLAN_PARAMS, [], context).run(),
    })),
    funcs: policy.funcs.map((func): Func => ({
      ...func,
      blocks: new BodyOptimizer(func.blocks, func.params, [func.ret], context).run(),
    })),
  };
}

/** PolicyContext is what optimizing one body needs to know about the rest of the policy. */
interface PolicyContext {
  /** The planned functions, by name, with their number of parameters. */
  ruleArity: ReadonlyMap<string, number>;
  strings: readonly string[];
}

/** In a plan, locals 0 and 1 are input and data. */
const PLAN_PARAMS: readonly Local[] = [0, 1];

/** A rule without arguments takes exactly input and data. */
const RULE_WITHOUT_ARGUMENTS_ARITY = 2;

/** Scope is what is known at one point of a statement list; nested lists start from a copy of it. */
interface Scope {
  /** A local's value is the value of this other local (both written once). */
  sameAs: Map<Local, Local>;
  /** The local holding the value of an expression already evaluated (by a statement dominating this point). */
  available: Map<string, Local>;
  /** Collections known to hold at least one element. */
  nonEmpty: Set<Local>;
}

class BodyOptimizer {
  readonly #blocks: readonly Block[];
  readonly #ruleArity: ReadonlyMap<string, number>;
  readonly #strings: readonly string[];
  readonly #writes = new Map<Local, number>();
  #nextLocal = 0;

  /** `params` are written on entry; `reserved` are other locals the body's owner uses (a function's return). */
  constructor(blocks: readonly Block[], params: readonly Local[], reserved: readonly Local[], context: PolicyContext) {
    this.#blocks = blocks;
    this.#ruleArity = context.ruleArity;
    this.#strings = context.strings;
    for (const param of params) this.#wrote(param);
    for (const block of blocks) this.#countWrites(block.stmts);
    this.#nextLocal = Math.max(-1, ...params, ...reserved, ...blocks.map((block) => maxLocal(block.stmts))) + 1;
  }

  run(): Block[] {
    return this.#blocks.map((block) => ({
      stmts: this.#list(block.stmts, { sameAs: new Map(), available: new Map(), nonEmpty: new Set() }),
    }));
  }

  #wrote(local: Local): void {
    this.#writes.set(local, (this.#writes.get(local) ?? 0) + 1);
  }

  #countWrites(stmts: readonly Stmt[]): void {
    for (const stmt of stmts) {
      for (const local of localsWrittenBy(stmt)) this.#wrote(local);
      for (const block of nestedBlocks(stmt)) this.#countWrites(block.stmts);
    }
  }

  #writtenOnce(local: Local): boolean {
    return this.#writes.get(local) === 1;
  }

  #fresh(): Local {
    return this.#nextLocal++;
  }

  /** #canonical is the local a written-once local has the value of (itself if none). */
  #canonical(local: Local, scope: Scope): Local {
    return scope.sameAs.get(local) ?? local;
  }

  /** #operandKey names an operand's value for expression keys; undefined when it may change. */
  #operandKey(op: Operand, scope: Scope, stable: (local: Local) => boolean): string | undefined {
    switch (op.type) {
      case 'bool':
        return `b${op.value}`;
      case 'string_index':
        return `s${op.value}`;
      case 'local': {
        const local = this.#canonical(op.value, scope);
        return stable(local) ? `l${local}` : undefined;
      }
    }
  }

  #list(planned: readonly Stmt[], outer: Scope): Stmt[] {
    const stmts = insertKeysInOrder(planned, this.#strings);
    const scope: Scope = {
      sameAs: new Map(outer.sameAs),
      available: new Map(outer.available),
      nonEmpty: new Set(outer.nonEmpty),
    };
    const once = (local: Local) => this.#writtenOnce(local);
    const out: Stmt[] = [];
    stmts.forEach((stmt, i) => {
      switch (stmt.type) {
        case 'CallStmt': {
          const key = this.#callKey(stmt, scope, once);
          if (key !== undefined) this.#remember(key, stmt.result, scope);
          out.push(stmt);
          return;
        }
        case 'DotStmt': {
          const source = this.#operandKey(stmt.source, scope, once);
          const key = this.#operandKey(stmt.key, scope, once);
          if (source === undefined || key === undefined) {
            out.push(stmt);
            return;
          }
          const expr = `dot ${source} ${key}`;
          const known = scope.available.get(expr);
          if (known !== undefined) {
            out.push({
              type: 'AssignVarStmt',
              source: { type: 'local', value: known },
              target: stmt.target,
              loc: stmt.loc,
            });
            if (once(stmt.target)) scope.sameAs.set(stmt.target, known);
          } else {
            this.#remember(expr, stmt.target, scope);
            out.push(stmt);
          }
          return;
        }
        case 'MakeArrayStmt':
        case 'MakeSetStmt':
        case 'MakeObjectStmt': {
          const next = stmts[i + 1];
          if (once(stmt.target) && next !== undefined && fills(next, stmt.target)) scope.nonEmpty.add(stmt.target);
          out.push(stmt);
          return;
        }
        case 'ScanStmt':
          out.push(...this.#scan(stmt, scope));
          return;
        default:
          out.push(withNestedBlocks(stmt, (block) => ({ stmts: this.#list(block.stmts, scope) })));
      }
    });
    return out;
  }

  /** #callKey names a call of a planned function by its arguments; undefined for anything else. */
  #callKey(
    stmt: Extract<Stmt, { type: 'CallStmt' }>,
    scope: Scope,
    stable: (local: Local) => boolean,
  ): string | undefined {
    if (!this.#ruleArity.has(stmt.func)) return undefined;
    const args = stmt.args.map((arg) => this.#operandKey(arg, scope, stable));
    if (args.some((arg) => arg === undefined)) return undefined;
    return `call ${stmt.func} ${args.join(' ')}`;
  }

  /** #remember records that `local` holds the value of `expr`, or that it equals the local already holding it. */
  #remember(expr: string, local: Local, scope: Scope): void {
    if (!this.#writtenOnce(local)) return;
    const known = scope.available.get(expr);
    if (known === undefined) scope.available.set(expr, local);
    else scope.sameAs.set(local, known);
  }

  /** #scan moves invariant work at the top of a scan's body before the scan, then optimizes the body. */
  #scan(scan: Extract<Stmt, { type: 'ScanStmt' }>, scope: Scope): Stmt[] {
    const writtenInBody = new Set<Local>([scan.key, scan.value]);
    const collect = (stmts: readonly Stmt[]): void => {
      for (const stmt of stmts) {
        for (const local of localsWrittenBy(stmt)) writtenInBody.add(local);
        for (const block of nestedBlocks(stmt)) collect(block.stmts);
      }
    };
    collect(scan.block.stmts);
    // Inside the body, a local the body does not write keeps the value it had when the scan started.
    const invariant = (local: Local) => !writtenInBody.has(local);
    const bodyScope: Scope = {
      sameAs: new Map(scope.sameAs),
      available: new Map(scope.available),
      nonEmpty: new Set(scope.nonEmpty),
    };
    const before: Stmt[] = [];
    const body = scan.block.stmts.map((stmt, i): Stmt => {
      if (stmt.type === 'CallStmt') {
        const ruleArity = this.#ruleArity.get(stmt.func);
        const movable =
          i === 0 &&
          ruleArity === RULE_WITHOUT_ARGUMENTS_ARITY &&
          scope.nonEmpty.has(this.#canonical(scan.source, scope)) &&
          stmt.args.every((arg) => arg.type !== 'local' || invariant(arg.value));
        if (!movable) {
          // The same call before the scan gives the same value: lookups in it are invariant.
          const key = this.#callKey(stmt, bodyScope, (local) => this.#writtenOnce(local));
          const known = key === undefined ? undefined : bodyScope.available.get(key);
          if (known !== undefined && this.#writtenOnce(stmt.result)) bodyScope.sameAs.set(stmt.result, known);
          return stmt;
        }
        const early = this.#fresh();
        before.push(
          { type: 'ResetLocalStmt', target: early },
          { type: 'BlockStmt', blocks: [{ stmts: [{ ...stmt, result: early }] }], loc: stmt.loc },
        );
        if (this.#writtenOnce(stmt.result)) bodyScope.sameAs.set(stmt.result, early);
        return { type: 'AssignVarStmt', source: { type: 'local', value: early }, target: stmt.result, loc: stmt.loc };
      }
      if (stmt.type !== 'DotStmt') return stmt;
      const stable = (local: Local) => invariant(local) || before.some((s) => 'target' in s && s.target === local);
      const source = this.#operandKey(stmt.source, bodyScope, stable);
      const key = this.#operandKey(stmt.key, bodyScope, stable);
      if (source === undefined || key === undefined || stmt.source.type !== 'local') return stmt;
      const expr = `dot ${source} ${key}`;
      let early = scope.available.get(expr);
      if (early === undefined) {
        early = this.#fresh();
        const sourceLocal = this.#canonical(stmt.source.value, bodyScope);
        const keyOperand: Operand =
          stmt.key.type === 'local' ? { type: 'local', value: this.#canonical(stmt.key.value, bodyScope) } : stmt.key;
        const guard: Stmt[] = [{ type: 'IsDefinedStmt', source: sourceLocal }];
        if (keyOperand.type === 'local') guard.push({ type: 'IsDefinedStmt', source: keyOperand.value });
        before.push(
          { type: 'ResetLocalStmt', target: early },
          {
            type: 'BlockStmt',
            blocks: [
              {
                stmts: [
                  ...guard,
                  {
                    type: 'DotStmt',
                    source: { type: 'local', value: sourceLocal },
                    key: keyOperand,
                    target: early,
                    loc: stmt.loc,
                  },
                ],
              },
            ],
            loc: stmt.loc,
          },
        );
      }
      if (this.#writtenOnce(stmt.target)) bodyScope.sameAs.set(stmt.target, early);
      return { type: 'AssignVarStmt', source: { type: 'local', value: early }, target: stmt.target, loc: stmt.loc };
    });
    const optimized = this.#list(body, bodyScope);
    return [...before, { ...scan, block: { stmts: optimized } }];
  }
}

/**
 * insertKeysInOrder puts the inserts that fill an object literal just made (`MakeObject`, then an `ObjectInsert`
 * per key) in the order of their keys when those are distinct string constants: the object is the same, and each
 * insert then appends instead of searching and shifting (objects keep their keys sorted).
 */
function insertKeysInOrder(stmts: readonly Stmt[], strings: readonly string[]): readonly Stmt[] {
  let out: Stmt[] | undefined;
  for (let i = 0; i < stmts.length; i++) {
    const make = stmts[i]!;
    if (make.type !== 'MakeObjectStmt') continue;
    const run: { stmt: Stmt; key: Buffer }[] = [];
    for (let j = i + 1; j < stmts.length; j++) {
      const insert = stmts[j]!;
      if (insert.type !== 'ObjectInsertStmt' || insert.object !== make.target || insert.key.type !== 'string_index') {
        break;
      }
      const key = strings[insert.key.value];
      if (key === undefined) break;
      run.push({ stmt: insert, key: Buffer.from(key, 'utf8') });
    }
    const sorted = [...run].sort((a, b) => Buffer.compare(a.key, b.key));
    const distinct = sorted.every((entry, k) => k === 0 || Buffer.compare(sorted[k - 1]!.key, entry.key) !== 0);
    if (distinct && sorted.some((entry, k) => entry !== run[k])) {
      out ??= [...stmts];
      out.splice(i + 1, sorted.length, ...sorted.map((entry) => entry.stmt));
    }
    i += run.length;
  }
  return out ?? stmts;
}

/** maxLocal is the highest local a statement list reads or writes (-1 for none). */
function maxLocal(stmts: readonly Stmt[]): Local {
  let max = -1;
  for (const stmt of stmts) {
    for (const local of [...localsReadBy(stmt), ...localsWrittenBy(stmt)]) max = Math.max(max, local);
    for (const block of nestedBlocks(stmt)) max = Math.max(max, maxLocal(block.stmts));
  }
  return max;
}

function withNestedBlocks(stmt: Stmt, f: (block: Block) => Block): Stmt {
  switch (stmt.type) {
    case 'BlockStmt':
      return { ...stmt, blocks: stmt.blocks.map(f) };
    case 'NotStmt':
    case 'ScanStmt':
    case 'WithStmt':
      return { ...stmt, block: f(stmt.block) };
    default:
      return stmt;
  }
}

function fills(stmt: Stmt, local: Local): boolean {
  return (
    (stmt.type === 'ArrayAppendStmt' && stmt.array === local) ||
    (stmt.type === 'SetAddStmt' && stmt.set === local) ||
    ((stmt.type === 'ObjectInsertStmt' || stmt.type === 'ObjectInsertOnceStmt') && stmt.object === local)
  );
}

import { BUILTIN_DECLS } from '../builtins/catalogue.js';
import { resolveCallee } from '../check/calls.js';
import { type CheckedRule, hasRules, lookupNode, type Program, pathString, type RuleNode } from '../check/program.js';
import { matchesKey } from '../check/recursion.js';
import { rulesBelow } from '../check/ruletree.js';
import { builtinNamed, displayName, operatorName, ROOT_DOCUMENTS, stringOperands } from '../check/terms.js';
import type { DiagnosticCode, Location } from '../diagnostics.js';
import type { Block, Func, Local, Operand, Plan, Policy, Stmt, StmtLocation } from '../ir/ir.js';
import type { Body, Expr, Term, With } from '../parse/ast.js';

/*
 * Planner lowers a checked Program to IR, as OPA's `internal/planner`: each entrypoint becomes a plan, each rule
 * node it reaches (directly or through other rules) one function `g0.data.<path>(input, data, args…)`.
 *
 * Queries are planned in continuation-passing style: planning an expression appends statements to the current
 * block and then calls the continuation, which plans the rest of the query. Iteration (`input.a[i]`) opens a
 * `ScanStmt` whose body becomes the current block, so the rest of the query runs once per element:
 *
 *   x := input.a[i]; x > 1         Dot L0 "a" → L2
 *                                  Scan L2 (L3, L4) {
 *                                    AssignVar L4 → L5       (x)
 *                                    Call gt(L5, 1) → L6; NotEqual L6 false
 *                                    …continuation…
 *                                  }
 *
 * A statement that is undefined leaves its block, so a failed expression skips its continuation. Vars are
 * unique per scope after the checker's renaming, so one map from var to local serves a whole function.
 */

/**
 * PlanError is a construct the planner refuses (`rego_unsupported_error`), or one OPA's compiler rejects too
 * (with OPA's code).
 */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  readonly location: Location | undefined;
  readonly code: DiagnosticCode;
  constructor(message: string, location: Location | undefined, code: DiagnosticCode = 'rego_unsupported_error') {
    super(message);
    this.location = location;
    this.code = code;
  }
}

/** Cont is the rest of a query, planned where the current block is. */
type Cont = () => void;

/** FuncState is the planner's cursor inside one plan or function. */
interface FuncState {
  next: number;
  curr: Block;
  vars: Map<string, Local>;
  /** The mocks in force (`with f as g`, `with data.p as v`): functions are planned once per generation. */
  gen: Generation;
  /** The locals holding the generation's mock values, by slot. */
  mockLocals: Local[];
}

/**
 * MockReplacement is what a `with` puts in place of a rule, function or built-in: a value (held in a mock
 * slot, passed to every function of the generation as an extra parameter), another built-in, or a function.
 * A `shadow` hides every rule below a node: `with data.a as v` over the rules `a.b` and `a.c` puts `v` into the
 * data document at `a` (a `WithStmt`), and refs under `a` then read that base data, as OPA's planner does.
 */
type MockReplacement =
  | { kind: 'value'; slot: number }
  | { kind: 'builtin'; name: string }
  | { kind: 'function'; node: RuleNode }
  | { kind: 'shadow' };

/** WithTarget is how a `with` is planned: a plan-time mock, a shadowed subtree of rules, or plain input/data. */
type WithTarget = { kind: 'mock'; key: string } | { kind: 'shadow'; key: string } | { kind: 'document' };

/**
 * Generation is a set of mocks. As OPA's planner does for `with` on rules and functions, every function
 * evaluated under mocks is planned again for that generation (`g1.data.a.p`), with the mocks substituted at
 * plan time; generation 0 has none. Keys are `b:<builtin>` or `n:<rule path>`.
 */
interface Generation {
  id: number;
  mocks: ReadonlyMap<string, MockReplacement>;
  slots: number;
}

const GEN0: Generation = { id: 0, mocks: new Map(), slots: 0 };

function newState(gen: Generation, mockLocals: Local[]): FuncState {
  return { next: 2, curr: { stmts: [] }, vars: new Map(), gen, mockLocals };
}

/** hasRuleKinds says whether a node or a descendant holds rules (packages alone do not count). */
function hasRuleKinds(n: RuleNode): boolean {
  if (n.kind !== undefined) return true;
  for (const c of n.children.values()) if (hasRuleKinds(c)) return true;
  return false;
}

/** replacementId names a replacement within a generation's identity. */
function replacementId(r: MockReplacement): string {
  switch (r.kind) {
    case 'value':
      return `v${r.slot}`;
    case 'builtin':
      return `b${r.name}`;
    case 'function':
      return `f${r.node.path.join('.')}`;
    case 'shadow':
      return 's';
  }
}

/** nodeKey names a rule node as a mock target. */
function nodeKey(node: RuleNode): string {
  return `n:${node.path.join('\u0000')}`;
}

const INPUT: Local = 0;
const DATA: Local = 1;

export class Planner {
  readonly #program: Program;
  readonly #strings: string[] = [];
  readonly #stringIndex = new Map<string, number>();
  readonly #files: string[] = [];
  readonly #fileIndex = new Map<string, number>();
  readonly #builtins = new Map<string, number>();
  readonly #funcs: Func[] = [];
  /** Function name for each rule node and generation already planned or queued. */
  readonly #funcNames = new Map<string, string>();
  readonly #queue: { node: RuleNode; gen: Generation }[] = [];
  readonly #generations = new Map<string, Generation>([['', GEN0]]);
  #state: FuncState = newState(GEN0, []);
  #loc: Location | undefined;

  constructor(program: Program) {
    this.#program = program;
    for (const f of program.files) this.#file(f);
  }

  /** plan plans every entrypoint and every function they reach. */
  plan(entrypoints: string[]): Policy {
    const plans: Plan[] = entrypoints.map((e) => this.#planEntrypoint(e));
    while (this.#queue.length > 0) {
      const { node, gen } = this.#queue.shift() as { node: RuleNode; gen: Generation };
      this.#funcs.push(this.#planRules(node, gen));
    }
    return {
      static: {
        strings: this.#strings,
        builtinFuncs: [...this.#builtins].map(([name, arity]) => ({ name, arity })),
        files: this.#files,
      },
      plans,
      funcs: this.#funcs,
    };
  }

  // ---- state ------------------------------------------------------------------------------------------------

  #string(s: string): number {
    let i = this.#stringIndex.get(s);
    if (i === undefined) {
      i = this.#strings.length;
      this.#strings.push(s);
      this.#stringIndex.set(s, i);
    }
    return i;
  }

  #file(f: string): number {
    let i = this.#fileIndex.get(f);
    if (i === undefined) {
      i = this.#files.length;
      this.#files.push(f);
      this.#fileIndex.set(f, i);
    }
    return i;
  }

  #stmtLoc(): StmtLocation | undefined {
    const l = this.#loc;
    return l ? { file: this.#file(l.file), row: l.row, col: l.col } : undefined;
  }

  #emit(stmt: Stmt): void {
    const loc = this.#stmtLoc();
    if (loc) stmt.loc = loc;
    this.#state.curr.stmts.push(stmt);
  }

  #local(): Local {
    return this.#state.next++;
  }

  /** #block plans `f` into a new block and returns it; the cursor comes back afterwards. */
  #block(f: () => void): Block {
    const saved = this.#state.curr;
    const b: Block = { stmts: [] };
    this.#state.curr = b;
    try {
      f();
    } finally {
      this.#state.curr = saved;
    }
    return b;
  }

  /** #scoped runs `f` and forgets the var bindings it made (a closure's vars do not leak out). */
  #scoped(f: () => void): void {
    const saved = new Map(this.#state.vars);
    try {
      f();
    } finally {
      this.#state.vars = saved;
    }
  }

  /** #bind binds a var to a local for the continuation. */
  #bind(name: string, op: Operand, k: Cont): void {
    let l: Local;
    // Locals 0 and 1 change under `with`; a var bound to input or data keeps the value it had.
    if (op.type === 'local' && op.value > DATA) l = op.value;
    else {
      l = this.#local();
      this.#emit({ type: 'AssignVarStmt', source: op, target: l });
    }
    const vars = this.#state.vars;
    const prev = vars.get(name);
    vars.set(name, l);
    k();
    if (prev === undefined) vars.delete(name);
    else vars.set(name, prev);
  }

  #isBound(name: string): boolean {
    return ROOT_DOCUMENTS.has(name) || this.#state.vars.has(name);
  }

  /** #toLocal makes an operand a local (constants are copied into one). */
  #toLocal(op: Operand): Local {
    if (op.type === 'local') return op.value;
    const l = this.#local();
    this.#emit({ type: 'AssignVarStmt', source: op, target: l });
    return l;
  }

  /** #never makes the current block undefined: an expression that can never hold (`false`, `[1] = [1, 2]`). */
  #never(): void {
    this.#emit({ type: 'BreakStmt', index: 0 });
  }

  #fail(message: string, loc?: Location): never {
    throw new PlanError(message, loc ?? this.#loc);
  }

  /**
   * #refuse fails on a call to a built-in Airlock refuses to run. The checker lets such calls through only for
   * built-ins some `with` replaces; here, where each call is planned in the mocks in force, a call that no `with`
   * replaced is refused.
   */
  #refuse(name: string, loc: Location): void {
    const refusal = BUILTIN_DECLS.get(name)?.refusal;
    if (refusal !== undefined) this.#fail(`${name}: ${refusal}`, loc);
  }

  #builtin(name: string): void {
    if (this.#builtins.has(name)) return;
    const decl = BUILTIN_DECLS.get(name);
    this.#builtins.set(name, decl ? decl.args.length : 0);
  }

  // ---- entrypoints and rules --------------------------------------------------------------------------------

  #planEntrypoint(entrypoint: string): Plan {
    const path = entrypoint.split('/').filter((p) => p !== '');
    this.#state = newState(GEN0, []);
    this.#loc = undefined;
    const block = this.#block(() => {
      this.#planDataRef(
        path.map((p) => ({ type: 'string', value: p, loc: noLoc })),
        0,
        (op) => {
          this.#emit({ type: 'ResultSetAddStmt', value: this.#toLocal(op) });
        },
      );
    });
    return { name: entrypoint, blocks: [block] };
  }

  /** #funcName returns the function planned for a rule node in a generation, queueing it on first use. */
  #funcName(node: RuleNode, gen: Generation = this.#state.gen): string {
    const key = `${gen.id}/${node.path.join('\u0000')}`;
    let name = this.#funcNames.get(key);
    if (name === undefined) {
      name = `g${gen.id}.data.${node.path.join('.')}`;
      this.#funcNames.set(key, name);
      this.#queue.push({ node, gen });
    }
    return name;
  }

  /** #rootArgs are the arguments every planned function takes first: input, data, then the mock values. */
  #rootArgs(): Operand[] {
    return [
      { type: 'local', value: INPUT },
      { type: 'local', value: DATA },
      ...this.#state.mockLocals.map((l): Operand => ({ type: 'local', value: l })),
    ];
  }

  /** #planRules plans all rules of one node into one function, as OPA's `planRules`. */
  #planRules(node: RuleNode, gen: Generation): Func {
    const saved = this.#state;
    this.#state = newState(gen, []);
    const params: Local[] = [INPUT, DATA];
    for (let i = 0; i < gen.slots; i++) {
      const l = this.#local();
      params.push(l);
      this.#state.mockLocals.push(l);
    }
    const argParams: Local[] = [];
    for (let i = 0; i < (node.arity ?? 0); i++) {
      const l = this.#local();
      params.push(l);
      argParams.push(l);
    }
    const ret = this.#local();
    const blocks: Block[] = [];
    const kind = node.kind;
    if (kind === 'partial-set' || kind === 'partial-object') {
      // A partial set with a ref head (`p[k] contains v`) is an object of sets.
      const isSet = kind === 'partial-set' && (node.rules[0]?.keyPath.length ?? 0) === 0;
      blocks.push({ stmts: [{ type: isSet ? 'MakeSetStmt' : 'MakeObjectStmt', target: ret }] });
    }
    for (const rule of node.rules) {
      this.#loc = rule.loc;
      blocks.push(this.#block(() => this.#planRule(node, rule, argParams, ret)));
    }
    // Rules below an object built by ref-head rules (`p[k] := v` with `p.a.r := 0`) add their keys to it;
    // the same key with a different value is a conflict, as in OPA.
    const leafDepth = Math.min(...node.rules.map((r) => r.keyPath.length));
    for (const { node: below, rel } of rulesBelow(node)) {
      this.#loc = below.rules[0]?.loc ?? below.default?.loc;
      blocks.push(
        this.#block(() => {
          const value = this.#planRuleValue(below);
          this.#planInsertBelow(rel, 0, ret, value, leafDepth);
        }),
      );
    }
    if (node.default) {
      const d = node.default;
      this.#loc = d.loc;
      blocks.push(
        this.#block(() => {
          this.#emit({ type: 'IsUndefinedStmt', source: ret });
          this.#planRule(node, { ...d, else: undefined }, argParams, ret);
        }),
      );
    }
    blocks.push({ stmts: [{ type: 'ReturnLocalStmt', source: ret }] });
    const func: Func = { name: this.#funcName(node, gen), params, ret, blocks };
    this.#state = saved;
    return func;
  }

  /** #planRule plans one rule (with its else chain) of a node, adding its value to `ret`. */
  #planRule(node: RuleNode, rule: CheckedRule, params: Local[], ret: Local): void {
    if (rule.else === undefined) {
      this.#scoped(() => this.#planRuleBody(node, rule, params, (op) => this.#addValue(node, rule, op, ret)));
      return;
    }
    // An else chain: the first branch that is defined wins (OPA plans each branch as a block guarded by
    // `IsUndefined` of the chain's own result).
    const r = this.#local();
    this.#emit({ type: 'ResetLocalStmt', target: r });
    const branches: Block[] = [];
    let branch: CheckedRule | undefined = rule;
    let first = true;
    while (branch !== undefined) {
      const b: CheckedRule = branch;
      this.#loc = b.loc;
      const isFirst = first;
      branches.push(
        this.#block(() => {
          if (!isFirst) this.#emit({ type: 'IsUndefinedStmt', source: r });
          this.#scoped(() =>
            this.#planRuleBody(node, b, params, (op) =>
              this.#emit({ type: 'AssignVarOnceStmt', source: op, target: r }),
            ),
          );
        }),
      );
      first = false;
      branch = b.else;
    }
    this.#emit({ type: 'BlockStmt', blocks: branches });
    this.#emit({ type: 'IsDefinedStmt', source: r });
    this.#emit({ type: 'AssignVarOnceStmt', source: { type: 'local', value: r }, target: ret });
  }

  /** #planRuleBody unifies function parameters, plans the body, then the head value, and calls `k` with it. */
  #planRuleBody(node: RuleNode, rule: CheckedRule, params: Local[], k: (value: Operand) => void): void {
    const args = rule.args;
    const unifyArgs = (i: number): void => {
      if (i >= args.length) {
        this.#planQuery(rule.body, 0, () => {
          this.#loc = rule.loc;
          if (node.kind === 'partial-set' && rule.keyPath.length === 0) {
            this.#planTerm(rule.key as Term, k);
          } else this.#planTerm(rule.value, k);
        });
        return;
      }
      this.#unifyLocal(args[i] as Term, { type: 'local', value: params[i] as Local }, () => unifyArgs(i + 1));
    };
    unifyArgs(0);
  }

  /** #addValue adds one value of a rule body to the node's result, by the node's kind. */
  #addValue(node: RuleNode, rule: CheckedRule, value: Operand, ret: Local): void {
    this.#loc = rule.loc;
    switch (node.kind) {
      case 'complete':
      case 'function':
        this.#emit({ type: 'AssignVarOnceStmt', source: value, target: ret });
        return;
      case 'partial-set':
        if (rule.keyPath.length === 0) {
          this.#emit({ type: 'SetAddStmt', value, set: ret });
          return;
        }
        // `a[k] contains x`: the element is the rule's key; the value operand is unused.
        this.#planTerm(rule.key as Term, (elem) => this.#planNested(rule.keyPath, 0, ret, 'set', elem));
        return;
      case 'partial-object':
        this.#planNested(rule.keyPath, 0, ret, 'object', value);
        return;
      default:
        this.#fail(`internal: rules of unknown kind at ${pathString(node.path)}`);
    }
  }

  /**
   * #planNested inserts `value` under `keys` in the object `obj` (OPA's `planNestedObjects`): intermediate
   * objects are created on first use; the last key gets `value` (`ObjectInsertOnce`), or, for a partial set
   * with a ref head, a set that `value` is added to.
   */
  #planNested(keys: Term[], i: number, obj: Local, leaf: 'object' | 'set', value: Operand): void {
    const key = keys[i] as Term;
    this.#planTerm(key, (kop) => {
      if (i === keys.length - 1 && leaf === 'object') {
        this.#emit({ type: 'ObjectInsertOnceStmt', key: kop, value, object: obj });
        return;
      }
      const child = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target: child });
      const found = this.#local();
      this.#emit({
        type: 'BlockStmt',
        blocks: [
          this.#block(() => {
            this.#emit({ type: 'DotStmt', source: { type: 'local', value: obj }, key: kop, target: found });
            this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: found }, target: child });
          }),
        ],
      });
      const isLast = i === keys.length - 1;
      this.#emit({
        type: 'BlockStmt',
        blocks: [
          this.#block(() => {
            this.#emit({ type: 'IsUndefinedStmt', source: child });
            this.#emit({ type: isLast ? 'MakeSetStmt' : 'MakeObjectStmt', target: child });
          }),
        ],
      });
      if (isLast) this.#emit({ type: 'SetAddStmt', value, set: child });
      else this.#planNested(keys, i + 1, child, leaf, value);
      // Insert (again) so the parent holds the updated child even if the runtime copied it on lookup.
      this.#emit({ type: 'ObjectInsertStmt', key: kop, value: { type: 'local', value: child }, object: obj });
    });
  }

  /**
   * #planInsertBelow adds the value of a rule below an object-building node at `keys` in that object. Objects
   * the node's own rules built on the way are entered; a value of theirs (at or below their key depth) cannot
   * take more keys: that is a conflict. Two sets at the same place are merged (`p[q].r contains s` with
   * `p.b.r contains "foo"`); other different values at the same key conflict.
   */
  #planInsertBelow(keys: string[], i: number, obj: Local, value: Local, leafDepth: number): void {
    const key: Operand = { type: 'string_index', value: this.#string(keys[i] as string) };
    const objOp: Operand = { type: 'local', value: obj };
    const existing = this.#local();
    this.#emit({ type: 'ResetLocalStmt', target: existing });
    const lookup = this.#block(() => {
      const found = this.#local();
      this.#emit({ type: 'DotStmt', source: objOp, key, target: found });
      this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: found }, target: existing });
    });
    this.#emit({ type: 'BlockStmt', blocks: [lookup] });
    const existingOp: Operand = { type: 'local', value: existing };
    if (i === keys.length - 1) {
      const done = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target: done });
      const union = this.#block(() => {
        this.#emit({ type: 'IsSetStmt', source: existingOp });
        this.#emit({ type: 'IsSetStmt', source: { type: 'local', value } });
        const k = this.#local();
        const v = this.#local();
        const add = this.#block(() =>
          this.#emit({ type: 'SetAddStmt', value: { type: 'local', value: v }, set: existing }),
        );
        this.#emit({ type: 'ScanStmt', source: value, key: k, value: v, block: add });
        this.#emit({ type: 'ObjectInsertStmt', key, value: existingOp, object: obj });
        this.#emit({ type: 'AssignVarStmt', source: { type: 'bool', value: true }, target: done });
      });
      const insert = this.#block(() => {
        this.#emit({ type: 'IsUndefinedStmt', source: done });
        this.#emit({ type: 'ObjectInsertOnceStmt', key, value: { type: 'local', value }, object: obj });
      });
      this.#emit({ type: 'BlockStmt', blocks: [union, insert] });
      return;
    }
    if (i + 1 >= leafDepth) {
      // Inside a value a rule produced: adding keys to it is a conflict. Inserting a value that differs from
      // whatever is there (an array holding it) raises the runtime's `object insert conflict`.
      const conflict = this.#block(() => {
        this.#emit({ type: 'IsDefinedStmt', source: existing });
        const other = this.#local();
        this.#emit({ type: 'MakeArrayStmt', capacity: 1, target: other });
        this.#emit({ type: 'ArrayAppendStmt', value: existingOp, array: other });
        this.#emit({ type: 'ObjectInsertOnceStmt', key, value: { type: 'local', value: other }, object: obj });
      });
      this.#emit({ type: 'BlockStmt', blocks: [conflict] });
    }
    const create = this.#block(() => {
      this.#emit({ type: 'IsUndefinedStmt', source: existing });
      this.#emit({ type: 'MakeObjectStmt', target: existing });
    });
    this.#emit({ type: 'BlockStmt', blocks: [create] });
    this.#planInsertBelow(keys, i + 1, existing, value, leafDepth);
    this.#emit({ type: 'ObjectInsertStmt', key, value: existingOp, object: obj });
  }

  // ---- queries ------------------------------------------------------------------------------------------------

  /** #planQuery plans `body[i:]`, then `k`. */
  #planQuery(body: Body, i: number, k: Cont): void {
    if (i >= body.length) {
      k();
      return;
    }
    const e = body[i] as Expr;
    this.#loc = e.loc;
    this.#planExpr(e, () => this.#planQuery(body, i + 1, k));
  }

  #planExpr(e: Expr, k: Cont): void {
    if (e.with.length > 0) {
      this.#planWith(e, e.with, 0, k);
      return;
    }
    if (e.negated) {
      this.#planNot(e, k);
      return;
    }
    this.#planExprPositive(e, k);
  }

  #planNot(e: Expr, k: Cont): void {
    const block = this.#block(() => this.#scoped(() => this.#planExprPositive({ ...e, negated: false }, () => {})));
    this.#emit({ type: 'NotStmt', block });
    k();
  }

  #planExprPositive(e: Expr, k: Cont): void {
    switch (e.kind) {
      case 'term':
        this.#planTerm(e.term as Term, (op) => this.#planTruthy(op, k));
        return;
      case 'call':
        this.#planExprCall(e, k);
        return;
      case 'every':
        this.#planEvery(e, k);
        return;
      default:
        this.#fail(`internal: unexpected ${e.kind} expression after checking`, e.loc);
    }
  }

  /** #planTruthy continues when a value is defined and not `false`, as an expression's result must be. */
  #planTruthy(op: Operand, k: Cont): void {
    if (op.type === 'bool') {
      if (op.value) k();
      else this.#never();
      return;
    }
    if (op.type === 'local') this.#emit({ type: 'NotEqualStmt', a: op, b: { type: 'bool', value: false } });
    k();
  }

  #planExprCall(e: Expr, k: Cont): void {
    const op = e.operator ?? [];
    const args = e.args ?? [];
    const name = operatorName(op);
    if ((name === 'eq' || name === 'assign') && args.length === 2) {
      this.#planUnify(args[0] as Term, args[1] as Term, k);
      return;
    }
    if (name === 'trace') {
      k();
      return;
    }
    if ((name === 'equal' || name === 'neq') && args.length === 2) {
      this.#hoistRefs(args, ([x, y]) =>
        this.#planTerm(x as Term, (a) =>
          this.#planTerm(y as Term, (b) => {
            this.#emit({ type: name === 'equal' ? 'EqualStmt' : 'NotEqualStmt', a, b });
            k();
          }),
        ),
      );
      return;
    }
    const callee = resolveCallee(this.#program.root, op);
    let arity: number;
    let relation = false;
    if (callee.kind === 'builtin') {
      arity = callee.variadic ? args.length : callee.arity;
      relation = callee.relation;
    } else if (callee.kind === 'function') arity = callee.arity;
    else this.#fail(`unsupported call to ${name ?? 'a dynamic function'}`, e.loc);
    this.#hoistRefs(args.slice(0, arity), (inputs) => this.#planCallExpr(op, inputs, args[arity], relation, e.loc, k));
  }

  /** #planCallExpr plans a call expression once its arguments can be planned in order. */
  #planCallExpr(op: Term[], inputs: Term[], output: Term | undefined, relation: boolean, loc: Location, k: Cont): void {
    this.#planCall(op, inputs, loc, (result) => {
      if (output === undefined) {
        this.#planTruthy({ type: 'local', value: result }, k);
      } else if (relation) {
        const key = this.#local();
        const value = this.#local();
        const block = this.#block(() => this.#unifyLocal(output, { type: 'local', value }, k));
        this.#emit({ type: 'ScanStmt', source: result, key, value, block });
      } else this.#unifyLocal(output, { type: 'local', value: result }, k);
    });
  }

  /**
   * #hoistRefs plans, first, the refs among `terms` that bind vars by iterating (as OPA's `rewriteDynamics`
   * does), so that `foo == input.foos[foo]` binds foo before the bare `foo` is read; `k` gets the terms with
   * those refs replaced by vars holding their values.
   */
  #hoistRefs(terms: Term[], k: (terms: Term[]) => void): void {
    const found: Term[] = [];
    const visit = (t: Term): void => {
      switch (t.type) {
        case 'ref':
          if (this.#refBinds(t)) found.push(t);
          else t.terms.forEach(visit);
          return;
        case 'array':
        case 'set':
          t.items.forEach(visit);
          return;
        case 'object':
          for (const [a, b] of t.entries) {
            visit(a);
            visit(b);
          }
          return;
        case 'call':
          t.args.forEach(visit);
          return;
        default:
          return;
      }
    };
    terms.forEach(visit);
    if (found.length === 0) {
      k(terms);
      return;
    }
    const names = new Map<Term, Term>();
    const next = (i: number): void => {
      if (i < found.length) {
        const ref = found[i] as Term;
        this.#planTerm(ref, (op) => {
          const name = `$hoist${this.#state.next}`;
          names.set(ref, { type: 'var', name, loc: ref.loc });
          this.#bind(name, op, () => next(i + 1));
        });
        return;
      }
      k(terms.map((t) => substitute(t, names)));
    };
    next(0);
  }

  /** #refBinds says whether planning a ref would bind a var (an unbound var among its operands). */
  #refBinds(t: Term & { type: 'ref' }): boolean {
    let binds = false;
    for (const x of t.terms.slice(1)) {
      if (x.type === 'var' && !this.#isBound(x.name)) binds = true;
      else if (x.type === 'ref' && this.#refBinds(x)) binds = true;
      else if (this.#hasPatternVars(x)) binds = true;
    }
    return binds;
  }

  /** #planCall plans a call's arguments, then the call, and continues with the result local. */
  #planCall(op: Term[], args: Term[], loc: Location, k: (result: Local) => void): void {
    const callee = resolveCallee(this.#program.root, op);
    const ops: Operand[] = [];
    const planArgs = (i: number): void => {
      if (i < args.length) {
        this.#planTerm(args[i] as Term, (a) => {
          ops.push(a);
          planArgs(i + 1);
          ops.pop();
        });
        return;
      }
      this.#loc = loc;
      const mock =
        callee.kind === 'builtin'
          ? this.#state.gen.mocks.get(`b:${callee.name}`)
          : callee.kind === 'function'
            ? this.#state.gen.mocks.get(nodeKey(callee.node))
            : undefined;
      if (mock?.kind === 'value') {
        // `with f as v`: the call's arguments are still evaluated (and must be defined); its result is v.
        k(this.#state.mockLocals[mock.slot] as Local);
        return;
      }
      const result = this.#local();
      if (mock?.kind === 'builtin') {
        this.#refuse(mock.name, loc);
        this.#builtin(mock.name);
        this.#emit({ type: 'CallStmt', func: mock.name, args: [...ops], result });
      } else if (mock?.kind === 'function') {
        // A replacement function runs without the mocks (OPA: a mock never calls another mock).
        const func = this.#funcName(mock.node, GEN0);
        this.#emit({
          type: 'CallStmt',
          func,
          args: [{ type: 'local', value: INPUT }, { type: 'local', value: DATA }, ...ops],
          result,
        });
      } else if (callee.kind === 'builtin') {
        this.#refuse(callee.name, loc);
        this.#builtin(callee.name);
        this.#emit({ type: 'CallStmt', func: callee.name, args: [...ops], result });
      } else if (callee.kind === 'function') {
        if (this.#shadowedPath(callee.node.path)) {
          this.#fail(
            `${pathString(callee.node.path)} is called where a \`with\` replaces the document holding it`,
            loc,
          );
        }
        this.#emit({
          type: 'CallStmt',
          func: this.#funcName(callee.node),
          args: [...this.#rootArgs(), ...ops],
          result,
        });
      } else this.#fail('unsupported call to a function named by a variable', loc);
      k(result);
    };
    planArgs(0);
  }

  // ---- every, with ---------------------------------------------------------------------------------------------

  /**
   * #planEvery plans `every k, v in xs { body }` as "no element of xs fails the body" (OPA's `planEvery`):
   * xs must be a collection; for each element, a block runs the body and marks success; an element without
   * success marks failure; the expression holds when nothing failed.
   */
  #planEvery(e: Expr, k: Cont): void {
    this.#planTerm(e.domain as Term, (dop) => {
      const domain = this.#toLocal(dop);
      const isCollection = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target: isCollection });
      const guard = (type: 'IsArrayStmt' | 'IsObjectStmt' | 'IsSetStmt') =>
        this.#block(() => {
          this.#emit({ type, source: { type: 'local', value: domain } });
          this.#emit({ type: 'AssignVarStmt', source: { type: 'bool', value: true }, target: isCollection });
        });
      this.#emit({ type: 'BlockStmt', blocks: [guard('IsArrayStmt'), guard('IsObjectStmt'), guard('IsSetStmt')] });
      this.#emit({ type: 'IsDefinedStmt', source: isCollection });
      const failed = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target: failed });
      const key = this.#local();
      const value = this.#local();
      const scanBlock = this.#block(() => {
        const ok = this.#local();
        this.#emit({ type: 'ResetLocalStmt', target: ok });
        const attempt = this.#block(() =>
          this.#scoped(() => {
            const afterKey = () =>
              this.#unifyLocal(e.value as Term, { type: 'local', value }, () =>
                this.#planQuery(e.body ?? [], 0, () =>
                  this.#emit({ type: 'AssignVarStmt', source: { type: 'bool', value: true }, target: ok }),
                ),
              );
            if (e.key) this.#unifyLocal(e.key, { type: 'local', value: key }, afterKey);
            else afterKey();
          }),
        );
        this.#emit({ type: 'BlockStmt', blocks: [attempt] });
        this.#emit({ type: 'IsUndefinedStmt', source: ok });
        this.#emit({ type: 'AssignVarStmt', source: { type: 'bool', value: true }, target: failed });
      });
      this.#emit({ type: 'ScanStmt', source: domain, key, value, block: scanBlock });
      this.#emit({ type: 'IsUndefinedStmt', source: failed });
      k();
    });
  }

  /**
   * #planWith plans an expression under `with` modifiers. Each target (`input…`, or `data…`) replaces its
   * document for the expression; the continuation runs with the original restored, inside the same blocks so
   * that the expression's bindings stay visible. A `data` target over rules also hides those rules (a shadow).
   */
  #planWith(e: Expr, withs: With[], i: number, k: Cont): void {
    if (i >= withs.length) {
      this.#planExpr({ ...e, with: [] }, k);
      return;
    }
    const w = withs[i] as With;
    const target = this.#withKind(w);
    if (target.kind === 'mock') {
      this.#planMock(e, withs, i, target.key, k);
      return;
    }
    const { local, path } = this.#withTarget(w);
    const shadow = target.kind === 'shadow' ? target.key : undefined;
    this.#planTerm(w.value, (vop) => {
      // The original may be undefined (no input): save it in a block of its own, and let the restoring
      // `WithStmt` put back whatever it held, undefined included.
      const saved = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target: saved });
      const save = this.#block(() =>
        this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: local }, target: saved }),
      );
      this.#emit({ type: 'BlockStmt', blocks: [save] });
      this.#loc = w.loc;
      const block = this.#block(() =>
        this.#inGeneration(shadow, { kind: 'shadow' }, undefined, (leave) =>
          this.#planWith(e, withs, i + 1, () =>
            leave(() => {
              const restore = this.#block(k);
              this.#emit({
                type: 'WithStmt',
                local,
                path: [],
                value: { type: 'local', value: saved },
                block: restore,
              });
            }),
          ),
        ),
      );
      this.#emit({ type: 'WithStmt', local, path: path.map((p) => this.#string(p)), value: vop, block });
    });
  }

  /**
   * #inGeneration plans `f` in the generation with one more mock for `key` (or in the current one when `key` is
   * undefined); `f` gets `leave`, which plans its argument back in the outer generation, for the continuation.
   */
  #inGeneration(
    key: string | undefined,
    rep: MockReplacement,
    local: Local | undefined,
    f: (leave: (g: Cont) => void) => void,
  ): void {
    if (key === undefined) {
      f((g) => g());
      return;
    }
    const outer = { gen: this.#state.gen, locals: this.#state.mockLocals };
    const inner = this.#derive(outer.gen, outer.locals, key, rep, local);
    const enter = (m: { gen: Generation; locals: Local[] }) => {
      this.#state.gen = m.gen;
      this.#state.mockLocals = m.locals;
    };
    enter(inner);
    try {
      f((g) => {
        enter(outer);
        try {
          g();
        } finally {
          enter(inner);
        }
      });
    } finally {
      enter(outer);
    }
  }

  /**
   * #withKind says how a `with` is planned: a mock for a rule, function or built-in (replaced at plan time); a
   * shadow for a document holding rules below it; or a plain replacement of input or base data at run time.
   * A target inside a rule's value is OPA's compile error.
   */
  #withKind(w: With): WithTarget {
    const terms = w.target.terms;
    const head = terms[0];
    if (head?.type === 'var' && head.name === 'input') return { kind: 'document' };
    if (head?.type === 'var' && head.name === 'data') {
      const rest = stringOperands(terms.slice(1));
      if (rest === undefined) this.#fail('with: the target must be a constant path', w.loc);
      let n: RuleNode | undefined = this.#program.root;
      for (const key of rest) {
        // Below a shadow, the rules are gone: the target is plain data.
        if (this.#shadowed(n)) return { kind: 'document' };
        if (n.kind !== undefined) {
          throw new PlanError('with keyword cannot partially replace virtual document(s)', w.loc, 'rego_compile_error');
        }
        n = n.children.get(key);
        if (n === undefined) return { kind: 'document' };
      }
      if (this.#shadowed(n)) return { kind: 'document' };
      if (n.kind !== undefined) return { kind: 'mock', key: nodeKey(n) };
      return hasRuleKinds(n) ? { kind: 'shadow', key: nodeKey(n) } : { kind: 'document' };
    }
    const name = operatorName(terms);
    if (name !== undefined && BUILTIN_DECLS.has(name)) return { kind: 'mock', key: `b:${name}` };
    return this.#fail('with: the target must be input, data or a function', w.loc);
  }

  /** #shadowed says whether a `with` in force hides the rules at and below `node`. */
  #shadowed(node: RuleNode): boolean {
    return this.#state.gen.mocks.get(nodeKey(node))?.kind === 'shadow';
  }

  /** #shadowedPath says whether a `with` in force hides the rule node at `path` (or one of its ancestors). */
  #shadowedPath(path: readonly string[]): boolean {
    let n: RuleNode | undefined = this.#program.root;
    for (const key of path) {
      if (this.#shadowed(n)) return true;
      n = n.children.get(key);
      if (n === undefined) return false;
    }
    return this.#shadowed(n);
  }

  /** #planMock plans an expression with a rule, function or built-in replaced, in a new generation. */
  #planMock(e: Expr, withs: With[], i: number, key: string, k: Cont): void {
    const w = withs[i] as With;
    // The rest of the query runs without this expression's mocks.
    const enter = (rep: MockReplacement, local?: Local) =>
      this.#inGeneration(key, rep, local, (leave) => this.#planWith(e, withs, i + 1, () => leave(k)));
    const value = w.value;
    if (builtinNamed(value)) {
      const name = operatorName(value.type === 'ref' ? value.terms : [value]) as string;
      enter({ kind: 'builtin', name });
      return;
    }
    if (value.type === 'ref' && value.terms[0]?.type === 'var' && value.terms[0].name === 'data') {
      const path = stringOperands(value.terms.slice(1));
      const node = path && lookupNode(this.#program.root, path);
      if (node?.kind === 'function') {
        enter({ kind: 'function', node });
        return;
      }
    }
    this.#planTerm(value, (op) => enter({ kind: 'value', slot: -1 }, this.#toLocal(op)));
  }

  /** #derive makes the generation with one more mock (replacing any mock of the same target). */
  #derive(
    gen: Generation,
    locals: Local[],
    key: string,
    rep: MockReplacement,
    local: Local | undefined,
  ): { gen: Generation; locals: Local[] } {
    const mocks = new Map<string, MockReplacement>();
    const out: Local[] = [];
    const add = (k: string, r: MockReplacement, l: Local | undefined) => {
      if (r.kind === 'value') {
        mocks.set(k, { kind: 'value', slot: out.length });
        out.push(l as Local);
      } else mocks.set(k, r);
    };
    // Mocks of rules below a shadowed node can no longer be reached: the shadow hides them.
    const hidden = (k: string) =>
      rep.kind === 'shadow' && k !== key && k.startsWith(key === 'n:' ? key : `${key}\u0000`);
    for (const [k, r] of gen.mocks) {
      if (k !== key && !hidden(k)) add(k, r, r.kind === 'value' ? locals[r.slot] : undefined);
    }
    add(key, rep, local);
    const id = [...mocks].map(([k, r]) => `${k}=${replacementId(r)}`).join(';');
    let g = this.#generations.get(id);
    if (g === undefined) {
      g = { id: this.#generations.size, mocks, slots: out.length };
      this.#generations.set(id, g);
    }
    return { gen: g, locals: out };
  }

  /** #withTarget finds the local and path a `with` replaces at run time. */
  #withTarget(w: With): { local: Local; path: string[] } {
    const terms = w.target.terms;
    const head = terms[0];
    const rest = stringOperands(terms.slice(1));
    if (head?.type === 'var' && rest !== undefined) {
      if (head.name === 'input') return { local: INPUT, path: rest };
      if (head.name === 'data') return { local: DATA, path: rest };
    }
    return this.#fail('with: only input and data documents can be replaced', w.loc);
  }

  // ---- unification ---------------------------------------------------------------------------------------------

  /**
   * #planUnify plans `a = b` structurally, as OPA's `planUnify`: an unbound var takes the other side's value;
   * arrays and objects with unbound vars inside are matched element by element; bound terms are compared.
   */
  #planUnify(a: Term, b: Term, k: Cont): void {
    if (a.type === 'var' && !this.#isBound(a.name)) {
      if (b.type === 'var' && !this.#isBound(b.name))
        this.#fail(`both sides of = are unbound (${displayName(a.name)})`, a.loc);
      if (this.#hasPatternVars(b)) {
        this.#fail(`cannot unify ${displayName(a.name)} with a term that has unbound vars`, a.loc);
      }
      // Planning b may bind a itself (`foo = input.foos[foo]`): #unifyLocal compares in that case.
      this.#planTerm(b, (op) => this.#unifyLocal(a, op, k));
      return;
    }
    if (b.type === 'var' && !this.#isBound(b.name)) {
      this.#planUnify(b, a, k);
      return;
    }
    if (a.type === 'array' && b.type === 'array') {
      if (a.items.length !== b.items.length) {
        this.#never();
        return;
      }
      this.#unifyPairs(
        a.items.map((x, i) => [x, b.items[i] as Term]),
        0,
        k,
      );
      return;
    }
    if (a.type === 'object' && b.type === 'object' && this.#sameKeys(a, b)) {
      const pairs: [Term, Term][] = [];
      for (const [ka, va] of a.entries) {
        const match = b.entries.find(([kb]) => keyId(kb) === keyId(ka));
        pairs.push([va, (match as [Term, Term])[1]]);
      }
      this.#unifyPairs(pairs, 0, k);
      return;
    }
    if (this.#hasPatternVars(a)) {
      if (this.#hasPatternVars(b)) this.#fail('cannot unify two terms that both have unbound vars', a.loc);
      this.#planTerm(b, (op) => this.#unifyLocal(a, op, k));
      return;
    }
    if (this.#hasPatternVars(b)) {
      this.#planTerm(a, (op) => this.#unifyLocal(b, op, k));
      return;
    }
    this.#planTerm(a, (x) =>
      this.#planTerm(b, (y) => {
        this.#emit({ type: 'EqualStmt', a: x, b: y });
        k();
      }),
    );
  }

  #unifyPairs(pairs: [Term, Term][], i: number, k: Cont): void {
    if (i >= pairs.length) {
      k();
      return;
    }
    const [x, y] = pairs[i] as [Term, Term];
    this.#planUnify(x, y, () => this.#unifyPairs(pairs, i + 1, k));
  }

  #sameKeys(a: Term & { type: 'object' }, b: Term & { type: 'object' }): boolean {
    if (a.entries.length !== b.entries.length) return false;
    const ka = a.entries.map(([k]) => keyId(k));
    const kb = new Set(b.entries.map(([k]) => keyId(k)));
    return ka.every((k) => k !== undefined && kb.has(k)) && kb.size === ka.length;
  }

  /** #hasPatternVars says whether a term has an unbound var where unification would bind it. */
  #hasPatternVars(t: Term): boolean {
    switch (t.type) {
      case 'var':
        return !this.#isBound(t.name);
      case 'array':
        return t.items.some((x) => this.#hasPatternVars(x));
      case 'object':
        return t.entries.some(([, v]) => this.#hasPatternVars(v));
      default:
        return false;
    }
  }

  /** #unifyLocal matches a pattern term against a value already planned, binding the pattern's vars. */
  #unifyLocal(pattern: Term, value: Operand, k: Cont): void {
    switch (pattern.type) {
      case 'var':
        if (!this.#isBound(pattern.name)) {
          this.#bind(pattern.name, value, k);
          return;
        }
        break;
      case 'array': {
        if (!this.#hasPatternVars(pattern)) break;
        const src = this.#toLocal(value);
        this.#emit({ type: 'IsArrayStmt', source: { type: 'local', value: src } });
        const len = this.#local();
        this.#emit({ type: 'LenStmt', source: { type: 'local', value: src }, target: len });
        const n = this.#local();
        this.#emit({ type: 'MakeNumberIntStmt', value: pattern.items.length, target: n });
        this.#emit({ type: 'EqualStmt', a: { type: 'local', value: len }, b: { type: 'local', value: n } });
        const items = (i: number): void => {
          if (i >= pattern.items.length) {
            k();
            return;
          }
          const idx = this.#local();
          this.#emit({ type: 'MakeNumberIntStmt', value: i, target: idx });
          const elem = this.#local();
          this.#emit({
            type: 'DotStmt',
            source: { type: 'local', value: src },
            key: { type: 'local', value: idx },
            target: elem,
          });
          this.#unifyLocal(pattern.items[i] as Term, { type: 'local', value: elem }, () => items(i + 1));
        };
        items(0);
        return;
      }
      case 'object': {
        if (!this.#hasPatternVars(pattern)) break;
        const src = this.#toLocal(value);
        this.#emit({ type: 'IsObjectStmt', source: { type: 'local', value: src } });
        const len = this.#local();
        this.#emit({ type: 'LenStmt', source: { type: 'local', value: src }, target: len });
        const n = this.#local();
        this.#emit({ type: 'MakeNumberIntStmt', value: pattern.entries.length, target: n });
        this.#emit({ type: 'EqualStmt', a: { type: 'local', value: len }, b: { type: 'local', value: n } });
        const entries = (i: number): void => {
          if (i >= pattern.entries.length) {
            k();
            return;
          }
          const [key, v] = pattern.entries[i] as [Term, Term];
          if (this.#hasPatternVars(key)) this.#fail('object keys in patterns must be bound', key.loc);
          this.#planTerm(key, (kop) => {
            const elem = this.#local();
            this.#emit({ type: 'DotStmt', source: { type: 'local', value: src }, key: kop, target: elem });
            this.#unifyLocal(v, { type: 'local', value: elem }, () => entries(i + 1));
          });
        };
        entries(0);
        return;
      }
      default:
        break;
    }
    this.#planTerm(pattern, (op) => {
      this.#emit({ type: 'EqualStmt', a: op, b: value });
      k();
    });
  }

  // ---- terms ---------------------------------------------------------------------------------------------------

  /** #planTerm plans a term's value and continues with it (once per value, for terms that iterate). */
  #planTerm(t: Term, k: (op: Operand) => void): void {
    switch (t.type) {
      case 'null': {
        const l = this.#local();
        this.#emit({ type: 'MakeNullStmt', target: l });
        k({ type: 'local', value: l });
        return;
      }
      case 'boolean':
        k({ type: 'bool', value: t.value });
        return;
      case 'number':
        k({ type: 'local', value: this.#number(t.value) });
        return;
      case 'string':
        k({ type: 'string_index', value: this.#string(t.value) });
        return;
      case 'var':
        this.#planVar(t.name, t.loc, k);
        return;
      case 'ref':
        this.#planRef(t.terms, k);
        return;
      case 'array': {
        const items: Operand[] = [];
        const next = (i: number): void => {
          if (i < t.items.length) {
            this.#planTerm(t.items[i] as Term, (op) => {
              items.push(op);
              next(i + 1);
              items.pop();
            });
            return;
          }
          const l = this.#local();
          this.#emit({ type: 'MakeArrayStmt', capacity: items.length, target: l });
          for (const op of items) this.#emit({ type: 'ArrayAppendStmt', value: op, array: l });
          k({ type: 'local', value: l });
        };
        next(0);
        return;
      }
      case 'set': {
        const items: Operand[] = [];
        const next = (i: number): void => {
          if (i < t.items.length) {
            this.#planTerm(t.items[i] as Term, (op) => {
              items.push(op);
              next(i + 1);
              items.pop();
            });
            return;
          }
          const l = this.#local();
          this.#emit({ type: 'MakeSetStmt', target: l });
          for (const op of items) this.#emit({ type: 'SetAddStmt', value: op, set: l });
          k({ type: 'local', value: l });
        };
        next(0);
        return;
      }
      case 'object': {
        const entries: [Operand, Operand][] = [];
        const next = (i: number): void => {
          if (i < t.entries.length) {
            const [kt, vt] = t.entries[i] as [Term, Term];
            this.#planTerm(kt, (ko) =>
              this.#planTerm(vt, (vo) => {
                entries.push([ko, vo]);
                next(i + 1);
                entries.pop();
              }),
            );
            return;
          }
          const l = this.#local();
          this.#emit({ type: 'MakeObjectStmt', target: l });
          for (const [ko, vo] of entries) this.#emit({ type: 'ObjectInsertStmt', key: ko, value: vo, object: l });
          k({ type: 'local', value: l });
        };
        next(0);
        return;
      }
      case 'arraycomprehension': {
        const l = this.#local();
        this.#emit({ type: 'MakeArrayStmt', capacity: 0, target: l });
        this.#planClosure(t.body, () =>
          this.#planTerm(t.term, (op) => this.#emit({ type: 'ArrayAppendStmt', value: op, array: l })),
        );
        k({ type: 'local', value: l });
        return;
      }
      case 'setcomprehension': {
        const l = this.#local();
        this.#emit({ type: 'MakeSetStmt', target: l });
        this.#planClosure(t.body, () =>
          this.#planTerm(t.term, (op) => this.#emit({ type: 'SetAddStmt', value: op, set: l })),
        );
        k({ type: 'local', value: l });
        return;
      }
      case 'objectcomprehension': {
        const l = this.#local();
        this.#emit({ type: 'MakeObjectStmt', target: l });
        this.#planClosure(t.body, () =>
          this.#planTerm(t.key, (ko) =>
            this.#planTerm(t.value, (vo) => {
              this.#loc = t.loc;
              this.#emit({ type: 'ObjectInsertOnceStmt', key: ko, value: vo, object: l });
            }),
          ),
        );
        k({ type: 'local', value: l });
        return;
      }
      case 'call': {
        const callee = resolveCallee(this.#program.root, t.operator);
        if (callee.kind === 'builtin' && callee.name === 'trace') {
          k({ type: 'bool', value: true });
          return;
        }
        if (callee.kind === 'builtin' && callee.relation) {
          // A relation (`walk`) used as a value yields each of its results in turn.
          this.#planCall(t.operator, t.args, t.loc, (r) => {
            const key = this.#local();
            const value = this.#local();
            const block = this.#block(() => k({ type: 'local', value }));
            this.#emit({ type: 'ScanStmt', source: r, key, value, block });
          });
          return;
        }
        this.#planCall(t.operator, t.args, t.loc, (r) => k({ type: 'local', value: r }));
        return;
      }
    }
  }

  /** #planClosure plans a comprehension body in a block of its own; its bindings do not leak. */
  #planClosure(body: Body, k: Cont): void {
    const loc = this.#loc;
    const block = this.#block(() => this.#scoped(() => this.#planQuery(body, 0, k)));
    this.#loc = loc;
    this.#emit({ type: 'BlockStmt', blocks: [block] });
  }

  #number(text: string): Local {
    const l = this.#local();
    if (/^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
      this.#emit({ type: 'MakeNumberIntStmt', value: Number(text), target: l });
    } else this.#emit({ type: 'MakeNumberRefStmt', index: this.#string(text), target: l });
    return l;
  }

  #planVar(name: string, loc: Location, k: (op: Operand) => void): void {
    if (name === 'input') {
      // Input may be absent; statements downstream only ever see defined operands.
      this.#emit({ type: 'IsDefinedStmt', source: INPUT });
      k({ type: 'local', value: INPUT });
      return;
    }
    if (name === 'data') {
      this.#planDataRef([], 0, k);
      return;
    }
    const l = this.#state.vars.get(name);
    if (l === undefined) this.#fail(`internal: var ${displayName(name)} is unbound`, loc);
    k({ type: 'local', value: l });
  }

  /** #planRef plans `head.a[b]…`, iterating over operands that are unbound vars. */
  #planRef(terms: Term[], k: (op: Operand) => void): void {
    const head = terms[0] as Term;
    if (head.type === 'var' && head.name === 'data') {
      this.#planDataRef(terms.slice(1), 0, k);
      return;
    }
    this.#planTerm(head, (op) => this.#planOperands(op, terms, 1, k));
  }

  /** #planOperands looks up `terms[i:]` in the value `source`: `Dot` for bound keys, `Scan` for unbound vars. */
  #planOperands(source: Operand, terms: Term[], i: number, k: (op: Operand) => void, baseData = false): void {
    if (i >= terms.length) {
      k(source);
      return;
    }
    const t = terms[i] as Term;
    if (t.type === 'var' && !this.#isBound(t.name)) {
      const src = this.#toLocal(source);
      const key = this.#local();
      const value = this.#local();
      const block = this.#block(() =>
        this.#bind(t.name, { type: 'local', value: key }, () =>
          this.#planOperands({ type: 'local', value }, terms, i + 1, k, baseData),
        ),
      );
      this.#emit({ type: 'ScanStmt', source: src, key, value, block });
      return;
    }
    if (this.#hasPatternVars(t)) {
      // `r[[1, x]]`: iterate, and match each key against the pattern.
      const src = this.#toLocal(source);
      const key = this.#local();
      const value = this.#local();
      const block = this.#block(() =>
        this.#unifyLocal(t, { type: 'local', value: key }, () =>
          this.#planOperands({ type: 'local', value }, terms, i + 1, k, baseData),
        ),
      );
      this.#emit({ type: 'ScanStmt', source: src, key, value, block });
      return;
    }
    if (baseData && t.type === 'number' && /^\d+$/.test(t.value)) {
      // Base documents come from JSON, whose keys are strings; OPA finds `data.x[2]` under the key "2" too.
      const target = this.#local();
      this.#emit({ type: 'ResetLocalStmt', target });
      const num = this.#number(t.value);
      const byNumber = this.#block(() => {
        const found = this.#local();
        this.#emit({ type: 'DotStmt', source, key: { type: 'local', value: num }, target: found });
        this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: found }, target });
      });
      const byString = this.#block(() => {
        this.#emit({ type: 'IsUndefinedStmt', source: target });
        this.#emit({ type: 'IsObjectStmt', source });
        const found = this.#local();
        this.#emit({
          type: 'DotStmt',
          source,
          key: { type: 'string_index', value: this.#string(t.value) },
          target: found,
        });
        this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: found }, target });
      });
      this.#emit({ type: 'BlockStmt', blocks: [byNumber, byString] });
      this.#emit({ type: 'IsDefinedStmt', source: target });
      this.#planOperands({ type: 'local', value: target }, terms, i + 1, k, baseData);
      return;
    }
    this.#planTerm(t, (kop) => {
      const target = this.#local();
      this.#emit({ type: 'DotStmt', source, key: kop, target });
      this.#planOperands({ type: 'local', value: target }, terms, i + 1, k, baseData);
    });
  }

  /**
   * #planDataRef plans `data.<ops>` (`ops` after `data`). It follows the rule tree as far as the operands are
   * strings: at a rule node it calls the node's function and looks up the rest in its value; at a node with no
   * rules below it reads base data; at a node with rules below but not at it, it builds the merged document.
   */
  #planDataRef(ops: Term[], _i: number, k: (op: Operand) => void): void {
    let node: RuleNode = this.#program.root;
    let i = 0;
    for (; i < ops.length; i++) {
      if (this.#shadowed(node)) break;
      if (node.kind !== undefined) break;
      const t = ops[i] as Term;
      if (t.type === 'number' || t.type === 'boolean' || t.type === 'null') {
        // Rule paths are strings: other keys reach base data only.
        this.#planOperands({ type: 'local', value: DATA }, [noVar, ...ops], 1, k, true);
        return;
      }
      if (t.type !== 'string') break;
      const child = node.children.get(t.value);
      if (child === undefined) {
        // Base data only from here on.
        this.#planOperands({ type: 'local', value: DATA }, [noVar, ...ops], 1, k, true);
        return;
      }
      node = child;
    }
    const rest: Term[] = [noVar, ...ops.slice(i)];
    if (this.#shadowed(node)) {
      // A `with` put its value into the data document here, and hid the rules below.
      this.#planOperands({ type: 'local', value: DATA }, [noVar, ...ops], 1, k, true);
      return;
    }
    if (node.kind !== undefined) {
      if (node.kind === 'function') this.#fail(`${pathString(node.path)} is a function: call it with arguments`);
      this.#planOperands({ type: 'local', value: this.#planRuleValue(node) }, rest, 1, k);
      return;
    }
    if (!hasRules(node)) {
      this.#planOperands({ type: 'local', value: DATA }, [noVar, ...ops], 1, k, true);
      return;
    }
    const doc = this.#planExtent(node, rest.slice(1));
    this.#planOperands({ type: 'local', value: doc }, rest, 1, k, true);
  }

  /** #planRuleValue calls a rule node's function (or takes its mocked value) into a local; undefined leaves. */
  #planRuleValue(node: RuleNode): Local {
    const mock = this.#state.gen.mocks.get(nodeKey(node));
    if (mock?.kind === 'value') return this.#state.mockLocals[mock.slot] as Local;
    if (mock !== undefined) this.#fail(`${pathString(node.path)} is replaced by a function but used as a value`);
    const result = this.#local();
    this.#emit({ type: 'CallStmt', func: this.#funcName(node), args: this.#rootArgs(), result });
    return result;
  }

  /**
   * #planExtent builds the whole document at a node that has rules below it: base data there, deep-merged
   * under the values of the rules below (OPA's `planRefDataExtent`). Undefined rules are left out; functions
   * are not documents and are left out too.
   */
  #planExtent(node: RuleNode, pattern: Term[]): Local {
    const virtual = this.#local();
    this.#emit({ type: 'MakeObjectStmt', target: virtual });
    const next = pattern[0];
    for (const [key, child] of node.children) {
      // A shadowed child's value is in the base data merged in below.
      if (!hasRules(child) || child.kind === 'function' || this.#shadowed(child)) continue;
      // Children the rest of the ref can never select are left out (and not evaluated), as OPA does.
      if (next !== undefined && !matchesKey(next, key)) continue;
      if (child.kind !== undefined) {
        const block = this.#block(() => {
          const r = this.#planRuleValue(child);
          this.#emit({
            type: 'ObjectInsertStmt',
            key: { type: 'string_index', value: this.#string(key) },
            value: { type: 'local', value: r },
            object: virtual,
          });
        });
        this.#emit({ type: 'BlockStmt', blocks: [block] });
      } else {
        const v = this.#planExtent(child, pattern.slice(1));
        this.#emit({
          type: 'ObjectInsertStmt',
          key: { type: 'string_index', value: this.#string(key) },
          value: { type: 'local', value: v },
          object: virtual,
        });
      }
    }
    const doc = this.#local();
    this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: virtual }, target: doc });
    const merge = this.#block(() => {
      let src: Local = DATA;
      for (const p of node.path) {
        const t = this.#local();
        this.#emit({
          type: 'DotStmt',
          source: { type: 'local', value: src },
          key: { type: 'string_index', value: this.#string(p) },
          target: t,
        });
        src = t;
      }
      const merged = this.#local();
      this.#emit({ type: 'ObjectMergeStmt', a: virtual, b: src, target: merged });
      this.#emit({ type: 'AssignVarStmt', source: { type: 'local', value: merged }, target: doc });
    });
    this.#emit({ type: 'BlockStmt', blocks: [merge] });
    return doc;
  }
}

const noLoc: Location = { file: '', row: 0, col: 0 };

/** substitute replaces terms (by identity) in a term tree, outside closures. */
function substitute(t: Term, names: ReadonlyMap<Term, Term>): Term {
  const hit = names.get(t);
  if (hit) return hit;
  const rec = (x: Term) => substitute(x, names);
  switch (t.type) {
    case 'ref':
      return { ...t, terms: t.terms.map(rec) };
    case 'array':
      return { ...t, items: t.items.map(rec) };
    case 'set':
      return { ...t, items: t.items.map(rec) };
    case 'object':
      return { ...t, entries: t.entries.map(([a, b]) => [rec(a), rec(b)]) };
    case 'call':
      return { ...t, args: t.args.map(rec) };
    default:
      return t;
  }
}
/** noVar stands for a ref's head where only the operands after it matter. */
const noVar: Term = { type: 'var', name: 'data', loc: noLoc };

/**
 * keyId prints an object key term for matching two object literals key by key: scalars by value, vars by
 * name (the same var is the same key); undefined for anything else.
 */
export function keyId(t: Term): string | undefined {
  switch (t.type) {
    case 'var':
      return `v${t.name}`;
    case 'string':
      return `s${t.value}`;
    case 'number':
      return `n${Number(t.value)}`;
    case 'boolean':
      return `b${t.value}`;
    case 'null':
      return 'null';
    default:
      return undefined;
  }
}

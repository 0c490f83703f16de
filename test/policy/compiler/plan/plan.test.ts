import t from 'tap';
import { checkModules } from '../../../../proxy/policy/compiler/check/index.js';
import { CompileError, formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Policy } from '../../../../proxy/policy/compiler/ir/ir.js';
import { prettyPolicy } from '../../../../proxy/policy/compiler/ir/pretty.js';
import type { Module } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { planProgram } from '../../../../proxy/policy/compiler/plan/index.js';
import { evalPolicy } from './fixtures/ir-eval.js';

/*
 * Planner tests: each case is planned and run by the IR interpreter (ir-eval.ts), so they check the planner's
 * lowering independently of the Wasm back end. End-to-end cases live in the conformance suite.
 */

function plan(sources: string[], entrypoint: string): Policy {
  const modules: Module[] = sources.map((src, i) => {
    const r = parseModule(src, `m${i}.rego`);
    if (!r.module) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
    return r.module;
  });
  const checked = checkModules(modules, [entrypoint]);
  if (!checked.program) throw new CompileError(checked.diagnostics);
  return planProgram(checked.program, [entrypoint]);
}

interface PlanCase {
  note: string;
  modules: string[];
  entrypoint?: string;
  input?: unknown;
  data?: unknown;
  /** The rule's value, or undefined when the rule must be undefined. */
  want?: unknown;
  /** A runtime error message the evaluation must throw. */
  wantError?: string;
}

const CASES: PlanCase[] = [
  {
    note: 'complete rule with implied true',
    modules: ['package test\np if input.x == 1'],
    input: { x: 1 },
    want: true,
  },
  { note: 'complete rule undefined', modules: ['package test\np if input.x == 1'], input: { x: 2 } },
  {
    note: 'default applies when no body holds',
    modules: ['package test\ndefault p := "no"\np := "yes" if input.x == 1'],
    input: { x: 2 },
    want: 'no',
  },
  {
    note: 'two bodies with different values conflict',
    modules: ['package test\np := 1 if input.a\np := 2 if input.b'],
    input: { a: true, b: true },
    wantError: 'var assignment conflict',
  },
  {
    note: 'else chain takes the first defined branch',
    modules: ['package test\np := "a" if input.u == "alice" else := "b" if input.u == "bob" else := "c"'],
    input: { u: 'bob' },
    want: 'b',
  },
  {
    note: 'partial set collects every element',
    modules: ['package test\np contains x if {\nsome x in input.xs\nx > 1\n}'],
    input: { xs: [1, 2, 3, 2] },
    want: [2, 3],
  },
  {
    note: 'partial set is defined when empty',
    modules: ['package test\np contains x if some x in input.xs'],
    input: { xs: [] },
    want: [],
  },
  {
    note: 'partial object inserts keys, conflicts on different values',
    modules: ['package test\np[k] := v if some k, v in input'],
    input: { a: 1, b: 2 },
    want: { a: 1, b: 2 },
  },
  {
    note: 'partial object key conflict is an error',
    modules: ['package test\np[k] := v if {\nsome v in input.xs\nk := "same"\n}'],
    input: { xs: [1, 2] },
    wantError: 'object insert conflict',
  },
  {
    note: 'multi-level ref head builds nested objects',
    modules: ['package test\na.b[x].c := y if some x, y in input'],
    entrypoint: 'test/a',
    input: { k1: 1, k2: 2 },
    want: { b: { k1: { c: 1 }, k2: { c: 2 } } },
  },
  {
    note: 'ref-head partial set builds a set under each key',
    modules: ['package test\np[k] contains v if some v in input[k]'],
    input: { a: [1, 2], b: [3] },
    want: { a: [1, 2], b: [3] },
  },
  {
    note: 'functions unify arguments with head patterns and OR their bodies',
    modules: ['package test\nf([a, b]) := a + b\nf(x) := x if is_number(x)\np := [f([1, 2]), f(5)]'],
    want: [3, 5],
  },
  {
    note: 'function bodies with different outputs conflict',
    modules: ['package test\nf(x) := 1 if x > 0\nf(x) := 2 if x > 1\np := f(5)'],
    wantError: 'var assignment conflict',
  },
  {
    note: 'a call with an output argument binds it',
    modules: ['package test\np := n if count(input.xs, n)'],
    input: { xs: [1, 2] },
    want: 2,
  },
  {
    note: 'unification destructures arrays and objects',
    modules: ['package test\np := [a, b, c] if {\n[a, {"k": b}] = input.v\n{"x": c} = {"x": a}\n}'],
    input: { v: [1, { k: 2 }] },
    want: [1, 2, 1],
  },
  {
    note: 'unification of arrays of different lengths never holds',
    modules: ['package test\np if [1, 2] = [1, 2, 3]'],
  },
  {
    note: 'not holds when its expression is undefined',
    modules: ['package test\np if not input.deny\nq if not false'],
    input: {},
    want: true,
  },
  {
    note: 'iteration over nested refs binds every key',
    modules: ['package test\np contains [i, j] if input.a[i].b[j] == 1'],
    input: { a: [{ b: [1, 0] }, { b: [0, 1] }] },
    want: [
      [0, 0],
      [1, 1],
    ],
  },
  {
    note: 'every holds when the body holds for all elements',
    modules: ['package test\np if every x in input.xs { x > 0 }'],
    input: { xs: [1, 2] },
    want: true,
  },
  {
    note: 'every fails on one bad element',
    modules: ['package test\np if every x in input.xs { x > 1 }'],
    input: { xs: [1, 2] },
  },
  {
    note: 'every over an empty collection holds',
    modules: ['package test\np if every k, v in input.o { k == v }'],
    input: { o: {} },
    want: true,
  },
  {
    note: 'comprehensions build arrays, sets and objects',
    modules: ['package test\np := [[x | some x in input], {x | some x in input}, {x: 1 | some x in input}]'],
    input: ['b', 'a', 'b'],
    want: [['b', 'a', 'b'], ['a', 'b'], { a: 1, b: 1 }],
  },
  {
    note: 'comprehension bodies see outer vars',
    modules: ['package test\np := ys if {\ny := 2\nys := [z | some x in input; z := x * y]\n}'],
    input: [1, 2],
    want: [2, 4],
  },
  {
    note: 'with replaces input for one expression only',
    modules: ['package test\nq := input.x\np := [a, b] if {\na := q with input.x as 5\nb := q\n}'],
    input: { x: 1 },
    want: [5, 1],
  },
  {
    note: 'with on base data',
    modules: ['package test\np := v if v := data.cfg.limit with data.cfg.limit as 9'],
    data: { cfg: { limit: 1 } },
    want: 9,
  },
  {
    note: 'a package entrypoint returns all its rules',
    modules: ['package test\na := 1\nb contains 2\nc if false\nf(x) := x'],
    entrypoint: 'test',
    want: { a: 1, b: [2] },
  },
  {
    note: 'a data ref mixes base documents and rules',
    modules: ['package x\np := 1', 'package test\np := data.x'],
    data: { x: { q: 2 } },
    want: { p: 1, q: 2 },
  },
  {
    note: 'iterating over a virtual document with a variable key',
    modules: ['package x\na := 1\nb := 2', 'package test\np contains k if data.x[k] > 1'],
    want: ['b'],
  },
  {
    note: 'base data integer keys match string keys',
    modules: ['package test\np := data.m[2]'],
    data: { m: { '2': 'two' } },
    want: 'two',
  },
  {
    note: 'reordering makes a later generator feed an earlier consumer',
    modules: ['package test\np contains x if {\nx > 1\nx = input[_]\n}'],
    input: [1, 2, 3],
    want: [2, 3],
  },
  {
    note: 'a head value iterates like the body',
    modules: ['package test\nxs := {1}\nq := xs[_]\np := q'],
    want: 1,
  },
  {
    note: 'walk used as a value iterates its results',
    modules: ['package test\np contains path if [path, 2] := walk(input)'],
    input: { a: [1, 2] },
    want: [['a', 1]],
  },
  {
    note: 'with replaces a rule by a value for the expression, also through other rules',
    modules: ['package test\nq := 1\nr := q + 1\np := [a, b] if {\na := r with q as 10\nb := r\n}'],
    want: [11, 2],
  },
  {
    note: 'with replaces a built-in by a function, which itself calls the original',
    modules: ['package test\nmock(x) := count(x) + 100\np := n if n := count([1, 2]) with count as mock'],
    want: 102,
  },
  {
    note: 'with replaces a function by a value; its arguments are still evaluated',
    modules: ['package test\nf(x) := x\np := v if v := f(1) with f as 7\nq if f(input.missing) with f as 7'],
    want: 7,
  },
  {
    note: 'rules below an object built by ref-head rules add their keys',
    modules: ['package test\np[q].r := i if q := ["a", "b"][i]\np.c.r := 9'],
    want: { a: { r: 0 }, b: { r: 1 }, c: { r: 9 } },
  },
  {
    note: 'a rule below a ref-head rule value that already holds the key conflicts',
    modules: ['package test\np.q.r := 1\np.q[s] := 2 if s := "r"'],
    entrypoint: 'test/p',
    wantError: 'object insert conflict',
  },
  {
    note: 'a var key in a data ref only evaluates the rules it can select',
    modules: ['package test\np := data[first].allow.see if first := "primary"', 'package primary\nallow.see := true'],
    want: true,
  },
];

t.test('planner lowering, run by the IR interpreter', async (t) => {
  for (const c of CASES) {
    t.test(c.note, async (t) => {
      const entrypoint = c.entrypoint ?? 'test/p';
      const policy = plan(c.modules, entrypoint);
      if (c.wantError !== undefined) {
        t.throws(() => evalPolicy(policy, entrypoint, c.input, c.data), { message: c.wantError });
        return;
      }
      const got = evalPolicy(policy, entrypoint, c.input, c.data);
      const want = c.want === undefined ? [] : [{ result: c.want }];
      t.same(got, want, prettyPolicy(policy));
    });
  }
});

t.test('with on a document that holds rules replaces them (more in with-rules.test.ts)', async (t) => {
  const modules = ['package lib\nq := 1', 'package test\np := x if x := data.lib.q with data.lib as {"q": 2}'];
  t.same(evalPolicy(plan(modules, 'test/p'), 'test/p', undefined, undefined), [{ result: 2 }]);
});

t.test('pretty-printed IR names statements and locals', async (t) => {
  const text = prettyPolicy(plan(['package test\np := input.x'], 'test/p'));
  t.match(text, /plan test\/p/);
  t.match(text, /func g0\.data\.test\.p\(L0, L1\)/);
  t.match(text, /Dot source=L0 key="x"/);
});

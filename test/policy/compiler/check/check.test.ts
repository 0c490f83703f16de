import t from 'tap';
import { checkModules } from '../../../../proxy/policy/compiler/check/index.js';
import type { CheckedRule } from '../../../../proxy/policy/compiler/check/program.js';
import { lookupNode } from '../../../../proxy/policy/compiler/check/program.js';
import { displayName } from '../../../../proxy/policy/compiler/check/terms.js';
import { type Diagnostic, formatDiagnostic } from '../../../../proxy/policy/compiler/diagnostics.js';
import type { Module } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';

/** check parses `sources` (one module each) and runs the checker with entrypoint `test/p`. */
function check(sources: string[], entrypoints = ['test/p']) {
  const modules: Module[] = sources.map((src, i) => {
    const r = parseModule(src, `m${i}.rego`);
    if (!r.module) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
    return r.module;
  });
  return checkModules(modules, entrypoints);
}

const show = (ds: Diagnostic[]) => ds.map(formatDiagnostic);

interface DiagnosticCase {
  note: string;
  modules: string[];
  /** Each expected diagnostic as `row:col: code: message`, or `code: message` when the place does not matter. */
  want: string[];
}

const DIAGNOSTIC_CASES: DiagnosticCase[] = [
  {
    note: 'an unbound var in a body is unsafe, at the var',
    modules: ['package test\n\np if {\n\tx > 1\n}'],
    want: ['4:2: rego_unsafe_var_error: var x is unsafe'],
  },
  {
    note: 'a head var the body never binds is unsafe',
    modules: ['package test\n\np := y if {\n\tinput.x == 1\n}'],
    want: ['3:6: rego_unsafe_var_error: var y is unsafe'],
  },
  {
    note: 'a negated expression binds nothing',
    modules: ['package test\n\np if {\n\tnot input.a[x]\n}'],
    want: ['rego_unsafe_var_error: var x is unsafe'],
  },
  {
    note: 'both sides of a unification unbound is unsafe',
    modules: ['package test\n\np if {\n\tx = y\n}'],
    want: ['rego_unsafe_var_error: var x is unsafe', 'rego_unsafe_var_error: var y is unsafe'],
  },
  {
    note: 'a with value needs its vars bound',
    modules: ['package test\n\np if {\n\tinput.a with input as x\n}'],
    want: ['rego_unsafe_var_error: var x is unsafe'],
  },
  {
    note: 'comprehension vars do not leak out',
    modules: ['package test\n\np if {\n\txs := [x | x := input[_]]\n\tx == 1\n}'],
    want: ['rego_unsafe_var_error: var x is unsafe'],
  },
  {
    note: 'a rule that refers to itself is recursive',
    modules: ['package test\n\np if {\n\tp\n}'],
    want: ['rego_recursion_error: rule data.test.p is recursive: data.test.p -> data.test.p'],
  },
  {
    note: 'recursion through a function and a comprehension is found',
    modules: ['package test\n\np if {\n\tf(1)\n}\n\nf(x) if {\n\tcount([y | y := q[_]]) > x\n}\n\nq contains 1 if p'],
    want: [
      'rego_recursion_error: rule data.test.p is recursive: data.test.p -> data.test.f -> data.test.q -> data.test.p',
    ],
  },
  {
    note: 'a built-in with too many arguments is a type error',
    modules: ['package test\n\np if {\n\tcount([1], 2, 3)\n}'],
    want: ['rego_type_error: count: too many arguments'],
  },
  {
    note: 'a built-in with too few arguments is a type error',
    modules: ['package test\n\np := x if {\n\tx := concat(",")\n}'],
    want: ['rego_type_error: concat: too few arguments'],
  },
  {
    note: 'a call as a value may not take an output argument',
    modules: ['package test\n\np := x if {\n\tx := count([1], 2)\n}'],
    want: ['rego_type_error: count: too many arguments'],
  },
  {
    note: 'an unknown function is a type error',
    modules: ['package test\n\np if {\n\tnope(1)\n}'],
    want: ['rego_type_error: undefined function nope'],
  },
  {
    note: 'a complete rule and a partial set at one path conflict',
    modules: ['package test\n\np := 1\n\np contains 2'],
    want: ['rego_type_error: conflicting rules data.test.p found'],
  },
  {
    note: 'two defaults for one rule are an error',
    modules: ['package test\n\ndefault p := 1\n\ndefault p := 2'],
    want: ['rego_type_error: multiple default rules data.test.p found'],
  },
  {
    note: 're-declaring a var with := is an error',
    modules: ['package test\n\np if {\n\tx := 1\n\tx := 2\n}'],
    want: ['5:2: rego_compile_error: var x assigned above'],
  },
  {
    note: 'declaring a var with := after reading it is an error',
    modules: ['package test\n\np if {\n\tx > 1\n\tx := 2\n}'],
    want: ['5:2: rego_compile_error: var x referenced above'],
  },
  {
    note: 'assigning to input is an error',
    modules: ['package test\n\np if {\n\tinput := 1\n}'],
    want: ['rego_compile_error: variables must not shadow input (use a different variable name)'],
  },
  {
    note: 'a refused built-in is unsupported',
    modules: ['package test\n\np := x if {\n\tx := http.send({"url": "http://x"})\n}'],
    want: ['rego_unsupported_error'],
  },
];

t.test('checker diagnostics', async (t) => {
  for (const c of DIAGNOSTIC_CASES) {
    t.test(c.note, async (t) => {
      const { program, diagnostics } = check(c.modules);
      t.equal(program, undefined, 'no program');
      const got = show(diagnostics);
      for (const w of c.want) {
        t.ok(
          got.some((g) => g.includes(w)),
          `want ${w}`,
          { got },
        );
      }
    });
  }
});

t.test('valid policies check cleanly', async (t) => {
  const cases = [
    'package test\n\np if {\n\tx > 1\n\tx = input.a[_]\n}',
    'package test\n\nimport rego.v1\n\np contains x if {\n\tsome x in input.xs\n\tnot x == 2\n}',
    'package test\n\np := y if {\n\tcount(input.xs, n)\n\ty := n + 1\n}',
    'package test\n\nf(x) := y if y := x * 2\n\np := f(2)',
    'package test\n\nimport data.lib.helper as h\n\np := h.v',
    'package test\n\np if {\n\tevery x in input.xs {\n\t\tx > 0\n\t}\n}',
    'package test\n\np := {k: v | some k, v in input}',
  ];
  for (const src of cases) {
    const { diagnostics } = check([src]);
    t.same(show(diagnostics), [], src);
  }
});

t.test('reordering puts generators before consumers', async (t) => {
  const { program } = check(['package test\n\np if {\n\tx > 1\n\ty == x\n\ty = input.b\n\tx = input.a[_]\n}']);
  const node = program && lookupNode(program.root, ['test', 'p']);
  const rule = node?.rules[0] as CheckedRule;
  const order = rule.body.map((e) => {
    const a = e.args?.[0];
    return a?.type === 'var' ? displayName(a.name) : e.operator?.[0]?.type === 'var' ? e.operator[0].name : '?';
  });
  // x > 1 needs x; y == x needs y; so both assignments move first, in their source order.
  t.same(order, ['y', 'x', 'x', 'y']);
});

t.test('refs resolve to full data paths and imports', async (t) => {
  const { program, diagnostics } = check([
    'package test\n\nimport data.lib.helper\n\np := helper.v + q\n\nq := 1',
    'package lib.helper\n\nv := 2',
  ]);
  t.same(show(diagnostics), []);
  const p = program && lookupNode(program.root, ['test', 'p']);
  t.ok(p?.kind === 'complete');
  t.ok(program && lookupNode(program.root, ['lib', 'helper', 'v'])?.kind === 'complete');
});

t.test('ref heads group rules under their static prefix', async (t) => {
  const complete = check(['package test\n\na.b := 1\n\na.b.d := 2'], ['test/a']);
  t.match(show(complete.diagnostics), [/rego_type_error: rule data.test.a.b conflicts with \[data.test.a.b.d\]/]);
  const merged = check(['package test\n\na.b[x].c := 1 if some x in input\n\na.b.d := 2'], ['test/a']);
  t.same(show(merged.diagnostics), [], 'rules below an object built by ref-head rules are allowed');
  const ok = check(['package test\n\na.b[x].c := 1 if some x in input'], ['test/a']);
  t.same(show(ok.diagnostics), []);
  const node = ok.program && lookupNode(ok.program.root, ['test', 'a', 'b']);
  t.equal(node?.kind, 'partial-object');
  t.equal(node?.rules[0]?.keyPath.length, 2);
});

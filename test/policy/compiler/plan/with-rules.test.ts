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
 * `with data.x as v` over a document that holds rules below it: the rules are hidden and `v` takes the
 * document's place for the expression, as in OPA; and built-ins Airlock refuses, compiled only where a `with`
 * replaces every call.
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

/** errors compiles and returns the diagnostics, printed. */
function errors(sources: string[], entrypoint = 'test/p'): string[] {
  try {
    plan(sources, entrypoint);
    return [];
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
}

const LIB = 'package lib\n\nq := 1\nr := 3\nsub.a := 10\nf(x) := x';

interface WithCase {
  note: string;
  modules: string[];
  data?: unknown;
  want: unknown;
}

const CASES: WithCase[] = [
  {
    note: 'a rule below the replaced document reads the value',
    modules: [LIB, 'package test\np := x if x := data.lib.q with data.lib as {"q": 2}'],
    want: 2,
  },
  {
    note: 'the replaced document is the value alone: rules and base data below it are gone',
    modules: [LIB, 'package test\np := x if x := data.lib with data.lib as {"q": 2}'],
    data: { lib: { z: 1 } },
    want: { q: 2 },
  },
  {
    note: 'a document above the target holds the value in its place',
    modules: [LIB, 'package test\np := x if x := data.lib with data.lib.sub as 5'],
    data: { lib: { z: 1 } },
    want: { q: 1, r: 3, sub: 5, z: 1 },
  },
  {
    note: 'iterating over the replaced document (OPA: with mock iteration on objects)',
    modules: [
      'package test\nq["a"] := 1\nq["b"] := 2\np[x] := y if data.test.q[x] = y with data.test.q as {"a": 3, "c": 4}',
    ],
    want: { a: 3, c: 4 },
  },
  {
    note: 'the rest of the query sees the rules again',
    modules: [LIB, 'package test\np := [x, y] if {\n\tx := data.lib.q with data.lib as {"q": 2}\n\ty := data.lib.q\n}'],
    want: [2, 1],
  },
  {
    note: 'rules evaluated under the replacement see it, and a with inside them replaces part of it',
    modules: [
      LIB,
      'package test\np := x if x := r with data.lib as {"q": 2}\nr := [data.lib.q, s]\ns := y if y := data.lib.q with data.lib.q as 7',
    ],
    want: [2, 7],
  },
  {
    note: 'a rule the replacement hides is undefined under it',
    modules: [LIB, 'package test\np := x if x := r with data.lib as {"q": 2}\nr := data.lib.r'],
    want: undefined,
  },
  {
    note: 'the later with wins: a rule, then the document holding it',
    modules: [
      LIB,
      'package test\np := x if x := data.lib.sub.a with data.lib.sub.a as 9 with data.lib as {"sub": {"a": 4}}',
    ],
    want: 4,
  },
  {
    note: 'the later with wins: the document, then a rule inside it',
    modules: [
      LIB,
      'package test\np := x if x := data.lib.sub.a with data.lib as {"sub": {"a": 4}} with data.lib.sub.a as 9',
    ],
    want: 9,
  },
  {
    note: 'a prefix spanning packages',
    modules: ['package a.b\nq := 1', 'package a.c\nr := 2', 'package test\np := x if x := data.a with data.a.b as 5'],
    data: { a: { z: 1 } },
    want: { b: 5, c: { r: 2 }, z: 1 },
  },
];

t.test('with over documents that hold rules', async (t) => {
  for (const c of CASES) {
    const policy = plan(c.modules, 'test/p');
    const got = evalPolicy(policy, 'test/p', undefined, c.data);
    t.same(got, c.want === undefined ? [] : [{ result: c.want }], `${c.note}\n${prettyPolicy(policy)}`);
  }
});

t.test('with targets the planner or OPA rejects', async (t) => {
  t.same(errors([LIB, 'package test\np := x if x := data.lib.f(1) with data.lib as {"q": 2}']), [
    'm1.rego:2:16: rego_unsupported_error: data.lib.f is called where a `with` replaces the document holding it',
  ]);
  t.same(errors([LIB, 'package test\np := x if x := data.lib.q with data.lib.q.z as 2']), [
    'm1.rego:2:27: rego_compile_error: with keyword cannot partially replace virtual document(s)',
  ]);
});

t.test('a refused built-in compiles only where a with replaces it', async (t) => {
  const modules = [
    'package test\nallow if http.send({"url": "https://x"}).status == 200\np if allow with http.send as {"status": 200}\nq if allow',
  ];
  t.same(evalPolicy(plan(modules, 'test/p'), 'test/p', undefined, undefined), [{ result: true }]);
  t.same(errors(modules, 'test/q'), [
    'm0.rego:2:10: rego_unsupported_error: http.send: performs network I/O from inside the policy: a decision must depend only on the call, its input and data, so that it is fast, cannot be steered by a remote server, and can be replayed from the audit log',
  ]);
  const byFunction = [
    'package test\nmock(req) := {"status": 200} if req.url == "https://x"\nallow if http.send({"url": "https://x"}).status == 200\np if allow with http.send as mock',
  ];
  t.same(evalPolicy(plan(byFunction, 'test/p'), 'test/p', undefined, undefined), [{ result: true }]);
  t.same(errors(['package test\np := x if x := time.now_ns() with time.now_ns as opa.runtime']), [
    "m0.rego:2:16: rego_unsupported_error: opa.runtime: exposes the engine's environment and configuration, which Airlock does not give to policies",
  ]);
  t.match(errors(['package test\np := http.send({"url": "https://x"})']), [
    /rego_unsupported_error: http\.send: performs network I\/O/,
  ]);
});

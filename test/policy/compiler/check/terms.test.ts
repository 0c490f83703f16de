import t from 'tap';
import { mapBodies } from '../../../../proxy/policy/compiler/check/terms.js';
import type { Body, Expr, Module } from '../../../../proxy/policy/compiler/parse/ast.js';
import { parseModule } from '../../../../proxy/policy/compiler/parse/parser.js';
import { printBody } from '../../../../proxy/policy/compiler/parse/print.js';

function parse(source: string): Module {
  const { module, diagnostics } = parseModule(source, 'm.rego');
  if (module === undefined) throw new Error(JSON.stringify(diagnostics));
  return module;
}

const isPrint = (e: Expr): boolean =>
  e.kind === 'call' && e.operator?.[0]?.type === 'var' && e.operator[0].name === 'print';

t.test('mapBodies reaches every body, innermost first, in heads, `with` values and `else` too', async (t) => {
  const module = parse(`package test

s contains [x | x := 1] if {
  y := {k: v | some k, v in [1]}
  every z in [1] { z > 0 }
  q with input as [w | w := 2]
}

p := 1 if { false } else := [u | u := 3] if true

q := true
`);
  const seen: string[] = [];
  mapBodies(module, (body: Body): Body => {
    seen.push(printBody(body));
    return body;
  });
  t.same(seen, [
    'assign(x, 1)',
    'some k, v in [1]',
    'gt(z, 0)',
    'assign(w, 2)',
    'assign(y, {k: v | some k, v in [1]}); every z in [1] { gt(z, 0) }; q with input as [w | assign(w, 2)]',
    'false',
    'assign(u, 3)',
    'true',
    'true',
  ]);
});

t.test('mapBodies rebuilds the module and leaves the original alone', async (t) => {
  const module = parse('package test\n\np if {\n  print(1)\n  [x | x := 1; print(x)]\n}\n');
  const erased = mapBodies(module, (body) => body.filter((e) => !isPrint(e)));
  t.equal(printBody(erased.rules[0]!.body), '[x | assign(x, 1)]');
  t.equal(printBody(module.rules[0]!.body), 'print(1); [x | assign(x, 1); print(x)]');
});

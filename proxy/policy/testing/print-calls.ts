import { type Body, type Expr, mapBodies, type Module, type Term } from '../compiler/index.js';

/*
 * The compiler drops `print(...)` calls, as `opa build -t wasm` does. `opa test` keeps them, rewriting each into a
 * call of `internal.print` with, for every operand, the set of its values (empty when it is undefined):
 *
 *   print("x is", x)   ──▶   internal.print([{$print0 | $print0 = "x is"}, {$print1 | $print1 = x}])
 *
 * so that printing never makes a body undefined. The test runner does the same before the compiler sees the
 * modules; the host's `internal.print` then writes the lines.
 */

/** keepPrintCalls rewrites every `print(...)` expression of a module into its `internal.print` call. */
export function keepPrintCalls(module: Module): Module {
  let next = 0;
  const operandSet = (operand: Term): Term => {
    const name = `$print${next++}`;
    const value: Term = { type: 'var', name, loc: operand.loc };
    const unify: Expr = {
      kind: 'call',
      loc: operand.loc,
      negated: false,
      with: [],
      operator: [{ type: 'var', name: 'eq', loc: operand.loc }],
      args: [value, operand],
    };
    return { type: 'setcomprehension', term: value, body: [unify], loc: operand.loc };
  };
  const rewrite = (body: Body): Body =>
    body.map((e) => {
      if (!isPrint(e)) return e;
      const operands: Term = { type: 'array', items: (e.args ?? []).map(operandSet), loc: e.loc };
      const operator: Term[] = [
        { type: 'var', name: 'internal', loc: e.loc },
        { type: 'string', value: 'print', loc: e.loc },
      ];
      return { ...e, operator, args: [operands] };
    });
  return mapBodies(module, rewrite);
}

function isPrint(e: Expr): boolean {
  const [head, ...rest] = e.operator ?? [];
  return e.kind === 'call' && !e.negated && rest.length === 0 && head?.type === 'var' && head.name === 'print';
}

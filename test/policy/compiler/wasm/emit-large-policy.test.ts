import { loadPolicy } from '@open-policy-agent/opa-wasm';
import t from 'tap';
import type { Func, Policy, Stmt } from '../../../../proxy/policy/compiler/ir/ir.js';
import { emitWasm } from '../../../../proxy/policy/compiler/wasm/emit.js';
import { at, block, bool, func, local, plan, policy, Strings } from './fixtures/ir.js';

/**
 * largePolicy is shaped like a planned real policy: `ruleCount` rules, each a few bodies of lookups into input,
 * comparisons with string constants, a scan over a list, a not, a call to an earlier rule, and a default.
 */
function largePolicy(ruleCount: number): Policy {
  const callRule = (n: number, result: number): Stmt => ({
    type: 'CallStmt',
    func: `g0.data.rules.r${n}`,
    args: [local(0), local(1)],
    result,
  });
  const s = new Strings();
  const funcs: Func[] = [];
  for (let n = 0; n < ruleCount; n++) {
    const body = (service: string): Stmt[] => [
      { type: 'ResetLocalStmt', target: 3 },
      { type: 'DotStmt', source: local(0), key: s.op('call'), target: 4, ...at(n + 1, 3) },
      { type: 'DotStmt', source: local(4), key: s.op('service'), target: 5 },
      { type: 'EqualStmt', a: local(5), b: s.op(service) },
      { type: 'DotStmt', source: local(0), key: s.op('agent'), target: 6 },
      { type: 'DotStmt', source: local(6), key: s.op('groups'), target: 7 },
      {
        type: 'ScanStmt',
        source: 7,
        key: 8,
        value: 9,
        block: block(
          { type: 'EqualStmt', a: local(9), b: s.op(`group-${n % 17}`) },
          { type: 'AssignVarStmt', source: bool(true), target: 3 },
        ),
      },
      { type: 'IsDefinedStmt', source: 3 },
      {
        type: 'NotStmt',
        block: block(
          { type: 'DotStmt', source: local(4), key: s.op('read_only'), target: 10 },
          { type: 'EqualStmt', a: local(10), b: bool(true) },
        ),
      },
      ...(n > 0 ? [callRule(n - 1, 11)] : []),
      { type: 'AssignVarOnceStmt', source: s.op(`reason ${n}`), target: 2, ...at(n + 1, 1) },
    ];
    funcs.push(
      func(
        `g0.data.rules.r${n}`,
        2,
        2,
        block(...body(`service-${n % 23}`)),
        block(...body(`service-${(n + 7) % 23}`)),
        block(
          { type: 'IsUndefinedStmt', source: 2 },
          { type: 'AssignVarOnceStmt', source: s.op('default'), target: 2 },
        ),
        block({ type: 'ReturnLocalStmt', source: 2 }),
      ),
    );
  }
  const collect: Stmt[] = [{ type: 'MakeObjectStmt', target: 2 }];
  for (let n = 0; n < ruleCount; n += 10) {
    collect.push(callRule(n, 3), { type: 'ObjectInsertStmt', key: s.op(`r${n}`), value: local(3), object: 2 });
  }
  collect.push({ type: 'ResultSetAddStmt', value: 2 });
  return policy(s, [plan('airlock/decision', block(...collect))], funcs);
}

t.test('a policy of a few hundred rules emits to a module that loads and evaluates', async (t) => {
  const ir = largePolicy(400);
  const bytes = emitWasm(ir);
  t.ok(bytes.length > 0, `${ir.funcs.length} functions emitted to ${bytes.length} bytes`);

  const loaded = await loadPolicy(bytes);
  const result = loaded.evaluate({
    call: { service: 'service-0', read_only: false },
    agent: { groups: ['group-0', 'group-3'] },
  }) as Array<{ result: Record<string, string> }>;
  t.equal(result[0]?.result.r0, 'reason 0');
  t.equal(result[0]?.result.r10, 'default');
});

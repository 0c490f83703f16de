import { loadPolicy } from '@open-policy-agent/opa-wasm';
import t from 'tap';
import type { Policy, Stmt } from '../../../../proxy/policy/compiler/ir/ir.js';
import {
  fillsOnlyFreshCollections,
  planConstantCollections,
} from '../../../../proxy/policy/compiler/wasm/constant-collections.js';
import { emitWasm } from '../../../../proxy/policy/compiler/wasm/emit.js';
import { block, bool, func, local, plan, policy, Strings } from './fixtures/ir.js';
import { wasm } from './fixtures/webassembly.js';

/*
 * Collections with constant contents (wasm/constant-collections.ts) are made once at start-up; everything else
 * is built at each evaluation as before.
 */

const fill = (s: Strings, set: number, ...members: string[]): Stmt[] =>
  members.map((m) => ({ type: 'SetAddStmt', value: s.op(m), set }));

t.test('which collections are made at start-up', async (t) => {
  const rows: { note: string; stmts: (s: Strings) => Stmt[]; params?: number[]; made: number[] }[] = [
    {
      note: 'a set of strings',
      stmts: (s) => [{ type: 'MakeSetStmt', target: 2 }, ...fill(s, 2, 'b', 'a', 'b')],
      made: [2],
    },
    {
      note: 'an object of constants, with an array and numbers inside',
      stmts: (s) => [
        { type: 'MakeNumberIntStmt', value: 2, target: 2 },
        { type: 'MakeArrayStmt', capacity: 1, target: 3 },
        { type: 'ArrayAppendStmt', value: s.op('security'), array: 3 },
        { type: 'MakeNullStmt', target: 4 },
        { type: 'MakeObjectStmt', target: 5 },
        { type: 'ObjectInsertStmt', key: s.op('n'), value: local(2), object: 5 },
        { type: 'ObjectInsertStmt', key: s.op('groups'), value: local(3), object: 5 },
        { type: 'ObjectInsertStmt', key: s.op('none'), value: local(4), object: 5 },
        { type: 'ObjectInsertStmt', key: bool(true), value: bool(false), object: 5 },
      ],
      made: [3, 5],
    },
    {
      note: 'an empty collection nothing fills',
      stmts: () => [{ type: 'MakeArrayStmt', capacity: 0, target: 2 }],
      made: [2],
    },
    {
      note: 'not one filled later, apart from its literal',
      stmts: (s) => [
        { type: 'MakeSetStmt', target: 2 },
        ...fill(s, 2, 'a'),
        { type: 'DotStmt', source: local(0), key: s.op('x'), target: 3 },
        { type: 'SetAddStmt', value: local(3), set: 2 },
      ],
      made: [],
    },
    {
      note: 'not one holding a value read from the input',
      stmts: (s) => [
        { type: 'DotStmt', source: local(0), key: s.op('x'), target: 3 },
        { type: 'MakeArrayStmt', capacity: 2, target: 2 },
        { type: 'ArrayAppendStmt', value: s.op('a'), array: 2 },
        { type: 'ArrayAppendStmt', value: local(3), array: 2 },
      ],
      made: [],
    },
    {
      note: 'not one holding a parameter',
      stmts: (s) => [
        { type: 'MakeObjectStmt', target: 3 },
        { type: 'ObjectInsertStmt', key: s.op('n'), value: local(2), object: 3 },
      ],
      params: [0, 1, 2],
      made: [],
    },
    {
      note: 'not an object filled with insert-once (a conflict is a runtime error)',
      stmts: (s) => [
        { type: 'MakeObjectStmt', target: 2 },
        { type: 'ObjectInsertOnceStmt', key: s.op('a'), value: s.op('b'), object: 2 },
      ],
      made: [],
    },
    {
      note: 'not a local made twice',
      stmts: (s) => [
        { type: 'MakeSetStmt', target: 2 },
        ...fill(s, 2, 'a'),
        { type: 'MakeSetStmt', target: 2 },
        ...fill(s, 2, 'b'),
      ],
      made: [],
    },
    {
      note: 'a constant made in an enclosing list counts; one made in a sibling block does not',
      stmts: (s) => [
        { type: 'MakeNumberIntStmt', value: 7, target: 2 },
        {
          type: 'BlockStmt',
          blocks: [
            block({ type: 'MakeNumberIntStmt', value: 8, target: 3 }),
            block(
              { type: 'MakeArrayStmt', capacity: 2, target: 4 },
              { type: 'ArrayAppendStmt', value: local(2), array: 4 },
              { type: 'ArrayAppendStmt', value: local(3), array: 4 },
            ),
            block(
              { type: 'MakeArrayStmt', capacity: 1, target: 5 },
              { type: 'ArrayAppendStmt', value: local(2), array: 5 },
              { type: 'ArrayAppendStmt', value: s.op('x'), array: 5 },
            ),
          ],
        },
      ],
      made: [5],
    },
  ];
  for (const row of rows) {
    const s = new Strings();
    const stmts = row.stmts(s);
    const found = planConstantCollections([block(...stmts)], s.list, row.params ?? [0, 1]);
    const made = [...found.made.keys()].map((stmt) => ('target' in stmt ? stmt.target : -1));
    t.same(made, row.made, row.note);
  }
});

t.test('a policy that fills anything but a collection it just made folds nothing', async (t) => {
  const s = new Strings();
  const fillsParam = policy(
    s,
    [],
    [func('g0.data.test.f', 3, 3, block({ type: 'SetAddStmt', value: s.op('x'), set: 2 }))],
  );
  t.notOk(fillsOnlyFreshCollections(fillsParam), 'a parameter');
  const fillsCopy = policy(s, [
    plan(
      'test/p',
      block(
        { type: 'MakeSetStmt', target: 2 },
        { type: 'AssignVarStmt', source: local(2), target: 3 },
        { type: 'SetAddStmt', value: s.op('x'), set: 3 },
      ),
    ),
  ]);
  t.notOk(fillsOnlyFreshCollections(fillsCopy), 'a copy of a collection');
  const fresh = policy(s, [plan('test/p', block({ type: 'MakeSetStmt', target: 2 }, ...fill(s, 2, 'a')))]);
  t.ok(fillsOnlyFreshCollections(fresh), 'only collections just made');
});

/** literals: a plan returning a set literal with duplicates, an object literal with a repeated key, and both. */
function literals(): Policy {
  const s = new Strings();
  return policy(s, [
    plan(
      'test/literals',
      block(
        { type: 'MakeSetStmt', target: 2 },
        ...fill(s, 2, 'b', 'a', 'b', 'c'),
        { type: 'MakeObjectStmt', target: 3 },
        { type: 'ObjectInsertStmt', key: s.op('k'), value: s.op('first'), object: 3 },
        { type: 'ObjectInsertStmt', key: s.op('a'), value: local(2), object: 3 },
        { type: 'ObjectInsertStmt', key: s.op('k'), value: s.op('last'), object: 3 },
        { type: 'DotStmt', source: local(0), key: s.op('extra'), target: 4 },
        { type: 'MakeArrayStmt', capacity: 2, target: 5 },
        { type: 'ArrayAppendStmt', value: local(3), array: 5 },
        { type: 'ArrayAppendStmt', value: local(4), array: 5 },
        { type: 'ResultSetAddStmt', value: 5 },
      ),
    ),
  ]);
}

t.test('a collection made at start-up is the one evaluation would build, every time', async (t) => {
  const want = [{ result: [{ a: ['a', 'b', 'c'], k: 'last' }, 1] }];
  for (const foldConstantCollections of [true, false]) {
    const bytes = emitWasm(literals(), { foldConstantCollections });
    t.ok(wasm.validate(bytes));
    const loaded = await loadPolicy(bytes);
    for (let i = 0; i < 3; i++) {
      t.same(loaded.evaluate({ extra: 1 }), want, `fold ${foldConstantCollections}, evaluation ${i + 1}`);
    }
    t.same(loaded.evaluate({}), [], 'an undefined part still makes the plan undefined');
  }
  const folded = emitWasm(literals());
  const built = emitWasm(literals(), { foldConstantCollections: false });
  t.ok(folded.length !== built.length, 'the folded module differs');
});

t.test('an evaluation that builds no constant collection allocates less', async (t) => {
  const heapUsed = async (foldConstantCollections: boolean): Promise<number> => {
    const loaded = await loadPolicy(emitWasm(literals(), { foldConstantCollections }));
    const { exports } = loaded.wasmInstance as unknown as { exports: { opa_heap_ptr_get(): number } };
    loaded.evaluate({ extra: 1 });
    return exports.opa_heap_ptr_get() - (loaded.dataHeapPtr as number);
  };
  t.ok((await heapUsed(true)) < (await heapUsed(false)));
});

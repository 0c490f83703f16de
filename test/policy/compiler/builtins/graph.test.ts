import t from 'tap';
import { call, set, strict, typed } from './fixtures/call-host.js';

/** members is a set answer's members, or 'undefined'. */
const members = (answer: ReturnType<typeof typed>): unknown =>
  answer.defined ? (answer.value as { '$airlock.set': unknown })['$airlock.set'] : 'undefined';

t.test('graph.reachable walks edges breadth first from the initial vertices', async (t) => {
  const graph = { a: ['b'], b: ['c'], c: [], d: ['a'] };
  t.same(members(typed('graph.reachable', [graph, ['a']])), ['a', 'b', 'c']);
  t.same(members(typed('graph.reachable', [graph, set('d')])), ['a', 'b', 'c', 'd']);
  t.same(members(typed('graph.reachable', [graph, ['z']])), [], 'a vertex outside the graph reaches nothing');
  t.same(members(typed('graph.reachable', [{ a: set('b'), b: set('a') }, set('a')])), ['a', 'b'], 'cycles end');
  t.same(members(typed('graph.reachable', [{ a: null }, ['a']])), ['a'], 'edges of another type are none');
  const numeric = {
    '$airlock.object': [
      [1, [2]],
      [2, []],
    ],
  };
  t.same(members(typed('graph.reachable', [numeric, [1]])), [1, 2], 'vertices of any type');
});

t.test('graph.reachable_paths lists the paths from the initial vertices', async (t) => {
  const graph = { a: ['b'], b: ['c'], c: [], d: ['a'] };
  t.same(members(typed('graph.reachable_paths', [graph, ['a']])), [['a', 'b', 'c']]);
  t.same(members(typed('graph.reachable_paths', [{ a: ['b', 'c'], b: [], c: ['a'] }, ['a']])), [
    ['a', 'b'],
    ['a', 'c'],
  ]);
  t.same(members(typed('graph.reachable_paths', [{ a: [] }, set('a')])), [['a']]);
  t.same(
    members(typed('graph.reachable_paths', [{ a: ['b'] }, ['a']])),
    [['a']],
    'an end outside the graph is left out',
  );
  t.same(members(typed('graph.reachable_paths', [graph, ['z']])), []);
});

t.test('graph.reachable_paths keeps OPA 1.5 quirks', async (t) => {
  // One `reached` set is shared by the branches below an initial edge: d, reached through e, ends the path c → d.
  const shared = { a: ['c'], c: ['e', 'd'], e: ['d'], d: ['x'] };
  t.same(members(typed('graph.reachable_paths', [shared, ['a']])), [
    ['a', 'c'],
    ['a', 'c', 'e', 'd'],
  ]);
  // Paths committed in one call accumulate: b's second edge back to a repeats the first path.
  t.same(members(typed('graph.reachable_paths', [{ a: ['b'], b: ['a', 'a'] }, ['a']])), [
    ['a', 'b'],
    ['a', 'b', 'a', 'b'],
  ]);
});

t.test('graph built-ins check their operands as OPA does', async (t) => {
  for (const name of ['graph.reachable', 'graph.reachable_paths']) {
    t.throws(() => strict(name, [1, ['a']]), { message: `${name}: operand 1 must be object but got number` });
    t.throws(() => strict(name, [{ a: [] }, 'a']), {
      message: `${name}: operand 2 must be {array, set} but got string`,
      code: 'eval_type_error',
    });
    t.same(call(name, [{ a: [] }, 'a']), { defined: false }, 'undefined unless strict');
  }
  t.throws(
    () => call('graph.reachable', [{ a: [] }, ['a']], { encoding: 'json' }),
    /cannot return a set through the JSON bridge/,
  );
});

import t from 'tap';
import { call, set, strict, typed, value } from './fixtures/call-host.js';

const setValue = (answer: ReturnType<typeof typed>): unknown => (answer.defined ? answer.value : 'undefined');

t.test('object.get follows a key or a path, with a default', async (t) => {
  t.equal(value('object.get', [{ a: 1 }, 'a', 0]), 1);
  t.equal(value('object.get', [{ a: 1 }, 'b', 0]), 0);
  t.equal(value('object.get', [{ a: { b: [1, 2] } }, ['a', 'b', 1], 'x']), 2);
  t.equal(value('object.get', [{ a: { b: [1, 2] } }, ['a', 'c'], 'x']), 'x');
  t.same(value('object.get', [{ a: 1 }, [], 'x']), { a: 1 });
  t.same(setValue(typed('object.get', [{ a: set('x') }, ['a', 'x'], 'd'])), 'x');
});

t.test('object.union and object.union_n merge recursively, right wins', async (t) => {
  t.same(
    value('object.union', [
      { a: 1, b: { c: 1 } },
      { b: { d: 2 }, e: 3 },
    ]),
    { a: 1, b: { c: 1, d: 2 }, e: 3 },
  );
  t.same(value('object.union', [{ a: { b: 1 } }, { a: 2 }]), { a: 2 });
  t.same(value('object.union_n', [[{ a: { b: 2 } }, { a: 4 }, { a: { c: 3 } }]]), { a: { c: 3 } });
  t.same(value('object.union_n', [[]]), {});
  t.same(call('object.union_n', [[{ a: 1 }, 2]]), { defined: false });
});

t.test('object.filter and object.remove take keys as an array, set or object', async (t) => {
  t.same(value('object.filter', [{ a: 1, b: 2, c: 3 }, ['a', 'c']]), { a: 1, c: 3 });
  t.same(value('object.filter', [{ a: 1, b: 2 }, { b: true }]), { b: 2 });
  t.same(value('object.remove', [{ a: 1, b: 2, c: 3 }, ['a', 'c']]), { b: 2 });
  t.same(setValue(typed('object.remove', [{ a: 1, b: 2 }, set('a')])), { b: 2 });
  t.throws(() => strict('object.filter', [{ a: 1 }, 'a']), /operand 2 must be one of \{array, object, set\}/);
});

t.test('object.keys answers a set', async (t) => {
  t.same(setValue(typed('object.keys', [{ b: 1, a: 2 }])), { '$airlock.set': ['a', 'b'] });
});

t.test('object.subset', async (t) => {
  const subset = (a: unknown, b: unknown): unknown => setValue(typed('object.subset', [a, b]));
  t.equal(subset({ a: 'b', c: { x: set(10, 15, 20, 25), y: 'z' } }, { c: { x: set(10, 15, 20) } }), true);
  t.equal(subset({ a: 1 }, { a: 2 }), false);
  t.equal(subset(set(1, 2, 3), set(1, 3)), true);
  t.equal(subset([1, 2, 3, 4], [2, 3]), true);
  t.equal(subset([1, 2, 3, 4], [2, 4]), false);
  t.equal(subset([1, 2, 3], set(3, 1)), true);
  t.equal(subset([], set()), false, 'as OPA: an empty array holds no empty set');
  t.same(typed('object.subset', [[1], { a: 1 }]), { defined: false });
});

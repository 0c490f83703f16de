import t, { type Test } from 'tap';
import { type BuiltinRow, checkBuiltins, instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();
const check = (t: Test, rows: BuiltinRow[]) => checkBuiltins(t, rt, rows);

t.test('aggregates: count, sum, product, max, min, sort, all, any', async (t) => {
  check(t, [
    [['count', '[1,2,3]'], '3'],
    [['count', '{"a":1}'], '1'],
    [['count', '{1,2}'], '2'],
    [['count', '"héllo"'], '5'],
    [['count', '1'], undefined],
    [['sum', '[1,2,3]'], '6'],
    [['sum', '{1,2.5}'], '3.5'],
    [['sum', '[]'], '0'],
    [['sum', '[0.1,0.2]'], '0.3'],
    [['sum', '[1,"a"]'], undefined],
    [['product', '[2,3,4]'], '24'],
    [['product', '[]'], '1'],
    [['product', '[9223372036854775807,2]'], '18446744073709551614'],
    [['max', '[1,3,2]'], '3'],
    [['max', '[1,"a",null]'], '"a"'],
    [['max', '[]'], undefined],
    [['min', '{3,1,2}'], '1'],
    [['min', '[]'], undefined],
    [['sort', '[3,1,2]'], '[1,2,3]'],
    [['sort', '{"b","a"}'], '["a","b"]'],
    [['sort', '[{"a":1},null,[1],"x",2,true]'], '[null,true,2,"x",[1],{"a":1}]'],
    [['sort', '"abc"'], undefined],
    [['all', '[true,true]'], 'true'],
    [['all', '[true,1]'], 'false'],
    [['all', '[]'], 'true'],
    [['any', '{false,true}'], 'true'],
    [['any', '[]'], 'false'],
  ]);
});

t.test('objects: get, keys, remove, filter, union, union_n', async (t) => {
  check(t, [
    [['object.get', '{"a":1}', '"a"', '0'], '1'],
    [['object.get', '{"a":1}', '"b"', '0'], '0'],
    [['object.get', '{"a":{"b":[10,20]}}', '["a","b",1]', '0'], '20'],
    [['object.get', '{"a":{"b":[10,20]}}', '["a","c"]', '"d"'], '"d"'],
    [['object.get', '{"a":{"b":{1,2}}}', '["a","b",2]', '"d"'], '2'],
    [['object.get', '{"a":1}', '[]', '0'], '{"a":1}'],
    [['object.get', '[1]', '0', '0'], undefined],
    [['object.keys', '{"b":1,"a":2}'], '{"a","b"}'],
    [['object.remove', '{"a":1,"b":2,"c":3}', '["a","x"]'], '{"b":2,"c":3}'],
    [['object.remove', '{"a":1,"b":2}', '{"b"}'], '{"a":1}'],
    [['object.remove', '{"a":1,"b":2}', '{"a":0}'], '{"b":2}'],
    [['object.remove', '{"a":1}', '"a"'], undefined],
    [['object.filter', '{"a":1,"b":2,"c":3}', '["a","c"]'], '{"a":1,"c":3}'],
    [['object.union', '{"a":1,"b":{"c":1}}', '{"b":{"d":2},"e":3}'], '{"a":1,"b":{"c":1,"d":2},"e":3}'],
    [['object.union', '{"a":{"b":1}}', '{"a":2}'], '{"a":2}'],
    [['object.union_n', '[{"a":{"b":2}},{"a":4},{"a":{"c":3}}]'], '{"a":{"c":3}}'],
    [['object.union_n', '[]'], '{}'],
    [['object.union_n', '[{"a":1},1]'], undefined],
  ]);
});

t.test('arrays: concat, slice, reverse', async (t) => {
  check(t, [
    [['array.concat', '[1,2]', '[3]'], '[1,2,3]'],
    [['array.concat', '[]', '[]'], '[]'],
    [['array.concat', '{1}', '[]'], undefined],
    [['array.slice', '[1,2,3,4]', '1', '3'], '[2,3]'],
    [['array.slice', '[1,2,3,4]', '-5', '100'], '[1,2,3,4]'],
    [['array.slice', '[1,2,3,4]', '3', '1'], '[]'],
    [['array.slice', '[1,2]', '0.5', '1'], undefined],
    [['array.reverse', '[1,2,3]'], '[3,2,1]'],
  ]);
});

t.test('sets: union, intersection, membership', async (t) => {
  check(t, [
    [['union', '{{1,2},{2,3},set()}'], '{1,2,3}'],
    [['union', 'set()'], 'set()'],
    [['union', '{[1]}'], undefined],
    [['intersection', '{{1,2,3},{2,3,4},{3,2}}'], '{2,3}'],
    [['intersection', 'set()'], 'set()'],
    [['internal.member_2', '1', '{1,2}'], 'true'],
    [['internal.member_2', '1.0', '[2,1]'], 'true'],
    [['internal.member_2', '1', '{"a":1}'], 'true'],
    [['internal.member_2', '"a"', '{"a":1}'], 'false'],
    [['internal.member_2', '1', '"1"'], 'false'],
    [['internal.member_3', '0', '"a"', '["a"]'], 'true'],
    [['internal.member_3', '"k"', '1', '{"k":1}'], 'true'],
    [['internal.member_3', '"k"', '2', '{"k":1}'], 'false'],
    [['internal.member_3', '1', '1', '{1}'], 'true'],
    [['internal.member_3', '1', '2', '{1}'], 'false'],
  ]);
});

t.test('numbers.range and numbers.range_step count up or down, inclusive', async (t) => {
  check(t, [
    [['numbers.range', '1', '4'], '[1,2,3,4]'],
    [['numbers.range', '2', '-1'], '[2,1,0,-1]'],
    [['numbers.range', '3', '3'], '[3]'],
    [['numbers.range', '1.0', '2'], '[1,2]'],
    [['numbers.range', '1.5', '2'], undefined],
    [['numbers.range_step', '0', '10', '4'], '[0,4,8]'],
    [['numbers.range_step', '10', '0', '5'], '[10,5,0]'],
    [['numbers.range_step', '0', '10', '0'], undefined],
  ]);
  t.throws(() => rt.builtin('numbers.range', '0', '100000000000'), RuntimeAbort, 'huge ranges abort');
});

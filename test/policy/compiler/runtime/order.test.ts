import t from 'tap';
import { instantiate } from './runtime-harness.js';

const rt = instantiate();
const compare = (a: string, b: string) => rt.call('opa_value_compare', rt.value(a), rt.value(b));
const equal = (a: string, b: string) => rt.call('opa_value_equal', rt.value(a), rt.value(b));

t.test('values follow OPA total order across types', async (t) => {
  const ascending = ['null', 'false', 'true', '-1', '0', '0.5', '1', '"A"', '"a"', '"ab"', '[]', '[1]', '{}', 'set()'];
  for (let i = 0; i < ascending.length; i++) {
    for (let j = 0; j < ascending.length; j++) {
      const want = Math.sign(i - j);
      t.equal(compare(ascending[i]!, ascending[j]!), want, `${ascending[i]} vs ${ascending[j]}`);
    }
  }
});

t.test('numbers compare by value, whatever their representation', async (t) => {
  const rows = [
    { a: '1', b: '1.0', want: 0 },
    { a: '1', b: '1e0', want: 0 },
    { a: '100', b: '1e2', want: 0 },
    { a: '0.1', b: '0.10', want: 0 },
    { a: '9007199254740993', b: '9007199254740992.0', want: 1, note: 'an int beyond 2^53 against the f64 below it' },
    { a: '9223372036854775807', b: '9223372036854775808', want: -1, note: 'i64 max against a big integer' },
    { a: '-9223372036854775808', b: '-9223372036854775809', want: 1 },
    { a: '123456789012345678901234567890', b: '123456789012345678901234567891', want: -1 },
    { a: '1e400', b: '1e399', want: 1 },
    { a: '-1e400', b: '-1e399', want: -1 },
    { a: '1e400', b: '1.7976931348623157e308', want: 1 },
    { a: '28857836529306024611913', b: '28857836529306024611912', want: 1 },
    { a: '0.1000000000000000000001', b: '0.1', want: 0, note: 'OPA: two decimals that are the same f64 are equal' },
    { a: '2.5', b: '2', want: 1 },
    { a: '-2.5', b: '-2', want: -1 },
  ];
  for (const row of rows) t.equal(compare(row.a, row.b), row.want, row.note ?? `${row.a} vs ${row.b}`);
});

t.test('strings compare by their UTF-8 bytes, a prefix first', async (t) => {
  t.equal(compare('"abc"', '"abd"'), -1);
  t.equal(compare('"abc"', '"ab"'), 1);
  t.equal(compare('"zzzzzzzzzzzz1"', '"zzzzzzzzzzzz2"'), -1, 'difference after the first eight bytes');
  t.equal(compare('"é"', '"z"'), 1, 'non-ASCII bytes sort after ASCII');
  t.equal(compare('"\uffff"', '"😀"'), -1, 'byte order, not UTF-16 order');
});

t.test('arrays compare element-wise, then by length', async (t) => {
  t.equal(compare('[1,2]', '[1,3]'), -1);
  t.equal(compare('[1,2]', '[1]'), 1);
  t.equal(compare('[2]', '[1,5]'), 1);
});

t.test('objects and sets compare entry by entry in sorted order', async (t) => {
  t.equal(compare('{"a":1}', '{"a":2}'), -1);
  t.equal(compare('{"a":1}', '{"b":0}'), -1);
  t.equal(compare('{"a":1,"b":1}', '{"a":1}'), 1);
  t.equal(compare('{1,2}', '{1,3}'), -1);
  t.equal(compare('{3}', '{1,2}'), 1);
});

t.test('equality is structural, numbers by value', async (t) => {
  t.equal(equal('{"a":[1,{"b":2.0}]}', '{"a":[1.0,{"b":2}]}'), 1);
  t.equal(equal('{1,2}', '{2,1}'), 1);
  t.equal(equal('[1,2]', '[2,1]'), 0);
  t.equal(equal('"a"', '"a"'), 1);
  t.equal(equal('1', '"1"'), 0);
  t.equal(equal('null', 'false'), 0);
});

t.test('sets and objects keep their members sorted and unique as they are built', async (t) => {
  const set = rt.call('opa_set');
  for (const member of ['3', '1', '"x"', '2', '1.0', 'null', '[1]']) rt.call('opa_set_add', set, rt.value(member));
  t.equal(rt.rego(set), '{null,1,2,3,"x",[1]}');
  const obj = rt.call('opa_object');
  for (const key of ['"b"', '"a"', '3', '"c"']) rt.call('opa_object_insert', obj, rt.value(key), rt.value('1'));
  rt.call('opa_object_insert', obj, rt.value('"a"'), rt.value('2'));
  t.equal(rt.rego(obj), '{3:1,"a":2,"b":1,"c":1}');
  t.equal(rt.rego(rt.call('opa_value_get', obj, rt.value('"a"'))), '2');
  t.equal(rt.call('opa_value_get', obj, rt.value('"z"')), 0);
});

t.test('lookups in large objects and sets find every member', async (t) => {
  const keys = Array.from({ length: 500 }, (_, i) => `key-${(i * 7919) % 500}`);
  const obj = rt.parse(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, i]))));
  let found = 0;
  for (const [i, k] of keys.entries()) {
    const v = rt.call('opa_value_get', obj, rt.value(JSON.stringify(k)));
    if (v !== 0 && rt.json(v) === String(i)) found++;
  }
  t.equal(found, keys.length);
  const set = rt.value(`{${Array.from({ length: 300 }, (_, i) => (i * 31) % 300).join(',')}}`);
  t.equal(rt.call('opa_value_length', set), 300);
  t.equal(rt.rego(rt.call('opa_value_get', set, rt.value('299'))), '299');
  t.equal(rt.call('opa_value_get', set, rt.value('300')), 0);
});

import t from 'tap';
import { instantiate } from './runtime-harness.js';

const rt = instantiate();

t.test('JSON documents survive a parse and dump unchanged', async (t) => {
  const rows = [
    { note: 'scalars', json: '[null,true,false,0,-1,1.5,"x"]' },
    { note: 'nested', json: '{"a":{"b":[1,{"c":[]}]},"d":{}}' },
    { note: 'unicode passes through', json: '["héllo","日本","😀"]' },
    { note: 'long string', json: JSON.stringify(['x'.repeat(10000)]) },
    { note: 'deep nesting', json: `${'['.repeat(200)}1${']'.repeat(200)}` },
  ];
  for (const row of rows) t.equal(rt.json(rt.parse(row.json)), row.json, row.note);
});

t.test('objects are sorted by key, and the last duplicate key wins', async (t) => {
  t.equal(rt.json(rt.parse('{"b":1,"a":2,"c":3}')), '{"a":2,"b":1,"c":3}');
  t.equal(rt.json(rt.parse('{"a":1,"b":2,"a":3}')), '{"a":3,"b":2}');
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${(i * 37) % 100}`, i]));
  const dumped = JSON.parse(rt.json(rt.parse(JSON.stringify(many))));
  t.same(Object.keys(dumped), Object.keys(many).sort(), 'keys come back in byte order');
  t.same(dumped, many, 'with their values');
});

t.test('whitespace is allowed between tokens', async (t) => {
  t.equal(rt.json(rt.parse(' \n\t{ "a" : [ 1 , 2 ] }\r\n ')), '{"a":[1,2]}');
});

t.test('string escapes decode, including surrogate pairs', async (t) => {
  const rows = [
    { json: '"\\"\\\\\\/\\b\\f\\n\\r\\t"', want: '"\\/\b\f\n\r\t' },
    { json: '"\\u00e9\\u65e5"', want: 'é日' },
    { json: '"\\ud83d\\ude00"', want: '😀' },
    { json: '"\\ud83d"', want: '\ufffd', note: 'a lone high surrogate' },
    { json: '"\\ude00x"', want: '\ufffdx', note: 'a lone low surrogate' },
    { json: '"a\\u0000b"', want: 'a\u0000b' },
  ];
  for (const row of rows) {
    t.equal(JSON.parse(rt.json(rt.parse(row.json))), row.want, row.note ?? row.json);
  }
});

t.test('dumped strings escape what JSON requires', async (t) => {
  const original = '"\\\n\r\t\b\f\u0001\u001f é';
  const dumped = rt.json(rt.parse(JSON.stringify(original)));
  t.equal(JSON.parse(dumped), original);
  const raw = [...dumped].filter((c) => c.charCodeAt(0) < 0x20);
  t.same(raw, [], 'no raw control characters');
});

t.test('numbers: integers stay integers, floats read back exactly, big literals stay exact', async (t) => {
  const rows = [
    { json: '9223372036854775807', want: '9223372036854775807' },
    { json: '-9223372036854775808', want: '-9223372036854775808' },
    { json: '9223372036854775808', want: '9223372036854775808', note: 'beyond i64: kept as text' },
    { json: '123456789012345678901234567890', want: '123456789012345678901234567890' },
    { json: '1.0', want: '1.0', note: 'a float literal prints as written' },
    { json: '1e3', want: '1e3' },
    { json: '0.1', want: '0.1' },
    { json: '0.30000000000000004', want: '0.30000000000000004' },
    { json: '1.7976931348623157e308', want: '1.7976931348623157e308' },
    { json: '5e-324', want: '5e-324' },
    { json: '1e400', want: '1e400', note: 'beyond f64: kept as text' },
    { json: '0.1000000000000000000001', want: '0.1000000000000000000001', note: 'beyond f64 precision' },
    { json: '-0', want: '0' },
  ];
  for (const row of rows) t.equal(rt.json(rt.parse(row.json)), row.want, row.note ?? row.json);
});

t.test('computed floats print so that JSON.parse returns the same double', async (t) => {
  const doubles = [0.1, 1 / 3, 2 / 3, 1e21, 1e-7, 123456.789, 5e-324, 1.7976931348623157e308, -2.5e-10, 4.35];
  for (const d of doubles) {
    const [a, b] = [rt.call('opa_number_ref', ...rt.put(String(d))), rt.call('opa_number_int', 1n)];
    const product = rt.call('builtin_mul', a, b);
    t.equal(JSON.parse(rt.json(product)), d, String(d));
  }
  // Division results are computed, not literals.
  const third = rt.call('builtin_div', rt.parse('1'), rt.parse('3'));
  t.equal(JSON.parse(rt.json(third)), 1 / 3);
});

t.test('malformed JSON parses to 0', async (t) => {
  const bad = [
    '',
    '{',
    '[1,]',
    '{"a":1,}',
    '{"a"}',
    '{1:2}',
    '01',
    '1.',
    '.5',
    '-',
    '1e',
    '+1',
    'nul',
    'tru',
    '"abc',
    '"\u0001"',
    '"\\x"',
    '"\\u12g4"',
    '[1] 2',
    '{1,2}',
    'set()',
    `${'['.repeat(2000)}${']'.repeat(2000)}`,
  ];
  for (const text of bad) t.equal(rt.parse(text), 0, JSON.stringify(text.slice(0, 40)));
});

t.test('Rego value syntax adds sets and non-string keys', async (t) => {
  t.equal(rt.rego(rt.value('{3,1,2,1}')), '{1,2,3}');
  t.equal(rt.rego(rt.value('set()')), 'set()');
  t.equal(rt.rego(rt.value('{}')), '{}', 'braces alone are an empty object');
  t.equal(rt.rego(rt.value('{[1]: "a", 2: "b"}')), '{2:"b",[1]:"a"}');
  t.equal(rt.json(rt.value('{3,1}')), '[1,3]', 'sets dump as arrays in JSON');
  t.equal(rt.json(rt.value('{[1,2]: "a", 2: "b", null: 1}')), '{"null":1,"2":"b","[1,2]":"a"}');
  t.equal(rt.rego(rt.value('{"s": {set(), {1}}}')), '{"s":{set(),{1}}}');
});

t.test('Rego value syntax allows a comma after the last element; JSON does not', async (t) => {
  t.equal(
    rt.rego(rt.value('{ "g": { "a": {"b"}, "c": {"d", }, }, "i": [1, 2, ], }')),
    '{"g":{"a":{"b"},"c":{"d"}},"i":[1,2]}',
  );
  t.equal(rt.rego(rt.value('{"b",}')), '{"b"}');
  for (const text of ['[1,]', '{"a":1,}', '[,]', '{,}']) t.equal(rt.parse(text), 0, text);
  for (const text of ['[,]', '{,}', '[1,,]']) t.equal(rt.call('opa_value_parse', ...rt.put(text)), 0, text);
});

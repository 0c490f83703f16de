import t from 'tap';
import { call, set, typed, value } from './fixtures/call-host.js';

t.test('yaml.unmarshal reads YAML 1.1 as go-yaml v2 does', async (t) => {
  t.same(value('yaml.unmarshal', ['foo: bar\nlist: [1, 2.5, "x"]']), { foo: 'bar', list: [1, 2.5, 'x'] });
  t.same(value('yaml.unmarshal', ['a: yes\nb: off\nc: 0777\nd: 2001-12-14']), {
    a: true,
    b: false,
    c: 511,
    d: '2001-12-14',
  });
  t.same(value('yaml.unmarshal', ['1: one\ntrue: t']), { 1: 'one', true: 't' });
  t.same(value('yaml.unmarshal', ['']), null);
  t.same(value('yaml.unmarshal', ['a: 1\n---\nb: 2']), { a: 1 }, 'only the first document');
  t.same(call('yaml.unmarshal', ['[1,2,3']), { defined: false });
  t.same(call('yaml.unmarshal', ['a: 1\na: 2']), { defined: false }, 'duplicate keys are an error');
});

t.test('yaml.is_valid', async (t) => {
  t.equal(value('yaml.is_valid', ['foo:\n   - qux: bar\n   - baz: 2']), true);
  t.equal(value('yaml.is_valid', ['foo:\n   - qux: bar\n   - baz: {']), false);
  t.equal(value('yaml.is_valid', ['{"json": "ok"}']), true);
  t.equal(value('yaml.is_valid', [1]), false);
});

t.test('yaml.marshal writes block YAML with sorted keys', async (t) => {
  t.equal(
    value('yaml.marshal', [{ b: [1, 2], a: 'true', c: { d: null } }]),
    'a: "true"\nb:\n- 1\n- 2\nc:\n  d: null\n',
  );
  const roundTrip = typed('yaml.marshal', [[{ foo: set(1, 2, 3) }]]);
  t.ok(roundTrip.defined);
  t.same(value('yaml.unmarshal', [(roundTrip as { value: string }).value]), [{ foo: [1, 2, 3] }]);
});

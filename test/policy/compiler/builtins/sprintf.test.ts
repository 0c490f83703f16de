import t from 'tap';
import { call, strict, typed, set, value } from './fixtures/call-host.js';

t.test('sprintf formats like Go fmt over OPA argument conversion', async (t) => {
  const rows: { note: string; format: string; args: unknown[]; want: string }[] = [
    { note: 'strings and integers', format: '%s is %d', args: ['x', 5], want: 'x is 5' },
    {
      note: 'composite values print in Rego syntax',
      format: '%v',
      args: [[1, 'a', { b: null }]],
      want: '[1, "a", {"b": null}]',
    },
    { note: '%s of an integer is a bad verb, as in OPA', format: '%s', args: [5], want: '%!s(int=5)' },
    { note: 'booleans arrive as strings', format: '%t', args: [true], want: '%!t(string=true)' },
    { note: 'booleans print with %v', format: '%v', args: [false], want: 'false' },
    { note: 'null prints as null', format: '%v', args: [null], want: 'null' },
    { note: 'missing argument', format: '%d %d', args: [1], want: '1 %!d(MISSING)' },
    { note: 'extra argument', format: '%d', args: [1, 'x'], want: '1%!(EXTRA string=x)' },
    { note: 'percent sign', format: '100%%', args: [], want: '100%' },
    {
      note: 'width and flags',
      format: '%05d|%-5d|%+d|%5s|%-5s|',
      args: [42, 42, 42, 'ab', 'ab'],
      want: '00042|42   |+42|   ab|ab   |',
    },
    { note: 'bases', format: '%x %X %o %b %#x', args: [255, 255, 8, 5, 255], want: 'ff FF 10 101 0xff' },
    { note: 'negative hex', format: '%x', args: [-255], want: '-ff' },
    {
      note: 'floats default to shortest %g',
      format: '%v %v %v',
      args: [1.5, 0.000012, 1234567.5],
      want: '1.5 1.2e-05 1.2345675e+06',
    },
    {
      note: 'fixed precision rounds half to even on the exact value',
      format: '%.2f %.0f %.0f %.1f',
      args: [3.14259, 2.5, 3.5, 0.25],
      want: '3.14 2 4 0.2',
    },
    {
      note: '%e and %g with precision',
      format: '%e %.3g %.2g %g',
      args: [1234.5678, 1.25, 123.5, 0.5],
      want: '1.234568e+03 1.25 1.2e+02 0.5',
    },
    { note: '%d of a float is a bad verb', format: '%d', args: [1.5], want: '%!d(float64=1.5)' },
    { note: '%q quotes strings as Go does', format: '%q', args: ['a"b\n'], want: '"a\\"b\\n"' },
    { note: 'string precision truncates by character', format: '%.2s', args: ['héllo'], want: 'hé' },
    { note: 'unicode passes through', format: '%s→%s', args: ['ä', '日本'], want: 'ä→日本' },
  ];
  for (const row of rows) t.equal(value('sprintf', [row.format, row.args]), row.want, row.note);
});

t.test('sprintf refuses integers past 2^53 that the JSON bridge has rounded', async (t) => {
  t.throws(() => call('sprintf', ['%s', [1.2089258196146292e24]]), /too large to print exactly/);
});

t.test('sprintf prints big integers exactly through the typed bridge', async (t) => {
  const answer = typed('sprintf', ['%s', [{ '$airlock.number': '1208925819614629174706175' }]]);
  t.same(answer.defined && answer.value, '1208925819614629174706175');
  const decimal = typed('sprintf', ['%d', [{ '$airlock.number': '9223372036854775807' }]]);
  t.same(decimal.defined && decimal.value, '9223372036854775807');
});

t.test('sprintf prints sets as sets through the typed bridge', async (t) => {
  const answer = typed('sprintf', ['missing %v', [set('b', 'a')]]);
  t.same(answer.defined && answer.value, 'missing {"a", "b"}');
  const empty = typed('sprintf', ['%v', [set()]]);
  t.same(empty.defined && empty.value, 'set()');
});

t.test('sprintf with a non-array second operand is a type error', async (t) => {
  t.same(call('sprintf', ['%s', 'x']), { defined: false });
  t.throws(() => strict('sprintf', ['%s', 'x']), /sprintf: operand 2 must be array but got string/);
});

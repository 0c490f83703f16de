import fc from 'fast-check';
import t from 'tap';
import { canonicalCopy, canonicalJson } from '../../proxy/audit/canonical-json.js';
import { AuditDataError } from '../../proxy/core/errors.js';

t.test('encodes values in their one canonical form', async (t) => {
  const cases: Array<{ note: string; input: unknown; want: string }> = [
    { note: 'null and booleans', input: [null, true, false], want: '[null,true,false]' },
    { note: 'integers', input: [0, -1, 42, 9007199254740991], want: '[0,-1,42,9007199254740991]' },
    { note: 'negative zero is zero', input: -0, want: '0' },
    {
      note: 'fractions as ECMAScript prints them',
      input: [4.5, 0.1 + 0.2, 2e-3],
      want: '[4.5,0.30000000000000004,0.002]',
    },
    // RFC 8785 appendix B and section 3.2.2.3.
    { note: 'large and small exponents', input: [1e21, 1e30, 1e-7, 1e-27], want: '[1e+21,1e+30,1e-7,1e-27]' },
    { note: 'the shortest round-trip digits', input: 333333333.33333329, want: '333333333.3333333' },
    { note: 'below the exponent threshold', input: 1e20, want: '100000000000000000000' },
    { note: 'strings with escapes', input: 'a"b\\c\n\t\u0001', want: '"a\\"b\\\\c\\n\\t\\u0001"' },
    { note: 'non-ASCII left as is', input: 'café € 😀 \u2028', want: '"café € 😀 \u2028"' },
    { note: 'a lone surrogate escaped', input: '\ud800x', want: '"\\ud800x"' },
    {
      note: 'keys sorted, no whitespace',
      input: { b: 1, a: 2, c: { z: 0, y: [] } },
      want: '{"a":2,"b":1,"c":{"y":[],"z":0}}',
    },
    {
      note: 'nested objects inside arrays keep array order',
      input: [3, [2, { b: 1, a: 2 }], 'x', {}],
      want: '[3,[2,{"a":2,"b":1}],"x",{}]',
    },
    {
      // RFC 8785 section 3.2.3: UTF-16 code-unit order puts U+1F600 (D83D DE00) before U+FB33.
      note: 'keys sorted by UTF-16 code units',
      input: {
        '\u20ac': 'Euro',
        '\r': 'CR',
        '\ufb33': 'Hebrew',
        '1': 'One',
        '\ud83d\ude00': 'Smiley',
        '\u0080': 'Ctl',
        '\u00f6': 'Latin',
      },
      want: '{"\\r":"CR","1":"One","\u0080":"Ctl","ö":"Latin","€":"Euro","😀":"Smiley","\ufb33":"Hebrew"}',
    },
    {
      note: 'digit keys sorted as strings',
      input: { '10': 1, '9': 2, A: 3, a: 4 },
      want: '{"10":1,"9":2,"A":3,"a":4}',
    },
    { note: 'undefined members left out, as in JSON', input: { a: undefined, b: 1 }, want: '{"b":1}' },
    {
      note: 'an object without a prototype',
      input: Object.assign(Object.create(null) as object, { k: 'v' }),
      want: '{"k":"v"}',
    },
  ];
  for (const { note, input, want } of cases) t.equal(canonicalJson(input), want, note);
});

t.test('is the same for equal data whatever its key order, and survives a JSON round trip', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const encoded = canonicalJson(value);
      return canonicalJson(JSON.parse(encoded)) === encoded && canonicalJson(reverseKeys(value)) === encoded;
    }),
    { numRuns: 300, seed: 4 },
  );
  t.pass('300 generated values');
});

t.test('refuses what JSON would change or cannot carry, naming where', async (t) => {
  const circular: Record<string, unknown> = { a: 1 };
  circular['self'] = circular;
  let deep: unknown = 'bottom';
  for (let level = 0; level < 101; level++) deep = [deep];
  const cases: Array<{ note: string; input: unknown; path: string; message: RegExp }> = [
    { note: 'NaN', input: { n: NaN }, path: 'data.n', message: /NaN is not a JSON number/ },
    { note: 'Infinity', input: [1, -Infinity], path: 'data[1]', message: /-Infinity/ },
    { note: 'a bigint', input: { big: 1n }, path: 'data.big', message: /bigint/ },
    { note: 'a function', input: { f: () => 1 }, path: 'data.f', message: /function/ },
    { note: 'a symbol', input: { s: Symbol('x') }, path: 'data.s', message: /symbol/ },
    { note: 'a Date', input: { when: new Date(0) }, path: 'data.when', message: /Date is not a plain JSON object/ },
    { note: 'a Map', input: { m: new Map() }, path: 'data.m', message: /Map/ },
    { note: 'a Buffer', input: { b: Buffer.from('x') }, path: 'data.b', message: /Buffer/ },
    { note: 'undefined in an array', input: { list: [1, undefined] }, path: 'data.list[1]', message: /undefined/ },
    { note: 'a hole in an array', input: { list: [1, , 3] }, path: 'data.list[1]', message: /undefined/ },
    { note: 'a key that is not an identifier', input: { 'a b': [NaN] }, path: 'data["a b"][0]', message: /NaN/ },
    { note: 'circular data', input: circular, path: 'data' + '.self'.repeat(100), message: /circular/ },
    { note: 'nesting past 100 levels', input: deep, path: 'data' + '[0]'.repeat(100), message: /100 levels/ },
  ];
  for (const { note, input, path, message } of cases) {
    t.throws(() => canonicalJson(input), { constructor: AuditDataError, path, message }, note);
  }
});

t.test('canonicalCopy copies a value as parsing its canonical JSON would', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const { json, copy } = canonicalCopy(value);
      const parsed: unknown = JSON.parse(json);
      return json === canonicalJson(value) && JSON.stringify(copy) === JSON.stringify(parsed);
    }),
    { numRuns: 300, seed: 5 },
  );
  const data = JSON.parse('{"b":[-0,{"z":1,"__proto__":{"x":2}}],"10":"ten","2":"two","a":null}') as unknown;
  const { json, copy } = canonicalCopy(data);
  t.strictSame(copy, JSON.parse(json), 'a __proto__ member, integer-like keys and -0');
  t.equal(Object.getPrototypeOf((copy as { b: object[] }).b[1]), Object.prototype, '__proto__ stays a member');
  t.ok(Object.is((copy as { b: number[] }).b[0], 0), '-0 becomes 0');
  t.not(copy, data, 'a copy, not the value');
  t.throws(() => canonicalCopy({ n: NaN }), { constructor: AuditDataError, path: 'data.n', message: /NaN/ });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reverseKeys(member)]),
  );
}

// Property tests: the runtime's JSON and number handling against JavaScript's, on random inputs.

import fc from 'fast-check';
import t from 'tap';
import { instantiate } from './runtime-harness.js';

const rt = instantiate({ pages: 16 });
const mark = rt.call('opa_heap_ptr_get');
const fresh = () => rt.call('opa_heap_ptr_set', mark);

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      Buffer.from(a) < Buffer.from(b) ? -1 : 1,
    );
    return Object.fromEntries(entries.map(([k, x]) => [k, sortKeys(x)]));
  }
  return v;
};

t.test('any JSON document parses and dumps to the same document', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      fresh();
      const text = JSON.stringify(value);
      const v = rt.parse(text);
      if (v === 0) return false;
      const back = JSON.parse(rt.json(v));
      t.same(back, sortKeys(JSON.parse(text)));
      return true;
    }),
    { numRuns: 500 },
  );
});

t.test('every double parses as JavaScript parses it and prints back exactly', async (t) => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
      fresh();
      const literal = rt.parse(JSON.stringify(d));
      // A literal prints as written; d × 1 is computed and prints in the runtime's own shortest format.
      const computed = rt.call('builtin_mul', literal, rt.parse('1'));
      const want = d === 0 ? 0 : d;
      return JSON.parse(rt.json(literal)) === want && JSON.parse(rt.json(computed)) === want;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('decimal literals with many digits round as JavaScript rounds them', async (t) => {
  const literal = fc
    .tuple(
      fc.stringMatching(/^[1-9][0-9]{0,24}$/),
      fc.stringMatching(/^[0-9]{1,24}$/),
      fc.integer({ min: -330, max: 310 }),
    )
    .map(([int, frac, exp]) => `${int}.${frac}e${exp}`);
  fc.assert(
    fc.property(literal, (text) => {
      fresh();
      const v = rt.parse(text);
      // Compare as numbers: the runtime's order between the literal and the double JS reads from it.
      const d = Number(text);
      if (!Number.isFinite(d) || d === 0) return true;
      const asDouble = rt.call('builtin_mul', rt.parse(JSON.stringify(d)), rt.parse('1'));
      const c = rt.call('opa_value_compare', v, asDouble);
      // When the runtime keeps the literal as a double it must be JS's double; else it kept the exact text.
      const dumped = rt.json(v);
      if (dumped === text) return true;
      return c === 0 && JSON.parse(dumped) === d;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('integer arithmetic agrees with BigInt', async (t) => {
  const big = fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n });
  fc.assert(
    fc.property(big, big, (a, b) => {
      fresh();
      const x = rt.parse(a.toString());
      const y = rt.parse(b.toString());
      const ok = (name: string, want: bigint) => rt.json(rt.call(`builtin_${name}`, x, y)) === want.toString();
      if (!ok('plus', a + b) || !ok('minus', a - b) || !ok('mul', a * b)) return false;
      if (b !== 0n && !ok('rem', a % b)) return false;
      if (b !== 0n && a % b === 0n && a !== 0n && !ok('div', a / b)) return false;
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('decimal addition and multiplication are exact on short decimals', async (t) => {
  const cents = fc.integer({ min: -1_000_000, max: 1_000_000 });
  fc.assert(
    fc.property(cents, cents, (a, b) => {
      fresh();
      const text = (n: number) => (n / 100).toFixed(2);
      const sum = rt.call('builtin_plus', rt.parse(text(a)), rt.parse(text(b)));
      // (a + b) / 100 exactly, printed back: compare with the exact decimal.
      const want = (a + b) / 100;
      return JSON.parse(rt.json(sum)) === want;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('string lengths and reversal agree with code point counts', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      fresh();
      const v = rt.parse(JSON.stringify(s));
      if (rt.call('opa_value_length', v) !== [...s].length) return false;
      const reversed = rt.json(rt.call('builtin_strings_reverse', v));
      return JSON.parse(reversed) === [...s].reverse().join('');
    }),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('strings order by their UTF-8 bytes, as Buffer.compare orders them', async (t) => {
  // Shared prefixes of every length, so that words differ before, at and after the first eight bytes.
  const prefix = fc.constantFrom('', 'a', 'cloudtra', 'cloudtrail:', 'secretsmanager:Get', 'é日');
  const text = fc
    .tuple(
      prefix,
      fc.string({ unit: fc.constantFrom('a', 'b', 'z', 'é', '日', '😀', '\u0000', '\u007f'), maxLength: 12 }),
    )
    .map(([p, rest]) => p + rest);
  fc.assert(
    fc.property(text, text, (a, b) => {
      fresh();
      const want = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const x = rt.parse(JSON.stringify(a));
      const y = rt.parse(JSON.stringify(b));
      return rt.call('opa_value_compare', x, y) === want && rt.call('opa_value_compare', y, x) === -want;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('base64 round-trips and matches Node', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (s) => {
      fresh();
      const encoded = JSON.parse(rt.json(rt.call('builtin_base64_encode', rt.parse(JSON.stringify(s)))));
      if (encoded !== Buffer.from(s).toString('base64')) return false;
      const decoded = rt.call('builtin_base64_decode', rt.parse(JSON.stringify(encoded)));
      return JSON.parse(rt.json(decoded)) === s;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

import t from 'tap';
import { instantiate } from './runtime-harness.js';

t.test('the heap base is where the runtime data ends, and the heap starts above it', async (t) => {
  const rt = instantiate();
  const base = rt.exports.airlock_heap_base.value as number;
  t.ok(base > 1024 && base % 16 === 0, `heap base ${base} is 16-aligned`);
  t.ok((rt.call('opa_heap_ptr_get') as number) >= base);
});

t.test('opa_heap_ptr_set forgets everything allocated above the address', async (t) => {
  const rt = instantiate();
  const mark = rt.call('opa_heap_ptr_get');
  const first = rt.parse('{"a":[1,2,3]}');
  t.ok(rt.call('opa_heap_ptr_get') > mark);
  rt.call('opa_heap_ptr_set', mark);
  t.equal(rt.call('opa_heap_ptr_get'), mark);
  const second = rt.parse('{"b":[4,5,6]}');
  t.equal(second, first, 'the same addresses are handed out again');
  t.equal(rt.json(second), '{"b":[4,5,6]}');
});

t.test('values made before the reset point survive repeated resets', async (t) => {
  const rt = instantiate();
  const data = rt.parse('{"keep":"me"}');
  const mark = rt.call('opa_heap_ptr_get');
  for (let i = 0; i < 1000; i++) {
    rt.call('opa_heap_ptr_set', mark);
    rt.parse(JSON.stringify({ scratch: 'x'.repeat(100), i }));
  }
  t.equal(rt.json(data), '{"keep":"me"}');
  t.equal(rt.call('opa_heap_ptr_get') - mark < 4096, true, 'the heap does not creep');
});

t.test('the heap grows the memory when it runs out', async (t) => {
  const rt = instantiate({ pages: 2 });
  const before = rt.memory.buffer.byteLength;
  const big = JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ i, s: `value ${i}` })));
  const v = rt.parse(big);
  t.not(v, 0);
  t.ok(rt.memory.buffer.byteLength > before, 'memory grew');
  t.equal(rt.json(v), big);
});

t.test('opa_malloc hands out distinct, aligned blocks', async (t) => {
  const rt = instantiate();
  const a = rt.call('opa_malloc', 3);
  const b = rt.call('opa_malloc', 5);
  t.ok(b >= a + 3);
  t.equal(a % 8, 0);
  t.equal(b % 8, 0);
});

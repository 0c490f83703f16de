import { loadPolicy } from '@open-policy-agent/opa-wasm';
import t from 'tap';
import { encodeU32, exportedFunctionIndex, readRuntime, replaceFunctionBody } from './runtime-harness.js';

t.test('the unlinked runtime loads in the OPA SDK and evaluates to an empty result set', async (t) => {
  const policy = await loadPolicy(readRuntime());
  t.same(policy.entrypoints, {});
  t.same(await policy.evaluate({ user: 'alice' }), []);
  policy.setData({ roles: { alice: ['admin'] } });
  t.same(policy.evaluate({ user: 'alice' }), []);
  t.same(policy.evaluate(undefined), []);
});

t.test('a policy linked into the runtime sees input and data through the SDK', async (t) => {
  const bytes = readRuntime();
  const setAdd = exportedFunctionIndex(bytes, 'opa_set_add');
  const arrayWithCap = exportedFunctionIndex(bytes, 'opa_array_with_cap');
  const arrayAppend = exportedFunctionIndex(bytes, 'opa_array_append');
  const nullValue = exportedFunctionIndex(bytes, 'opa_null');
  // eval: result set gets [input ?? null, data ?? null]
  // (local $4 i32)
  // local.set 4 (opa_array_with_cap 2)
  // (opa_array_append (local.get 4) (select (local.get 1) (call opa_null) (local.get 1)))
  // (opa_array_append (local.get 4) (select (local.get 2) (call opa_null) (local.get 2)))
  // (opa_set_add (local.get 3) (local.get 4))
  const valueOrNull = (local: number) => [0x20, local, 0x10, ...encodeU32(nullValue), 0x20, local, 0x1b];
  const body = [
    0x01,
    0x01,
    0x7f,
    0x41,
    0x02,
    0x10,
    ...encodeU32(arrayWithCap),
    0x21,
    0x04,
    0x20,
    0x04,
    ...valueOrNull(1),
    0x10,
    ...encodeU32(arrayAppend),
    0x20,
    0x04,
    ...valueOrNull(2),
    0x10,
    ...encodeU32(arrayAppend),
    0x20,
    0x03,
    0x20,
    0x04,
    0x10,
    ...encodeU32(setAdd),
    0x0b,
  ];
  const policy = await loadPolicy(replaceFunctionBody(bytes, 'airlock_policy_eval', body));
  t.same(policy.evaluate({ user: 'alice', n: 1.5 }), [[{ n: 1.5, user: 'alice' }, {}]]);
  policy.setData({ roles: { alice: ['admin'] } });
  t.same(policy.evaluate({ user: 'bob' }), [[{ user: 'bob' }, { roles: { alice: ['admin'] } }]]);
  t.same(policy.evaluate(undefined), [[null, { roles: { alice: ['admin'] } }]], 'no input is undefined input');
  // Many evaluations reuse the same heap.
  const heap = policy.dataHeapPtr;
  for (let i = 0; i < 500; i++) policy.evaluate({ i, pad: 'z'.repeat(500) });
  t.equal(policy.dataHeapPtr, heap);
  t.same(policy.evaluate({ last: true }), [[{ last: true }, { roles: { alice: ['admin'] } }]]);
});

t.test('big inputs grow memory and still evaluate', async (t) => {
  const policy = await loadPolicy(readRuntime());
  const input = { items: Array.from({ length: 50000 }, (_, i) => ({ i, name: `item ${i}` })) };
  t.same(policy.evaluate(input), []);
});

import t from 'tap';
import {
  encodeU32,
  exportedFunctionIndex,
  instantiate,
  readRuntime,
  replaceFunctionBody,
  RuntimeAbort,
} from './runtime-harness.js';

/** A runtime whose eval adds its input (when defined) to the result set: a trivially linked policy. */
function echoRuntime() {
  const bytes = readRuntime();
  const setAdd = exportedFunctionIndex(bytes, 'opa_set_add');
  // (local.get 1) (if (then (call opa_set_add (local.get 3) (local.get 1))))
  const body = [0x00, 0x20, 0x01, 0x04, 0x40, 0x20, 0x03, 0x20, 0x01, 0x10, ...encodeU32(setAdd), 0x0b, 0x0b];
  return instantiate({ bytes: replaceFunctionBody(bytes, 'airlock_policy_eval', body) });
}

/** evalJson evaluates as the SDK does: input bytes at `heap` (default: the current top), heap_ptr after them. */
function evalJson(rt: ReturnType<typeof instantiate>, input: string | undefined, data = 0, format = 0, at?: number) {
  const heap = at ?? rt.call('opa_heap_ptr_get');
  const bytes = input === undefined ? new Uint8Array() : new TextEncoder().encode(input);
  new Uint8Array(rt.memory.buffer).set(bytes, heap);
  return rt.text(rt.call('opa_eval', 0, 0, data, heap, bytes.length, heap + bytes.length, format));
}

t.test('the ABI version globals say 1.3', async (t) => {
  const rt = instantiate();
  t.equal(rt.exports.opa_wasm_abi_version.value, 1);
  t.equal(rt.exports.opa_wasm_abi_minor_version.value, 3);
});

t.test('opa_eval with the unlinked stub returns an empty result set', async (t) => {
  const rt = instantiate();
  t.equal(evalJson(rt, '{"a":1}'), '[]');
  t.equal(evalJson(rt, undefined), '[]');
  t.equal(evalJson(rt, '{"a":1}', 0, 1), 'set()', 'format 1 is Rego syntax');
});

t.test('opa_eval parses the input, calls the policy, and dumps the result set', async (t) => {
  const rt = echoRuntime();
  t.equal(evalJson(rt, '{"b":[1,2],"a":"x"}'), '[{"a":"x","b":[1,2]}]');
  t.equal(evalJson(rt, undefined), '[]', 'no input bytes: input is undefined');
  t.equal(evalJson(rt, '[1,2]', 0, 1), '{[1,2]}');
  t.throws(() => evalJson(rt, '{"a":'), RuntimeAbort, 'malformed input aborts');
});

t.test('opa_eval restarts the heap at heap_ptr on every call', async (t) => {
  const rt = echoRuntime();
  const mark = rt.call('opa_heap_ptr_get');
  let last = '';
  for (let i = 0; i < 200; i++) last = evalJson(rt, JSON.stringify({ i, pad: 'y'.repeat(200) }), 0, 0, mark);
  t.ok(rt.call('opa_heap_ptr_get') - mark < 8192, 'the heap does not creep');
  t.equal(JSON.parse(last)[0].i, 199);
});

t.test('opa_eval refuses a non-zero reserved argument', async (t) => {
  const rt = instantiate();
  t.throws(() => rt.call('opa_eval', 1, 0, 0, 0, 0, rt.call('opa_heap_ptr_get'), 0), /invalid reserved argument/);
});

t.test('an unknown entrypoint aborts with OPA message', async (t) => {
  const rt = instantiate();
  t.throws(() => rt.call('opa_eval', 0, 7, 0, 0, 0, rt.call('opa_heap_ptr_get'), 0), /illegal entrypoint id/);
});

t.test('the evaluation context functions run the same evaluation', async (t) => {
  const rt = echoRuntime();
  const ctx = rt.call('opa_eval_ctx_new');
  rt.call('opa_eval_ctx_set_input', ctx, rt.parse('{"x":true}'));
  rt.call('opa_eval_ctx_set_data', ctx, rt.parse('{}'));
  rt.call('opa_eval_ctx_set_entrypoint', ctx, 0);
  t.equal(rt.call('eval', ctx), 0);
  t.equal(rt.json(rt.call('opa_eval_ctx_get_result', ctx)), '[{"x":true}]');
});

t.test('builtins() and entrypoints() return {} until the policy sets them', async (t) => {
  const rt = instantiate();
  t.equal(rt.json(rt.call('builtins')), '{}');
  t.equal(rt.json(rt.call('entrypoints')), '{}');
  rt.call('airlock_set_manifest', rt.parse('{"sprintf":3}'), rt.parse('{"airlock/decision":0}'));
  t.equal(rt.json(rt.call('builtins')), '{"sprintf":3}');
  t.equal(rt.json(rt.call('entrypoints')), '{"airlock/decision":0}');
});

t.test('opa_value_add_path and opa_value_remove_path patch documents with OPA error codes', async (t) => {
  const rt = instantiate();
  const data = rt.parse('{"a":{"b":1},"s":"str"}');
  t.equal(rt.call('opa_value_add_path', data, rt.parse('["a","c"]'), rt.parse('2')), 0);
  t.equal(rt.call('opa_value_add_path', data, rt.parse('["x","y","z"]'), rt.parse('true')), 0);
  t.equal(rt.json(data), '{"a":{"b":1,"c":2},"s":"str","x":{"y":{"z":true}}}');
  t.equal(rt.call('opa_value_add_path', data, rt.parse('"a"'), rt.parse('1')), 2, 'a path that is not an array');
  t.equal(rt.call('opa_value_add_path', data, rt.parse('[]'), rt.parse('1')), 3, 'an empty path');
  t.equal(rt.call('opa_value_add_path', data, rt.parse('["s","t"]'), rt.parse('1')), 2, 'through a non-object');
  t.equal(rt.call('opa_value_remove_path', data, rt.parse('["a","b"]')), 0);
  t.equal(rt.call('opa_value_remove_path', data, rt.parse('["nope","b"]')), 0, 'a missing path is fine');
  t.equal(rt.json(data), '{"a":{"c":2},"s":"str","x":{"y":{"z":true}}}');
  t.equal(rt.call('opa_value_remove_path', data, rt.parse('[]')), 3);
});

t.test('the stash functions exist and do nothing', async (t) => {
  const rt = instantiate();
  const mark = rt.call('opa_heap_ptr_get');
  rt.call('opa_heap_blocks_stash');
  rt.call('opa_heap_blocks_restore');
  rt.call('opa_heap_stash_clear');
  rt.call('opa_free', 0);
  rt.call('opa_value_free', 0);
  t.equal(rt.call('opa_heap_ptr_get'), mark);
});

t.test('the constructors make values of each type', async (t) => {
  const rt = instantiate();
  t.equal(rt.json(rt.call('opa_null')), 'null');
  t.equal(rt.json(rt.call('opa_boolean', 1)), 'true');
  t.equal(rt.json(rt.call('opa_boolean', 0)), 'false');
  t.equal(rt.json(rt.call('opa_number_int', -42n)), '-42');
  t.equal(rt.json(rt.call('opa_number_int', 9223372036854775807n)), '9223372036854775807');
  t.equal(rt.json(rt.call('opa_number_ref', ...rt.put('12345678901234567890123'))), '12345678901234567890123');
  t.equal(rt.json(rt.call('opa_number_ref', ...rt.put('2.50'))), '2.50');
  t.equal(rt.json(rt.call('opa_string', ...rt.put('hé"llo'))), '"hé\\"llo"');
  const array = rt.call('opa_array_with_cap', 1);
  for (const v of ['1', '"a"', 'null']) rt.call('opa_array_append', array, rt.value(v));
  t.equal(rt.json(array), '[1,"a",null]', 'arrays grow past their capacity');
  const types = ['null', 'true', '1', '"s"', '[]', '{}', 'set()'].map((v) => rt.call('opa_value_type', rt.value(v)));
  t.same(types, [1, 2, 3, 4, 5, 6, 7]);
});

t.test('opa_value_get reads objects by key, arrays by integer index, sets by member', async (t) => {
  const rt = instantiate();
  const array = rt.value('["a","b"]');
  t.equal(rt.json(rt.call('opa_value_get', array, rt.value('1'))), '"b"');
  t.equal(rt.call('opa_value_get', array, rt.value('2')), 0);
  t.equal(rt.call('opa_value_get', array, rt.value('-1')), 0);
  t.equal(rt.call('opa_value_get', array, rt.value('1.0')), 0, 'a float index is not an index (as OPA)');
  t.equal(rt.call('opa_value_get', array, rt.value('"1"')), 0);
  t.equal(rt.json(rt.call('opa_value_get', rt.value('{1,2}'), rt.value('2'))), '2');
  t.equal(rt.call('opa_value_get', rt.value('"str"'), rt.value('0')), 0, 'scalars have no members');
});

t.test('opa_value_length counts code points of strings and entries of collections', async (t) => {
  const rt = instantiate();
  t.equal(rt.call('opa_value_length', rt.value('"héllo 😀"')), 7);
  t.equal(rt.call('opa_value_length', rt.value(JSON.stringify('é'.repeat(100)))), 100);
  t.equal(rt.call('opa_value_length', rt.value('[1,2,3]')), 3);
  t.equal(rt.call('opa_value_length', rt.value('{"a":1}')), 1);
  t.equal(rt.call('opa_value_length', rt.value('{1,2}')), 2);
  t.equal(rt.call('opa_value_length', rt.value('5')), 0);
});

t.test('scanning visits arrays, objects and sets in order', async (t) => {
  const rt = instantiate();
  const scan = (rego: string) => {
    const v = rt.value(rego);
    const out: string[] = [];
    for (let i = 0; ; i++) {
      const key = rt.call('airlock_scan_key', v, i);
      if (key === 0) break;
      out.push(`${rt.rego(key)}=${rt.rego(rt.call('airlock_scan_value', v, i))}`);
    }
    return out.join(' ');
  };
  t.equal(scan('["a","b"]'), '0="a" 1="b"');
  t.equal(scan('{"b":2,"a":1}'), '"a"=1 "b"=2');
  t.equal(scan('{3,1}'), '1=1 3=3');
  t.equal(scan('"str"'), '');
  const long = rt.value(JSON.stringify(Array.from({ length: 2000 }, (_, i) => i)));
  t.equal(rt.json(rt.call('airlock_scan_key', long, 1500)), '1500', 'indexes past the small-int cache');
});

t.test('airlock_object_insert_once reports conflicting values', async (t) => {
  const rt = instantiate();
  const obj = rt.call('opa_object');
  t.equal(rt.call('airlock_object_insert_once', obj, rt.value('"a"'), rt.value('1')), 0);
  t.equal(rt.call('airlock_object_insert_once', obj, rt.value('"a"'), rt.value('1.0')), 0, 'an equal value');
  t.equal(rt.call('airlock_object_insert_once', obj, rt.value('"a"'), rt.value('2')), 1, 'a conflict');
  t.equal(rt.json(obj), '{"a":1}');
});

t.test('opa_value_merge deep-merges objects, the first winning on conflicts', async (t) => {
  const rt = instantiate();
  const merged = rt.call('opa_value_merge', rt.value('{"a":{"x":1},"b":1}'), rt.value('{"a":{"y":2},"b":2,"c":3}'));
  t.equal(rt.json(merged), '{"a":{"x":1,"y":2},"b":1,"c":3}');
  t.equal(rt.call('opa_value_merge', rt.value('1'), rt.value('{}')), 0);
});

t.test('airlock_value_with replaces one path in a copy', async (t) => {
  const rt = instantiate();
  const input = rt.value('{"a":{"b":1,"c":2},"d":3}');
  const changed = rt.call('airlock_value_with', input, rt.value('["a","b"]'), rt.value('9'));
  t.equal(rt.json(changed), '{"a":{"b":9,"c":2},"d":3}');
  t.equal(rt.json(input), '{"a":{"b":1,"c":2},"d":3}', 'the original is unchanged');
  t.equal(rt.json(rt.call('airlock_value_with', 0, rt.value('["x"]'), rt.value('1'))), '{"x":1}', 'from undefined');
  t.equal(rt.json(rt.call('airlock_value_with', input, rt.value('[]'), rt.value('1'))), '1', 'the whole document');
  t.equal(
    rt.json(rt.call('airlock_value_with', input, rt.value('["d","e"]'), rt.value('1'))),
    '{"a":{"b":1,"c":2},"d":{"e":1}}',
  );
});

t.test('airlock_call_host passes arguments to opa_builtin<argc>', async (t) => {
  const calls: number[][] = [];
  const rt = instantiate({
    host: (id, ...args) => {
      calls.push([id, ...args]);
      return args[0] ?? 0;
    },
  });
  const [a, b, c, d] = ['"x"', '7', 'null', '[true]'].map((v) => rt.value(v)) as [number, number, number, number];
  t.equal(rt.call('airlock_call_host', 5, 0, 0, 0, 0, 0), 0);
  t.equal(rt.call('airlock_call_host', 6, 2, a, b, 0, 0), a);
  t.equal(rt.call('airlock_call_host', 7, 4, d, c, b, a), d);
  t.same(calls, [[5], [6, a, b], [7, d, c, b, a]], 'values with nothing to tag are passed as they are');
  t.throws(() => rt.call('airlock_call_host', 1, 5, a, a, a, a), /too many built-in call arguments/);
});

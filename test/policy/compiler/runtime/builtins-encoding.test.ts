import t, { type Test } from 'tap';
import { type BuiltinRow, checkBuiltins, instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();
const check = (t: Test, rows: BuiltinRow[]) => checkBuiltins(t, rt, rows);

t.test('base64 encodes and decodes as Go encoding/base64', async (t) => {
  check(t, [
    [['base64.encode', '""'], '""'],
    [['base64.encode', '"f"'], '"Zg=="'],
    [['base64.encode', '"fo"'], '"Zm8="'],
    [['base64.encode', '"foo"'], '"Zm9v"'],
    [['base64.encode', '"héllo"'], '"aMOpbGxv"'],
    [['base64.decode', '"Zm9vYmFy"'], '"foobar"'],
    [['base64.decode', '"Zg=="'], '"f"'],
    [['base64.decode', '"Zm9v\\nYmFy"'], '"foobar"'],
    [['base64.decode', '"Zg"'], undefined],
    [['base64.decode', '"Zg=a"'], undefined],
    [['base64.decode', '"Z==="'], undefined],
    [['base64.decode', '"Zm9v!"'], undefined],
    [['base64.is_valid', '"Zm9v"'], 'true'],
    [['base64.is_valid', '"Zm9"'], 'false'],
    [['base64.is_valid', '1'], 'false'],
    [['base64url.encode', '"\\u00ff\\u00fe?"'], '"w7_Dvj8="'],
    [['base64url.encode_no_pad', '"\\u00ff\\u00fe?"'], '"w7_Dvj8"'],
    [['base64url.decode', '"w7_Dvj8="'], '"\u00ff\u00fe?"'],
    [['base64url.decode', '"w7_Dvj8"'], '"\u00ff\u00fe?"'],
    [['base64url.decode', '"a"'], undefined],
  ]);
  const decoded = rt.call('builtin_base64_decode', rt.value('"/w=="'));
  t.equal(rt.call('opa_value_length', decoded), 1, 'decoding yields raw bytes');
});

t.test('json.marshal serialises as OPA does', async (t) => {
  check(t, [
    [['json.marshal', '{"b":[1,2.50,"x"],"a":null}'], JSON.stringify('{"a":null,"b":[1,2.50,"x"]}')],
    [['json.marshal', '{3,1,2}'], JSON.stringify('[1,2,3]')],
    [
      ['json.marshal', '"<a href=\\"x\\">&</a>"'],
      JSON.stringify('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'),
    ],
    [['json.marshal', '"\\n\\t\\u0001\\u2028"'], JSON.stringify('"\\n\\t\\u0001\\u2028"')],
    [['json.marshal', '12345678901234567890123'], JSON.stringify('12345678901234567890123')],
    [['json.marshal', '1e3'], JSON.stringify('1e3')],
  ]);
  const computed = rt.call('builtin_div', rt.value('1'), rt.value('100000'));
  t.equal(rt.json(rt.call('builtin_json_marshal', computed)), JSON.stringify('1e-05'), 'computed floats as Go %g');
  const product = rt.call('builtin_mul', rt.value('1234567.5'), rt.value('1'));
  t.equal(rt.json(rt.call('builtin_json_marshal', product)), JSON.stringify('1.2345675e+06'));
  t.throws(() => rt.builtin('json.marshal', '{1: "a"}'), RuntimeAbort, 'non-string keys are refused');
});

t.test('json.unmarshal parses JSON strings; json.is_valid says whether they parse', async (t) => {
  check(t, [
    [['json.unmarshal', JSON.stringify('{"b":[1,2.0],"a":"x"}')], '{"a":"x","b":[1,2.0]}'],
    [['json.unmarshal', JSON.stringify('[1,')], undefined],
    [['json.unmarshal', '1'], undefined],
    [['json.is_valid', JSON.stringify('{"a":1}')], 'true'],
    [['json.is_valid', JSON.stringify('{a:1}')], 'false'],
    [['json.is_valid', '{"a":1}'], 'false'],
  ]);
});

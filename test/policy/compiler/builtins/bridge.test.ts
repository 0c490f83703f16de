import t from 'tap';
import { BUILTIN_DECLS } from '../../../../proxy/policy/compiler/builtins/catalogue.js';
import { compileRego, loadCompiledPolicy } from '../../../../proxy/policy/compiler/index.js';
import { decodeArgument, encodeResult } from '../../../../proxy/policy/compiler/builtins/host/codec.js';
import {
  BuiltinError,
  createHostBuiltins,
  HOST_BUILTINS,
  HOST_NAME_ALIASES,
  hostBuiltinNames,
  type HostBuiltinsOptions,
  hostNameOf,
  NATIVE_ONLY,
} from '../../../../proxy/policy/compiler/builtins/host/index.js';
import { RegoObject, RegoSet } from '../../../../proxy/policy/compiler/builtins/host/value.js';

const asText = (result: unknown): string =>
  result instanceof ArrayBuffer ? new TextDecoder().decode(result) : JSON.stringify(result);

t.test('results the SDK would stringify wrongly are written as exact JSON text', async (t) => {
  t.equal(encodeResult(5, 'json'), 5);
  t.equal(encodeResult(undefined, 'json'), undefined);
  t.equal(asText(encodeResult(9223372036854775807n, 'json')), '9223372036854775807');
  t.equal(asText(encodeResult({ a: [1n << 70n] }, 'json')), '{"a":[1180591620717411303424]}');
  t.throws(() => encodeResult(new RegoSet([1]), 'json'), /cannot return a set/);
  t.throws(() => encodeResult(Number.NaN, 'json'), /cannot hold/);
  t.equal(asText(encodeResult(new RegoSet([2, 1]), 'typed')), '{"$airlock.set":[1,2]}');
  t.equal(asText(encodeResult(new RegoObject([[1, 'a']]), 'typed')), '{"$airlock.object":[[1,"a"]]}');
  t.equal(
    asText(encodeResult({ '$airlock.set': 1 }, 'typed')),
    '{"$airlock.object":[["$airlock.set",1]]}',
    'tag-like keys are escaped',
  );
});

t.test('typed arguments decode into sets, non-string keys and exact numbers', async (t) => {
  const decoded = decodeArgument({ '$airlock.set': [3, 1, 1] }, 'typed');
  t.ok(decoded instanceof RegoSet);
  t.same((decoded as RegoSet).members, [1, 3]);
  const object = decodeArgument(
    {
      '$airlock.object': [
        [1, 'a'],
        ['b', 2],
      ],
    },
    'typed',
  );
  t.ok(object instanceof RegoObject);
  t.same(decodeArgument({ '$airlock.number': '123456789012345678901' }, 'typed'), 123456789012345678901n);
  t.same(decodeArgument({ '$airlock.number': '12' }, 'typed'), 12);
  t.same(
    decodeArgument({ '$airlock.set': [1] }, 'json'),
    { '$airlock.set': [1] },
    'the JSON bridge takes tags literally',
  );
});

t.test('built-in errors are undefined unless strict, and reported', async (t) => {
  const seen: string[] = [];
  const lenient = createHostBuiltins({ onBuiltinError: (name, error) => seen.push(`${name}: ${error.code}`) });
  t.equal(lenient.builtins['units.parse']!('nope'), undefined);
  t.same(seen, ['units.parse: eval_builtin_error']);
  const strict = createHostBuiltins({ strictBuiltinErrors: true });
  t.throws(() => strict.builtins['units.parse']!('nope'), BuiltinError);
  t.throws(() => strict.builtins['units.parse']!('1', '2'), /called with 2 arguments, takes 1/);
});

t.test('createHostBuiltins validates its options', async (t) => {
  t.throws(() => createHostBuiltins({ encoding: 'xml' as 'json' }), /encoding must be 'json' or 'typed'/);
});

t.test('the SDK-shadowed built-ins are registered under their aliases', async (t) => {
  for (const [name, alias] of HOST_NAME_ALIASES) {
    t.equal(hostNameOf(name), alias);
    t.type(HOST_BUILTINS[alias], 'function', alias);
    t.equal(HOST_BUILTINS[name], undefined, `${name} itself is not registered`);
  }
  t.equal(hostNameOf('units.parse'), 'units.parse');
});

t.test('every host built-in is declared, with its arity', async (t) => {
  for (const name of Object.keys(HOST_BUILTINS)) {
    const opaName = [...HOST_NAME_ALIASES].find(([, alias]) => alias === name)?.[0] ?? name;
    t.ok(BUILTIN_DECLS.has(opaName), `${opaName} is in the catalogue`);
  }
});

t.test(
  'hostBuiltinNames serves every host built-in through the typed bridge, not NATIVE_ONLY through JSON',
  async (t) => {
    const json = hostBuiltinNames('json');
    const typed = hostBuiltinNames();
    for (const name of NATIVE_ONLY) t.notOk(json.has(name), name);
    t.ok(typed.has('net.cidr_merge'));
    t.same(hostBuiltinNames('typed'), typed, 'typed is the default');
    t.ok(json.has('sprintf'));
    t.ok(json.has('time.now_ns'));
  },
);

t.test('createHostBuiltins speaks the typed bridge unless told otherwise', async (t) => {
  const cidrs = { '$airlock.set': ['192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31'] };
  const merge = (options: HostBuiltinsOptions) => createHostBuiltins(options).builtins['net.cidr_merge']!(cidrs);
  t.equal(asText(merge({})), '{"$airlock.set":["192.0.2.112/29"]}');
  t.equal(merge({ encoding: 'json' }), undefined, 'to the JSON bridge the tag is an object: a type error');
});

t.test('typed results escape every genuine key that starts "$airlock."', async (t) => {
  t.equal(
    asText(encodeResult({ a: [{ '$airlock.number': '1' }] }, 'typed')),
    '{"a":[{"$airlock.object":[["$airlock.number","1"]]}]}',
    'nested',
  );
  t.equal(asText(encodeResult({ $airlock: 1, $airlockset: 2 }, 'typed')), '{"$airlock":1,"$airlockset":2}');
  const escaped = decodeArgument({ '$airlock.object': [['$airlock.set', [1]]] }, 'typed');
  t.same(escaped, { '$airlock.set': [1] }, 'an escaped key decodes to a plain object');
  t.notOk(escaped instanceof RegoSet);
  t.equal(asText(encodeResult(escaped, 'typed')), '{"$airlock.object":[["$airlock.set",[1]]]}', 'and back');
});

/*
 * End to end: compiled policies, the runtime's airlock_call_host, the SDK and the typed host. A string from the
 * request, however it is shaped, never turns into a set, a non-string key or a number on the way through the host.
 */
t.test('the typed bridge end to end', async (t) => {
  const wasm = await compileRego(
    {
      'bridge.rego': `package bridge

from_yaml := yaml.unmarshal(input.text)

from_json := json.patch(json.unmarshal(input.text), [])

passed := json.filter(input.doc, ["$airlock.set", "$airlock.number"])

merged := net.cidr_merge({"192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"})

keyed := json.remove({1: "a", "b": 2, [3]: {4}}, ["b"])

big := json.patch({"n": 123456789012345678901234567890, "m": 9007199254740993, "f": 0.5}, [])

result := {
	"from_yaml": from_yaml,
	"from_yaml_is_object": is_object(from_yaml),
	"from_json_is_object": is_object(from_json),
	"from_json_is_input": from_json == json.unmarshal(input.text),
	"passed": passed,
	"passed_is_input": passed == input.doc,
	"merged_is_set": is_set(merged),
	"merged": merged,
	"keyed": keyed == {1: "a", [3]: {4}},
	"big": big == {"n": 123456789012345678901234567890, "m": 9007199254740993, "f": 0.5},
	"big_text": sprintf("%d %d %d %v", [big.n, big.m, 100000000000000000000000, {1, 2}]),
}

huge := json.patch(1e400, [])
`,
    },
    ['bridge/result', 'bridge/huge'],
  );
  const policy = await loadCompiledPolicy(wasm);
  const input = {
    text: '{"$airlock.set": [1], "$airlock.number": "12"}',
    doc: { '$airlock.set': [1], '$airlock.number': '12', other: 1 },
  };
  const [{ result }] = policy.evaluate(input, 'bridge/result') as [{ result: Record<string, unknown> }];
  t.same(result, {
    from_yaml: { '$airlock.set': [1], '$airlock.number': '12' },
    from_yaml_is_object: true,
    from_json_is_object: true,
    from_json_is_input: true,
    passed: { '$airlock.set': [1], '$airlock.number': '12' },
    passed_is_input: false,
    merged_is_set: true,
    merged: ['192.0.2.112/29'],
    keyed: true,
    big: true,
    big_text: '123456789012345678901234567890 9007199254740993 100000000000000000000000 {1, 2}',
  });
  t.throws(() => policy.evaluate(input, 'bridge/huge'), /too large for a host built-in/, 'fails closed');
});

import t from 'tap';
import { BUILTIN_DECLS } from '../../../../proxy/policy/compiler/builtins/catalogue.js';
import { decodeArgument, encodeResult } from '../../../../proxy/policy/compiler/builtins/host/codec.js';
import {
  BuiltinError,
  createHostBuiltins,
  HOST_BUILTINS,
  HOST_NAME_ALIASES,
  hostBuiltinNames,
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

t.test('hostBuiltinNames leaves out NATIVE_ONLY under the JSON bridge', async (t) => {
  const json = hostBuiltinNames();
  const typed = hostBuiltinNames('typed');
  for (const name of NATIVE_ONLY) t.notOk(json.has(name), name);
  t.ok(typed.has('net.cidr_merge'));
  t.ok(json.has('sprintf'));
  t.ok(json.has('time.now_ns'));
});

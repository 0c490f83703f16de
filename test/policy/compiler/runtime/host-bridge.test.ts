import t from 'tap';
import { instantiate, type Runtime, RuntimeAbort } from './runtime-harness.js';

/*
 * The runtime half of the typed bridge (runtime/assembly/host-bridge.ts): airlock_call_host hands the host each
 * argument in the tagged form and reads the tagged forms back out of the host's answer.
 */

/** sent calls a one-argument host built-in on `rego` and returns the address and JSON text the host received. */
function sent(rego: string): { original: number; received: number; json: string; rt: Runtime } {
  let received = 0;
  const rt = instantiate({
    host: (_id, arg) => {
      received = arg ?? 0;
      return 0;
    },
  });
  const original = rt.value(rego);
  rt.call('airlock_call_host', 0, 1, original, 0, 0, 0);
  return { original, received, json: rt.json(received), rt };
}

/** answered is what airlock_call_host returns when the host answers with `json` (as the SDK loads it). */
function answered(json: string): { rt: Runtime; parsed: number; result: number } {
  let parsed = 0;
  const rt = instantiate({
    host: () => {
      parsed = rt.parse(json);
      if (parsed === 0) throw new Error(`host answer does not parse: ${json}`);
      return parsed;
    },
  });
  const result = rt.call('airlock_call_host', 0, 0, 0, 0, 0, 0);
  return { rt, parsed, result };
}

t.test('arguments with nothing to tag are passed as they are', async (t) => {
  for (const rego of [
    '"x"',
    'null',
    'true',
    '1',
    '9007199254740991',
    '-9007199254740991',
    '1.5',
    '1e300',
    '1e23',
    '-1.5e20',
    '[1, "a", [{"b": 0.25}]]',
    '{"a": {"b": [1]}, "$airlock": 1, "$airlockset": 2, "a$airlock.set": 3}',
    '{}',
    '[]',
  ]) {
    const { original, received } = sent(rego);
    t.equal(received, original, rego);
  }
});

t.test('sets, non-string keys, "$airlock." keys and big numbers are tagged', async (t) => {
  const rows: [string, string][] = [
    ['{2, 1}', '{"$airlock.set":[1,2]}'],
    ['set()', '{"$airlock.set":[]}'],
    ['{1: "a", "b": 2}', '{"$airlock.object":[[1,"a"],["b",2]]}'],
    ['{"b": 2, [1]: {3}}', '{"$airlock.object":[["b",2],[[1],{"$airlock.set":[3]}]]}'],
    ['{"$airlock.set": [1]}', '{"$airlock.object":[["$airlock.set",[1]]]}'],
    ['{"a": 1, "$airlock.number": "5"}', '{"$airlock.object":[["$airlock.number","5"],["a",1]]}'],
    ['9007199254740992', '{"$airlock.number":"9007199254740992"}'],
    ['-9007199254740992', '{"$airlock.number":"-9007199254740992"}'],
    ['9223372036854775807', '{"$airlock.number":"9223372036854775807"}'],
    ['123456789012345678901234567890', '{"$airlock.number":"123456789012345678901234567890"}'],
    ['1e400', '{"$airlock.number":"1e400"}'],
    ['100000000000000000000000', '{"$airlock.number":"100000000000000000000000"}'],
    ['-100000000000000000000000', '{"$airlock.number":"-100000000000000000000000"}'],
    ['0.1000000000000000000001', '{"$airlock.number":"0.1000000000000000000001"}'],
  ];
  for (const [rego, json] of rows) t.equal(sent(rego).json, json, rego);
});

t.test('only the path to a tagged value is copied; the argument itself is unchanged', async (t) => {
  const { original, received, json, rt } = sent('[{"a": [1, 2]}, {"k": {1}}, "x"]');
  t.equal(json, '[{"a":[1,2]},{"k":{"$airlock.set":[1]}},"x"]');
  t.not(received, original);
  t.equal(rt.rego(original), '[{"a":[1,2]},{"k":{1}},"x"]', 'the policy still holds its set');
  const at = (v: number, i: number) => rt.call('airlock_scan_value', v, i);
  t.equal(at(received, 0), at(original, 0), 'an untouched element is shared');
  t.equal(at(received, 2), at(original, 2));
  t.not(at(received, 1), at(original, 1));
});

t.test('every argument of a call is tagged', async (t) => {
  const seen: string[] = [];
  const rt = instantiate({
    host: (_id, ...args) => {
      seen.push(...args.map((a) => rt.json(a)));
      return 0;
    },
  });
  const args = ['{1}', '{2}', '{3}', '{4}'].map((v) => rt.value(v));
  rt.call('airlock_call_host', 0, 4, ...args);
  t.same(seen, ['{"$airlock.set":[1]}', '{"$airlock.set":[2]}', '{"$airlock.set":[3]}', '{"$airlock.set":[4]}']);
});

t.test('tagged answers become sets, objects with any keys and exact numbers', async (t) => {
  const rows: [string, string][] = [
    ['{"$airlock.set":[2,1,2]}', '{1,2}'],
    ['{"$airlock.set":[]}', 'set()'],
    ['{"$airlock.object":[[1,"a"],[[1],{"$airlock.set":[]}],["b",2]]}', '{1:"a","b":2,[1]:set()}'],
    ['{"$airlock.object":[["$airlock.set",[1]]]}', '{"$airlock.set":[1]}'],
    ['{"$airlock.number":"123456789012345678901234567890"}', '123456789012345678901234567890'],
    ['{"$airlock.number":"-12"}', '-12'],
    ['[{"$airlock.set":["x"]},"y",{"a":{"$airlock.set":[1]}}]', '[{"x"},"y",{"a":{1}}]'],
  ];
  for (const [json, rego] of rows) {
    const { rt, result } = answered(json);
    t.equal(rt.rego(result), rego, json);
  }
  const { rt, result } = answered('{"$airlock.number":"123456789012345678901234567890"}');
  t.equal(rt.call('opa_value_compare', result, rt.value('123456789012345678901234567891')), -1, 'compares exactly');
});

t.test('an answer with no tag is returned as it is', async (t) => {
  for (const json of ['"x"', '1', '[1,{"a":[true]}]', '{"a":{"b":null},"$airlock":1}']) {
    const { parsed, result } = answered(json);
    t.equal(result, parsed, json);
  }
  const { rt, parsed, result } = answered('[1,{"$airlock.set":[1]},{"a":2}]');
  t.not(result, parsed);
  t.equal(rt.call('airlock_scan_value', result, 2), rt.call('airlock_scan_value', parsed, 2), 'untouched: shared');
});

t.test('a malformed tag in an answer aborts: the host escapes every genuine one', async (t) => {
  for (const json of [
    '{"$airlock.set":1}',
    '{"$airlock.set":[1],"b":2}',
    '{"$airlock.bogus":[1]}',
    '{"$airlock.":[1]}',
    '{"$airlock.number":"12x"}',
    '{"$airlock.number":12}',
    '{"$airlock.object":[[1]]}',
    '{"$airlock.object":[1]}',
    '{"$airlock.object":{"a":1}}',
    '[{"a":{"$airlock.set":{}}}]',
  ]) {
    t.throws(() => answered(json), RuntimeAbort, json);
  }
  t.throws(() => answered('{"$airlock.set":1}'), /malformed tagged value/);
});

t.test('undefined answers stay undefined', async (t) => {
  const rt = instantiate({ host: () => 0 });
  t.equal(rt.call('airlock_call_host', 0, 1, rt.value('{1}'), 0, 0, 0), 0);
});

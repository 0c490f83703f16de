// The runtime's fast path for `sprintf` (runtime/assembly/builtins/sprintf.ts) against the host's implementation
// (builtins/host/sprintf.ts, the reference), both reached the way a compiled policy reaches them: the fast path
// with the argument values, the host through `airlock_call_host` and the SDK's JSON round trip.

import fc from 'fast-check';
import t from 'tap';
import { createHostBuiltins, hostNameOf } from '../../../../proxy/policy/compiler/builtins/host/index.js';
import { HOST_FAST_PATH_DECLINED } from '../../../../proxy/policy/compiler/wasm/runtime-abi.js';
import { instantiate, type Runtime } from './runtime-harness.js';

const host = createHostBuiltins({ encoding: 'typed' });
const hostSprintf = host.builtins[hostNameOf('sprintf')]!;

/** The SDK's `_builtinCall`: arguments dumped and parsed as JSON, the answer loaded with `opa_json_parse`. */
const rt: Runtime = instantiate({
  pages: 16,
  host: (_id, ...args) => {
    const answer = hostSprintf(...args.map((arg) => JSON.parse(rt.json(arg))));
    const text = answer instanceof ArrayBuffer ? new Uint8Array(answer) : JSON.stringify(answer);
    return rt.call('opa_json_parse', ...rt.put(text));
  },
});
const mark = rt.call('opa_heap_ptr_get');

type Outcome = { declined: true } | { declined: false; text: string };

/** fast runs the fast path on Rego value texts. */
function fast(format: string, args: string): Outcome {
  const result = rt.call('airlock_fast_sprintf', rt.value(format), rt.value(args));
  return result === HOST_FAST_PATH_DECLINED ? { declined: true } : { declined: false, text: rt.json(result) };
}

/** onHost runs the host's sprintf on Rego value texts: its JSON answer, or the error it raised. */
function onHost(format: string, args: string): string {
  try {
    return rt.json(rt.call('airlock_call_host', 0, 2, rt.value(format), rt.value(args), 0, 0));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

t.test('calls in the common subset are answered natively, as the host answers them', async (t) => {
  const rows: [format: string, args: string, want: string][] = [
    ['"%s deletes in production"', '["dynamodb:DeleteTable"]', 'dynamodb:DeleteTable deletes in production'],
    ['"%s is %d"', '["x", 5]', 'x is 5'],
    ['"%v %v"', '["a", -9223372036854775808]', 'a -9223372036854775808'],
    ['"%d"', '[9223372036854775807]', '9223372036854775807'],
    ['"100%% %s"', '["sure"]', '100% sure'],
    ['"%v %s %v"', '[null, true, false]', 'null true false'],
    ['"no verbs"', '[]', 'no verbs'],
    ['""', '[]', ''],
    ['"é %s 日"', '["😀"]', 'é 😀 日'],
    ['"%s%s"', '["", ""]', ''],
  ];
  for (const [format, args, want] of rows) {
    rt.call('opa_heap_ptr_set', mark);
    t.same(fast(format, args), { declined: false, text: JSON.stringify(want) }, `${format} ${args}`);
    t.equal(onHost(format, args), JSON.stringify(want), `the host agrees on ${format} ${args}`);
  }
});

t.test('calls outside the subset are declined, for the host to answer', async (t) => {
  const rows: [format: string, args: string, note: string][] = [
    ['"%d"', '["x"]', '%d of a string is %!d(string=x)'],
    ['"%s"', '[5]', '%s of an integer is %!s(int=5)'],
    ['"%d"', '[true]', '%d of a boolean'],
    ['"%v"', '[1.5]', 'a float'],
    ['"%d"', '[1.0]', 'an integral float literal'],
    ['"%v"', '[1e3]', 'an exponent literal'],
    ['"%v"', '[9223372036854775808]', 'an integer beyond int64 (a *big.Int in Go)'],
    ['"%v"', '[[1]]', 'an array'],
    ['"%v"', '[{"a": 1}]', 'an object'],
    ['"%v"', '[{1}]', 'a set'],
    ['"%s %s"', '["a"]', 'a missing argument'],
    ['"%s"', '["a", "b"]', 'an extra argument'],
    ['"x"', '["a"]', 'an extra argument without verbs'],
    ['"%"', '[]', 'no verb'],
    ['"%5s"', '["a"]', 'a width'],
    ['"%-s"', '["a"]', 'a flag'],
    ['"%.1s"', '["ab"]', 'a precision'],
    ['"%[1]s"', '["a"]', 'an argument index'],
    ['"%q"', '["a"]', 'another verb'],
    ['"%é"', '["a"]', 'a verb beyond ASCII'],
    ['5', '["a"]', 'a format that is not a string'],
    ['"%s"', '{"a"}', 'arguments in a set'],
    ['"%s"', '"a"', 'arguments not in an array'],
  ];
  for (const [format, args, note] of rows) {
    rt.call('opa_heap_ptr_set', mark);
    t.same(fast(format, args), { declined: true }, note);
  }
});

t.test('invalid UTF-8, which the host would see as U+FFFD, is declined', async (t) => {
  const invalid = (prefix: string, suffix: string) =>
    rt.call('opa_json_parse', ...rt.put(Uint8Array.from([...Buffer.from(prefix), 0xff, ...Buffer.from(suffix)])));
  rt.call('opa_heap_ptr_set', mark);
  const text = rt.value('["a"]');
  t.equal(rt.call('airlock_fast_sprintf', invalid('"%s', '"'), text), HOST_FAST_PATH_DECLINED, 'in the format');
  const args = rt.call('opa_json_parse', ...rt.put('[]'));
  rt.call('opa_array_append', args, invalid('"', '"'));
  t.equal(rt.call('airlock_fast_sprintf', rt.value('"%s"'), args), HOST_FAST_PATH_DECLINED, 'in an argument');
});

t.test('a declined call leaves the heap as it found it', async (t) => {
  rt.call('opa_heap_ptr_set', mark);
  const format = rt.value('"a long prefix before the verb: %d"');
  const args = rt.value('["x"]');
  const before = rt.call('opa_heap_ptr_get');
  t.equal(rt.call('airlock_fast_sprintf', format, args), HOST_FAST_PATH_DECLINED);
  t.equal(rt.call('opa_heap_ptr_get'), before);
});

// Random formats and arguments in the subset and around it: the fast path answers as the host does, or declines.
const literal = fc.string({
  unit: fc.constantFrom('a', ' ', 'é', '日', '😀', '\\', '"', '\n', 'd', 's', 'v'),
  maxLength: 6,
});
const text = fc.string({ unit: 'binary', maxLength: 8 }).map((s) => JSON.stringify(s));
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const scalar = fc.oneof(text, int64, fc.constantFrom('null', 'true', 'false'));

/** A format in the subset with arguments that fit its verbs: always answered natively. */
const inSubset = fc
  .array(
    fc.oneof(
      literal.map((l) => ({ format: l.replaceAll('%', ''), arg: undefined })),
      fc.constant({ format: '%%', arg: undefined }),
      text.map((arg) => ({ format: '%s', arg })),
      int64.map((arg) => ({ format: '%d', arg })),
      scalar.map((arg) => ({ format: '%v', arg })),
    ),
    { maxLength: 6 },
  )
  .map((parts) => ({
    format: JSON.stringify(parts.map((p) => p.format).join('')),
    args: `[${parts.flatMap((p) => (p.arg === undefined ? [] : [p.arg])).join(', ')}]`,
  }));

t.test('calls in the subset are answered natively, as the host answers them', async (t) => {
  fc.assert(
    fc.property(inSubset, ({ format, args }) => {
      rt.call('opa_heap_ptr_set', mark);
      const outcome = fast(format, args);
      return !outcome.declined && outcome.text === onHost(format, args);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

const directive = fc.constantFrom(
  '%s',
  '%v',
  '%d',
  '%%',
  '%',
  '%x',
  '%t',
  '%q',
  '%5d',
  '%-s',
  '%+d',
  '%.2f',
  '%05v',
  '%T',
  '%é',
  '%[1]s',
);
const format = fc
  .array(fc.oneof({ weight: 2, arbitrary: literal }, { weight: 3, arbitrary: directive }), { maxLength: 6 })
  .map((parts) => JSON.stringify(parts.join('')));
const argument = fc.oneof(
  scalar,
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
  fc.constantFrom('9007199254740993', '9223372036854775808', '-9223372036854775809', '1.0', '1e3', '-0'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('[]', '["a", 1]', '{"k": "v"}', '{1, 2}', 'set()'),
);
const args = fc.array(argument, { maxLength: 5 }).map((list) => `[${list.join(', ')}]`);

t.test('around the subset, the fast path answers as the host does or declines', async (t) => {
  let answered = 0;
  let declined = 0;
  fc.assert(
    fc.property(format, args, (formatText, argsText) => {
      rt.call('opa_heap_ptr_set', mark);
      const outcome = fast(formatText, argsText);
      if (outcome.declined) {
        declined++;
        return true;
      }
      answered++;
      return outcome.text === onHost(formatText, argsText);
    }),
    { numRuns: 5000 },
  );
  t.ok(answered > 100, `answered natively: ${answered}`);
  t.ok(declined > 1000, `declined: ${declined}`);
});

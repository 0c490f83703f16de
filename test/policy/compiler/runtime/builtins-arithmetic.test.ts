import t from 'tap';
import { instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();

interface Row {
  note?: string;
  call: [string, ...string[]];
  want: string | undefined;
}

function check(t: Tap.Test, rows: Row[]) {
  for (const row of rows) {
    const [name, ...args] = row.call;
    t.equal(rt.builtin(name, ...args), row.want, row.note ?? `${name}(${args.join(', ')})`);
  }
}

t.test('integer arithmetic stays integral and exact', async (t) => {
  check(t, [
    { call: ['plus', '1', '2'], want: '3' },
    { call: ['minus', '1', '2'], want: '-1' },
    { call: ['mul', '-3', '4'], want: '-12' },
    { call: ['div', '6', '3'], want: '2' },
    { call: ['div', '7', '2'], want: '3.5', note: 'exact quotients' },
    { call: ['div', '-7', '2'], want: '-3.5' },
    { call: ['div', '0', '5'], want: '0' },
    { call: ['rem', '7', '4'], want: '3' },
    { call: ['rem', '-7', '4'], want: '-3', note: 'the remainder has the sign of the dividend' },
    { call: ['rem', '-9223372036854775808', '-1'], want: '0' },
    { call: ['plus', '49649733057', '1'], want: '49649733058' },
  ]);
});

t.test('integer overflow continues exactly instead of wrapping', async (t) => {
  check(t, [
    { call: ['plus', '9223372036854775807', '1'], want: '9223372036854775808' },
    { call: ['minus', '-9223372036854775808', '1'], want: '-9223372036854775809' },
    { call: ['mul', '9223372036854775807', '9223372036854775807'], want: '85070591730234615847396907784232501249' },
    { call: ['mul', '-1', '-9223372036854775808'], want: '9223372036854775808' },
    { call: ['div', '-9223372036854775808', '-1'], want: '9223372036854775808' },
    { call: ['plus', '12345678901234567890123', '1'], want: '12345678901234567890124' },
    { call: ['minus', '9223372036854775808', '1'], want: '9223372036854775807', note: 'back into i64' },
    { call: ['rem', '100000000000000000000', '7'], want: '2' },
    { call: ['abs', '-9223372036854775808'], want: '9223372036854775808' },
  ]);
  t.equal(rt.call('opa_value_type', rt.call('builtin_minus', rt.value('9223372036854775808'), rt.value('1'))), 3);
});

t.test('decimal arithmetic is exact on the decimal values (as OPA computes on literals)', async (t) => {
  check(t, [
    { call: ['plus', '0.1', '0.2'], want: '0.3' },
    { call: ['mul', '0.1', '3'], want: '0.3' },
    { call: ['mul', '1.1', '1.1'], want: '1.21' },
    { call: ['minus', '0.3', '0.1'], want: '0.2' },
    { call: ['div', '0.3', '0.1'], want: '3' },
    { call: ['mul', '0.5', '4'], want: '2', note: 'integral results are integers' },
    { call: ['plus', '1.5', '1.5'], want: '3' },
    { call: ['plus', '0.1000000000000000000001', '1'], want: '1.1000000000000000000001' },
    { call: ['mul', '1e300', '1e300'], want: '1e+600', note: 'beyond f64: kept as text' },
    { call: ['rem', '4.0', '3'], want: '1', note: 'integral floats are integers' },
  ]);
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('1'), rt.value('3')))), 1 / 3, '1/3 is the nearest f64');
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('2'), rt.value('3')))), 2 / 3);
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('10'), rt.value('7')))), 10 / 7);
});

t.test('division and modulo by zero, and modulo of fractions, are undefined', async (t) => {
  check(t, [
    { call: ['div', '1', '0'], want: undefined },
    { call: ['div', '1', '0.0'], want: undefined },
    { call: ['rem', '1', '0'], want: undefined },
    { call: ['rem', '1.1', '1'], want: undefined },
    { call: ['rem', '1', '0.5'], want: undefined },
  ]);
});

t.test('type errors are undefined', async (t) => {
  check(t, [
    { call: ['plus', '1', '"a"'], want: undefined },
    { call: ['mul', 'null', '1'], want: undefined },
    { call: ['minus', '{1}', '1'], want: undefined },
    { call: ['minus', '1', '{1}'], want: undefined },
    { call: ['abs', '"1"'], want: undefined },
  ]);
});

t.test('rounding: round half away from zero, ceil, floor', async (t) => {
  check(t, [
    { call: ['round', '2.5'], want: '3' },
    { call: ['round', '-2.5'], want: '-3' },
    { call: ['round', '2.4999'], want: '2' },
    { call: ['round', '0.49999999999999994'], want: '0' },
    { call: ['round', '7'], want: '7' },
    { call: ['ceil', '1.01'], want: '2' },
    { call: ['ceil', '-1.5'], want: '-1' },
    { call: ['floor', '1.5'], want: '1' },
    { call: ['floor', '-1.001'], want: '-2' },
    { call: ['floor', '1e300'], want: `1${'0'.repeat(300)}` },
    { call: ['ceil', '12345678901234567890.5'], want: '12345678901234567891' },
    { call: ['round', '-12345678901234567890.5'], want: '-12345678901234567891' },
    { call: ['abs', '-1.5'], want: '1.5' },
    { call: ['abs', '-2.0'], want: '2' },
  ]);
});

t.test('set operators: difference, intersection, union', async (t) => {
  check(t, [
    { call: ['minus', '{1,2,3}', '{2,4}'], want: '{1,3}' },
    { call: ['and', '{1,2,3}', '{2,3,4}'], want: '{2,3}' },
    { call: ['and', '{1}', '{2}'], want: 'set()' },
    { call: ['or', '{1,3}', '{2,3}'], want: '{1,2,3}' },
    { call: ['or', '[1]', '{2}'], want: undefined },
  ]);
});

t.test('comparison operators compare any values in OPA order', async (t) => {
  check(t, [
    { call: ['equal', '1', '1.0'], want: 'true' },
    { call: ['equal', '[1,{"a":2}]', '[1,{"a":2.0}]'], want: 'true' },
    { call: ['neq', '1', '"1"'], want: 'true' },
    { call: ['lt', '1', '"a"'], want: 'true' },
    { call: ['lte', '2', '2.0'], want: 'true' },
    { call: ['gt', '{1}', '[1]'], want: 'true' },
    { call: ['gte', 'null', 'false'], want: 'false' },
  ]);
});

t.test('exact arithmetic refuses absurdly large operands instead of running away', async (t) => {
  t.throws(() => rt.builtin('plus', '1e100000', '1'), RuntimeAbort);
});

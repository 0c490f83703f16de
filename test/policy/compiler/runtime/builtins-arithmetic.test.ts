import t, { type Test } from 'tap';
import { type BuiltinRow, checkBuiltins, instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();

const check = (t: Test, rows: BuiltinRow[]) => checkBuiltins(t, rt, rows);

t.test('integer arithmetic stays integral and exact', async (t) => {
  check(t, [
    [['plus', '1', '2'], '3'],
    [['minus', '1', '2'], '-1'],
    [['mul', '-3', '4'], '-12'],
    [['div', '6', '3'], '2'],
    [['div', '7', '2'], '3.5', 'exact quotients'],
    [['div', '-7', '2'], '-3.5'],
    [['div', '0', '5'], '0'],
    [['rem', '7', '4'], '3'],
    [['rem', '-7', '4'], '-3', 'the remainder has the sign of the dividend'],
    [['rem', '-9223372036854775808', '-1'], '0'],
    [['plus', '49649733057', '1'], '49649733058'],
  ]);
});

t.test('integer overflow continues exactly instead of wrapping', async (t) => {
  check(t, [
    [['plus', '9223372036854775807', '1'], '9223372036854775808'],
    [['minus', '-9223372036854775808', '1'], '-9223372036854775809'],
    [['mul', '9223372036854775807', '9223372036854775807'], '85070591730234615847396907784232501249'],
    [['mul', '-1', '-9223372036854775808'], '9223372036854775808'],
    [['div', '-9223372036854775808', '-1'], '9223372036854775808'],
    [['plus', '12345678901234567890123', '1'], '12345678901234567890124'],
    [['minus', '9223372036854775808', '1'], '9223372036854775807', 'back into i64'],
    [['rem', '100000000000000000000', '7'], '2'],
    [['abs', '-9223372036854775808'], '9223372036854775808'],
  ]);
  t.equal(rt.call('opa_value_type', rt.call('builtin_minus', rt.value('9223372036854775808'), rt.value('1'))), 3);
});

t.test('decimal arithmetic is exact on the decimal values (as OPA computes on literals)', async (t) => {
  check(t, [
    [['plus', '0.1', '0.2'], '0.3'],
    [['mul', '0.1', '3'], '0.3'],
    [['mul', '1.1', '1.1'], '1.21'],
    [['minus', '0.3', '0.1'], '0.2'],
    [['div', '0.3', '0.1'], '3'],
    [['mul', '0.5', '4'], '2', 'integral results are integers'],
    [['plus', '1.5', '1.5'], '3'],
    [['plus', '0.1000000000000000000001', '1'], '1.1000000000000000000001'],
    [['mul', '1e300', '1e300'], '1e+600', 'beyond f64: kept as text'],
    [['rem', '4.0', '3'], '1', 'integral floats are integers'],
  ]);
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('1'), rt.value('3')))), 1 / 3, '1/3 is the nearest f64');
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('2'), rt.value('3')))), 2 / 3);
  t.equal(JSON.parse(rt.json(rt.call('builtin_div', rt.value('10'), rt.value('7')))), 10 / 7);
});

t.test('division and modulo by zero, and modulo of fractions, are undefined', async (t) => {
  check(t, [
    [['div', '1', '0'], undefined],
    [['div', '1', '0.0'], undefined],
    [['rem', '1', '0'], undefined],
    [['rem', '1.1', '1'], undefined],
    [['rem', '1', '0.5'], undefined],
  ]);
});

t.test('type errors are undefined', async (t) => {
  check(t, [
    [['plus', '1', '"a"'], undefined],
    [['mul', 'null', '1'], undefined],
    [['minus', '{1}', '1'], undefined],
    [['minus', '1', '{1}'], undefined],
    [['abs', '"1"'], undefined],
  ]);
});

t.test('rounding: round half away from zero, ceil, floor', async (t) => {
  check(t, [
    [['round', '2.5'], '3'],
    [['round', '-2.5'], '-3'],
    [['round', '2.4999'], '2'],
    [['round', '0.49999999999999994'], '0'],
    [['round', '7'], '7'],
    [['ceil', '1.01'], '2'],
    [['ceil', '-1.5'], '-1'],
    [['floor', '1.5'], '1'],
    [['floor', '-1.001'], '-2'],
    [['floor', '1e300'], `1${'0'.repeat(300)}`],
    [['ceil', '12345678901234567890.5'], '12345678901234567891'],
    [['round', '-12345678901234567890.5'], '-12345678901234567891'],
    [['abs', '-1.5'], '1.5'],
    [['abs', '-2.0'], '2'],
  ]);
});

t.test('set operators: difference, intersection, union', async (t) => {
  check(t, [
    [['minus', '{1,2,3}', '{2,4}'], '{1,3}'],
    [['and', '{1,2,3}', '{2,3,4}'], '{2,3}'],
    [['and', '{1}', '{2}'], 'set()'],
    [['or', '{1,3}', '{2,3}'], '{1,2,3}'],
    [['or', '[1]', '{2}'], undefined],
  ]);
});

t.test('comparison operators compare any values in OPA order', async (t) => {
  check(t, [
    [['equal', '1', '1.0'], 'true'],
    [['equal', '[1,{"a":2}]', '[1,{"a":2.0}]'], 'true'],
    [['neq', '1', '"1"'], 'true'],
    [['lt', '1', '"a"'], 'true'],
    [['lte', '2', '2.0'], 'true'],
    [['gt', '{1}', '[1]'], 'true'],
    [['gte', 'null', 'false'], 'false'],
  ]);
});

t.test('exact arithmetic refuses absurdly large operands instead of running away', async (t) => {
  t.throws(() => rt.builtin('plus', '1e100000', '1'), RuntimeAbort);
});

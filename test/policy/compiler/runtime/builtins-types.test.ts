import t, { type Test } from 'tap';
import { type BuiltinRow, checkBuiltins, instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();
const check = (t: Test, rows: BuiltinRow[]) => checkBuiltins(t, rt, rows);

t.test('type tests answer true or false for every value', async (t) => {
  const values = ['null', 'true', '1', '"s"', '[]', '{}', 'set()'];
  const tests = ['is_null', 'is_boolean', 'is_number', 'is_string', 'is_array', 'is_object', 'is_set'];
  for (const [i, test] of tests.entries()) {
    for (const [j, value] of values.entries()) t.equal(rt.builtin(test, value), String(i === j), `${test}(${value})`);
  }
  const names = values.map((v) => rt.builtin('type_name', v));
  t.same(names, ['"null"', '"boolean"', '"number"', '"string"', '"array"', '"object"', '"set"']);
});

t.test('to_number reads numbers as Go strconv.ParseFloat does', async (t) => {
  check(t, [
    [['to_number', 'null'], '0'],
    [['to_number', 'true'], '1'],
    [['to_number', 'false'], '0'],
    [['to_number', '4.5'], '4.5'],
    [['to_number', '"42"'], '42'],
    [['to_number', '"-3.25"'], '-3.25'],
    [['to_number', '"1.50"'], '1.50'],
    [['to_number', '"+7"'], '7'],
    [['to_number', '".5"'], '0.5'],
    [['to_number', '"5."'], '5.0'],
    [['to_number', '"007"'], '7'],
    [['to_number', '"1e3"'], '1e3'],
    [['to_number', '"123456789012345678901234567890"'], '123456789012345678901234567890'],
    [['to_number', '"abc"'], undefined],
    [['to_number', '""'], undefined],
    [['to_number', '" 1"'], undefined],
    [['to_number', '"."'], undefined],
    [['to_number', '"Infinity"'], undefined],
    [['to_number', '"-inf"'], undefined],
    [['to_number', '"NaN"'], undefined],
    [['to_number', '"1e400"'], undefined],
    [['to_number', '[1]'], undefined],
  ]);
  t.throws(() => rt.builtin('to_number', '"0x1p3"'), RuntimeAbort, 'hexadecimal floats are refused');
});

t.test('bits functions use two complement integers of any width', async (t) => {
  check(t, [
    [['bits.and', '7', '9'], '1'],
    [['bits.and', '-1', '5'], '5'],
    [['bits.or', '5', '8'], '13'],
    [['bits.xor', '42', '3'], '41'],
    [['bits.negate', '5'], '-6'],
    [['bits.negate', '-1'], '0'],
    [['bits.lsh', '1', '3'], '8'],
    [['bits.lsh', '9223372036854775807', '1'], '18446744073709551614'],
    [['bits.lsh', '-3', '70'], '-3541774862152233910272'],
    [['bits.lsh', '7', '-1'], undefined],
    [['bits.rsh', '8', '3'], '1'],
    [['bits.rsh', '-8', '1'], '-4'],
    [['bits.rsh', '-1', '100'], '-1'],
    [['bits.rsh', '5', '100'], '0'],
    [['bits.and', '7.0', '3'], '3'],
    [['bits.and', '7.2', '3'], undefined],
    [['bits.or', '"1"', '1'], undefined],
  ]);
});

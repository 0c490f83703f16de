import t from 'tap';
import { instantiate } from './runtime-harness.js';

t.test('built-in errors are undefined by default, as in OPA Wasm evaluation', async (t) => {
  const rt = instantiate();
  t.equal(rt.exports.airlock_strict_builtin_errors.value, 0);
  t.equal(rt.builtin('count', '1'), undefined);
  t.equal(rt.builtin('div', '1', '0'), undefined);
});

t.test('in strict mode built-in errors abort with OPA messages', async (t) => {
  const rt = instantiate();
  rt.exports.airlock_strict_builtin_errors.value = 1;
  const rows: [string[], string][] = [
    [['count', '1'], 'count: operand 1 must be one of {array, object, set, string} but got number'],
    [['div', '1', '0'], 'divide by zero'],
    [['rem', '1', '0'], 'modulo by zero'],
    [['rem', '1.1', '1'], 'modulo on floating-point number'],
    [['plus', '1', '"a"'], 'plus: operand 2 must be number but got string'],
    [['minus', '{1}', '1'], 'minus: operand 2 must be set but got number'],
    [['minus', '1', '{1}'], 'minus: operand 2 must be number but got set'],
    [['array.concat', '{"v1":"hello"}', '[3,4]'], 'array.concat: operand 1 must be array but got object'],
    [['object.remove', '123', '{"a"}'], 'object.remove: operand 1 must be object but got number'],
    [['sum', '[1,"a"]'], 'sum: operand 1 must be array of numbers but got array containing string'],
    [['concat', '","', '{1}'], 'concat: operand 2 must be set of strings but got set containing number'],
    [['substring', '"abc"', '-1', '1'], 'negative offset'],
    [['bits.and', '7.2', '42'], 'bits.and: operand 1 must be integer number but got floating-point number'],
    [['bits.lsh', '7', '-1'], 'bits.lsh: operand 2 must be an unsigned integer number but got a negative integer'],
    [['format_int', '4.1', '199'], 'format_int: operand 2 must be one of {2, 8, 10, 16}'],
    [['indexof', '"abc"', '""'], 'empty search character'],
  ];
  for (const [[name, ...args], message] of rows) {
    t.throws(() => rt.builtin(name!, ...args), { message }, `${name}(${args.join(', ')})`);
  }
});

import t from 'tap';
import { classifyEvaluationError } from '../../proxy/decide/evaluation-error.js';

/* What opa-wasm's evaluate can throw, and the class and message each becomes. */

class BuiltinLike extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const rows: { note: string; thrown: unknown; errorClass: string; message: string | RegExp }[] = [
  {
    note: 'a conflicting complete rule (the runtime aborts with a string)',
    thrown: 'airlock.rego:4:1: var assignment conflict',
    errorClass: 'eval_conflict_error',
    message: 'airlock.rego:4:1: var assignment conflict',
  },
  {
    note: 'an object key given two values',
    thrown: 'airlock.rego:9:3: object insert conflict',
    errorClass: 'eval_conflict_error',
    message: 'airlock.rego:9:3: object insert conflict',
  },
  {
    note: 'a runtime limit',
    thrown: 'number too large for exact arithmetic',
    errorClass: 'eval_runtime_error',
    message: 'number too large for exact arithmetic',
  },
  {
    note: "a built-in's type error",
    thrown: new BuiltinLike('to_number: operand 1 must be one of {boolean, null, number, string}', 'eval_type_error'),
    errorClass: 'eval_type_error',
    message: /^Error: to_number: operand 1/,
  },
  {
    note: "a built-in's error",
    thrown: new BuiltinLike('time.parse_rfc3339_ns: bad time', 'eval_builtin_error'),
    errorClass: 'eval_builtin_error',
    message: /time\.parse_rfc3339_ns: bad time/,
  },
  {
    note: "one of Airlock's built-in limits",
    thrown: new BuiltinLike('numbers.range: too large', 'AIRLOCK_ERR_BUILTIN_LIMIT'),
    errorClass: 'eval_builtin_error',
    message: /numbers\.range: too large/,
  },
  {
    note: 'a Wasm trap',
    thrown: new WebAssembly.RuntimeError('unreachable'),
    errorClass: 'eval_runtime_error',
    message: 'RuntimeError: unreachable',
  },
  {
    note: 'memory that cannot grow',
    thrown: new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'),
    errorClass: 'eval_runtime_error',
    message: /^RangeError: WebAssembly\.Memory\.grow/,
  },
  {
    note: 'an input JSON cannot carry',
    thrown: new TypeError('Do not know how to serialize a BigInt'),
    errorClass: 'eval_internal_error',
    message: 'TypeError: Do not know how to serialize a BigInt',
  },
  {
    note: "the SDK's plain object for a missing built-in",
    thrown: { message: 'not implemented: built-in function 3: foo' },
    errorClass: 'eval_internal_error',
    message: 'not implemented: built-in function 3: foo',
  },
  { note: 'something else entirely', thrown: 42, errorClass: 'eval_internal_error', message: '42' },
];

t.test('classifyEvaluationError names the class of each thing evaluate throws', async (t) => {
  for (const row of rows) {
    const failure = classifyEvaluationError(row.thrown);
    t.equal(failure.errorClass, row.errorClass, `${row.note}: class`);
    t.match(failure.message, row.message, `${row.note}: message`);
    t.notMatch(failure.message, /\n\s+at /, `${row.note}: no stack trace`);
  }
});

t.test('long messages are clipped', async (t) => {
  const failure = classifyEvaluationError(`${'x'.repeat(2000)} conflict`);
  t.equal(failure.message.length, 500);
  t.match(failure.message, /\.\.\.$/);
});

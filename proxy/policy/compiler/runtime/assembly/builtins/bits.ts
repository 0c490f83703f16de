// Bitwise built-ins (bits.*) on integers, with the semantics of Go's big.Int: two's complement of unbounded width.

import { abortWith } from '../abort';
import { bigFromU64, bigShiftLeft } from '../bigint';
import { numberFromBig } from '../number-arith';
import { decimalOf } from '../number-decimal';
import {
  NUMBER_FLOAT,
  NUMBER_INT,
  NUMBER_REF,
  TYPE_NUMBER,
  floatOf,
  intOf,
  makeInt,
  numberKind,
  typeOf,
} from '../values';
import { builtinError, typeError } from './errors';

/** operandOk is false when the last `integerOperand` call reported an error. */
let operandOk = false;

function integerOperand(v: usize, name: string, typePrefix: string, fractionMessage: string): i64 {
  operandOk = false;
  if (typeOf(v) != TYPE_NUMBER) {
    typeError(typePrefix, v);
    return 0;
  }
  if (numberKind(v) == NUMBER_FLOAT) {
    // Floats with no fraction are integers to OPA (7.0 is 7).
    const f = floatOf(v);
    if (f == Math.trunc(f) && abs(f) < 9.2e18) {
      operandOk = true;
      return <i64>f;
    }
  }
  if (numberKind(v) != NUMBER_INT) {
    // Integers beyond i64 would need big two's complement arithmetic: refuse rather than guess.
    if (isBigInteger(v)) abortWith(name);
    builtinError(fractionMessage);
    return 0;
  }
  operandOk = true;
  return intOf(v);
}

function isBigInteger(v: usize): bool {
  if (numberKind(v) != NUMBER_REF) return false;
  const d = decimalOf(v);
  return d.count <= d.point;
}

export function builtin_bits_and(a: usize, b: usize): usize {
  const x = integerOperand(
    a,
    'bits.and: integer too large',
    'bits.and: operand 1 must be number but got ',
    'bits.and: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  const y = integerOperand(
    b,
    'bits.and: integer too large',
    'bits.and: operand 2 must be number but got ',
    'bits.and: operand 2 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  return makeInt(x & y);
}

export function builtin_bits_or(a: usize, b: usize): usize {
  const x = integerOperand(
    a,
    'bits.or: integer too large',
    'bits.or: operand 1 must be number but got ',
    'bits.or: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  const y = integerOperand(
    b,
    'bits.or: integer too large',
    'bits.or: operand 2 must be number but got ',
    'bits.or: operand 2 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  return makeInt(x | y);
}

export function builtin_bits_xor(a: usize, b: usize): usize {
  const x = integerOperand(
    a,
    'bits.xor: integer too large',
    'bits.xor: operand 1 must be number but got ',
    'bits.xor: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  const y = integerOperand(
    b,
    'bits.xor: integer too large',
    'bits.xor: operand 2 must be number but got ',
    'bits.xor: operand 2 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  return makeInt(x ^ y);
}

/** builtin_bits_negate is ^x, that is -x-1. */
export function builtin_bits_negate(a: usize): usize {
  const x = integerOperand(
    a,
    'bits.negate: integer too large',
    'bits.negate: operand 1 must be number but got ',
    'bits.negate: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  return makeInt(~x);
}

/** builtin_bits_lsh is x << s; the result may exceed i64 (it stays exact). */
export function builtin_bits_lsh(a: usize, b: usize): usize {
  const x = integerOperand(
    a,
    'bits.lsh: integer too large',
    'bits.lsh: operand 1 must be number but got ',
    'bits.lsh: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  const s = integerOperand(
    b,
    'bits.lsh: shift too large',
    'bits.lsh: operand 2 must be number but got ',
    'bits.lsh: operand 2 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  if (s < 0) return builtinError('bits.lsh: operand 2 must be an unsigned integer number but got a negative integer');
  if (x == 0) return makeInt(0);
  if (s < 63) {
    const r = x << s;
    if (r >> s == x) return makeInt(r);
  }
  if (s > 4096) abortWith('bits.lsh: shift too large');
  // Exact: the magnitude shifted, with the sign kept (big.Int.Lsh on a negative number shifts its magnitude).
  const magnitude = x < 0 ? <u64>0 - <u64>x : <u64>x;
  return numberFromBig(x < 0, bigShiftLeft(bigFromU64(magnitude), <u32>s), 0);
}

/** builtin_bits_rsh is x >> s, rounding toward negative infinity (arithmetic shift). */
export function builtin_bits_rsh(a: usize, b: usize): usize {
  const x = integerOperand(
    a,
    'bits.rsh: integer too large',
    'bits.rsh: operand 1 must be number but got ',
    'bits.rsh: operand 1 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  const s = integerOperand(
    b,
    'bits.rsh: shift too large',
    'bits.rsh: operand 2 must be number but got ',
    'bits.rsh: operand 2 must be integer number but got floating-point number',
  );
  if (!operandOk) return 0;
  if (s < 0) return builtinError('bits.rsh: operand 2 must be an unsigned integer number but got a negative integer');
  if (s >= 63) return makeInt(x < 0 ? -1 : 0);
  return makeInt(x >> s);
}

// Arithmetic operators and rounding (OPA's arithmetic.go), and the set operators `-`, `&`, `|`. Semantics of the
// number operations are in ../number-arith.ts.

import {
  OP_DIVIDE,
  OP_MINUS,
  OP_MULTIPLY,
  OP_PLUS,
  OP_REMAINDER,
  ROUND_CEIL,
  ROUND_FLOOR,
  ROUND_NEAREST,
  absNumber,
  arithmetic,
  arithmeticError,
  roundNumber,
} from '../number-arith';
import { TYPE_NUMBER, TYPE_SET, typeOf } from '../values';
import { builtinError, typeError } from './errors';
import { setDifference, setIntersection, setUnion } from './set-algebra';

function binary(op: i32, a: usize, b: usize, operand1: string, operand2: string): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError(operand1, a);
  if (typeOf(b) != TYPE_NUMBER) return typeError(operand2, b);
  const r = arithmetic(op, a, b);
  if (r == 0) return builtinError(arithmeticError());
  return r;
}

/** builtin_plus is `+`. */
export function builtin_plus(a: usize, b: usize): usize {
  return binary(OP_PLUS, a, b, 'plus: operand 1 must be number but got ', 'plus: operand 2 must be number but got ');
}

/** builtin_minus is `-`: number difference or set difference. */
export function builtin_minus(a: usize, b: usize): usize {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta == TYPE_NUMBER && tb == TYPE_NUMBER) {
    const r = arithmetic(OP_MINUS, a, b);
    return r != 0 ? r : builtinError(arithmeticError());
  }
  if (ta == TYPE_SET && tb == TYPE_SET) return setDifference(a, b);
  if (ta != TYPE_NUMBER && ta != TYPE_SET)
    return typeError('minus: operand 1 must be one of {number, set} but got ', a);
  if (ta == TYPE_SET) return typeError('minus: operand 2 must be set but got ', b);
  return typeError('minus: operand 2 must be number but got ', b);
}

/** builtin_mul is `*`. */
export function builtin_mul(a: usize, b: usize): usize {
  return binary(OP_MULTIPLY, a, b, 'mul: operand 1 must be number but got ', 'mul: operand 2 must be number but got ');
}

/** builtin_div is `/`: exact when the quotient is (7 / 2 is 3.5), else the nearest f64. */
export function builtin_div(a: usize, b: usize): usize {
  return binary(OP_DIVIDE, a, b, 'div: operand 1 must be number but got ', 'div: operand 2 must be number but got ');
}

/** builtin_rem is `%`, on integers only. */
export function builtin_rem(a: usize, b: usize): usize {
  return binary(OP_REMAINDER, a, b, 'rem: operand 1 must be number but got ', 'rem: operand 2 must be number but got ');
}

/** builtin_abs is `abs`. */
export function builtin_abs(a: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('abs: operand 1 must be number but got ', a);
  return absNumber(a);
}

/** builtin_round rounds half away from zero. */
export function builtin_round(a: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('round: operand 1 must be number but got ', a);
  return roundNumber(a, ROUND_NEAREST);
}

/** builtin_ceil rounds up. */
export function builtin_ceil(a: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('ceil: operand 1 must be number but got ', a);
  return roundNumber(a, ROUND_CEIL);
}

/** builtin_floor rounds down. */
export function builtin_floor(a: usize): usize {
  if (typeOf(a) != TYPE_NUMBER) return typeError('floor: operand 1 must be number but got ', a);
  return roundNumber(a, ROUND_FLOOR);
}

/** builtin_and is `&`: set intersection. */
export function builtin_and(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_SET) return typeError('and: operand 1 must be set but got ', a);
  if (typeOf(b) != TYPE_SET) return typeError('and: operand 2 must be set but got ', b);
  return setIntersection(a, b);
}

/** builtin_or is `|`: set union. */
export function builtin_or(a: usize, b: usize): usize {
  if (typeOf(a) != TYPE_SET) return typeError('or: operand 1 must be set but got ', a);
  if (typeOf(b) != TYPE_SET) return typeError('or: operand 2 must be set but got ', b);
  return setUnion(a, b);
}

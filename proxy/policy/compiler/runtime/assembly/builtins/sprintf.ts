// The fast path of the host built-in `sprintf`: the common case answered here, without the round trip through the
// host (dump the arguments to JSON, format in JavaScript, parse the answer back). OPA's builtinSprintf hands Go's
// fmt.Sprintf a string argument as its raw string, an integer that fits an int64 as a Go int and anything else
// but a number as its Rego text; this answers exactly what Go prints for
//
//   verbs      %s %v (strings, null, booleans), %d %v (integers within an i64), %% (no argument)
//   no flags, width, precision or argument index; as many arguments as verbs; valid UTF-8 throughout
//
// and declines everything else (floats, big integers, composites, a mismatched verb such as `%d` of a string,
// which Go prints as `%!d(string=…)`, missing or extra arguments, operand type errors), which the host answers.

import { heapReset, heapTop } from '../alloc';
import {
  bufferAscii,
  bufferByte,
  bufferBytes,
  bufferClose,
  bufferCommit,
  bufferOpen,
  bufferReserve,
  bufferSize,
} from '../buffer';
import { formatInt } from '../number-format';
import { decodeCodePoint, decodedSize } from '../utf8';
import {
  NUMBER_INT,
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_STRING,
  booleanOf,
  elementAt,
  intOf,
  lengthOf,
  makeString,
  numberKind,
  stringBytes,
  stringLength,
  typeOf,
} from '../values';
import { HOST_FAST_PATH_DECLINED } from './fast-path';

const PERCENT: u8 = 0x25;
const VERB_D: u8 = 0x64;
const VERB_S: u8 = 0x73;
const VERB_V: u8 = 0x76;

/**
 * airlock_fast_sprintf formats `format` with the array `args` as OPA's `sprintf` does, or returns
 * HOST_FAST_PATH_DECLINED when the call is outside the subset above.
 */
export function airlock_fast_sprintf(format: usize, args: usize): usize {
  if (typeOf(format) != TYPE_STRING || typeOf(args) != TYPE_ARRAY) return HOST_FAST_PATH_DECLINED;
  const text = stringBytes(format);
  const length = stringLength(format);
  if (!isValidUtf8(text, length)) return HOST_FAST_PATH_DECLINED;
  const argCount = lengthOf(args);
  let next: usize = 0;
  const mark = heapTop();
  bufferOpen(length + 16);
  let literal: usize = 0;
  let i: usize = 0;
  while (i < length) {
    if (load<u8>(text + i) != PERCENT) {
      i++;
      continue;
    }
    bufferBytes(text + literal, i - literal);
    if (i + 1 >= length) return decline(mark);
    const verb = load<u8>(text + i + 1);
    i += 2;
    literal = i;
    if (verb == PERCENT) {
      bufferByte(PERCENT);
      continue;
    }
    if (next >= argCount || !writeArgument(verb, elementAt(args, next))) return decline(mark);
    next++;
  }
  if (next != argCount) return decline(mark);
  bufferBytes(text + literal, length - literal);
  return makeString(bufferClose(), bufferSize());
}

/** writeArgument appends `arg` formatted with `verb`, or returns false when Go would print it otherwise. */
function writeArgument(verb: u8, arg: usize): bool {
  switch (typeOf(arg)) {
    case TYPE_STRING: {
      if (verb != VERB_S && verb != VERB_V) return false;
      const bytes = stringBytes(arg);
      const length = stringLength(arg);
      if (!isValidUtf8(bytes, length)) return false;
      bufferBytes(bytes, length);
      return true;
    }
    case TYPE_NUMBER: {
      if ((verb != VERB_D && verb != VERB_V) || numberKind(arg) != NUMBER_INT) return false;
      bufferCommit(formatInt(intOf(arg), bufferReserve(20)));
      return true;
    }
    // Go sees these as the strings "null", "true" and "false".
    case TYPE_NULL: {
      if (verb != VERB_S && verb != VERB_V) return false;
      bufferAscii('null');
      return true;
    }
    case TYPE_BOOLEAN: {
      if (verb != VERB_S && verb != VERB_V) return false;
      bufferAscii(booleanOf(arg) ? 'true' : 'false');
      return true;
    }
  }
  return false;
}

/** decline gives back the heap the text written so far took: nothing else was allocated since `mark`. */
function decline(mark: usize): usize {
  heapReset(mark);
  return HOST_FAST_PATH_DECLINED;
}

/**
 * isValidUtf8 reports whether the `length` bytes at `bytes` are valid UTF-8. Go copies invalid bytes through, but
 * the host sees them as U+FFFD: such a call is left to the host, so both paths give the same answer.
 */
function isValidUtf8(bytes: usize, length: usize): bool {
  const end = bytes + length;
  let at = bytes;
  while (at < end) {
    if (load<u8>(at) < 0x80) {
      at++;
      continue;
    }
    if (decodeCodePoint(at, end) == 0xfffd && decodedSize() == 1) return false;
    at += decodedSize();
  }
  return true;
}

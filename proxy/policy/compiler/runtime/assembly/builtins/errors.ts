// Built-in errors. OPA's Wasm target evaluates built-ins non-strictly: a built-in that fails (a type error, a
// division by zero) makes its expression undefined, so a native built-in returns 0. Setting the exported global
// `airlock_strict_builtin_errors` to 1 makes them abort with OPA's message instead (OPA's strict mode), which is
// what `opa eval --strict-builtin-errors` reports.

import { abortBytes, abortWith } from '../abort';
import { alloc } from '../alloc';
import { TYPE_ARRAY, TYPE_BOOLEAN, TYPE_NULL, TYPE_NUMBER, TYPE_OBJECT, TYPE_SET, typeOf } from '../values';

/** airlock_strict_builtin_errors: 0 (default) built-in errors are undefined; 1 they abort with OPA's message. */
export let airlock_strict_builtin_errors: i32 = 0;

/** typeName is OPA's name for the type of `v`. */
export function typeName(v: usize): string {
  switch (typeOf(v)) {
    case TYPE_NULL:
      return 'null';
    case TYPE_BOOLEAN:
      return 'boolean';
    case TYPE_NUMBER:
      return 'number';
    case TYPE_ARRAY:
      return 'array';
    case TYPE_OBJECT:
      return 'object';
    case TYPE_SET:
      return 'set';
  }
  return 'string';
}

/** builtinError reports a built-in error with OPA's message: undefined (0), or an abort in strict mode. */
export function builtinError(message: string): usize {
  if (airlock_strict_builtin_errors != 0) abortWith(message);
  return 0;
}

/** typeError reports "<prefix><type of got>" (e.g. "count: operand 1 must be ... but got " + "number"). */
export function typeError(prefix: string, got: usize): usize {
  if (airlock_strict_builtin_errors != 0) {
    const name = typeName(got);
    const length = <usize>prefix.length;
    const text = alloc(length);
    for (let i: usize = 0; i < length; i++) store<u8>(text + i, <u8>prefix.charCodeAt(<i32>i));
    abortBytes(text, length, name);
  }
  return 0;
}

// A small text builder for strict-mode messages (only built when about to abort).
let messageText: usize = 0;
let messageLength: usize = 0;

function messageStart(): void {
  messageText = alloc(512);
  messageLength = 0;
}

function messageAppend(part: string): void {
  for (let i = 0; i < part.length && messageLength < 511; i++)
    store<u8>(messageText + messageLength++, <u8>part.charCodeAt(i));
}

/**
 * elementError reports OPA's error for a composite operand with an element of the wrong type:
 * "<prefix><T> of <what>s but got <T> containing <element type>", e.g. prefix "sum: operand 1 must be ".
 */
export function elementError(prefix: string, composite: usize, element: usize, what: string): usize {
  if (airlock_strict_builtin_errors != 0) {
    messageStart();
    messageAppend(prefix);
    messageAppend(typeName(composite));
    messageAppend(' of ');
    messageAppend(what);
    messageAppend('s but got ');
    messageAppend(typeName(composite));
    messageAppend(' containing ');
    abortBytes(messageText, messageLength, typeName(element));
  }
  return 0;
}

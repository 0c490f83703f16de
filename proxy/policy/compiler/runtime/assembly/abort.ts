// Fatal errors. OPA's SDK throws the NUL-terminated string passed to `opa_abort`, decoding it one byte per
// character, so messages are kept ASCII.

import { alloc } from './alloc';
import { opa_abort } from './env';

/** abortWith ends evaluation with `message` (an AssemblyScript string literal, ASCII). */
export function abortWith(message: string): void {
  const length = <usize>message.length;
  const text = alloc(length + 1);
  for (let i: usize = 0; i < length; i++) {
    store<u8>(text + i, <u8>message.charCodeAt(<i32>i));
  }
  store<u8>(text + length, 0);
  opa_abort(text);
  unreachable();
}

/** abortBytes ends evaluation with the `length` bytes at `bytes` followed by `suffix`. */
export function abortBytes(bytes: usize, length: usize, suffix: string): void {
  const suffixLength = <usize>suffix.length;
  const text = alloc(length + suffixLength + 1);
  memory.copy(text, bytes, length);
  for (let i: usize = 0; i < suffixLength; i++) {
    store<u8>(text + length + i, <u8>suffix.charCodeAt(<i32>i));
  }
  store<u8>(text + length + suffixLength, 0);
  opa_abort(text);
  unreachable();
}

/**
 * runtimeAbort replaces AssemblyScript's own `abort` (selected with `--use abort=...`), so that a failed assertion
 * or an out-of-bounds access in library code reaches the host as `opa_abort` instead of an `env.abort` import the
 * SDK does not supply.
 */
export function runtimeAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  abortWith(message !== null ? message : 'internal: runtime error');
}

// A growing byte buffer on the heap, for text the runtime writes (JSON and Rego dumps, built-in results). One
// buffer is open at a time; it grows in place while nothing else allocates, which is the case while dumping.

import { alloc, allocExtend } from './alloc';

let bufferStart: usize = 0;
let bufferLength: usize = 0;
let bufferCapacity: usize = 0;

/** bufferOpen starts a new buffer with room for `capacity` bytes. */
export function bufferOpen(capacity: usize): void {
  bufferCapacity = max<usize>(capacity, 16);
  bufferStart = alloc(bufferCapacity);
  bufferLength = 0;
}

/** bufferReserve makes room for `count` more bytes and returns the address where they go. */
// @ts-ignore: decorator
@inline
export function bufferReserve(count: usize): usize {
  const needed = bufferLength + count;
  if (needed > bufferCapacity) bufferGrow(needed);
  return bufferStart + bufferLength;
}

/** bufferGrow makes the buffer at least `needed` bytes long, at least doubling it. */
function bufferGrow(needed: usize): void {
  let capacity = bufferCapacity << 1;
  if (capacity < needed) capacity = needed;
  bufferStart = allocExtend(bufferStart, bufferCapacity, capacity);
  bufferCapacity = capacity;
}

/** bufferCommit records that `count` bytes were written at the address `bufferReserve` returned. */
// @ts-ignore: decorator
@inline
export function bufferCommit(count: usize): void {
  bufferLength += count;
}

// @ts-ignore: decorator
@inline
export function bufferByte(b: u8): void {
  store<u8>(bufferReserve(1), b);
  bufferLength++;
}

export function bufferBytes(bytes: usize, count: usize): void {
  memory.copy(bufferReserve(count), bytes, count);
  bufferLength += count;
}

/** bufferAscii appends an ASCII string literal. */
export function bufferAscii(text: string): void {
  const count = <usize>text.length;
  const out = bufferReserve(count);
  for (let i: usize = 0; i < count; i++) store<u8>(out + i, <u8>text.charCodeAt(<i32>i));
  bufferLength += count;
}

/** bufferClose returns the buffer's address; `bufferClosedLength()` is its length. */
export function bufferClose(): usize {
  return bufferStart;
}

// @ts-ignore: decorator
@inline
export function bufferSize(): usize {
  return bufferLength;
}

// The heap: one bump allocator over the linear memory. Nothing is freed one block at a time; the host resets the
// whole heap between evaluations (`opa_heap_ptr_set`, `opa_eval`'s `heap_ptr`), which forgets everything above
// the given address. Values made while the policy is initialised (its constants) and the data document live
// below the address the host resets to, so they survive.

/**
 * airlock_heap_base is the first address the heap may use. The linker places the policy's data segments here and
 * rewrites this global's initialiser (a plain `i32.const`) to the first free address after them.
 */
export let airlock_heap_base: i32 = 0;

/** The next free address. */
let heapPtr: usize = 0;
/** The end of the memory as last seen; the host may grow memory behind our back, so it is re-read on overflow. */
let heapEnd: usize = 0;

/** heapInit starts the heap at `airlock_heap_base`; the start function calls it before anything allocates. */
export function heapInit(): void {
  heapPtr = alignUp(<usize>airlock_heap_base);
  heapEnd = (<usize>memory.size()) << 16;
}

// @ts-ignore: decorator
@inline
function alignUp(addr: usize): usize {
  return (addr + 7) & ~(<usize>7);
}

/** alloc returns `size` bytes, 8-byte aligned, with undefined contents. */
// @ts-ignore: decorator
@inline
export function alloc(size: usize): usize {
  const block = heapPtr;
  const next = alignUp(block + size);
  if (next > heapEnd) growTo(next);
  heapPtr = next;
  return block;
}

/** growTo makes `end` addressable, growing the memory by whole pages (and at least doubling, to grow rarely). */
function growTo(end: usize): void {
  heapEnd = (<usize>memory.size()) << 16;
  if (end <= heapEnd) return;
  const needed = <i32>((end - heapEnd + 0xffff) >>> 16);
  const pages = max(needed, memory.size());
  if (memory.grow(pages) < 0 && memory.grow(needed) < 0) unreachable();
  heapEnd = (<usize>memory.size()) << 16;
}

/**
 * allocExtend grows the block at `block`, `oldSize` bytes long, to `newSize` bytes. When the block is the last one
 * allocated it grows in place; otherwise its contents are copied to a new block.
 */
export function allocExtend(block: usize, oldSize: usize, newSize: usize): usize {
  if (alignUp(block + oldSize) == heapPtr) {
    const next = alignUp(block + newSize);
    if (next > heapEnd) growTo(next);
    heapPtr = next;
    return block;
  }
  const moved = alloc(newSize);
  memory.copy(moved, block, oldSize);
  return moved;
}

/** heapTop is the next free address. */
// @ts-ignore: decorator
@inline
export function heapTop(): usize {
  return heapPtr;
}

/** heapReset makes `addr` the next free address, forgetting every block above it. */
export function heapReset(addr: usize): void {
  heapPtr = alignUp(addr);
}

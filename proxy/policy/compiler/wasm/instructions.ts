/*
 * The WebAssembly instructions the emitter uses, and `CodeWriter`, which writes them into a function body while
 * keeping count of the open structured-control labels, so that branches can name their target label instead of a
 * hand-computed relative depth.
 */

import { ByteReader, ByteWriter, u32Size, type ValType } from './encoding.js';

/** Opcode is the byte of each instruction the emitter writes. */
export const Opcode = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  memorySize: 0x3f,
  memoryGrow: 0x40,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64Add: 0x7c,
  i64ExtendI32U: 0xad,
  /** Prefix of the bulk-memory instructions (`memory.init`, `data.drop`). */
  miscPrefix: 0xfc,
} as const;

/** MiscOpcode is the sub-opcode after `Opcode.miscPrefix`. */
export const MiscOpcode = {
  memoryInit: 8,
  dataDrop: 9,
} as const;

/** BLOCK_TYPE_EMPTY is the block type of a block that takes and leaves nothing on the stack. */
export const BLOCK_TYPE_EMPTY = 0x40;

/**
 * Label is a structured-control label: the number of labels open outside it. `CodeWriter.br(label)` turns it into
 * the relative depth the binary format wants.
 */
export type Label = number;

/** FunctionBody is a function's local declarations (beyond its parameters) and its instructions. */
export interface FunctionBody {
  locals: readonly ValType[];
  code: Uint8Array;
}

/**
 * CodeWriter writes the instructions of one function body. Writers for many functions can share one `arena`
 * buffer, one after the other, so that a policy's functions cost one growing buffer instead of one each.
 */
export class CodeWriter {
  readonly #out: ByteWriter;
  readonly #start: number;
  #openLabels = 0;

  constructor(arena: ByteWriter = new ByteWriter(64)) {
    this.#out = arena;
    this.#start = arena.length;
  }

  /** depth is the number of labels open at this point. */
  get depth(): number {
    return this.#openLabels;
  }

  #op(opcode: number): this {
    this.#out.byte(opcode);
    return this;
  }

  block(): Label {
    this.#out.byte(Opcode.block).byte(BLOCK_TYPE_EMPTY);
    return this.#openLabels++;
  }

  /** loop opens a loop; branching to its label jumps back to its start. */
  loop(): Label {
    this.#out.byte(Opcode.loop).byte(BLOCK_TYPE_EMPTY);
    return this.#openLabels++;
  }

  /** if pops an i32 and runs what follows up to `else`/`end` when it is not zero. */
  if(): Label {
    this.#out.byte(Opcode.if).byte(BLOCK_TYPE_EMPTY);
    return this.#openLabels++;
  }

  else(): this {
    return this.#op(Opcode.else);
  }

  end(): this {
    if (this.#openLabels === 0) throw new Error('CodeWriter: end without an open block');
    this.#openLabels--;
    return this.#op(Opcode.end);
  }

  #relative(label: Label): number {
    const relative = this.#openLabels - 1 - label;
    if (relative < 0 || label < 0) throw new Error(`CodeWriter: label ${label} is not open`);
    return relative;
  }

  br(label: Label): this {
    this.#out.byte(Opcode.br).u32(this.#relative(label));
    return this;
  }

  brIf(label: Label): this {
    this.#out.byte(Opcode.brIf).u32(this.#relative(label));
    return this;
  }

  /** brTable branches to `targets[i]` for an i32 operand i, or to `fallback` when i is out of range. */
  brTable(targets: readonly Label[], fallback: Label): this {
    this.#out.byte(Opcode.brTable).u32(targets.length);
    for (const target of targets) this.#out.u32(this.#relative(target));
    this.#out.u32(this.#relative(fallback));
    return this;
  }

  return(): this {
    return this.#op(Opcode.return);
  }

  unreachable(): this {
    return this.#op(Opcode.unreachable);
  }

  call(functionIndex: number): this {
    this.#out.byte(Opcode.call).u32(functionIndex);
    return this;
  }

  drop(): this {
    return this.#op(Opcode.drop);
  }

  localGet(index: number): this {
    this.#out.byte(Opcode.localGet).u32(index);
    return this;
  }

  localSet(index: number): this {
    this.#out.byte(Opcode.localSet).u32(index);
    return this;
  }

  localTee(index: number): this {
    this.#out.byte(Opcode.localTee).u32(index);
    return this;
  }

  globalGet(index: number): this {
    this.#out.byte(Opcode.globalGet).u32(index);
    return this;
  }

  globalSet(index: number): this {
    this.#out.byte(Opcode.globalSet).u32(index);
    return this;
  }

  i32Const(value: number): this {
    this.#out.byte(Opcode.i32Const).s32(value);
    return this;
  }

  i64Const(value: bigint): this {
    this.#out.byte(Opcode.i64Const).s64(value);
    return this;
  }

  /** op writes an instruction without immediates (comparisons, arithmetic, conversions). */
  op(opcode: number): this {
    return this.#op(opcode);
  }

  memorySize(): this {
    this.#out.byte(Opcode.memorySize).byte(0);
    return this;
  }

  memoryGrow(): this {
    this.#out.byte(Opcode.memoryGrow).byte(0);
    return this;
  }

  /** memoryInit copies from passive data segment `segment` (operands: destination, source offset, length). */
  memoryInit(segment: number): this {
    this.#out.byte(Opcode.miscPrefix).u32(MiscOpcode.memoryInit).u32(segment).byte(0);
    return this;
  }

  dataDrop(segment: number): this {
    this.#out.byte(Opcode.miscPrefix).u32(MiscOpcode.dataDrop).u32(segment);
    return this;
  }

  /** finish closes the function body (its implicit block) and returns the instructions. */
  finish(): Uint8Array {
    if (this.#openLabels !== 0) throw new Error(`CodeWriter: ${this.#openLabels} blocks left open`);
    this.#out.byte(Opcode.end);
    return this.#out.since(this.#start);
  }
}

/** writeFunctionBody writes a body as the code section wants it: byte size, local declarations, instructions. */
export function writeFunctionBody(out: ByteWriter, body: FunctionBody): void {
  // Locals are declared as runs of the same type: count the runs and the declarations' size first, since the
  // body's size prefix comes before them.
  const { locals, code } = body;
  let runs = 0;
  let declarationsSize = 0;
  for (let i = 0; i < locals.length;) {
    let end = i + 1;
    while (end < locals.length && locals[end] === locals[i]) end++;
    runs++;
    declarationsSize += u32Size(end - i) + 1;
    i = end;
  }
  declarationsSize += u32Size(runs);
  out.u32(declarationsSize + code.length).u32(runs);
  for (let i = 0; i < locals.length;) {
    let end = i + 1;
    while (end < locals.length && locals[end] === locals[i]) end++;
    out.u32(end - i).byte(locals[i]!);
    i = end;
  }
  out.bytes(code);
}

/** encodeFunctionBody is a body as the code section holds it, without the size prefix. */
export function encodeFunctionBody(body: FunctionBody): Uint8Array {
  const out = new ByteWriter(body.code.length + 16);
  writeFunctionBody(out, body);
  const sized = out.finish();
  // Skip the size prefix writeFunctionBody put first.
  const reader = new ByteReader(sized);
  reader.u32();
  return sized.subarray(reader.position);
}

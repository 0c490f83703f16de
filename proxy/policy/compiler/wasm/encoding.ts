/*
 * The WebAssembly binary format, as far as the linker needs it: a growable byte writer with LEB128 integers, and a
 * reader that finds the sections of an existing module and decodes the ones whose contents the linker changes or
 * consults (types, imports, functions, globals, exports, code, data). Everything else is carried as raw bytes.
 *
 * Reference: the WebAssembly core specification, chapter 5 (binary format).
 */

/** ValType is a value type's byte in the binary format. */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
} as const;
export type ValType = number;

/** SectionId numbers the known sections; they must appear in the order below, DataCount between Element and Code. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** ExternalKind is the kind byte of an import or export. */
export const ExternalKind = {
  function: 0,
  table: 1,
  memory: 2,
  global: 3,
  tag: 4,
} as const;

const WASM_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** ByteWriter appends bytes to a buffer that doubles when full, so that writing n bytes costs O(n). */
export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initialCapacity = 256) {
    this.#buffer = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }

  byte(value: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
    return this;
  }

  bytes(values: Uint8Array): this {
    this.#reserve(values.length);
    this.#buffer.set(values, this.#length);
    this.#length += values.length;
    return this;
  }

  /** u32 writes an unsigned LEB128 integer (counts, indices, sizes). */
  u32(value: number): this {
    if (value >= 0 && value < 128 && Number.isInteger(value)) return this.byte(value);
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`u32 out of range: ${value}`);
    }
    this.#reserve(5);
    let rest = value;
    do {
      let byte = rest & 0x7f;
      // Division, not `>>>`, because `>>>` would wrap values above 2^31 through a signed intermediate.
      rest = Math.floor(rest / 128);
      if (rest !== 0) byte |= 0x80;
      this.#buffer[this.#length++] = byte;
    } while (rest !== 0);
    return this;
  }

  /** s32 writes a signed LEB128 integer (`i32.const` immediates). Values above 2^31 are taken modulo 2^32. */
  s32(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new RangeError(`s32 out of range: ${value}`);
    }
    this.#reserve(5);
    let rest = value | 0;
    for (;;) {
      const byte = rest & 0x7f;
      rest >>= 7;
      // Done when the remaining bits are all copies of the sign bit just written.
      if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
        this.#buffer[this.#length++] = byte;
        return this;
      }
      this.#buffer[this.#length++] = byte | 0x80;
    }
  }

  /** s64 writes a signed LEB128 integer (`i64.const` immediates). Values above 2^63 are taken modulo 2^64. */
  s64(value: bigint): this {
    if (value < -(1n << 63n) || value >= 1n << 64n) throw new RangeError(`s64 out of range: ${value}`);
    this.#reserve(10);
    let rest = BigInt.asIntN(64, value);
    for (;;) {
      const byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if ((rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0)) {
        this.#buffer[this.#length++] = byte;
        return this;
      }
      this.#buffer[this.#length++] = byte | 0x80;
    }
  }

  /** name writes a UTF-8 string prefixed with its byte length. */
  name(text: string): this {
    const encoded = textEncoder.encode(text);
    return this.u32(encoded.length).bytes(encoded);
  }

  /** sized writes `content` prefixed with its byte length (a section's or a function body's framing). */
  sized(content: Uint8Array): this {
    return this.u32(content.length).bytes(content);
  }

  /** section writes a section: id, byte size, content. */
  section(id: number, content: Uint8Array): this {
    return this.byte(id).sized(content);
  }

  /** finish returns the bytes written so far (a view of the buffer: do not write again afterwards). */
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /**
   * since returns the bytes written from offset `start` on. The view stays valid when later writes grow the
   * buffer: growing copies into a new buffer and never changes the old one.
   */
  since(start: number): Uint8Array {
    return this.#buffer.subarray(start, this.#length);
  }
}

/** u32Size is how many bytes `ByteWriter.u32(value)` writes. */
export function u32Size(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** encodeUtf8 is the UTF-8 encoding of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** concatBytes joins chunks with one allocation. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

/** WasmFormatError reports a module the reader cannot decode. */
export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';
  readonly code = 'AIRLOCK_ERR_WASM_FORMAT';
}

/** ByteReader decodes from a byte array at a moving position. */
export class ByteReader {
  readonly bytes: Uint8Array;
  position: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
  }

  get atEnd(): boolean {
    return this.position >= this.end;
  }

  byte(): number {
    if (this.position >= this.end) throw new WasmFormatError(`unexpected end of bytes at offset ${this.position}`);
    return this.bytes[this.position++]!;
  }

  skip(count: number): void {
    if (this.position + count > this.end)
      throw new WasmFormatError(`unexpected end of bytes at offset ${this.position}`);
    this.position += count;
  }

  u32(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) break;
        return result;
      }
      scale *= 128;
    }
    throw new WasmFormatError(`malformed u32 before offset ${this.position}`);
  }

  s32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.byte();
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) {
        // Sign-extend from the last bit written; at shift 35 every bit of the i32 is already set.
        if (shift < 32 && (byte & 0x40) !== 0) result |= -1 << shift;
        return result;
      }
    }
    throw new WasmFormatError(`malformed s32 before offset ${this.position}`);
  }

  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) {
        if ((byte & 0x40) !== 0) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    throw new WasmFormatError(`malformed s64 before offset ${this.position}`);
  }

  name(): string {
    const length = this.u32();
    const start = this.position;
    this.skip(length);
    return textDecoder.decode(this.bytes.subarray(start, start + length));
  }
}

/** SectionSpan is where one section sits in a module: `start` is its id byte, `contentStart..end` its content. */
export interface SectionSpan {
  id: number;
  start: number;
  contentStart: number;
  end: number;
}

/** FuncType is a function signature. */
export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

/** GlobalEntry is one global of the global section; `init` is its constant expression including the `end` byte. */
export interface GlobalEntry {
  type: ValType;
  mutable: boolean;
  init: Uint8Array;
}

/** ExportEntry is one export. */
export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

/** ImportedFunction is a function import: its module and field names and its type index. */
export interface ImportedFunction {
  module: string;
  name: string;
  typeIndex: number;
}

/** MemoryLimits are a memory's page counts. */
export interface MemoryLimits {
  minimum: number;
  maximum?: number;
}

/**
 * ModuleLayout is what the linker knows of an existing module: its sections by position, and the decoded parts it
 * extends or consults. Function and global indices count imports first, as the format does.
 */
export interface ModuleLayout {
  bytes: Uint8Array;
  sections: SectionSpan[];
  types: FuncType[];
  /** Function imports, in index order (they are functions 0..n-1). */
  importedFunctions: ImportedFunction[];
  importedGlobalCount: number;
  importedMemory?: MemoryLimits;
  /** Type index of each function defined in the module (not imported), in order. */
  functionTypes: number[];
  globals: GlobalEntry[];
  exports: ExportEntry[];
  /** Each defined function's body, including its local declarations but not its size prefix. */
  codeBodies: Uint8Array[];
  /** Each data segment, raw. */
  dataSegments: Uint8Array[];
  dataCount?: number;
}

/** readModule finds the sections of a WebAssembly module and decodes those the linker works with. */
export function readModule(bytes: Uint8Array): ModuleLayout {
  for (let i = 0; i < WASM_HEADER.length; i++) {
    if (bytes[i] !== WASM_HEADER[i]) throw new WasmFormatError('not a WebAssembly 1.0 module (bad magic or version)');
  }
  const layout: ModuleLayout = {
    bytes,
    sections: [],
    types: [],
    importedFunctions: [],
    importedGlobalCount: 0,
    functionTypes: [],
    globals: [],
    exports: [],
    codeBodies: [],
    dataSegments: [],
  };
  const reader = new ByteReader(bytes, WASM_HEADER.length);
  while (!reader.atEnd) {
    const start = reader.position;
    const id = reader.byte();
    const size = reader.u32();
    const contentStart = reader.position;
    reader.skip(size);
    const span = { id, start, contentStart, end: reader.position };
    layout.sections.push(span);
    readSection(layout, span);
  }
  return layout;
}

function readSection(layout: ModuleLayout, span: SectionSpan): void {
  const reader = new ByteReader(layout.bytes, span.contentStart, span.end);
  switch (span.id) {
    case SectionId.type:
      for (let count = reader.u32(); count > 0; count--) layout.types.push(readFuncType(reader));
      break;
    case SectionId.import:
      for (let count = reader.u32(); count > 0; count--) readImport(layout, reader);
      break;
    case SectionId.function:
      for (let count = reader.u32(); count > 0; count--) layout.functionTypes.push(reader.u32());
      break;
    case SectionId.global:
      for (let count = reader.u32(); count > 0; count--) {
        const type = reader.byte();
        const mutable = reader.byte() === 1;
        layout.globals.push({ type, mutable, init: readConstExpr(reader) });
      }
      break;
    case SectionId.export:
      for (let count = reader.u32(); count > 0; count--) {
        const name = reader.name();
        const kind = reader.byte();
        layout.exports.push({ name, kind, index: reader.u32() });
      }
      break;
    case SectionId.code:
      for (let count = reader.u32(); count > 0; count--) {
        const size = reader.u32();
        const start = reader.position;
        reader.skip(size);
        layout.codeBodies.push(layout.bytes.subarray(start, reader.position));
      }
      break;
    case SectionId.data:
      for (let count = reader.u32(); count > 0; count--) {
        const start = reader.position;
        skipDataSegment(reader);
        layout.dataSegments.push(layout.bytes.subarray(start, reader.position));
      }
      break;
    case SectionId.dataCount:
      layout.dataCount = reader.u32();
      break;
    default:
      return; // carried as raw bytes
  }
  if (!reader.atEnd) throw new WasmFormatError(`section ${span.id} has trailing bytes at offset ${reader.position}`);
}

function readFuncType(reader: ByteReader): FuncType {
  const form = reader.byte();
  if (form !== 0x60) throw new WasmFormatError(`unsupported type form 0x${form.toString(16)}`);
  const params: ValType[] = [];
  for (let count = reader.u32(); count > 0; count--) params.push(reader.byte());
  const results: ValType[] = [];
  for (let count = reader.u32(); count > 0; count--) results.push(reader.byte());
  return { params, results };
}

function readLimits(reader: ByteReader): MemoryLimits {
  const flags = reader.byte();
  const minimum = reader.u32();
  // Bit 0: a maximum follows. Bit 1 (shared) changes nothing in the encoding.
  return (flags & 1) !== 0 ? { minimum, maximum: reader.u32() } : { minimum };
}

function readImport(layout: ModuleLayout, reader: ByteReader): void {
  const module = reader.name();
  const name = reader.name();
  const kind = reader.byte();
  switch (kind) {
    case ExternalKind.function:
      layout.importedFunctions.push({ module, name, typeIndex: reader.u32() });
      return;
    case ExternalKind.table:
      reader.byte();
      readLimits(reader);
      return;
    case ExternalKind.memory:
      layout.importedMemory = readLimits(reader);
      return;
    case ExternalKind.global:
      reader.byte();
      reader.byte();
      layout.importedGlobalCount++;
      return;
    default:
      throw new WasmFormatError(`unsupported import kind ${kind}`);
  }
}

/** readConstExpr reads a constant expression up to and including its `end`, returning its bytes. */
function readConstExpr(reader: ByteReader): Uint8Array {
  const start = reader.position;
  for (;;) {
    const op = reader.byte();
    switch (op) {
      case 0x0b: // end
        return reader.bytes.subarray(start, reader.position);
      case 0x41: // i32.const
        reader.s32();
        break;
      case 0x42: // i64.const
        reader.s64();
        break;
      case 0x43: // f32.const
        reader.skip(4);
        break;
      case 0x44: // f64.const
        reader.skip(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        reader.u32();
        break;
      case 0xd0: // ref.null t
        reader.byte();
        break;
      case 0x6a: // i32.add, i32.sub, i32.mul and i64 ones (extended constant expressions)
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      default:
        throw new WasmFormatError(`unsupported instruction 0x${op.toString(16)} in a constant expression`);
    }
  }
}

function skipDataSegment(reader: ByteReader): void {
  const flags = reader.u32();
  if (flags === 2) reader.u32(); // explicit memory index
  if (flags !== 1) readConstExpr(reader); // active segments have an offset
  reader.skip(reader.u32());
}

/** readI32ConstExpr is N when `init` is exactly `i32.const N; end`, else undefined. */
export function readI32ConstExpr(init: Uint8Array): number | undefined {
  const reader = new ByteReader(init);
  if (reader.byte() !== 0x41) return undefined;
  const value = reader.s32();
  return reader.byte() === 0x0b && reader.atEnd ? value : undefined;
}

/** WASM_MODULE_HEADER is the magic number and version every module starts with. */
export const WASM_MODULE_HEADER: Uint8Array = WASM_HEADER;

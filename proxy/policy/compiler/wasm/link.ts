/*
 * The linker: takes the runtime module (`runtime/build/runtime.wasm`) and appends a policy to it, without moving
 * anything the runtime already has.
 *
 *   runtime.wasm                          linked policy
 *   ┌───────────────────────┐             ┌──────────────────────────────────────────────┐
 *   │ types                 │  ────────▶  │ types + new signatures (deduplicated)         │
 *   │ imports (env.*)       │             │ imports, unchanged: no index shifts           │
 *   │ functions / code      │             │ + generated functions, appended               │
 *   │   airlock_policy_init │             │   stub bodies replaced by generated ones      │
 *   │   airlock_policy_eval │             │                                              │
 *   │ globals               │             │ + new globals, appended; airlock_heap_base    │
 *   │   airlock_heap_base=H │             │   rewritten to the first free address         │
 *   │ data (below H)        │             │ + one segment at H: the policy's constants    │
 *   └───────────────────────┘             └──────────────────────────────────────────────┘
 *
 * Because imports are never added and new functions and globals go after the existing ones, every index the
 * runtime's code, exports, element and start sections use stays valid, and those bytes are copied unchanged.
 * Custom sections are dropped, except that a fresh `name` section can be written for debugging.
 */

import {
  ByteReader,
  ByteWriter,
  concatBytes,
  ExternalKind,
  type FuncType,
  type GlobalEntry,
  type ModuleLayout,
  readI32ConstExpr,
  SectionId,
  type ValType,
  WASM_MODULE_HEADER,
} from './encoding.js';
import { CodeWriter, type FunctionBody, Opcode, writeFunctionBody } from './instructions.js';

/** HEAP_BASE_EXPORT is the runtime's exported global holding the first heap address (runtime/README.md). */
export const HEAP_BASE_EXPORT = 'airlock_heap_base';

const PAGE_SIZE = 65536;
/** Data and the heap start on 16-byte boundaries, the alignment AssemblyScript's allocator keeps. */
const DATA_ALIGNMENT = 16;

/** The order sections must appear in; DataCount (12) precedes Code (10), Tag (13) sits before Global. */
const SECTION_ORDER: readonly number[] = [
  SectionId.type,
  SectionId.import,
  SectionId.function,
  SectionId.table,
  SectionId.memory,
  13,
  SectionId.global,
  SectionId.export,
  SectionId.start,
  SectionId.element,
  SectionId.dataCount,
  SectionId.code,
  SectionId.data,
];

/** LinkedFunction is a function of the linked module: its index and signature. */
export interface LinkedFunction {
  index: number;
  type: FuncType;
}

/** LinkOptions tune `ModuleLinker.link`. */
export interface LinkOptions {
  /**
   * The exported function that runs first after the allocator is ready. If the policy's data does not fit in the
   * memory the runtime asks for at instantiation, the data becomes a passive segment and this function's body is
   * prefixed with code that grows memory and copies the data in.
   */
  dataLoader: string;
  /** Write a `name` section naming the runtime's and the generated functions (for readable stack traces). */
  functionNames?: boolean;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function typeKey(type: FuncType): string {
  return `${type.params.join(',')}>${type.results.join(',')}`;
}

/** i32ConstExpr is the constant expression `i32.const value; end` (a global's initialiser). */
export function i32ConstExpr(value: number): Uint8Array {
  return new ByteWriter(8).byte(Opcode.i32Const).s32(value).byte(Opcode.end).finish();
}

/** i64ConstExpr is the constant expression `i64.const value; end`. */
export function i64ConstExpr(value: bigint): Uint8Array {
  return new ByteWriter(12).byte(Opcode.i64Const).s64(value).byte(Opcode.end).finish();
}

/** LinkError reports a runtime module that does not keep the contract in runtime/README.md. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  readonly code = 'AIRLOCK_ERR_POLICY_LINK';
}

/**
 * ModuleLinker collects what a policy adds to the runtime module and writes the linked module with `link()`.
 * One linker links one policy.
 */
export class ModuleLinker {
  readonly #runtime: ModuleLayout;
  readonly #exports: Map<string, { kind: number; index: number }>;
  readonly #types: FuncType[];
  readonly #typeIndexByKey = new Map<string, number>();
  readonly #addedFunctionTypes: number[] = [];
  readonly #addedBodies: Array<FunctionBody | undefined> = [];
  readonly #replacedBodies = new Map<number, FunctionBody>();
  readonly #addedGlobals: GlobalEntry[] = [];
  readonly #functionNames = new Map<number, string>();
  readonly #heapBaseGlobal: number;
  readonly #dataStart: number;
  readonly #data = new ByteWriter(1024);
  #linked = false;

  constructor(runtime: ModuleLayout) {
    this.#runtime = runtime;
    this.#exports = new Map(runtime.exports.map((entry) => [entry.name, { kind: entry.kind, index: entry.index }]));
    this.#types = [...runtime.types];
    this.#types.forEach((type, index) => {
      const key = typeKey(type);
      if (!this.#typeIndexByKey.has(key)) this.#typeIndexByKey.set(key, index);
    });

    const heapBase = this.#exports.get(HEAP_BASE_EXPORT);
    if (heapBase?.kind !== ExternalKind.global || heapBase.index < runtime.importedGlobalCount) {
      throw new LinkError(`the runtime must define and export the global ${HEAP_BASE_EXPORT}`);
    }
    this.#heapBaseGlobal = heapBase.index - runtime.importedGlobalCount;
    const heapBaseEntry = runtime.globals[this.#heapBaseGlobal];
    const heapBaseValue = heapBaseEntry === undefined ? undefined : readI32ConstExpr(heapBaseEntry.init);
    if (heapBaseValue === undefined || !heapBaseEntry?.mutable) {
      throw new LinkError(`${HEAP_BASE_EXPORT} must be a mutable i32 global initialised by a plain i32.const`);
    }
    this.#dataStart = alignUp(heapBaseValue, DATA_ALIGNMENT);
  }

  /** exportedFunction is the runtime function exported as `name`, or undefined. */
  exportedFunction(name: string): LinkedFunction | undefined {
    const entry = this.#exports.get(name);
    if (entry?.kind !== ExternalKind.function) return undefined;
    return { index: entry.index, type: this.functionType(entry.index) };
  }

  /** exportNames lists the names of the runtime's exports. */
  exportNames(): IterableIterator<string> {
    return this.#exports.keys();
  }

  /** importedFunction is the function the runtime imports as `module.name`, or undefined. */
  importedFunction(module: string, name: string): LinkedFunction | undefined {
    const index = this.#runtime.importedFunctions.findIndex((entry) => entry.module === module && entry.name === name);
    return index < 0 ? undefined : { index, type: this.functionType(index) };
  }

  /** functionType is the signature of function `functionIndex` (imported, defined or added). */
  functionType(functionIndex: number): FuncType {
    const runtime = this.#runtime;
    const definedIndex = functionIndex - runtime.importedFunctions.length;
    const typeIndex =
      definedIndex < 0
        ? runtime.importedFunctions[functionIndex]?.typeIndex
        : definedIndex < runtime.functionTypes.length
          ? runtime.functionTypes[definedIndex]
          : this.#addedFunctionTypes[definedIndex - runtime.functionTypes.length];
    const type = typeIndex === undefined ? undefined : this.#types[typeIndex];
    if (type === undefined) throw new LinkError(`no function with index ${functionIndex}`);
    return type;
  }

  /** typeIndex is the index of signature `type`, added to the type section unless the module already has it. */
  typeIndex(type: FuncType): number {
    const key = typeKey(type);
    let index = this.#typeIndexByKey.get(key);
    if (index === undefined) {
      index = this.#types.length;
      this.#types.push(type);
      this.#typeIndexByKey.set(key, index);
    }
    return index;
  }

  /** declareFunction appends a function with signature `type`; its body follows with `defineFunction`. */
  declareFunction(type: FuncType, name?: string): number {
    const index =
      this.#runtime.importedFunctions.length + this.#runtime.functionTypes.length + this.#addedFunctionTypes.length;
    this.#addedFunctionTypes.push(this.typeIndex(type));
    this.#addedBodies.push(undefined);
    if (name !== undefined) this.#functionNames.set(index, name);
    return index;
  }

  defineFunction(functionIndex: number, body: FunctionBody): void {
    const added = functionIndex - this.#runtime.importedFunctions.length - this.#runtime.functionTypes.length;
    if (added < 0 || added >= this.#addedBodies.length)
      throw new LinkError(`function ${functionIndex} was not declared`);
    this.#addedBodies[added] = body;
  }

  /** replaceExportedFunction gives the runtime's exported function `name` (a stub) a new body. */
  replaceExportedFunction(name: string, body: FunctionBody): void {
    const target = this.exportedFunction(name);
    if (target === undefined || target.index < this.#runtime.importedFunctions.length) {
      throw new LinkError(`the runtime must define and export the function ${name}`);
    }
    this.#replacedBodies.set(target.index - this.#runtime.importedFunctions.length, body);
  }

  /** addGlobal appends a global initialised by the constant expression `init` and returns its index. */
  addGlobal(type: ValType, mutable: boolean, init: Uint8Array): number {
    this.#addedGlobals.push({ type, mutable, init });
    return this.#runtime.importedGlobalCount + this.#runtime.globals.length + this.#addedGlobals.length - 1;
  }

  /** addData places `bytes` in the policy's data, aligned to `alignment`, and returns their memory address. */
  addData(bytes: Uint8Array, alignment = 1): number {
    while (this.#data.length % alignment !== 0) this.#data.byte(0);
    const address = this.#dataStart + this.#data.length;
    this.#data.bytes(bytes);
    return address;
  }

  /** link writes the linked module. */
  link(options: LinkOptions): Uint8Array {
    if (this.#linked) throw new LinkError('a ModuleLinker links once');
    this.#linked = true;
    const runtime = this.#runtime;
    const data = this.#data.finish();
    const dataEnd = this.#dataStart + data.length;
    const heapBase = alignUp(dataEnd, DATA_ALIGNMENT);
    const pagesAtInstantiation = runtime.importedMemory?.minimum ?? 0;
    // An active segment beyond the memory the host must provide would fail instantiation; such data is copied in
    // by the data loader after it grows memory.
    const passive = data.length > 0 && dataEnd > pagesAtInstantiation * PAGE_SIZE;
    const addedSegments = data.length > 0 ? 1 : 0;
    const segmentCount = runtime.dataSegments.length + addedSegments;
    if (passive) this.#prefixDataLoader(options.dataLoader, runtime.dataSegments.length, data.length, dataEnd);

    const rebuilt = new Map<number, Uint8Array>();
    if (this.#types.length > runtime.types.length) rebuilt.set(SectionId.type, this.#typeSection());
    if (this.#addedFunctionTypes.length > 0) rebuilt.set(SectionId.function, this.#functionSection());
    rebuilt.set(SectionId.global, this.#globalSection(heapBase));
    rebuilt.set(SectionId.code, this.#codeSection());
    if (addedSegments > 0) rebuilt.set(SectionId.data, this.#dataSection(data, passive));
    if (runtime.dataCount !== undefined || passive) {
      rebuilt.set(SectionId.dataCount, new ByteWriter(5).u32(segmentCount).finish());
    }

    const chunks: Uint8Array[] = [WASM_MODULE_HEADER];
    const originals = new Map(runtime.sections.filter((s) => s.id !== SectionId.custom).map((s) => [s.id, s]));
    for (const id of originals.keys()) {
      if (!SECTION_ORDER.includes(id)) throw new LinkError(`the runtime has a section of unknown id ${id}`);
    }
    for (const id of SECTION_ORDER) {
      const content = rebuilt.get(id);
      if (content !== undefined) {
        chunks.push(new ByteWriter(6).byte(id).u32(content.length).finish(), content);
        continue;
      }
      const original = originals.get(id);
      if (original !== undefined) chunks.push(runtime.bytes.subarray(original.start, original.end));
    }
    if (options.functionNames) chunks.push(this.#nameSection());
    return concatBytes(chunks);
  }

  #prefixDataLoader(name: string, segment: number, length: number, dataEnd: number): void {
    const loader = this.exportedFunction(name);
    const definedIndex = loader === undefined ? -1 : loader.index - this.#runtime.importedFunctions.length;
    const body = this.#replacedBodies.get(definedIndex);
    if (body === undefined) throw new LinkError(`the data loader ${name} must be given a body before linking`);
    const pages = Math.ceil(dataEnd / PAGE_SIZE);
    const prologue = new CodeWriter();
    prologue.memorySize().i32Const(pages).op(Opcode.i32LtU);
    prologue.if();
    prologue.i32Const(pages).memorySize().op(Opcode.i32Sub).memoryGrow().i32Const(-1).op(Opcode.i32Eq);
    prologue.if();
    prologue.unreachable().end();
    prologue.end();
    prologue.i32Const(this.#dataStart).i32Const(0).i32Const(length).memoryInit(segment).dataDrop(segment);
    const prologueCode = prologue.finish();
    // Drop the prologue's closing `end`: the original body's own `end` closes the function.
    const code = concatBytes([prologueCode.subarray(0, prologueCode.length - 1), body.code]);
    this.#replacedBodies.set(definedIndex, { locals: body.locals, code });
  }

  #typeSection(): Uint8Array {
    const runtime = this.#runtime;
    const span = runtime.sections.find((s) => s.id === SectionId.type);
    const out = new ByteWriter(256).u32(this.#types.length);
    if (span !== undefined) {
      // Copy the existing entries as they are: skip the old count, keep the rest.
      const reader = new ByteReader(runtime.bytes, span.contentStart, span.end);
      reader.u32();
      out.bytes(runtime.bytes.subarray(reader.position, span.end));
    }
    for (const type of this.#types.slice(runtime.types.length)) {
      out.byte(0x60).u32(type.params.length);
      for (const param of type.params) out.byte(param);
      out.u32(type.results.length);
      for (const result of type.results) out.byte(result);
    }
    return out.finish();
  }

  #functionSection(): Uint8Array {
    const all = [...this.#runtime.functionTypes, ...this.#addedFunctionTypes];
    const out = new ByteWriter(all.length * 2 + 5).u32(all.length);
    for (const typeIndex of all) out.u32(typeIndex);
    return out.finish();
  }

  #globalSection(heapBase: number): Uint8Array {
    const all = [...this.#runtime.globals, ...this.#addedGlobals];
    const out = new ByteWriter(all.length * 8 + 5).u32(all.length);
    all.forEach((global, index) => {
      out.byte(global.type).byte(global.mutable ? 1 : 0);
      if (index === this.#heapBaseGlobal) out.byte(Opcode.i32Const).s32(heapBase).byte(Opcode.end);
      else out.bytes(global.init);
    });
    return out.finish();
  }

  #codeSection(): Uint8Array {
    const runtime = this.#runtime;
    let size = 16;
    for (const body of runtime.codeBodies) size += body.length + 5;
    for (const body of this.#addedBodies) size += (body?.code.length ?? 0) + 16;
    const out = new ByteWriter(size).u32(runtime.codeBodies.length + this.#addedBodies.length);
    runtime.codeBodies.forEach((original, definedIndex) => {
      const replacement = this.#replacedBodies.get(definedIndex);
      if (replacement === undefined) out.sized(original);
      else writeFunctionBody(out, replacement);
    });
    this.#addedBodies.forEach((body, added) => {
      if (body === undefined) {
        const index = runtime.importedFunctions.length + runtime.functionTypes.length + added;
        throw new LinkError(`function ${index} was declared but never defined`);
      }
      writeFunctionBody(out, body);
    });
    return out.finish();
  }

  #dataSection(data: Uint8Array, passive: boolean): Uint8Array {
    const runtime = this.#runtime;
    const out = new ByteWriter(data.length + 64).u32(runtime.dataSegments.length + 1);
    for (const segment of runtime.dataSegments) out.bytes(segment);
    if (passive) out.u32(1);
    else out.u32(0).bytes(i32ConstExpr(this.#dataStart));
    return out.sized(data).finish();
  }

  /** #nameSection merges the runtime's function names (if it has a name section) with the generated ones. */
  #nameSection(): Uint8Array {
    const runtime = this.#runtime;
    const names = new Map<number, string>();
    for (const span of runtime.sections) {
      if (span.id !== SectionId.custom) continue;
      const reader = new ByteReader(runtime.bytes, span.contentStart, span.end);
      if (reader.name() !== 'name') continue;
      while (!reader.atEnd) {
        const subsection = reader.byte();
        const size = reader.u32();
        const end = reader.position + size;
        if (subsection === 1) {
          for (let count = reader.u32(); count > 0; count--) {
            const index = reader.u32();
            names.set(index, reader.name());
          }
        }
        reader.position = end;
      }
    }
    for (const [index, name] of this.#functionNames) names.set(index, name);
    const functionNames = new ByteWriter(names.size * 16 + 5).u32(names.size);
    for (const index of [...names.keys()].sort((a, b) => a - b)) functionNames.u32(index).name(names.get(index)!);
    const content = new ByteWriter().name('name').byte(1).sized(functionNames.finish()).finish();
    return new ByteWriter(content.length + 6).section(SectionId.custom, content).finish();
  }
}

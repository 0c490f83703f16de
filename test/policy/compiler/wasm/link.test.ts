import t, { type Test } from 'tap';
import {
  ByteWriter,
  ExternalKind,
  encodeUtf8,
  readModule,
  SectionId,
  ValType,
  WASM_MODULE_HEADER,
} from '../../../../proxy/policy/compiler/wasm/encoding.js';
import { CodeWriter, encodeFunctionBody } from '../../../../proxy/policy/compiler/wasm/instructions.js';
import { i32ConstExpr, LinkError, ModuleLinker } from '../../../../proxy/policy/compiler/wasm/link.js';
import { wasm } from './fixtures/webassembly.js';

const RUNTIME_DATA_ADDRESS = 16;
const RUNTIME_HEAP_BASE = 1000;

/**
 * fakeRuntime is a module shaped like runtime.wasm as far as the linker cares: it imports env.memory (one page),
 * exports a mutable `airlock_heap_base` initialised by i32.const, has a start function calling the
 * `airlock_policy_init` stub, a data segment below the heap base and a DataCount section.
 */
function fakeRuntime(): Uint8Array {
  const voidType = 0;
  const i32Type = 1;
  const types = new ByteWriter().u32(2);
  types.byte(0x60).u32(0).u32(0);
  types.byte(0x60).u32(0).u32(1).byte(ValType.i32);
  const imports = new ByteWriter().u32(1).name('env').name('memory').byte(ExternalKind.memory).byte(0).u32(1);
  // 0: airlock_policy_init (stub), 1: heap_base_value, 2: probe (stub the test replaces)
  const functions = new ByteWriter().u32(3).u32(voidType).u32(i32Type).u32(i32Type);
  const globals = new ByteWriter().u32(2);
  globals.byte(ValType.i32).byte(1).bytes(i32ConstExpr(RUNTIME_HEAP_BASE));
  globals.byte(ValType.i32).byte(0).bytes(i32ConstExpr(7));
  const exports = new ByteWriter().u32(4);
  exports.name('airlock_heap_base').byte(ExternalKind.global).u32(0);
  exports.name('airlock_policy_init').byte(ExternalKind.function).u32(0);
  exports.name('heap_base_value').byte(ExternalKind.function).u32(1);
  exports.name('probe').byte(ExternalKind.function).u32(2);
  const bodies = [
    encodeFunctionBody({ locals: [], code: new CodeWriter().finish() }),
    encodeFunctionBody({ locals: [], code: new CodeWriter().globalGet(0).finish() }),
    encodeFunctionBody({ locals: [], code: new CodeWriter().globalGet(1).finish() }),
  ];
  const code = new ByteWriter().u32(bodies.length);
  for (const body of bodies) code.sized(body);
  const data = new ByteWriter().u32(1).u32(0).bytes(i32ConstExpr(RUNTIME_DATA_ADDRESS)).sized(encodeUtf8('runtime'));
  const names = new ByteWriter().name('name').byte(1).sized(new ByteWriter().u32(1).u32(0).name('init').finish());

  const out = new ByteWriter().bytes(WASM_MODULE_HEADER);
  out.section(SectionId.type, types.finish());
  out.section(SectionId.import, imports.finish());
  out.section(SectionId.function, functions.finish());
  out.section(SectionId.global, globals.finish());
  out.section(SectionId.export, exports.finish());
  out.section(SectionId.start, new ByteWriter().u32(0).finish());
  out.section(SectionId.dataCount, new ByteWriter().u32(1).finish());
  out.section(SectionId.code, code.finish());
  out.section(SectionId.data, data.finish());
  out.section(SectionId.custom, names.finish());
  return out.finish();
}

function instantiate(t: Test, bytes: Uint8Array, pages = 1) {
  t.ok(wasm.validate(bytes), 'the linked module validates');
  const memory = new wasm.Memory({ initial: pages });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const call = (name: string): number => (instance.exports[name] as () => number)();
  const text = (address: number, length: number): string =>
    Buffer.from(memory.buffer, address, length).toString('utf8');
  return { memory, call, text };
}

const emptyInit = { locals: [], code: new CodeWriter().finish() };

t.test('linking nothing keeps the runtime working and aligns the heap base', async (t) => {
  const linker = new ModuleLinker(readModule(fakeRuntime()));
  linker.replaceExportedFunction('airlock_policy_init', emptyInit);
  const { call, text } = instantiate(t, linker.link({ dataLoader: 'airlock_policy_init' }));
  t.equal(call('heap_base_value'), 1008);
  t.equal(call('probe'), 7);
  t.equal(text(RUNTIME_DATA_ADDRESS, 7), 'runtime');
});

t.test('data goes at the heap base and the heap base moves past it', async (t) => {
  const linker = new ModuleLinker(readModule(fakeRuntime()));
  const hello = linker.addData(encodeUtf8('hello'));
  const aligned = linker.addData(encodeUtf8('world'), 8);
  t.equal(hello, 1008);
  t.equal(aligned, 1016);
  linker.replaceExportedFunction('airlock_policy_init', emptyInit);
  const linked = linker.link({ dataLoader: 'airlock_policy_init' });
  t.equal(readModule(linked).dataCount, 2, 'DataCount counts the new segment');
  const { call, text } = instantiate(t, linked);
  t.equal(text(hello, 5), 'hello');
  t.equal(text(aligned, 5), 'world');
  t.equal(text(RUNTIME_DATA_ADDRESS, 7), 'runtime');
  t.equal(call('heap_base_value'), 1024);
});

t.test('added functions and globals come after the runtime and stub bodies are replaced', async (t) => {
  const runtime = readModule(fakeRuntime());
  const linker = new ModuleLinker(runtime);
  const counter = linker.addGlobal(ValType.i32, true, i32ConstExpr(40));
  t.equal(counter, 2);
  const i32Result = { params: [], results: [ValType.i32] };
  t.equal(linker.typeIndex(i32Result), 1, 'an existing signature is reused');
  const addTwo = linker.declareFunction(i32Result, 'add_two');
  t.equal(addTwo, 3);
  linker.defineFunction(addTwo, {
    locals: [ValType.i32],
    code: new CodeWriter().globalGet(counter).i32Const(2).op(0x6a).localTee(0).globalSet(counter).localGet(0).finish(),
  });
  // The init stub bumps the counter once at start-up; probe calls the new function.
  linker.replaceExportedFunction('airlock_policy_init', {
    locals: [],
    code: new CodeWriter().call(addTwo).drop().finish(),
  });
  linker.replaceExportedFunction('probe', { locals: [], code: new CodeWriter().call(addTwo).finish() });
  t.equal(linker.typeIndex({ params: [ValType.i64], results: [] }), 2, 'a new signature is appended');
  const linked = linker.link({ dataLoader: 'airlock_policy_init', functionNames: true });
  t.equal(readModule(linked).types.length, 3);
  const { call } = instantiate(t, linked);
  t.equal(call('probe'), 44);
  const names = wasm.Module.customSections(new wasm.Module(linked), 'name');
  t.equal(names.length, 1, 'a name section is written');
  t.match(Buffer.from(names[0]!).toString('latin1'), /init[\s\S]*add_two/);
});

t.test('data beyond the memory the runtime asks for is copied in by the data loader', async (t) => {
  const linker = new ModuleLinker(readModule(fakeRuntime()));
  const big = new Uint8Array(150_000).fill(0x61);
  big.set(encodeUtf8('tail'), big.length - 4);
  const address = linker.addData(big);
  linker.replaceExportedFunction('airlock_policy_init', emptyInit);
  const linked = linker.link({ dataLoader: 'airlock_policy_init' });
  const { memory, text, call } = instantiate(t, linked, 1);
  t.equal(memory.buffer.byteLength, 3 * 65536, 'memory grew to hold the data');
  t.equal(text(address + big.length - 4, 4), 'tail');
  t.equal(text(RUNTIME_DATA_ADDRESS, 7), 'runtime');
  t.equal(call('heap_base_value'), 1008 + 150_000);
});

t.test('the linker refuses a runtime that breaks the contract', async (t) => {
  const linker = new ModuleLinker(readModule(fakeRuntime()));
  t.throws(() => linker.replaceExportedFunction('missing', emptyInit), LinkError);
  const declared = linker.declareFunction({ params: [], results: [] });
  t.throws(() => linker.link({ dataLoader: 'airlock_policy_init' }), /never defined/);
  t.throws(() => linker.defineFunction(declared + 1, emptyInit), LinkError);
});

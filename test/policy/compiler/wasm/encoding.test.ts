import fc from 'fast-check';
import t from 'tap';
import {
  ByteReader,
  ByteWriter,
  ExternalKind,
  readI32ConstExpr,
  readModule,
  SectionId,
  ValType,
  WASM_MODULE_HEADER,
  WasmFormatError,
} from '../../../../proxy/policy/compiler/wasm/encoding.js';
import { CodeWriter, encodeFunctionBody, Opcode } from '../../../../proxy/policy/compiler/wasm/instructions.js';
import { wasm } from './fixtures/webassembly.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

t.test('u32 writes unsigned LEB128', async (t) => {
  const cases: Array<{ value: number; want: string }> = [
    { value: 0, want: '00' },
    { value: 1, want: '01' },
    { value: 127, want: '7f' },
    { value: 128, want: '8001' },
    { value: 16383, want: 'ff7f' },
    { value: 16384, want: '808001' },
    { value: 624485, want: 'e58e26' },
    { value: 0x7fffffff, want: 'ffffffff07' },
    { value: 0x80000000, want: '8080808008' },
    { value: 0xffffffff, want: 'ffffffff0f' },
  ];
  for (const { value, want } of cases) {
    const bytes = new ByteWriter(1).u32(value).finish();
    t.equal(hex(bytes), want, `u32 ${value}`);
    t.equal(new ByteReader(bytes).u32(), value, `u32 ${value} reads back`);
  }
  t.throws(() => new ByteWriter().u32(-1), RangeError);
  t.throws(() => new ByteWriter().u32(2 ** 32), RangeError);
  t.throws(() => new ByteWriter().u32(1.5), RangeError);
});

t.test('s32 writes signed LEB128 with the shortest encoding', async (t) => {
  const cases: Array<{ value: number; want: string }> = [
    { value: 0, want: '00' },
    { value: 63, want: '3f' },
    { value: 64, want: 'c000' },
    { value: -1, want: '7f' },
    { value: -64, want: '40' },
    { value: -65, want: 'bf7f' },
    { value: -123456, want: 'c0bb78' },
    { value: 2147483647, want: 'ffffffff07' },
    { value: -2147483648, want: '8080808078' },
  ];
  for (const { value, want } of cases) {
    const bytes = new ByteWriter(1).s32(value).finish();
    t.equal(hex(bytes), want, `s32 ${value}`);
    t.equal(new ByteReader(bytes).s32(), value, `s32 ${value} reads back`);
  }
  // Addresses above 2^31 are written as the i32 with the same bits.
  t.equal(hex(new ByteWriter().s32(0xffffffff).finish()), '7f');
  t.throws(() => new ByteWriter().s32(2 ** 32), RangeError);
});

t.test('s64 writes signed LEB128 of 64-bit integers', async (t) => {
  const cases: Array<{ value: bigint; want: string }> = [
    { value: 0n, want: '00' },
    { value: -1n, want: '7f' },
    { value: 64n, want: 'c000' },
    { value: (1n << 63n) - 1n, want: 'ffffffffffffffffff00' },
    { value: -(1n << 63n), want: '8080808080808080807f' },
    { value: 9007199254740993n, want: '8180808080808010' },
  ];
  for (const { value, want } of cases) {
    const bytes = new ByteWriter(1).s64(value).finish();
    t.equal(hex(bytes), want, `s64 ${value}`);
    t.equal(new ByteReader(bytes).s64(), value, `s64 ${value} reads back`);
  }
  t.equal(new ByteReader(new ByteWriter().s64(1n << 63n).finish()).s64(), -(1n << 63n), 'wraps above 2^63');
  t.throws(() => new ByteWriter().s64(1n << 64n), RangeError);
});

t.test('the reader rejects truncated and overlong integers', async (t) => {
  t.throws(() => new ByteReader(Uint8Array.of(0x80)).u32(), WasmFormatError);
  t.throws(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)).u32(), WasmFormatError);
  t.throws(() => new ByteReader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).s32(), WasmFormatError);
});

/** constantModule is a module exporting `get` = the constant, written with the encoder under test. */
function constantModule(kind: 'i32' | 'i64', value: number | bigint): Uint8Array {
  const code = new CodeWriter();
  if (kind === 'i32') code.i32Const(Number(value));
  else code.i64Const(BigInt(value));
  const body = encodeFunctionBody({ locals: [], code: code.finish() });
  const type = new ByteWriter()
    .u32(1)
    .byte(0x60)
    .u32(0)
    .u32(1)
    .byte(kind === 'i32' ? ValType.i32 : ValType.i64);
  const out = new ByteWriter().bytes(WASM_MODULE_HEADER);
  out.section(SectionId.type, type.finish());
  out.section(SectionId.function, new ByteWriter().u32(1).u32(0).finish());
  out.section(SectionId.export, new ByteWriter().u32(1).name('get').byte(ExternalKind.function).u32(0).finish());
  out.section(SectionId.code, new ByteWriter().u32(1).sized(body).finish());
  return out.finish();
}

function runConstant(kind: 'i32' | 'i64', value: number | bigint): unknown {
  const instance = new wasm.Instance(new wasm.Module(constantModule(kind, value)));
  return (instance.exports.get as () => unknown)();
}

t.test('V8 reads the constants the writer encodes', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (value) => runConstant('i32', value) === value),
  );
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      (value) => runConstant('i64', value) === value,
    ),
  );
  t.equal(runConstant('i32', -2147483648), -2147483648);
  t.equal(runConstant('i64', -(1n << 63n)), -(1n << 63n));
});

t.test('readModule finds sections and decodes types, functions, globals, exports and code', async (t) => {
  const bytes = constantModule('i64', 42n);
  const layout = readModule(bytes);
  t.same(
    layout.sections.map((s) => s.id),
    [SectionId.type, SectionId.function, SectionId.export, SectionId.code],
  );
  t.same(layout.types, [{ params: [], results: [ValType.i64] }]);
  t.same(layout.functionTypes, [0]);
  t.same(layout.exports, [{ name: 'get', kind: ExternalKind.function, index: 0 }]);
  t.equal(layout.codeBodies.length, 1);
  t.throws(() => readModule(Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0)), WasmFormatError);
});

t.test('readI32ConstExpr recognises only a lone i32.const', async (t) => {
  t.equal(readI32ConstExpr(Uint8Array.of(Opcode.i32Const, 0x80, 0x08, Opcode.end)), 1024);
  t.equal(readI32ConstExpr(Uint8Array.of(Opcode.globalGet, 0, Opcode.end)), undefined);
  t.equal(
    readI32ConstExpr(Uint8Array.of(Opcode.i32Const, 1, Opcode.i32Const, 2, Opcode.i32Add, Opcode.end)),
    undefined,
  );
});

t.test('CodeWriter computes branch depths from labels', async (t) => {
  const code = new CodeWriter();
  const outer = code.block();
  const inner = code.loop();
  code.br(outer).br(inner).end().end();
  t.equal(hex(code.finish()), '02400340' + '0c01' + '0c00' + '0b0b0b');
  t.throws(() => new CodeWriter().br(0), /not open/);
  const unclosed = new CodeWriter();
  unclosed.block();
  t.throws(() => unclosed.finish(), /left open/);
});

t.test('encodeFunctionBody groups locals of one type', async (t) => {
  const body = encodeFunctionBody({ locals: [ValType.i32, ValType.i32, ValType.i64], code: Uint8Array.of(0x0b) });
  t.equal(hex(body), '02027f017e0b');
});

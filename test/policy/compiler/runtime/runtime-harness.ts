// A harness for testing the policy runtime on its own: instantiates runtime/build/runtime.wasm with the imports
// the OPA SDK supplies, and wraps the exports the tests use. Build the runtime first:
// `node scripts/build-runtime.mjs`.

import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { fileURLToPath } from 'node:url';

export const RUNTIME_PATH = fileURLToPath(
  new URL('../../../../proxy/policy/compiler/runtime/build/runtime.wasm', import.meta.url),
);

/** readRuntime returns the bytes of the built runtime. */
export function readRuntime(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(RUNTIME_PATH));
}

type Exports = Record<string, (...args: never[]) => unknown> & {
  memory: WebAssembly.Memory;
  airlock_heap_base: WebAssembly.Global;
  airlock_strict_builtin_errors: WebAssembly.Global;
  opa_wasm_abi_version: WebAssembly.Global;
  opa_wasm_abi_minor_version: WebAssembly.Global;
};

/** HostBuiltin answers `opa_builtinN(id, ctx, ...args)` with a value address. */
export type HostBuiltin = (id: number, ...args: number[]) => number;

/** Runtime is an instantiated runtime with helpers to move values in and out. */
export interface Runtime {
  exports: Exports;
  memory: WebAssembly.Memory;
  /** call calls export `name` with numeric arguments (bigint for i64). */
  call(name: string, ...args: (number | bigint)[]): number;
  /** put copies UTF-8 text into the heap and returns [address, length]. */
  put(text: string | Uint8Array): [number, number];
  /** parse parses JSON text; 0 on error. */
  parse(json: string): number;
  /** value parses Rego value text (sets allowed) and fails the test helper when it cannot. */
  value(rego: string): number;
  /** json dumps a value as JSON text. */
  json(v: number): string;
  /** rego dumps a value in Rego value syntax. */
  rego(v: number): string;
  /** text reads the NUL-terminated UTF-8 string at `addr`. */
  text(addr: number): string;
  /** builtin calls native built-in `name` (dots allowed) on Rego value texts; returns Rego text or undefined. */
  builtin(name: string, ...args: string[]): string | undefined;
  /** printed lines from opa_println. */
  printed: string[];
}

/** RuntimeAbort is thrown by the harness's opa_abort, carrying the runtime's message. */
export class RuntimeAbort extends Error {
  override name = 'RuntimeAbort';
}

/** instantiate builds a fresh runtime instance (from `bytes`, default the built runtime). */
export function instantiate(
  options: { bytes?: Uint8Array<ArrayBuffer>; host?: HostBuiltin; pages?: number } = {},
): Runtime {
  const memory = new WebAssembly.Memory({ initial: options.pages ?? 5 });
  const printed: string[] = [];
  const text = (addr: number): string => {
    const bytes = new Uint8Array(memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(addr, end));
  };
  const host: HostBuiltin = options.host ?? (() => 0);
  const env = {
    memory,
    opa_abort: (addr: number) => {
      throw new RuntimeAbort(text(addr));
    },
    opa_println: (addr: number) => {
      printed.push(text(addr));
    },
    opa_builtin0: (id: number, _ctx: number) => host(id),
    opa_builtin1: (id: number, _ctx: number, a: number) => host(id, a),
    opa_builtin2: (id: number, _ctx: number, a: number, b: number) => host(id, a, b),
    opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) => host(id, a, b, c),
    opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) => host(id, a, b, c, d),
  };
  const module = new WebAssembly.Module(options.bytes ?? readRuntime());
  const instance = new WebAssembly.Instance(module, { env });
  const exports = instance.exports as unknown as Exports;
  const call = (name: string, ...args: (number | bigint)[]): number => {
    const f = exports[name] as unknown as ((...a: (number | bigint)[]) => number) | undefined;
    if (typeof f !== 'function') throw new Error(`runtime has no export ${name}`);
    return f(...args);
  };
  const put = (input: string | Uint8Array): [number, number] => {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    const addr = call('opa_malloc', bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return [addr, bytes.length];
  };
  const parse = (json: string) => call('opa_json_parse', ...put(json));
  const value = (rego: string) => {
    const v = call('opa_value_parse', ...put(rego));
    if (v === 0) throw new Error(`test value does not parse: ${rego}`);
    return v;
  };
  const json = (v: number) => text(call('opa_json_dump', v));
  const rego = (v: number) => text(call('opa_value_dump', v));
  const builtin = (name: string, ...args: string[]) => {
    const result = call(`builtin_${name.replaceAll('.', '_')}`, ...args.map(value));
    return result === 0 ? undefined : rego(result);
  };
  return { exports, memory, call, put, parse, value, json, rego, text, builtin, printed };
}

/** exportedFunctionIndex returns the function index of export `name` in a wasm binary. */
export function exportedFunctionIndex(bytes: Uint8Array, name: string): number {
  for (const section of sections(bytes)) {
    if (section.id !== 7) continue;
    let [count, p] = readU32(bytes, section.start);
    for (; count > 0; count--) {
      let length: number;
      [length, p] = readU32(bytes, p);
      const exportName = new TextDecoder().decode(bytes.subarray(p, p + length));
      p += length;
      const kind = bytes[p++];
      let index: number;
      [index, p] = readU32(bytes, p);
      if (kind === 0 && exportName === name) return index;
    }
  }
  throw new Error(`no exported function ${name}`);
}

/**
 * replaceFunctionBody returns a copy of `bytes` with the body of exported function `name` replaced by `body`
 * (local declarations and code, without the size prefix): what the compiler's linker does to the stubs.
 */
export function replaceFunctionBody(bytes: Uint8Array, name: string, body: number[]): Uint8Array<ArrayBuffer> {
  const index = exportedFunctionIndex(bytes, name);
  let imported = 0;
  for (const section of sections(bytes)) {
    if (section.id !== 2) continue;
    let [count, p] = readU32(bytes, section.start);
    for (; count > 0; count--) {
      for (let k = 0; k < 2; k++) {
        let length: number;
        [length, p] = readU32(bytes, p);
        p += length;
      }
      const kind = bytes[p++];
      if (kind === 0) {
        imported++;
        [, p] = readU32(bytes, p);
      } else if (kind === 2) {
        const flags = bytes[p++]!;
        [, p] = readU32(bytes, p);
        if (flags & 1) [, p] = readU32(bytes, p);
      } else {
        throw new Error('unexpected import kind');
      }
    }
  }
  const code = sections(bytes).find((s) => s.id === 10)!;
  let [count, p] = readU32(bytes, code.start);
  const bodies: number[][] = [];
  for (let i = 0; i < count; i++) {
    let size: number;
    [size, p] = readU32(bytes, p);
    bodies.push(i === index - imported ? body : Array.from(bytes.subarray(p, p + size)));
    p += size;
  }
  const content = [...encodeU32(count), ...bodies.flatMap((b) => [...encodeU32(b.length), ...b])];
  return Uint8Array.from([
    ...bytes.subarray(0, code.headerStart),
    10,
    ...encodeU32(content.length),
    ...content,
    ...bytes.subarray(code.end),
  ]);
}

interface Section {
  id: number;
  headerStart: number;
  start: number;
  end: number;
}

function sections(bytes: Uint8Array): Section[] {
  const out: Section[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p]!;
    const [size, start] = readU32(bytes, p + 1);
    out.push({ id, headerStart: p, start, end: start + size });
    p = start + size;
  }
  return out;
}

function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++]!;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, pos];
    shift += 7;
  }
}

/** encodeU32 is the unsigned LEB128 encoding of `n`. */
export function encodeU32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** BuiltinRow is one built-in call on Rego value texts and its expected result in Rego syntax (undefined: none). */
export type BuiltinRow = [call: [name: string, ...args: string[]], want: string | undefined, note?: string];

/** checkBuiltins runs each row's call on `rt` and compares the result. */
export function checkBuiltins(t: Test, rt: Runtime, rows: BuiltinRow[]): void {
  for (const [[name, ...args], want, note] of rows) {
    t.equal(rt.builtin(name, ...args), want, note ?? `${name}(${args.join(', ')})`);
  }
}

#!/usr/bin/env node
// build-runtime compiles the policy runtime (proxy/policy/compiler/runtime/assembly, AssemblyScript) into
// proxy/policy/compiler/runtime/build/runtime.wasm, then fixes up and checks the binary against the contract in
// proxy/policy/compiler/runtime/README.md:
//   - `airlock_heap_base` is initialised with a plain `i32.const` holding the first 16-aligned address after the
//     runtime's own data segments (the linker moves it past the policy's data);
//   - the module imports exactly env.memory (≤ 5 pages, no maximum), opa_abort, opa_println, opa_builtin0..4;
//   - every export the README names is present, the two stubs are functions of their own (no other export shares
//     them) and the start function calls `airlock_policy_init`.
// Any violation fails the build: a runtime that breaks the contract would make the linker emit broken policies.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeDir = join(root, 'proxy/policy/compiler/runtime');
const entry = relative(root, join(runtimeDir, 'assembly/index.ts'));
const outFile = join(runtimeDir, 'build/runtime.wasm');

/** The asc command line, also reported in the runtime README. */
export const ASC_FLAGS = [
  '--runtime',
  'stub',
  '--importMemory',
  '--initialMemory',
  '2',
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--converge',
  '--noAssert',
  '--use',
  `abort=${relative(root, join(runtimeDir, 'assembly/abort'))}/runtimeAbort`,
];

const REQUIRED_IMPORTS = [
  'env.memory',
  'env.opa_abort',
  'env.opa_println',
  'env.opa_builtin0',
  'env.opa_builtin1',
  'env.opa_builtin2',
  'env.opa_builtin3',
  'env.opa_builtin4',
];

const REQUIRED_EXPORTS = [
  'memory',
  'airlock_heap_base',
  'opa_wasm_abi_version',
  'opa_wasm_abi_minor_version',
  'opa_malloc',
  'opa_free',
  'opa_json_parse',
  'opa_value_parse',
  'opa_json_dump',
  'opa_value_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'eval',
  'opa_eval',
  'opa_value_add_path',
  'opa_value_remove_path',
  'opa_value_free',
  'opa_heap_blocks_stash',
  'opa_heap_blocks_restore',
  'opa_heap_stash_clear',
  'builtins',
  'entrypoints',
  'airlock_policy_init',
  'airlock_policy_eval',
  'airlock_set_manifest',
  'opa_null',
  'opa_boolean',
  'opa_number_int',
  'opa_number_ref',
  'opa_string',
  'opa_array_with_cap',
  'opa_object',
  'opa_set',
  'opa_value_type',
  'opa_value_get',
  'opa_value_length',
  'opa_value_compare',
  'opa_value_equal',
  'opa_array_append',
  'opa_object_insert',
  'airlock_object_insert_once',
  'opa_set_add',
  'opa_value_merge',
  'airlock_scan_key',
  'airlock_scan_value',
  'airlock_value_with',
  'airlock_call_host',
];

/** Function signatures the linker and the emitted code rely on, as `params->results` in wasm types. */
const REQUIRED_SIGNATURES = {
  airlock_policy_init: '->',
  airlock_policy_eval: 'i32,i32,i32,i32->',
  opa_number_int: 'i64->i32',
  opa_eval: 'i32,i32,i32,i32,i32,i32,i32->i32',
  airlock_call_host: 'i32,i32,i32,i32,i32,i32->i32',
};

/**
 * KeepStubsOutOfLine marks the two stubs as never to be inlined, before binaryen optimises: the linker replaces
 * their bodies, so a copy inlined into `opa_eval` or the start function would keep running the stub.
 */
class KeepStubsOutOfLine {
  afterCompile(module) {
    this.binaryen.setPassArgument('no-inline', '*airlock_policy_*');
    module.runPasses(['no-inline']);
    this.binaryen.setPassArgument('no-inline', null);
  }
}

async function compile() {
  let binary;
  const stderr = [];
  const { error } = await asc.main([entry, '--outFile', 'runtime.wasm', ...ASC_FLAGS], {
    readFile: (name, baseDir) => readFile(join(baseDir, name), 'utf8').catch(() => null),
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
    transforms: [KeepStubsOutOfLine],
    stderr: { write: (chunk) => stderr.push(String(chunk)) },
    stdout: { write: () => {} },
  });
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.join('')}`);
  if (!binary) throw new Error(`asc produced no binary\n${stderr.join('')}`);
  return binary;
}

// A minimal reader for the sections we check. Wasm integers are LEB128.
function readU32(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, pos];
    shift += 7;
  }
}

function readS32(bytes, pos) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) result |= -1 << shift;
  return [result | 0, pos];
}

function encodeU32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function encodeS32(n) {
  const out = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function readName(bytes, pos) {
  const [length, start] = readU32(bytes, pos);
  return [Buffer.from(bytes.subarray(start, start + length)).toString('utf8'), start + length];
}

// Value type codes: 0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64.
const VALTYPES = { 127: 'i32', 126: 'i64', 125: 'f32', 124: 'f64' };

function parseModule(bytes) {
  const sections = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readU32(bytes, pos + 1);
    sections.push({ id, start: pos, bodyStart: start, end: start + size });
    pos = start + size;
  }
  const module = {
    sections,
    types: [],
    imports: [],
    funcTypes: [],
    exports: new Map(),
    globals: [],
    dataEnd: 0,
    start: -1,
  };
  for (const section of sections) {
    let p = section.bodyStart;
    if (section.id === 1) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        p++; // 0x60
        let n;
        [n, p] = readU32(bytes, p);
        const params = Array.from(bytes.subarray(p, p + n), (b) => VALTYPES[b]);
        p += n;
        [n, p] = readU32(bytes, p);
        const results = Array.from(bytes.subarray(p, p + n), (b) => VALTYPES[b]);
        p += n;
        module.types.push(`${params.join(',')}->${results.join(',')}`);
      }
    } else if (section.id === 2) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        let moduleName;
        let name;
        [moduleName, p] = readName(bytes, p);
        [name, p] = readName(bytes, p);
        const kind = bytes[p++];
        const entry = { name: `${moduleName}.${name}`, kind };
        if (kind === 0) {
          [entry.type, p] = readU32(bytes, p);
          module.funcTypes.push(entry.type);
        } else if (kind === 2) {
          const flags = bytes[p++];
          [entry.initial, p] = readU32(bytes, p);
          if (flags & 1) [entry.maximum, p] = readU32(bytes, p);
        } else {
          throw new Error(`unexpected import kind ${kind} for ${entry.name}`);
        }
        module.imports.push(entry);
      }
    } else if (section.id === 3) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        let type;
        [type, p] = readU32(bytes, p);
        module.funcTypes.push(type);
      }
    } else if (section.id === 6) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        const start = p;
        const type = bytes[p++];
        const mutable = bytes[p++] === 1;
        const initStart = p;
        while (bytes[p] !== 0x0b) p = skipInstruction(bytes, p);
        p++;
        module.globals.push({ start, type, mutable, init: bytes.subarray(initStart, p), end: p });
      }
    } else if (section.id === 7) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        let name;
        [name, p] = readName(bytes, p);
        const kind = bytes[p++];
        let index;
        [index, p] = readU32(bytes, p);
        module.exports.set(name, { kind, index });
      }
    } else if (section.id === 8) {
      [module.start] = readU32(bytes, p);
    } else if (section.id === 11) {
      let count;
      [count, p] = readU32(bytes, p);
      for (let i = 0; i < count; i++) {
        let flags;
        [flags, p] = readU32(bytes, p);
        if (flags === 1) throw new Error('passive data segments are not expected');
        if (flags === 2) [, p] = readU32(bytes, p);
        if (bytes[p] !== 0x41) throw new Error('data segment offset is not i32.const');
        let offset;
        [offset, p] = readS32(bytes, p + 1);
        p++; // end
        let size;
        [size, p] = readU32(bytes, p);
        p += size;
        module.dataEnd = Math.max(module.dataEnd, offset + size);
      }
    }
  }
  return module;
}

// Only constant expressions appear in global initialisers.
function skipInstruction(bytes, p) {
  const op = bytes[p++];
  if (op === 0x41 || op === 0x23) return readS32(bytes, p)[1];
  if (op === 0x42) {
    while (bytes[p] & 0x80) p++;
    return p + 1;
  }
  if (op === 0x43) return p + 4;
  if (op === 0x44) return p + 8;
  throw new Error(`unexpected opcode 0x${op.toString(16)} in a constant expression`);
}

/** functionBody returns the code bytes of function `index` (imports included in the numbering). */
function functionBody(bytes, module, index) {
  const importedFunctions = module.imports.filter((i) => i.kind === 0).length;
  const code = module.sections.find((s) => s.id === 10);
  let [count, p] = readU32(bytes, code.bodyStart);
  const wanted = index - importedFunctions;
  for (let i = 0; i < count; i++) {
    let size;
    [size, p] = readU32(bytes, p);
    if (i === wanted) return bytes.subarray(p, p + size);
    p += size;
  }
  throw new Error(`no body for function ${index}`);
}

function patchHeapBase(bytes, module, value) {
  const exported = module.exports.get('airlock_heap_base');
  if (exported?.kind !== 3) throw new Error('airlock_heap_base is not an exported global');
  const global = module.globals[exported.index];
  if (!global.mutable || global.type !== 0x7f) throw new Error('airlock_heap_base must be a mutable i32');
  const init = [0x41, ...encodeS32(value), 0x0b];
  const section = module.sections.find((s) => s.id === 6);
  const body = [
    ...bytes.subarray(section.bodyStart, global.start + 2),
    ...init,
    ...bytes.subarray(global.end, section.end),
  ];
  return Uint8Array.from([
    ...bytes.subarray(0, section.start),
    6,
    ...encodeU32(body.length),
    ...body,
    ...bytes.subarray(section.end),
  ]);
}

function check(bytes, module) {
  const problems = [];
  const importNames = module.imports.map((i) => i.name);
  for (const name of REQUIRED_IMPORTS) if (!importNames.includes(name)) problems.push(`missing import ${name}`);
  for (const name of importNames) if (!REQUIRED_IMPORTS.includes(name)) problems.push(`unexpected import ${name}`);
  const memory = module.imports.find((i) => i.name === 'env.memory');
  if (memory && (memory.initial > 5 || memory.maximum !== undefined)) {
    problems.push(
      `memory import must have ≤ 5 initial pages and no maximum (has ${memory.initial}, ${memory.maximum})`,
    );
  }
  for (const name of REQUIRED_EXPORTS) if (!module.exports.has(name)) problems.push(`missing export ${name}`);
  for (const [name, signature] of Object.entries(REQUIRED_SIGNATURES)) {
    const exported = module.exports.get(name);
    if (!exported) continue;
    const actual = module.types[module.funcTypes[exported.index]];
    if (actual !== signature) problems.push(`${name} has signature ${actual}, expected ${signature}`);
  }
  for (const stub of ['airlock_policy_init', 'airlock_policy_eval']) {
    const exported = module.exports.get(stub);
    if (!exported) continue;
    for (const [name, other] of module.exports) {
      if (name !== stub && other.kind === 0 && other.index === exported.index) {
        problems.push(`${stub} shares its function with export ${name}`);
      }
    }
  }
  const heapBase = module.globals[module.exports.get('airlock_heap_base')?.index];
  if (heapBase?.init[0] !== 0x41) problems.push('airlock_heap_base is not initialised by i32.const');
  const init = module.exports.get('airlock_policy_init');
  if (module.start < 0) problems.push('no start function');
  else if (init && !callsFunction(functionBody(bytes, module, module.start), init.index)) {
    problems.push('the start function does not call airlock_policy_init');
  }
  const evalStub = module.exports.get('airlock_policy_eval');
  for (const caller of ['opa_eval', 'eval']) {
    const exported = module.exports.get(caller);
    if (exported && evalStub && !callsFunction(functionBody(bytes, module, exported.index), evalStub.index)) {
      problems.push(`${caller} does not call airlock_policy_eval`);
    }
  }
  if (problems.length > 0) throw new Error(`runtime.wasm breaks the runtime contract:\n  ${problems.join('\n  ')}`);
}

/** callsFunction reports whether `body` contains `call index` (a byte search: good enough for a check). */
function callsFunction(body, index) {
  const pattern = [0x10, ...encodeU32(index)];
  outer: for (let i = 0; i + pattern.length <= body.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (body[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}

async function main() {
  const binary = await compile();
  const module = parseModule(binary);
  const heapBase = (module.dataEnd + 15) & ~15;
  const patched = patchHeapBase(binary, module, heapBase);
  check(patched, parseModule(patched));
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, patched);
  process.stdout.write(
    `runtime.wasm: ${patched.length} bytes, heap base ${heapBase} (asc ${['', ...ASC_FLAGS].join(' ').trim()})\n`,
  );
}

await main();

/*
 * The policy's constant values. Each distinct constant (a string, a number, null, a boolean, a `with` path) is made
 * once, by the generated `airlock_policy_init`, into a global that evaluation only reads: no evaluation allocates
 * or parses a constant again. The bytes behind strings and number literals live in the linker's data segment, which
 * the runtime's `opa_string` points into without copying.
 *
 * Collections whose contents are constant (constant-collections.ts) are made here too, by the same runtime calls
 * the emitted code would make at each evaluation.
 *
 * Constants are safe to share because the emitted code never mutates a value it did not just make with a
 * `Make*` statement (runtime/README.md, "Values"), and constant collections are never filled after start-up.
 */

import type { ConstantValue } from './constant-collections.js';
import { encodeUtf8, ValType } from './encoding.js';
import type { CodeWriter } from './instructions.js';
import { i32ConstExpr, type ModuleLinker } from './link.js';
import type { RuntimeAbi } from './runtime-abi.js';

/** Global is the index of a global variable. */
type Global = number;

/** Every constant's global starts at 0 and is set by the initialisation code; one initialiser serves them all. */
const ZERO_INIT = i32ConstExpr(0);

/**
 * ConstantPool hands out the global holding each constant, creating it on first request, and writes the code that
 * fills those globals at start-up.
 */
export class ConstantPool {
  readonly #linker: ModuleLinker;
  readonly #abi: RuntimeAbi;
  readonly #strings = new Map<string, Global>();
  readonly #integers = new Map<bigint, Global>();
  readonly #numberLiterals = new Map<string, Global>();
  readonly #paths = new Map<string, { global: Global; keys: Global[] }>();
  readonly #literals = new Map<'null' | 'true' | 'false', Global>();
  /** Constant collections by their text; each one's members were requested before it, so they are made first. */
  readonly #collections = new Map<string, { global: Global; collection: CollectionParts }>();
  readonly #cStrings = new Map<string, number>();
  readonly #byteRanges = new Map<string, { address: number; length: number }>();
  readonly #staticStrings: readonly string[];
  /** The global of `Static.strings[i]`, by i: most operands are string constants, and an array beats hashing. */
  readonly #staticStringGlobals: Global[] = [];

  constructor(linker: ModuleLinker, abi: RuntimeAbi, staticStrings: readonly string[]) {
    this.#linker = linker;
    this.#abi = abi;
    this.#staticStrings = staticStrings;
  }

  #newGlobal(): Global {
    return this.#linker.addGlobal(ValType.i32, true, ZERO_INIT);
  }

  #get<K>(map: Map<K, Global>, key: K): Global {
    let global = map.get(key);
    if (global === undefined) {
      global = this.#newGlobal();
      map.set(key, global);
    }
    return global;
  }

  /** utf8 places the UTF-8 bytes of `text` in the data segment once and returns where they are. */
  utf8(text: string): { address: number; length: number } {
    let range = this.#byteRanges.get(text);
    if (range === undefined) {
      const bytes = encodeUtf8(text);
      range = { address: this.#linker.addData(bytes), length: bytes.length };
      this.#byteRanges.set(text, range);
    }
    return range;
  }

  /** cString places `text` with a terminating NUL (for `opa_abort`) and returns its address. */
  cString(text: string): number {
    let address = this.#cStrings.get(text);
    if (address === undefined) {
      const bytes = encodeUtf8(`${text}\0`);
      address = this.#linker.addData(bytes);
      this.#cStrings.set(text, address);
    }
    return address;
  }

  /** string is the global holding the Rego string `text`. */
  string(text: string): Global {
    return this.#get(this.#strings, text);
  }

  /** staticString is the global holding `Static.strings[index]`, undefined if there is no such string. */
  staticString(index: number): Global | undefined {
    let global = this.#staticStringGlobals[index];
    if (global === undefined) {
      const text = this.#staticStrings[index];
      if (text === undefined) return undefined;
      global = this.string(text);
      this.#staticStringGlobals[index] = global;
    }
    return global;
  }

  /** integer is the global holding the Rego number `value`. */
  integer(value: bigint): Global {
    return this.#get(this.#integers, value);
  }

  /** numberLiteral is the global holding the Rego number written `literal` (any precision). */
  numberLiteral(literal: string): Global {
    return this.#get(this.#numberLiterals, literal);
  }

  null(): Global {
    return this.#get(this.#literals, 'null');
  }

  boolean(value: boolean): Global {
    return this.#get(this.#literals, value ? 'true' : 'false');
  }

  /** path is the global holding the array of string keys `keys` (a `with` target path). */
  path(keys: readonly string[]): Global {
    const id = JSON.stringify(keys);
    let entry = this.#paths.get(id);
    if (entry === undefined) {
      entry = { global: this.#newGlobal(), keys: keys.map((key) => this.string(key)) };
      this.#paths.set(id, entry);
    }
    return entry.global;
  }

  /** value is the global holding constant `v`, a collection made once at start-up or a scalar. */
  value(v: ConstantValue): Global {
    switch (v.type) {
      case 'null':
        return this.null();
      case 'boolean':
        return this.boolean(v.value);
      case 'integer':
        return this.integer(v.value);
      case 'number':
        return this.numberLiteral(v.literal);
      case 'string':
        return this.string(v.text);
      case 'array':
      case 'set':
      case 'object': {
        const id = constantText(v);
        let entry = this.#collections.get(id);
        if (entry === undefined) {
          const collection: CollectionParts =
            v.type === 'object'
              ? { type: 'object', entries: v.entries.map(({ key, value }) => [this.value(key), this.value(value)]) }
              : { type: v.type, items: v.items.map((item) => this.value(item)) };
          entry = { global: this.#newGlobal(), collection };
          this.#collections.set(id, entry);
        }
        return entry.global;
      }
    }
  }

  /** writeInitialisation writes the code that makes every constant requested so far into its global. */
  writeInitialisation(code: CodeWriter): void {
    const abi = this.#abi;
    for (const [text, global] of this.#strings) {
      const { address, length } = this.utf8(text);
      code.i32Const(address).i32Const(length);
      abi.callValue(code, 'opa_string');
      code.globalSet(global);
    }
    for (const [value, global] of this.#integers) {
      code.i64Const(value);
      abi.callValue(code, 'opa_number_int');
      code.globalSet(global);
    }
    for (const [literal, global] of this.#numberLiterals) {
      const { address, length } = this.utf8(literal);
      code.i32Const(address).i32Const(length);
      abi.callValue(code, 'opa_number_ref');
      code.globalSet(global);
    }
    for (const [literal, global] of this.#literals) {
      if (literal === 'null') abi.callValue(code, 'opa_null');
      else {
        code.i32Const(literal === 'true' ? 1 : 0);
        abi.callValue(code, 'opa_boolean');
      }
      code.globalSet(global);
    }
    // Paths last: their elements are the string globals set above.
    for (const { global, keys } of this.#paths.values()) {
      code.i32Const(keys.length);
      abi.callValue(code, 'opa_array_with_cap');
      code.globalSet(global);
      for (const key of keys) {
        code.globalGet(global).globalGet(key);
        abi.callEffect(code, 'opa_array_append');
      }
    }
    // Collections last, in the order requested: members before the collections holding them.
    for (const { global, collection } of this.#collections.values()) {
      switch (collection.type) {
        case 'array':
          code.i32Const(collection.items.length);
          abi.callValue(code, 'opa_array_with_cap');
          code.globalSet(global);
          for (const item of collection.items) {
            code.globalGet(global).globalGet(item);
            abi.callEffect(code, 'opa_array_append');
          }
          break;
        case 'set':
          abi.callValue(code, 'opa_set');
          code.globalSet(global);
          for (const item of collection.items) {
            code.globalGet(global).globalGet(item);
            abi.callEffect(code, 'opa_set_add');
          }
          break;
        case 'object':
          abi.callValue(code, 'opa_object');
          code.globalSet(global);
          for (const [key, value] of collection.entries) {
            code.globalGet(global).globalGet(key).globalGet(value);
            abi.callEffect(code, 'opa_object_insert');
          }
          break;
      }
    }
  }
}

/** CollectionParts is a constant collection with its members as the globals holding them. */
type CollectionParts =
  { type: 'array' | 'set'; items: Global[] } | { type: 'object'; entries: [key: Global, value: Global][] };

/** constantText identifies a constant: equal texts, equal constants (as made, before sorting and de-duplication). */
function constantText(v: ConstantValue): string {
  switch (v.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(v.value);
    case 'integer':
      return `${v.value}`;
    case 'number':
      return `n${v.literal}`;
    case 'string':
      return JSON.stringify(v.text);
    case 'array':
    case 'set':
      return `${v.type}[${v.items.map(constantText).join(',')}]`;
    case 'object':
      return `{${v.entries.map(({ key, value }) => `${constantText(key)}:${constantText(value)}`).join(',')}}`;
  }
}

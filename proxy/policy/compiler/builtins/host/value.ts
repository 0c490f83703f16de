/*
 * Rego values as host built-ins see them. JSON values are plain JS values; the three things JSON cannot say are
 * classes: a set (`RegoSet`), an object with a non-string key (`RegoObject`), and an integer past 2^53 (`bigint`).
 * Host built-ins only meet those when the runtime passes arguments in the typed encoding (codec.ts); through the
 * SDK's plain JSON bridge, sets arrive as arrays and keys as strings.
 */

/** RegoValue is any Rego value as a host built-in receives or returns it. */
export type RegoValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly RegoValue[]
  | RegoSet
  | RegoObject
  | { readonly [key: string]: RegoValue };

/** A plain object: string keys only. */
export type JsonObject = { readonly [key: string]: RegoValue };

/** RegoSet is a set; `members` are distinct and kept in OPA's total order. */
export class RegoSet {
  readonly members: readonly RegoValue[];

  constructor(members: Iterable<RegoValue>) {
    this.members = sortedUnique([...members]);
  }

  has(value: RegoValue): boolean {
    return this.members.some((m) => compareValues(m, value) === 0);
  }
}

/** RegoObject is an object with at least one key that is not a string; `entries` are sorted by key. */
export class RegoObject {
  readonly entries: readonly (readonly [RegoValue, RegoValue])[];

  constructor(entries: Iterable<readonly [RegoValue, RegoValue]>) {
    this.entries = [...entries].sort(([a], [b]) => compareValues(a, b));
  }
}

/** RegoTypeName is OPA's name for a value's type, as `type_name` returns it. */
export type RegoTypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export function typeName(value: RegoValue): RegoTypeName {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof RegoSet) return 'set';
  return 'object';
}

export function isJsonObject(value: RegoValue): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RegoSet) &&
    !(value instanceof RegoObject)
  );
}

/** objectEntries lists an object's entries in OPA's key order, whichever class holds it. */
export function objectEntries(value: JsonObject | RegoObject): (readonly [RegoValue, RegoValue])[] {
  if (value instanceof RegoObject) return [...value.entries];
  return Object.keys(value)
    .sort(compareStrings)
    .map((k) => [k, value[k]!] as const);
}

const TYPE_RANK: Record<RegoTypeName, number> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 4,
  object: 5,
  set: 6,
};

/** compareStrings orders strings by their UTF-8 bytes (OPA compares Go strings bytewise), i.e. by code point. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const pa = ca.value.codePointAt(0)!;
    const pb = cb.value.codePointAt(0)!;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed bigint/number comparisons are exact in JS.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** compareValues is OPA's total order: null < boolean < number < string < array < object < set. */
export function compareValues(a: RegoValue, b: RegoValue): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return TYPE_RANK[ta] < TYPE_RANK[tb] ? -1 : 1;
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a === false ? -1 : 1;
    case 'number':
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSequences(a as readonly RegoValue[], b as readonly RegoValue[]);
    case 'set':
      return compareSequences((a as RegoSet).members, (b as RegoSet).members);
    case 'object': {
      const ea = objectEntries(a as JsonObject | RegoObject);
      const eb = objectEntries(b as JsonObject | RegoObject);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const byKey = compareValues(ea[i]![0], eb[i]![0]);
        if (byKey !== 0) return byKey;
        const byValue = compareValues(ea[i]![1], eb[i]![1]);
        if (byValue !== 0) return byValue;
      }
      return ea.length === eb.length ? 0 : ea.length < eb.length ? -1 : 1;
    }
  }
}

function compareSequences(a: readonly RegoValue[], b: readonly RegoValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function valuesEqual(a: RegoValue, b: RegoValue): boolean {
  return compareValues(a, b) === 0;
}

function sortedUnique(values: RegoValue[]): RegoValue[] {
  values.sort(compareValues);
  return values.filter((v, i) => i === 0 || compareValues(values[i - 1]!, v) !== 0);
}

/**
 * quoteGo quotes a string as Go's strconv.Quote does, which is how OPA prints a string inside a composite value:
 * printable characters as they are, the rest escaped.
 */
export function quoteGo(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** formatNumber prints a number as OPA prints a JSON number: integers without exponent where JS can. */
export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return String(n);
}

/**
 * regoText prints a value in Rego syntax, as OPA's `ast.Value.String()` does: what `sprintf("%v")` and `print`
 * show for composite values. Sets print as `{1, 2}`, the empty set as `set()`.
 */
export function regoText(value: RegoValue): string {
  switch (typeName(value)) {
    case 'null':
      return 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatNumber(value as number | bigint);
    case 'string':
      return quoteGo(value as string);
    case 'array':
      return `[${(value as readonly RegoValue[]).map(regoText).join(', ')}]`;
    case 'set': {
      const members = (value as RegoSet).members;
      return members.length === 0 ? 'set()' : `{${members.map(regoText).join(', ')}}`;
    }
    case 'object':
      return `{${objectEntries(value as JsonObject | RegoObject)
        .map(([k, v]) => `${regoText(k)}: ${regoText(v)}`)
        .join(', ')}}`;
  }
}

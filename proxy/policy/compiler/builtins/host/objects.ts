/*
 * object.* built-ins (OPA's topdown/object.go and subset.go). They pass values through and some depend on set
 * versus array, so they are exact only through the typed bridge; the Wasm runtime should implement them natively
 * (see NATIVE_ONLY).
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { arrayOperand, objectOperand, operandTypeError } from './operands.js';
import {
  isJsonObject,
  type JsonObject,
  objectEntries,
  RegoObject,
  RegoSet,
  type RegoValue,
  regoText,
  valuesEqual,
} from './value.js';

type AnyObject = JsonObject | RegoObject;

const isObject = (v: RegoValue | undefined): v is AnyObject =>
  v !== undefined && (v instanceof RegoObject || isJsonObject(v));

function objectFrom(entries: readonly (readonly [RegoValue, RegoValue])[]): AnyObject {
  if (entries.every(([k]) => typeof k === 'string')) {
    const out: Record<string, RegoValue> = {};
    for (const [k, v] of entries) out[k as string] = v;
    return out;
  }
  return new RegoObject(entries);
}

function lookup(object: AnyObject, key: RegoValue): RegoValue | undefined {
  if (typeof key === 'string' && isJsonObject(object)) return Object.hasOwn(object, key) ? object[key] : undefined;
  return objectEntries(object).find(([k]) => valuesEqual(k, key))?.[1];
}

function keysOperand(builtin: string, value: RegoValue | undefined): RegoValue[] {
  if (Array.isArray(value)) return [...value];
  if (value instanceof RegoSet) return [...value.members];
  if (isObject(value)) return objectEntries(value).map(([k]) => k);
  throw operandTypeError(builtin, 2, value ?? null, 'object', 'set', 'array');
}

/** mergeWithOverwrite is object.union: b wins, nested objects merged. */
function mergeWithOverwrite(a: AnyObject, b: AnyObject): AnyObject {
  const merged = new Map<string, [RegoValue, RegoValue]>();
  const id = (k: RegoValue): string => regoText(k);
  for (const [k, v] of objectEntries(a)) merged.set(id(k), [k, v]);
  for (const [k, v] of objectEntries(b)) {
    const existing = merged.get(id(k));
    if (existing !== undefined && isObject(existing[1]) && isObject(v)) {
      merged.set(id(k), [k, mergeWithOverwrite(existing[1], v)]);
    } else {
      merged.set(id(k), [k, v]);
    }
  }
  return objectFrom([...merged.values()]);
}

function find(value: RegoValue, path: readonly RegoValue[]): RegoValue | undefined {
  let node: RegoValue = value;
  for (const segment of path) {
    if (Array.isArray(node)) {
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment >= node.length)
        return undefined;
      node = node[segment]!;
    } else if (node instanceof RegoSet) {
      if (!node.has(segment)) return undefined;
      node = segment;
    } else if (isObject(node)) {
      const next = lookup(node, segment);
      if (next === undefined) return undefined;
      node = next;
    } else {
      return undefined;
    }
  }
  return node;
}

function objectSubset(sup: AnyObject, sub: AnyObject): boolean {
  return objectEntries(sub).every(([key, subValue]) => {
    const superValue = lookup(sup, key);
    if (superValue === undefined) return false;
    if (valuesEqual(subValue, superValue)) return true;
    if (isObject(superValue) && isObject(subValue)) return objectSubset(superValue, subValue);
    if (superValue instanceof RegoSet && subValue instanceof RegoSet) return setSubset(superValue, subValue);
    if (Array.isArray(superValue) && Array.isArray(subValue)) return arraySubset(superValue, subValue);
    return false;
  });
}

const setSubset = (sup: RegoSet, sub: RegoSet): boolean => sub.members.every((m) => sup.has(m));

function arraySubset(sup: readonly RegoValue[], sub: readonly RegoValue[]): boolean {
  if (sub.length > sup.length) return false;
  for (let start = 0; start + sub.length <= sup.length; start++) {
    if (sub.every((v, i) => valuesEqual(v, sup[start + i]!))) return true;
  }
  return false;
}

function arraySetSubset(sup: readonly RegoValue[], sub: RegoSet): boolean {
  // As OPA's arraySetSubset: an empty set is a subset of a non-empty array only.
  let unmatched = sub.members.length;
  for (const element of sup) {
    if (sub.has(element)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

/** OBJECT_BUILTINS implements object.get, keys, union, union_n, filter, remove and subset. */
export const OBJECT_BUILTINS: HostBuiltinTable = {
  'object.get': ([object, key, fallback]) => {
    const target = objectOperand('object.get', 1, object);
    if (!Array.isArray(key)) return lookup(target, key ?? null) ?? fallback;
    if (key.length === 0) return target;
    return find(target, key) ?? fallback;
  },

  'object.keys': ([object]) => new RegoSet(objectEntries(objectOperand('object.keys', 1, object)).map(([k]) => k)),

  'object.union': ([first, second]) =>
    mergeWithOverwrite(objectOperand('object.union', 1, first), objectOperand('object.union', 2, second)),

  'object.union_n': ([objects]) => {
    const list = arrayOperand('object.union_n', 1, objects);
    let result: AnyObject = {};
    for (const element of list) {
      if (!isObject(element)) {
        throw new BuiltinError('object.union_n: operand 1 must be array of objects', 'eval_type_error');
      }
    }
    // Left to right with overwrite and nested merges is what OPA's back-to-front merge with frozen keys computes.
    for (const element of list) result = mergeWithOverwrite(result, element as AnyObject);
    return result;
  },

  'object.filter': ([object, keys]) => {
    const target = objectOperand('object.filter', 1, object);
    const wanted = keysOperand('object.filter', keys);
    return objectFrom(objectEntries(target).filter(([k]) => wanted.some((w) => valuesEqual(w, k))));
  },

  'object.remove': ([object, keys]) => {
    const target = objectOperand('object.remove', 1, object);
    const unwanted = keysOperand('object.remove', keys);
    return objectFrom(objectEntries(target).filter(([k]) => !unwanted.some((w) => valuesEqual(w, k))));
  },

  'object.subset': ([sup, sub]) => {
    if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
    if (sup instanceof RegoSet && sub instanceof RegoSet) return setSubset(sup, sub);
    if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
    if (Array.isArray(sup) && sub instanceof RegoSet) return arraySetSubset(sup, sub);
    throw new BuiltinError('object.subset: both arguments object.subset must be of the same type or array and set');
  },
};

/*
 * json.filter, json.remove and json.patch (OPA's topdown/json.go). Paths are `/`-separated strings (JSON pointer
 * escapes `~0`, `~1`; leading slashes trimmed) or arrays of segments; inside a set, a segment names the member.
 * These pass documents through, so they are exact only through the typed bridge (see NATIVE_ONLY).
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { collectionMembers, objectOperand, operandError, arrayOperand } from './operands.js';
import {
  isJsonObject,
  type JsonObject,
  objectEntries,
  RegoObject,
  RegoSet,
  type RegoValue,
  regoText,
  typeName,
  valuesEqual,
} from './value.js';

type Path = RegoValue[];

/** parsePath reads one path operand (OPA's parsePath). */
function parsePath(builtin: string, path: RegoValue): Path {
  if (typeof path === 'string') {
    if (path === '') return [];
    return path
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(path)) return [...path];
  throw operandError(
    builtin,
    2,
    `must be one of {set, array} containing string paths or array of path segments but got ${typeName(path)}`,
  );
}

/** A path trie: each key maps to a subtree, or to null where a path ends (OPA's pathsToObject). */
type PathTree = Map<string, { key: RegoValue; child: PathTree | null }>;

function pathsToTree(paths: readonly Path[]): PathTree {
  const root: PathTree = new Map();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const id = regoText(path[i]!);
      const existing = node.get(id);
      if (existing === undefined) {
        const child: PathTree = new Map();
        node.set(id, { key: path[i]!, child });
        node = child;
      } else if (existing.child === null) {
        done = true;
      } else {
        node = existing.child;
      }
    }
    if (!done) {
      const last = path[path.length - 1]!;
      node.set(regoText(last), { key: last, child: null });
    }
  }
  return root;
}

function objectFrom(entries: readonly (readonly [RegoValue, RegoValue])[]): JsonObject | RegoObject {
  if (entries.every(([k]) => typeof k === 'string')) {
    const out: Record<string, RegoValue> = {};
    for (const [k, v] of entries) out[k as string] = v;
    return out;
  }
  return new RegoObject(entries);
}

const isObject = (v: RegoValue): v is JsonObject | RegoObject => v instanceof RegoObject || isJsonObject(v);

/** filterValue keeps only what the tree names (ast Object.Filter). */
function filterValue(value: RegoValue, tree: PathTree | null): RegoValue {
  if (tree === null) return value;
  if (Array.isArray(value)) {
    const out: RegoValue[] = [];
    value.forEach((element, i) => {
      const sub = tree.get(regoText(String(i)));
      if (sub !== undefined) out.push(filterValue(element, sub.child));
    });
    return out;
  }
  if (value instanceof RegoSet) {
    const out: RegoValue[] = [];
    for (const member of value.members) {
      const sub = tree.get(regoText(member));
      if (sub !== undefined) out.push(filterValue(member, sub.child));
    }
    return new RegoSet(out);
  }
  if (isObject(value)) {
    const out: [RegoValue, RegoValue][] = [];
    for (const [k, v] of objectEntries(value)) {
      const sub = tree.get(regoText(k));
      if (sub !== undefined) out.push([k, filterValue(v, sub.child)]);
    }
    return objectFrom(out);
  }
  return value;
}

/** removeValue drops what the tree names (OPA's jsonRemove); undefined means "removed". */
function removeValue(value: RegoValue, tree: PathTree | null | undefined): RegoValue | undefined {
  if (tree === undefined) return value;
  if (tree === null) return undefined;
  if (Array.isArray(value)) {
    return value.flatMap((element, i) => {
      const kept = removeValue(element, tree.get(regoText(String(i)))?.child);
      return kept === undefined ? [] : [kept];
    });
  }
  if (value instanceof RegoSet) {
    return new RegoSet(
      value.members.flatMap((member) => {
        const entry = tree.get(regoText(member));
        const kept = removeValue(member, entry === undefined ? undefined : entry.child);
        return kept === undefined ? [] : [kept];
      }),
    );
  }
  if (isObject(value)) {
    const out: [RegoValue, RegoValue][] = [];
    for (const [k, v] of objectEntries(value)) {
      const entry = tree.get(regoText(k));
      const kept = removeValue(v, entry === undefined ? undefined : entry.child);
      if (kept !== undefined) out.push([k, kept]);
    }
    return objectFrom(out);
  }
  return value;
}

function pathsOperand(builtin: string, value: RegoValue | undefined): Path[] {
  if (!Array.isArray(value) && !(value instanceof RegoSet)) {
    throw new BuiltinError(
      `${builtin}: operand 2 must be one of {array, set} but got ${value === null ? 'null' : typeof value}`,
      'eval_type_error',
    );
  }
  return collectionMembers(builtin, 2, value).map((p) => parsePath(builtin, p));
}

/** PatchError is a failed JSON patch operation: the call is undefined. */
class PatchError extends Error {}

function arrayIndex(segment: RegoValue, length: number, allowEnd: boolean): number {
  if (typeof segment === 'number' && Number.isInteger(segment)) {
    if (segment < 0 || segment > (allowEnd ? length : length - 1)) throw new PatchError('index out of range');
    return segment;
  }
  if (typeof segment === 'string') {
    if (segment === '-' && allowEnd) return length;
    if (!/^(0|[1-9]\d*)$/.test(segment)) throw new PatchError(`invalid array index ${segment}`);
    const index = Number(segment);
    if (index > (allowEnd ? length : length - 1)) throw new PatchError('index out of range');
    return index;
  }
  throw new PatchError('invalid array index');
}

function objectWith(
  object: JsonObject | RegoObject,
  key: RegoValue,
  value: RegoValue | undefined,
): JsonObject | RegoObject {
  const entries = objectEntries(object).filter(([k]) => !valuesEqual(k, key));
  if (value !== undefined) entries.push([key, value]);
  return objectFrom(entries);
}

function childOf(container: RegoValue, segment: RegoValue): RegoValue {
  if (Array.isArray(container)) return container[arrayIndex(segment, container.length, false)]!;
  if (container instanceof RegoSet) {
    if (!container.has(segment)) throw new PatchError('no such set member');
    return segment;
  }
  if (isObject(container)) {
    const found = objectEntries(container).find(([k]) => valuesEqual(k, segment));
    if (found === undefined) throw new PatchError('no such key');
    return found[1];
  }
  throw new PatchError('path goes through a scalar');
}

/** updateAt rebuilds `doc` with `edit` applied to the container at path[0..n-1] and last segment. */
function updateAt(doc: RegoValue, path: Path, edit: (container: RegoValue, last: RegoValue) => RegoValue): RegoValue {
  if (path.length === 1) return edit(doc, path[0]!);
  const [head, ...rest] = path;
  const child = childOf(doc, head!);
  const updated = updateAt(child, rest, edit);
  if (Array.isArray(doc)) {
    const copy = [...doc];
    copy[arrayIndex(head!, doc.length, false)] = updated;
    return copy;
  }
  if (doc instanceof RegoSet) {
    return new RegoSet([...doc.members.filter((m) => !valuesEqual(m, head!)), updated]);
  }
  return objectWith(doc as JsonObject | RegoObject, head!, updated);
}

function insertAt(doc: RegoValue, path: Path, value: RegoValue): RegoValue {
  if (path.length === 0) return value;
  return updateAt(doc, path, (container, last) => {
    if (Array.isArray(container)) {
      const copy = [...container];
      copy.splice(arrayIndex(last, container.length, true), 0, value);
      return copy;
    }
    if (container instanceof RegoSet) {
      if (!valuesEqual(last, value)) throw new PatchError('a set member must be added under its own value');
      return new RegoSet([...container.members, value]);
    }
    if (isObject(container)) return objectWith(container, last, value);
    throw new PatchError('path goes through a scalar');
  });
}

function deleteAt(doc: RegoValue, path: Path): RegoValue | undefined {
  if (path.length === 0) return undefined;
  return updateAt(doc, path, (container, last) => {
    if (Array.isArray(container)) {
      const copy = [...container];
      copy.splice(arrayIndex(last, container.length, false), 1);
      return copy;
    }
    if (container instanceof RegoSet) {
      if (!container.has(last)) throw new PatchError('no such set member');
      return new RegoSet(container.members.filter((m) => !valuesEqual(m, last)));
    }
    if (isObject(container)) {
      childOf(container, last);
      return objectWith(container, last, undefined);
    }
    throw new PatchError('path goes through a scalar');
  });
}

function valueAt(doc: RegoValue, path: Path): RegoValue {
  return path.reduce<RegoValue>((node, segment) => childOf(node, segment), doc);
}

function patchAttribute(operation: JsonObject | RegoObject, name: string): RegoValue {
  const found = objectEntries(operation).find(([k]) => k === name);
  if (found === undefined) throw new PatchError(`missing '${name}' attribute`);
  return found[1];
}

function applyPatch(builtin: string, document: RegoValue, operations: readonly RegoValue[]): RegoValue | undefined {
  let doc: RegoValue | undefined = document;
  for (const operation of operations) {
    if (!isObject(operation)) throw new PatchError('must be an array of JSON-Patch objects');
    const op = patchAttribute(operation, 'op');
    if (typeof op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) {
      throw new PatchError(`unrecognized op '${String(op)}'`);
    }
    const path = parsePath(builtin, patchAttribute(operation, 'path'));
    const from = op === 'move' || op === 'copy' ? parsePath(builtin, patchAttribute(operation, 'from')) : undefined;
    const value = op === 'add' || op === 'replace' || op === 'test' ? patchAttribute(operation, 'value') : undefined;
    const current: RegoValue = doc ?? null;
    switch (op) {
      case 'add':
        doc = insertAt(current, path, value!);
        break;
      case 'remove':
        doc = deleteAt(current, path);
        break;
      case 'replace':
        if (path.length > 0) valueAt(current, path);
        doc = insertAt(deleteAt(current, path) ?? null, path, value!);
        break;
      case 'move': {
        const moved = valueAt(current, from!);
        doc = insertAt(deleteAt(current, from!) ?? null, path, moved);
        break;
      }
      case 'copy':
        doc = insertAt(current, path, valueAt(current, from!));
        break;
      case 'test':
        if (!valuesEqual(valueAt(current, path), value!)) throw new PatchError('test failed');
        break;
    }
  }
  return doc;
}

/** JSON_BUILTINS implements json.filter, json.remove and json.patch. */
export const JSON_BUILTINS: HostBuiltinTable = {
  'json.filter': ([object, paths]) => {
    const name = 'json.filter';
    const target = objectOperand(name, 1, object);
    return filterValue(target, pathsToTree(pathsOperand(name, paths)));
  },

  'json.remove': ([object, paths]) => {
    const name = 'json.remove';
    const target = objectOperand(name, 1, object);
    return removeValue(target, pathsToTree(pathsOperand(name, paths)));
  },

  'json.patch': ([document, patches]) => {
    const name = 'json.patch';
    const operations = arrayOperand(name, 2, patches);
    try {
      return applyPatch(name, document ?? null, operations);
    } catch (error) {
      // OPA answers undefined for any failed patch, in strict mode too.
      if (error instanceof PatchError || error instanceof BuiltinError) return undefined;
      throw error;
    }
  },
};

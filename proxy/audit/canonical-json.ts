import { AuditDataError } from '../core/errors.js';

/** MAX_CANONICAL_DEPTH bounds nesting, so circular data fails with a message instead of overflowing the stack. */
const MAX_CANONICAL_DEPTH = 100;

/**
 * canonicalJson encodes a JSON value as one exact string, so the same facts always hash the same, in this process,
 * after a round trip through storage, and in an auditor's own tool. It follows RFC 8785 (JCS):
 *
 * - no whitespace; object keys sorted by UTF-16 code units (JavaScript's default string order);
 * - numbers as ECMAScript prints them (`1e+21`, `0.1`, `-0` as `0`), strings escaped as `JSON.stringify` does
 *   (which also writes a lone surrogate as `\udXXX`, where JCS would refuse it).
 *
 * Only values that survive a JSON round trip unchanged are accepted: `null`, booleans, finite numbers, strings,
 * arrays, and objects whose prototype is `Object.prototype` or `null`. An object property whose value is
 * `undefined` is left out, as `JSON.stringify` and every JSON store leave it out.
 *
 * @example canonicalJson({ b: [1, 'é'], a: null }) === '{"a":null,"b":[1,"é"]}'
 * @throws AuditDataError for anything else (NaN, Infinity, a bigint, a Date, a Map, `undefined` in an array), or
 *   nesting deeper than 100 levels (circular data); its `path` names the value, as in `data.tags[2]`
 */
export function canonicalJson(value: unknown, path = 'data'): string {
  return encodeJson(value, 0, undefined) ?? refuse(value, path);
}

/** CanonicalCopy is a value in canonical JSON and a copy of it, as `JSON.parse` would read that JSON back. */
export interface CanonicalCopy {
  readonly json: string;
  readonly copy: unknown;
}

/**
 * canonicalCopy is canonicalJson, plus a copy of the value as parsing the result would give (members in canonical
 * order, `-0` as `0`), made in the same walk rather than by a second pass through `JSON.parse`.
 *
 * @throws AuditDataError as canonicalJson does
 */
export function canonicalCopy(value: unknown, path = 'data'): CanonicalCopy {
  const copied: Copied = { value: undefined };
  const json = encodeJson(value, 0, copied) ?? refuse(value, path);
  return { json, copy: copied.value };
}

/** Copied receives, from encodeJson, the copy of the value it has just encoded. */
interface Copied {
  value: unknown;
}

/**
 * encodeJson is the canonical form of a plain JSON value, or undefined for anything canonicalJson refuses; given
 * `copied`, it leaves a copy of the value there. It keeps no path, which made up most of the cost of encoding the
 * audit records of every call.
 */
function encodeJson(value: unknown, depth: number, copied: Copied | undefined): string | undefined {
  switch (typeof value) {
    case 'string':
      if (copied !== undefined) copied.value = value;
      return JSON.stringify(value);
    case 'boolean':
      if (copied !== undefined) copied.value = value;
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      if (copied !== undefined) copied.value = value === 0 ? 0 : value;
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) {
    if (copied !== undefined) copied.value = null;
    return 'null';
  }
  if (depth >= MAX_CANONICAL_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const copy: unknown[] | undefined = copied === undefined ? undefined : [];
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      const member: unknown = value[index];
      const encoded = member === undefined ? undefined : encodeJson(member, depth + 1, copied);
      if (encoded === undefined) return undefined;
      copy?.push(copied!.value);
      text += index === 0 ? encoded : `,${encoded}`;
    }
    if (copied !== undefined) copied.value = copy;
    return `${text}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const object = value as Record<string, unknown>;
  const copy: Record<string, unknown> | undefined = copied === undefined ? undefined : {};
  let text = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    const encoded = encodeJson(member, depth + 1, copied);
    if (encoded === undefined) return undefined;
    if (copy !== undefined) setMember(copy, key, copied!.value);
    text += `${first ? '' : ','}${JSON.stringify(key)}:${encoded}`;
    first = false;
  }
  if (copied !== undefined) copied.value = copy;
  return `${text}}`;
}

/** setMember adds a member to a copy; a `__proto__` member is data, as JSON.parse makes it, not a prototype. */
function setMember(copy: Record<string, unknown>, key: string, member: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true });
  } else {
    copy[key] = member;
  }
}

/** refuse walks a value that is not plain JSON again, keeping the path this time, to name the offending value. */
function refuse(value: unknown, path: string): never {
  encode(value, [], [], path);
  throw new AuditDataError(`${path}: not a JSON value`, path);
}

function encode(value: unknown, parts: string[], keys: Array<string | number>, root: string): void {
  switch (typeof value) {
    case 'string':
      parts.push(JSON.stringify(value));
      return;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(`${String(value)} is not a JSON number`, keys, root);
      parts.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      fail(`a ${typeof value} is not a JSON value`, keys, root);
  }
  if (value === null) {
    parts.push('null');
    return;
  }
  if (keys.length >= MAX_CANONICAL_DEPTH) {
    fail(`nested more than ${MAX_CANONICAL_DEPTH} levels deep (circular?)`, keys, root);
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (let index = 0; index < value.length; index++) {
      if (index > 0) parts.push(',');
      keys.push(index);
      // A hole or undefined would become null in JSON: a different value from the one hashed.
      if (value[index] === undefined) fail('undefined is not a JSON value in an array', keys, root);
      encode(value[index], parts, keys, root);
      keys.pop();
    }
    parts.push(']');
    return;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    fail(`a ${kind} is not a plain JSON object`, keys, root);
  }
  const object = value as Record<string, unknown>;
  parts.push('{');
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(JSON.stringify(key), ':');
    keys.push(key);
    encode(member, parts, keys, root);
    keys.pop();
  }
  parts.push('}');
}

function fail(problem: string, keys: ReadonlyArray<string | number>, root: string): never {
  const path = formatPath(root, keys);
  throw new AuditDataError(`${path}: ${problem}`, path);
}

/** formatPath writes `data.params.Tags[2]`: dots before identifier-like keys, brackets for the rest. */
export function formatPath(root: string, keys: ReadonlyArray<string | number>): string {
  let path = root;
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}

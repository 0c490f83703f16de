/*
 * yaml.* (OPA's topdown/encoding.go over sigs.k8s.io/yaml, i.e. go-yaml v2): YAML 1.1 scalars (yes/no/on/off are
 * booleans, 0777 is octal), the first document only, keys turned into strings, timestamps kept as strings.
 * Registered under `airlock.yaml.*`: the SDK's own yaml.* (yaml@1, YAML 1.2) shadow custom built-ins of OPA's names.
 */

import { isScalar, parseAllDocuments, stringify } from 'yaml';
import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { stringOperand } from './operands.js';
import { isJsonObject, objectEntries, type RegoObject, RegoSet, type RegoValue, regoText } from './value.js';

const PARSE_OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: true,
  // go-yaml v2 reads a plain timestamp into `any` as a string.
  customTags: (tags: unknown[]): unknown[] =>
    tags.filter(
      (t) => !(typeof t === 'object' && t !== null && (t as { tag?: string }).tag === 'tag:yaml.org,2002:timestamp'),
    ),
};

/** fromYaml converts a parsed YAML value into what YAMLToJSON + JSON decoding gives. */
function fromYaml(value: unknown): RegoValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new BuiltinError('yaml.unmarshal: json: unsupported value');
    return value;
  }
  if (typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(fromYaml);
  if (value instanceof Map) {
    const out: Record<string, RegoValue> = {};
    for (const [k, v] of value) out[isScalar(k) ? String(k.value) : String(k)] = fromYaml(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(fromYaml);
  if (typeof value === 'object') {
    const out: Record<string, RegoValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromYaml(v);
    return out;
  }
  throw new BuiltinError(`yaml.unmarshal: cannot convert a ${typeof value}`);
}

function unmarshal(text: string): RegoValue {
  const documents = parseAllDocuments(text, PARSE_OPTIONS as Parameters<typeof parseAllDocuments>[1]);
  const list = Array.isArray(documents) ? documents : [documents];
  const first = list[0];
  if (first === undefined) return null;
  const error = first.errors[0];
  if (error !== undefined) throw new BuiltinError(`yaml.unmarshal: yaml: ${error.message}`);
  return fromYaml(first.toJS({ mapAsMap: true }));
}

/** toPlain turns a Rego value into JSON-shaped data, as OPA's ast.JSON does (sets become arrays). */
function toPlain(value: RegoValue): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value : value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof RegoSet) return value.members.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of objectEntries(isJsonObject(value) ? value : (value as RegoObject))) {
    out[typeof k === 'string' ? k : regoText(k)] = toPlain(v);
  }
  return out;
}

/** YAML_BUILTINS implements yaml.marshal, yaml.unmarshal and yaml.is_valid. */
export const YAML_BUILTINS: HostBuiltinTable = {
  'yaml.marshal': ([value]) =>
    stringify(toPlain(value ?? null), { indentSeq: false, sortMapEntries: true, version: '1.1' }),

  'yaml.unmarshal': ([text]) => unmarshal(stringOperand('yaml.unmarshal', 1, text)),

  'yaml.is_valid': ([text]) => {
    if (typeof text !== 'string') return false;
    try {
      unmarshal(text);
      return true;
    } catch (error) {
      if (error instanceof BuiltinError) return false;
      throw error;
    }
  },
};

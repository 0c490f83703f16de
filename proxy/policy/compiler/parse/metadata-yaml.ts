import { type Alias, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';

/*
 * decodeMetadataYaml reads the YAML of one METADATA block the way OPA does: Go's yaml.v3 decoding into OPA's
 * `rawAnnotation` struct. The `yaml` package only parses; the decoding is done here, because Go resolves plain
 * scalars differently from the YAML 1.2 core schema (`017` is octal, `1_000` is an int, `yes` is a string except
 * in a bool field), writes any scalar's text into a string field, and reports type mismatches as
 * `yaml: unmarshal errors:` with a line each.
 *
 *   rawAnnotation (OPA)                 here
 *   scope, title, description string    string ("" when absent or null)
 *   entrypoint bool                     boolean
 *   organizations []string              string[]
 *   related_resources, authors []any    GoValue[]
 *   schemas []map[string]any            (GoMap | null)[]
 *   custom map[string]any               GoMap | null
 */

/** GoMap is a decoded mapping whose keys are all strings: Go's `map[string]any`. */
export type GoMap = Map<string, GoValue>;

/** GoAnyMap is a decoded mapping with a non-string key: Go's `map[any]any`, which OPA refuses to convert. */
export class GoAnyMap {
  constructor(readonly entries: [GoValue, GoValue][]) {}
}

/**
 * GoValue is what yaml.v3 decodes into an `any`: `bigint` for its ints (int, int64, uint64), `number` for
 * float64, and strings for timestamps and everything else it does not resolve.
 */
export type GoValue = null | boolean | string | bigint | number | GoValue[] | GoMap | GoAnyMap;

/** RawAnnotation is OPA's `rawAnnotation`, as decoded. */
export interface RawAnnotation {
  scope: string;
  title: string;
  entrypoint: boolean;
  description: string;
  organizations: string[];
  relatedResources: GoValue[];
  authors: GoValue[];
  schemas: (GoMap | null)[];
  custom: GoMap | null;
}

/** YamlDecodeResult is the decoded block, or OPA's error text and the YAML line it names (from 1). */
export type YamlDecodeResult =
  | { ok: true; raw: RawAnnotation; unsupported?: string }
  | { ok: false; message: string; line?: number; unmarshal: boolean };

/** Unsupported aborts a decode whose result Airlock cannot reproduce exactly (a YAML tag, a merge key). */
class Unsupported {
  constructor(readonly reason: string) {}
}

/** decodeMetadataYaml decodes the text of a METADATA block (its comment lines, `# ` removed). */
export function decodeMetadataYaml(text: string): YamlDecodeResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    prettyErrors: false,
    uniqueKeys: false,
    lineCounter: lines,
  });
  const [error] = doc.errors;
  if (error !== undefined) {
    const line = lines.linePos(error.pos[0]).line;
    return { ok: false, message: `yaml: line ${line}: ${error.message}`, line, unmarshal: false };
  }
  const decoder = new Decoder(
    (n) => (n.range ? lines.linePos(n.range[0]).line : 0),
    (alias) => alias.resolve(doc) ?? null,
  );
  try {
    const raw = decoder.document(doc.contents);
    if (decoder.errors.length > 0) {
      const first = decoder.errors[0] as { line: number; text: string };
      return {
        ok: false,
        message: `yaml: unmarshal errors:\n${decoder.errors.map((e) => `  line ${e.line}: ${e.text}`).join('\n')}`,
        line: first.line,
        unmarshal: true,
      };
    }
    return { ok: true, raw };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: true, raw: emptyRaw(), unsupported: e.reason };
    throw e;
  }
}

function emptyRaw(): RawAnnotation {
  return {
    scope: '',
    title: '',
    entrypoint: false,
    description: '',
    organizations: [],
    relatedResources: [],
    authors: [],
    schemas: [],
    custom: null,
  };
}

/** ResolvedScalar is a scalar with the tag Go resolves it to and the value it decodes to in an `any`. */
interface ResolvedScalar {
  tag: string;
  value: GoValue;
  /** The scalar's text (Go's `Node.Value`), which a string field receives whatever the tag. */
  text: string;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const SPECIAL_FLOATS = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);
const NANS = new Set(['.nan', '.NaN', '.NAN']);
/** Go's yaml.v3 accepts these YAML 1.1 spellings, but only when decoding into a bool. */
const BOOL_WORDS: ReadonlyMap<string, boolean> = new Map([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((w): [string, boolean] => [w, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((w): [string, boolean] => [w, false]),
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** resolvePlain resolves an untagged plain scalar as yaml.v3's `resolve` does. */
function resolvePlain(text: string): ResolvedScalar {
  if (NULLS.has(text)) return { tag: '!!null', value: null, text };
  if (TRUES.has(text)) return { tag: '!!bool', value: true, text };
  if (FALSES.has(text)) return { tag: '!!bool', value: false, text };
  if (SPECIAL_FLOATS.has(text)) return { tag: '!!float', value: text.startsWith('-') ? -Infinity : Infinity, text };
  if (NANS.has(text)) return { tag: '!!float', value: Number.NaN, text };
  if (text === '<<') throw new Unsupported('a YAML merge key (`<<`)');
  const first = text.charAt(0);
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)
      ? { tag: '!!float', value: Number(text), text }
      : { tag: '!!str', value: text, text };
  }
  if (!/^[-+0-9]/.test(first)) return { tag: '!!str', value: text, text };
  if (TIMESTAMP.test(text)) return { tag: '!!timestamp', value: text, text };
  const plain = text.replaceAll('_', '');
  const int = parseGoInt(plain);
  if (int !== undefined) return { tag: '!!int', value: int, text };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    if (Number.isFinite(value)) return { tag: '!!float', value, text };
  }
  return { tag: '!!str', value: text, text };
}

/** parseGoInt is `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: base prefixes, a leading 0 is octal. */
function parseGoInt(s: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (match === null) return undefined;
  const [, sign, digits = ''] = match;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  if (sign === '' && value <= UINT64_MAX) return value;
  return undefined;
}

/** TypeError is one `line N: cannot unmarshal …` entry of yaml.v3's unmarshal errors. */
interface UnmarshalError {
  line: number;
  text: string;
}

/** Decoder walks the parsed YAML, decoding into the field types of OPA's rawAnnotation. */
class Decoder {
  readonly errors: UnmarshalError[] = [];

  constructor(
    private readonly lineOf: (n: Node) => number,
    private readonly resolveAlias: (alias: Alias) => Node | null,
  ) {}

  document(root: Node | null): RawAnnotation {
    const raw = emptyRaw();
    const node = this.deref(root);
    if (node === null) return raw;
    if (!isMap(node)) {
      this.typeError(node, 'ast.rawAnnotation');
      return raw;
    }
    for (const [key, value] of this.pairs(node)) {
      switch (key) {
        case 'scope':
          raw.scope = this.string(value);
          break;
        case 'title':
          raw.title = this.string(value);
          break;
        case 'description':
          raw.description = this.string(value);
          break;
        case 'entrypoint':
          raw.entrypoint = this.bool(value);
          break;
        case 'organizations':
          raw.organizations = this.list(value, '[]string', (n) => this.string(n));
          break;
        case 'related_resources':
          raw.relatedResources = this.list(value, '[]interface {}', (n) => this.any(n));
          break;
        case 'authors':
          raw.authors = this.list(value, '[]interface {}', (n) => this.any(n));
          break;
        case 'schemas':
          raw.schemas = this.list(value, '[]map[string]interface {}', (n) => this.stringMap(n));
          break;
        case 'custom':
          raw.custom = this.stringMap(value);
          break;
        default:
          break;
      }
    }
    return raw;
  }

  /** The pairs of a mapping with their keys decoded into strings; repeated keys are reported as yaml.v3 does. */
  private pairs(map: YAMLMap): [string, Node | null][] {
    const out: [string, Node | null][] = [];
    const seen = new Map<string, number>();
    for (const pair of map.items) {
      const keyNode = this.deref(pair.key as Node | null);
      const key = this.string(keyNode);
      if (keyNode !== null && isScalar(keyNode)) {
        const line = this.lineOf(keyNode);
        const first = seen.get(key);
        if (first !== undefined) {
          this.errors.push({ line, text: `mapping key ${JSON.stringify(key)} already defined at line ${first}` });
        } else {
          seen.set(key, line);
        }
      }
      out.push([key, pair.value as Node | null]);
    }
    return out;
  }

  private deref(node: Node | null): Node | null {
    if (node !== null && isAlias(node)) return this.deref(this.resolveAlias(node));
    return node;
  }

  private scalar(node: Node): ResolvedScalar {
    if (!isScalar(node)) throw new Error('internal: not a scalar');
    const text = String(node.value ?? '');
    if (node.tag !== undefined) {
      if (node.tag === 'tag:yaml.org,2002:str') return { tag: '!!str', value: text, text };
      throw new Unsupported(`the YAML tag ${node.tag}`);
    }
    return node.type === 'PLAIN' ? resolvePlain(text) : { tag: '!!str', value: text, text };
  }

  /** A string field takes the text of any scalar; null leaves it empty. */
  private string(value: Node | null): string {
    const node = this.deref(value);
    if (node === null) return '';
    if (!isScalar(node)) {
      this.typeError(node, 'string');
      return '';
    }
    const s = this.scalar(node);
    return s.tag === '!!null' ? '' : s.text;
  }

  private bool(value: Node | null): boolean {
    const node = this.deref(value);
    if (node === null) return false;
    if (!isScalar(node)) {
      this.typeError(node, 'bool');
      return false;
    }
    const s = this.scalar(node);
    if (s.tag === '!!null') return false;
    if (typeof s.value === 'boolean') return s.value;
    const word = s.tag === '!!str' ? BOOL_WORDS.get(s.text) : undefined;
    if (word !== undefined) return word;
    this.typeError(node, 'bool');
    return false;
  }

  private list<T>(value: Node | null, type: string, element: (n: Node | null) => T): T[] {
    const node = this.deref(value);
    if (node === null) return [];
    if (isScalar(node) && this.scalar(node).tag === '!!null') return [];
    if (!isSeq(node)) {
      this.typeError(node, type);
      return [];
    }
    return node.items.map((item) => element(item as Node | null));
  }

  private stringMap(value: Node | null): GoMap | null {
    const node = this.deref(value);
    if (node === null) return null;
    if (isScalar(node) && this.scalar(node).tag === '!!null') return null;
    if (!isMap(node)) {
      this.typeError(node, 'map[string]interface {}');
      return null;
    }
    const out: GoMap = new Map();
    for (const [key, v] of this.pairs(node)) out.set(key, this.any(v));
    return out;
  }

  /** any decodes into an `interface{}`: resolved scalars, slices, and maps keyed by string when every key is one. */
  private any(value: Node | null): GoValue {
    const node = this.deref(value);
    if (node === null) return null;
    if (isScalar(node)) return this.scalar(node).value;
    if (isSeq(node)) return node.items.map((item) => this.any(item as Node | null));
    if (!isMap(node)) return null;
    const keys = node.items.map((pair) => this.deref(pair.key as Node | null));
    const stringKeyed = keys.every((k) => k !== null && isScalar(k) && this.scalar(k).tag === '!!str');
    if (!stringKeyed) {
      return new GoAnyMap(
        node.items.map((pair) => [this.any(pair.key as Node | null), this.any(pair.value as Node | null)]),
      );
    }
    const out: GoMap = new Map();
    for (const [key, v] of this.pairs(node)) out.set(key, this.any(v));
    return out;
  }

  /** Records yaml.v3's "cannot unmarshal" error: the tag, up to ten characters of a scalar, the Go type. */
  private typeError(node: Node, type: string): void {
    let shown = '';
    let tag: string;
    if (isMap(node)) tag = '!!map';
    else if (isSeq(node)) tag = '!!seq';
    else {
      const s = this.scalar(node);
      tag = s.tag;
      const chars = [...s.text];
      shown = chars.length > 10 ? ` \`${chars.slice(0, 7).join('')}...\`` : ` \`${s.text}\``;
    }
    this.errors.push({ line: this.lineOf(node), text: `cannot unmarshal ${tag}${shown} into ${type}` });
  }
}

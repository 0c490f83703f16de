import type { JsonValue } from '../call.js';
import { DecodeError } from '../errors.js';
import { setOwn } from './own.js';

/**
 * XmlListNames says which element names hold lists, from the service model (generated into routes.json), so that a
 * list with one element still decodes as an array.
 */
export interface XmlListNames {
  /** Elements whose children are the list items: `<TagSet><Tag>…</Tag><Tag>…</Tag></TagSet>` → `TagSet: [{…}, {…}]`. */
  wrapped: ReadonlySet<string>;
  /** Elements repeated in place: `<Object>…</Object><Object>…</Object>` → `Object: [{…}, {…}]`. */
  flat: ReadonlySet<string>;
}

/** XmlDocument is a parsed body: the root element's name and its content. */
export interface XmlDocument {
  root: string;
  value: JsonValue;
}

const NO_LISTS: XmlListNames = { wrapped: new Set(), flat: new Set() };

/**
 * parseXml reads an AWS request body (S3's rest-xml) into JSON values: an element with child elements becomes an
 * object keyed by local name, an element without becomes its text. Other repeated elements become arrays.
 * Attributes are dropped except `xsi:type`, kept as `Type` (S3 ACL grantees).
 *
 * It is deliberately small: no DTDs or custom entities (a DOCTYPE is refused, which rules out entity expansion
 * attacks), namespaces reduced to local names, nesting limited.
 *
 * @throws DecodeError `malformed-request` when the text is not one well-formed element.
 */
export function parseXml(text: string, lists: XmlListNames = NO_LISTS, maxDepth = 64): XmlDocument {
  return new XmlReader(text, lists, maxDepth).readDocument();
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

class XmlReader {
  readonly #text: string;
  readonly #lists: XmlListNames;
  readonly #maxDepth: number;
  #pos = 0;

  constructor(text: string, lists: XmlListNames, maxDepth: number) {
    this.#text = text;
    this.#lists = lists;
    this.#maxDepth = maxDepth;
  }

  #fail(message: string): never {
    throw new DecodeError('malformed-request', `malformed XML at character ${this.#pos}: ${message}`);
  }

  readDocument(): XmlDocument {
    if (this.#text.charCodeAt(0) === 0xfeff) this.#pos = 1;
    this.#skipMisc();
    if (this.#text[this.#pos] !== '<') this.#fail('expected the root element');
    const root = this.#readElement(0, false);
    this.#skipMisc();
    if (this.#pos < this.#text.length) this.#fail('content after the root element');
    return { root: root.name, value: root.value };
  }

  /** #skipMisc skips whitespace, comments and processing instructions (incl. the XML declaration) between elements. */
  #skipMisc(): void {
    for (;;) {
      this.#skipSpace();
      if (this.#text.startsWith('<?', this.#pos)) this.#skipPast('?>');
      else if (this.#text.startsWith('<!--', this.#pos)) this.#skipPast('-->');
      else if (this.#text.startsWith('<!', this.#pos)) this.#fail('DOCTYPE and other declarations are not accepted');
      else return;
    }
  }

  #skipSpace(): void {
    while (this.#pos < this.#text.length && isSpace(this.#text.charCodeAt(this.#pos))) this.#pos++;
  }

  #skipPast(end: string): void {
    const at = this.#text.indexOf(end, this.#pos);
    if (at < 0) this.#fail(`missing ${end}`);
    this.#pos = at + end.length;
  }

  #readName(): string {
    const start = this.#pos;
    while (this.#pos < this.#text.length) {
      const c = this.#text.charCodeAt(this.#pos);
      // whitespace / > = < " '
      if (isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d || c === 0x3c || c === 0x22 || c === 0x27) break;
      this.#pos++;
    }
    if (this.#pos === start) this.#fail('expected a name');
    return this.#text.slice(start, this.#pos);
  }

  #decodeEntities(raw: string): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&]{0,10});?/g, (match, name: string) => {
      if (!match.endsWith(';')) this.#fail('unterminated entity reference');
      const named = ENTITIES[name];
      if (named !== undefined) return named;
      const code = name.startsWith('#x')
        ? Number.parseInt(name.slice(2), 16)
        : name.startsWith('#')
          ? Number(name.slice(1))
          : Number.NaN;
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        this.#fail(`unknown entity &${name};`);
      }
      return String.fromCodePoint(code);
    });
  }

  /**
   * #readElement reads `<name …>content</name>` or `<name …/>` at the cursor. With asItem, the element is an item of
   * a wrapped list and only its value matters.
   */
  #readElement(depth: number, asItem: boolean): { name: string; value: JsonValue } {
    if (depth > this.#maxDepth) this.#fail(`nested deeper than ${this.#maxDepth}`);
    this.#pos++; // '<'
    const name = localName(this.#readName());
    let typeAttribute: string | undefined;
    for (;;) {
      this.#skipSpace();
      const c = this.#text[this.#pos];
      if (c === '>') {
        this.#pos++;
        break;
      }
      if (c === '/' && this.#text[this.#pos + 1] === '>') {
        this.#pos += 2;
        const value =
          this.#lists.wrapped.has(name) && !asItem ? [] : typeAttribute === undefined ? '' : { Type: typeAttribute };
        return { name, value };
      }
      if (c === undefined) this.#fail('unterminated start tag');
      const attribute = this.#readName();
      this.#skipSpace();
      if (this.#text[this.#pos] !== '=') this.#fail(`attribute ${attribute} has no value`);
      this.#pos++;
      this.#skipSpace();
      const quote = this.#text[this.#pos];
      if (quote !== '"' && quote !== "'") this.#fail(`attribute ${attribute} value is not quoted`);
      const end = this.#text.indexOf(quote, this.#pos + 1);
      if (end < 0) this.#fail('unterminated attribute value');
      const value = this.#decodeEntities(this.#text.slice(this.#pos + 1, end));
      this.#pos = end + 1;
      if (attribute === 'xsi:type') typeAttribute = value;
    }

    const isList = this.#lists.wrapped.has(name) && !asItem;
    const items: JsonValue[] = [];
    const children = new Map<string, JsonValue[]>();
    let text = '';
    for (;;) {
      const lt = this.#text.indexOf('<', this.#pos);
      if (lt < 0) this.#fail(`element ${name} is not closed`);
      if (lt > this.#pos) text += this.#decodeEntities(this.#text.slice(this.#pos, lt));
      this.#pos = lt;
      if (this.#text.startsWith('</', lt)) {
        this.#pos += 2;
        const closing = localName(this.#readName());
        this.#skipSpace();
        if (this.#text[this.#pos] !== '>' || closing !== name) this.#fail(`expected </${name}>`);
        this.#pos++;
        break;
      }
      if (this.#text.startsWith('<![CDATA[', lt)) {
        const end = this.#text.indexOf(']]>', lt + 9);
        if (end < 0) this.#fail('unterminated CDATA section');
        text += this.#text.slice(lt + 9, end);
        this.#pos = end + 3;
      } else if (this.#text.startsWith('<!--', lt)) {
        this.#skipPast('-->');
      } else if (this.#text.startsWith('<?', lt)) {
        this.#skipPast('?>');
      } else if (this.#text.startsWith('<!', lt)) {
        this.#fail('declarations are not accepted inside elements');
      } else {
        const child = this.#readElement(depth + 1, isList);
        if (isList) {
          items.push(child.value);
        } else {
          const values = children.get(child.name);
          if (values === undefined) children.set(child.name, [child.value]);
          else values.push(child.value);
        }
      }
    }

    if (isList) return { name, value: items };
    if (children.size === 0) return { name, value: typeAttribute === undefined ? text : { Type: typeAttribute } };
    const object: { [key: string]: JsonValue } = {};
    for (const [key, values] of children) {
      setOwn(object, key, values.length > 1 || this.#lists.flat.has(key) ? values : values[0]!);
    }
    if (typeAttribute !== undefined && !Object.hasOwn(object, 'Type')) object.Type = typeAttribute;
    return { name, value: object };
  }
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

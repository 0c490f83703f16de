import type { Diagnostic, Location } from '../diagnostics.js';
import type {
  AnnotationScope,
  Annotations,
  AnnotationTarget,
  AnnotationValue,
  AuthorAnnotation,
  Module,
  RelatedResourceAnnotation,
  SchemaAnnotation,
  Term,
} from './ast.js';
import { ExpressionParser } from './expressions.js';
import {
  formatGoFloat,
  formatGoValue,
  goFields,
  goQuote,
  goQuoteRune,
  goTrimSpace,
  plainUrlText,
} from './go-format.js';
import { type Comment, tokenize } from './lexer.js';
import { decodeMetadataYaml, GoAnyMap, type GoMap, type GoValue, type RawAnnotation } from './metadata-yaml.js';

/*
 * METADATA annotations, as OPA's parser reads them (`parseAnnotations`, `attachAnnotationsNodes`):
 *
 *   # METADATA                 a comment in column 1 whose text starts with METADATA opens a block;
 *   # title: Allow admins      the comments on the following lines, each in column 1, are its YAML
 *   # authors:                 (one leading space removed); the block ends at the first line that is not
 *   # - Jane <jane@x.org>      such a comment, or at the next METADATA comment.
 *   allow if { ... }           the block is attached to the first package, import or rule below it.
 *
 * Problems are `rego_parse_error`s with OPA's messages. Where the YAML parser itself fails, the message is the
 * `yaml` package's, in Go's `yaml: line N: ...` shape, since Go's parser words its errors differently.
 */

/** MetadataBlock is a METADATA comment and the comment lines of its YAML. */
interface MetadataBlock {
  loc: Location;
  lines: Comment[];
}

/** ParsedBlock is a block's annotations before they are attached to a statement. */
type ParsedBlock = Omit<Annotations, 'scope' | 'target'> & { scope: string };

/**
 * readAnnotations parses the METADATA blocks among a module's comments and attaches each to the statement that
 * follows it, filling in `module.annotations`. Problems are returned; the module is left without annotations
 * then.
 */
export function readAnnotations(comments: readonly Comment[], module: Module): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const parsed: ParsedBlock[] = [];
  for (const block of metadataBlocks(comments, module.file)) {
    const result = parseBlock(block, module.file);
    if ('message' in result)
      diagnostics.push({ code: 'rego_parse_error', message: result.message, location: result.loc });
    else parsed.push(result);
  }
  if (diagnostics.length > 0) return diagnostics;
  const annotations: Annotations[] = [];
  for (const block of parsed) {
    const target = statementAfter(module, block.loc.row);
    const scope = defaultScope(block, target);
    const problems = attachmentProblems(scope, block.entrypoint, target);
    for (const message of problems) diagnostics.push({ code: 'rego_parse_error', message, location: block.loc });
    if (problems.length === 0 && target !== undefined && target.kind !== 'import') {
      annotations.push({ ...block, scope: scope as AnnotationScope, target });
    }
  }
  if (diagnostics.length === 0) module.annotations = annotations;
  return diagnostics;
}

function isMetadataComment(c: Comment): boolean {
  return c.col === 1 && c.text.trim().startsWith('METADATA');
}

function metadataBlocks(comments: readonly Comment[], file: string): MetadataBlock[] {
  const blocks: MetadataBlock[] = [];
  comments.forEach((c, i) => {
    if (!isMetadataComment(c)) return;
    const lines: Comment[] = [];
    let previous = c;
    for (const next of comments.slice(i + 1)) {
      if (next.col !== 1 || next.row - 1 !== previous.row || isMetadataComment(next)) break;
      lines.push(next);
      previous = next;
    }
    blocks.push({ loc: { file, row: c.row, col: c.col }, lines });
  });
  return blocks;
}

/** parseBlock is OPA's `metadataParser.Parse`: the block's YAML, then each field's own checks. */
function parseBlock(block: MetadataBlock, file: string): ParsedBlock | { message: string; loc: Location } {
  const text = block.lines.map((c) => `${c.text.startsWith(' ') ? c.text.slice(1) : c.text}\n`).join('');
  if (text.trim() === '') return { message: 'expected METADATA block, found whitespace', loc: block.loc };
  const decoded = decodeMetadataYaml(text);
  if (!decoded.ok) {
    // OPA locates the error at the comment whose index is the line number in Go's message: for an unmarshal
    // error (lines from 1) that is the comment after the one at fault. Syntax errors point at their own line.
    const index = decoded.line === undefined ? 0 : decoded.unmarshal ? decoded.line : decoded.line - 1;
    const line = block.lines[Math.min(index, block.lines.length - 1)];
    const loc = line === undefined ? block.loc : { file, row: line.row, col: line.col };
    return { message: withSpaceHints(decoded.message, block.lines), loc };
  }
  const fields = new FieldReader(file);
  try {
    return {
      ...fields.read(decoded.raw, block.loc),
      ...(decoded.unsupported ? { unsupported: decoded.unsupported } : {}),
    };
  } catch (e) {
    if (e instanceof FieldError) return { message: e.message, loc: block.loc };
    throw e;
  }
}

/**
 * withSpaceHints adds OPA's hint for a `:` followed by something other than a space or tab (`title:x`, or a
 * no-break space), which YAML does not read as a key/value separator.
 */
function withSpaceHints(message: string, lines: readonly Comment[]): string {
  let out = message;
  for (const line of lines) {
    const parts = line.text.split(':').slice(1);
    if (parts.length === 0) continue;
    const invalid: string[] = [];
    for (const [i, part] of parts.entries()) {
      if (part === '' && i === parts.length - 1) break;
      const first = part.codePointAt(0);
      if (first === 0x20 || first === 0x09) break;
      invalid.push(goQuoteRune(first ?? 0xfffd));
    }
    if (invalid.length > 0) {
      out += `\n  Hint: on line ${line.row}, symbol(s) [${invalid.join(' ')}] immediately following a key/value separator ':' is not a legal yaml space character`;
    }
  }
  return out;
}

/** FieldError is a field check that failed, with OPA's message. */
class FieldError extends Error {}

/** FieldReader turns the decoded YAML into annotation fields, with OPA's checks and messages. */
class FieldReader {
  #unsupported: string | undefined;

  constructor(private readonly file: string) {}

  read(raw: RawAnnotation, loc: Location): ParsedBlock {
    const block: ParsedBlock = {
      scope: raw.scope,
      entrypoint: raw.entrypoint,
      organizations: raw.organizations,
      relatedResources: raw.relatedResources.map((v) => this.relatedResource(v)),
      authors: [],
      schemas: [],
      loc,
    };
    if (raw.title !== '') block.title = raw.title;
    if (raw.description !== '') block.description = raw.description;
    block.schemas = raw.schemas.map((pair) => this.schema(pair));
    block.authors = raw.authors.map((v) => this.author(v));
    if (raw.custom !== null) {
      const custom: { [key: string]: AnnotationValue } = {};
      for (const [key, value] of raw.custom) custom[key] = this.value(convertKeys(value, []));
      if (Object.keys(custom).length > 0) block.custom = custom;
    }
    if (this.#unsupported !== undefined) block.unsupported = this.#unsupported;
    return block;
  }

  private relatedResource(v: GoValue): RelatedResourceAnnotation {
    const fail = (reason: string): never => {
      throw new FieldError(`invalid related-resource definition ${formatGoValue(v)}: ${reason}`);
    };
    const converted = convertKeysOr(v, fail);
    if (typeof converted === 'string') {
      if (converted === '') return fail('ref URL may not be empty string');
      return { ref: this.url(converted) };
    }
    if (converted instanceof Map) {
      const description = goTrimSpace(stringEntry(converted, 'description'));
      const ref = goTrimSpace(stringEntry(converted, 'ref'));
      if (ref === '') return fail("'ref' value required in object");
      return description === '' ? { ref: this.url(ref) } : { ref: this.url(ref), description };
    }
    return fail('invalid value type, must be string or map');
  }

  /** url is the text Go's `url.Parse(s).String()` gives, for the URLs where that is certainly `s` itself. */
  private url(s: string): string {
    const text = plainUrlText(s);
    if (text !== undefined) return text;
    this.#unsupported ??= `the related resource URL ${JSON.stringify(s)}, which Go's URL parser may rewrite or reject`;
    return s;
  }

  private author(v: GoValue): AuthorAnnotation {
    const fail = (reason: string): never => {
      throw new FieldError(`invalid author definition ${formatGoValue(v)}: ${reason}`);
    };
    const converted = convertKeysOr(v, fail);
    if (typeof converted === 'string') {
      const parts = goFields(converted);
      if (parts.length === 0) return fail('author is an empty string');
      const last = parts[parts.length - 1] as string;
      let email = '';
      if (last.length >= 2 && last.startsWith('<') && last.endsWith('>')) {
        email = last.slice(1, -1);
        parts.pop();
      }
      return authorOf(parts.join(' '), email);
    }
    if (converted instanceof Map) {
      const name = goTrimSpace(stringEntry(converted, 'name'));
      const email = goTrimSpace(stringEntry(converted, 'email'));
      if (name === '' && email === '') return fail("'name' and/or 'email' values required in object");
      return authorOf(name, email);
    }
    return fail('invalid value type, must be string or map');
  }

  private schema(pair: GoMap | null): SchemaAnnotation {
    if (pair !== null && pair.size > 1) {
      // Go picks the entry of a many-keyed map in random order; no one answer is OPA's.
      this.#unsupported ??= 'a schema entry with more than one key';
    }
    const first = pair === null ? undefined : [...pair][0];
    const [key, value] = first ?? ['', null];
    const path = this.refNames(key, false);
    if (path === undefined) throw new FieldError('invalid document reference');
    if (typeof value === 'string') {
      const schema = this.refNames(value, true);
      if (schema === undefined) throw new FieldError('invalid schema reference');
      return { path, schema };
    }
    if (value instanceof Map) {
      const definition = convertKeysOr(value, (reason) => {
        throw new FieldError(`invalid schema definition: ${reason}`);
      });
      return { path, definition: this.value(definition) };
    }
    throw new FieldError(`invalid schema declaration for path ${goQuote(key)}`);
  }

  /**
   * refNames parses a document ref (`input.x`, `data.a["b"]`) as OPA's `ParseRef`, or a schema ref (`schema`,
   * `schema.x`) as its `ParseSchemaRef`, and returns it as OPA's `Ref.toArray` does: each part as a string.
   */
  private refNames(source: string, schemaRef: boolean): string[] | undefined {
    const term = parseSingleTerm(source, this.file);
    if (term === undefined) return undefined;
    const terms = term.type === 'ref' ? term.terms : [term];
    const head = terms[0];
    if (head?.type !== 'var') return undefined;
    if (schemaRef ? head.name !== 'schema' : term.type !== 'ref' && head.name !== 'input' && head.name !== 'data') {
      return undefined;
    }
    const names: string[] = [];
    for (const part of terms) {
      const name = refPartName(part);
      if (name === undefined) {
        this.#unsupported ??= `the ref ${JSON.stringify(source)}, whose parts Airlock cannot print as OPA does`;
        return [...names, source];
      }
      names.push(name);
    }
    return names;
  }

  /** value converts a decoded YAML value into an annotation value, as OPA's `InterfaceToValue` reads it. */
  private value(v: GoValue): AnnotationValue {
    if (v instanceof Map) {
      const out: { [key: string]: AnnotationValue } = {};
      for (const [k, x] of v) out[k] = this.value(x);
      return out;
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v instanceof GoAnyMap) throw new Error('internal: map keys not converted');
    if (typeof v === 'number' && !Number.isFinite(v)) {
      this.#unsupported ??= `the YAML number ${formatGoFloat(v)}, which is not a JSON number`;
    }
    return v;
  }
}

function authorOf(name: string, email: string): AuthorAnnotation {
  const author: AuthorAnnotation = {};
  if (name !== '') author.name = name;
  if (email !== '') author.email = email;
  return author;
}

/** stringEntry is OPA's `getSafeString`: the entry if it is a string, else "". */
function stringEntry(m: GoMap, key: string): string {
  const v = m.get(key);
  return typeof v === 'string' ? v : '';
}

/** convertKeysOr is OPA's `convertYAMLMapKeyTypes`, failing through `fail` on a map with a non-string key. */
function convertKeysOr(v: GoValue, fail: (reason: string) => never): GoValue {
  try {
    return convertKeys(v, []);
  } catch (e) {
    if (e instanceof FieldError) return fail(e.message);
    throw e;
  }
}

function convertKeys(v: GoValue, path: string[]): GoValue {
  if (v instanceof GoAnyMap) {
    const out: GoMap = new Map();
    for (const [k, x] of v.entries) {
      if (typeof k !== 'string') throw new FieldError(`invalid map key type(s): ${path.join('/')}`);
      out.set(k, convertKeys(x, [...path, k]));
    }
    return out;
  }
  if (v instanceof Map) {
    const out: GoMap = new Map();
    for (const [k, x] of v) out.set(k, convertKeys(x, [...path, k]));
    return out;
  }
  if (Array.isArray(v)) return v.map((x, i) => convertKeys(x, [...path, String(i)]));
  return v;
}

/** parseSingleTerm parses `source` as exactly one term, or returns undefined. */
function parseSingleTerm(source: string, file: string): Term | undefined {
  const parser = new ExpressionParser(tokenize(source), file);
  try {
    const body = parser.parseQuery();
    const [expr] = body;
    if (parser.diagnostics.length > 0 || body.length !== 1 || expr?.kind !== 'term' || expr.negated) return undefined;
    if (expr.with.length > 0) return undefined;
    return expr.term;
  } catch {
    return undefined;
  }
}

/**
 * refPartName is a ref part as OPA's `Ref.toArray` prints it: strings as they are, scalars and vars as text; undefined
 * for any other term.
 */
export function refPartName(t: Term): string | undefined {
  switch (t.type) {
    case 'string':
      return t.value;
    case 'var':
      return t.name;
    case 'number':
      return t.value;
    case 'boolean':
      return String(t.value);
    case 'null':
      return 'null';
    default:
      return undefined;
  }
}

/** StatementTarget is the statement a block precedes, including an import (which no block may describe). */
type StatementTarget = AnnotationTarget | { kind: 'import' };

/** statementAfter finds the first package, import or rule that starts on a row below `row`. */
function statementAfter(module: Module, row: number): StatementTarget | undefined {
  const statements: { row: number; target: StatementTarget }[] = [
    { row: module.packageLoc.row, target: { kind: 'package' } },
    ...module.imports.map((imp) => ({ row: imp.loc.row, target: { kind: 'import' } as const })),
    ...module.rules.map((rule, index) => ({ row: rule.loc.row, target: { kind: 'rule', index } as const })),
  ];
  statements.sort((a, b) => a.row - b.row);
  return statements.find((s) => s.row > row)?.target;
}

function defaultScope(block: ParsedBlock, target: StatementTarget | undefined): string {
  if (block.scope !== '') return block.scope;
  switch (target?.kind) {
    case 'rule':
      return block.entrypoint ? 'document' : 'rule';
    case 'package':
      return 'package';
    case 'import':
      return 'import';
    default:
      return '';
  }
}

/** attachmentProblems are OPA's checks that a scope fits the statement below it, and that an entrypoint can be one. */
function attachmentProblems(scope: string, entrypoint: boolean, target: StatementTarget | undefined): string[] {
  const problems: string[] = [];
  const have = target === undefined ? '' : ` (have ${target.kind})`;
  switch (scope) {
    case 'rule':
    case 'document':
      if (target?.kind !== 'rule') problems.push(`annotation scope '${scope}' must be applied to rule${have}`);
      break;
    case 'package':
    case 'subpackages':
      if (target?.kind !== 'package') problems.push(`annotation scope '${scope}' must be applied to package${have}`);
      break;
    default:
      problems.push(`invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'`);
  }
  if (entrypoint && scope !== 'document' && scope !== 'package') {
    problems.push(`annotation entrypoint applied to non-document or package scope '${scope}'`);
  }
  return problems;
}

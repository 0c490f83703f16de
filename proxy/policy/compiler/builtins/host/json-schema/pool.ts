/*
 * gojsonschema's schema pool: the documents a schema can reference, keyed by URL. The root document is pooled
 * under its own (empty) reference, every `$id` inside it under the URL it resolves to, and every `$ref` is
 * rewritten to an absolute reference before the schema is parsed. Only documents already in the pool and the
 * draft meta-schemas resolve here; OPA would fetch any other URL (or read a file), which a decision must not do.
 */

import { HostLimitError } from '../errors.js';
import { isJsonMap, type JsonValue, parseJson } from './json-value.js';
import { type Draft, META_SCHEMAS } from './metaschemas.js';
import { fill, SCHEMA_ERRORS, SchemaError } from './messages.js';
import {
  documentText,
  inherits,
  isCanonical,
  type JsonReference,
  newReference,
  pointerGet,
  referenceText,
} from './reference.js';

/** PoolDocument is a document (or part of one) and the draft its root's `$schema` names, if any. */
export interface PoolDocument {
  readonly document: JsonValue;
  readonly draft: Draft | undefined;
}

/**
 * schemaUrlOf reads a document's `$schema` (gojsonschema's parseSchemaURL): the URL and the draft it names.
 *
 * @throws {SchemaError} when the document cannot be a schema or `$schema` is not a string.
 */
export function schemaUrlOf(document: JsonValue): { url: string; draft: Draft | undefined } {
  if (typeof document === 'boolean') return { url: '', draft: undefined };
  if (!isJsonMap(document)) throw new SchemaError('schema is invalid');
  const value = document.get('$schema');
  if (value === undefined) return { url: '', draft: undefined };
  if (typeof value !== 'string') {
    throw new SchemaError(fill(SCHEMA_ERRORS.mustBeOfType, { key: '$schema', type: 'string' }));
  }
  const url = referenceText(newReference(value));
  return { url, draft: META_SCHEMAS.find((m) => m.url === url)?.draft };
}

function alreadyExists(reference: string): SchemaError {
  return new SchemaError(`Reference already exists: "${reference}"`);
}

/** SchemaPool holds the documents of one compilation. */
export class SchemaPool {
  readonly #documents = new Map<string, PoolDocument>();

  /**
   * parseReferences pools `document` under `reference` (when `pooled`) and every `$id` inside it, and rewrites
   * its `$ref`s to absolute references.
   *
   * @throws {SchemaError} for a `$schema` that is not a string, or a root `$id` already pooled.
   */
  parseReferences(document: JsonValue, reference: JsonReference, pooled: boolean): void {
    const key = referenceText(reference);
    if (pooled && this.#documents.has(key)) throw alreadyExists(key);
    const { draft } = schemaUrlOf(document);
    const error = this.#parseReferencesRecursive(document, reference, draft);
    if (pooled) this.#documents.set(key, { document, draft });
    if (error !== undefined) throw error;
  }

  /** Errors below the first level are dropped, as gojsonschema drops them: parsing the schema meets them again. */
  #parseReferencesRecursive(
    document: JsonValue,
    reference: JsonReference,
    draft: Draft | undefined,
  ): SchemaError | undefined {
    if (Array.isArray(document)) {
      for (const item of document) this.#parseReferencesRecursive(item, reference, draft);
      return undefined;
    }
    if (!isJsonMap(document)) return undefined;
    let local = reference;
    const id = document.get(document.has('id') ? 'id' : '$id');
    if (typeof id === 'string') {
      const resolved = tryReference(() => inherits(reference, newReference(id)));
      if (resolved !== undefined) {
        local = resolved;
        const key = referenceText(resolved);
        if (this.#documents.has(key)) return alreadyExists(key);
        this.#documents.set(key, { document, draft });
      }
    }
    const ref = document.get('$ref');
    if (typeof ref === 'string') {
      const absolute = tryReference(() => inherits(local, newReference(ref)));
      if (absolute !== undefined) document.set('$ref', referenceText(absolute));
    }
    for (const [key, value] of document) {
      // const and enum are data; properties, dependencies and patternProperties map names to schemas.
      if (key === 'const' || key === 'enum') continue;
      if (key === 'properties' || key === 'dependencies' || key === 'patternProperties') {
        if (isJsonMap(value)) for (const child of value.values()) this.#parseReferencesRecursive(child, local, draft);
      } else {
        this.#parseReferencesRecursive(value, local, draft);
      }
    }
    return undefined;
  }

  /**
   * getDocument finds the document a reference points at (gojsonschema's GetDocument).
   *
   * @throws {SchemaError} when the pointer leads nowhere or the reference is relative to nothing.
   * @throws {HostLimitError} for a document OPA would fetch from the network or read from a file.
   */
  getDocument(reference: JsonReference): PoolDocument {
    const key = referenceText(reference);
    const found = this.#documents.get(key);
    if (found !== undefined) return found;
    const base = this.#documents.get(documentText(reference));
    if (base !== undefined) {
      const part = { document: pointerGet(reference.pointer, base.document), draft: base.draft };
      this.#documents.set(key, part);
      return part;
    }
    if (!isCanonical(reference)) {
      throw new SchemaError(fill(SCHEMA_ERRORS.referenceMustBeCanonical, { reference: key }));
    }
    const meta = META_SCHEMAS.find((m) => m.url === documentText(reference));
    if (meta === undefined || reference.hasFileScheme) {
      throw new HostLimitError(`a JSON schema $ref to ${key} would load a document from outside the policy`);
    }
    const document = parseJson(meta.text);
    try {
      this.parseReferences(document, newReference(documentText(reference)), true);
    } catch (error) {
      // gojsonschema ignores errors pooling a fetched document.
      if (!(error instanceof SchemaError)) throw error;
    }
    return { document: pointerGet(reference.pointer, document), draft: schemaUrlOf(document).draft };
  }
}

function tryReference(resolve: () => JsonReference): JsonReference | undefined {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof SchemaError) return undefined;
    throw error;
  }
}

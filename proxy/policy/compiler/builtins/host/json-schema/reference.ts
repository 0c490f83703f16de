/*
 * JSON references as gojsonschema reads `$ref` and `$id` (the xeipuuv/gojsonreference and gojsonpointer versions
 * OPA pins): a Go URL whose fragment, when it starts with `/`, is a JSON pointer. A fragment that is not a
 * pointer (`#foo`) is kept in the URL but points at the whole document.
 */

import {
  fromByteString,
  type GoUrl,
  GoUrlError,
  parseUrl,
  resolveReference,
  toByteString,
  urlString,
} from '../go-url.js';
import { isJsonMap, type JsonValue } from './json-value.js';
import { SchemaError } from './messages.js';

/** JsonReference is a parsed `$ref` or `$id`. */
export interface JsonReference {
  readonly url: GoUrl;
  /** The pointer's reference tokens, still encoded (`~0`, `~1`). */
  readonly pointer: readonly string[];
  readonly hasFullUrl: boolean;
  readonly hasFileScheme: boolean;
  readonly hasFullFilePath: boolean;
}

/**
 * newReference is gojsonreference.NewJsonReference.
 *
 * @throws {SchemaError} with Go's url.Parse message.
 */
export function newReference(text: string): JsonReference {
  let url: GoUrl;
  try {
    url = parseUrl(toByteString(text));
  } catch (error) {
    if (error instanceof GoUrlError) throw new SchemaError(error.message);
    throw error;
  }
  return {
    url,
    pointer: url.fragment.startsWith('/') ? fromByteString(url.fragment).split('/').slice(1) : [],
    hasFullUrl: url.scheme !== '' && url.host !== '',
    hasFileScheme: url.scheme === 'file',
    hasFullFilePath: url.path.startsWith('/'),
  };
}

/** referenceText is the reference as gojsonschema keys it: Go's URL.String. */
export function referenceText(reference: JsonReference): string {
  return fromByteString(urlString(reference.url));
}

/** documentText is the URL of the document a reference points into: the reference without its fragment. */
export function documentText(reference: JsonReference): string {
  return fromByteString(urlString({ ...reference.url, fragment: '', rawFragment: '' }));
}

/** isCanonical says whether a reference names a document on its own (an absolute URL or file path). */
export function isCanonical(reference: JsonReference): boolean {
  return reference.hasFileScheme ? reference.hasFullFilePath : reference.hasFullUrl;
}

/** inherits resolves `child` against `parent` (gojsonreference's Inherits: the parent's fragment is dropped). */
export function inherits(parent: JsonReference, child: JsonReference): JsonReference {
  const base = { ...parent.url, fragment: '' };
  return newReference(fromByteString(urlString(resolveReference(base, child.url))));
}

const decodeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

/**
 * pointerGet follows a JSON pointer into a document (gojsonpointer's Get).
 *
 * @throws {SchemaError} with gojsonpointer's message when the pointer leads nowhere.
 */
export function pointerGet(pointer: readonly string[], document: JsonValue): JsonValue {
  let node = document;
  for (const token of pointer) {
    if (isJsonMap(node)) {
      const next = node.get(decodeToken(token));
      if (next === undefined) throw new SchemaError(`Object has no key '${token}'`);
      node = next;
    } else if (Array.isArray(node)) {
      const index = /^[+-]?\d+$/.test(token) ? BigInt(token) : undefined;
      if (index === undefined || index < -(1n << 63n) || index >= 1n << 63n) {
        throw new SchemaError(`Invalid array index '${token}'`);
      }
      if (index < 0n || index >= BigInt(node.length)) {
        // gojsonpointer prints the index and the length the other way round.
        throw new SchemaError(`Out of bound array[0,${index}] index '${node.length}'`);
      }
      node = node[Number(index)]!;
    } else {
      throw new SchemaError(`Invalid token reference '${token}'`);
    }
  }
  return node;
}

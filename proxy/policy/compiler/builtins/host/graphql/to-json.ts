/*
 * The JSON OPA returns for a GraphQL syntax tree: gqlparser's structs marshalled with encoding/json, then pruned by
 * OPA (pruneIrrelevantGraphQLASTNodes): every "Position" key goes, and so does every null and every array or object
 * left empty after pruning, in objects and arrays alike. Empty strings, false and 0 stay.
 */

import { GraphqlLimitError } from './errors.js';
import { MAX_NESTING } from './parser.js';
import type { JsonObject, RegoValue } from '../value.js';

/** astToJson is the pruned JSON of a syntax tree node; a node pruning empties is the empty object. */
export function astToJson(node: object): RegoValue {
  return prune(node, 0) ?? {};
}

function prune(value: unknown, depth: number): RegoValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  // A tree nests a few nodes per level of the text, which the parser already bounded.
  if (depth > 8 * MAX_NESTING) throw new GraphqlLimitError('the GraphQL syntax tree is nested too deeply');
  if (Array.isArray(value)) {
    const items: RegoValue[] = [];
    for (const item of value) {
      const pruned = prune(item, depth + 1);
      if (pruned !== undefined) items.push(pruned);
    }
    return items.length === 0 ? undefined : items;
  }
  const out: Record<string, RegoValue> = {};
  let kept = 0;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Position') continue;
    const pruned = prune(field, depth + 1);
    if (pruned !== undefined) {
      out[key] = pruned;
      kept++;
    }
  }
  return kept === 0 ? undefined : (out as JsonObject);
}

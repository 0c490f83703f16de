/*
 * graph.reachable and graph.reachable_paths (OPA 1.5's topdown/reachable.go). Both return sets, and graph keys may
 * be any value, so they are exact only through the typed bridge (see NATIVE_ONLY).
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { objectOperand } from './operands.js';
import {
  isJsonObject,
  type JsonObject,
  objectEntries,
  type RegoObject,
  RegoSet,
  type RegoValue,
  typeName,
  valuesEqual,
} from './value.js';

type Graph = JsonObject | RegoObject;

function vertices(collection: RegoValue | undefined): readonly RegoValue[] {
  if (Array.isArray(collection)) return collection;
  if (collection instanceof RegoSet) return collection.members;
  return [];
}

function edgesOf(graph: Graph, node: RegoValue): RegoValue | undefined {
  if (typeof node === 'string' && isJsonObject(graph)) return Object.hasOwn(graph, node) ? graph[node] : undefined;
  return objectEntries(graph).find(([k]) => valuesEqual(k, node))?.[1];
}

function initialVertices(builtin: string, value: RegoValue | undefined): readonly RegoValue[] {
  if (!Array.isArray(value) && !(value instanceof RegoSet)) {
    // OPA names the two types as one: `builtins.NewOperandTypeErr(2, initial, "{array, set}")`.
    throw new BuiltinError(
      `${builtin}: operand 2 must be {array, set} but got ${typeName(value ?? null)}`,
      'eval_type_error',
    );
  }
  return vertices(value);
}

/** GRAPH_BUILTINS implements graph.reachable and graph.reachable_paths. */
export const GRAPH_BUILTINS: HostBuiltinTable = {
  'graph.reachable': ([graphValue, initial]) => {
    const graph = objectOperand('graph.reachable', 1, graphValue);
    const queue = [...initialVertices('graph.reachable', initial)];
    const reached: RegoValue[] = [];
    const isReached = (v: RegoValue): boolean => reached.some((r) => valuesEqual(r, v));
    while (queue.length > 0) {
      const node = queue.shift()!;
      const edges = edgesOf(graph, node);
      if (edges === undefined) continue;
      for (const neighbour of vertices(edges)) if (!isReached(neighbour)) queue.push(neighbour);
      if (!isReached(node)) reached.push(node);
    }
    return new RegoSet(reached);
  },

  'graph.reachable_paths': ([graphValue, initial]) => {
    const graph = objectOperand('graph.reachable_paths', 1, graphValue);
    const paths: RegoValue[] = [];
    const isIn = (vertices: readonly RegoValue[], v: RegoValue): boolean => vertices.some((r) => valuesEqual(r, v));
    // OPA 1.5's pathBuilder, quirks included: `reached` is shared by every branch below one edge of an initial
    // vertex, so a vertex reached down one branch ends the paths of the branches after it; and the paths one call
    // commits accumulate, so a second commit in the same call repeats the first one's vertices.
    const build = (root: RegoValue, path: readonly RegoValue[], reached: RegoValue[]): void => {
      let committed: RegoValue[] = [];
      const commit = (vertices: readonly RegoValue[]): void => {
        committed = [...committed, ...vertices];
        paths.push(committed);
      };
      const edges = edgesOf(graph, root);
      if (edges === undefined) {
        commit(path);
        return;
      }
      const extended = [...path, root];
      const neighbours = vertices(edges);
      if (neighbours.length === 0) {
        commit(extended);
        return;
      }
      for (const neighbour of neighbours) {
        if (isIn(reached, neighbour)) {
          commit(extended);
        } else {
          if (!isIn(reached, root)) reached.push(root);
          build(neighbour, extended, reached);
        }
      }
    };
    for (const node of initialVertices('graph.reachable_paths', initial)) {
      const edges = edgesOf(graph, node);
      if (edges === undefined) continue;
      const neighbours = vertices(edges);
      if (neighbours.length === 0) paths.push([node]);
      for (const neighbour of neighbours) build(neighbour, [node], [node]);
    }
    return new RegoSet(paths);
  },
};

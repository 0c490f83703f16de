import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** PolicySources is what a policy directory holds: Rego modules by file name, and the data document. */
export interface PolicySources {
  modules: Record<string, string>;
  data: Record<string, unknown>;
}

/**
 * loadPolicySources reads `.rego` files and `data.json` files below the given paths. As in an OPA bundle, a
 * `data.json` in directory `a/b/` (relative to the path given) is the document `data.a.b`.
 *
 * @throws {Error} naming the file when a data file is not valid JSON or two data files overlap.
 */
export function loadPolicySources(paths: string[], options: { includeTests: boolean }): PolicySources {
  const modules: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  for (const root of paths) {
    for (const file of walk(root)) {
      if (file.endsWith('.rego')) {
        if (!options.includeTests && file.endsWith('_test.rego')) continue;
        modules[file] = readFileSync(file, 'utf8');
      } else if (file.endsWith(`${sep}data.json`) || file === 'data.json') {
        const at = relative(root, file).split(sep).slice(0, -1);
        mergeDataFile(data, at, file);
      }
    }
  }
  return { modules, data };
}

function walk(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => walk(join(path, name)));
}

function mergeDataFile(data: Record<string, unknown>, at: string[], file: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  let node = data;
  for (const key of at) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new Error(`${file}: data at ${at.join('.')} overlaps another data file`);
    }
    node = node[key] as Record<string, unknown>;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    if (at.length === 0) throw new Error(`${file}: the root data document must be an object`);
  }
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (key in node) throw new Error(`${file}: data key ${[...at, key].join('.')} is defined twice`);
    node[key] = value;
  }
}

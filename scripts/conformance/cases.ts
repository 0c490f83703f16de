import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** ConformanceCase is one case of OPA's conformance suite, as its YAML holds it (see the suite's README). */
export interface ConformanceCase {
  note: string;
  folder: string;
  query: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_error?: string;
  want_error_code?: string;
  sort_bindings?: boolean;
  strict_error?: boolean;
}

/** loadCases reads every case under `root`, in a stable order (by file, then by position in the file). */
export function loadCases(root: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const file of yamlFiles(root)) {
    const folder = relative(root, file).split('/')[0] ?? '';
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const parsed = doc.toJS() as { cases?: Omit<ConformanceCase, 'folder'>[] } | null;
      for (const c of parsed?.cases ?? []) cases.push({ ...c, modules: c.modules ?? [], folder });
    }
  }
  return cases;
}

function yamlFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...yamlFiles(path));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(path);
  }
  return files;
}

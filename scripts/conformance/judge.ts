import type { ConformanceCase } from './cases.js';

/**
 * Outcome of one case, as the suite's README classes them. A wrong result is the one that matters most: the
 * compiled policy answered, and answered differently from OPA.
 */
export type Outcome = 'passed' | 'refused' | 'wrong' | 'errored';

export interface Verdict {
  outcome: Outcome;
  detail?: string;
}

/**
 * CaseProgram is how a case is compiled: the modules, the entrypoint to evaluate, and how to read its result.
 * A query of the form `data.a.b.p = x` evaluates entrypoint `a/b/p`; any other query is compiled as the body of
 * a generated partial-set rule whose elements are the binding rows, which is how OPA compiles a query.
 */
export interface CaseProgram {
  modules: Record<string, string>;
  entrypoint: string;
  /** The expected answer, in the shape `evaluate()` returns (`[]` or `[{result: …}]`), or undefined for errors. */
  expected?: unknown[];
}

const QUERY_PACKAGE = 'airlock_conformance_query';
const ENTRYPOINT_QUERY = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)*) = ([A-Za-z_][A-Za-z0-9_]*)$/;

export function programFor(c: ConformanceCase): CaseProgram {
  const modules: Record<string, string> = {};
  c.modules.forEach((source, i) => {
    modules[`module-${i}.rego`] = source;
  });
  const match = ENTRYPOINT_QUERY.exec(c.query.trim());
  if (match && match[2] !== 'input' && match[2] !== 'data') {
    const path = (match[1] ?? '').slice(1).split('.').filter(Boolean).join('/');
    const variable = match[2] ?? 'x';
    const expected = c.want_result?.map((row) => ({ result: row[variable] }));
    return { modules, entrypoint: path, expected };
  }
  const variables = [...new Set((c.want_result ?? []).flatMap((row) => Object.keys(row)))].sort();
  const row = `{${variables.map((v) => `${JSON.stringify(v)}: ${v}`).join(', ')}}`;
  modules['query.rego'] = `package ${QUERY_PACKAGE}\n\nbindings contains ${row} if {\n${c.query}\n}\n`;
  const expected = c.want_result && [{ result: c.want_result }];
  return { modules, entrypoint: `${QUERY_PACKAGE}/bindings`, expected };
}

/**
 * judgeEvaluation classes what a compiled case did when evaluated: its result, or the error it threw.
 * `strict_error` marks cases run with OPA's strict built-in errors: where such a case expects an error, a Wasm
 * evaluation passes by answering undefined without throwing; where it gives a result, the result is the answer.
 */
export function judgeEvaluation(c: ConformanceCase, program: CaseProgram, result: unknown, thrown?: string): Verdict {
  const wantsError = c.want_error !== undefined || c.want_error_code !== undefined;
  if (thrown !== undefined) {
    if (!wantsError || c.strict_error) return { outcome: 'errored', detail: thrown };
    if (c.want_error_code === 'eval_conflict_error' && !/var assignment conflict|object insert conflict/.test(thrown)) {
      return { outcome: 'errored', detail: `expected a conflict error, got: ${thrown}` };
    }
    return { outcome: 'passed' };
  }
  if (c.want_result === undefined) {
    if (c.strict_error && isEmptyResult(result, program)) return { outcome: 'passed' };
    return { outcome: 'wrong', detail: `expected ${c.strict_error ? 'undefined' : 'an error'}, got ${show(result)}` };
  }
  const expected = program.expected ?? [];
  const unordered = c.sort_bindings === true || program.entrypoint.startsWith(QUERY_PACKAGE);
  if (sameValue(normalise(expected, unordered), normalise(result, unordered))) return { outcome: 'passed' };
  return { outcome: 'wrong', detail: `want ${show(expected)}, got ${show(result)}` };
}

/** isEmptyResult: no result at all, or, for a query compiled as a set of binding rows, no row. */
function isEmptyResult(result: unknown, program: CaseProgram): boolean {
  if (!Array.isArray(result)) return false;
  if (result.length === 0) return true;
  const rows = (result[0] as { result?: unknown } | undefined)?.result;
  return program.entrypoint.startsWith(QUERY_PACKAGE) && Array.isArray(rows) && rows.length === 0;
}

/** normalise sorts arrays (at every depth) when the comparison is unordered, and object keys always. */
function normalise(value: unknown, unordered: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v, unordered));
    return unordered ? items.sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b))) : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = normalise((value as Record<string, unknown>)[key], unordered);
    return out;
  }
  return value;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

import { DIAGNOSTIC_LIMIT, type Diagnostic } from '../diagnostics.js';
import type { Body, Module, Term } from './ast.js';
import { ParseAbort } from './cursor.js';
import { ExpressionParser } from './expressions.js';
import { readAnnotations } from './annotations.js';
import { lex, tokenize } from './lexer.js';
import { ModuleParser } from './rules.js';

/*
 * The parse stage's public entry points. None of them throws: every problem, including an internal failure of the
 * parser itself, comes back as a `rego_parse_error` diagnostic located in the source.
 */

/** ParseModuleResult holds the module (only when there are no diagnostics) and the problems found. */
export interface ParseModuleResult {
  module?: Module;
  diagnostics: Diagnostic[];
}

export interface ParseBodyResult {
  body?: Body;
  diagnostics: Diagnostic[];
}

export interface ParseTermResult {
  term?: Term;
  diagnostics: Diagnostic[];
}

/**
 * parseModule parses one Rego v1 source file.
 *
 * @example
 * const { module, diagnostics } = parseModule('package a\n\np := 1', 'a.rego');
 */
export function parseModule(source: string, file: string): ParseModuleResult {
  const { tokens, comments } = lex(source);
  const parser = new ModuleParser(tokens, file);
  const module = guarded(parser.diagnostics, file, () => parser.parseModule());
  if (module !== undefined && parser.diagnostics.length === 0) {
    parser.diagnostics.push(...(guarded(parser.diagnostics, file, () => readAnnotations(comments, module)) ?? []));
  }
  const diagnostics = parser.diagnostics.slice(0, DIAGNOSTIC_LIMIT);
  return module === undefined || diagnostics.length > 0 ? { diagnostics } : { module, diagnostics };
}

/**
 * parseBody parses a query such as `data.a.b = x` or `x := 1; y := 2`: expressions separated by `;` or new lines.
 */
export function parseBody(source: string, file: string): ParseBodyResult {
  const parser = new ExpressionParser(tokenize(source), file);
  const body = guarded(parser.diagnostics, file, () => parser.parseQuery());
  const diagnostics = parser.diagnostics.slice(0, DIAGNOSTIC_LIMIT);
  return body === undefined || diagnostics.length > 0 ? { diagnostics } : { body, diagnostics };
}

/** parseTerm parses a single term such as `{"a": {1, 2}}` or `data.x[y]` (used for conformance `input_term`). */
export function parseTerm(source: string, file: string): ParseTermResult {
  const { body, diagnostics } = parseBody(source, file);
  if (body === undefined) return { diagnostics };
  const [expr] = body;
  if (body.length !== 1 || expr === undefined || expr.kind !== 'term' || expr.negated || expr.with.length > 0) {
    const location = expr?.loc ?? { file, row: 1, col: 1 };
    return { diagnostics: [{ code: 'rego_parse_error', message: 'expected exactly one term', location }] };
  }
  return expr.term === undefined ? { diagnostics } : { term: expr.term, diagnostics };
}

/** Runs a parse, turning an abort or an unforeseen internal error into a diagnostic rather than a throw. */
function guarded<T>(diagnostics: Diagnostic[], file: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ParseAbort) {
      if (diagnostics.length === 0) {
        diagnostics.push({ code: 'rego_parse_error', message: 'parse failed', location: { file, row: 1, col: 1 } });
      }
      return undefined;
    }
    const reason = e instanceof Error ? e.message : String(e);
    diagnostics.push({
      code: 'rego_parse_error',
      message: `internal parser error (please report): ${reason}`,
      location: { file, row: 1, col: 1 },
    });
    return undefined;
  }
}

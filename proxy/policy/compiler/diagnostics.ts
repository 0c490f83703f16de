/** Location is a position in a Rego source file; rows and columns count from 1. */
export interface Location {
  file: string;
  row: number;
  col: number;
}

/**
 * DiagnosticCode names a class of compile problem, as OPA names them, so that messages read the same as `opa check`.
 */
export type DiagnosticCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error'
  | 'rego_unsupported_error';

/** Diagnostic is one problem found in a policy, located in its source. */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  location: Location;
}

/** formatDiagnostic prints a diagnostic as `file:row:col: code: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.location.file}:${d.location.row}:${d.location.col}: ${d.code}: ${d.message}`;
}

/** CompileError carries every diagnostic that stopped a compile (up to the limit). */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  readonly code = 'AIRLOCK_ERR_POLICY_COMPILE';
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.diagnostics = diagnostics;
  }
}

/** DIAGNOSTIC_LIMIT is how many problems a compile collects before it stops looking, as OPA's error limit. */
export const DIAGNOSTIC_LIMIT = 10;

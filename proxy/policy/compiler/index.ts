import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { HOST_NAME_ALIASES, hostBuiltinNames, hostBuiltinsForLoader } from './builtins/host/index.js';
import { checkModules } from './check/index.js';
import { CompileError, DIAGNOSTIC_LIMIT, type Diagnostic } from './diagnostics.js';
import type { Module } from './parse/ast.js';
import { parseModule } from './parse/parser.js';
import { planProgram } from './plan/index.js';
import { emitWasm } from './wasm/emit.js';

export { CompileError, type Diagnostic, formatDiagnostic } from './diagnostics.js';
export type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
/** parseModule is the first stage on its own, for callers that read a module's rules without compiling it. */
export { parseModule } from './parse/parser.js';

/** CompileOptions tunes a compile; every field is optional. */
export interface CompileOptions {
  /** How many problems to collect before giving up (default 10, as OPA). */
  diagnosticLimit?: number;
}

/**
 * compileRego compiles Rego v1 modules (file name → source) into a WebAssembly policy exposing each of
 * `entrypoints` (`airlock/decision`, `a/b/p`), loadable by `@open-policy-agent/opa-wasm` as one built by
 * `opa build -t wasm`.
 *
 * @throws {CompileError} with every diagnostic found (code `AIRLOCK_ERR_POLICY_COMPILE`).
 */
export async function compileRego(
  modules: Record<string, string>,
  entrypoints: string[],
  options: CompileOptions = {},
): Promise<Uint8Array> {
  const limit = options.diagnosticLimit ?? DIAGNOSTIC_LIMIT;
  const parsed = parseModules(modules, limit);
  const checked = checkModules(parsed, entrypoints);
  if (!checked.program || checked.diagnostics.length > 0) {
    throw new CompileError(checked.diagnostics.slice(0, limit));
  }
  const policy = planProgram(checked.program, entrypoints);
  return emitWasm(policy, { hostBuiltins: hostBuiltinNames(), hostBuiltinAliases: HOST_NAME_ALIASES });
}

function parseModules(sources: Record<string, string>, limit: number): Module[] {
  const modules: Module[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [file, source] of Object.entries(sources)) {
    const result = parseModule(source, file);
    diagnostics.push(...result.diagnostics);
    if (result.module) modules.push(result.module);
  }
  if (diagnostics.length > 0) throw new CompileError(diagnostics.slice(0, limit));
  return modules;
}

/**
 * loadCompiledPolicy instantiates a compiled policy with Airlock's host built-ins, returning the SDK's policy
 * object (`setData`, `evaluate`). Every policy Airlock evaluates is loaded through here.
 */
export function loadCompiledPolicy(wasm: Uint8Array): Promise<LoadedPolicy> {
  return loadPolicy(wasm, undefined, hostBuiltinsForLoader());
}

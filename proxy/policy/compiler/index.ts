import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { createHostBuiltins, HOST_NAME_ALIASES, type HostBuiltins, hostBuiltinNames } from './builtins/host/index.js';
import { checkModules } from './check/index.js';
import { CompileError, DIAGNOSTIC_LIMIT, type Diagnostic } from './diagnostics.js';
import type { Module } from './parse/ast.js';
import { parseModule } from './parse/parser.js';
import { planProgram } from './plan/index.js';
import { emitWasm } from './wasm/emit.js';

export { CompileError, type Diagnostic, formatDiagnostic, type Location } from './diagnostics.js';
export type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
/** parseModule is the first stage on its own, for callers that read a module's rules without compiling it. */
export { parseModule } from './parse/parser.js';
/** The AST and the lexer, for callers that rewrite modules (CompileOptions.rewriteModules) or quote source. */
export type { Body, Expr, Module, Rule, Term } from './parse/ast.js';
export { tokenize, type Token } from './parse/lexer.js';
/** AST helpers for the same callers: whether a term is a constant, and a rewrite of every body of a module. */
export { isGround } from './parse/expressions.js';
export { mapBodies } from './check/terms.js';
/** createHostBuiltins makes host built-ins with their own options, for callers that capture `print` output. */
export { createHostBuiltins, type HostBuiltins } from './builtins/host/index.js';

/*
 * The runtime passes host built-ins their arguments, and reads their answers, in the typed encoding
 * (builtins/host/codec.ts), so every host built-in is exact, including those that take or return sets.
 * One set of host built-ins serves every policy loaded.
 */
const HOST = createHostBuiltins({ encoding: 'typed' });
const HOST_BUILTIN_NAMES = hostBuiltinNames('typed');

/** CompileOptions tunes a compile; every field is optional. */
export interface CompileOptions {
  /** How many problems to collect before giving up (default 10, as OPA). */
  diagnosticLimit?: number;
  /**
   * Rewrites the parsed modules before they are checked, as OPA's `WithStageAfter` adds a compiler stage: the Rego
   * test runner renames duplicate tests, keeps `print` calls and adds probe rules this way.
   */
  rewriteModules?: (modules: Module[]) => Module[];
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
  const checked = checkModules(options.rewriteModules?.(parsed) ?? parsed, entrypoints);
  if (!checked.program || checked.diagnostics.length > 0) {
    throw new CompileError(checked.diagnostics.slice(0, limit));
  }
  const policy = planProgram(checked.program, entrypoints);
  return emitWasm(policy, { hostBuiltins: HOST_BUILTIN_NAMES, hostBuiltinAliases: HOST_NAME_ALIASES });
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
 * object (`setData`, `evaluate`). Every policy Airlock evaluates is loaded through here. `host` is a set of host
 * built-ins made with createHostBuiltins (for a caller that captures `print` or fixes the clock per evaluation);
 * by default one shared set.
 */
export function loadCompiledPolicy(wasm: Uint8Array, host: HostBuiltins = HOST): Promise<LoadedPolicy> {
  if (host.encoding !== 'typed') {
    throw new TypeError('compiled policies pass host built-ins their arguments in the typed encoding');
  }
  return loadPolicy(wasm, undefined, host.builtins);
}

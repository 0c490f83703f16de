import { DIAGNOSTIC_LIMIT, type Diagnostic } from '../diagnostics.js';
import type { Expr, Module } from '../parse/ast.js';
import { AnnotationSet } from './annotation-set.js';
import { calleeArity, checkCalls } from './calls.js';
import { rewriteMetadataCalls } from './metadata-calls.js';
import { lookupNode, type Program, type RuleNode } from './program.js';
import { checkRecursion } from './recursion.js';
import { resolveRefs } from './resolve.js';
import { Rewriter } from './rewrite.js';
import { buildRuleTree } from './ruletree.js';
import { SafetyChecker } from './safety.js';
import { mapBodies, operatorName } from './terms.js';

export type { CheckedRule, NodeKind, Program, RuleNode } from './program.js';

/*
 * checkModules runs the check stages in order, as OPA's `ast.Compiler` runs its stage table, and stops after the
 * first stage that reports a problem: later stages assume earlier ones succeeded.
 */

/** CheckState is what the stages pass along. */
interface CheckState {
  modules: Module[];
  entrypoints: string[];
  diagnostics: Diagnostic[];
  rewriter: Rewriter;
  annotations?: AnnotationSet;
  root?: RuleNode;
}

/** CheckStage is one named step; names follow OPA's stage names so metrics and traces read alike. */
interface CheckStage {
  name: string;
  run: (s: CheckState) => void;
}

/** CHECK_STAGES is the ordered stage table. */
const CHECK_STAGES: readonly CheckStage[] = [
  { name: 'ResolveRefs', run: (s) => (s.modules = resolveRefs(s.modules, s.diagnostics)) },
  { name: 'RewritePrintCalls', run: (s) => (s.modules = s.modules.map(erasePrintCalls)) },
  { name: 'SetAnnotationSet', run: (s) => (s.annotations = new AnnotationSet(s.modules, s.diagnostics)) },
  {
    name: 'RewriteRegoMetadataCalls',
    run: (s) => (s.modules = rewriteMetadataCalls(s.modules, annotationsOf(s), s.diagnostics)),
  },
  {
    name: 'RewriteLocalVars',
    run: (s) => (s.modules = s.modules.map((m) => ({ ...m, rules: m.rules.map((r) => s.rewriter.rewriteRule(r)) }))),
  },
  { name: 'BuildRuleTree', run: (s) => (s.root = buildRuleTree(s.modules, s.diagnostics, (n) => s.rewriter.fresh(n))) },
  { name: 'CheckCalls', run: (s) => checkCalls(rootOf(s), s.diagnostics) },
  { name: 'CheckRecursion', run: (s) => checkRecursion(rootOf(s), s.diagnostics) },
  {
    name: 'CheckSafety',
    run: (s) => new SafetyChecker(s.rewriter.closures, calleeArity(rootOf(s)), s.diagnostics).checkTree(rootOf(s)),
  },
  { name: 'CheckEntrypoints', run: checkEntrypoints },
];

function annotationsOf(s: CheckState): AnnotationSet {
  if (s.annotations === undefined) throw new Error('internal: annotation set used before it was built');
  return s.annotations;
}

function rootOf(s: CheckState): RuleNode {
  if (s.root === undefined) throw new Error('internal: rule tree used before it was built');
  return s.root;
}

/**
 * checkModules checks and rewrites parsed modules into a Program for the planner. Entrypoints are paths like
 * `airlock/decision`. On any problem, `program` is absent and `diagnostics` says why (up to the limit).
 */
export function checkModules(
  modules: Module[],
  entrypoints: string[],
): { program?: Program; diagnostics: Diagnostic[] } {
  const state: CheckState = { modules, entrypoints, diagnostics: [], rewriter: new Rewriter([]) };
  state.rewriter = new Rewriter(state.diagnostics);
  for (const stage of CHECK_STAGES) {
    stage.run(state);
    if (state.diagnostics.length > 0) {
      return { diagnostics: state.diagnostics.slice(0, DIAGNOSTIC_LIMIT) };
    }
  }
  return { program: { root: rootOf(state), files: modules.map((m) => m.file) }, diagnostics: [] };
}

/** checkEntrypoints refuses entrypoints that name functions, which cannot be evaluated without arguments. */
function checkEntrypoints(s: CheckState): void {
  for (const e of s.entrypoints) {
    const path = e.split('/').filter((p) => p !== '');
    const node = lookupNode(rootOf(s), path);
    if (node?.kind === 'function') {
      s.diagnostics.push({
        code: 'rego_type_error',
        message: `undefined ref: data.${path.join('.')} (functions cannot be entrypoints)`,
        location: node.rules[0]?.loc ?? { file: '', row: 1, col: 1 },
      });
    }
  }
}

/**
 * erasePrintCalls drops `print(...)` expressions, as `opa build -t wasm` does unless asked to keep them: print
 * only writes to a debug stream and always succeeds.
 */
function erasePrintCalls(m: Module): Module {
  return mapBodies(m, (body) => body.filter((e) => !isPrint(e)));
}

function isPrint(e: Expr): boolean {
  return e.kind === 'call' && !e.negated && e.operator !== undefined && operatorName(e.operator) === 'print';
}

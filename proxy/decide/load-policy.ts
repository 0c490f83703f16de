import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CompileError,
  compileRego,
  formatDiagnostic,
  type LoadedPolicy,
  loadCompiledPolicy,
  parseModule,
} from '../policy/compiler/index.js';
import { type PolicySources, loadPolicySources } from '../policy/sources.js';
import { readDecision } from './decision.js';
import { PolicyRejectedError } from './errors.js';
import { classifyEvaluationError } from './evaluation-error.js';
import { buildPolicyInput, type PolicyInput } from './policy-input.js';

/*
 * A policy directory → a policy ready to decide, in four steps, each of which can reject it: read the sources,
 * compile them, check that they define `airlock/decision`, load the Wasm and evaluate it on smoke inputs.
 */

/** DECISION_ENTRYPOINT is the rule every Airlock policy defines: `data.airlock.decision`. */
export const DECISION_ENTRYPOINT = 'airlock/decision';

/** PolicyDirectory is what a policy directory held when it was read, and the version that names it. */
export interface PolicyDirectory {
  dir: string;
  sources: PolicySources;
  /** First 12 hex digits of a SHA-256 over the Rego modules (by path within `dir`) and the data document. */
  version: string;
}

/** DecisionPolicy is a compiled, loaded, smoke-tested policy. */
export interface DecisionPolicy {
  version: string;
  /** Milliseconds spent compiling, loading and smoke-testing. */
  buildMs: number;
  /** evaluate returns opa-wasm's result set for `airlock/decision`, or throws what the policy threw. */
  evaluate(input: PolicyInput): unknown;
}

/**
 * readPolicyDirectory reads a policy directory as `airlock policy build` does: `.rego` files except `*_test.rego`
 * (tests do not change decisions, so editing them does not change the version), and `data.json` files, each the
 * document at its directory's path.
 *
 * @throws {PolicyRejectedError} when a file cannot be read or a data file is not valid JSON.
 */
export function readPolicyDirectory(dir: string): PolicyDirectory {
  let sources: PolicySources;
  try {
    sources = loadPolicySources([dir], { includeTests: false });
  } catch (err) {
    throw new PolicyRejectedError(dir, [(err as Error).message], undefined, err);
  }
  return { dir, sources, version: policyVersion(dir, sources) };
}

/**
 * buildDecisionPolicy compiles and loads a policy directory that was read, and evaluates it on smoke inputs: an
 * evaluation that throws, or a decision that is defined but malformed, rejects it. A decision that is undefined for
 * the smoke inputs is accepted (Airlock denies it when it happens).
 *
 * @throws {PolicyRejectedError} with the compiler's diagnostics, or a sentence naming the problem.
 */
export async function buildDecisionPolicy(directory: PolicyDirectory): Promise<DecisionPolicy> {
  const { dir, sources, version } = directory;
  const reject = (diagnostics: string[], cause?: unknown) => new PolicyRejectedError(dir, diagnostics, version, cause);
  const started = performance.now();

  let wasm: Uint8Array;
  try {
    wasm = await compileRego(sources.modules, [DECISION_ENTRYPOINT]);
  } catch (err) {
    if (err instanceof CompileError) throw reject(err.diagnostics.map(formatDiagnostic), err);
    throw reject([`${dir}: the compiler failed: ${describeError(err)}`], err);
  }
  if (!definesDecision(sources)) {
    throw reject([
      `${dir}: no rule defines data.airlock.decision: a policy needs \`package airlock\` and a \`decision\` rule`,
    ]);
  }

  let loaded: LoadedPolicy;
  try {
    loaded = await loadCompiledPolicy(wasm);
    loaded.setData(sources.data);
  } catch (err) {
    throw reject([`${dir}: the compiled policy did not load: ${describeError(err)}`], err);
  }
  // The SDK resolves the entrypoint's name on every call; the id does not change, so resolve it once.
  const entrypoint = (loaded.entrypoints as Record<string, number>)[DECISION_ENTRYPOINT];
  if (entrypoint === undefined) throw reject([`${dir}: the compiled policy has no ${DECISION_ENTRYPOINT} entrypoint`]);
  const evaluate = (input: PolicyInput): unknown => loaded.evaluate(input, entrypoint);

  for (const [note, input] of SMOKE_INPUTS) {
    let resultSet: unknown;
    try {
      resultSet = evaluate(input);
    } catch (err) {
      const { errorClass, message } = classifyEvaluationError(err);
      throw reject([`${dir}: smoke evaluation (${note}) failed: ${errorClass}: ${message}`], err);
    }
    const decision = readDecision(resultSet, version);
    if (decision.failClosed === 'malformed') throw reject([`${dir}: smoke evaluation (${note}): ${decision.reason}`]);
  }
  return { version, buildMs: performance.now() - started, evaluate };
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function policyVersion(dir: string, sources: PolicySources): string {
  const hash = createHash('sha256');
  const modules = Object.entries(sources.modules)
    .map(([file, text]): [string, string] => [relative(dir, file).split(sep).join('/'), text])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Lengths first, so that no two different directories hash the same bytes.
  for (const [file, text] of modules) hash.update(`rego ${file.length} ${file} ${text.length}\n${text}\n`);
  hash.update(`data ${JSON.stringify(sources.data)}\n`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * definesDecision tells whether some rule or data document makes `data.airlock.decision`. Without one the compiler
 * succeeds (an undefined entrypoint is legal Rego) and every call would be denied as undefined.
 */
function definesDecision(sources: PolicySources): boolean {
  const airlockData = sources.data.airlock;
  if (typeof airlockData === 'object' && airlockData !== null && 'decision' in airlockData) return true;
  for (const [file, text] of Object.entries(sources.modules)) {
    const { module } = parseModule(text, file);
    if (!module || module.package[0] !== 'airlock') continue;
    if (module.package[1] === 'decision' && module.rules.length > 0) return true;
    if (module.package.length !== 1) continue;
    for (const rule of module.rules) {
      const head = rule.head.ref[0];
      if (head?.type === 'var' && head.name === 'decision') return true;
    }
  }
  return false;
}

/** A decoded write and an undecoded call: between them they reach both shapes of `input.call`. */
const SMOKE_INPUTS: ReadonlyArray<readonly [string, PolicyInput]> = [
  [
    'iam:CreateRole in prod',
    buildPolicyInput({
      agent: { id: 'airlock-smoke-test', owner: 'nobody@example.com', groups: [], labels: {} },
      call: {
        cloud: 'aws',
        service: 'iam',
        action: 'CreateRole',
        iam_action: 'iam:CreateRole',
        region: 'us-east-1',
        account: '123456789012',
        environment: 'prod',
        resource: 'arn:aws:iam::123456789012:role/app',
        read_only: false,
        params: { RoleName: 'app' },
        decoded: true,
        protocol: 'query',
      },
      http: { method: 'POST', host: 'iam.amazonaws.com', path: '/' },
      now: new Date('2026-11-21T03:00:00Z'),
    }),
  ],
  [
    'an undecoded call',
    buildPolicyInput({
      agent: { id: 'airlock-smoke-test', owner: 'nobody@example.com', groups: [], labels: {} },
      call: {
        cloud: 'aws',
        service: 's3',
        action: '',
        iam_action: '',
        region: 'eu-west-1',
        account: undefined,
        environment: undefined,
        resource: undefined,
        read_only: false,
        params: {},
        decoded: false,
        protocol: undefined,
        error: { code: 'AIRLOCK_ERR_DECODE', reason: 'unknown-operation', message: 'no operation matches' },
      },
      http: { method: 'PUT', host: 's3.eu-west-1.amazonaws.com', path: '/bucket' },
      now: new Date('2026-11-23T14:30:00Z'),
    }),
  ],
];

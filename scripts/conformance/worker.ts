import { parentPort, workerData } from 'node:worker_threads';
import { CompileError, compileRego, type LoadedPolicy, loadCompiledPolicy } from '../../proxy/policy/compiler/index.js';
import { type ConformanceCase, loadCases } from './cases.js';
import { judgeEvaluation, programFor, type Verdict } from './judge.js';

/** One worker judges the cases the coordinator sends it, one at a time, and answers with each verdict. */
const cases: ConformanceCase[] = loadCases((workerData as { root: string }).root);

parentPort?.on('message', async (index: number) => {
  const c = cases[index];
  const verdict = c ? await judgeCase(c) : { outcome: 'errored' as const, detail: `no case ${index}` };
  parentPort?.postMessage({ index, verdict });
});

async function judgeCase(c: ConformanceCase): Promise<Verdict> {
  const program = programFor(c);
  let wasm: Uint8Array;
  try {
    wasm = await compileRego(program.modules, [program.entrypoint]);
  } catch (err) {
    if (err instanceof CompileError) return { outcome: 'refused', detail: err.message };
    return { outcome: 'errored', detail: `compiler crashed: ${describe(err)}` };
  }
  let result: unknown;
  try {
    const policy = await loadCompiledPolicy(wasm);
    if (c.data !== undefined) policy.setData(c.data as object);
    const input = inputOf(c);
    result =
      input === 'not-json'
        ? evaluateRegoInput(policy, c.input_term!, program.entrypoint)
        : policy.evaluate(input, program.entrypoint);
  } catch (err) {
    return judgeEvaluation(c, program, undefined, describe(err));
  }
  return judgeEvaluation(c, program, result);
}

/** inputOf gives the case's input as JSON bytes, so that falsy inputs (false, 0, null) still reach the policy. */
function inputOf(c: ConformanceCase): ArrayBuffer | undefined | 'not-json' {
  let value: unknown = c.input;
  if (c.input_term !== undefined) {
    try {
      value = JSON.parse(c.input_term);
    } catch {
      return 'not-json';
    }
  }
  if (value === undefined) return undefined;
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The ABI exports evaluateRegoInput calls (shared/notes/opa-wasm-abi.md). */
interface EvalContextExports {
  opa_heap_ptr_set(address: number): void;
  opa_malloc(size: number): number;
  opa_value_parse(address: number, length: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  eval(ctx: number): number;
  opa_eval_ctx_get_result(ctx: number): number;
  opa_json_dump(value: number): number;
}

/**
 * evaluateRegoInput evaluates with an input written in Rego value syntax (holding a set, say), which the SDK's
 * `evaluate` cannot pass: it only takes JSON. The runtime's `opa_value_parse` reads the text and the ABI's
 * evaluation-context calls run the policy, as the SDK does for modules older than ABI 1.2. Only the conformance
 * harness does this; Airlock's own input is JSON.
 */
function evaluateRegoInput(policy: LoadedPolicy, text: string, entrypoint: string): unknown {
  const abi = (policy.wasmInstance as WebAssembly.Instance).exports as unknown as EvalContextExports;
  abi.opa_heap_ptr_set(policy.dataHeapPtr as number);
  const bytes = new TextEncoder().encode(text);
  const address = abi.opa_malloc(bytes.length);
  new Uint8Array(policy.mem.buffer).set(bytes, address);
  const input = abi.opa_value_parse(address, bytes.length);
  if (input === 0) throw new Error(`input_term is not a Rego value: ${text}`);
  const ctx = abi.opa_eval_ctx_new();
  abi.opa_eval_ctx_set_input(ctx, input);
  abi.opa_eval_ctx_set_data(ctx, policy.dataAddr);
  abi.opa_eval_ctx_set_entrypoint(ctx, (policy.entrypoints as Record<string, number>)[entrypoint]!);
  abi.eval(ctx);
  const dumped = abi.opa_json_dump(abi.opa_eval_ctx_get_result(ctx));
  const memory = new Uint8Array(policy.mem.buffer);
  const end = memory.indexOf(0, dumped);
  return JSON.parse(new TextDecoder().decode(memory.subarray(dumped, end)));
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err !== null && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}

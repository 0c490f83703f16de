import { parentPort, workerData } from 'node:worker_threads';
import { CompileError, compileRego, loadCompiledPolicy } from '../../proxy/policy/compiler/index.js';
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
  const input = inputOf(c);
  if (input === 'not-json') return { outcome: 'refused', detail: 'input_term holds a set, which the SDK cannot pass' };
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
    result = policy.evaluate(input, program.entrypoint);
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

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err !== null && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}

import type { Program } from '../check/program.js';
import { CompileError } from '../diagnostics.js';
import type { Policy } from '../ir/ir.js';
import { optimizePolicy } from './optimize.js';
import { PlanError, Planner } from './planner.js';

export { PlanError, Planner } from './planner.js';

/**
 * planProgram lowers a checked program to IR: one plan per entrypoint (`airlock/decision`, `a/b/p`, or a
 * package such as `test`), one function per rule node the plans reach.
 *
 * @throws {CompileError} with a `rego_unsupported_error` diagnostic for a construct the planner refuses.
 */
export function planProgram(program: Program, entrypoints: string[]): Policy {
  try {
    return optimizePolicy(new Planner(program).plan(entrypoints));
  } catch (err) {
    if (err instanceof PlanError) {
      throw new CompileError([
        {
          code: err.code,
          message: err.message,
          location: err.location ?? { file: program.files[0] ?? '', row: 1, col: 1 },
        },
      ]);
    }
    throw err;
  }
}

/*
 * internal.print, which `print(a, b, …)` compiles to: one argument, an array holding for each printed operand the
 * set of its values (empty when the operand is undefined). OPA prints one line per combination of values: strings
 * as they are, other values in Rego syntax, an undefined operand as `<undefined>`.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { arrayOperand } from './operands.js';
import { RegoSet, type RegoValue, regoText } from './value.js';

function operandTexts(operand: RegoValue): string[] {
  // Through the JSON bridge each set of values arrives as an array.
  const values = operand instanceof RegoSet ? operand.members : Array.isArray(operand) ? operand : undefined;
  if (values === undefined) throw new BuiltinError('internal.print: illegal argument type');
  if (values.length === 0) return ['<undefined>'];
  return values.map((v) => (typeof v === 'string' ? v : regoText(v)));
}

/** PRINT_BUILTINS implements internal.print. */
export const PRINT_BUILTINS: HostBuiltinTable = {
  'internal.print': ([operands], call) => {
    const texts = arrayOperand('internal.print', 1, operands).map(operandTexts);
    let lines: string[] = [''];
    texts.forEach((choices, i) => {
      lines = lines.flatMap((prefix) => choices.map((choice) => (i === 0 ? choice : `${prefix} ${choice}`)));
    });
    for (const line of lines) call.print(line);
    // print never makes a body undefined: answer a value so the compiled call succeeds.
    return true;
  },
};

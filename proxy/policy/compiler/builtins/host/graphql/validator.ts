/*
 * gqlparser's validator.Validate: every rule registers its observers, in the order the rules package registers
 * them (alphabetical by file), and one walk reports all errors in the order it meets them.
 */

import type { Position, QueryDocument } from './ast.js';
import { GqlError, must, type WorkBudget } from './errors.js';
import { overlappingFieldsCanBeMerged } from './overlapping-fields.js';
import {
  fragmentsOnCompositeTypes,
  knownFragmentNames,
  maxIntrospectionDepth,
  noFragmentCycles,
  noUnusedFragments,
  possibleFragmentSpreads,
  uniqueFragmentNames,
} from './fragment-rules.js';
import {
  knownRootType,
  loneAnonymousOperation,
  noUndefinedVariables,
  noUnusedVariables,
  singleFieldSubscriptions,
  uniqueOperationNames,
  uniqueVariableNames,
  variablesAreInputTypes,
} from './operation-rules.js';
import {
  fieldsOnCorrectType,
  knownArgumentNames,
  knownDirectives,
  knownTypeNames,
  providedRequiredArguments,
  type Rule,
  scalarLeafs,
  uniqueArgumentNames,
  uniqueDirectivesPerLocation,
  uniqueInputFieldNames,
} from './rules.js';
import type { Schema } from './schema.js';
import { valuesOfCorrectType, variablesInAllowedPosition } from './values.js';
import { Observers, Walker } from './walker.js';

const RULES: readonly Rule[] = [
  fieldsOnCorrectType,
  fragmentsOnCompositeTypes,
  knownArgumentNames,
  knownDirectives,
  knownFragmentNames,
  knownRootType,
  knownTypeNames,
  loneAnonymousOperation,
  maxIntrospectionDepth,
  noFragmentCycles,
  noUndefinedVariables,
  noUnusedFragments,
  noUnusedVariables,
  overlappingFieldsCanBeMerged,
  possibleFragmentSpreads,
  providedRequiredArguments,
  scalarLeafs,
  singleFieldSubscriptions,
  uniqueArgumentNames,
  uniqueDirectivesPerLocation,
  uniqueFragmentNames,
  uniqueInputFieldNames,
  uniqueOperationNames,
  uniqueVariableNames,
  valuesOfCorrectType,
  variablesAreInputTypes,
  variablesInAllowedPosition,
];

/**
 * validateQuery validates a document against a schema and lists the errors, none when it is valid. It fills in
 * the document's "Require validation" fields.
 */
export function validateQuery(schema: Schema, document: QueryDocument, budget: WorkBudget): GqlError[] {
  const errors: GqlError[] = [];
  const observers = new Observers();
  const report = (message: string, position: Position | null): void => {
    const error = new GqlError(message);
    if (position !== null) {
      error.locations.push({ line: position.Line, column: position.Column });
      error.file = must(position.Src).Name;
    }
    errors.push(error);
  };
  for (const rule of RULES) rule.register(observers, report);
  new Walker(schema, document, observers, budget).walk();
  return errors;
}

/*
 * gqlparser's validation rules about operations and their variables.
 */

import { type Definition, Field, InlineFragment, type Selection, ValueKind } from './ast.js';
import { must } from './errors.js';
import type { Rule } from './rules.js';
import { isInputType, typeString } from './schema.js';
import { quoteGo } from '../value.js';

export const knownRootType: Rule = {
  name: 'KnownRootType',
  register(observers, report) {
    observers.operation.push((walker, operation) => {
      let root: Definition | null;
      switch (operation.Operation) {
        case 'query':
        case '':
          root = walker.schema.Query;
          break;
        case 'mutation':
          root = walker.schema.Mutation;
          break;
        case 'subscription':
          root = walker.schema.Subscription;
          break;
        default:
          // gqlparser panics on an operation type its parser cannot produce.
          return must(null);
      }
      if (root === null) report(`Schema does not support operation type "${operation.Operation}"`, operation.Position);
    });
  },
};

export const loneAnonymousOperation: Rule = {
  name: 'LoneAnonymousOperation',
  register(observers, report) {
    observers.operation.push((walker, operation) => {
      if (operation.Name === '' && (walker.document.Operations ?? []).length > 1) {
        report('This anonymous operation must be the only defined operation.', operation.Position);
      }
    });
  },
};

export const noUndefinedVariables: Rule = {
  name: 'NoUndefinedVariables',
  register(observers, report) {
    observers.value.push((walker, value) => {
      const operation = walker.currentOperation;
      if (operation === null || value.Kind !== ValueKind.Variable || value.VariableDefinition !== null) return;
      report(
        operation.Name === ''
          ? `Variable "$${value.Raw}" is not defined.`
          : `Variable "$${value.Raw}" is not defined by operation "${operation.Name}".`,
        value.Position,
      );
    });
  },
};

export const noUnusedVariables: Rule = {
  name: 'NoUnusedVariables',
  register(observers, report) {
    observers.operation.push((_walker, operation) => {
      for (const entry of operation.VariableDefinitions ?? []) {
        const variable = must(entry);
        if (variable.Used) continue;
        report(
          operation.Name === ''
            ? `Variable "$${variable.Variable}" is never used.`
            : `Variable "$${variable.Variable}" is never used in operation "${operation.Name}".`,
          variable.Position,
        );
      }
    });
  },
};

export const singleFieldSubscriptions: Rule = {
  name: 'SingleFieldSubscriptions',
  register(observers, report) {
    observers.operation.push((walker, operation) => {
      if (walker.schema.Subscription === null || operation.Operation !== 'subscription') return;
      const fields = topLevelFields(operation.SelectionSet);
      const name = operation.Name === '' ? 'Anonymous Subscription' : `Subscription ${quoteGo(operation.Name)}`;
      if (fields.length > 1) report(`${name} must select only one top level field.`, fields[1]!.Position);
      for (const field of fields) {
        if (field.Name.startsWith('__')) {
          report(`${name} must not select an introspection top level field.`, field.Position);
        }
      }
    });
  },
};

/** topLevelFields lists an operation's top-level fields, through fragments, the first of each name only. */
function topLevelFields(selections: readonly Selection[] | null): Field[] {
  const fields: Field[] = [];
  const entered = new Set<string>();
  const walk = (set: readonly Selection[] | null): void => {
    for (const selection of set ?? []) {
      if (selection instanceof InlineFragment) {
        walk(selection.SelectionSet);
      } else if (selection instanceof Field) {
        fields.push(selection);
      } else {
        // gqlparser stops reading the whole selection set at an unknown fragment.
        if (selection.Definition === null) return;
        if (!entered.has(selection.Definition.Name)) {
          entered.add(selection.Definition.Name);
          walk(selection.Definition.SelectionSet);
        }
      }
    }
  };
  walk(selections);
  const seen = new Set<string>();
  return fields.filter((field) => !seen.has(field.Name) && seen.add(field.Name));
}

export const uniqueOperationNames: Rule = {
  name: 'UniqueOperationNames',
  register(observers, report) {
    const seen = new Set<string>();
    observers.operation.push((_walker, operation) => {
      if (seen.has(operation.Name)) {
        report(`There can be only one operation named "${operation.Name}".`, operation.Position);
      }
      seen.add(operation.Name);
    });
  },
};

export const uniqueVariableNames: Rule = {
  name: 'UniqueVariableNames',
  register(observers, report) {
    observers.operation.push((_walker, operation) => {
      const seen = new Set<string>();
      for (const entry of operation.VariableDefinitions ?? []) {
        const variable = must(entry);
        if (seen.has(variable.Variable)) {
          report(`There can be only one variable named "$${variable.Variable}".`, variable.Position);
        }
        seen.add(variable.Variable);
      }
    });
  },
};

export const variablesAreInputTypes: Rule = {
  name: 'VariablesAreInputTypes',
  register(observers, report) {
    observers.operation.push((_walker, operation) => {
      for (const entry of operation.VariableDefinitions ?? []) {
        const variable = must(entry);
        if (variable.Definition === null || isInputType(variable.Definition)) continue;
        report(
          `Variable "$${variable.Variable}" cannot be non-input type "${typeString(variable.Type)}".`,
          variable.Position,
        );
      }
    });
  },
};

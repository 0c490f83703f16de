/*
 * gqlparser's validation rules about fragments: where they may be spread, that they are defined, used, unique and
 * free of cycles, and how deep introspection may nest through them.
 */

import {
  type Definition,
  Field,
  type FragmentDefinition,
  type FragmentSpread,
  InlineFragment,
  type Selection,
} from './ast.js';
import { must, type WorkBudget } from './errors.js';
import type { Rule } from './rules.js';
import { forName, isCompositeType } from './schema.js';
import type { Walker } from './walker.js';

export const fragmentsOnCompositeTypes: Rule = {
  name: 'FragmentsOnCompositeTypes',
  register(observers, report) {
    observers.inlineFragment.push((walker, fragment) => {
      const type = walker.type(fragment.TypeCondition);
      if (type === null || isCompositeType(type)) return;
      report(`Fragment cannot condition on non composite type "${fragment.TypeCondition}".`, fragment.Position);
    });
    observers.fragment.push((_walker, fragment) => {
      const type = fragment.Definition;
      if (type === null || fragment.TypeCondition === '' || isCompositeType(type)) return;
      report(
        `Fragment "${fragment.Name}" cannot condition on non composite type "${fragment.TypeCondition}".`,
        fragment.Position,
      );
    });
  },
};

export const knownFragmentNames: Rule = {
  name: 'KnownFragmentNames',
  register(observers, report) {
    observers.fragmentSpread.push((_walker, spread) => {
      if (spread.Definition === null) report(`Unknown fragment "${spread.Name}".`, spread.Position);
    });
  },
};

/** How many nested list fields of __Type an introspection query may select. */
const MAX_INTROSPECTION_LISTS = 3;

const INTROSPECTION_LIST_FIELDS = new Set(['fields', 'interfaces', 'possibleTypes', 'inputFields']);

export const maxIntrospectionDepth: Rule = {
  name: 'MaxIntrospectionDepth',
  register(observers, report) {
    // One memo per document: a fragment entered at a given depth gives the same answer from any root.
    const visiting = new Set<string>();
    const memo = new Map<string, boolean>();
    let budget: WorkBudget | null = null;
    const exceedsInSelections = (selections: readonly Selection[] | null, depth: number): boolean => {
      for (const selection of selections ?? []) {
        budget?.spend();
        if (selection instanceof InlineFragment) {
          if (exceedsInSelections(selection.SelectionSet, depth)) return true;
        } else if (selection instanceof Field) {
          if (exceedsInField(selection, depth)) return true;
        } else if (exceedsInSpread(selection, depth)) {
          return true;
        }
      }
      return false;
    };
    const exceedsInField = (field: Field, depth: number): boolean => {
      if (INTROSPECTION_LIST_FIELDS.has(field.Name) && ++depth >= MAX_INTROSPECTION_LISTS) return true;
      return exceedsInSelections(field.SelectionSet, depth);
    };
    const exceedsInSpread = (spread: FragmentSpread, depth: number): boolean => {
      if (visiting.has(spread.Name) || spread.Definition === null) return false;
      const key = `${depth} ${spread.Name}`;
      const known = memo.get(key);
      if (known !== undefined) return known;
      visiting.add(spread.Name);
      const exceeded = exceedsInSelections(spread.Definition.SelectionSet, depth);
      visiting.delete(spread.Name);
      memo.set(key, exceeded);
      return exceeded;
    };
    observers.field.push((walker, field) => {
      budget = walker.budget;
      if ((field.Name === '__schema' || field.Name === '__type') && exceedsInField(field, 0)) {
        report('Maximum introspection depth exceeded', field.Position);
      }
    });
  },
};

export const noFragmentCycles: Rule = {
  name: 'NoFragmentCycles',
  register(observers, report) {
    const visited = new Set<string>();
    observers.fragment.push((walker, start) => {
      const path: FragmentSpread[] = [];
      const pathIndex = new Map<string, number>();
      const visit = (fragment: FragmentDefinition): void => {
        if (visited.has(fragment.Name)) return;
        visited.add(fragment.Name);
        const spreads = fragmentSpreads(fragment.SelectionSet);
        if (spreads.length === 0) return;
        pathIndex.set(fragment.Name, path.length);
        for (const spread of spreads) {
          walker.budget.spend();
          const cycleAt = pathIndex.get(spread.Name);
          path.push(spread);
          if (cycleAt === undefined) {
            const next = forName(walker.document.Fragments, spread.Name);
            if (next !== null) visit(next);
          } else {
            const via = path.slice(cycleAt, -1).map((step) => step.Name);
            report(
              `Cannot spread fragment "${spread.Name}" within itself${via.length > 0 ? ` via ${via.join(', ')}` : ''}.`,
              spread.Position,
            );
          }
          path.pop();
        }
        pathIndex.delete(fragment.Name);
      };
      visit(start);
    });
  },
};

/** fragmentSpreads lists the spreads in a selection set and its nested ones, in gqlparser's (stack) order. */
function fragmentSpreads(selections: readonly Selection[] | null): FragmentSpread[] {
  const spreads: FragmentSpread[] = [];
  const toVisit: (readonly Selection[] | null)[] = [selections];
  for (let set = toVisit.pop(); set !== undefined; set = toVisit.pop()) {
    for (const selection of set ?? []) {
      if (selection instanceof InlineFragment || selection instanceof Field) toVisit.push(selection.SelectionSet);
      else spreads.push(selection);
    }
  }
  return spreads;
}

export const noUnusedFragments: Rule = {
  name: 'NoUnusedFragments',
  register(observers, report) {
    let inFragmentDefinition = false;
    const used = new Set<string>();
    observers.fragmentSpread.push((_walker, spread) => {
      if (!inFragmentDefinition) used.add(spread.Name);
    });
    observers.fragment.push((_walker, fragment) => {
      inFragmentDefinition = true;
      if (!used.has(fragment.Name)) report(`Fragment "${fragment.Name}" is never used.`, fragment.Position);
    });
  },
};

export const possibleFragmentSpreads: Rule = {
  name: 'PossibleFragmentSpreads',
  register(observers, report) {
    const canSpread = (walker: Walker, parent: Definition | null, fragmentType: string): boolean => {
      if (parent === null) return true;
      let parents: readonly (Definition | null)[];
      if (parent.Kind === 'OBJECT') parents = [parent];
      else if (parent.Kind === 'INTERFACE' || parent.Kind === 'UNION') parents = walker.schema.possibleTypes(parent);
      else return true;
      const fragment = walker.type(fragmentType);
      // A fragment on a leaf type is FragmentsOnCompositeTypes' error.
      if (fragment === null || !isCompositeType(fragment)) return true;
      // Possible types are never nil in a schema that loaded, so a set of names finds the same overlap.
      walker.budget.spend(parents.length);
      const parentNames = new Set(parents.map((candidate) => must(candidate).Name));
      const possibleTypes = walker.schema.possibleTypes(fragment);
      walker.budget.spend(possibleTypes.length);
      return possibleTypes.some((possible) => parentNames.has(must(possible).Name));
    };
    observers.inlineFragment.push((walker, fragment) => {
      const parent = fragment.ObjectDefinition;
      if (canSpread(walker, parent, fragment.TypeCondition)) return;
      report(
        `Fragment cannot be spread here as objects of type "${parent!.Name}" can never be of type "${fragment.TypeCondition}".`,
        fragment.Position,
      );
    });
    observers.fragmentSpread.push((walker, spread) => {
      const definition = spread.Definition;
      const parent = spread.ObjectDefinition;
      if (definition === null || canSpread(walker, parent, definition.TypeCondition)) return;
      report(
        `Fragment "${spread.Name}" cannot be spread here as objects of type "${parent!.Name}" can never be of type "${definition.TypeCondition}".`,
        spread.Position,
      );
    });
  },
};

export const uniqueFragmentNames: Rule = {
  name: 'UniqueFragmentNames',
  register(observers, report) {
    const seen = new Set<string>();
    observers.fragment.push((_walker, fragment) => {
      if (seen.has(fragment.Name)) {
        report(`There can be only one fragment named "${fragment.Name}".`, fragment.Position);
      }
      seen.add(fragment.Name);
    });
  },
};

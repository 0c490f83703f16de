/*
 * OverlappingFieldsCanBeMerged, as gqlparser ports it from graphql-js: two fields with the same response name in a
 * selection (directly, through inline fragments or through spread fragments) must select the same field with the
 * same arguments, unless their parents are distinct object types, and must not return conflicting types; their
 * sub-selections are compared the same way. The comparisons are "within" a selection set and "between" sets and
 * fragments, with a memo of fragment pairs already compared. Every comparison spends from the call's work budget,
 * since a crafted document can make the number of comparisons grow very fast.
 */

import { Field, type FragmentSpread, GqlType, InlineFragment, type Position, type Selection } from './ast.js';
import { must } from './errors.js';
import type { Rule } from './rules.js';
import { isLeafType, typeString } from './schema.js';
import type { Walker } from './walker.js';

/** FieldsByResponseName keeps fields by response name, names in order of first appearance. */
interface FieldsByResponseName {
  readonly names: string[];
  readonly fields: Map<string, Field[]>;
}

interface Conflict {
  readonly responseName: string;
  readonly message: string;
  readonly subConflicts: readonly Conflict[];
  readonly position: Position | null;
}

function conflictText(conflict: Conflict): string {
  if (conflict.subConflicts.length === 0) return conflict.message;
  return conflict.subConflicts
    .map((sub) => `subfields "${sub.responseName}" conflict because ${conflictText(sub)}`)
    .join(' and ');
}

export const overlappingFieldsCanBeMerged: Rule = {
  name: 'OverlappingFieldsCanBeMerged',
  register(observers, report) {
    let checker: OverlapChecker | null = null;
    const check = (walker: Walker, selections: readonly Selection[] | null): void => {
      checker ??= new OverlapChecker(walker);
      for (const conflict of checker.conflictsWithin(selections)) {
        report(
          `Fields "${conflict.responseName}" conflict because ${conflictText(conflict)}. Use different aliases on the fields to fetch both if this was intentional.`,
          conflict.position,
        );
      }
    };
    observers.operation.push((walker, operation) => check(walker, operation.SelectionSet));
    observers.field.push((walker, field) => {
      // A fragment's fields are checked where it is defined, not again in every operation spreading it.
      if (walker.currentOperation !== null) check(walker, field.SelectionSet);
    });
    observers.inlineFragment.push((walker, fragment) => check(walker, fragment.SelectionSet));
    observers.fragment.push((walker, fragment) => check(walker, fragment.SelectionSet));
  },
};

class OverlapChecker {
  readonly #walker: Walker;
  /** Fragment pairs compared, by name, with whether they were compared as mutually exclusive. */
  readonly #comparedPairs = new Map<string, Map<string, boolean>>();
  /** Fragments compared with the current set of fields; gqlparser resets it at several points of the search. */
  #comparedFragments = new Set<string>();

  constructor(walker: Walker) {
    this.#walker = walker;
  }

  conflictsWithin(selections: readonly Selection[] | null): Conflict[] {
    if (selections === null || selections.length === 0) return [];
    const [fields, spreads] = this.#collect(selections);
    const conflicts: Conflict[] = [];
    for (const name of fields.names) {
      const sameName = fields.fields.get(name)!;
      for (let i = 0; i < sameName.length; i++) {
        for (let j = i + 1; j < sameName.length; j++) {
          this.#push(conflicts, this.#findConflict(false, sameName[i]!, sameName[j]!));
        }
      }
    }
    this.#comparedFragments = new Set();
    for (let i = 0; i < spreads.length; i++) {
      this.#betweenFieldsAndFragment(conflicts, false, fields, spreads[i]!);
      for (let j = i + 1; j < spreads.length; j++) this.#betweenFragments(conflicts, false, spreads[i]!, spreads[j]!);
    }
    return conflicts;
  }

  #push(conflicts: Conflict[], conflict: Conflict | null): void {
    if (conflict !== null) conflicts.push(conflict);
  }

  /** #collect gathers a selection set's fields, through inline fragments, and its fragment spreads. */
  #collect(selections: readonly Selection[] | null): [FieldsByResponseName, FragmentSpread[]] {
    const fields: FieldsByResponseName = { names: [], fields: new Map() };
    const spreads: FragmentSpread[] = [];
    const walk = (set: readonly Selection[] | null): void => {
      for (const selection of set ?? []) {
        this.#walker.budget.spend();
        if (selection instanceof Field) {
          const name = selection.Alias === '' ? selection.Name : selection.Alias;
          const list = fields.fields.get(name);
          if (list === undefined) {
            fields.names.push(name);
            fields.fields.set(name, [selection]);
          } else {
            list.push(selection);
          }
        } else if (selection instanceof InlineFragment) {
          walk(selection.SelectionSet);
        } else {
          spreads.push(selection);
        }
      }
    };
    walk(selections);
    return [fields, spreads];
  }

  #betweenFieldsAndFragment(
    conflicts: Conflict[],
    exclusive: boolean,
    fields: FieldsByResponseName,
    spread: FragmentSpread,
  ): void {
    if (this.#comparedFragments.has(spread.Name)) return;
    this.#comparedFragments.add(spread.Name);
    if (spread.Definition === null) return;
    const [fragmentFields, fragmentSpreads] = this.#collect(spread.Definition.SelectionSet);
    // A fragment's fields are not compared with themselves (gqlparser compares with reflect.DeepEqual).
    if (deepEqual(fields, fragmentFields, this.#walker, new Map())) return;
    this.#between(conflicts, exclusive, fields, fragmentFields);
    for (const nested of fragmentSpreads) {
      if (nested.Name !== spread.Name) this.#betweenFieldsAndFragment(conflicts, exclusive, fields, nested);
    }
  }

  #betweenFragments(conflicts: Conflict[], exclusive: boolean, a: FragmentSpread, b: FragmentSpread): void {
    if (a.Name === b.Name || this.#pairCompared(a.Name, b.Name, exclusive)) return;
    this.#comparePair(a.Name, b.Name, exclusive);
    if (a.Definition === null || b.Definition === null) return;
    const [fieldsA, spreadsA] = this.#collect(a.Definition.SelectionSet);
    const [fieldsB, spreadsB] = this.#collect(b.Definition.SelectionSet);
    this.#between(conflicts, exclusive, fieldsA, fieldsB);
    for (const nested of spreadsB) this.#betweenFragments(conflicts, exclusive, a, nested);
    for (const nested of spreadsA) this.#betweenFragments(conflicts, exclusive, nested, b);
  }

  #pairCompared(a: string, b: string, exclusive: boolean): boolean {
    const result = this.#comparedPairs.get(a)?.get(b);
    if (result === undefined) return false;
    // Compared as exclusive is a weaker check than compared as not exclusive.
    return exclusive ? true : !result;
  }

  #comparePair(a: string, b: string, exclusive: boolean): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      let map = this.#comparedPairs.get(from);
      if (map === undefined) {
        map = new Map();
        this.#comparedPairs.set(from, map);
      }
      map.set(to, exclusive);
    }
  }

  #subSelectionConflicts(
    exclusive: boolean,
    selectionsA: readonly Selection[] | null,
    selectionsB: readonly Selection[] | null,
  ): Conflict[] | null {
    const conflicts: Conflict[] = [];
    const [fieldsA, spreadsA] = this.#collect(selectionsA);
    const [fieldsB, spreadsB] = this.#collect(selectionsB);
    this.#between(conflicts, exclusive, fieldsA, fieldsB);
    for (const spread of spreadsB) {
      this.#comparedFragments = new Set();
      this.#betweenFieldsAndFragment(conflicts, exclusive, fieldsA, spread);
    }
    for (const spread of spreadsA) {
      this.#comparedFragments = new Set();
      this.#betweenFieldsAndFragment(conflicts, exclusive, fieldsB, spread);
    }
    for (const spreadA of spreadsA) {
      for (const spreadB of spreadsB) this.#betweenFragments(conflicts, exclusive, spreadA, spreadB);
    }
    return conflicts.length === 0 ? null : conflicts;
  }

  #between(conflicts: Conflict[], exclusive: boolean, a: FieldsByResponseName, b: FieldsByResponseName): void {
    for (const name of a.names) {
      const others = b.fields.get(name);
      if (others === undefined) continue;
      for (const fieldA of a.fields.get(name)!) {
        for (const fieldB of others) this.#push(conflicts, this.#findConflict(exclusive, fieldA, fieldB));
      }
    }
  }

  #findConflict(parentsExclusive: boolean, a: Field, b: Field): Conflict | null {
    this.#walker.budget.spend();
    if (a.Definition === null || a.ObjectDefinition === null || b.Definition === null || b.ObjectDefinition === null) {
      return null;
    }
    const exclusive =
      parentsExclusive ||
      (a.ObjectDefinition.Name !== b.ObjectDefinition.Name &&
        a.ObjectDefinition.Kind === 'OBJECT' &&
        b.ObjectDefinition.Kind === 'OBJECT');
    let message: string | null = null;
    if (!exclusive && a.Name !== b.Name) message = `"${a.Name}" and "${b.Name}" are different fields`;
    else if (!exclusive && !sameArguments(a.Arguments, b.Arguments)) message = 'they have differing arguments';
    else if (this.#typesConflict(must(a.Definition.Type), must(b.Definition.Type))) {
      message = `they return conflicting types "${typeString(a.Definition.Type)}" and "${typeString(b.Definition.Type)}"`;
    }
    const responseName = a.Alias === '' ? a.Name : a.Alias;
    if (message !== null) return { responseName, message, subConflicts: [], position: b.Position };
    // Two leaf fields have no sub-selections to compare, and comparing nothing changes no state.
    if (isEmpty(a.SelectionSet) && isEmpty(b.SelectionSet)) return null;
    const subConflicts = this.#subSelectionConflicts(exclusive, a.SelectionSet, b.SelectionSet);
    return subConflicts === null ? null : { responseName, message: '', subConflicts, position: b.Position };
  }

  #typesConflict(a: GqlType, b: GqlType): boolean {
    if (a.Elem !== null) return b.Elem !== null ? this.#typesConflict(a.Elem, b.Elem) : true;
    if (b.Elem !== null || a.NonNull !== b.NonNull) return true;
    const typeA = must(this.#walker.type(a.NamedType));
    const typeB = must(this.#walker.type(b.NamedType));
    return isLeafType(typeA) && isLeafType(typeB) && typeA.Name !== typeB.Name;
  }
}

function isEmpty(selections: readonly Selection[] | null): boolean {
  return selections === null || selections.length === 0;
}

/** sameArguments: the same number of arguments, each matched by name and by value (kind and raw text only). */
function sameArguments(a: Field['Arguments'], b: Field['Arguments']): boolean {
  const countA = a === null ? 0 : a.length;
  if (countA !== (b === null ? 0 : b.length)) return false;
  for (let i = 0; i < countA; i++) {
    const argA = must(a![i]);
    let matched = false;
    for (let j = 0; j < countA && !matched; j++) {
      const argB = must(b![j]);
      if (argA.Name !== argB.Name) continue;
      const valueA = must(argA.Value);
      const valueB = must(argB.Value);
      matched = valueA.Kind === valueB.Kind && valueA.Raw === valueB.Raw;
    }
    if (!matched) return false;
  }
  return true;
}

/**
 * deepEqual is Go's reflect.DeepEqual over syntax trees: identical objects, or objects of the same class with
 * deeply equal fields; a nil slice differs from an empty one. Pairs already under comparison count as equal, which
 * is how Go's version ends on cycles.
 */
function deepEqual(a: unknown, b: unknown, walker: Walker, inProgress: Map<object, Set<object>>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  walker.budget.spend();
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (inProgress.get(a)?.has(b) === true) return true;
  let partners = inProgress.get(a);
  if (partners === undefined) {
    partners = new Set();
    inProgress.set(a, partners);
  }
  partners.add(b);
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) {
      if (!other.has(key) || !deepEqual(value, other.get(key), walker, inProgress)) return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i], walker, inProgress));
  }
  const keys = Object.keys(a);
  return keys.every((key) =>
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], walker, inProgress),
  );
}

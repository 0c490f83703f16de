/*
 * The schema a query is validated against (gqlparser's ast.Schema), and the methods of gqlparser's syntax tree
 * types that validation uses. schema-loader.ts builds the schema.
 */

import { type Definition, type DirectiveDefinition, GqlType } from './ast.js';
import { must } from './errors.js';

/** Schema is a validated schema: its types and directives by name and its root operation types. */
export class Schema {
  Query: Definition | null = null;
  Mutation: Definition | null = null;
  Subscription: Definition | null = null;
  readonly Types = new Map<string, Definition>();
  readonly Directives = new Map<string, DirectiveDefinition>();
  /** For each interface and union, and each object type itself, the types a value of it may have. */
  readonly PossibleTypes = new Map<string, (Definition | null)[]>();

  /** possibleTypes is GetPossibleTypes. */
  possibleTypes(definition: Definition): readonly (Definition | null)[] {
    return this.PossibleTypes.get(definition.Name) ?? [];
  }

  addPossibleType(name: string, definition: Definition | null): void {
    const list = this.PossibleTypes.get(name);
    if (list === undefined) this.PossibleTypes.set(name, [definition]);
    else list.push(definition);
  }
}

// ---- helpers on syntax tree nodes, as gqlparser's methods ----

/** typeName is ast.Type's Name(): the named type at the bottom of the lists. */
export function typeName(type: GqlType | null): string {
  let at = must(type);
  while (at.NamedType === '') at = must(at.Elem);
  return at.NamedType;
}

/** typeString is ast.Type's String(): `[Name!]!` notation. */
export function typeString(type: GqlType | null): string {
  const at = must(type);
  const bang = at.NonNull ? '!' : '';
  return at.NamedType !== '' ? `${at.NamedType}${bang}` : `[${typeString(at.Elem)}]${bang}`;
}

/** isCompatible is ast.Type's IsCompatible: may a value of `type` be used where `other` is expected. */
export function isCompatible(type: GqlType, other: GqlType): boolean {
  if (type.NamedType !== other.NamedType) return false;
  if (type.Elem !== null && other.Elem === null) return false;
  if (type.Elem !== null && !isCompatible(type.Elem, must(other.Elem))) return false;
  return other.NonNull ? type.NonNull : true;
}

/** forName is the ForName of gqlparser's lists: the first member with the name. */
export function forName<T extends { Name: string }>(list: readonly (T | null)[] | null, name: string): T | null {
  return firstWith(list, name, (member) => member.Name);
}

/** forVariable is VariableDefinitionList's ForName: the first declaration of the variable. */
export function forVariable<T extends { Variable: string }>(
  list: readonly (T | null)[] | null,
  name: string,
): T | null {
  return firstWith(list, name, (member) => member.Variable);
}

/**
 * Lists are searched by name through an index built on first use (lists are complete by then and never change),
 * so that long lists cost no more than short ones. Go's linear search dereferences every member before the match:
 * a nil member there panics, which the index remembers as the position of the first nil.
 */
interface NameIndex {
  readonly firstNil: number;
  readonly positions: ReadonlyMap<string, number>;
}

const NAME_INDEXES = new WeakMap<readonly unknown[], NameIndex>();

function firstWith<T>(list: readonly (T | null)[] | null, name: string, key: (member: T) => string): T | null {
  if (list === null) return null;
  let index = NAME_INDEXES.get(list);
  if (index === undefined) {
    const positions = new Map<string, number>();
    let firstNil = list.length;
    list.forEach((member, i) => {
      if (member === null) firstNil = Math.min(firstNil, i);
      else if (!positions.has(key(member))) positions.set(key(member), i);
    });
    index = { firstNil, positions };
    NAME_INDEXES.set(list, index);
  }
  const position = index.positions.get(name) ?? list.length;
  if (index.firstNil < position) must(null);
  return list[position] ?? null;
}

export function isLeafType(definition: Definition): boolean {
  return definition.Kind === 'ENUM' || definition.Kind === 'SCALAR';
}

export function isAbstractType(definition: Definition): boolean {
  return definition.Kind === 'INTERFACE' || definition.Kind === 'UNION';
}

export function isCompositeType(definition: Definition): boolean {
  return definition.Kind === 'OBJECT' || definition.Kind === 'INTERFACE' || definition.Kind === 'UNION';
}

export function isInputType(definition: Definition): boolean {
  return definition.Kind === 'SCALAR' || definition.Kind === 'ENUM' || definition.Kind === 'INPUT_OBJECT';
}

/** namedType is gqlparser's NamedType / NonNullNamedType constructor. */
export function namedType(name: string, nonNull: boolean): GqlType {
  const type = new GqlType();
  type.NamedType = name;
  type.NonNull = nonNull;
  return type;
}

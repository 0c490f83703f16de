/*
 * The small type language in which built-in functions are declared, after OPA's `types` package: the same shapes
 * OPA's capabilities.json spells as `{"type": "array", "dynamic": …}`, here as a tagged union the checker can
 * switch over.
 */

/** TypeDecl is the type of one argument or result of a built-in function. */
export type TypeDecl = AnyType | NullType | BooleanType | NumberType | StringType | ArrayType | SetType | ObjectType;

/** AnyType is the top type when `of` is absent, else the union of the listed types (OPA's `types.Any{…}`). */
export interface AnyType {
  kind: 'any';
  of?: readonly TypeDecl[];
}

export interface NullType {
  kind: 'null';
}

export interface BooleanType {
  kind: 'boolean';
}

export interface NumberType {
  kind: 'number';
}

export interface StringType {
  kind: 'string';
}

/**
 * ArrayType is an array whose first elements have the `static` types, position by position, and whose remaining
 * elements (if any) have the `dynamic` type. `[a, b]` with no dynamic part is a tuple of exactly two.
 */
export interface ArrayType {
  kind: 'array';
  static?: readonly TypeDecl[];
  dynamic?: TypeDecl;
}

/** SetType is a set whose members all have type `of`. */
export interface SetType {
  kind: 'set';
  of: TypeDecl;
}

/** ObjectType is an object with the listed `static` keys, plus any other keys and values the `dynamic` part allows. */
export interface ObjectType {
  kind: 'object';
  static?: readonly { key: string; value: TypeDecl }[];
  dynamic?: { key: TypeDecl; value: TypeDecl };
}

/** Constructors for the declarations in catalogue.ts, named as OPA's `types` package names them. */
export const T = {
  any: { kind: 'any' } as AnyType,
  null: { kind: 'null' } as NullType,
  boolean: { kind: 'boolean' } as BooleanType,
  number: { kind: 'number' } as NumberType,
  string: { kind: 'string' } as StringType,
  /** anyOf is a union of the given types. */
  anyOf: (...of: TypeDecl[]): AnyType => ({ kind: 'any', of }),
  /** arrayOf is an array of any length whose elements have type `element`. */
  arrayOf: (element: TypeDecl): ArrayType => ({ kind: 'array', dynamic: element }),
  /** tuple is an array of exactly the given element types. */
  tuple: (...elements: TypeDecl[]): ArrayType => ({ kind: 'array', static: elements }),
  setOf: (member: TypeDecl): SetType => ({ kind: 'set', of: member }),
  /** objectOf is an object with any keys of type `key` mapping to values of type `value`. */
  objectOf: (key: TypeDecl, value: TypeDecl): ObjectType => ({ kind: 'object', dynamic: { key, value } }),
  /** objectWith is an object with the given known keys plus a dynamic part (OPA's `NewObject(static, dynamic)`). */
  objectWith: (known: Record<string, TypeDecl>, dynamic?: { key: TypeDecl; value: TypeDecl }): ObjectType => ({
    kind: 'object',
    static: Object.entries(known)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
    ...(dynamic === undefined ? {} : { dynamic }),
  }),
} as const;

/** formatType prints a type the way OPA's type checker prints it in messages (`string`, `array[number]`, `any<…>`). */
export function formatType(type: TypeDecl): string {
  switch (type.kind) {
    case 'any':
      return type.of === undefined ? 'any' : `any<${type.of.map(formatType).join(', ')}>`;
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return type.kind;
    case 'array': {
      if (type.static === undefined) return `array[${type.dynamic === undefined ? 'any' : formatType(type.dynamic)}]`;
      const parts = type.static.map(formatType);
      if (type.dynamic !== undefined) parts.push(`${formatType(type.dynamic)}...`);
      return `array<${parts.join(', ')}>`;
    }
    case 'set':
      return `set[${formatType(type.of)}]`;
    case 'object': {
      const known = (type.static ?? []).map(({ key, value }) => `${key}: ${formatType(value)}`);
      const dynamic =
        type.dynamic === undefined ? undefined : `${formatType(type.dynamic.key)}: ${formatType(type.dynamic.value)}`;
      if (known.length === 0) return `object[${dynamic ?? 'any: any'}]`;
      return `object<${known.join(', ')}>${dynamic === undefined ? '' : `[${dynamic}]`}`;
    }
  }
}

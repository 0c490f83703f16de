/*
 * gqlparser's structs as encoding/json sees them: their Go field names and types, and the Go type names its error
 * messages use. from-json.ts decodes by these descriptions.
 */

import {
  Argument,
  ArgumentDefinition,
  ChildValue,
  Comment,
  CommentGroup,
  Definition,
  Directive,
  DirectiveDefinition,
  EnumValueDefinition,
  Field,
  FieldDefinition,
  FragmentDefinition,
  FragmentSpread,
  GqlType,
  InlineFragment,
  OperationDefinition,
  OperationTypeDefinition,
  Position,
  QueryDocument,
  SchemaDefinition,
  SchemaDocument,
  Source,
  Value,
  VariableDefinition,
} from './ast.js';

/** GoType is a Go type a JSON value decodes into; pointers point to structs only, in gqlparser's syntax tree. */
export type GoType =
  | { readonly kind: 'string'; readonly name: string }
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly name: string }
  | { readonly kind: 'slice'; readonly name: string; readonly elem: GoType }
  | { readonly kind: 'pointer'; readonly struct: StructType };

/** StructType describes one struct. */
export interface StructType {
  readonly name: string;
  readonly make: () => object;
  /** Go field name to type; a function, as the structs refer to each other. */
  readonly fields: () => Readonly<Record<string, GoType>>;
  /** Set for the structs with their own UnmarshalJSON, which read these exact keys only. */
  readonly selfDecoding?: true;
}

const STRING = { kind: 'string', name: 'string' } as const;
const BOOL = { kind: 'bool' } as const;
const INT = { kind: 'int', name: 'int' } as const;
const STRINGS = { kind: 'slice', name: '[]string', elem: STRING } as const;

const pointer = (struct: StructType): GoType => ({ kind: 'pointer', struct });
const list = (name: string, struct: StructType): GoType => ({ kind: 'slice', name, elem: pointer(struct) });

const SOURCE: StructType = {
  name: 'Source',
  make: () => new Source(),
  fields: () => ({ Name: STRING, Input: STRING, BuiltIn: BOOL }),
};
const POSITION: StructType = {
  name: 'Position',
  make: () => new Position(),
  fields: () => ({ Start: INT, End: INT, Line: INT, Column: INT, Src: pointer(SOURCE) }),
};
const COMMENT: StructType = {
  name: 'Comment',
  make: () => new Comment(),
  fields: () => ({ Value: STRING, Position: pointer(POSITION) }),
};
const COMMENT_GROUP: StructType = {
  name: 'CommentGroup',
  make: () => new CommentGroup(),
  fields: () => ({ List: list('[]*ast.Comment', COMMENT) }),
};
const TYPE: StructType = {
  name: 'Type',
  make: () => new GqlType(),
  fields: () => ({ NamedType: STRING, Elem: pointer(TYPE), NonNull: BOOL, Position: pointer(POSITION) }),
};
const VALUE: StructType = {
  name: 'Value',
  make: () => new Value(),
  fields: () => ({
    Raw: STRING,
    Children: list('ast.ChildValueList', CHILD_VALUE),
    Kind: { kind: 'int', name: 'ast.ValueKind' },
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
    Definition: pointer(DEFINITION),
    VariableDefinition: pointer(VARIABLE_DEFINITION),
    ExpectedType: pointer(TYPE),
  }),
};
const CHILD_VALUE: StructType = {
  name: 'ChildValue',
  make: () => new ChildValue(),
  fields: () => ({ Name: STRING, Value: pointer(VALUE), Position: pointer(POSITION), Comment: pointer(COMMENT_GROUP) }),
};
const ARGUMENT: StructType = {
  name: 'Argument',
  make: () => new Argument(),
  fields: () => ({ Name: STRING, Value: pointer(VALUE), Position: pointer(POSITION), Comment: pointer(COMMENT_GROUP) }),
};
const DIRECTIVE: StructType = {
  name: 'Directive',
  make: () => new Directive(),
  fields: () => ({
    Name: STRING,
    Arguments: list('ast.ArgumentList', ARGUMENT),
    Position: pointer(POSITION),
    ParentDefinition: pointer(DEFINITION),
    Definition: pointer(DIRECTIVE_DEFINITION),
    Location: { kind: 'string', name: 'ast.DirectiveLocation' },
  }),
};
const DIRECTIVES = (): GoType => list('ast.DirectiveList', DIRECTIVE);
const VARIABLE_DEFINITION: StructType = {
  name: 'VariableDefinition',
  make: () => new VariableDefinition(),
  fields: () => ({
    Variable: STRING,
    Type: pointer(TYPE),
    DefaultValue: pointer(VALUE),
    Directives: DIRECTIVES(),
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
    Definition: pointer(DEFINITION),
    Used: BOOL,
  }),
};
const VARIABLE_DEFINITIONS = (): GoType => list('ast.VariableDefinitionList', VARIABLE_DEFINITION);

/** The selection set type stands for gqlparser's UnmarshalSelectionSet, only called by self-decoding structs. */
export const SELECTION_SET = { kind: 'slice', name: 'ast.SelectionSet', elem: STRING } as const;

export const FIELD: StructType = {
  name: 'Field',
  make: () => new Field(),
  selfDecoding: true,
  fields: () => ({
    Alias: STRING,
    Name: STRING,
    Arguments: list('ast.ArgumentList', ARGUMENT),
    Directives: DIRECTIVES(),
    SelectionSet: SELECTION_SET,
    Position: pointer(POSITION),
    Definition: pointer(FIELD_DEFINITION),
    ObjectDefinition: pointer(DEFINITION),
  }),
};
export const FRAGMENT_SPREAD: StructType = {
  name: 'FragmentSpread',
  make: () => new FragmentSpread(),
  fields: () => ({
    Name: STRING,
    Directives: DIRECTIVES(),
    ObjectDefinition: pointer(DEFINITION),
    Definition: pointer(FRAGMENT_DEFINITION),
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
  }),
};
export const INLINE_FRAGMENT: StructType = {
  name: 'InlineFragment',
  make: () => new InlineFragment(),
  selfDecoding: true,
  fields: () => ({
    TypeCondition: STRING,
    Directives: DIRECTIVES(),
    SelectionSet: SELECTION_SET,
    ObjectDefinition: pointer(DEFINITION),
    Position: pointer(POSITION),
  }),
};
const FRAGMENT_DEFINITION: StructType = {
  name: 'FragmentDefinition',
  make: () => new FragmentDefinition(),
  selfDecoding: true,
  fields: () => ({
    Name: STRING,
    VariableDefinition: VARIABLE_DEFINITIONS(),
    TypeCondition: STRING,
    Directives: DIRECTIVES(),
    SelectionSet: SELECTION_SET,
    Definition: pointer(DEFINITION),
    Position: pointer(POSITION),
  }),
};
const OPERATION_DEFINITION: StructType = {
  name: 'OperationDefinition',
  make: () => new OperationDefinition(),
  selfDecoding: true,
  fields: () => ({
    Operation: { kind: 'string', name: 'ast.Operation' },
    Name: STRING,
    VariableDefinitions: VARIABLE_DEFINITIONS(),
    Directives: DIRECTIVES(),
    SelectionSet: SELECTION_SET,
    Position: pointer(POSITION),
  }),
};
export const QUERY_DOCUMENT: StructType = {
  name: 'QueryDocument',
  make: () => new QueryDocument(),
  fields: () => ({
    Operations: list('ast.OperationList', OPERATION_DEFINITION),
    Fragments: list('ast.FragmentDefinitionList', FRAGMENT_DEFINITION),
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
  }),
};

const DESCRIBED = (): Record<string, GoType> => ({
  Position: pointer(POSITION),
  BeforeDescriptionComment: pointer(COMMENT_GROUP),
  AfterDescriptionComment: pointer(COMMENT_GROUP),
});
const ARGUMENT_DEFINITION: StructType = {
  name: 'ArgumentDefinition',
  make: () => new ArgumentDefinition(),
  fields: () => ({
    Description: STRING,
    Name: STRING,
    DefaultValue: pointer(VALUE),
    Type: pointer(TYPE),
    Directives: DIRECTIVES(),
    ...DESCRIBED(),
  }),
};
const ARGUMENT_DEFINITIONS = (): GoType => list('ast.ArgumentDefinitionList', ARGUMENT_DEFINITION);
export const FIELD_DEFINITION: StructType = {
  name: 'FieldDefinition',
  make: () => new FieldDefinition(),
  fields: () => ({
    Description: STRING,
    Name: STRING,
    Arguments: ARGUMENT_DEFINITIONS(),
    DefaultValue: pointer(VALUE),
    Type: pointer(TYPE),
    Directives: DIRECTIVES(),
    ...DESCRIBED(),
  }),
};
const ENUM_VALUE_DEFINITION: StructType = {
  name: 'EnumValueDefinition',
  make: () => new EnumValueDefinition(),
  fields: () => ({ Description: STRING, Name: STRING, Directives: DIRECTIVES(), ...DESCRIBED() }),
};
const DEFINITION: StructType = {
  name: 'Definition',
  make: () => new Definition(),
  fields: () => ({
    Kind: { kind: 'string', name: 'ast.DefinitionKind' },
    Description: STRING,
    Name: STRING,
    Directives: DIRECTIVES(),
    Interfaces: STRINGS,
    Fields: list('ast.FieldList', FIELD_DEFINITION),
    Types: STRINGS,
    EnumValues: list('ast.EnumValueList', ENUM_VALUE_DEFINITION),
    BuiltIn: BOOL,
    EndOfDefinitionComment: pointer(COMMENT_GROUP),
    ...DESCRIBED(),
  }),
};
const DIRECTIVE_DEFINITION: StructType = {
  name: 'DirectiveDefinition',
  make: () => new DirectiveDefinition(),
  fields: () => ({
    Description: STRING,
    Name: STRING,
    Arguments: ARGUMENT_DEFINITIONS(),
    Locations: {
      kind: 'slice',
      name: '[]ast.DirectiveLocation',
      elem: { kind: 'string', name: 'ast.DirectiveLocation' },
    },
    IsRepeatable: BOOL,
    ...DESCRIBED(),
  }),
};
const OPERATION_TYPE_DEFINITION: StructType = {
  name: 'OperationTypeDefinition',
  make: () => new OperationTypeDefinition(),
  fields: () => ({
    Operation: { kind: 'string', name: 'ast.Operation' },
    Type: STRING,
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
  }),
};
const SCHEMA_DEFINITION: StructType = {
  name: 'SchemaDefinition',
  make: () => new SchemaDefinition(),
  fields: () => ({
    Description: STRING,
    Directives: DIRECTIVES(),
    OperationTypes: list('ast.OperationTypeDefinitionList', OPERATION_TYPE_DEFINITION),
    EndOfDefinitionComment: pointer(COMMENT_GROUP),
    ...DESCRIBED(),
  }),
};
export const SCHEMA_DOCUMENT: StructType = {
  name: 'SchemaDocument',
  make: () => new SchemaDocument(),
  fields: () => ({
    Schema: list('ast.SchemaDefinitionList', SCHEMA_DEFINITION),
    SchemaExtension: list('ast.SchemaDefinitionList', SCHEMA_DEFINITION),
    Directives: list('ast.DirectiveDefinitionList', DIRECTIVE_DEFINITION),
    Definitions: list('ast.DefinitionList', DEFINITION),
    Extensions: list('ast.DefinitionList', DEFINITION),
    Position: pointer(POSITION),
    Comment: pointer(COMMENT_GROUP),
  }),
};

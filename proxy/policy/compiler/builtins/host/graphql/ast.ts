/*
 * The GraphQL syntax tree as gqlparser (github.com/vektah/gqlparser/v2, the library behind OPA's graphql.*) declares
 * it. OPA returns these structures marshalled to JSON, so every class here has exactly the exported fields of the Go
 * struct, named as Go names them (they are the JSON keys), initialised to Go's zero values (`null` for a nil pointer
 * or slice). Fields under "Require validation" are filled in by the validator's walk, after OPA has taken the JSON.
 */

/** Source is one GraphQL text: the user's query or schema (name "") or the built-in prelude. */
export class Source {
  Name = '';
  Input = '';
  BuiltIn = false;
}

/** Position locates a node: Start and End count runes from the beginning, Line and Column are 1-based. */
export class Position {
  Start = 0;
  End = 0;
  Line = 0;
  Column = 0;
  Src: Source | null = null;
}

/** Comment is one `#` line, the `#` included. */
export class Comment {
  Value = '';
  Position: Position | null = null;
}

/** CommentGroup is the run of comments before a token. */
export class CommentGroup {
  List: Comment[] | null = null;
}

// ---- executable documents ----

export class QueryDocument {
  Operations: (OperationDefinition | null)[] | null = null;
  Fragments: (FragmentDefinition | null)[] | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class OperationDefinition {
  Operation = '';
  Name = '';
  VariableDefinitions: (VariableDefinition | null)[] | null = null;
  Directives: (Directive | null)[] | null = null;
  SelectionSet: Selection[] | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class VariableDefinition {
  Variable = '';
  Type: GqlType | null = null;
  DefaultValue: Value | null = null;
  Directives: (Directive | null)[] | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
  // Require validation
  Definition: Definition | null = null;
  Used = false;
}

/** Selection is one member of a selection set. */
export type Selection = Field | FragmentSpread | InlineFragment;

export class Field {
  Alias = '';
  Name = '';
  Arguments: (Argument | null)[] | null = null;
  Directives: (Directive | null)[] | null = null;
  SelectionSet: Selection[] | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
  // Require validation
  Definition: FieldDefinition | null = null;
  ObjectDefinition: Definition | null = null;
}

export class Argument {
  Name = '';
  Value: Value | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class FragmentSpread {
  Name = '';
  Directives: (Directive | null)[] | null = null;
  // Require validation
  ObjectDefinition: Definition | null = null;
  Definition: FragmentDefinition | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class InlineFragment {
  TypeCondition = '';
  Directives: (Directive | null)[] | null = null;
  SelectionSet: Selection[] | null = null;
  // Require validation
  ObjectDefinition: Definition | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class FragmentDefinition {
  Name = '';
  /** Experimental fragment variables; gqlparser names the list in the singular. */
  VariableDefinition: (VariableDefinition | null)[] | null = null;
  TypeCondition = '';
  Directives: (Directive | null)[] | null = null;
  SelectionSet: Selection[] | null = null;
  // Require validation
  Definition: Definition | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class Directive {
  Name = '';
  Arguments: (Argument | null)[] | null = null;
  Position: Position | null = null;
  // Require validation
  ParentDefinition: Definition | null = null;
  Definition: DirectiveDefinition | null = null;
  Location = '';
}

/** ValueKind numbers gqlparser's value kinds (the "Kind" OPA returns). */
export const ValueKind = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;

export class Value {
  Raw = '';
  Children: (ChildValue | null)[] | null = null;
  Kind = 0;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
  // Require validation
  Definition: Definition | null = null;
  VariableDefinition: VariableDefinition | null = null;
  ExpectedType: GqlType | null = null;
}

export class ChildValue {
  Name = '';
  Value: Value | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

/** GqlType is a type reference (gqlparser's ast.Type): a named type, or a list of Elem; either may be non-null. */
export class GqlType {
  NamedType = '';
  Elem: GqlType | null = null;
  NonNull = false;
  Position: Position | null = null;
}

// ---- schema documents ----

export class SchemaDocument {
  Schema: (SchemaDefinition | null)[] | null = null;
  SchemaExtension: (SchemaDefinition | null)[] | null = null;
  Directives: (DirectiveDefinition | null)[] | null = null;
  Definitions: (Definition | null)[] | null = null;
  Extensions: (Definition | null)[] | null = null;
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

export class SchemaDefinition {
  Description = '';
  Directives: (Directive | null)[] | null = null;
  OperationTypes: (OperationTypeDefinition | null)[] | null = null;
  Position: Position | null = null;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
  EndOfDefinitionComment: CommentGroup | null = null;
}

export class OperationTypeDefinition {
  Operation = '';
  Type = '';
  Position: Position | null = null;
  Comment: CommentGroup | null = null;
}

/** DefinitionKind is a named type's kind, also the directive location of its definition. */
export type DefinitionKind = 'SCALAR' | 'OBJECT' | 'INTERFACE' | 'UNION' | 'ENUM' | 'INPUT_OBJECT';

/** Definition is a named type or a type extension: one struct for every kind, as in gqlparser. */
export class Definition {
  Kind = '';
  Description = '';
  Name = '';
  Directives: (Directive | null)[] | null = null;
  Interfaces: string[] | null = null;
  Fields: (FieldDefinition | null)[] | null = null;
  Types: string[] | null = null;
  EnumValues: (EnumValueDefinition | null)[] | null = null;
  Position: Position | null = null;
  BuiltIn = false;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
  EndOfDefinitionComment: CommentGroup | null = null;
}

export class FieldDefinition {
  Description = '';
  Name = '';
  Arguments: (ArgumentDefinition | null)[] | null = null;
  DefaultValue: Value | null = null;
  Type: GqlType | null = null;
  Directives: (Directive | null)[] | null = null;
  Position: Position | null = null;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
}

export class ArgumentDefinition {
  Description = '';
  Name = '';
  DefaultValue: Value | null = null;
  Type: GqlType | null = null;
  Directives: (Directive | null)[] | null = null;
  Position: Position | null = null;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
}

export class EnumValueDefinition {
  Description = '';
  Name = '';
  Directives: (Directive | null)[] | null = null;
  Position: Position | null = null;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
}

export class DirectiveDefinition {
  Description = '';
  Name = '';
  Arguments: (ArgumentDefinition | null)[] | null = null;
  Locations: string[] | null = null;
  IsRepeatable = false;
  Position: Position | null = null;
  BeforeDescriptionComment: CommentGroup | null = null;
  AfterDescriptionComment: CommentGroup | null = null;
}

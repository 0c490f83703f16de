/*
 * Schema documents (gqlparser's parser.ParseSchema): type, directive and schema definitions and their extensions,
 * with descriptions and the comments gqlparser keeps around them.
 *
 *   Document   : (Description? (TypeDefinition | SchemaDefinition | DirectiveDefinition) | Extension)*
 *   Extension  : "extend" ("schema" | "scalar" | "type" | "interface" | "union" | "enum" | "input") ...
 */

import {
  ArgumentDefinition,
  type CommentGroup,
  Definition,
  type DefinitionKind,
  DirectiveDefinition,
  EnumValueDefinition,
  FieldDefinition,
  OperationTypeDefinition,
  SchemaDefinition,
  SchemaDocument,
  type Source,
} from './ast.js';
import { TokenKind } from './lexer.js';
import { orNull, ParserBase } from './parser.js';

/** DIRECTIVE_LOCATIONS are the locations a directive definition may name. */
export const DIRECTIVE_LOCATIONS: ReadonlySet<string> = new Set([
  'QUERY',
  'MUTATION',
  'SUBSCRIPTION',
  'FIELD',
  'FRAGMENT_DEFINITION',
  'FRAGMENT_SPREAD',
  'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION',
  'SCHEMA',
  'SCALAR',
  'OBJECT',
  'FIELD_DEFINITION',
  'ARGUMENT_DEFINITION',
  'INTERFACE',
  'UNION',
  'ENUM',
  'ENUM_VALUE',
  'INPUT_OBJECT',
  'INPUT_FIELD_DEFINITION',
]);

const TYPE_KEYWORDS: Readonly<Record<string, DefinitionKind>> = {
  scalar: 'SCALAR',
  type: 'OBJECT',
  interface: 'INTERFACE',
  union: 'UNION',
  enum: 'ENUM',
  input: 'INPUT_OBJECT',
};

interface Description {
  readonly text: string;
  readonly comment: CommentGroup | null;
}

const NO_DESCRIPTION: Description = { text: '', comment: null };

/**
 * parseSchema parses a schema document; its definitions and extensions are marked BuiltIn as the source is.
 * @throws {GqlError} at the first syntax error.
 */
export function parseSchema(source: Source): SchemaDocument {
  const doc = new SchemaParser(source).parseDocument();
  for (const definition of [...(doc.Definitions ?? []), ...(doc.Extensions ?? [])]) {
    if (definition !== null) definition.BuiltIn = source.BuiltIn;
  }
  return doc;
}

class SchemaParser extends ParserBase {
  parseDocument(): SchemaDocument {
    const doc = new SchemaDocument();
    doc.Position = this.peekPos();
    const lists = {
      schema: [] as SchemaDefinition[],
      schemaExtensions: [] as SchemaDefinition[],
      directives: [] as DirectiveDefinition[],
      definitions: [] as Definition[],
      extensions: [] as Definition[],
    };
    while (this.peek().kind !== TokenKind.EOF) {
      const kind = this.peek().kind;
      const description =
        kind === TokenKind.BlockString || kind === TokenKind.String ? this.#parseDescription() : NO_DESCRIPTION;
      const token = this.peek();
      if (token.kind !== TokenKind.Name) this.unexpectedError();
      const typeKind = TYPE_KEYWORDS[token.value];
      if (typeKind !== undefined) {
        lists.definitions.push(this.#parseTypeDefinition(token.value, typeKind, description));
      } else if (token.value === 'schema') {
        lists.schema.push(this.#parseSchemaDefinition(description));
      } else if (token.value === 'directive') {
        lists.directives.push(this.#parseDirectiveDefinition(description));
      } else if (token.value === 'extend') {
        if (description.text !== '') this.unexpectedToken(this.prev);
        this.#parseExtension(lists);
      } else {
        this.unexpectedError();
      }
    }
    doc.Schema = orNull(lists.schema);
    doc.SchemaExtension = orNull(lists.schemaExtensions);
    doc.Directives = orNull(lists.directives);
    doc.Definitions = orNull(lists.definitions);
    doc.Extensions = orNull(lists.extensions);
    // Comments at the end of the document.
    doc.Comment = this.comment;
    return doc;
  }

  #parseDescription(): Description {
    const comment = this.comment;
    return { comment, text: this.next().value };
  }

  /** #parseMemberDescription reads the optional description of a field, argument or enum value. */
  #parseMemberDescription(member: {
    Description: string;
    BeforeDescriptionComment: CommentGroup | null;
    AfterDescriptionComment: CommentGroup | null;
  }): void {
    const kind = this.peek().kind;
    if (kind === TokenKind.BlockString || kind === TokenKind.String) {
      const description = this.#parseDescription();
      if (description.text !== '') {
        member.BeforeDescriptionComment = description.comment;
        member.Description = description.text;
      }
    }
    this.peek();
    member.AfterDescriptionComment = this.comment;
  }

  #parseSchemaDefinition(description: Description): SchemaDefinition {
    const [, comment] = this.expectKeyword('schema');
    const definition = new SchemaDefinition();
    definition.Position = this.peekPos();
    definition.BeforeDescriptionComment = description.comment;
    definition.Description = description.text;
    definition.AfterDescriptionComment = comment;
    definition.Directives = this.parseDirectives(true);
    this.#parseOperationTypes(definition);
    return definition;
  }

  #parseOperationTypes(definition: SchemaDefinition): void {
    const operationTypes: OperationTypeDefinition[] = [];
    definition.EndOfDefinitionComment = this.some(TokenKind.BraceL, TokenKind.BraceR, () => {
      const operationType = new OperationTypeDefinition();
      operationType.Position = this.peekPos();
      operationType.Comment = this.comment;
      operationType.Operation = this.#parseOperationType();
      this.expect(TokenKind.Colon);
      operationType.Type = this.parseName();
      operationTypes.push(operationType);
    });
    definition.OperationTypes = orNull(operationTypes);
  }

  /** #parseOperationType consumes whatever token comes, as gqlparser does, and names the operation it spells. */
  #parseOperationType(): string {
    const token = this.next();
    if (token.value === 'query' || token.value === 'mutation' || token.value === 'subscription') return token.value;
    this.unexpectedToken(token);
  }

  #parseTypeDefinition(keyword: string, kind: DefinitionKind, description: Description): Definition {
    const [, comment] = this.expectKeyword(keyword);
    const definition = new Definition();
    definition.Position = this.peekPos();
    definition.Kind = kind;
    definition.BeforeDescriptionComment = description.comment;
    definition.Description = description.text;
    definition.AfterDescriptionComment = comment;
    definition.Name = this.parseName();
    this.#parseTypeBody(definition, true);
    return definition;
  }

  /** #parseTypeBody reads what follows a type's name, for a definition or (isDefinition false) an extension. */
  #parseTypeBody(definition: Definition, isDefinition: boolean): void {
    switch (definition.Kind) {
      case 'SCALAR':
        definition.Directives = this.parseDirectives(true);
        break;
      case 'OBJECT':
      case 'INTERFACE':
        // gqlparser reads `implements` on interface definitions, not on interface extensions.
        if (definition.Kind === 'OBJECT' || isDefinition) definition.Interfaces = this.#parseImplementsInterfaces();
        definition.Directives = this.parseDirectives(true);
        this.#parseFields(definition, () => this.#parseFieldDefinition());
        break;
      case 'UNION':
        definition.Directives = this.parseDirectives(true);
        definition.Types = this.#parseUnionMemberTypes();
        break;
      case 'ENUM':
        definition.Directives = this.parseDirectives(true);
        this.#parseEnumValues(definition);
        break;
      case 'INPUT_OBJECT':
        // An input object extension reads variables in its directives' arguments; a definition does not.
        definition.Directives = this.parseDirectives(isDefinition);
        this.#parseFields(definition, () => this.#parseInputValueDefinition());
        break;
    }
  }

  #parseImplementsInterfaces(): string[] | null {
    const types: string[] = [];
    // gqlparser looks at the token's text only, so a string "implements" reads as the keyword too.
    if (this.peek().value === 'implements') {
      this.next();
      this.skip(TokenKind.Amp);
      types.push(this.parseName());
      while (this.skip(TokenKind.Amp)) types.push(this.parseName());
    }
    return orNull(types);
  }

  #parseFields(definition: Definition, parseField: () => FieldDefinition): void {
    const fields: FieldDefinition[] = [];
    definition.EndOfDefinitionComment = this.some(TokenKind.BraceL, TokenKind.BraceR, () => fields.push(parseField()));
    definition.Fields = orNull(fields);
  }

  #parseFieldDefinition(): FieldDefinition {
    const field = new FieldDefinition();
    field.Position = this.peekPos();
    this.#parseMemberDescription(field);
    field.Name = this.parseName();
    field.Arguments = this.#parseArgumentDefinitions();
    this.expect(TokenKind.Colon);
    field.Type = this.parseTypeReference();
    field.Directives = this.parseDirectives(true);
    return field;
  }

  #parseArgumentDefinitions(): ArgumentDefinition[] | null {
    const args: ArgumentDefinition[] = [];
    this.some(TokenKind.ParenL, TokenKind.ParenR, () => {
      const arg = new ArgumentDefinition();
      arg.Position = this.peekPos();
      this.#parseMemberDescription(arg);
      arg.Name = this.parseName();
      this.expect(TokenKind.Colon);
      arg.Type = this.parseTypeReference();
      if (this.skip(TokenKind.Equals)) arg.DefaultValue = this.parseValueLiteral(true);
      arg.Directives = this.parseDirectives(true);
      args.push(arg);
    });
    return orNull(args);
  }

  #parseInputValueDefinition(): FieldDefinition {
    const field = new FieldDefinition();
    field.Position = this.peekPos();
    this.#parseMemberDescription(field);
    field.Name = this.parseName();
    this.expect(TokenKind.Colon);
    field.Type = this.parseTypeReference();
    if (this.skip(TokenKind.Equals)) field.DefaultValue = this.parseValueLiteral(true);
    field.Directives = this.parseDirectives(true);
    return field;
  }

  #parseUnionMemberTypes(): string[] | null {
    const types: string[] = [];
    if (this.skip(TokenKind.Equals)) {
      this.skip(TokenKind.Pipe);
      types.push(this.parseName());
      while (this.skip(TokenKind.Pipe)) types.push(this.parseName());
    }
    return orNull(types);
  }

  #parseEnumValues(definition: Definition): void {
    const values: EnumValueDefinition[] = [];
    definition.EndOfDefinitionComment = this.some(TokenKind.BraceL, TokenKind.BraceR, () => {
      const value = new EnumValueDefinition();
      value.Position = this.peekPos();
      this.#parseMemberDescription(value);
      value.Name = this.parseName();
      value.Directives = this.parseDirectives(true);
      values.push(value);
    });
    definition.EnumValues = orNull(values);
  }

  #parseExtension(lists: { schemaExtensions: SchemaDefinition[]; extensions: Definition[] }): void {
    const [, comment] = this.expectKeyword('extend');
    const keyword = this.peek().value;
    if (keyword === 'schema') {
      this.expectKeyword('schema');
      const definition = new SchemaDefinition();
      definition.Position = this.peekPos();
      definition.AfterDescriptionComment = comment;
      definition.Directives = this.parseDirectives(true);
      this.#parseOperationTypes(definition);
      if (definition.Directives === null && definition.OperationTypes === null) this.unexpectedError();
      lists.schemaExtensions.push(definition);
      return;
    }
    const kind = TYPE_KEYWORDS[keyword];
    if (kind === undefined) this.unexpectedError();
    this.expectKeyword(keyword);
    const definition = new Definition();
    definition.Position = this.peekPos();
    definition.AfterDescriptionComment = comment;
    definition.Kind = kind;
    definition.Name = this.parseName();
    this.#parseTypeBody(definition, false);
    const empty =
      definition.Directives === null &&
      definition.Interfaces === null &&
      definition.Fields === null &&
      definition.Types === null &&
      definition.EnumValues === null;
    if (empty) this.unexpectedError();
    lists.extensions.push(definition);
  }

  #parseDirectiveDefinition(description: Description): DirectiveDefinition {
    const [, comment] = this.expectKeyword('directive');
    this.expect(TokenKind.At);
    const definition = new DirectiveDefinition();
    definition.Position = this.peekPos();
    definition.BeforeDescriptionComment = description.comment;
    definition.Description = description.text;
    definition.AfterDescriptionComment = comment;
    definition.Name = this.parseName();
    definition.Arguments = this.#parseArgumentDefinitions();
    const peek = this.peek();
    if (peek.kind === TokenKind.Name && peek.value === 'repeatable') {
      definition.IsRepeatable = true;
      this.next();
    }
    this.expectKeyword('on');
    this.skip(TokenKind.Pipe);
    const locations = [this.#parseDirectiveLocation()];
    while (this.skip(TokenKind.Pipe)) locations.push(this.#parseDirectiveLocation());
    definition.Locations = locations;
    return definition;
  }

  #parseDirectiveLocation(): string {
    const [name] = this.expect(TokenKind.Name);
    if (!DIRECTIVE_LOCATIONS.has(name.value)) this.unexpectedToken(name);
    return name.value;
  }
}

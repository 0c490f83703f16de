/*
 * Executable documents (gqlparser's parser.ParseQuery): operations, fragments, selection sets, variables.
 *
 *   Document     : (OperationDefinition | FragmentDefinition)*
 *   Operation    : SelectionSet | ("query" | "mutation" | "subscription") Name? VariableDefinitions? Directives? SelectionSet
 *   Fragment     : "fragment" Name VariableDefinitions? "on" Name Directives? SelectionSet
 */

import {
  Field,
  FragmentDefinition,
  FragmentSpread,
  InlineFragment,
  OperationDefinition,
  QueryDocument,
  type Selection,
  Source,
  VariableDefinition,
} from './ast.js';
import { kindText, TokenKind } from './lexer.js';
import { orNull, ParserBase } from './parser.js';

/** parseQuery parses an executable document. @throws {GqlError} at the first syntax error. */
export function parseQuery(text: string): QueryDocument {
  const source = new Source();
  source.Input = text;
  return new QueryParser(source).parseDocument();
}

class QueryParser extends ParserBase {
  parseDocument(): QueryDocument {
    const doc = new QueryDocument();
    const operations: OperationDefinition[] = [];
    const fragments: FragmentDefinition[] = [];
    while (this.peek().kind !== TokenKind.EOF) {
      doc.Position = this.peekPos();
      const token = this.peek();
      if (token.kind === TokenKind.BraceL) {
        operations.push(this.#parseOperationDefinition());
      } else if (token.kind !== TokenKind.Name) {
        this.unexpectedError();
      } else if (token.value === 'query' || token.value === 'mutation' || token.value === 'subscription') {
        operations.push(this.#parseOperationDefinition());
      } else if (token.value === 'fragment') {
        fragments.push(this.#parseFragmentDefinition());
      } else {
        this.unexpectedError();
      }
    }
    doc.Operations = orNull(operations);
    doc.Fragments = orNull(fragments);
    return doc;
  }

  #parseOperationDefinition(): OperationDefinition {
    const operation = new OperationDefinition();
    operation.Position = this.peekPos();
    if (this.peek().kind === TokenKind.BraceL) {
      operation.Operation = 'query';
      operation.SelectionSet = this.#parseRequiredSelectionSet();
      // Go builds this literal after the calls in it, so the comment is read once the selection set is consumed.
      operation.Comment = this.comment;
      return operation;
    }
    operation.Comment = this.comment;
    operation.Operation = this.next().value;
    if (this.peek().kind === TokenKind.Name) operation.Name = this.next().value;
    operation.VariableDefinitions = this.#parseVariableDefinitions();
    operation.Directives = this.parseDirectives(false);
    operation.SelectionSet = this.#parseRequiredSelectionSet();
    return operation;
  }

  #parseVariableDefinitions(): VariableDefinition[] | null {
    const definitions: VariableDefinition[] = [];
    this.many(TokenKind.ParenL, TokenKind.ParenR, () => {
      const definition = new VariableDefinition();
      definition.Position = this.peekPos();
      definition.Comment = this.comment;
      definition.Variable = this.parseVariable();
      this.expect(TokenKind.Colon);
      definition.Type = this.parseTypeReference();
      if (this.skip(TokenKind.Equals)) definition.DefaultValue = this.parseValueLiteral(true);
      definition.Directives = this.parseDirectives(false);
      definitions.push(definition);
    });
    return orNull(definitions);
  }

  #parseRequiredSelectionSet(): Selection[] | null {
    const token = this.peek();
    if (token.kind !== TokenKind.BraceL) this.error(token, `Expected {, found ${kindText(token.kind)}`);
    return this.#parseSelectionSet();
  }

  #parseSelectionSet(): Selection[] | null {
    return this.nested(() => {
      const selections: Selection[] = [];
      this.some(TokenKind.BraceL, TokenKind.BraceR, () => {
        selections.push(this.peek().kind === TokenKind.Spread ? this.#parseFragment() : this.#parseField());
      });
      return orNull(selections);
    });
  }

  #parseField(): Field {
    const field = new Field();
    field.Position = this.peekPos();
    field.Comment = this.comment;
    field.Alias = this.parseName();
    field.Name = this.skip(TokenKind.Colon) ? this.parseName() : field.Alias;
    field.Arguments = this.parseArguments(false);
    field.Directives = this.parseDirectives(false);
    if (this.peek().kind === TokenKind.BraceL) field.SelectionSet = this.#parseSelectionSet();
    return field;
  }

  #parseFragment(): Selection {
    const [, comment] = this.expect(TokenKind.Spread);
    const peek = this.peek();
    if (peek.kind === TokenKind.Name && peek.value !== 'on') {
      const spread = new FragmentSpread();
      spread.Position = this.peekPos();
      spread.Comment = comment;
      spread.Name = this.#parseFragmentName();
      spread.Directives = this.parseDirectives(false);
      return spread;
    }
    const fragment = new InlineFragment();
    fragment.Position = this.peekPos();
    fragment.Comment = comment;
    // gqlparser looks at the token's text only, so a string "on" reads as the keyword too.
    if (this.peek().value === 'on') {
      this.next();
      fragment.TypeCondition = this.parseName();
    }
    fragment.Directives = this.parseDirectives(false);
    fragment.SelectionSet = this.#parseRequiredSelectionSet();
    return fragment;
  }

  #parseFragmentDefinition(): FragmentDefinition {
    const fragment = new FragmentDefinition();
    fragment.Position = this.peekPos();
    fragment.Comment = this.comment;
    this.expectKeyword('fragment');
    fragment.Name = this.#parseFragmentName();
    fragment.VariableDefinition = this.#parseVariableDefinitions();
    this.expectKeyword('on');
    fragment.TypeCondition = this.parseName();
    fragment.Directives = this.parseDirectives(false);
    fragment.SelectionSet = this.#parseRequiredSelectionSet();
    return fragment;
  }

  #parseFragmentName(): string {
    if (this.peek().value === 'on') this.unexpectedError();
    return this.parseName();
  }
}

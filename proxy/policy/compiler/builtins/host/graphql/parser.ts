/*
 * The machinery gqlparser's parser shares between executable and schema documents: one token of look-ahead, the
 * comment groups that attach to the next node, the error texts, and the productions both grammars use (values,
 * type references, directives).
 *
 * gqlparser records its first error and runs on until the input ends; only that first error is ever reported, so
 * this port throws it at once. Nesting is bounded (GraphqlLimitError) so that recursion stays within the stack.
 */

import {
  Argument,
  ChildValue,
  Comment,
  CommentGroup,
  Directive,
  GqlType,
  type Position,
  type Source,
  Value,
  ValueKind,
} from './ast.js';
import { errorAt, GraphqlLimitError } from './errors.js';
import { kindText, Lexer, type Token, TokenKind } from './lexer.js';
import { quoteGo } from '../value.js';

/** MAX_NESTING bounds how deeply selection sets, values and type references may nest. */
export const MAX_NESTING = 500;

/** tokenText is lexer.Token's String(): the kind, and the value quoted when there is one. */
export function tokenText(token: Token): string {
  return token.value === '' ? kindText(token.kind) : `${kindText(token.kind)} ${quoteGo(token.value)}`;
}

/** ParserBase reads tokens with one token of look-ahead and the comment group before it. */
export class ParserBase {
  readonly #lexer: Lexer;
  #peeked: Token | null = null;
  #commentConsuming = false;
  #nesting = 0;
  /** The token `next` returned last. */
  protected prev: Token;
  /** The comments before the token `peek` returned, until `next` consumes it. */
  protected comment: CommentGroup | null = null;

  constructor(source: Source) {
    this.#lexer = new Lexer(source);
    // Only read after a token is consumed; the first token stands in for Go's zero token.
    this.prev = this.peek();
  }

  protected peek(): Token {
    if (this.#peeked === null) {
      this.#peeked = this.#lexer.readToken();
      if (this.#peeked.kind === TokenKind.Comment) this.#consumeCommentGroup();
    }
    return this.#peeked;
  }

  protected peekPos(): Position {
    return this.peek().pos;
  }

  /** next consumes the peeked token; an Invalid token's error becomes the parse error. */
  protected next(): Token {
    const token = this.peek();
    this.#peeked = null;
    this.comment = null;
    this.prev = token;
    if (token.error !== null) throw token.error;
    return token;
  }

  #consumeCommentGroup(): void {
    if (this.#commentConsuming) return;
    this.#commentConsuming = true;
    const list: Comment[] = [];
    for (let token = this.peek(); token.kind === TokenKind.Comment; token = this.peek()) {
      this.next();
      const comment = new Comment();
      comment.Value = token.value;
      comment.Position = token.pos;
      list.push(comment);
    }
    this.comment = new CommentGroup();
    this.comment.List = list;
    this.#commentConsuming = false;
  }

  /** error raises a parse error at `token`. */
  protected error(token: Token, message: string): never {
    throw errorAt(token.pos.Src?.Name ?? '', token.pos.Line, token.pos.Column, message);
  }

  protected expectKeyword(value: string): [Token, CommentGroup | null] {
    const token = this.peek();
    const comment = this.comment;
    if (token.kind === TokenKind.Name && token.value === value) return [this.next(), comment];
    this.error(token, `Expected ${quoteGo(value)}, found ${tokenText(token)}`);
  }

  protected expect(kind: TokenKind): [Token, CommentGroup | null] {
    const token = this.peek();
    const comment = this.comment;
    if (token.kind === kind) return [this.next(), comment];
    this.error(token, `Expected ${kindText(kind)}, found ${kindText(token.kind)}`);
  }

  protected skip(kind: TokenKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  protected unexpectedError(): never {
    this.unexpectedToken(this.peek());
  }

  protected unexpectedToken(token: Token): never {
    this.error(token, `Unexpected ${tokenText(token)}`);
  }

  /** many parses `start item* end`, or nothing when `start` is absent. */
  protected many(start: TokenKind, end: TokenKind, item: () => void): void {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end) item();
    this.next();
  }

  /** some parses `start item+ end`, or nothing when `start` is absent; it returns the comments before `end`. */
  protected some(start: TokenKind, end: TokenKind, item: () => void): CommentGroup | null {
    if (!this.skip(start)) return null;
    let called = false;
    while (this.peek().kind !== end) {
      called = true;
      item();
    }
    if (!called) this.error(this.peek(), `expected at least one definition, found ${kindText(this.peek().kind)}`);
    const comment = this.comment;
    this.next();
    return comment;
  }

  /** nested runs one level of a recursive production. @throws {GraphqlLimitError} past MAX_NESTING. */
  protected nested<T>(parse: () => T): T {
    if (++this.#nesting > MAX_NESTING) throw new GraphqlLimitError('the GraphQL document is nested too deeply');
    try {
      return parse();
    } finally {
      this.#nesting--;
    }
  }

  protected parseName(): string {
    return this.expect(TokenKind.Name)[0].value;
  }

  protected parseVariable(): string {
    this.expect(TokenKind.Dollar);
    return this.parseName();
  }

  protected parseValueLiteral(isConst: boolean): Value {
    const token = this.peek();
    let kind: number;
    switch (token.kind) {
      case TokenKind.BracketL:
        return this.nested(() => this.#parseList(isConst));
      case TokenKind.BraceL:
        return this.nested(() => this.#parseObject(isConst));
      case TokenKind.Dollar: {
        if (isConst) this.unexpectedError();
        const value = new Value();
        value.Position = token.pos;
        value.Raw = this.parseVariable();
        value.Kind = ValueKind.Variable;
        // Go builds this literal after the calls in it, so the comment is read once the variable is consumed.
        value.Comment = this.comment;
        return value;
      }
      case TokenKind.Int:
        kind = ValueKind.Int;
        break;
      case TokenKind.Float:
        kind = ValueKind.Float;
        break;
      case TokenKind.String:
        kind = ValueKind.String;
        break;
      case TokenKind.BlockString:
        kind = ValueKind.Block;
        break;
      case TokenKind.Name:
        kind =
          token.value === 'true' || token.value === 'false'
            ? ValueKind.Boolean
            : token.value === 'null'
              ? ValueKind.Null
              : ValueKind.Enum;
        break;
      default:
        this.unexpectedError();
    }
    this.next();
    const value = new Value();
    value.Position = token.pos;
    value.Comment = this.comment;
    value.Raw = token.value;
    value.Kind = kind;
    return value;
  }

  #parseList(isConst: boolean): Value {
    const value = new Value();
    value.Position = this.peekPos();
    value.Comment = this.comment;
    value.Kind = ValueKind.List;
    const children: ChildValue[] = [];
    this.many(TokenKind.BracketL, TokenKind.BracketR, () => {
      const child = new ChildValue();
      child.Value = this.parseValueLiteral(isConst);
      children.push(child);
    });
    value.Children = orNull(children);
    return value;
  }

  #parseObject(isConst: boolean): Value {
    const value = new Value();
    value.Position = this.peekPos();
    value.Comment = this.comment;
    value.Kind = ValueKind.Object;
    const children: ChildValue[] = [];
    this.many(TokenKind.BraceL, TokenKind.BraceR, () => {
      const child = new ChildValue();
      child.Position = this.peekPos();
      child.Comment = this.comment;
      child.Name = this.parseName();
      this.expect(TokenKind.Colon);
      child.Value = this.parseValueLiteral(isConst);
      children.push(child);
    });
    value.Children = orNull(children);
    return value;
  }

  protected parseArguments(isConst: boolean): Argument[] | null {
    const args: Argument[] = [];
    this.many(TokenKind.ParenL, TokenKind.ParenR, () => {
      const arg = new Argument();
      arg.Position = this.peekPos();
      arg.Comment = this.comment;
      arg.Name = this.parseName();
      this.expect(TokenKind.Colon);
      arg.Value = this.parseValueLiteral(isConst);
      args.push(arg);
    });
    return orNull(args);
  }

  protected parseDirectives(isConst: boolean): Directive[] | null {
    const directives: Directive[] = [];
    while (this.peek().kind === TokenKind.At) {
      this.expect(TokenKind.At);
      const directive = new Directive();
      directive.Position = this.peekPos();
      directive.Name = this.parseName();
      directive.Arguments = this.parseArguments(isConst);
      directives.push(directive);
    }
    return orNull(directives);
  }

  protected parseTypeReference(): GqlType {
    return this.nested(() => {
      const type = new GqlType();
      if (this.skip(TokenKind.BracketL)) {
        type.Position = this.peekPos();
        type.Elem = this.parseTypeReference();
        this.expect(TokenKind.BracketR);
      } else {
        type.Position = this.peekPos();
        type.NamedType = this.parseName();
      }
      if (this.skip(TokenKind.Bang)) {
        type.Position = this.peekPos();
        type.NonNull = true;
      }
      return type;
    });
  }
}

/** orNull is how a Go slice that was never appended to marshals: as null. */
export function orNull<T>(items: T[]): T[] | null {
  return items.length === 0 ? null : items;
}

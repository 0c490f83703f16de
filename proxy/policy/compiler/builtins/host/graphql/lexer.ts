/*
 * gqlparser's lexer. It reads the UTF-8 bytes of the text as Go does, because OPA's messages carry what that gives:
 * columns count runes, a stray non-ASCII byte is named as the Latin-1 character of its first byte, and the line
 * bookkeeping has gqlparser's quirks (after "\r\n" a column is one more; a block string's token takes the line it
 * ends on). A token that cannot be read comes back as an Invalid token carrying its error, which the parser raises
 * only if it consumes that token.
 */

import { Position, type Source } from './ast.js';
import { errorAt, type GqlError } from './errors.js';

/** TokenKind numbers token kinds as gqlparser's lexer.Type does. */
export const TokenKind = {
  Invalid: 0,
  EOF: 1,
  Bang: 2,
  Dollar: 3,
  Amp: 4,
  ParenL: 5,
  ParenR: 6,
  Spread: 7,
  Colon: 8,
  Equals: 9,
  At: 10,
  BracketL: 11,
  BracketR: 12,
  BraceL: 13,
  BraceR: 14,
  Pipe: 15,
  Name: 16,
  Int: 17,
  Float: 18,
  String: 19,
  BlockString: 20,
  Comment: 21,
} as const;

export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

const KIND_TEXT: readonly string[] = [
  '<Invalid>',
  '<EOF>',
  '!',
  '$',
  '&',
  '(',
  ')',
  '...',
  ':',
  '=',
  '@',
  '[',
  ']',
  '{',
  '}',
  '|',
  'Name',
  'Int',
  'Float',
  'String',
  'BlockString',
  'Comment',
];

/** kindText is lexer.Type's String(). */
export function kindText(kind: TokenKind): string {
  return KIND_TEXT[kind]!;
}

/** Token is one lexeme; `error` is set on Invalid tokens. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly pos: Position;
  readonly error: GqlError | null;
}

const PUNCTUATORS: ReadonlyMap<number, TokenKind> = new Map([
  [0x21, TokenKind.Bang],
  [0x24, TokenKind.Dollar],
  [0x26, TokenKind.Amp],
  [0x28, TokenKind.ParenL],
  [0x29, TokenKind.ParenR],
  [0x3a, TokenKind.Colon],
  [0x3d, TokenKind.Equals],
  [0x40, TokenKind.At],
  [0x5b, TokenKind.BracketL],
  [0x5d, TokenKind.BracketR],
  [0x7b, TokenKind.BraceL],
  [0x7d, TokenKind.BraceR],
  [0x7c, TokenKind.Pipe],
]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const TAB = 0x09;

const utf8 = new TextDecoder('utf-8');

/** Lexer turns a GraphQL text into tokens, one ReadToken at a time. */
export class Lexer {
  readonly #source: Source;
  readonly #input: Uint8Array;
  /** Offsets in bytes, and the same offsets counted in runes. */
  #start = 0;
  #startRunes = 0;
  #end = 0;
  #endRunes = 0;
  #line = 1;
  #lineStartRunes = 0;

  constructor(source: Source) {
    this.#source = source;
    this.#input = new TextEncoder().encode(source.Input);
  }

  /** readToken skips white space and reads the next token. */
  readToken(): Token {
    this.#skipWhitespace();
    this.#start = this.#end;
    this.#startRunes = this.#endRunes;
    const input = this.#input;
    if (this.#end >= input.length) return this.#makeToken(TokenKind.EOF);
    const r = input[this.#start]!;
    this.#end++;
    this.#endRunes++;
    const punctuator = PUNCTUATORS.get(r);
    if (punctuator !== undefined) return this.#makeValueToken(punctuator, '');
    if (r === 0x2e) {
      if (input[this.#start + 1] === 0x2e && input[this.#start + 2] === 0x2e) {
        this.#end += 2;
        this.#endRunes += 2;
        return this.#makeValueToken(TokenKind.Spread, '');
      }
    } else if (r === 0x23) {
      return this.#readComment();
    } else if (isNameStart(r)) {
      return this.#readName();
    } else if (r === 0x2d || isDigit(r)) {
      return this.#readNumber();
    } else if (r === QUOTE) {
      if (input[this.#start + 1] === QUOTE && input[this.#start + 2] === QUOTE) return this.#readBlockString();
      return this.#readString();
    }
    this.#end--;
    this.#endRunes--;
    if (r < 0x20 && r !== TAB && r !== NEWLINE && r !== RETURN) {
      return this.#makeError(`Cannot contain the invalid character "\\u${goDecimal4(r)}"`);
    }
    if (r === 0x27) {
      return this.#makeError(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
    }
    return this.#makeError(`Cannot parse the unexpected character "${String.fromCharCode(r)}".`);
  }

  #skipWhitespace(): void {
    const input = this.#input;
    while (this.#end < input.length) {
      const b = input[this.#end]!;
      if (b === TAB || b === 0x20 || b === 0x2c) {
        this.#end++;
        this.#endRunes++;
      } else if (b === NEWLINE) {
        this.#end++;
        this.#endRunes++;
        this.#newLine();
      } else if (b === RETURN) {
        this.#end++;
        this.#endRunes++;
        this.#newLine();
        if (input[this.#end] === NEWLINE) {
          this.#end++;
          this.#endRunes++;
        }
      } else if (b === 0xef && input[this.#end + 1] === 0xbb && input[this.#end + 2] === 0xbf) {
        // A byte order mark.
        this.#end += 3;
        this.#endRunes++;
      } else {
        return;
      }
    }
  }

  #newLine(): void {
    this.#line++;
    this.#lineStartRunes = this.#endRunes;
  }

  #makeToken(kind: TokenKind): Token {
    return this.#makeValueToken(kind, this.#text(this.#start, this.#end));
  }

  #makeValueToken(kind: TokenKind, value: string): Token {
    return { kind, value, pos: this.#position(this.#startRunes - this.#lineStartRunes + 1), error: null };
  }

  #makeError(message: string): Token {
    const column = this.#endRunes - this.#lineStartRunes + 1;
    return {
      kind: TokenKind.Invalid,
      value: '',
      pos: this.#position(column),
      error: errorAt(this.#source.Name, this.#line, column, message),
    };
  }

  #position(column: number): Position {
    const position = new Position();
    position.Start = this.#startRunes;
    position.End = this.#endRunes;
    position.Line = this.#line;
    position.Column = column;
    position.Src = this.#source;
    return position;
  }

  #text(from: number, to: number): string {
    return utf8.decode(this.#input.subarray(from, to));
  }

  /** #rune decodes the rune at `at` as utf8.DecodeRune does: [rune, width in bytes]. */
  #rune(at: number): [number, number] {
    const input = this.#input;
    const b = input[at]!;
    if (b < 0x80) return [b, 1];
    const width = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (width === 1 || at + width > input.length) return [0xfffd, 1];
    const text = this.#text(at, at + width);
    return [text.codePointAt(0)!, width];
  }

  // #[\u0009\u0020-\uFFFF]*
  #readComment(): Token {
    while (this.#end < this.#input.length) {
      const [r, width] = this.#rune(this.#end);
      if (r > 0x1f || r === TAB) {
        this.#end += width;
        this.#endRunes++;
      } else {
        break;
      }
    }
    return this.#makeToken(TokenKind.Comment);
  }

  // [_A-Za-z][_0-9A-Za-z]*
  #readName(): Token {
    const input = this.#input;
    while (this.#end < input.length && (isNameStart(input[this.#end]!) || isDigit(input[this.#end]!))) {
      this.#end++;
      this.#endRunes++;
    }
    return this.#makeToken(TokenKind.Name);
  }

  // Int: -?(0|[1-9][0-9]*)   Float: -?(0|[1-9][0-9]*)(\.[0-9]+)?((E|e)(+|-)?[0-9]+)?
  #readNumber(): Token {
    let float = false;
    this.#end--;
    this.#endRunes--;
    this.#acceptByte(0x2d);
    if (this.#acceptByte(0x30)) {
      const consumed = this.#acceptDigits();
      if (consumed !== 0) {
        this.#end -= consumed;
        this.#endRunes -= consumed;
        return this.#makeError(`Invalid number, unexpected digit after 0: ${this.#describeNext()}.`);
      }
    } else if (this.#acceptDigits() === 0) {
      return this.#makeError(`Invalid number, expected digit but got: ${this.#describeNext()}.`);
    }
    if (this.#acceptByte(0x2e)) {
      float = true;
      if (this.#acceptDigits() === 0) {
        return this.#makeError(`Invalid number, expected digit but got: ${this.#describeNext()}.`);
      }
    }
    if (this.#acceptByte(0x65, 0x45)) {
      float = true;
      this.#acceptByte(0x2d, 0x2b);
      if (this.#acceptDigits() === 0) {
        return this.#makeError(`Invalid number, expected digit but got: ${this.#describeNext()}.`);
      }
    }
    return this.#makeToken(float ? TokenKind.Float : TokenKind.Int);
  }

  #acceptByte(...accepted: number[]): boolean {
    const b = this.#input[this.#end];
    if (b === undefined || !accepted.includes(b)) return false;
    this.#end++;
    this.#endRunes++;
    return true;
  }

  #acceptDigits(): number {
    let consumed = 0;
    while (this.#end < this.#input.length && isDigit(this.#input[this.#end]!)) {
      this.#end++;
      this.#endRunes++;
      consumed++;
    }
    return consumed;
  }

  #describeNext(): string {
    const b = this.#input[this.#end];
    return b === undefined ? '<EOF>' : `"${String.fromCharCode(b)}"`;
  }

  // "([^"\\\u000A\u000D]|(\\(u[0-9a-fA-F]{4}|["\\/bfnrt])))*"
  #readString(): Token {
    const input = this.#input;
    // Only built when an escape makes the value differ from the text.
    let pieces: string[] | null = null;
    let verbatimFrom = 0;
    this.#start++;
    this.#startRunes++;
    while (this.#end < input.length) {
      const r = input[this.#end]!;
      if (r === NEWLINE || r === RETURN) break;
      if (r < 0x20 && r !== TAB) return this.#makeError(`Invalid character within String: "\\u${goDecimal4(r)}".`);
      if (r === QUOTE) {
        const token = this.#makeToken(TokenKind.String);
        token.pos.Start--;
        token.pos.End++;
        const value = pieces === null ? token.value : [...pieces, this.#text(verbatimFrom, this.#end)].join('');
        this.#end++;
        this.#endRunes++;
        return { ...token, value };
      }
      if (r !== BACKSLASH) {
        this.#end += r >= 127 ? this.#rune(this.#end)[1] : 1;
        this.#endRunes++;
        continue;
      }
      if (this.#end + 1 >= input.length) {
        this.#end++;
        this.#endRunes++;
        return this.#makeError('Invalid character escape sequence.');
      }
      if (pieces === null) {
        pieces = [];
        verbatimFrom = this.#start;
      }
      pieces.push(this.#text(verbatimFrom, this.#end));
      const escape = input[this.#end + 1]!;
      if (escape === 0x75) {
        if (this.#end + 6 >= input.length) {
          this.#end++;
          this.#endRunes++;
          return this.#makeError(`Invalid character escape sequence: \\${this.#text(this.#end, input.length)}.`);
        }
        const code = unhex(input.subarray(this.#end + 2, this.#end + 6));
        if (code === undefined) {
          this.#end++;
          this.#endRunes++;
          return this.#makeError(`Invalid character escape sequence: \\${this.#text(this.#end, this.#end + 5)}.`);
        }
        // Go's WriteRune writes U+FFFD for a surrogate half.
        pieces.push(code >= 0xd800 && code <= 0xdfff ? '\ufffd' : String.fromCharCode(code));
        this.#end += 6;
        this.#endRunes += 6;
      } else {
        const decoded = SIMPLE_ESCAPES.get(escape);
        if (decoded === undefined) {
          this.#end++;
          this.#endRunes++;
          return this.#makeError(`Invalid character escape sequence: \\${String.fromCharCode(escape)}.`);
        }
        pieces.push(decoded);
        this.#end += 2;
        this.#endRunes += 2;
      }
      verbatimFrom = this.#end;
    }
    return this.#makeError('Unterminated string.');
  }

  // """("?"?(\\"""|\\(?!=""")|[^"\\]))*"""
  #readBlockString(): Token {
    const input = this.#input;
    const pieces: string[] = [];
    this.#start += 3;
    this.#startRunes += 3;
    this.#end += 2;
    this.#endRunes += 2;
    let verbatimFrom = this.#end;
    while (this.#end < input.length) {
      const r = input[this.#end]!;
      if (r === QUOTE && input[this.#end + 1] === QUOTE && input[this.#end + 2] === QUOTE) {
        pieces.push(this.#text(verbatimFrom, this.#end));
        const token = this.#makeValueToken(TokenKind.BlockString, blockStringValue(pieces.join('')));
        token.pos.Start -= 3;
        token.pos.End += 3;
        this.#end += 3;
        this.#endRunes += 3;
        return token;
      }
      if (r < 0x20 && r !== TAB && r !== NEWLINE && r !== RETURN) {
        return this.#makeError(`Invalid character within String: "\\u${goDecimal4(r)}".`);
      }
      if (
        r === BACKSLASH &&
        input[this.#end + 1] === QUOTE &&
        input[this.#end + 2] === QUOTE &&
        input[this.#end + 3] === QUOTE
      ) {
        pieces.push(this.#text(verbatimFrom, this.#end), '"""');
        this.#end += 4;
        this.#endRunes += 4;
        verbatimFrom = this.#end;
      } else if (r === RETURN) {
        pieces.push(this.#text(verbatimFrom, this.#end), '\n');
        if (input[this.#end + 1] === NEWLINE) {
          this.#end++;
          this.#endRunes++;
        }
        this.#end++;
        this.#endRunes++;
        this.#newLine();
        verbatimFrom = this.#end;
      } else {
        this.#end += r >= 127 ? this.#rune(this.#end)[1] : 1;
        this.#endRunes++;
        if (r === NEWLINE) this.#newLine();
      }
    }
    return this.#makeError('Unterminated string.');
  }
}

const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x2f, '/'],
  [0x5c, '\\'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

function isNameStart(b: number): boolean {
  return b === 0x5f || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** goDecimal4 is Go's %04d. */
function goDecimal4(n: number): string {
  return String(n).padStart(4, '0');
}

function unhex(bytes: Uint8Array): number | undefined {
  let value = 0;
  for (const b of bytes) {
    const digit =
      b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;
    if (digit < 0) return undefined;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * blockStringValue is gqlparser's BlockStringValue: the common indentation of the non-blank lines (the first line
 * included, unlike the GraphQL specification) is removed from every line but the first, then blank lines at either
 * end are dropped.
 */
export function blockStringValue(raw: string): string {
  const lines = raw.split('\n');
  let commonIndent = Infinity;
  for (const line of lines) {
    const indent = leadingWhitespace(line);
    if (indent < line.length && indent < commonIndent) {
      commonIndent = indent;
      if (commonIndent === 0) break;
    }
  }
  if (commonIndent !== Infinity) {
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      lines[i] = utf8Length(line) < commonIndent ? '' : line.slice(commonIndent);
    }
  }
  let start = 0;
  let end = lines.length;
  while (start < end && leadingWhitespace(lines[start]!) === Infinity) start++;
  while (start < end && leadingWhitespace(lines[end - 1]!) === Infinity) end--;
  return lines.slice(start, end).join('\n');
}

/** leadingWhitespace counts leading spaces and tabs; a line of nothing else counts as infinite. */
function leadingWhitespace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== TAB) return i;
  }
  return Infinity;
}

/** utf8Length is Go's len() of a string. */
function utf8Length(text: string): number {
  let length = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    length += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return length;
}

/*
 * The Rego lexer: source text in, an array of tokens out, each with its row and column.
 *
 * The lexer never reports anything itself. A token it could not read cleanly (a string with no closing quote, `01`,
 * a stray `@`) carries a `problem`, which the parser reports when it reaches that token. That keeps every diagnostic
 * under the parser's control, so a speculative parse that is rolled back also rolls back its lexical complaints.
 *
 * Whitespace matters in Rego in two ways, so each token records what came before it:
 * - `spaceBefore`: `x[1]` is a ref but `x [1]` is not; `f(x)` is a call but `f (x)` is not.
 * - `newlineBefore`: expressions in a body are separated by a new line or `;`.
 */

/** KEYWORDS are the reserved words of Rego v1 (OPA 1.x enables all former "future" keywords by default). */
export const KEYWORDS = [
  'package',
  'import',
  'as',
  'default',
  'else',
  'if',
  'contains',
  'in',
  'every',
  'some',
  'not',
  'with',
  'true',
  'false',
  'null',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

const PUNCTUATION = [
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  ':=',
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  ';',
  '.',
] as const;

export type Punctuation = (typeof PUNCTUATION)[number];

/** TokenKind is a keyword or punctuation spelled as itself, or one of the kinds of literal token. */
export type TokenKind = Keyword | Punctuation | 'ident' | 'number' | 'string' | 'illegal' | 'eof';

/** Token is one lexical token with its position and the whitespace that preceded it. */
export interface Token {
  kind: TokenKind;
  /** The token's source text (for strings, with quotes; for illegal tokens, the offending characters). */
  text: string;
  /** For strings, the decoded value; otherwise the same as `text`. */
  value: string;
  /** Offset of the first character in the source (UTF-16 units). */
  offset: number;
  row: number;
  /** Column counted in characters (code points), from 1. */
  col: number;
  spaceBefore: boolean;
  newlineBefore: boolean;
  /** A lexical problem, reported by the parser if it reaches this token. */
  problem?: string;
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const PUNCTUATION_SET: ReadonlySet<string> = new Set(PUNCTUATION);

/** What each single-character escape after a backslash stands for, by the character's code. */
const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** isKeywordKind tells whether a token kind is a reserved word. */
export function isKeywordKind(kind: TokenKind): kind is Keyword {
  return KEYWORD_SET.has(kind);
}

// Character codes used by the scanner; named so the switch below reads as the grammar.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const BACKSLASH = 92;
const BACKTICK = 96;
const BOM = 0xfeff;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Comment is one `#` comment: its text after the `#` (without a trailing carriage return), where the `#` stands.
 * METADATA annotations are read from comments.
 */
export interface Comment {
  text: string;
  row: number;
  col: number;
}

/** LexResult is the token array (ending with `eof`) and every comment, in source order. */
export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

/** tokenize reads the whole source into tokens; the last token is always `eof`. It never throws. */
export function tokenize(source: string): Token[] {
  return lex(source).tokens;
}

/** lex reads the whole source into tokens and comments. It never throws. */
export function lex(source: string): LexResult {
  const lexer = new Lexer(source);
  const tokens = lexer.run();
  return { tokens, comments: lexer.comments };
}

class Lexer {
  private readonly src: string;
  private pos = 0;
  private row = 1;
  private col = 1;
  private readonly tokens: Token[] = [];
  readonly comments: Comment[] = [];

  constructor(source: string) {
    this.src = source;
    if (source.charCodeAt(0) === BOM) this.pos = 1;
  }

  run(): Token[] {
    const src = this.src;
    let spaceBefore = false;
    let newlineBefore = false;
    // Each iteration consumes at least one character or ends the loop, so this terminates.
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === SPACE || c === TAB || c === CR) {
        this.pos++;
        this.col++;
        spaceBefore = true;
        continue;
      }
      if (c === LF) {
        this.pos++;
        this.row++;
        this.col = 1;
        spaceBefore = true;
        newlineBefore = true;
        continue;
      }
      if (c === HASH) {
        const row = this.row;
        const col = this.col;
        const start = this.pos + 1;
        while (this.pos < src.length && src.charCodeAt(this.pos) !== LF) this.advance();
        // OPA drops the carriage returns that end a comment line (CRLF sources).
        this.comments.push({ text: src.slice(start, this.pos).replace(/\r+$/, ''), row, col });
        spaceBefore = true;
        continue;
      }
      this.tokens.push(this.scanToken(c, spaceBefore, newlineBefore));
      spaceBefore = false;
      newlineBefore = false;
    }
    this.tokens.push({
      kind: 'eof',
      text: '',
      value: '',
      offset: src.length,
      row: this.row,
      col: this.col,
      spaceBefore,
      newlineBefore,
    });
    return this.tokens;
  }

  /** Steps over one character (a surrogate pair counts as one column). */
  private advance(): void {
    const c = this.src.charCodeAt(this.pos);
    this.pos++;
    if (c === LF) {
      this.row++;
      this.col = 1;
      return;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = this.src.charCodeAt(this.pos);
      if (next >= 0xdc00 && next <= 0xdfff) this.pos++;
    }
    this.col++;
  }

  private scanToken(c: number, spaceBefore: boolean, newlineBefore: boolean): Token {
    const token: Token = {
      kind: 'illegal',
      text: '',
      value: '',
      offset: this.pos,
      row: this.row,
      col: this.col,
      spaceBefore,
      newlineBefore,
    };
    if (isLetter(c)) {
      this.scanIdentifier(token);
    } else if (isDigit(c)) {
      this.scanNumber(token);
    } else if (c === QUOTE) {
      this.scanString(token);
    } else if (c === BACKTICK) {
      this.scanRawString(token);
    } else {
      this.scanPunctuation(token, c);
    }
    token.text = this.src.slice(token.offset, this.pos);
    if (token.kind !== 'string') token.value = token.text;
    return token;
  }

  private scanIdentifier(token: Token): void {
    const src = this.src;
    const start = this.pos;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (!isLetter(c) && !isDigit(c)) break;
      this.pos++;
      this.col++;
    }
    const word = src.slice(start, this.pos);
    token.kind = KEYWORD_SET.has(word) ? (word as Keyword) : 'ident';
  }

  /** Numbers follow JSON's shape; a sign is a separate token that the parser folds in. */
  private scanNumber(token: Token): void {
    const src = this.src;
    token.kind = 'number';
    this.scanDigits();
    if (src.charCodeAt(this.pos) === 46 /* . */) {
      this.advance();
      if (this.scanDigits() === 0) token.problem = 'expected digits after the decimal point';
    }
    const e = src.charCodeAt(this.pos);
    if (e === 101 || e === 69 /* e E */) {
      this.advance();
      const sign = src.charCodeAt(this.pos);
      if (sign === 43 || sign === 45 /* + - */) this.advance();
      if (this.scanDigits() === 0) token.problem = 'expected digits in the exponent';
    }
    // `0a2b` is one bad number, not a number followed by a name.
    if (this.pos < src.length && isLetter(src.charCodeAt(this.pos))) {
      while (this.pos < src.length && (isLetter(src.charCodeAt(this.pos)) || isDigit(src.charCodeAt(this.pos)))) {
        this.advance();
      }
      token.problem = 'illegal number format';
    }
  }

  /** Steps over decimal digits (all ASCII, so one column each) and returns how many. */
  private scanDigits(): number {
    const start = this.pos;
    while (this.pos < this.src.length && isDigit(this.src.charCodeAt(this.pos))) this.pos++;
    this.col += this.pos - start;
    return this.pos - start;
  }

  /** A double-quoted string, decoded as JSON decodes it. */
  private scanString(token: Token): void {
    const src = this.src;
    token.kind = 'string';
    this.advance(); // opening quote
    let value = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= src.length || src.charCodeAt(this.pos) === LF) {
        value += src.slice(chunkStart, this.pos);
        token.problem ??= 'non-terminated string: a string must close with `"` on the same line';
        break;
      }
      const c = src.charCodeAt(this.pos);
      if (c === QUOTE) {
        value += src.slice(chunkStart, this.pos);
        this.advance();
        break;
      }
      if (c < 0x20) {
        token.problem ??= 'illegal string literal: control characters must be escaped (use \\t, \\n, ...)';
        this.advance();
        continue;
      }
      if (c !== BACKSLASH) {
        this.advance();
        continue;
      }
      value += src.slice(chunkStart, this.pos);
      this.advance(); // backslash
      value += this.scanEscape(token);
      chunkStart = this.pos;
    }
    token.value = value;
  }

  /** Decodes the escape after a backslash; a lone UTF-16 surrogate becomes U+FFFD, as Go's JSON decoder does. */
  private scanEscape(token: Token): string {
    const src = this.src;
    const c = src.charCodeAt(this.pos);
    const decoded = SIMPLE_ESCAPES[c];
    if (decoded !== undefined) {
      this.advance();
      return decoded;
    }
    if (c !== 117 /* u */) {
      token.problem ??= `illegal escape sequence \`\\${src[this.pos] ?? ''}\` in string`;
      return '';
    }
    this.advance();
    const unit = this.readHex4(token);
    if (unit === undefined) return '';
    if (unit >= 0xd800 && unit <= 0xdbff) {
      // A high surrogate is only meaningful with a `\uDC00`-`\uDFFF` right after it.
      if (src.charCodeAt(this.pos) === BACKSLASH && src.charCodeAt(this.pos + 1) === 117) {
        const save = { pos: this.pos, col: this.col };
        this.advance();
        this.advance();
        const low = this.readHex4(token);
        if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) return String.fromCharCode(unit, low);
        this.pos = save.pos;
        this.col = save.col;
      }
      return '\ufffd';
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return '\ufffd';
    return String.fromCharCode(unit);
  }

  private readHex4(token: Token): number | undefined {
    const src = this.src;
    for (let i = 0; i < 4; i++) {
      if (!isHexDigit(src.charCodeAt(this.pos + i))) {
        token.problem ??= 'illegal string literal: `\\u` must be followed by four hex digits';
        return undefined;
      }
    }
    const unit = Number.parseInt(src.slice(this.pos, this.pos + 4), 16);
    for (let i = 0; i < 4; i++) this.advance();
    return unit;
  }

  /** A backtick string: verbatim, may span lines, no escapes. */
  private scanRawString(token: Token): void {
    const src = this.src;
    token.kind = 'string';
    this.advance();
    const start = this.pos;
    while (this.pos < src.length && src.charCodeAt(this.pos) !== BACKTICK) this.advance();
    token.value = src.slice(start, this.pos);
    if (this.pos >= src.length) {
      token.problem = 'non-terminated raw string: missing closing backtick';
    } else {
      this.advance();
    }
  }

  private scanPunctuation(token: Token, c: number): void {
    const src = this.src;
    const next = src.charCodeAt(this.pos + 1);
    const two = src.slice(this.pos, this.pos + 2);
    if (two === ':=' || two === '==' || two === '!=' || two === '<=' || two === '>=') {
      token.kind = two;
      this.advance();
      this.advance();
      return;
    }
    const one = src[this.pos] ?? '';
    this.advance();
    if (PUNCTUATION_SET.has(one)) {
      token.kind = one as Punctuation;
      return;
    }
    token.kind = 'illegal';
    if (c === DOLLAR && (next === QUOTE || next === BACKTICK)) {
      token.problem = 'template strings (`$"..."`) are not supported';
    } else if (c === 0) {
      token.problem = 'illegal null character';
    } else if (one === '!') {
      token.problem = 'illegal `!` character: use `not` to negate an expression, or `!=` to compare';
    } else {
      token.problem = `illegal character \`${String.fromCodePoint(src.codePointAt(token.offset) ?? c)}\``;
    }
  }
}

import t from 'tap';
import { type Token, tokenize } from '../../../../proxy/policy/compiler/parse/lexer.js';

/* The lexer: kinds, positions, whitespace flags, decoded strings and the problems it leaves for the parser. */

function brief(tokens: Token[]): string[] {
  return tokens.map(
    (tok) => `${tok.kind}@${tok.row}:${tok.col}${tok.spaceBefore ? 's' : ''}${tok.newlineBefore ? 'n' : ''}`,
  );
}

t.test('tokens carry their kind, row and column', async (t) => {
  t.same(brief(tokenize('p := x[0]\n  if')), [
    'ident@1:1',
    ':=@1:3s',
    'ident@1:6s',
    '[@1:7',
    'number@1:8',
    ']@1:9',
    'if@2:3sn',
    'eof@2:5',
  ]);
});

t.test('comments count as whitespace and their line end as a new line', async (t) => {
  t.same(brief(tokenize('a # note\nb#x\n')), ['ident@1:1', 'ident@2:1sn', 'eof@3:1sn']);
});

t.test('every operator is one token', async (t) => {
  const kinds = tokenize(':= = == != < <= > >= + - * / % & | ; , : . ( ) [ ] { }').map((tok) => tok.kind);
  t.same(kinds, [
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
    ',',
    ':',
    '.',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    'eof',
  ]);
});

t.test('keywords are their own kinds and other words are names', async (t) => {
  const kinds = tokenize(
    'package import as default else if contains in every some not with true false null input _x x1',
  ).map((tok) => tok.kind);
  t.same(kinds.slice(0, 15), [
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
  ]);
  t.same(kinds.slice(15), ['ident', 'ident', 'ident', 'eof']);
});

const strings: { note: string; source: string; want: string }[] = [
  { note: 'plain text', source: '"abc"', want: 'abc' },
  { note: 'JSON escapes', source: String.raw`"\"\\\/\b\f\n\r\t"`, want: '"\\/\b\f\n\r\t' },
  { note: 'a BMP escape', source: String.raw`"\u00e9\u4e2d"`, want: 'é中' },
  { note: 'a surrogate pair', source: String.raw`"\ud83d\ude00"`, want: '😀' },
  { note: 'a lone high surrogate', source: String.raw`"\ud83dx"`, want: '\ufffdx' },
  { note: 'a lone low surrogate', source: String.raw`"\ude00"`, want: '\ufffd' },
  { note: 'literal non-ASCII', source: '"héllo 😀"', want: 'héllo 😀' },
  { note: 'a raw string across lines', source: '`a\\n\nb`', want: 'a\\n\nb' },
];

t.test('strings decode their escapes', async (t) => {
  for (const row of strings) {
    const [token] = tokenize(row.source);
    t.equal(token?.kind, 'string', row.note);
    t.equal(token?.value, row.want, row.note);
    t.equal(token?.problem, undefined, `${row.note}: no problem`);
  }
});

t.test('columns count characters, not UTF-16 units', async (t) => {
  t.same(brief(tokenize('"😀" x')), ['string@1:1', 'ident@1:5s', 'eof@1:6']);
});

t.test('a raw string advances the row', async (t) => {
  t.same(brief(tokenize('`a\nb` x')), ['string@1:1', 'ident@2:4s', 'eof@2:5']);
});

const problems: { note: string; source: string; want: string }[] = [
  { note: 'an unterminated string', source: '"abc\n', want: 'non-terminated string' },
  { note: 'a raw control character', source: '"a\tb"', want: 'control characters must be escaped' },
  { note: 'an unknown escape', source: '"\\x"', want: 'illegal escape sequence' },
  { note: 'a short unicode escape', source: '"\\u12g4"', want: 'four hex digits' },
  { note: 'an unterminated raw string', source: '`abc', want: 'non-terminated raw string' },
  { note: 'a number with a bare point', source: '1.', want: 'expected digits after the decimal point' },
  { note: 'a number with a bare exponent', source: '1e+', want: 'expected digits in the exponent' },
  { note: 'a number running into letters', source: '0a2b', want: 'illegal number format' },
  { note: 'a stray character', source: '@', want: 'illegal character `@`' },
  { note: 'a stray non-ASCII character', source: '😀', want: 'illegal character `😀`' },
  { note: 'a NUL', source: '\0', want: 'illegal null character' },
];

t.test('unreadable tokens carry a problem for the parser to report', async (t) => {
  for (const row of problems) {
    const [token] = tokenize(row.source);
    t.match(token?.problem ?? '', row.want, row.note);
  }
});

t.test('a byte-order mark at the start is skipped', async (t) => {
  t.same(brief(tokenize('\ufeffpackage a')), ['package@1:1', 'ident@1:9s', 'eof@1:10']);
});

import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';

t.test('glob.match follows gobwas/glob with OPA delimiters', async (t) => {
  const rows: [string, unknown, string, boolean][] = [
    ['*.github.com', ['.'], 'api.github.com', true],
    ['api.**.com', ['.'], 'api.github.com', true],
    ['api.**.com', ['.'], 'api.cdn.github.com', true],
    ['*:github:com', [':'], 'api:github:com', true],
    ['*.github.com', ['.'], 'api.not-github.com', false],
    ['[abc]at', [], 'cat', true],
    ['[abc]at', [], 'fat', false],
    ['[!abc]at', [], 'fat', true],
    ['[!abc]at', [], 'cat', false],
    ['[a-c]at', [], 'bat', true],
    ['[!a-c]at', [], 'bat', false],
    ['?at', [], 'fat', true],
    ['?at', ['f'], 'bat', true],
    ['?at', ['f'], 'fat', false],
    ['{cat,bat,[fr]at}', [], 'rat', true],
    ['{cat,bat,[fr]at}', [], 'at', false],
    ['*', ['.'], 'foo', true],
    ['*', [], 'foo.bar', false],
    ['*', null, 'foo.bar', true],
    ['arn:aws:iam::*:role/*', [':', '/'], 'arn:aws:iam::123456789012:role/app', true],
    ['arn:aws:iam::*:role/*', [':', '/'], 'arn:aws:iam::123456789012:role/a/b', false],
    ['a\\*b', null, 'a*b', true],
    ['a\\*b', null, 'axb', false],
  ];
  for (const [pattern, delimiters, subject, want] of rows) {
    t.equal(
      value('glob.match', [pattern, delimiters, subject]),
      want,
      `${pattern} ${JSON.stringify(delimiters)} ${subject}`,
    );
  }
});

t.test('glob.match errors', async (t) => {
  t.same(call('glob.match', ['[abc', [], 'a']), { defined: false }, 'an unclosed bracket');
  t.same(call('glob.match', ['{a,b', [], 'a']), { defined: false }, 'unclosed alternatives');
  t.throws(() => strict('glob.match', ['*', 'x', 'a']), /operand 2 must be one of \{array, null\}/);
  t.throws(() => strict('glob.match', ['*', ['ab'], 'a']), /glob.match/);
});

t.test('glob.quote_meta escapes glob syntax', async (t) => {
  t.equal(value('glob.quote_meta', ['*.github.com']), '\\*.github.com');
  t.equal(value('glob.quote_meta', ['[a]{b}?\\']), '\\[a\\]\\{b\\}\\?\\\\');
});

import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';

t.test('regex.match follows RE2 syntax and unanchored search', async (t) => {
  const rows: [string, string, boolean][] = [
    ['^a.c$', 'abc', true],
    ['a.c', 'xxabcxx', true],
    ['(?i)^ABC$', 'abc', true],
    ['^a.c$', 'a\nc', false], // `.` does not match a newline without (?s)
    ['(?s)^a.c$', 'a\nc', true],
    ['^\\s$', '\u00a0', false], // RE2's \s is ASCII only
    ['^[[:alpha:]]+$', 'abcXYZ', true],
    ['^\\pL+$', 'héllo', true],
    ['^\\p{Greek}+$', 'αβγ', true],
    ['\\Aab\\z', 'ab', true],
    ['^(?P<word>\\w+)$', 'word', true],
    ['^\\Q.*\\E$', '.*', true],
    ['^\\x41\\x{42}$', 'AB', true],
    ['a{2,3}', 'aa', true],
    ['^a$', 'A', false],
    ['(?i:a)b', 'Ab', true],
    ['(?i:a)b', 'AB', false],
    ['(?m)^b$', 'a\nb\nc', true],
    ['^b$', 'a\nb\nc', false],
  ];
  for (const [pattern, subject, want] of rows)
    t.equal(value('regex.match', [pattern, subject]), want, `${pattern} ~ ${JSON.stringify(subject)}`);
});

t.test('regex.is_valid rejects what RE2 rejects', async (t) => {
  for (const pattern of ['(?=x)', '(?!x)', '\\1', 'a{1001}', '(', '[a', 'a**', '*a', '\\p{NotAScript}']) {
    t.equal(value('regex.is_valid', [pattern]), false, pattern);
  }
  for (const pattern of ['a|b', '[a-z]+', '(?i)x', '\\d{3}-\\d{4}', '[^\\]]', '\\.', 'x{2,}']) {
    t.equal(value('regex.is_valid', [pattern]), true, pattern);
  }
  t.equal(value('regex.is_valid', [5]), false, 'a non-string is not a valid pattern');
});

t.test('an invalid pattern makes regex.match undefined, an error in strict mode', async (t) => {
  t.same(call('regex.match', ['(', 'x']), { defined: false });
  t.throws(() => strict('regex.match', ['(', 'x']), /regex.match: error parsing regexp/);
});

t.test('regex.find_n and regex.find_all_string_submatch_n iterate as Go does', async (t) => {
  t.same(value('regex.find_n', ['a.', 'paranormal', -1]), ['ar', 'an', 'al']);
  t.same(value('regex.find_n', ['a.', 'paranormal', 2]), ['ar', 'an']);
  t.same(value('regex.find_n', ['bork', 'paranormal', -1]), []);
  t.same(value('regex.find_n', ['a*', 'baaac', -1]), ['', 'aaa', ''], 'no empty match right after a match');
  t.same(value('regex.find_all_string_submatch_n', ['a(x*)b', '-ab-axb-', -1]), [
    ['ab', ''],
    ['axb', 'x'],
  ]);
  t.same(value('regex.find_all_string_submatch_n', ['[^aouiye]([aouiye])([^aouiye])?', 'somestri', -1]), [
    ['som', 'o', 'm'],
    ['ri', 'i', ''],
  ]);
});

t.test('regex.replace expands $1, braced names and $$', async (t) => {
  t.equal(value('regex.replace', ['-wy-wxxy-', 'w(x*)y', '0']), '-0-0-');
  t.equal(value('regex.replace', ['foo', '(foo)', '$1$1']), 'foofoo');
  t.equal(value('regex.replace', ['ab', '(?P<x>a)', '$' + '{x}-$$']), 'a-$b');
  t.equal(value('regex.replace', ['abc', 'x*', '-']), '-a-b-c-');
});

t.test('regex.split splits as Go does', async (t) => {
  t.same(value('regex.split', ['z+', 'pizza']), ['pi', 'a']);
  t.same(value('regex.split', ['^[a-z]+\\[[0-9]+\\]$', '']), ['']);
  t.same(value('regex.split', [',', 'a,b,,c']), ['a', 'b', '', 'c']);
});

t.test('regex.template_match matches delimited regular expressions', async (t) => {
  t.equal(value('regex.template_match', ['urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}']), true);
  t.equal(value('regex.template_match', ['urn:foo:<.*>', 'urn:foo:bar:baz', '<', '>']), true);
  t.equal(value('regex.template_match', ['urn:foo.bar:<[a-z]+>', 'urn:fooXbar:baz', '<', '>']), false);
  t.same(call('regex.template_match', ['urn:{', 'x', '{', '}']), { defined: false });
});

t.test('regex.globs_match decides whether two globs share a string', async (t) => {
  t.equal(value('regex.globs_match', ['a.a.[0-9]+z', '.b.b2359825792*594823z']), true);
  t.equal(value('regex.globs_match', ['[a-z]+', '[0-9]*']), false);
  t.equal(value('regex.globs_match', ['b.*', 'bar']), true);
  t.equal(value('regex.globs_match', ['[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]']), true);
  t.equal(value('regex.globs_match', ['[a-z]+\\[[0-9]+\\]', 'foo["bar"]']), false);
  t.throws(() => strict('regex.globs_match', ['pqrs]', '[a-b]+']), /set-close/);
});

t.test('re_match is regex.match', async (t) => {
  t.equal(value('re_match', ['^x', 'xy']), true);
});

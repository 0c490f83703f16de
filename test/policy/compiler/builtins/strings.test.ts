import t from 'tap';
import { call, set, strict, typed, value } from './fixtures/call-host.js';

t.test('strings.any_prefix_match and strings.any_suffix_match', async (t) => {
  const rows: [unknown, unknown, boolean][] = [
    [['a/b/c', 'a/b/d', 'e/f/g'], ['a/', 'd/'], true],
    [['a/b/c', 'a/b/d', 'e/f/g'], ['f/', 'd/'], false],
    [['aa/bb/cc'], ['a/b', 'e/f'], false],
    [[], ['a/b'], false],
    [['a/b/c'], [], false],
    [['a/b/c'], 'a/', true],
    ['a/b/c', ['a/', 'd/'], true],
  ];
  for (const [strings, prefixes, want] of rows) {
    t.equal(value('strings.any_prefix_match', [strings, prefixes]), want, JSON.stringify([strings, prefixes]));
  }
  t.equal(value('strings.any_suffix_match', [['a/b/c', 'x.y'], ['.y']]), true);
  t.equal(value('strings.any_suffix_match', ['héllo', 'lo']), true);
  t.equal(value('strings.any_suffix_match', ['héllo', ['é']]), false);
  const fromSets = typed('strings.any_prefix_match', [set('x/1'), set('x/')]);
  t.equal(fromSets.defined && fromSets.value, true);
  t.throws(
    () => strict('strings.any_prefix_match', [1, 'a']),
    /operand 1 must be one of \{array, set, string\} but got number/,
  );
});

t.test('strings.count, strings.reverse, indexof_n', async (t) => {
  t.equal(value('strings.count', ['cheese', 'e']), 3);
  t.equal(value('strings.count', ['five', '']), 5);
  t.equal(value('strings.count', ['aaaa', 'aa']), 2);
  t.equal(value('strings.reverse', ['héllo']), 'olléh');
  t.same(value('indexof_n', ['sad book', 'o']), [5, 6]);
  t.same(value('indexof_n', ['aaa', 'aa']), [0, 1]);
  t.same(value('indexof_n', ['héé', 'é']), [1, 2]);
  t.same(call('indexof_n', ['x', '']), { defined: false });
});

t.test('strings.replace_n replaces in key order, first match wins', async (t) => {
  t.equal(
    value('strings.replace_n', [{ '<': '&lt;', '>': '&gt;' }, 'This is <b>HTML</b>!']),
    'This is &lt;b&gt;HTML&lt;/b&gt;!',
  );
  t.equal(value('strings.replace_n', [{ f: 'x', foo: 'xxx' }, 'foobar']), 'xoobar');
  t.equal(value('strings.replace_n', [{ foo: 'xxx', f: 'x' }, 'foo']), 'xoo');
  t.equal(value('strings.replace_n', [{ old1: 'new1' }, 'Everything is new1']), 'Everything is new1');
  t.throws(() => strict('strings.replace_n', [{ a: 1 }, 'a']), /non-string value found in pattern object/);
});

t.test('strings.render_template renders Go text/template', async (t) => {
  t.equal(value('strings.render_template', ['{{.test}}', { test: 'hello world' }]), 'hello world');
  t.equal(value('strings.render_template', ['{{.test}}', { test: 2023 }]), '2023');
  t.equal(value('strings.render_template', ['{{.n}}', { n: 1234567 }]), '1.234567e+06', 'numbers are float64 in Go');
  t.equal(
    value('strings.render_template', [
      '{{range .xs}}[{{.}}]{{end}}{{if .ok}}yes{{else}}no{{end}}',
      { xs: ['a', 1], ok: false },
    ]),
    '[a][1]no',
  );
  t.equal(value('strings.render_template', ['{{ .a.b -}}  !', { a: { b: 'x' } }]), 'x!');
  t.equal(
    value('strings.render_template', ['{{.m}} {{.l}} {{.z}}', { m: { b: 1, a: 'x' }, l: [true, null], z: null }]),
    'map[a:x b:1] [true <nil>] <no value>',
  );
  t.same(call('strings.render_template', ['{{.missing}}', {}]), { defined: false }, 'missing keys are errors');
  t.throws(() => call('strings.render_template', ['{{printf "%d" 1}}', {}]), /not supported on the host/);
});

t.test('string built-ins the runtime also has natively', async (t) => {
  t.equal(value('indexof', ['héllo', 'l']), 2);
  t.equal(value('indexof', ['abc', 'z']), -1);
  t.equal(value('substring', ['héllo', 1, 3]), 'éll');
  t.equal(value('substring', ['abc', 1, -1]), 'bc');
  t.equal(value('substring', ['abc', 5, 1]), '');
  t.same(call('substring', ['abc', -1, 1]), { defined: false });
  t.equal(value('contains', ['abc', 'b']), true);
  t.equal(value('startswith', ['abc', 'ab']), true);
  t.equal(value('endswith', ['abc', 'bc']), true);
  t.equal(value('lower', ['ÀBC']), 'àbc');
  t.equal(value('upper', ['straße']), 'STRAßE', 'ß has no one-character upper case, as in Go');
  t.same(value('split', ['a,b,,c', ',']), ['a', 'b', '', 'c']);
  t.same(value('split', ['héj', '']), ['h', 'é', 'j']);
  t.equal(value('replace', ['a.b.c', '.', '$&']), 'a$&b$&c');
  t.equal(value('replace', ['ab', '', '-']), '-a-b-');
  t.equal(value('trim', ['xxaxx', 'x']), 'a');
  t.equal(value('trim_left', ['xxaxx', 'x']), 'axx');
  t.equal(value('trim_right', ['xxaxx', 'x']), 'xxa');
  t.equal(value('trim_prefix', ['xxaxx', 'x']), 'xaxx');
  t.equal(value('trim_suffix', ['xxaxx', 'x']), 'xxax');
  t.equal(value('trim_space', ['\t a \n\u00a0']), 'a');
  t.equal(value('trim_space', ['\ufeffa']), '\ufeffa', 'a BOM is not space to Go');
  t.equal(value('concat', ['/', ['a', 'b']]), 'a/b');
  t.equal(value('format_int', [255, 16]), 'ff');
  t.equal(value('format_int', [-5.9, 2]), '-101');
  t.same(call('format_int', [1, 3]), { defined: false });
});

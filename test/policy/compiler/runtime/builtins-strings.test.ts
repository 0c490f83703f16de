import t, { type Test } from 'tap';
import { type BuiltinRow, checkBuiltins, instantiate, RuntimeAbort } from './runtime-harness.js';

const rt = instantiate();
const check = (t: Test, rows: BuiltinRow[]) => checkBuiltins(t, rt, rows);

t.test('concat joins arrays and sets of strings', async (t) => {
  check(t, [
    [['concat', '","', '["a","b","c"]'], '"a,b,c"'],
    [['concat', '"--"', '{"b","a"}'], '"a--b"'],
    [['concat', '","', '[]'], '""'],
    [['concat', '","', '["only"]'], '"only"'],
    [['concat', '","', '["a",1]'], undefined],
    [['concat', '1', '["a"]'], undefined],
  ]);
});

t.test('contains, startswith, endswith match bytes', async (t) => {
  check(t, [
    [['contains', '"hello"', '"ell"'], 'true'],
    [['contains', '"hello"', '""'], 'true'],
    [['contains', '"hello"', '"xyz"'], 'false'],
    [['startswith', '"hello"', '"he"'], 'true'],
    [['startswith', '"he"', '"hello"'], 'false'],
    [['endswith', '"hello"', '"llo"'], 'true'],
    [['endswith', '"héllo"', '"éllo"'], 'true'],
    [['strings.any_prefix_match', '["a/b","c/d"]', '{"c/"}'], 'true'],
    [['strings.any_suffix_match', '"a/b"', '["/c"]'], 'false'],
  ]);
});

t.test('indexof and indexof_n count code points', async (t) => {
  check(t, [
    [['indexof', '"hello"', '"l"'], '2'],
    [['indexof', '"héllo"', '"l"'], '2'],
    [['indexof', '"日本語"', '"語"'], '2'],
    [['indexof', '"abc"', '"x"'], '-1'],
    [['indexof', '"abc"', '""'], undefined],
    [['indexof_n', '"aaaa"', '"aa"'], '[0,1,2]'],
    [['indexof_n', '"ééé"', '"é"'], '[0,1,2]'],
    [['indexof_n', '"abc"', '"x"'], '[]'],
    [['strings.count', '"cheese"', '"e"'], '3'],
    [['strings.count', '"five"', '""'], '5'],
    [['strings.count', '"aaaa"', '"aa"'], '2'],
  ]);
});

t.test('lower and upper follow Go simple case mapping', async (t) => {
  check(t, [
    [['lower', '"HeLLo"'], '"hello"'],
    [['upper', '"HeLLo"'], '"HELLO"'],
    [['lower', '"ÀÉÎÕÜ ÇÑ"'], '"àéîõü çñ"'],
    [['upper', '"àéîõü çñ ÿ"'], '"ÀÉÎÕÜ ÇÑ Ÿ"'],
    [['upper', '"straße"'], '"STRAßE"'],
    [['upper', '"µ"'], '"Μ"'],
    [['lower', '"İ"'], '"i"'],
    [['upper', '"ı"'], '"I"'],
    [['lower', '"ΑΒΓ Ά"'], '"αβγ ά"'],
    [['upper', '"ς"'], '"Σ"'],
    [['lower', '"ПРИВЕТ Ё"'], '"привет ё"'],
    [['upper', '"ąčę"'], '"ĄČĘ"'],
    [['lower', '"日本 😀"'], '"日本 😀"'],
    [['upper', '"ＡＢｃ"'], '"ＡＢＣ"'],
  ]);
  t.throws(() => rt.builtin('lower', '"Ǆ"'), RuntimeAbort, 'a letter the table does not know aborts');
});

t.test('split follows Go strings.Split', async (t) => {
  check(t, [
    [['split', '"a,b,,c"', '","'], '["a","b","","c"]'],
    [['split', '",a,"', '","'], '["","a",""]'],
    [['split', '"abc"', '"x"'], '["abc"]'],
    [['split', '""', '","'], '[""]'],
    [['split', '"héllo"', '""'], '["h","é","l","l","o"]'],
    [['split', '""', '""'], '[]'],
    [['split', '"a::b::c"', '"::"'], '["a","b","c"]'],
  ]);
});

t.test('replace and strings.replace_n replace left to right without overlap', async (t) => {
  check(t, [
    [['replace', '"aaaa"', '"aa"', '"b"'], '"bb"'],
    [['replace', '"hello"', '"l"', '"LL"'], '"heLLLLo"'],
    [['replace', '"hello"', '"x"', '"y"'], '"hello"'],
    [['replace', '"ab"', '""', '"-"'], '"-a-b-"'],
    [['strings.replace_n', '{"<": "&lt;", ">": "&gt;"}', '"<b>x</b>"'], '"&lt;b&gt;x&lt;/b&gt;"'],
    [['strings.replace_n', '{"f": "x", "foo": "xxx"}', '"foobar"'], '"xoobar"'],
    [['strings.replace_n', '{2: "x"}', '"foo"'], undefined],
  ]);
});

t.test('trim functions remove code points in a cutset, prefixes, suffixes and white space', async (t) => {
  check(t, [
    [['trim', '"xxhixx"', '"x"'], '"hi"'],
    [['trim', '"éhié"', '"é"'], '"hi"'],
    [['trim', '"abc"', '""'], '"abc"'],
    [['trim_left', '"xxhixx"', '"x"'], '"hixx"'],
    [['trim_right', '"xxhixx"', '"x"'], '"xxhi"'],
    [['trim_right', '"hi日日"', '"日"'], '"hi"'],
    [['trim_prefix', '"foobar"', '"foo"'], '"bar"'],
    [['trim_prefix', '"foobar"', '"bar"'], '"foobar"'],
    [['trim_suffix', '"foobar"', '"bar"'], '"foo"'],
    [['trim_space', '"  \\t hi \\n "'], '"hi"'],
    [['trim_space', '"\\u00a0\\u3000hi\\u2029"'], '"hi"'],
    [['trim_space', '"   "'], '""'],
  ]);
});

t.test('substring counts code points', async (t) => {
  check(t, [
    [['substring', '"abcdefgh"', '2', '3'], '"cde"'],
    [['substring', '"åäö"', '0', '2'], '"åä"'],
    [['substring', '"aåäö"', '2', '-1'], '"äö"'],
    [['substring', '"abc"', '1', '100'], '"bc"'],
    [['substring', '"abc"', '5', '1'], '""'],
    [['substring', '"abc"', '-1', '1'], undefined],
    [['substring', '"abc"', '1.0', '1'], undefined],
  ]);
});

t.test('strings.reverse reverses code points', async (t) => {
  check(t, [
    [['strings.reverse', '"abc"'], '"cba"'],
    [['strings.reverse', '"héllo 😀"'], '"😀 olléh"'],
    [['strings.reverse', '""'], '""'],
  ]);
});

t.test('format_int formats the integer part in bases 2, 8, 10, 16', async (t) => {
  check(t, [
    [['format_int', '255', '16'], '"ff"'],
    [['format_int', '255', '2'], '"11111111"'],
    [['format_int', '8', '8'], '"10"'],
    [['format_int', '-15.9', '10'], '"-15"'],
    [['format_int', '15.5', '16'], '"f"'],
    [['format_int', '1', '3'], undefined],
    [['format_int', '1', '10.0'], undefined],
    [['format_int', '"1"', '10'], undefined],
  ]);
});

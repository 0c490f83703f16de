import t from 'tap';
import { parseXml, type XmlListNames } from '../../proxy/decode/format/xml.js';
import type { JsonValue } from '../../proxy/decode/index.js';

const lists: XmlListNames = { wrapped: new Set(['TagSet']), flat: new Set(['Object']) };

const cases: { note: string; xml: string; root: string; want: JsonValue }[] = [
  { note: 'text element', xml: '<A>x</A>', root: 'A', want: 'x' },
  { note: 'empty element', xml: '<A/>', root: 'A', want: '' },
  {
    note: 'declaration, comments and whitespace',
    xml: '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><A><B>1</B><!-- c --></A>\n',
    root: 'A',
    want: { B: '1' },
  },
  { note: 'byte order mark', xml: '\ufeff<A>x</A>', root: 'A', want: 'x' },
  {
    note: 'namespaces reduced to local names',
    xml: '<s3:A xmlns:s3="urn:x"><s3:B>1</s3:B></s3:A>',
    root: 'A',
    want: { B: '1' },
  },
  { note: 'repeated elements become arrays', xml: '<A><B>1</B><B>2</B></A>', root: 'A', want: { B: ['1', '2'] } },
  {
    note: 'wrapped list with one item',
    xml: '<A><TagSet><Tag><Key>k</Key></Tag></TagSet></A>',
    root: 'A',
    want: { TagSet: [{ Key: 'k' }] },
  },
  { note: 'empty wrapped list', xml: '<A><TagSet/></A>', root: 'A', want: { TagSet: [] } },
  {
    note: 'flat list with one item',
    xml: '<A><Object><Key>k</Key></Object></A>',
    root: 'A',
    want: { Object: [{ Key: 'k' }] },
  },
  { note: 'entities', xml: '<A>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</A>', root: 'A', want: '<>&"\'AB😀' },
  { note: 'CDATA', xml: '<A><![CDATA[<not markup> & ]]></A>', root: 'A', want: '<not markup> & ' },
  { note: 'whitespace in text kept', xml: '<A> a b </A>', root: 'A', want: ' a b ' },
  {
    note: 'xsi:type kept as Type',
    xml: '<G xmlns:xsi="x" xsi:type="CanonicalUser"><ID>1</ID></G>',
    root: 'G',
    want: { ID: '1', Type: 'CanonicalUser' },
  },
  { note: 'attributes otherwise dropped', xml: '<A b=\'1\' c="2">x</A>', root: 'A', want: 'x' },
];

t.test('parses XML bodies into JSON values', async (t) => {
  for (const c of cases) t.same(parseXml(c.xml, lists), { root: c.root, value: c.want }, c.note);
});

const malformed: { note: string; xml: string }[] = [
  { note: 'empty', xml: '' },
  { note: 'text only', xml: 'hello' },
  { note: 'unclosed element', xml: '<A><B>1</B>' },
  { note: 'mismatched close tag', xml: '<A></B>' },
  { note: 'two roots', xml: '<A/><B/>' },
  { note: 'text after the root', xml: '<A/>x' },
  { note: 'DOCTYPE', xml: '<!DOCTYPE A><A/>' },
  { note: 'entity declaration (billion laughs)', xml: '<!DOCTYPE lolz [<!ENTITY lol "lol">]><A>&lol;</A>' },
  { note: 'declaration inside an element', xml: '<A><!ENTITY x "y"></A>' },
  { note: 'unknown entity', xml: '<A>&nbsp;</A>' },
  { note: 'unterminated entity', xml: '<A>&amp</A>' },
  { note: 'bare ampersand', xml: '<A>a & b</A>' },
  { note: 'invalid character reference', xml: '<A>&#xD800;</A>' },
  { note: 'unquoted attribute', xml: '<A b=1/>' },
  { note: 'attribute without value', xml: '<A b/>' },
  { note: 'unterminated comment', xml: '<A><!-- x</A>' },
  { note: 'unterminated CDATA', xml: '<A><![CDATA[x</A>' },
  { note: 'unterminated start tag', xml: '<A' },
  { note: 'nesting bomb', xml: `${'<A>'.repeat(1000)}${'</A>'.repeat(1000)}` },
];

t.test('refuses malformed XML with a DecodeError', async (t) => {
  for (const c of malformed)
    t.throws(() => parseXml(c.xml, lists), { name: 'DecodeError', reason: 'malformed-request' }, c.note);
});

import t from 'tap';
import {
  escapedPath,
  fromByteString,
  GoUrlError,
  parseUrl,
  resolveReference,
  toByteString,
  urlString,
} from '../../../../proxy/policy/compiler/builtins/host/go-url.js';

const parseError = (raw: string): string => {
  try {
    parseUrl(raw);
    return 'no error';
  } catch (error) {
    if (!(error instanceof GoUrlError)) throw error;
    return error.message;
  }
};

t.test('text crosses into byte strings as UTF-8 and back as Go reads it', async (t) => {
  t.equal(toByteString('é€'), '\xc3\xa9\xe2\x82\xac');
  t.equal(fromByteString('\xc3\xa9\xe2\x82\xac'), 'é€');
  t.equal(fromByteString('a\xe2\x82b'), 'a\ufffd\ufffdb', 'one U+FFFD per byte of an invalid sequence');
  t.equal(toByteString('\ud800'), '\xef\xbf\xbd', 'an unpaired surrogate is U+FFFD');
});

t.test('unescaping keeps the bytes Go keeps, valid UTF-8 or not', async (t) => {
  const host = parseUrl('http://%ff/');
  t.equal(host.host, '\xff');
  t.equal(urlString(host), 'http://%FF/');
  const path = parseUrl('http://h/%e2%82');
  t.equal(path.path, '/\xe2\x82');
  t.equal(path.rawPath, '/%e2%82', 'lower-case escapes differ from the default escaping');
  t.equal(escapedPath(path), '/%e2%82');
  const text = parseUrl(toByteString('http://h/é?q=€#%C3%A9'));
  t.equal(fromByteString(text.path), '/é');
  t.equal(escapedPath(text), '/%C3%A9');
  t.equal(fromByteString(text.rawQuery), 'q=€');
  t.equal(fromByteString(text.fragment), 'é');
  t.equal(fromByteString(urlString(text)), 'http://h/%C3%A9?q=€#%C3%A9');
});

t.test('parse errors carry Go messages, bytes quoted as strconv.Quote does', async (t) => {
  t.equal(parseError('%zz'), 'parse "%zz": invalid URL escape "%zz"');
  t.equal(parseError(toByteString('%1é')), 'parse "%1é": invalid URL escape "%1\\xc3"');
  t.equal(parseError('http://[::1'), `parse "http://[::1": missing ']' in host`);
  t.equal(parseError('http://h:8a/'), 'parse "http://h:8a/": invalid port ":8a" after host');
  t.equal(parseError('http://%41/'), 'parse "http://%41/": invalid URL escape "%41"');
  t.equal(parseError('http://a b/'), 'parse "http://a b/": invalid character " " in host name');
  t.equal(parseError(':x'), 'parse ":x": missing protocol scheme');
  t.equal(parseError('1a:b'), 'parse "1a:b": first path segment in URL cannot contain colon');
  t.equal(parseError('a\x7fb'), 'parse "a\\x7fb": net/url: invalid control character in URL');
  t.equal(parseError('http://h/#%zz'), 'parse "http://h/#%zz": invalid URL escape "%zz"');
  t.equal(parseError('http://u[@h/'), 'parse "http://u[@h/": net/url: invalid userinfo');
});

t.test('urlString writes what parseUrl read', async (t) => {
  for (const raw of [
    'http://user:p%40ss@h:8080/a%2Fb?x=1#f',
    'mailto:someone@example.com',
    'http://[fe80::1%25en0]/',
    '/rel/path?',
    '*',
    'file:///etc/hosts',
  ]) {
    t.equal(urlString(parseUrl(raw)), raw, raw);
  }
  t.equal(urlString(parseUrl('./a:b')), './a:b', 'a colon in the first segment keeps its "./"');
});

t.test('resolveReference follows RFC 3986 §5.4', async (t) => {
  const base = parseUrl('http://a/b/c/d;p?q');
  const rows: [string, string][] = [
    ['g', 'http://a/b/c/g'],
    ['./g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['', 'http://a/b/c/d;p?q'],
    ['../..', 'http://a/'],
    ['../../../g', 'http://a/g'],
    ['g;x=1/../y', 'http://a/b/c/y'],
  ];
  for (const [ref, want] of rows)
    t.equal(urlString(resolveReference(base, parseUrl(ref))), want, ref === '' ? '(empty)' : ref);
});

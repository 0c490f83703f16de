import t from 'tap';
import { call, set, strict, typed, value } from './fixtures/call-host.js';

t.test('hashes and HMACs are hex digests of UTF-8 bytes', async (t) => {
  t.equal(value('crypto.md5', ['abc']), '900150983cd24fb0d6963f7d28e17f72');
  t.equal(value('crypto.sha1', ['abc']), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  t.equal(value('crypto.sha256', ['abc']), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(value('crypto.hmac.md5', ['foo', 'bar']), '31b6db9e5eb4addb42f1a6ca07367adc');
  t.equal(value('crypto.hmac.sha1', ['foo', 'bar']), '85d155c55ed286a300bd1cf124de08d87e914f3a');
  t.equal(
    value('crypto.hmac.sha256', ['foo', 'bar']),
    '147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851',
  );
  t.equal(
    value('crypto.hmac.sha512', ['foo', 'bar']),
    '24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8',
  );
  t.equal(value('crypto.hmac.equal', ['abc', 'abc']), true);
  t.equal(value('crypto.hmac.equal', ['abc', 'abd']), false);
  t.equal(value('crypto.hmac.equal', ['abc', 'abcd']), false);
});

t.test('base64 decodes strictly, as Go', async (t) => {
  t.equal(value('base64.encode', ['subjects?_d']), 'c3ViamVjdHM/X2Q=');
  t.equal(value('base64.decode', ['c3ViamVjdHM/X2Q=']), 'subjects?_d');
  t.same(call('base64.decode', ['aGVsbG8']), { defined: false }, 'padding is required');
  t.equal(value('base64.is_valid', ['aGVsbG8=']), true);
  t.equal(value('base64.is_valid', ["{'not':'base64'}"]), false);
  t.equal(value('base64url.encode', ['hello']), 'aGVsbG8=');
  t.equal(value('base64url.encode_no_pad', ['there']), 'dGhlcmU');
  t.equal(value('base64url.decode', ['aGVsbG8']), 'hello');
  t.equal(value('base64url.decode', ['aGVsbG8=']), 'hello');
  t.equal((value('base64.decode', ['2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=']) as string).length > 0, true);
  t.equal(
    [...(value('base64.decode', ['/w==']) as string)].length,
    1,
    'an invalid byte is one U+FFFD, as Go counts it',
  );
});

t.test('hex', async (t) => {
  t.equal(value('hex.encode', ['lorem ipsum']), '6c6f72656d20697073756d');
  t.equal(value('hex.decode', ['6c6f72656d20697073756d']), 'lorem ipsum');
  t.throws(() => strict('hex.decode', ['fghijkl']), /invalid byte: U\+0067 'g'/);
  t.throws(() => strict('hex.decode', ['abc']), /odd length/);
});

t.test('urlquery escapes as Go net/url', async (t) => {
  t.equal(value('urlquery.encode', ['a b&c=d/é~']), 'a+b%26c%3Dd%2F%C3%A9~');
  t.equal(value('urlquery.encode', ['']), '');
  t.equal(value('urlquery.decode', ['a+b%26c%3Dd%2F%C3%A9~']), 'a b&c=d/é~');
  t.same(call('urlquery.decode', ['%zz']), { defined: false });
  t.equal(value('urlquery.encode_object', [{ a: 'c=b+1' }]), 'a=c%3Db%2B1');
  t.equal(value('urlquery.encode_object', [{ b: ['b+1', 'c+2'], a: 'x' }]), 'a=x&b=b%2B1&b=c%2B2');
  const fromSet = typed('urlquery.encode_object', [{ a: set('b+1') }]);
  t.equal(fromSet.defined && fromSet.value, 'a=b%2B1');
  t.same(value('urlquery.decode_object', ['a=value_a1&b=value_b&a=value_a2']), {
    a: ['value_a1', 'value_a2'],
    b: ['value_b'],
  });
  t.same(value('urlquery.decode_object', ['a=value_a1&b']), { a: ['value_a1'], b: [''] });
  t.same(value('urlquery.decode_object', ['']), {});
});

t.test('json.is_valid and json.marshal_with_options', async (t) => {
  t.equal(value('json.is_valid', ['{"a": [1, 2]}']), true);
  t.equal(value('json.is_valid', ['{a: 1}']), false);
  t.equal(value('json.is_valid', [1]), false);
  const numbers = [1234567890, 2000000, 1000000000];
  t.equal(
    value('json.marshal_with_options', [numbers, { indent: '  ' }]),
    '[\n  1234567890,\n  2000000,\n  1000000000\n]',
  );
  t.equal(value('json.marshal_with_options', [numbers, {}]), '[1234567890,2000000,1000000000]');
  t.equal(
    value('json.marshal_with_options', [numbers, { pretty: true }]),
    '[\n\t1234567890,\n\t2000000,\n\t1000000000\n]',
  );
  t.equal(value('json.marshal_with_options', [[], { indent: '    ', prefix: '---' }]), '---[]');
  t.equal(
    value('json.marshal_with_options', [
      { b: '<&>', a: [] },
      { pretty: false, indent: 'x' },
    ]),
    '{"a":[],"b":"\\u003c\\u0026\\u003e"}',
  );
  t.throws(
    () => strict('json.marshal_with_options', [[], { include_winning_lottery_numbers: true }]),
    /object contained unknown key/,
  );
});

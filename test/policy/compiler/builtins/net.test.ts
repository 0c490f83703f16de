import t from 'tap';
import { call, set, strict, typed, value } from './fixtures/call-host.js';

t.test('net.cidr_contains takes an address or a network', async (t) => {
  const rows: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['192.168.1.0/24', '192.168.1.255', true],
    ['2001:db8::/32', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['0.0.0.0/0', '1.2.3.4', true],
  ];
  for (const [cidr, candidate, want] of rows)
    t.equal(value('net.cidr_contains', [cidr, candidate]), want, `${cidr} ∋ ${candidate}`);
  t.same(call('net.cidr_contains', ['10.0.0.0/8', 'nope']), { defined: false });
  t.throws(() => strict('net.cidr_contains', ['10.0.0.0/8', 'nope']), /not a valid textual representation/);
  t.throws(() => strict('net.cidr_contains', ['10.0.0.0/33', '10.0.0.1']), /invalid CIDR address/);
  t.equal(value('net.cidr_overlap', ['10.0.0.0/8', '10.1.2.3']), true);
});

t.test('net.cidr_intersects', async (t) => {
  t.equal(value('net.cidr_intersects', ['192.168.1.0/25', '192.168.1.64/25']), true);
  t.equal(value('net.cidr_intersects', ['192.168.1.0/25', '192.168.1.128/25']), false);
  t.equal(value('net.cidr_intersects', ['fd1e:5bfe:8af3:9ddc::/64', '2001:4860:4860::8888/32']), false);
  t.same(call('net.cidr_intersects', ['192.168.1.0/28', 'not-a-cidr']), { defined: false });
});

t.test('net.cidr_is_valid', async (t) => {
  for (const [cidr, want] of [
    ['192.168.1.0/24', true],
    ['2002::1234:abcd:ffff:c0a8:101/64', true],
    ['192.168.1.2', false],
    ['', false],
    ['there goes a string', false],
    ['010.0.0.0/8', false],
    ['10.0.0.0/08', false],
  ] as const) {
    t.equal(value('net.cidr_is_valid', [cidr]), want, cidr);
  }
  t.equal(value('net.cidr_is_valid', [7]), false);
});

t.test('net.cidr_expand lists addresses, as a set through the typed bridge', async (t) => {
  t.same(typed('net.cidr_expand', ['192.168.1.1/30']).defined && typed('net.cidr_expand', ['192.168.1.1/30']), {
    defined: true,
    text: '{"$airlock.set":["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"]}',
    value: { '$airlock.set': ['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3'] },
  });
  t.throws(
    () => call('net.cidr_expand', ['192.168.1.1/30'], { encoding: 'json' }),
    /cannot return a set through the JSON bridge/,
  );
  t.throws(() => typed('net.cidr_expand', ['10.0.0.0/8']), /holds more than/);
  t.throws(() => strict('net.cidr_expand', ['192.168.1.1/33']), /invalid CIDR address: 192.168.1.1\/33/);
});

t.test('net.cidr_merge merges networks as OPA does', async (t) => {
  const merge = (...cidrs: string[]): unknown => {
    const answer = typed('net.cidr_merge', [cidrs]);
    return answer.defined ? (answer.value as { '$airlock.set': unknown })['$airlock.set'] : undefined;
  };
  t.same(merge('192.0.128.0/24', '192.0.129.0/24'), ['192.0.128.0/23']);
  t.same(merge('192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31'), ['192.0.2.112/29']);
  t.same(merge('192.0.2.112/30', '192.0.2.116/32', '192.0.2.118/31'), [
    '192.0.2.112/30',
    '192.0.2.116/32',
    '192.0.2.118/31',
  ]);
  t.same(merge('192.0.2.112/31', '192.0.2.116/31', '192.0.2.118/31'), ['192.0.2.112/31', '192.0.2.116/30']);
  t.same(merge('192.0.128.0/24', '0.0.0.0/0'), ['0.0.0.0/0']);
  t.same(merge('::/0', '::192.0.2.0/124', 'ff00::101/128'), ['::/0']);
  t.same(merge('fe80::/120', '192.0.2.0/24', '192.0.3.0/24', '192.0.4.0/25', '192.0.4.128/25'), [
    '192.0.2.0/23',
    '192.0.4.0/24',
    'fe80::/120',
  ]);
  t.same(
    merge('192.0.2.112', '192.0.2.116/31', '192.0.2.118/31'),
    ['192.0.2.0/24'],
    'a bare address is its classful network',
  );
  t.same(merge('2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128'), [
    '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128',
  ]);
  t.same(merge(), []);
  t.same(typed('net.cidr_merge', [['2601:600:8a80:207e:a57d:7567:e2c9:e7b3']]), { defined: false });
  const fromSet = typed('net.cidr_merge', [set('192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31')]);
  t.same(fromSet.defined && fromSet.value, { '$airlock.set': ['192.0.2.112/29'] });
});

t.test('net.cidr_contains_matches pairs ids, as a set through the typed bridge', async (t) => {
  const matches = (a: unknown, b: unknown): unknown => {
    const answer = typed('net.cidr_contains_matches', [a, b]);
    return answer.defined ? (answer.value as { '$airlock.set': unknown })['$airlock.set'] : 'undefined';
  };
  t.same(matches('1.1.1.0/24', '1.1.1.1'), [['1.1.1.0/24', '1.1.1.1']]);
  t.same(matches(['1.1.2.0/24', '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1']), [
    [0, 1],
    [1, 0],
  ]);
  t.same(matches([['1.1.2.0/24', 1], '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1']), [
    [0, 1],
    [1, 0],
  ]);
  t.same(matches(set('1.1.1.0/24', '1.1.2.0/24'), set('1.1.1.1', '1.1.2.1')), [
    ['1.1.1.0/24', '1.1.1.1'],
    ['1.1.2.0/24', '1.1.2.1'],
  ]);
  t.same(matches({ k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }, '1.1.1.128'), [
    ['k1', '1.1.1.128'],
    ['k2', '1.1.1.128'],
  ]);
  t.same(matches(['1.1.2.0/24'], ['1.1.1.1', 1]), 'undefined');
});

import t from 'tap';
import { call, strict, value } from './fixtures/call-host.js';

t.test('semver.compare orders by semver precedence', async (t) => {
  const rows: [string, string, number][] = [
    ['1.0.0', '2.0.0', -1],
    ['1.0.0', '1.0.0', 0],
    ['2.1.0', '2.0.9', 1],
    ['1.0.0-alpha', '1.0.0', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-rc.1', '1.0.0+build', -1],
    ['1.0.0+a', '1.0.0+b', 0],
    ['v1.2.3', '1.2.3', 0],
  ];
  for (const [a, b, want] of rows) t.equal(value('semver.compare', [a, b]), want, `${a} vs ${b}`);
  t.throws(
    () => strict('semver.compare', ['1', '1.0.0']),
    /semver.compare: operand 1: string "1" is not a valid SemVer/,
  );
  t.throws(() => strict('semver.compare', ['1.0.0', '1']), /operand 2: string "1" is not a valid SemVer/);
});

t.test('semver.is_valid', async (t) => {
  for (const [v, want] of [
    ['1.0.0', true],
    ['1.0.0-rc.1+build.5', true],
    ['1', false],
    ['1.0', false],
    ['1.0.0-', true],
    ['1.0.0-a..b', false],
    ['a.b.c', false],
  ] as const) {
    t.equal(value('semver.is_valid', [v]), want, v);
  }
  t.equal(value('semver.is_valid', [1]), false);
});

t.test('uuid.parse describes a UUID', async (t) => {
  t.same(value('uuid.parse', ['{00000000-0000-4000-8000-000000000000}']), { variant: 'RFC4122', version: 4 });
  t.same(value('uuid.parse', ['6bea8ef2d3d33cd184e09bab06a52ece']), { variant: 'RFC4122', version: 3 });
  t.same(value('uuid.parse', ['urn:uuid:38074da4-0b00-388d-9c3c-362de965547a']), { variant: 'RFC4122', version: 3 });
  const v2 = call('uuid.parse', ['000003e8-48b9-21ee-b200-325096b39f47']);
  t.equal(
    v2.defined && v2.text,
    '{"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast","nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2}',
  );
  t.same(call('uuid.parse', ['not-a-uuid']), { defined: false });
  t.same(call('uuid.parse', [123]), { defined: false });
});

t.test('uuid.rfc4122 is a random v4 UUID, the same for a key within one evaluation', async (t) => {
  const { createHostBuiltins } = await import('../../../../proxy/policy/compiler/builtins/host/index.js');
  const host = createHostBuiltins();
  const uuid = host.builtins['uuid.rfc4122']!;
  const [a, b, c] = host.evaluate(() => [uuid('k'), uuid('k'), uuid('other')]);
  t.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(a, b);
  t.not(a, c);
  t.not(
    host.evaluate(() => uuid('k')),
    a,
    'a new evaluation draws again',
  );
});

import t from 'tap';
import { call, strict, text, typed, value } from './fixtures/call-host.js';

const exact = (ns: string): unknown => ({ '$airlock.number': ns });
const decode = (result: unknown): string =>
  result instanceof ArrayBuffer ? new TextDecoder().decode(result) : JSON.stringify(result);

t.test('time.now_ns answers the evaluation instant, exactly', async (t) => {
  t.equal(text('time.now_ns', [], { now: 1700000000123456789n }), '1700000000123456789');
});

t.test('time.now_ns answers the same instant for every call in one evaluation', async (t) => {
  const { createHostBuiltins } = await import('../../../../proxy/policy/compiler/builtins/host/index.js');
  let ticks = 0n;
  const host = createHostBuiltins({ clock: () => 1_000_000_000n + ticks++ });
  const now = (): string => decode(host.builtins['time.now_ns']!());
  const [first, second] = host.evaluate(() => [now(), now()]);
  t.equal(first, second);
  const later = host.evaluate(() => now());
  t.not(later, first, 'a new evaluation reads the clock again');
  const pinned = host.evaluate(() => now(), { now: new Date('2026-11-21T03:00:00Z') });
  t.equal(pinned, '1795230000000000000');
});

t.test('time.now_ns without an explicit scope holds for the current synchronous job', async (t) => {
  const { createHostBuiltins } = await import('../../../../proxy/policy/compiler/builtins/host/index.js');
  let ticks = 0n;
  const host = createHostBuiltins({ clock: () => 5_000_000_000n + ticks++ });
  const now = (): string => decode(host.builtins['time.now_ns']!());
  const first = now();
  t.equal(now(), first);
  await Promise.resolve();
  t.not(now(), first, 'the next job reads the clock again');
});

t.test('time.parse_rfc3339_ns parses RFC 3339 within the int64 range', async (t) => {
  t.equal(text('time.parse_rfc3339_ns', ['1970-01-01T00:00:00-00:00']), '0');
  t.equal(text('time.parse_rfc3339_ns', ['2017-06-02T19:00:00-07:00']), '1496455200000000000');
  t.equal(text('time.parse_rfc3339_ns', ['1677-09-21T00:12:43.145224192-00:00']), '-9223372036854775808');
  t.equal(text('time.parse_rfc3339_ns', ['2262-04-11T23:47:16.854775807-00:00']), '9223372036854775807');
  t.equal(text('time.parse_rfc3339_ns', ['2026-11-21T03:00:00.5Z']), '1795230000500000000');
  t.same(call('time.parse_rfc3339_ns', ['2026-11-21 03:00:00Z']), { defined: false });
  t.throws(() => strict('time.parse_rfc3339_ns', ['nope']), /time.parse_rfc3339_ns: parsing time "nope"/);
});

t.test('time.parse_ns takes Go layouts and their names', async (t) => {
  const rows: [string, string, string][] = [
    ['2006-01-02T15:04:05Z07:00', '2017-06-02T19:00:00-07:00', '1496455200000000000'],
    ["01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700", '1496455200000000000'],
    ['02 Jan 06 15:04 -0700', '02 Jun 17 19:00 -0700', '1496455200000000000'],
    ['RFC822Z', '02 Jun 17 19:00 -0700', '1496455200000000000'],
    ['2006-01-02', '2020-02-02', '1580601600000000000'],
    ['Mon, 02 Jan 2006 15:04:05 MST', 'Fri, 02 Jun 2017 19:00:00 UTC', '1496430000000000000'],
    ['Jan _2 2006', 'Jun  2 2017', '1496361600000000000'],
    ['2006-01-02 15:04:05.000', '2017-06-02 19:00:00.123', '1496430000123000000'],
    ['2006-01-02 15:04:05', '2017-06-02 19:00:00.123456789', '1496430000123456789'],
  ];
  for (const [layout, input, want] of rows)
    t.equal(text('time.parse_ns', [layout, input]), want, `${layout} / ${input}`);
  t.throws(
    () => strict('time.parse_ns', ['2006-01-02T15:04:05Z07:00', '1677-09-21T00:12:43.145224191-00:00']),
    /time outside of valid range/,
  );
  t.throws(() => strict('time.parse_ns', ['2006-01-02', '2021-02-30']), /day out of range/);
  t.throws(() => strict('time.parse_ns', ['2006-01-02', '2021-02-03x']), /extra text/);
});

t.test('time.parse_duration_ns is Go time.ParseDuration', async (t) => {
  const rows: [string, string][] = [
    ['100ms', '100000000'],
    ['1h30m', '5400000000000'],
    ['-1.5s', '-1500000000'],
    ['1µs', '1000'],
    ['0', '0'],
    ['.5h', '1800000000000'],
    ['2562047h47m16.854775807s', '9223372036854775807'],
  ];
  for (const [input, want] of rows) t.equal(text('time.parse_duration_ns', [input]), want, input);
  for (const bad of ['', '1', '1x', '-', '9223372036854775808ns'])
    t.same(call('time.parse_duration_ns', [bad]), { defined: false }, bad);
});

t.test('time.format formats in UTC, a zone, a layout or a named layout', async (t) => {
  const ns = exact('1670006453141828752');
  t.same(typed('time.format', [ns]), {
    defined: true,
    text: '"2022-12-02T18:40:53.141828752Z"',
    value: '2022-12-02T18:40:53.141828752Z',
  });
  t.equal(
    (typed('time.format', [[ns, 'Asia/Kolkata']]) as { value: unknown }).value,
    '2022-12-03T00:10:53.141828752+05:30',
  );
  t.equal(
    (typed('time.format', [[ns, 'Asia/Kolkata', 'Mon Jan 02 15:04:05 -0700 2006']]) as { value: unknown }).value,
    'Sat Dec 03 00:10:53 +0530 2022',
  );
  t.equal(
    (typed('time.format', [[ns, 'Asia/Kolkata', 'RFC1123Z']]) as { value: unknown }).value,
    'Sat, 03 Dec 2022 00:10:53 +0530',
  );
  t.equal(
    value('time.format', [[0, 'UTC', 'Monday January 2 2006 3:04PM MST .000']]),
    'Thursday January 1 1970 12:00AM UTC .000',
  );
  t.equal(value('time.format', [[1000, '', 'RFC3339Nano']]), '1970-01-01T00:00:00.000001Z');
  t.throws(() => strict('time.format', [1.5e22]), /timestamp too big/);
});

t.test('through the JSON bridge, a rounded timestamp is refused when its lost digits matter', async (t) => {
  // 1670006453141828752 arrives as the double 1670006453141828864.
  t.throws(() => call('time.format', [Number('1670006453141828752')]), /lost digits/);
  t.equal(
    value('time.weekday', [Number('1517832000000000100')]),
    'Monday',
    'the lost digits do not change the weekday here',
  );
});

t.test('time.date, time.clock and time.weekday read the wall clock in a zone', async (t) => {
  t.same(value('time.date', [[1517814000000000000, 'America/Los_Angeles']]), [2018, 2, 4]);
  t.same(typed('time.date', [[exact('1517832000000000000'), '']]).defined && 'ok', 'ok');
  t.same((typed('time.date', [exact('1582977600000000000')]) as { value: unknown }).value, [2020, 2, 29]);
  t.same(
    (typed('time.clock', [[exact('1517832000000000000'), 'America/New_York']]) as { value: unknown }).value,
    [7, 0, 0],
  );
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  days.forEach((day, i) => {
    const ns = (1517832000n + BigInt(i) * 86400n) * 1_000_000_000n;
    t.equal((typed('time.weekday', [exact(ns.toString())]) as { value: unknown }).value, day);
  });
  t.same(value('time.date', [[-86400_000_000_000, 'UTC']]), [1969, 12, 31]);
  t.same(call('time.date', [[0, 'Not/AZone']]), { defined: false });
  t.throws(() => strict('time.weekday', [1582977600000000000000]), /timestamp too big/);
});

t.test('time.add_date normalises like Go AddDate', async (t) => {
  t.equal(
    (typed('time.add_date', [exact('1585852421593912000'), -1, -1, -1]) as { text: string }).text,
    '1551465221593912000',
  );
  t.equal(
    text('time.add_date', [0, 0, 1, 30]),
    '5270400000000000',
    'Jan 1 + 1 month + 30 days is Feb 31, which is Mar 3 in 1970',
  );
  t.throws(() => strict('time.add_date', [{ '$airlock.number': '-9223372036854775808' }, 0, 0, -1]), /./);
  t.same(typed('time.add_date', [exact('-9223372036854775808'), 0, 0, -1]), { defined: false });
});

t.test('time.diff counts calendar differences', async (t) => {
  const parse = (s: string): unknown => exact(text('time.parse_ns', ['2006-01-02', s])!);
  const diff = (a: string, b: string): unknown =>
    (typed('time.diff', [parse(a), parse(b)]) as { value: unknown }).value;
  t.same(diff('2020-02-02', '2020-03-01'), [0, 0, 28, 0, 0, 0]);
  t.same(diff('2021-02-02', '2021-03-01'), [0, 0, 27, 0, 0, 0]);
  t.same(diff('2004-02-29', '2005-03-01'), [1, 0, 1, 0, 0, 0]);
  t.same(value('time.diff', [61_000_000_000, 0]), [0, 0, 0, 0, 1, 1]);
  t.same(
    value('time.diff', [
      [3_600_000_000_000, 'UTC'],
      [0, 'Asia/Shanghai'],
    ]),
    [0, 0, 0, 1, 0, 0],
  );
});

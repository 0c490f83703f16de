import t from 'tap';
import { call, strict, text, value } from './fixtures/call-host.js';

t.test('units.parse multiplies exact decimals by SI and binary units', async (t) => {
  const rows: [string, string][] = [
    ['500m', '0.5'],
    ['0.0005K', '0.5'],
    ['1024', '1024'],
    ['1Ki', '1024'],
    ['2Mi', '2097152'],
    ['1.1Ki', '1126.4'],
    ['.5K', '500'],
    ['100ki', '102400'],
    ['100M', '100000000'],
    ['100mi', '104857600'],
    ['10E', '10000000000000000000'],
    ['10e', '10000000000000000000'],
    ['10Ei', '11529215046068469760'],
    ['100P', '100000000000000000'],
    ['"100TI"', '109951162777600'],
    ['3.2E4', '32000'],
    ['2.5e3K', '2500000'],
    ['1e-2', '0.01'],
    ['-3.5E2m', '-0.35'],
    ['0.0', '0'],
    ['1G', '1000000000'],
  ];
  for (const [input, want] of rows) t.equal(text('units.parse', [input]), want, input);
  t.equal(value('units.parse', ['5E']), 5e18, '5E is 5 exa, not an exponent');
});

t.test('units.parse errors', async (t) => {
  const rows: [string, RegExp][] = [
    ['', /no amount provided/],
    ['G', /no amount provided/],
    ['0.0.0', /could not parse amount to a number/],
    ['.5.2', /could not parse amount to a number/],
    ['100 k', /spaces not allowed/],
    ['10x', /unit x not recognized/],
    ['1e1234567', /exponent too large/],
  ];
  for (const [input, error] of rows) {
    t.same(call('units.parse', [input]), { defined: false }, input);
    t.throws(() => strict('units.parse', [input]), error, input);
  }
});

t.test('units.parse_bytes truncates 64-bit binary floats, as Go big.Float', async (t) => {
  const rows: [string, string][] = [
    ['8kb', '8000'],
    ['1KiB', '1024'],
    ['2MiB', '2097152'],
    ['2Mi', '2097152'],
    ['4.1Mi', '4299161'],
    ['128Gi', '137438953472'],
    ['"100TIB"', '109951162777600'],
    ['0', '0'],
    ['.0', '0'],
    ['1.1KiB', '1126'],
    ['.5KB', '500'],
    ['100m', '100000000'],
    ['100pib', '112589990684262400'],
    ['10eb', '10000000000000000000'],
    ['10eib', '11529215046068469760'],
    ['1e3KB', '1000000'],
    ['3.2E2MiB', '335544320'],
    ['6.4E1GB', '64000000000'],
    ['2e2GiB', '214748364800'],
  ];
  for (const [input, want] of rows) t.equal(text('units.parse_bytes', [input]), want, input);
  t.same(call('units.parse_bytes', ['foo']), { defined: false });
  t.throws(() => strict('units.parse_bytes', ['12 kb']), /spaces not allowed/);
  t.throws(() => strict('units.parse_bytes', ['12zb']), /byte unit zb not recognized/);
});

import t from 'tap';
import { isHostPattern, matchesHostPattern, parseByteSize } from '../../proxy/config/index.js';

t.test('parseByteSize reads integers and binary units', async (t) => {
  const cases: Array<{ input: unknown; want: number | undefined }> = [
    { input: 0, want: 0 },
    { input: 16384, want: 16384 },
    { input: '16384', want: 16384 },
    { input: '100B', want: 100 },
    { input: '512KiB', want: 512 * 1024 },
    { input: '8MiB', want: 8 * 1024 * 1024 },
    { input: '8 MiB', want: 8 * 1024 * 1024 },
    { input: ' 70MiB ', want: 70 * 1024 * 1024 },
    { input: '1.5GiB', want: 1.5 * 1024 ** 3 },
    { input: '0.5KiB', want: 512 },
    { input: '8MB', want: undefined },
    { input: '8mib', want: undefined },
    { input: '8 M', want: undefined },
    { input: '-1', want: undefined },
    { input: -1, want: undefined },
    { input: 1.5, want: undefined },
    { input: '1.3B', want: undefined },
    { input: '0.1KiB', want: undefined },
    { input: '99999999999GiB', want: undefined },
    { input: '', want: undefined },
    { input: true, want: undefined },
    { input: null, want: undefined },
  ];
  for (const { input, want } of cases) t.equal(parseByteSize(input), want, JSON.stringify(input));
});

t.test('host patterns are exact names or *.suffix', async (t) => {
  for (const pattern of ['sts.amazonaws.com', '*.amazonaws.com', 'localhost', '127.0.0.1', '*.example.co.uk']) {
    t.ok(isHostPattern(pattern), pattern);
  }
  for (const pattern of ['*', '*.', 'a.*.com', '**.com', 'UPPER.example.com', 'a b.com', 'a_b.com', '', 'host:443']) {
    t.notOk(isHostPattern(pattern), pattern);
  }
  t.ok(matchesHostPattern('*.amazonaws.com', 's3.amazonaws.com'));
  t.ok(matchesHostPattern('*.amazonaws.com', 'bucket.s3.eu-west-1.amazonaws.com'));
  t.ok(matchesHostPattern('*.amazonaws.com', 'STS.AmazonAWS.com.'), 'any case, trailing dot');
  t.notOk(matchesHostPattern('*.amazonaws.com', 'amazonaws.com'), 'the suffix alone is not a match');
  t.notOk(matchesHostPattern('*.amazonaws.com', 'evilamazonaws.com'));
  t.ok(matchesHostPattern('sts.amazonaws.com', 'sts.amazonaws.com'));
  t.notOk(matchesHostPattern('sts.amazonaws.com', 'x.sts.amazonaws.com'));
});

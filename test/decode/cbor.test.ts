import t from 'tap';
import { decodeCbor } from '../../proxy/decode/format/cbor.js';
import { createAwsDecoder, type JsonValue } from '../../proxy/decode/index.js';
import { wire } from './helpers.js';

const hex = (text: string) =>
  Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** Well-formed items, most from RFC 8949 appendix A. */
const wellFormed: { note: string; cbor: string; want: JsonValue }[] = [
  { note: 'zero', cbor: '00', want: 0 },
  { note: 'small int', cbor: '17', want: 23 },
  { note: 'one-byte int', cbor: '1818', want: 24 },
  { note: 'two-byte int', cbor: '1903e8', want: 1000 },
  { note: 'four-byte int', cbor: '1a000f4240', want: 1000000 },
  { note: 'eight-byte safe int', cbor: '1b000000e8d4a51000', want: 1000000000000 },
  { note: 'eight-byte int beyond 2^53 as a string', cbor: '1bffffffffffffffff', want: '18446744073709551615' },
  { note: 'negative int', cbor: '3863', want: -100 },
  { note: 'large negative int as a string', cbor: '3bffffffffffffffff', want: '-18446744073709551616' },
  { note: 'bignum tag 2', cbor: 'c249010000000000000000', want: '18446744073709551616' },
  { note: 'small bignum', cbor: 'c24101', want: 1 },
  { note: 'negative bignum tag 3', cbor: 'c349010000000000000000', want: '-18446744073709551617' },
  { note: 'byte string as base64', cbor: '4401020304', want: 'AQIDBA==' },
  { note: 'text string', cbor: '6449455446', want: 'IETF' },
  { note: 'UTF-8 text', cbor: '62c3bc', want: 'ü' },
  { note: 'array', cbor: '83010203', want: [1, 2, 3] },
  { note: 'nested array', cbor: '8301820203820405', want: [1, [2, 3], [4, 5]] },
  { note: 'map', cbor: 'a26161016162820203', want: { a: 1, b: [2, 3] } },
  { note: 'false, true, null, undefined', cbor: '84f4f5f6f7', want: [false, true, null, null] },
  { note: 'half float', cbor: 'f93c00', want: 1 },
  { note: 'half float subnormal', cbor: 'f90001', want: 2 ** -24 },
  { note: 'single float', cbor: 'fa47c35000', want: 100000 },
  { note: 'double float', cbor: 'fb3ff199999999999a', want: 1.1 },
  { note: 'NaN as a string', cbor: 'f97e00', want: 'NaN' },
  { note: 'Infinity as a string', cbor: 'f97c00', want: 'Infinity' },
  { note: '-Infinity as a string', cbor: 'fbfff0000000000000', want: '-Infinity' },
  { note: 'epoch timestamp tag', cbor: 'c11a514b67b0', want: 1363896240 },
  { note: 'indefinite byte string', cbor: '5f42010243030405ff', want: 'AQIDBAU=' },
  { note: 'indefinite text string', cbor: '7f657374726561646d696e67ff', want: 'streaming' },
  { note: 'indefinite array', cbor: '9f018202039f0405ffff', want: [1, [2, 3], [4, 5]] },
  { note: 'indefinite map', cbor: 'bf61610161629f0203ffff', want: { a: 1, b: [2, 3] } },
  {
    note: '__proto__ key as own data',
    cbor: 'a1695f5f70726f746f5f5f01',
    want: JSON.parse('{"__proto__":1}') as JsonValue,
  },
];

t.test('decodes well-formed CBOR', async (t) => {
  for (const c of wellFormed) t.same(decodeCbor(hex(c.cbor)), c.want, c.note);
});

const malformed: { note: string; cbor: Uint8Array }[] = [
  { note: 'empty input', cbor: hex('') },
  { note: 'truncated int', cbor: hex('19 03') },
  { note: 'truncated text', cbor: hex('64 49 45') },
  { note: 'trailing bytes', cbor: hex('01 02') },
  { note: 'reserved additional information', cbor: hex('1c') },
  { note: 'indefinite int', cbor: hex('1f') },
  { note: 'break outside an indefinite item', cbor: hex('ff') },
  { note: 'map key not a string', cbor: hex('a1 01 02') },
  { note: 'duplicate map key', cbor: hex('a2 6161 01 6161 02') },
  { note: 'invalid UTF-8', cbor: hex('62 c3 28') },
  { note: 'array longer than the input', cbor: hex('9a ffffffff 00') },
  { note: 'byte string longer than the input', cbor: hex('5b 00000000ffffffff') },
  { note: 'map count beyond 2^53', cbor: hex('bb ffffffffffffffff') },
  { note: 'wrong chunk type in an indefinite string', cbor: hex('5f 61 61 ff') },
  { note: 'nested indefinite chunk', cbor: hex('7f 7f ff ff') },
  { note: 'unterminated indefinite array', cbor: hex('9f 01 02') },
  { note: 'unassigned simple value', cbor: hex('f0') },
  { note: 'one-byte simple value', cbor: hex('f8 20') },
  { note: 'bignum tag on a non-byte-string', cbor: hex('c2 01') },
  { note: 'nesting bomb', cbor: new Uint8Array(100_000).fill(0x81) },
];

t.test('refuses malformed CBOR with a DecodeError', async (t) => {
  for (const c of malformed) {
    t.throws(() => decodeCbor(c.cbor), { name: 'DecodeError', reason: 'malformed-request' }, c.note);
  }
});

const decode = createAwsDecoder({ maxBodyBytes: 64 * 1024 });
const cloudwatch = (path: string, body: Uint8Array, extra: Record<string, string> = {}) =>
  wire({
    host: 'monitoring.us-east-1.amazonaws.com',
    path,
    sign: 'monitoring',
    headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', ...extra },
    body,
  });

t.test('decodes cloudwatch:PutMetricAlarm over rpc-v2-cbor', async (t) => {
  // {"AlarmName": "cpu", "Threshold": 80.5}
  const body = hex('a2 69 416c61726d4e616d65 63 637075 69 5468726573686f6c64 fb 4054200000000000');
  const call = decode(cloudwatch('/service/GraniteServiceVersion20100801/operation/PutMetricAlarm', body));
  t.match(call, {
    decoded: true,
    protocol: 'rpc-v2-cbor',
    service: 'cloudwatch',
    action: 'PutMetricAlarm',
    iam_action: 'cloudwatch:PutMetricAlarm',
    resource: 'arn:aws:cloudwatch:us-east-1::alarm:cpu',
    read_only: false,
    params: { AlarmName: 'cpu', Threshold: 80.5 },
  });
});

t.test('refuses rpc-v2-cbor requests it cannot decode', async (t) => {
  const path = '/service/GraniteServiceVersion20100801/operation/ListMetrics';
  t.match(
    decode(cloudwatch('/service/OtherService/operation/ListMetrics', hex('a0'))),
    { reason: 'unknown-operation' },
    'another service name',
  );
  t.match(
    decode(cloudwatch('/service/GraniteServiceVersion20100801/operation/DropAll', hex('a0'))),
    { reason: 'unknown-operation' },
    'unknown operation',
  );
  t.match(
    decode(cloudwatch('/service/GraniteServiceVersion20100801/operation/', hex('a0'))),
    { reason: 'unknown-operation' },
    'no operation',
  );
  t.match(decode(cloudwatch(path, hex('83 01 02 03'))), { reason: 'malformed-request' }, 'body not a map');
  t.match(decode(cloudwatch(path, hex('a1 61'))), { reason: 'malformed-request' }, 'truncated body');
  t.match(
    decode(cloudwatch(path, hex('a0'), { 'smithy-protocol': 'rpc-v3' })),
    { reason: 'unsupported-protocol' },
    'another smithy protocol',
  );
  t.match(
    decode(
      wire({
        host: 'kms.us-east-1.amazonaws.com',
        sign: 'kms',
        path: '/service/TrentService/operation/CreateKey',
        headers: { 'smithy-protocol': 'rpc-v2-cbor' },
        body: hex('a0'),
      }),
    ),
    { reason: 'unsupported-protocol', context: { protocol: 'rpc-v2-cbor' } },
    'a service that does not speak it',
  );
});

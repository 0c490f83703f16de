import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { scrubResponse, type UpstreamResponse, WITHHELD } from '../../proxy/forward/index.js';

const STS = `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>sekrit</SecretAccessKey><SessionToken>tok</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>`;

function upstreamResponse(headers: Record<string, string>, body: Buffer | Buffer[]): UpstreamResponse {
  const chunks = Array.isArray(body) ? body : [body];
  return { status: 200, headers, body: Readable.from(chunks, { objectMode: false }) };
}

async function text(response: UpstreamResponse): Promise<Buffer> {
  return Buffer.concat(await response.body.toArray());
}

t.test('scrubs a small identity-encoded response and fixes its headers', async (t) => {
  const body = Buffer.from(STS);
  const result = await scrubResponse(
    upstreamResponse(
      {
        'content-type': 'text/xml',
        'content-length': String(body.length),
        'x-amz-crc32': '12345',
        'x-amzn-requestid': 'r',
      },
      body,
    ),
    { iamAction: 'sts:AssumeRole' },
  );
  t.equal(result.inspection, 'scrubbed');
  t.same(result.fields, ['SecretAccessKey', 'SessionToken']);
  const sent = await text(result);
  t.equal(result.headers['content-length'], String(sent.length));
  t.equal(result.headers['x-amz-crc32'], undefined, 'a checksum of the old body is dropped');
  t.equal(result.headers['x-amzn-requestid'], 'r');
  t.notMatch(sent.toString(), /sekrit|>tok</);
  t.match(sent.toString(), `<SecretAccessKey>${WITHHELD}</SecretAccessKey>`);
});

t.test('decodes gzip, deflate and br, and re-encodes a scrubbed body the same way', async (t) => {
  const json = Buffer.from('{"SecretString":"s3cr3t","Name":"n"}');
  const gzipped = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/x-amz-json-1.1', 'content-encoding': 'gzip' }, gzipSync(json)),
  );
  t.equal(gzipped.inspection, 'scrubbed');
  t.equal(gzipped.headers['content-encoding'], 'gzip');
  t.same(JSON.parse(gunzipSync(await text(gzipped)).toString()), { SecretString: WITHHELD, Name: 'n' });

  const rawDeflate = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/json', 'content-encoding': 'deflate' }, deflateRawSync(json)),
  );
  t.equal(rawDeflate.inspection, 'scrubbed', 'raw deflate, as some servers send it');

  const brotli = await scrubResponse(
    upstreamResponse(
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      brotliCompressSync(Buffer.from('{"a":1}')),
    ),
  );
  t.equal(brotli.inspection, 'clean');
  t.same(await text(brotli), brotliCompressSync(Buffer.from('{"a":1}')), 'clean bodies pass as they came');
});

t.test('leaves blobs and large bodies unread, and streams them on intact', async (t) => {
  const blob = Buffer.from('{"SecretString":"the user\'s own object"}');
  const object = await scrubResponse(upstreamResponse({ 'content-type': 'binary/octet-stream' }, blob));
  t.equal(object.inspection, 'not-inspected');
  t.same(await text(object), blob);

  const declaredLarge = await scrubResponse(
    upstreamResponse(
      { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      Buffer.from('{}'),
    ),
    { maxBytes: 1024 * 1024 },
  );
  t.equal(declaredLarge.inspection, 'not-inspected', 'content-length over the limit: not even read');

  const chunks = Array.from({ length: 40 }, () => randomBytes(32 * 1024));
  const chunkedLarge = await scrubResponse(upstreamResponse({ 'content-type': 'application/xml' }, chunks), {
    maxBytes: 256 * 1024,
  });
  t.equal(chunkedLarge.inspection, 'not-inspected', 'chunked body over the limit');
  t.same(await text(chunkedLarge), Buffer.concat(chunks), 'bytes already read are replayed, nothing lost');
});

t.test('reports bodies it cannot read', async (t) => {
  const zstd = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/json', 'content-encoding': 'zstd' }, Buffer.from('x')),
  );
  t.equal(zstd.inspection, 'unreadable', 'an encoding it cannot decode');
  const broken = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/json' }, Buffer.from('{"SecretString":')),
  );
  t.equal(broken.inspection, 'unreadable');
  t.same(await text(broken), Buffer.from('{"SecretString":'));
  const badGzip = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.from('not gzip')),
  );
  t.equal(badGzip.inspection, 'unreadable');
  const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
  const inflated = await scrubResponse(
    upstreamResponse({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb),
    {
      maxBytes: 1024 * 1024,
    },
  );
  t.equal(inflated.inspection, 'not-inspected', 'decompression is bounded too');
  t.same(await text(inflated), bomb);
  t.rejects(scrubResponse(upstreamResponse({}, Buffer.alloc(0)), { maxBytes: 0 }), {
    code: 'AIRLOCK_ERR_INVALID_ARGUMENT',
  });
});

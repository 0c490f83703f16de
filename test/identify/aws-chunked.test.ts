import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import t from 'tap';
import { SignatureMismatchError } from '../../proxy/core/errors.js';
import { verifyAgentSignature, type WireRequest } from '../../proxy/identify/index.js';
import { AGENT, buildSignedChunkedUpload, lookupAgent, NOW, signingKey } from './fixtures/sdk-signer.js';

const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const exampleLookup = () => ({ secret: EXAMPLE_SECRET, agentId: 'aws-example' });
const EXAMPLE_NOW = new Date('2013-05-24T00:01:00Z');
const A = (n: number) => Buffer.alloc(n, 'a');

/** AWS's published streaming PutObject ("Transferring Payload in Multiple Chunks"), 66560 bytes of "a". */
function awsExample(): WireRequest {
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
    A(65536),
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
    A(1024),
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
  return {
    method: 'PUT',
    host: 's3.amazonaws.com:443',
    path: '/examplebucket/chunkObject.txt',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    },
    body,
  };
}

/** AWS's published streaming PutObject with a signed CRC32C trailer. */
function awsTrailerExample(blankLineAfterFinalChunk: boolean): WireRequest {
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n'),
    A(65536),
    Buffer.from('\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n'),
    A(1024),
    Buffer.from('\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n'),
    Buffer.from(blankLineAfterFinalChunk ? '\r\n' : ''),
    Buffer.from(
      'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n',
    ),
  ]);
  return {
    method: 'PUT',
    host: 's3.amazonaws.com:443',
    path: '/examplebucket/chunkObject.txt',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'x-amz-trailer': 'x-amz-checksum-crc32c',
      'content-length': String(body.length),
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
    },
    body,
  };
}

/** inPieces delivers a buffer as a stream of pieces of the given size (the last may be shorter). */
function inPieces(buffer: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size) pieces.push(buffer.subarray(offset, offset + size));
  return Readable.from(pieces);
}

/** drain reads a verified body; it returns what came out and the error that ended it, if any. */
async function drain(body: WireRequest['body']): Promise<{ output: Buffer; error: unknown }> {
  if (body instanceof Uint8Array) return { output: Buffer.from(body), error: undefined };
  const pieces: Buffer[] = [];
  try {
    for await (const piece of body) pieces.push(piece as Buffer);
    return { output: Buffer.concat(pieces), error: undefined };
  } catch (error) {
    return { output: Buffer.concat(pieces), error };
  }
}

t.test("de-chunks AWS's published example, in memory and streamed in any piece size", async (t) => {
  const example = awsExample();
  const buffered = await verifyAgentSignature(example, exampleLookup, EXAMPLE_NOW);
  t.equal(buffered.authentication.payload, 'signed-chunks');
  t.same((await drain(buffered.body)).output, A(66560));
  for (const size of [1, 7, 86, 4096, 65536, 100_000]) {
    const streamed = await verifyAgentSignature(
      { ...example, body: inPieces(example.body as Buffer, size) },
      exampleLookup,
      EXAMPLE_NOW,
    );
    const { output, error } = await drain(streamed.body);
    t.equal(error, undefined, `pieces of ${size}`);
    t.ok(output.equals(A(66560)), `pieces of ${size}: payload`);
  }
});

t.test("re-frames AWS's published trailer example as an unsigned trailer upload", async (t) => {
  const expected = Buffer.concat([
    Buffer.from('10000\r\n'),
    A(65536),
    Buffer.from('\r\n400\r\n'),
    A(1024),
    Buffer.from('\r\n0\r\nx-amz-checksum-crc32c:sOO8/Q==\r\n\r\n'),
  ]);
  for (const blankLine of [false, true]) {
    const example = awsTrailerExample(blankLine);
    const verified = await verifyAgentSignature(
      { ...example, body: inPieces(example.body as Buffer, 1000) },
      exampleLookup,
      EXAMPLE_NOW,
    );
    t.equal(verified.authentication.payload, 'signed-chunks-trailer');
    const { output, error } = await drain(verified.body);
    t.equal(error, undefined, `blank line after the final chunk: ${blankLine}`);
    t.ok(output.equals(expected), 'same chunks, signatures dropped, trailer kept');
  }
});

t.test('verifies uploads built from the specification: empty, tiny, exact and many chunks', async (t) => {
  const cases = [
    { payload: Buffer.alloc(0), chunkSize: 65536 },
    { payload: randomBytes(1), chunkSize: 65536 },
    { payload: randomBytes(65536), chunkSize: 65536 },
    { payload: randomBytes(300_001), chunkSize: 8192 },
  ];
  for (const { payload, chunkSize } of cases) {
    for (const trailer of [
      undefined,
      { name: 'x-amz-checksum-sha256', value: 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=' },
    ]) {
      const upload = await buildSignedChunkedUpload({ payload, chunkSize, ...(trailer ? { trailer } : {}) });
      const verified = await verifyAgentSignature(
        { ...upload.request, body: inPieces(upload.body, 3333) },
        lookupAgent,
        NOW,
      );
      const { output, error } = await drain(verified.body);
      const note = `${payload.length} bytes in chunks of ${chunkSize}${trailer ? ', with trailer' : ''}`;
      t.equal(error, undefined, note);
      if (trailer === undefined) t.ok(output.equals(payload), `${note}: payload`);
      else t.match(output.toString('latin1'), /0\r\nx-amz-checksum-sha256:uU0nuZNNPg.*=\r\n\r\n$/, `${note}: trailer`);
    }
  }
});

t.test('refuses a bad chunk, and never lets the whole payload through', async (t) => {
  const payload = randomBytes(200_000);
  const upload = await buildSignedChunkedUpload({ payload, chunkSize: 65536 });
  const body = upload.body;
  const firstData = body.indexOf('\r\n') + 2;
  const finalHeader = body.lastIndexOf('0;chunk-signature=');
  const tamperings: Array<{ note: string; tampered: Buffer }> = [
    { note: 'a byte of the first chunk flipped', tampered: flipByte(body, firstData + 10) },
    { note: 'a byte of the last data chunk flipped', tampered: flipByte(body, finalHeader - 5) },
    { note: 'a chunk signature altered', tampered: flipByte(body, firstData - 4) },
    { note: 'the final chunk signature altered', tampered: flipByte(body, body.length - 6) },
    { note: 'the final chunk missing', tampered: body.subarray(0, finalHeader) },
    { note: 'the body cut short inside a chunk', tampered: body.subarray(0, firstData + 1000) },
    { note: 'data after the final chunk', tampered: Buffer.concat([body, Buffer.from('extra')]) },
    {
      note: 'a chunk size lying',
      tampered: Buffer.from(body.toString('latin1').replace(/^10000;/, '10001;'), 'latin1'),
    },
    { note: 'chunks reordered', tampered: swapFirstTwoChunks(body) },
  ];
  for (const { note, tampered } of tamperings) {
    const verified = await verifyAgentSignature(
      { ...upload.request, body: inPieces(tampered, 16384) },
      lookupAgent,
      NOW,
    );
    const { output, error } = await drain(verified.body);
    t.type(error, SignatureMismatchError, note);
    t.equal((error as SignatureMismatchError).awsCode, 'SignatureDoesNotMatch', `${note}: AWS code`);
    t.ok(output.length < payload.length, `${note}: ${output.length} of ${payload.length} bytes went through`);
  }
});

t.test('refuses a tampered signed trailer', async (t) => {
  const upload = await buildSignedChunkedUpload({
    payload: randomBytes(1000),
    chunkSize: 512,
    trailer: { name: 'x-amz-checksum-crc32', value: 'AAAAAA==' },
  });
  for (const [note, tampered] of [
    ['trailer value changed', upload.body.toString('latin1').replace('AAAAAA==', 'AAAAAB==')],
    ['undeclared trailer', upload.body.toString('latin1').replace('x-amz-checksum-crc32:', 'x-amz-checksum-crc64:')],
    ['trailer signature missing', upload.body.toString('latin1').replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, '')],
  ] as const) {
    const verified = await verifyAgentSignature(
      { ...upload.request, body: Readable.from([Buffer.from(tampered, 'latin1')]) },
      lookupAgent,
      NOW,
    );
    const { output, error } = await drain(verified.body);
    t.type(error, SignatureMismatchError, note);
    t.notMatch(output.toString('latin1'), /\r\n0\r\n/, `${note}: the closing chunk never went out`);
  }
});

t.test('a buffered chunked body fails verification at once', async (t) => {
  const upload = await buildSignedChunkedUpload({ payload: randomBytes(5000), chunkSize: 1024 });
  await t.rejects(
    verifyAgentSignature({ ...upload.request, body: flipByte(upload.body, 200) }, lookupAgent, NOW),
    SignatureMismatchError,
  );
});

t.test('streams a 256 MiB upload in bounded memory', async (t) => {
  const chunkSize = 1024 * 1024;
  const chunks = 256;
  const pattern = randomBytes(chunkSize);
  const template = await buildSignedChunkedUpload({ payload: Buffer.alloc(0), chunkSize });
  const headers = {
    ...template.request.headers,
    'x-amz-decoded-content-length': String(chunkSize * chunks),
  };
  delete (headers as Record<string, string>)['content-length'];
  // Re-sign the seed for the new decoded length, then sign the chunks lazily.
  const seeded = await resignSeed({ ...template.request, headers });
  const body = Readable.from(lazyChunks(seeded, pattern, chunks), { objectMode: false });
  const verified = await verifyAgentSignature({ ...seeded.request, body }, lookupAgent, NOW);
  const before = process.memoryUsage().rss;
  let peak = before;
  let received = 0;
  const hash = createHash('sha256');
  const started = process.hrtime.bigint();
  for await (const piece of verified.body as Readable) {
    received += (piece as Buffer).length;
    hash.update(piece as Buffer);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const expected = createHash('sha256');
  for (let index = 0; index < chunks; index += 1) expected.update(pattern);
  t.equal(received, chunkSize * chunks);
  t.equal(hash.digest('hex'), expected.digest('hex'));
  const growthMiB = (peak - before) / 1024 / 1024;
  t.ok(growthMiB < 64, `RSS grew ${growthMiB.toFixed(1)} MiB while 256 MiB streamed`);
  t.comment(
    `aws-chunked verify+de-chunk: ${((chunkSize * chunks) / 1024 / 1024 / seconds).toFixed(0)} MiB/s (incl. signing)`,
  );
});

function flipByte(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

function swapFirstTwoChunks(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const chunkPattern = /[0-9a-f]+;chunk-signature=[0-9a-f]{64}\r\n/g;
  const starts = [...text.matchAll(chunkPattern)].map((match) => match.index);
  const [first, second, third] = starts as [number, number, number];
  return Buffer.concat([body.subarray(second, third), body.subarray(first, second), body.subarray(third)]);
}

interface Seeded {
  request: WireRequest;
  seed: string;
  amzDate: string;
}

async function resignSeed(request: WireRequest): Promise<Seeded> {
  const { signAsSdk } = await import('./fixtures/sdk-signer.js');
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !['authorization', 'x-amz-date', 'host'].includes(entry[0]),
    ),
  );
  const signed = await signAsSdk({
    method: 'PUT',
    host: request.headers.host!,
    path: request.path,
    headers,
    service: 's3',
    region: 'eu-west-1',
  });
  return {
    request: signed,
    seed: /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!,
    amzDate: signed.headers['x-amz-date']!,
  };
}

function* lazyChunks(seeded: Seeded, pattern: Buffer, count: number): Generator<Buffer> {
  const key = signingKey(AGENT.secretAccessKey, seeded.amzDate.slice(0, 8), 'eu-west-1', 's3');
  const scope = `${seeded.amzDate.slice(0, 8)}/eu-west-1/s3/aws4_request`;
  const empty = createHash('sha256').digest('hex');
  const patternHash = createHash('sha256').update(pattern).digest('hex');
  let previous = seeded.seed;
  const sign = (dataHash: string) => {
    previous = createHmac('sha256', key)
      .update(['AWS4-HMAC-SHA256-PAYLOAD', seeded.amzDate, scope, previous, empty, dataHash].join('\n'))
      .digest('hex');
    return previous;
  };
  for (let index = 0; index < count; index += 1) {
    yield Buffer.from(`${pattern.length.toString(16)};chunk-signature=${sign(patternHash)}\r\n`);
    for (let offset = 0; offset < pattern.length; offset += 65536) yield pattern.subarray(offset, offset + 65536);
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`0;chunk-signature=${sign(empty)}\r\n\r\n`);
}

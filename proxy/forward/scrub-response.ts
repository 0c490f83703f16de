import { finished, Readable } from 'node:stream';
import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateSync,
  gzipSync,
  gunzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';
import { InvalidArgumentError } from '../core/errors.js';
import { scrubCredentials } from './credential-responses.js';
import type { UpstreamResponse } from './forwarder.js';

/** ScrubResponseOptions bound the work done on one response. */
export interface ScrubResponseOptions {
  /** Largest body inspected, before and after decompression; larger ones pass through unread. Default 1 MiB. */
  readonly maxBytes?: number;
  /** The call's IAM action, which adds the fields only its responses carry (see `scrubCredentials`). */
  readonly iamAction?: string;
}

/**
 * ResponseInspection says what became of a response:
 * - `scrubbed`: credentials were withheld, and the headers describe the new body;
 * - `clean`: read, nothing to withhold, passed on unchanged;
 * - `unreadable`: a JSON or XML content type, but an encoding or body that could not be read;
 * - `not-inspected`: not a document (a blob such as an S3 object), or larger than `maxBytes`.
 *
 * A caller forwarding a credential action the policy did not release must answer anything but `scrubbed` or `clean`
 * with a refusal instead.
 */
export type ResponseInspection = 'scrubbed' | 'clean' | 'unreadable' | 'not-inspected';

/** ScrubbedResponse is the response to send the agent, with what was done to it. */
export interface ScrubbedResponse extends UpstreamResponse {
  readonly inspection: ResponseInspection;
  /** Names of the withheld fields, for the audit log. */
  readonly fields: readonly string[];
  /** The whole body as it is to be sent, when it was read to be inspected (`body` replays the same bytes). */
  readonly bytes?: Buffer;
}

interface Coding {
  decode(bytes: Buffer, maxOutputLength: number): Buffer;
  encode(bytes: Buffer): Buffer;
}

const CODINGS: Readonly<Record<string, Coding>> = {
  '': { decode: (bytes) => bytes, encode: (bytes) => bytes },
  identity: { decode: (bytes) => bytes, encode: (bytes) => bytes },
  gzip: {
    decode: (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
    encode: (bytes) => gzipSync(bytes),
  },
  'x-gzip': {
    decode: (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
    encode: (bytes) => gzipSync(bytes),
  },
  // HTTP's "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send it raw.
  deflate: {
    decode: (bytes, maxOutputLength) => {
      try {
        return inflateSync(bytes, { maxOutputLength });
      } catch (error) {
        if (error instanceof RangeError) throw error;
        return inflateRawSync(bytes, { maxOutputLength });
      }
    },
    encode: (bytes) => deflateSync(bytes),
  },
  br: {
    decode: (bytes, maxOutputLength) => brotliDecompressSync(bytes, { maxOutputLength }),
    encode: (bytes) => brotliCompressSync(bytes),
  },
};

/** Headers that checksum the body as AWS sent it; a scrubbed body would fail them, so they are dropped. */
const BODY_CHECKSUMS = ['x-amz-crc32', 'content-md5'];

/**
 * scrubResponse applies `scrubCredentials` to a small JSON or XML response on its way to the agent. It reads at
 * most `maxBytes + 1` bytes: a larger body is passed on unread (its bytes read so far are replayed, nothing is
 * lost), so a 1 GiB download still streams. gzip, deflate and br bodies are decoded (bounded by `maxBytes`) and,
 * when scrubbed, re-encoded the same way, with `content-length` set and body checksums removed.
 *
 * Run it on every response whose content is an AWS document, not on blob payloads (S3 GetObject, Lambda Invoke):
 * a user's JSON object with a `SecretString` member is their data, not a credential.
 *
 * @throws InvalidArgumentError for a `maxBytes` that is not a positive integer
 */
export async function scrubResponse(
  response: UpstreamResponse,
  options: ScrubResponseOptions = {},
): Promise<ScrubbedResponse> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new InvalidArgumentError('maxBytes must be a positive integer');
  const contentType = headerValue(response.headers['content-type']);
  const isDocument = contentType !== undefined && /json|xml/i.test(contentType);
  const length = Number(headerValue(response.headers['content-length']) ?? Number.NaN);
  if (!isDocument || length > maxBytes) return { ...response, inspection: 'not-inspected', fields: [] };
  const coding = CODINGS[(headerValue(response.headers['content-encoding']) ?? '').trim().toLowerCase()];
  if (coding === undefined) return { ...response, inspection: 'unreadable', fields: [] };

  const read = await readUpTo(response.body, maxBytes);
  if (read.rest !== undefined) return { ...response, body: read.rest, inspection: 'not-inspected', fields: [] };
  const passOn = (inspection: ResponseInspection): ScrubbedResponse =>
    readResponse(response.status, response.headers, read.bytes, inspection, []);

  let decoded: Buffer;
  try {
    decoded = coding.decode(read.bytes, maxBytes);
  } catch (error) {
    return passOn(error instanceof RangeError ? 'not-inspected' : 'unreadable');
  }
  const result = scrubCredentials(decoded, contentType, options.iamAction);
  if (result.format === 'unreadable') return passOn('unreadable');
  if (!result.scrubbed) return passOn('clean');

  const body = coding.encode(result.body);
  const headers: Record<string, string | string[]> = { ...response.headers, 'content-length': String(body.length) };
  for (const name of BODY_CHECKSUMS) delete headers[name];
  return readResponse(response.status, headers, body, 'scrubbed', result.fields);
}

/**
 * readResponse is a response whose body was read whole. Its `body` stream is made only for a caller that asks for
 * it: the pipeline sends `bytes` in one write, and a stream that nobody reads took a good part of the scrub's time.
 */
function readResponse(
  status: number,
  headers: Record<string, string | string[]>,
  bytes: Buffer,
  inspection: ResponseInspection,
  fields: readonly string[],
): ScrubbedResponse {
  let body: Readable | undefined;
  return {
    status,
    headers,
    bytes,
    inspection,
    fields,
    get body(): Readable {
      body ??= Readable.from([bytes], { objectMode: false });
      return body;
    },
  };
}

/** What `readUpTo` read: the whole body, or, when it is longer than the limit, a stream replaying it in full. */
interface ReadResult {
  readonly bytes: Buffer;
  readonly rest: Readable | undefined;
}

/**
 * readUpTo reads a body until it ends or passes `limit`. In the second case `rest` yields the chunks read so far and
 * then the remainder; destroying `rest` destroys the body. A body that fails, or closes before its end, rejects with
 * its error.
 */
function readUpTo(body: Readable, limit: number): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      total += chunk.length;
      if (total <= limit) return;
      body.off('data', onData);
      body.pause();
      stopWatching();
      resolve({ bytes: Buffer.alloc(0), rest: Readable.from(replayThenRest(chunks, body), { objectMode: false }) });
    };
    // `finished` also settles for a body that errored or closed before this was called.
    const stopWatching = finished(body, (error) => {
      body.off('data', onData);
      if (error === undefined || error === null) resolve({ bytes: Buffer.concat(chunks, total), rest: undefined });
      else reject(error);
    });
    body.on('data', onData);
  });
}

async function* replayThenRest(chunks: readonly Buffer[], body: Readable): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
    for await (const chunk of body) yield chunk as Buffer;
  } finally {
    if (!body.readableEnded) body.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

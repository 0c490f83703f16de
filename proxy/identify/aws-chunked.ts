import { createHash, type Hash, timingSafeEqual } from 'node:crypto';
import { SignatureMismatchError } from '../core/errors.js';
import { EMPTY_SHA256, hmacHex, sha256Hex } from './canonical-request.js';
import type { BodyVerifier, EmitPiece } from './verified-body.js';

/**
 * The `aws-chunked` body of a streaming-signed upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`):
 *
 *   chunk    = hex-size ";chunk-signature=" 64hex CRLF data CRLF      (size > 0)
 *   final    = "0;chunk-signature=" 64hex CRLF
 *   ending   = CRLF                                                    (no trailer)
 *            | [CRLF] *(name ":" value CRLF) "x-amz-trailer-signature:" 64hex CRLF [CRLF]   (-TRAILER)
 *
 * Each chunk signature chains from the one before, starting at the seed signature of the Authorization header:
 *
 *   AWS4-HMAC-SHA256-PAYLOAD \n amzDate \n scope \n previous-signature \n sha256("") \n sha256(chunk-data)
 *   AWS4-HMAC-SHA256-TRAILER \n amzDate \n scope \n previous-signature \n sha256("name:value\n"...)
 *
 * The decoder passes data on as it arrives (bounded memory whatever the chunk size) and throws on the first bad
 * chunk; VerifiedBodyStream keeps back the tail until the final chunk and the trailer have verified. The SDKs differ
 * on the blank line between the final chunk and the trailer, and on the blank line after it: both are accepted.
 */

/** ChunkSigning is what chains the chunk signatures to the verified request. */
export interface ChunkSigning {
  readonly signingKey: Uint8Array;
  readonly amzDate: string;
  readonly scopeText: string;
  readonly seedSignature: string;
}

/**
 * AwsChunkedOutput says what the decoder emits: the bare payload, or the payload re-framed as
 * `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (same chunks without signatures, trailer carried over) so that a checksum
 * trailer still reaches S3 after re-signing.
 */
export type AwsChunkedOutput = 'payload' | 'unsigned-trailer-framing';

/** AwsChunkedDecoderOptions configure one decoder, for one request. */
export interface AwsChunkedDecoderOptions {
  readonly signing: ChunkSigning;
  /** Lower-case trailer names declared in `x-amz-trailer`; undefined when the request has no trailer. */
  readonly trailerNames: readonly string[] | undefined;
  /** `x-amz-decoded-content-length`: the payload's length once de-chunked. */
  readonly decodedLength: number;
  readonly output: AwsChunkedOutput;
  readonly service?: string;
}

/** MAX_LINE_BYTES bounds a chunk header or trailer line: real ones are under 200 bytes. */
const MAX_LINE_BYTES = 4096;
/** MAX_TRAILERS bounds the trailer section: SDKs send one checksum. */
const MAX_TRAILERS = 8;
const CHUNK_HEADER_PATTERN = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-f]{64})$/;
const TRAILER_SIGNATURE_NAME = 'x-amz-trailer-signature';

type DecoderState =
  | 'chunk-header'
  | 'chunk-data'
  | 'chunk-data-end'
  | 'after-final-chunk'
  | 'trailer'
  | 'after-trailer-signature'
  | 'done';

/** AwsChunkedDecoder verifies and de-chunks a streaming-signed body. One instance per request. */
export class AwsChunkedDecoder implements BodyVerifier {
  readonly #options: AwsChunkedDecoderOptions;
  #state: DecoderState = 'chunk-header';
  #previousSignature: string;
  #line = '';
  #chunkRemaining = 0;
  #chunkSignature = '';
  #chunkHash: Hash | undefined;
  #decodedSoFar = 0;
  readonly #trailers: Array<readonly [string, string]> = [];

  constructor(options: AwsChunkedDecoderOptions) {
    this.#options = options;
    this.#previousSignature = options.signing.seedSignature;
  }

  write(input: Uint8Array, emit: EmitPiece): void {
    let offset = 0;
    while (offset < input.length) {
      if (this.#state === 'chunk-data') {
        const take = Math.min(this.#chunkRemaining, input.length - offset);
        const piece = input.subarray(offset, offset + take);
        this.#chunkHash!.update(piece);
        emit(piece);
        offset += take;
        this.#chunkRemaining -= take;
        if (this.#chunkRemaining === 0) this.#state = 'chunk-data-end';
        continue;
      }
      const newline = input.indexOf(0x0a, offset);
      const end = newline === -1 ? input.length : newline;
      if (this.#line.length + (end - offset) > MAX_LINE_BYTES) throw this.#framingError('a chunk line is too long');
      this.#line += Buffer.from(input.buffer, input.byteOffset + offset, end - offset).toString('latin1');
      if (newline === -1) return;
      offset = newline + 1;
      if (!this.#line.endsWith('\r')) throw this.#framingError('a chunk line does not end with CRLF');
      const line = this.#line.slice(0, -1);
      this.#line = '';
      this.#onLine(line, emit);
    }
  }

  end(emit: EmitPiece): void {
    // A client may stop right after the trailer signature line, without the closing blank line.
    if (this.#state === 'after-trailer-signature') this.#state = 'done';
    if (this.#state !== 'done' || this.#line !== '') throw this.#framingError('the body ended before its final chunk');
    if (this.#options.output === 'unsigned-trailer-framing') {
      const trailerLines = this.#trailers.map(([name, value]) => `${name}:${value}\r\n`).join('');
      emit(Buffer.from(`0\r\n${trailerLines}\r\n`, 'latin1'));
    }
  }

  #onLine(line: string, emit: EmitPiece): void {
    switch (this.#state) {
      case 'chunk-header':
        this.#onChunkHeader(line, emit);
        return;
      case 'chunk-data-end':
        if (line !== '') throw this.#framingError('chunk data is longer than its declared size');
        this.#verifyChunk(this.#chunkHash!.digest('hex'));
        if (this.#options.output === 'unsigned-trailer-framing') emit(Buffer.from('\r\n'));
        this.#state = 'chunk-header';
        return;
      case 'after-final-chunk':
        if (this.#options.trailerNames === undefined) {
          if (line !== '') throw this.#framingError('data follows the final chunk');
          this.#state = 'done';
          return;
        }
        this.#state = 'trailer';
        // The blank line some SDKs put between the final chunk and the trailer.
        if (line !== '') this.#onTrailerLine(line);
        return;
      case 'trailer':
        this.#onTrailerLine(line);
        return;
      case 'after-trailer-signature':
        if (line !== '') throw this.#framingError('data follows the trailer signature');
        this.#state = 'done';
        return;
      default:
        throw this.#framingError('data follows the end of the body');
    }
  }

  #onChunkHeader(line: string, emit: EmitPiece): void {
    const match = CHUNK_HEADER_PATTERN.exec(line);
    if (match === null) throw this.#framingError('a chunk header is not "<hex-size>;chunk-signature=<signature>"');
    const size = Number.parseInt(match[1]!, 16);
    this.#chunkSignature = match[2]!;
    this.#decodedSoFar += size;
    if (this.#decodedSoFar > this.#options.decodedLength) {
      throw this.#framingError('the chunks are longer than x-amz-decoded-content-length');
    }
    if (size === 0) {
      this.#verifyChunk(EMPTY_SHA256);
      if (this.#decodedSoFar !== this.#options.decodedLength) {
        throw this.#framingError('the chunks are shorter than x-amz-decoded-content-length');
      }
      this.#state = 'after-final-chunk';
      return;
    }
    this.#chunkRemaining = size;
    this.#chunkHash = createHash('sha256');
    this.#state = 'chunk-data';
    if (this.#options.output === 'unsigned-trailer-framing') emit(Buffer.from(`${size.toString(16)}\r\n`, 'latin1'));
  }

  #onTrailerLine(line: string): void {
    const colon = line.indexOf(':');
    if (colon <= 0) throw this.#framingError('a trailer line is not "name:value"');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name !== TRAILER_SIGNATURE_NAME) {
      if (!this.#options.trailerNames!.includes(name) || this.#trailers.some(([seen]) => seen === name)) {
        throw this.#framingError(`trailer ${JSON.stringify(name.slice(0, 64))} was not declared in x-amz-trailer`);
      }
      if (this.#trailers.length >= MAX_TRAILERS) throw this.#framingError('too many trailers');
      this.#trailers.push([name, value]);
      return;
    }
    if (this.#trailers.length !== this.#options.trailerNames!.length) {
      throw this.#framingError('a trailer declared in x-amz-trailer is missing');
    }
    const canonicalTrailers = this.#trailers.map(([trailerName, trailerValue]) => `${trailerName}:${trailerValue}\n`);
    const stringToSign = [
      'AWS4-HMAC-SHA256-TRAILER',
      this.#options.signing.amzDate,
      this.#options.signing.scopeText,
      this.#previousSignature,
      sha256Hex(canonicalTrailers.join('')),
    ].join('\n');
    this.#checkSignature(value, stringToSign, 'trailer');
    this.#state = 'after-trailer-signature';
  }

  #verifyChunk(dataHash: string): void {
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      this.#options.signing.amzDate,
      this.#options.signing.scopeText,
      this.#previousSignature,
      EMPTY_SHA256,
      dataHash,
    ].join('\n');
    this.#checkSignature(this.#chunkSignature, stringToSign, 'chunk');
  }

  #checkSignature(claimed: string, stringToSign: string, what: 'chunk' | 'trailer'): void {
    const expected = hmacHex(this.#options.signing.signingKey, stringToSign);
    const claimedBytes = Buffer.from(claimed, 'latin1');
    const expectedBytes = Buffer.from(expected, 'latin1');
    if (claimedBytes.length !== expectedBytes.length || !timingSafeEqual(claimedBytes, expectedBytes)) {
      throw new SignatureMismatchError(
        `The ${what} signature we calculated does not match the signature you provided. Check your key and signing method.`,
        { service: this.#options.service, stringToSign },
      );
    }
    this.#previousSignature = claimed;
  }

  #framingError(problem: string): SignatureMismatchError {
    return new SignatureMismatchError(`The aws-chunked body is malformed: ${problem}.`, {
      service: this.#options.service,
    });
  }
}

import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { PayloadHashMismatchError, PayloadTooLargeError } from '../core/errors.js';

/**
 * How a body that is still arriving is verified without buffering it, and without letting an unverified request
 * reach the cloud.
 *
 * A body verifier sees the bytes as they come and passes them on at once (bounded memory: a 1 GiB upload is never
 * held), but the stream that carries them downstream always keeps back the last piece it was given. That piece is
 * released only after the verifier has checked the end of the body (the SHA-256 of the whole payload, or the last
 * chunk signature and the trailer). On a mismatch the stream fails instead: the upstream request is then short of
 * its final bytes (its Content-Length, or the closing `0` chunk, is never reached) and the forwarder aborts the
 * connection, so the cloud never receives a complete request and cannot act on it. S3 would in any case refuse a
 * body that does not match a signed `x-amz-content-sha256`; holding back the tail makes that true for every service
 * and every payload mode, without trusting the upstream to check.
 *
 *   agent ──▶ [verifier: hash/parse, pass bytes on] ──▶ [hold last piece] ──▶ forward ──▶ cloud
 *                                                              │
 *                                   end of body: verified? release it : fail the stream (upstream aborted, short)
 */

/** EmitPiece receives verified-so-far bytes that may go downstream. */
export type EmitPiece = (piece: Uint8Array) => void;

/** BodyVerifier checks a body as it streams. Both methods throw an AgentAuthenticationError on a bad body. */
export interface BodyVerifier {
  write(input: Uint8Array, emit: EmitPiece): void;
  end(emit: EmitPiece): void;
}

/**
 * VerifiedBodyStream runs a BodyVerifier over a stream and holds back the last piece until `end()` succeeds, as
 * described above.
 */
export class VerifiedBodyStream extends Transform {
  readonly #verifier: BodyVerifier;
  #held: Uint8Array | undefined;
  readonly #emit: EmitPiece = (piece) => {
    if (piece.length === 0) return;
    if (this.#held !== undefined) this.push(this.#held);
    this.#held = piece;
  };

  constructor(verifier: BodyVerifier) {
    super();
    this.#verifier = verifier;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#verifier.write(chunk, this.#emit);
      callback();
    } catch (error) {
      this.#held = undefined;
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#verifier.end(this.#emit);
      if (this.#held !== undefined) this.push(this.#held);
      this.#held = undefined;
      callback();
    } catch (error) {
      this.#held = undefined;
      callback(error as Error);
    }
  }
}

/** verifyStream pipes a body through a verifier; errors on either side destroy both. */
export function verifyStream(body: Readable, verifier: BodyVerifier): VerifiedBodyStream {
  const verified = new VerifiedBodyStream(verifier);
  // pipeline destroys every stream with the first error: the consumer of `verified` sees it and aborts upstream.
  pipeline(body, verified, () => {});
  return verified;
}

/** verifyBuffer runs a verifier over a body already in memory and returns what it lets through. */
export function verifyBuffer(body: Uint8Array, verifier: BodyVerifier): Buffer {
  const pieces: Uint8Array[] = [];
  const emit: EmitPiece = (piece) => {
    pieces.push(piece);
  };
  verifier.write(body, emit);
  verifier.end(emit);
  return Buffer.concat(pieces);
}

/** Sha256BodyVerifier checks that a body hashes to the hex SHA-256 the agent signed. */
export class Sha256BodyVerifier implements BodyVerifier {
  readonly #expected: Buffer;
  readonly #service: string;
  readonly #hash = createHash('sha256');

  constructor(expectedHex: string, service: string) {
    this.#expected = Buffer.from(expectedHex.toLowerCase(), 'hex');
    this.#service = service;
  }

  write(input: Uint8Array, emit: EmitPiece): void {
    this.#hash.update(input);
    emit(input);
  }

  end(): void {
    checkSha256(this.#hash.digest(), this.#expected, this.#service);
  }
}

/**
 * verifyBufferedSha256 checks a body already in memory against the hex SHA-256 the agent signed: what a
 * Sha256BodyVerifier does, in one call, and without copying the body.
 *
 * @throws PayloadHashMismatchError when the body hashes to something else
 */
export function verifyBufferedSha256(body: Uint8Array, expectedHex: string, service: string): void {
  checkSha256(hash('sha256', body, 'buffer'), Buffer.from(expectedHex, 'hex'), service);
}

function checkSha256(actual: Buffer, expected: Buffer, service: string): void {
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new PayloadHashMismatchError("The provided 'x-amz-content-sha256' header does not match what was computed.", {
      service,
    });
  }
}

/**
 * readBodyWithin buffers a stream up to a limit. Used only when the agent did not send `x-amz-content-sha256`, so
 * the signature covers a hash Airlock must compute before it can verify anything.
 *
 * @throws PayloadTooLargeError when the body is longer than `limit` bytes (the stream is destroyed)
 */
export async function readBodyWithin(body: Readable, limit: number, service: string): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let length = 0;
  for await (const piece of body) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer);
    length += bytes.length;
    if (length > limit) {
      body.destroy();
      throw new PayloadTooLargeError(
        `Your proposed upload exceeds the maximum allowed size (${limit} bytes) for a body without x-amz-content-sha256.`,
        { service },
      );
    }
    pieces.push(bytes);
  }
  return Buffer.concat(pieces, length);
}

/**
 * WireRequest is the request as listen received it (`proxy/core/wire-request.ts`). Decode reads a body only when it
 * is in memory: a stream (a large S3 upload) counts as not read, which is fine for operations whose payload is a
 * blob; other operations with a declared body are refused as `body-not-read`.
 */
export type { WireRequest } from '../core/wire-request.js';

/** DecodeOptions configure a decoder; they are checked once, when the decoder is created. */
export interface DecodeOptions {
  /** Bodies longer than this are not parsed; calls that need them are refused as `body-too-large`. */
  maxBodyBytes: number;
  /** Replace members the service model marks sensitive with REDACTED (default true). */
  redactSensitive?: boolean;
}

/** ResolvedDecodeOptions are DecodeOptions with defaults filled. */
export interface ResolvedDecodeOptions {
  maxBodyBytes: number;
  redactSensitive: boolean;
}

/**
 * resolveDecodeOptions checks options once and fills defaults.
 * @throws TypeError when maxBodyBytes is not a non-negative safe integer.
 */
export function resolveDecodeOptions(options: DecodeOptions): ResolvedDecodeOptions {
  if (!Number.isSafeInteger(options.maxBodyBytes) || options.maxBodyBytes < 0) {
    throw new TypeError('maxBodyBytes must be a non-negative integer');
  }
  return { maxBodyBytes: options.maxBodyBytes, redactSensitive: options.redactSensitive ?? true };
}

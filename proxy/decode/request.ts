/**
 * WireRequest is one HTTP request as the listen stage received it, before any decoding. It does not depend on Node's
 * http module, so tests and other front ends build it directly.
 */
export interface WireRequest {
  /** HTTP method, upper-case. */
  method: string;
  /** Host the agent connected to: the CONNECT target (the truth) or the Host header; may carry `:port`. */
  host: string;
  /** Raw request-target path with its query string, exactly as on the wire (never normalised). */
  path: string;
  /** Headers with lower-case names; repeated headers joined with `, ` as Node does. */
  headers: Readonly<Record<string, string | undefined>>;
  /**
   * The whole body, or undefined when the caller did not read it (streaming S3 uploads). An undefined body is fine
   * for operations whose payload is a blob; other operations with a declared body are refused as `body-not-read`.
   */
  body: Uint8Array | undefined;
}

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

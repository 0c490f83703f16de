import { UpstreamError, type UpstreamFailureReason } from '../core/errors.js';

/** The codes of Node's `net`, `dns`, `tls` and `http` errors, by what they mean for the agent. */
const REASON_BY_CODE: Readonly<Record<string, UpstreamFailureReason>> = {
  ECONNREFUSED: 'connect-failed',
  ENOTFOUND: 'connect-failed',
  EAI_AGAIN: 'connect-failed',
  EAI_FAIL: 'connect-failed',
  EHOSTUNREACH: 'connect-failed',
  EHOSTDOWN: 'connect-failed',
  ENETUNREACH: 'connect-failed',
  ENETDOWN: 'connect-failed',
  EADDRNOTAVAIL: 'connect-failed',
  // The kernel gave up connecting (or Node's happy-eyeballs attempts all did) before Airlock's own timer.
  ETIMEDOUT: 'connect-timeout',
  // OpenSSL's "wrong version number" and other handshake failures (a plain HTTP server behind an https: route).
  EPROTO: 'tls',
  // "socket hang up" is an ECONNRESET too: the upstream closed before a complete response.
  ECONNRESET: 'connection-lost',
  ECONNABORTED: 'connection-lost',
  EPIPE: 'connection-lost',
  ERR_STREAM_PREMATURE_CLOSE: 'connection-lost',
  ERR_STREAM_DESTROYED: 'connection-lost',
  // Airlock's own check that a streamed upload is as long as its content-length.
  ERR_HTTP_CONTENT_LENGTH_MISMATCH: 'request-body-failed',
  // Node validates the method, path and headers before sending anything.
  ERR_INVALID_HTTP_TOKEN: 'invalid-request',
  ERR_INVALID_CHAR: 'invalid-request',
  ERR_HTTP_INVALID_HEADER_VALUE: 'invalid-request',
  ERR_UNESCAPED_CHARACTERS: 'invalid-request',
  ERR_INVALID_ARG_TYPE: 'invalid-request',
  ERR_INVALID_ARG_VALUE: 'invalid-request',
  ABORT_ERR: 'aborted',
};

/** Certificate and handshake failures carry OpenSSL's codes or Node's `ERR_TLS_*` / `ERR_SSL_*`. */
const TLS_CODE =
  /^(?:ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

const DESCRIPTION: Readonly<Record<UpstreamFailureReason, string>> = {
  'connect-failed': 'could not connect to',
  'connect-timeout': 'timed out connecting to',
  tls: 'could not establish TLS with',
  'headers-timeout': 'timed out waiting for the response from',
  'body-timeout': 'timed out reading the response from',
  'connection-lost': 'lost the connection to',
  'request-body-failed': "could not send the agent's request body to",
  protocol: 'received a malformed response from',
  'invalid-request': 'could not build the request for',
  aborted: 'aborted the request to',
  closed: 'is shutting down and did not send the request to',
};

/**
 * upstreamError builds the UpstreamError for a failure Airlock itself detected (a timer, an abort, a broken upload,
 * a closed forwarder). The message names the origin, and the code of `cause` when it has one.
 */
export function upstreamError(reason: UpstreamFailureReason, origin: string, cause?: unknown): UpstreamError {
  const code = errorCode(cause);
  const suffix = code === undefined ? '' : ` (${code})`;
  return new UpstreamError(`Airlock ${DESCRIPTION[reason]} ${origin}${suffix}`, reason, origin, { cause });
}

/**
 * toUpstreamError classifies a failure Node reported while connecting, sending or reading. The message is Airlock's
 * own, naming the origin and the error code only: Node's texts may quote the request (an invalid header's name,
 * the path). An UpstreamError passes through unchanged.
 */
export function toUpstreamError(error: unknown, origin: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = errorCode(error);
  let reason: UpstreamFailureReason;
  if (code !== undefined && REASON_BY_CODE[code] !== undefined) reason = REASON_BY_CODE[code];
  else if (code !== undefined && TLS_CODE.test(code)) reason = 'tls';
  else if (code !== undefined && code.startsWith('HPE_')) reason = 'protocol';
  else if (error instanceof Error && error.name === 'AbortError') reason = 'aborted';
  else reason = 'connection-lost';
  return upstreamError(reason, origin, error);
}

/** errorCode reads `code`, looking inside an AggregateError (Node's happy-eyeballs connect reports one). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

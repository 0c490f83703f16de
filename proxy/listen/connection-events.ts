/**
 * ConnectionEventKind names what went wrong on a connection, so logs and metrics can count each cause:
 * - `malformed-connect`: a CONNECT target that is not a valid `host:port`, or a CONNECT inside a tunnel;
 * - `refused-host`: a CONNECT to a host the configuration neither intercepts nor passes through;
 * - `classify-failure`, `certificate`: Airlock could not classify the host or mint its leaf;
 * - `tls-handshake`, `sni-mismatch`: the client's TLS failed (not TLS at all, a rejected leaf, a wrong SNI);
 * - `tunnel-upstream`: a pass-through tunnel could not reach its host, or lost it;
 * - `timeout`: headers, request, TLS handshake or an idle tunnel took too long;
 * - `malformed-request`, `headers-too-large`: the HTTP parser refused the client's bytes;
 * - `plain-http`: a request sent to the proxy itself rather than through CONNECT;
 * - `misdirected-request`: a tunnelled request whose Host is not the CONNECT target;
 * - `handler-failure`: the request handler threw;
 * - `listener`: the listening socket itself failed (out of file descriptors, say).
 */
export type ConnectionEventKind =
  | 'malformed-connect'
  | 'refused-host'
  | 'classify-failure'
  | 'certificate'
  | 'tls-handshake'
  | 'sni-mismatch'
  | 'tunnel-upstream'
  | 'timeout'
  | 'malformed-request'
  | 'headers-too-large'
  | 'plain-http'
  | 'misdirected-request'
  | 'handler-failure'
  | 'listener';

/**
 * ConnectionErrorEvent is one connection-level problem, small enough for a JSON log line. It never carries header
 * values, bodies or credentials: `message` is Airlock's own text or a network/TLS library message.
 */
export interface ConnectionErrorEvent {
  readonly kind: ConnectionEventKind;
  /** The CONNECT target, when one was known. */
  readonly host?: string;
  readonly port?: number;
  /** The client's address. */
  readonly client?: string;
  readonly message: string;
}

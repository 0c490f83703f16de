import {
  type AgentOptions,
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { InvalidArgumentError, type UpstreamError } from '../core/errors.js';
import type { WireBody, WireRequest } from '../identify/index.js';
import { requestHeadersWithoutHopByHop, responseHeadersWithoutHopByHop } from './hop-by-hop.js';
import { toUpstreamError, upstreamError } from './upstream-error.js';
import { createUpstreamResolver, type Upstream, type UpstreamRoute } from './upstream-routes.js';

/** ForwarderOptions configure the upstream connection pools. Every field is optional. */
export interface ForwarderOptions {
  /** Routes from AWS host names to other upstreams, first match wins; unmatched hosts go to `https://<host>`. */
  readonly upstreams?: readonly UpstreamRoute[];
  /** Keep-alive connections per upstream origin. Default 64. */
  readonly connectionsPerOrigin?: number;
  /** TCP and TLS connect timeout. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Longest wait for the response headers once the request has been sent (for a streamed upload: once its last
   * byte has been sent). Default 60 s, botocore's read timeout.
   */
  readonly headersTimeoutMs?: number;
  /** Longest silence between two pieces of a response body. Default 300 s. */
  readonly bodyTimeoutMs?: number;
  /** How long an idle connection stays open for reuse (upstream `Keep-Alive` hints may shorten it). Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /** PEM certificates trusted for upstream TLS. As with Node's `tls`, they replace the default root store. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

/** ForwardOptions tune one forwarded request. */
export interface ForwardOptions {
  /** Aborts the upstream request, at any point until the response body has been read. */
  readonly signal?: AbortSignal;
}

/** UpstreamResponse is the upstream's answer, hop-by-hop headers removed, its body still streaming. */
export interface UpstreamResponse {
  readonly status: number;
  /** Lower-case names; a header the upstream repeated (`set-cookie`) is a list. */
  readonly headers: Record<string, string | string[]>;
  /**
   * The body as it arrives, never buffered here. The caller must read it to the end or destroy it: until then the
   * connection stays busy. It errors with an UpstreamError (`body-timeout`, `connection-lost`, `protocol`,
   * `aborted`) if the upstream stalls past `bodyTimeoutMs`, breaks off before the end, or the signal fires.
   */
  readonly body: Readable;
}

/** Forwarder sends signed requests upstream over pooled keep-alive connections. */
export interface Forwarder {
  /**
   * forward sends one signed request and resolves when the response headers arrive.
   *
   * @throws UpstreamError (`AIRLOCK_ERR_UPSTREAM`) when the request could not be sent or no response came back
   */
  forward(request: WireRequest, options?: ForwardOptions): Promise<UpstreamResponse>;
  /** close lets requests in flight finish, then closes every connection. */
  close(): Promise<void>;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'upstreams',
  'connectionsPerOrigin',
  'connectTimeoutMs',
  'headersTimeoutMs',
  'bodyTimeoutMs',
  'keepAliveTimeoutMs',
  'ca',
]);

/** TCP keep-alive probes start after a minute of silence (undici's choice too), so a dead peer is noticed. */
const TCP_KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * Methods resent once when the keep-alive connection they were given turns out to have been closed by the upstream
 * before any response: GET and HEAD, with the body in memory. Anything else may already have taken effect upstream,
 * so it fails with `connection-lost` and the agent's SDK decides (botocore retries a 502).
 */
const RESENT_ON_STALE_CONNECTION: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** ExchangeState is where one request stands: no response yet, response headers received, or given up. */
type ExchangeState = 'sending' | 'answered' | 'failed';

/**
 * createForwarder builds the forward stage: an `http.Agent` and an `https.Agent`, each a keep-alive pool per origin
 * (HTTP/1.1, one request per connection at a time), and an upstream resolver. It uses Node's own HTTP client, not
 * undici: undici 7 can crash the process when an upstream closes a connection whose response body is waiting for
 * a slow reader (see README.md).
 *
 * Request and response bodies stream both ways: a Readable request body is piped to the socket with backpressure,
 * and the response body is handed back unread, so a 1 GiB object never sits in memory. The `host` header sent
 * upstream is the one the request was signed for, even when a route sends the connection elsewhere; TLS, however,
 * verifies the upstream's own name (Node would otherwise take SNI from the `host` header).
 *
 * @throws InvalidArgumentError naming the first option that cannot work
 */
export function createForwarder(options: ForwarderOptions = {}): Forwarder {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new InvalidArgumentError(`unknown forwarder option ${key}`);
  }
  const upstreamFor = createUpstreamResolver(options.upstreams ?? []);
  const connections = positiveInteger(options.connectionsPerOrigin, 64, 'connectionsPerOrigin');
  const connectTimeout = positiveInteger(options.connectTimeoutMs, 10_000, 'connectTimeoutMs');
  const headersTimeout = positiveInteger(options.headersTimeoutMs, 60_000, 'headersTimeoutMs');
  const bodyTimeout = positiveInteger(options.bodyTimeoutMs, 300_000, 'bodyTimeoutMs');
  const keepAliveTimeout = positiveInteger(options.keepAliveTimeoutMs, 30_000, 'keepAliveTimeoutMs');

  const pool: AgentOptions = {
    keepAlive: true,
    keepAliveMsecs: TCP_KEEP_ALIVE_DELAY_MS,
    maxSockets: connections,
    // The most recently used connection goes first, so surplus ones stay idle long enough to be closed.
    scheduling: 'lifo',
    // Idle pooled sockets only: each request sets `timeout: 0` while it holds a socket (its own timers cover
    // connect, headers and body), and the agent restores this one, or the upstream's shorter `Keep-Alive:
    // timeout=n` hint less a second, when the socket goes back to the pool; a socket that times out there is closed.
    timeout: keepAliveTimeout,
  };
  const httpAgent = new HttpAgent(pool);
  const httpsAgent = new HttpsAgent(
    options.ca === undefined
      ? pool
      : { ...pool, ca: typeof options.ca === 'string' ? options.ca : [options.ca].flat() },
  );

  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  function requestDone(): void {
    inFlight -= 1;
    if (inFlight === 0) onIdle?.();
  }

  async function forward(request: WireRequest, forwardOptions: ForwardOptions = {}): Promise<UpstreamResponse> {
    const upstream = upstreamFor(request.host);
    const { signal } = forwardOptions;
    if (closing !== undefined) throw upstreamError('closed', upstream.origin);
    if (signal?.aborted === true) throw upstreamError('aborted', upstream.origin);
    const headers = requestHeadersWithoutHopByHop(request.headers);
    headers.host ??= request.host.replace(/:443$/, '');
    frameBody(headers, request.body);
    const resendable = RESENT_ON_STALE_CONNECTION.has(request.method) && request.body instanceof Uint8Array;

    inFlight += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      requestDone();
    };
    try {
      return await exchange(upstream, request, headers, signal, resendable, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * exchange sends the request once (twice for a resendable one on a stale connection) and awaits the headers.
   * `release` is called once the response has been received whole, or its body destroyed: the exchange no longer
   * holds a connection, which is what close() waits for.
   */
  function exchange(
    upstream: Upstream,
    request: WireRequest,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    resendable: boolean,
    release: () => void,
  ): Promise<UpstreamResponse> {
    const { origin } = upstream;
    const secure = origin.startsWith('https:');
    return new Promise<UpstreamResponse>((resolve, reject) => {
      let outgoing: ClientRequest;
      try {
        outgoing = (secure ? httpsRequest : httpRequest)({
          agent: secure ? httpsAgent : httpAgent,
          host: upstream.hostname,
          port: portOf(origin, secure),
          method: request.method,
          path: request.path,
          headers,
          // Node would take the TLS server name from the host header, the AWS name the request was signed for.
          // Certificates are checked against the upstream's own name instead; an IP literal gets no SNI (RFC 6066)
          // and is checked against the certificate's IP addresses. Requests with any host header share one pool.
          servername: isIP(upstream.hostname) === 0 ? upstream.hostname : '',
          timeout: 0,
        });
      } catch (error) {
        reject(toUpstreamError(error, origin));
        return;
      }

      let state: ExchangeState = 'sending';
      let body: UpstreamBody | undefined;
      let connectTimer: NodeJS.Timeout | undefined;
      let headersTimer: NodeJS.Timeout | undefined;

      function settle(): void {
        clearTimeout(connectTimer);
        clearTimeout(headersTimer);
        if (state === 'failed') signal?.removeEventListener('abort', onAbort);
      }
      /** fail rejects at once, even while the request still waits for a pooled connection. */
      function fail(failure: UpstreamError): void {
        if (state !== 'sending') return;
        state = 'failed';
        settle();
        outgoing.destroy(failure);
        reject(failure);
      }
      function onAbort(): void {
        const failure = upstreamError('aborted', origin);
        if (state === 'sending') fail(failure);
        else body?.destroy(failure);
      }
      signal?.addEventListener('abort', onAbort, { once: true });

      outgoing.on('error', (error) => {
        if (state === 'answered') body?.upstreamFailed(error);
        if (state !== 'sending') return;
        const failure = toUpstreamError(error, origin);
        if (resendable && outgoing.reusedSocket && failure.reason === 'connection-lost') {
          state = 'failed';
          settle();
          resolve(exchange(upstream, request, headers, signal, false, release));
          return;
        }
        fail(failure);
      });
      outgoing.once('socket', (socket: Socket) => {
        // A pooled connection is ready; a new one is still resolving, connecting or handshaking.
        const ready = socket instanceof TLSSocket ? socket.authorized : !socket.connecting;
        if (ready) return;
        connectTimer = setTimeout(() => fail(upstreamError('connect-timeout', origin)), connectTimeout);
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      // For a streamed upload 'finish' comes after its last byte, however slowly the agent sent it.
      outgoing.once('finish', () => {
        if (state !== 'sending') return;
        headersTimer = setTimeout(() => fail(upstreamError('headers-timeout', origin)), headersTimeout);
      });
      outgoing.once('response', (message: IncomingMessage) => {
        if (state !== 'sending') return;
        state = 'answered';
        settle();
        const answered = new UpstreamBody(message, origin, bodyTimeout);
        message.once('end', release);
        answered.once('close', () => {
          signal?.removeEventListener('abort', onAbort);
          release();
        });
        body = answered;
        // statusCode is set on every response a ClientRequest emits.
        resolve({
          status: message.statusCode!,
          headers: responseHeadersWithoutHopByHop(message.rawHeaders),
          body: answered,
        });
      });

      const upload = request.body;
      if (upload instanceof Uint8Array) {
        outgoing.end(upload);
        return;
      }
      // Registered before pipeline's own listeners, so that an upload that fails first (the agent went away,
      // identify found a bad chunk, the length is wrong) is named as the cause. pipeline then aborts the upstream
      // request before it is complete, and the upstream never acts on a partial body. Failures reach these
      // listeners and the request's; pipeline's own verdict adds nothing.
      const uploadFailed = (error: Error) => fail(upstreamError('request-body-failed', origin, error));
      upload.on('error', uploadFailed);
      const declared = headers['content-length'];
      if (declared === undefined) {
        pipeline(upload, outgoing, ignore);
        return;
      }
      const lengthCheck = new DeclaredLengthCheck(Number(declared));
      lengthCheck.on('error', uploadFailed);
      pipeline(upload, lengthCheck, outgoing, ignore);
    });
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
      httpAgent.destroy();
      httpsAgent.destroy();
    })();
    return closing;
  }

  return { forward, close };
}

/**
 * frameBody sets how the request body is delimited. A body in memory goes with its `content-length` (Node adds
 * `content-length: 0` itself to an empty POST or PUT, and nothing to an empty GET). A stream keeps the length the
 * agent declared, or goes chunked, as a `STREAMING-UNSIGNED-PAYLOAD-TRAILER` upload re-framed by identify must:
 * Node itself would send a streamed GET or DELETE with neither header, undelimited.
 */
function frameBody(headers: Record<string, string>, body: WireBody): void {
  if (body instanceof Uint8Array) {
    if (body.length > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
  } else if (headers['content-length'] === undefined) {
    headers['transfer-encoding'] = 'chunked';
  }
}

/**
 * UpstreamBody is the response body handed to the caller: the IncomingMessage's bytes, with the caller's
 * backpressure passed on to the socket, and every way it can fail reported as an UpstreamError.
 *
 * - Truncation always errors. An IncomingMessage cut off by the upstream emits its error only if someone listens
 *   at that moment; this stream always listens.
 * - `bodyTimeoutMs` is the upstream's silence: the timer runs only while the caller wants more bytes, so a caller
 *   that reads slowly (the agent's own connection pushing back) never makes it fire.
 * - A failure while nobody reads yet must not become an uncaught 'error' that stops the process, which is what
 *   undici#5360 did. The stream keeps its own no-op listener; the error stays in `errored`, and any later read,
 *   `for await` or `pipeline` fails with it.
 */
class UpstreamBody extends Readable {
  readonly #message: IncomingMessage;
  readonly #origin: string;
  readonly #silenceMs: number;
  #silence: NodeJS.Timeout | undefined;

  constructor(message: IncomingMessage, origin: string, silenceMs: number) {
    super();
    this.#message = message;
    this.#origin = origin;
    this.#silenceMs = silenceMs;
    this.on('error', ignore);
    message.on('data', (piece: Buffer) => {
      const wantsMore = this.push(piece);
      if (!wantsMore) message.pause();
      if (!wantsMore || message.complete) this.#stopWatching();
      else this.#silence?.refresh();
    });
    message.once('end', () => {
      this.#stopWatching();
      this.push(null);
    });
    message.on('error', (error) => this.upstreamFailed(error));
    // Closed without an error: a connection that ended before the body did.
    message.once('close', () => this.upstreamFailed(undefined));
    this.#watch();
  }

  /** upstreamFailed ends the body with the UpstreamError for `cause`, unless every byte had already arrived. */
  upstreamFailed(cause: unknown): void {
    if (!this.#message.complete) this.destroy(toUpstreamError(cause, this.#origin));
  }

  override _read(): void {
    if (!this.#message.complete) this.#watch();
    this.#message.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopWatching();
    // Before its end this closes the connection: the rest of the response would otherwise arrive on it.
    this.#message.destroy();
    callback(error);
  }

  #watch(): void {
    this.#silence ??= setTimeout(() => this.destroy(upstreamError('body-timeout', this.#origin)), this.#silenceMs);
  }

  #stopWatching(): void {
    clearTimeout(this.#silence);
    this.#silence = undefined;
  }
}

/**
 * DeclaredLengthCheck fails a streamed upload that is longer or shorter than its `content-length`: the surplus would
 * reach the upstream as the start of another request on the same connection. (Node's `strictContentLength` checks
 * the same, but throws from inside `pipeline`'s event handlers, where nothing catches it.)
 */
class DeclaredLengthCheck extends Transform {
  #remaining: number;

  constructor(declared: number) {
    super();
    this.#remaining = declared;
  }

  override _transform(piece: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#remaining -= piece.length;
    if (this.#remaining < 0) callback(this.#mismatch());
    else callback(null, piece);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#remaining === 0 ? null : this.#mismatch());
  }

  #mismatch(): Error {
    return Object.assign(new Error('the upload does not match its content-length'), {
      code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
    });
  }
}

/** portOf reads an origin's port (`http://[::1]:5000`), else the protocol's default. */
function portOf(origin: string, secure: boolean): number {
  const port = /:(\d+)$/.exec(origin)?.[1];
  return port === undefined ? (secure ? 443 : 80) : Number(port);
}

function ignore(): void {}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return value;
}

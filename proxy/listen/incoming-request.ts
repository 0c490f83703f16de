import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, RequestBodyError } from '../core/errors.js';
import type { WireBody, WireRequest } from '../identify/index.js';
import { type ConnectTarget, formatAuthority } from './connect-target.js';

/**
 * wireRequestFrom describes a tunnelled request as identify and decode read it: the method in upper case, the CONNECT
 * target as host (with `:port` only when it is not 443), the raw request target as path (never re-encoded), and the
 * headers with repeated values joined as SigV4 canonicalises them.
 */
export function wireRequestFrom(incoming: IncomingMessage, target: ConnectTarget, body: WireBody): WireRequest {
  return {
    method: (incoming.method ?? '').toUpperCase(),
    host: formatAuthority(target),
    path: incoming.url ?? '',
    headers: wireHeadersFrom(incoming.rawHeaders),
    body,
  };
}

/**
 * wireHeadersFrom reads Node's `rawHeaders` (name, value, name, value...) into WireHeaders in one pass, as
 * headersFromDistinct would read `headersDistinct`: names in lower case, a repeated header's values trimmed and
 * joined with ",". Node has already built `headers` for itself; building `headersDistinct` too cost a third pass.
 */
function wireHeadersFrom(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  let repeated: Map<string, string[]> | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    const value = rawHeaders[index + 1]!;
    const first = headers[name];
    if (first === undefined) {
      headers[name] = value;
      continue;
    }
    repeated ??= new Map();
    const values = repeated.get(name);
    if (values === undefined) repeated.set(name, [first, value]);
    else values.push(value);
  }
  if (repeated !== undefined) {
    for (const [name, values] of repeated) headers[name] = values.map((value) => value.trim()).join(',');
  }
  return headers;
}

/**
 * readBodyUpTo buffers a request body whose `Content-Length` is at most `limitBytes`, and returns the request stream
 * itself, untouched, for a longer or chunked body, so a large upload streams instead of filling memory. A request
 * with neither header has no body and resolves to an empty Buffer.
 *
 * @throws RequestBodyError (as a rejection) when more or fewer bytes arrive than declared, or the client goes away
 */
export function readBodyUpTo(incoming: IncomingMessage, limitBytes: number): Promise<Buffer | Readable> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) {
    return Promise.reject(new InvalidArgumentError('limitBytes must be a non-negative integer'));
  }
  if (incoming.headers['transfer-encoding'] !== undefined) return Promise.resolve(incoming);
  const declaredText = incoming.headers['content-length'];
  if (declaredText === undefined) return Promise.resolve(Buffer.alloc(0));
  // Node's parser has already refused a Content-Length that is not digits, or two that differ.
  const declared = Number(declaredText);
  if (declared > limitBytes) return Promise.resolve(incoming);
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let received = 0;
    const finish = (outcome: () => void): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      outcome();
    };
    const onData = (piece: Buffer): void => {
      received += piece.length;
      if (received > declared) {
        finish(() => reject(new RequestBodyError(`request body is longer than its Content-Length of ${declared}`)));
        incoming.destroy();
        return;
      }
      pieces.push(piece);
    };
    const onEnd = (): void => {
      if (received === declared) finish(() => resolve(Buffer.concat(pieces, received)));
      else finish(() => reject(new RequestBodyError(`request body ended after ${received} of ${declared} bytes`)));
    };
    // Node reports a client that vanishes mid-body as an 'aborted' error, or as a close without 'end'.
    const onError = (error: Error): void =>
      finish(() =>
        reject(new RequestBodyError(`request body broke off after ${received} of ${declared} bytes`, { cause: error })),
      );
    const onClose = (): void =>
      finish(() => reject(new RequestBodyError(`request body broke off after ${received} of ${declared} bytes`)));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

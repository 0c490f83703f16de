/*
 * gqlparser's errors (gqlerror.Error and gqlerror.List) with their Go text, OPA's rewording of that text, and the
 * two ways this port refuses: where gqlparser would panic, and where the host's bounded-work limits are reached.
 */

import type { Position } from './ast.js';

/** Location is a 1-based line and column (gqlerror.Location). */
export interface Location {
  readonly line: number;
  readonly column: number;
}

/** GqlError is a gqlerror.Error: a message, at most one location that counts, and the file it is in. */
export class GqlError extends Error {
  override readonly name = 'GqlError';
  readonly locations: Location[] = [];
  /** The source's name ("" for the user's text, which Go prints as "input"). */
  file = '';

  /** goText is Go's Error(): `file:line:column: message`, the location only when there is one. */
  goText(): string {
    const location = this.locations[0];
    const where = location === undefined ? '' : `:${location.line}:${location.column}`;
    return `${this.file === '' ? 'input' : this.file}${where}: ${this.message}`;
  }
}

/** errorAt is gqlerror.ErrorLocf: an error at a line and column of the named source. */
export function errorAt(file: string, line: number, column: number, message: string): GqlError {
  const error = new GqlError(message);
  error.file = file;
  error.locations.push({ line, column });
  return error;
}

/** errorAtPosition is gqlerror.ErrorPosf, which dereferences the position and its source. */
export function errorAtPosition(position: Position | null, message: string): GqlError {
  const at = must(position);
  return errorAt(must(at.Src).Name, at.Line, at.Column, message);
}

/** listText is gqlerror.List's Error(): every error's text followed by a newline. */
export function listText(errors: readonly GqlError[]): string {
  return errors.map((error) => `${error.goText()}\n`).join('');
}

/**
 * opaMessage is OPA's formatGqlParserError: the text after the third colon, stripped of leading spaces and of a
 * final ".\n", followed by the location taken from the first two fields; text that does not start with
 * `file:line:column:` is wrapped whole.
 */
export function opaMessage(goText: string): string {
  const parts = splitN(goText, ':', 4);
  if (parts.length >= 4) {
    const row = parseUint(parts[1]!);
    const column = parseUint(parts[2]!);
    if (row !== undefined && column !== undefined) {
      let message = parts[3]!.replace(/^ +/, '');
      if (message.endsWith('.\n')) message = message.slice(0, -2);
      return `${message} in GraphQL string at location ${row}:${column}`;
    }
  }
  return `GraphQL parse error: ${goText}`;
}

/** splitN is Go's strings.SplitN. */
function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

/** parseUint is strconv.ParseUint(text, 10, 64), printed back as %d prints it. */
function parseUint(text: string): string | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < 1n << 64n ? value.toString() : undefined;
}

/** GoPanic marks a point where gqlparser would dereference nil or reach an unhandled case, so Go would panic. */
export class GoPanic extends Error {
  override readonly name = 'GoPanic';
}

/** must is a Go pointer dereference: nil panics. */
export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new GoPanic('nil pointer dereference');
  return value;
}

/** GraphqlLimitError says a document is nested too deeply, or needs too much work, for the host to answer. */
export class GraphqlLimitError extends Error {
  override readonly name = 'GraphqlLimitError';
}

/** WorkBudget bounds the work of one built-in call, so hostile documents cannot make a decision hang. */
export class WorkBudget {
  #left: number;

  constructor(units: number) {
    this.#left = units;
  }

  /** spend takes `units` from the budget. @throws {GraphqlLimitError} when it runs out. */
  spend(units = 1): void {
    this.#left -= units;
    if (this.#left < 0) throw new GraphqlLimitError('the GraphQL document needs too much work to validate');
  }
}

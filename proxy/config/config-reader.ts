import { ConfigError } from '../core/errors.js';

/**
 * ConfigReader checks values parsed from airlock.yaml, one key at a time, and fails with a ConfigError naming the
 * file, the key's path (`accounts[0].credentials.type`), what was expected, and what was found. A key set by an
 * environment variable is named by that variable instead (`AIRLOCK_LISTEN: expected ...`), since that is what the
 * operator has to fix. It never quotes a string (a secret pasted into the wrong key must not end up in a terminal or
 * a log); numbers and booleans, which cannot be secrets, are shown.
 */
export class ConfigReader {
  /** The config file's path, or a description such as `defaults`, for messages. */
  readonly source: string;
  /** The key paths whose values came from environment variables, and those variables' names. */
  readonly #variables: ReadonlyMap<string, string>;

  constructor(source: string, variables: ReadonlyMap<string, string> = new Map()) {
    this.source = source;
    this.#variables = variables;
  }

  /** fail throws a ConfigError: `<source>: <path>: expected <expected>, got <kind of value>`. */
  fail(path: string, expected: string, value: unknown): never {
    this.invalid(path, `expected ${expected}, got ${describe(value)}`);
  }

  /** invalid throws a ConfigError with a message of its own, for rules that are not about one value's type. */
  invalid(path: string, message: string): never {
    const variable = this.#variables.get(path);
    if (variable !== undefined) throw new ConfigError(`${variable}: ${message}`, path);
    throw new ConfigError(`${this.source}: ${path || 'the top level'}: ${message}`, path);
  }

  /** origin names where a key's value came from, for messages about another key: its variable, else its path. */
  origin(path: string): string {
    return this.#variables.get(path) ?? path;
  }

  /**
   * mapping checks that `value` is a mapping with no keys besides `allowed`, and returns it. Undefined (a key left
   * out) reads as an empty mapping, so every section has defaults.
   */
  mapping(value: unknown, path: string, allowed: readonly string[]): Readonly<Record<string, unknown>> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'a mapping', value);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.invalid(join(path, key), `unknown key; ${path || 'the top level'} accepts ${allowed.join(', ')}`);
      }
    }
    return value as Record<string, unknown>;
  }

  /** list checks that `value` is a list; undefined reads as empty. */
  list(value: unknown, path: string): readonly unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(path, 'a list', value);
    return value;
  }

  string(value: unknown, path: string, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value === '') this.fail(path, 'a non-empty string', value);
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined ? undefined : this.string(value, path);
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value;
  }

  /** positiveNumber reads a count of seconds: any finite number above zero. */
  positiveNumber(value: unknown, path: string, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(path, 'a number above 0', value);
    return value;
  }

  optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `an integer from ${min} to ${max}`, value);
    }
    return value;
  }

  /**
   * httpOrigin reads an `http://` or `https://` URL that names a server only: no path, query, or user information
   * (which would put a password in the configuration). Returns its origin.
   */
  httpOrigin(value: unknown, path: string): string {
    const expected = 'an http:// or https:// URL with no path, query or password (http://127.0.0.1:5000)';
    const text = this.string(value, path);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.fail(path, expected, text);
    }
    const serverOnly =
      url.username === '' && url.password === '' && url.search === '' && url.hash === '' && url.pathname === '/';
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !serverOnly) this.fail(path, expected, text);
    return url.origin;
  }

  /** oneOf reads a string that must be one of `choices`. */
  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(path, `one of ${choices.join(', ')}`, value);
    }
    return value as T;
  }
}

/** join appends a key to a path: `limits` + `max_header_bytes` → `limits.max_header_bytes`. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** describe says what a value is: a number or boolean itself; for anything else only its kind. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value;
}

/*
 * The host side of built-in functions: the TypeScript implementations of the built-ins the Wasm runtime does not
 * implement natively, in the shape `@open-policy-agent/opa-wasm` takes as `customBuiltins`.
 *
 *   const host = createHostBuiltins({ print: (line) => log.debug(line) });
 *   const policy = await loadPolicy(wasm, undefined, host.builtins);
 *   const result = host.evaluate(() => policy.evaluate(input), { now: callTime });
 *
 * `host.evaluate` delimits one evaluation: every `time.now_ns()` inside answers `now` (default: the clock, read
 * once). Calling `policy.evaluate` without it also works: the first call that needs the clock reads it and the
 * reading lasts until the current synchronous job ends (see context.ts).
 */

import { BUILTIN_DECLS } from '../catalogue.js';
import { AWS_SIGN_BUILTINS } from './aws-sign.js';
import type { HostBuiltinImpl, HostBuiltinTable, HostCall } from './builtin.js';
import { type BridgeEncoding, decodeArgument, encodeResult } from './codec.js';
import { type Clock, EvaluationScope, type EvaluationOptions, systemClock } from './context.js';
import { CRYPTO_BUILTINS } from './crypto.js';
import { ENCODING_BUILTINS } from './encoding.js';
import { BuiltinError, HostLimitError } from './errors.js';
import { GLOB_BUILTINS } from './glob.js';
import { GRAPH_BUILTINS } from './graph.js';
import { GRAPHQL_BUILTINS } from './graphql/index.js';
import { JSON_BUILTINS } from './json.js';
import { JSON_SCHEMA_BUILTINS } from './json-schema/index.js';
import { JWT_BUILTINS } from './jwt.js';
import { NET_BUILTINS } from './net.js';
import { OBJECT_BUILTINS } from './objects.js';
import { PRINT_BUILTINS } from './print.js';
import { REGEX_BUILTINS } from './regex.js';
import { SEMVER_BUILTINS } from './semver.js';
import { SPRINTF_BUILTINS } from './sprintf.js';
import { STRINGS_BUILTINS } from './strings.js';
import { TIME_BUILTINS } from './time.js';
import { UNITS_BUILTINS } from './units.js';
import { UUID_BUILTINS } from './uuid.js';
import { X509_BUILTINS } from './x509.js';
import { YAML_BUILTINS } from './yaml.js';

export { BuiltinError, HostLimitError } from './errors.js';
export type { EvaluationOptions } from './context.js';
export type { BridgeEncoding } from './codec.js';

/** SdkBuiltin is a built-in as the SDK calls it: JSON-parsed arguments in, a JSON-able value (or undefined) out. */
export type SdkBuiltin = (...args: unknown[]) => unknown;

/** Every host implementation, by OPA's name. */
const IMPLEMENTATIONS: HostBuiltinTable = {
  ...STRINGS_BUILTINS,
  ...SPRINTF_BUILTINS,
  ...REGEX_BUILTINS,
  ...GLOB_BUILTINS,
  ...TIME_BUILTINS,
  ...ENCODING_BUILTINS,
  ...CRYPTO_BUILTINS,
  ...NET_BUILTINS,
  ...SEMVER_BUILTINS,
  ...UNITS_BUILTINS,
  ...UUID_BUILTINS,
  ...JWT_BUILTINS,
  ...JSON_BUILTINS,
  ...YAML_BUILTINS,
  ...X509_BUILTINS,
  ...GRAPH_BUILTINS,
  ...GRAPHQL_BUILTINS,
  ...OBJECT_BUILTINS,
  ...PRINT_BUILTINS,
  ...AWS_SIGN_BUILTINS,
  ...JSON_SCHEMA_BUILTINS,
};

/**
 * HOST_NAME_ALIASES maps OPA built-ins that the SDK implements itself in JavaScript (and differently from OPA) to
 * the name Airlock's host registers them by. The SDK looks up its own implementations before `customBuiltins`, so
 * the back end must put the alias, not OPA's name, in the module's `builtins` map for these.
 */
export const HOST_NAME_ALIASES: ReadonlyMap<string, string> = new Map([
  ['sprintf', 'airlock.sprintf'],
  ['regex.split', 'airlock.regex.split'],
  ['json.is_valid', 'airlock.json.is_valid'],
  ['yaml.is_valid', 'airlock.yaml.is_valid'],
  ['yaml.marshal', 'airlock.yaml.marshal'],
  ['yaml.unmarshal', 'airlock.yaml.unmarshal'],
]);

/** hostNameOf is the name to put in the module's `builtins` map for OPA built-in `name` served by the host. */
export function hostNameOf(name: string): string {
  return HOST_NAME_ALIASES.get(name) ?? name;
}

/**
 * NATIVE_ONLY lists built-ins a host implementation cannot answer correctly through the SDK's plain JSON bridge
 * (the `json` encoding), where sets arrive as arrays and object keys as strings. Under the `typed` encoding, which
 * Airlock's runtime speaks, the host versions here are exact.
 */
export const NATIVE_ONLY: ReadonlySet<string> = new Set([
  // They return a set.
  'net.cidr_expand',
  'net.cidr_merge',
  'net.cidr_contains_matches', // also: the ids it returns are set members for a set, indexes for an array
  'graph.reachable',
  'graph.reachable_paths',
  'object.keys',
  'cast_set',
  // Their answer depends on whether an argument is a set or an array.
  'object.subset', // set ⊆ set is membership; array ⊆ array is a contiguous run
  'cast_array',
  'is_set',
  'is_array',
  'type_name',
  // They pass arbitrary values through, so a set or a non-string key inside comes back changed.
  'object.get',
  'object.union',
  'object.union_n',
  'object.filter',
  'object.remove',
  'json.filter',
  'json.remove',
  'json.patch',
  'providers.aws.sign_req', // the request, body included
  'walk',
  'array.concat',
  'array.slice',
  'array.reverse',
  'sort',
  'max',
  'min',
  'count', // of a set with members equal after JSON (1 and 1.0), and object keys 1 and "1"
  'internal.member_2',
  'internal.member_3',
  'intersection',
  'union',
  'and',
  'or',
  'minus',
  'set_diff',
  'equal',
  'neq',
  'json.marshal', // a set must print as an array, fine; but object keys 1 and "1" collide
  'sum',
  'product',
]);

/** HostBuiltinsOptions configures createHostBuiltins; every field is optional. */
export interface HostBuiltinsOptions {
  /** Reads the time for `time.now_ns` when an evaluation does not fix it. Default: the system clock. */
  clock?: Clock;
  /** Receives each line `print` writes. Default: discarded, as OPA does unless printing is enabled. */
  print?: (line: string) => void;
  /**
   * Raise OPA's built-in errors instead of making the call undefined (OPA's `--strict-builtin-errors`).
   * Default false, as OPA and its Wasm target behave.
   */
  strictBuiltinErrors?: boolean;
  /** Told of every built-in error made undefined in non-strict mode (for debugging policies). */
  onBuiltinError?: (builtin: string, error: BuiltinError) => void;
  /**
   * How the module passes arguments and reads answers (codec.ts): `typed` (default), what Airlock's runtime speaks;
   * or `json`, the SDK's plain bridge, for a module whose runtime passes plain JSON (as one built by OPA).
   */
  encoding?: BridgeEncoding;
}

/** HostBuiltins is a set of host built-ins for one or more loaded policies, with their evaluation scope. */
export interface HostBuiltins {
  /** The `customBuiltins` for `loadPolicy`, keyed by the names the module's `builtins` map uses. */
  readonly builtins: Readonly<Record<string, SdkBuiltin>>;
  /** How these read their arguments and write their answers. */
  readonly encoding: BridgeEncoding;
  /** evaluate runs one evaluation (`() => policy.evaluate(input)`) with its own clock reading and caches. */
  evaluate<T>(run: () => T, options?: EvaluationOptions): T;
}

/** createHostBuiltins makes the host built-ins, validating options once. */
export function createHostBuiltins(options: HostBuiltinsOptions = {}): HostBuiltins {
  const encoding = options.encoding ?? 'typed';
  if (encoding !== 'json' && encoding !== 'typed') {
    throw new TypeError(`encoding must be 'json' or 'typed', not ${String(encoding)}`);
  }
  const scope = new EvaluationScope(options.clock ?? systemClock);
  const call: HostCall = { scope, print: options.print ?? (() => {}) };
  const strict = options.strictBuiltinErrors ?? false;
  const builtins: Record<string, SdkBuiltin> = {};
  for (const [name, impl] of Object.entries(IMPLEMENTATIONS)) {
    builtins[hostNameOf(name)] = bridge(name, impl, call, encoding, strict, options.onBuiltinError);
  }
  return {
    builtins,
    encoding,
    evaluate: (run, evaluationOptions) => scope.run(run, evaluationOptions),
  };
}

/** bridge wraps an implementation for the SDK: decode, arity check, errors by kind, encode. */
function bridge(
  name: string,
  impl: HostBuiltinImpl,
  call: HostCall,
  encoding: BridgeEncoding,
  strict: boolean,
  onBuiltinError: ((builtin: string, error: BuiltinError) => void) | undefined,
): SdkBuiltin {
  const arity = BUILTIN_DECLS.get(name)?.args.length;
  const wrapped = {
    [name](...raw: unknown[]): unknown {
      if (arity !== undefined && raw.length !== arity) {
        throw new HostLimitError(`${name}: called with ${raw.length} arguments, takes ${arity}`);
      }
      const args = raw.map((arg) => decodeArgument(arg, encoding));
      let result: ReturnType<HostBuiltinImpl>;
      try {
        result = impl(args, call);
      } catch (error) {
        if (error instanceof BuiltinError && !strict) {
          onBuiltinError?.(name, error);
          return undefined;
        }
        throw error;
      }
      return encodeResult(result, encoding);
    },
  };
  return wrapped[name]!;
}

const DEFAULT_HOST = createHostBuiltins();

/**
 * HOST_BUILTINS are the host built-ins with default options (system clock, print discarded, non-strict, typed
 * bridge), in the SDK's `customBuiltins` shape.
 */
export const HOST_BUILTINS: Readonly<Record<string, SdkBuiltin>> = DEFAULT_HOST.builtins;

/** evaluateWithHostBuiltins runs one evaluation against HOST_BUILTINS with its own clock reading. */
export const evaluateWithHostBuiltins: HostBuiltins['evaluate'] = DEFAULT_HOST.evaluate;

/**
 * hostBuiltinNames lists the OPA names of built-ins the host can serve correctly under `encoding` (default
 * `typed`: all of them; the SDK's JSON bridge excludes NATIVE_ONLY). Put `hostNameOf(name)` in the module's
 * `builtins` map.
 */
export function hostBuiltinNames(encoding: BridgeEncoding = 'typed'): ReadonlySet<string> {
  return new Set(Object.keys(IMPLEMENTATIONS).filter((name) => encoding === 'typed' || !NATIVE_ONLY.has(name)));
}

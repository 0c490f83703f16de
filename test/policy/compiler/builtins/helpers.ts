/** Helpers for calling host built-ins the way the SDK calls them, and reading their answers back. */

import {
  type BridgeEncoding,
  createHostBuiltins,
  type HostBuiltinsOptions,
  hostNameOf,
} from '../../../../proxy/policy/compiler/builtins/host/index.js';

/** CallOptions picks the bridge, strictness and evaluation instant of one call. */
export interface CallOptions extends HostBuiltinsOptions {
  now?: bigint;
}

/** Answer is what a host built-in gave: undefined, or its JSON text exactly as the module would receive it. */
export type Answer = { defined: false } | { defined: true; text: string; value: unknown };

/** call invokes OPA built-in `name` through the SDK-shaped host function with JSON-parsed arguments. */
export function call(name: string, args: readonly unknown[], options: CallOptions = {}): Answer {
  const { now, ...hostOptions } = options;
  const host = createHostBuiltins(hostOptions);
  const fn = host.builtins[hostNameOf(name)];
  if (fn === undefined) throw new Error(`no host built-in ${name}`);
  const result = host.evaluate(() => fn(...args), now === undefined ? {} : { now });
  if (result === undefined) return { defined: false };
  const text = result instanceof ArrayBuffer ? new TextDecoder().decode(result) : JSON.stringify(result);
  return { defined: true, text, value: JSON.parse(text) };
}

/** value is the answer's value, failing the test when it is undefined. */
export function value(name: string, args: readonly unknown[], options: CallOptions = {}): unknown {
  const answer = call(name, args, options);
  if (!answer.defined) throw new Error(`${name}(${JSON.stringify(args)}) is undefined`);
  return answer.value;
}

/** text is the answer's exact JSON text (for numbers past 2^53). */
export function text(name: string, args: readonly unknown[], options: CallOptions = {}): string | undefined {
  const answer = call(name, args, options);
  return answer.defined ? answer.text : undefined;
}

/** strict calls with OPA's strict built-in errors, so that errors throw with their messages. */
export function strict(name: string, args: readonly unknown[]): Answer {
  return call(name, args, { strictBuiltinErrors: true });
}

/** typed calls through the typed bridge (arguments in the tagged encoding). */
export function typed(name: string, args: readonly unknown[], encoding: BridgeEncoding = 'typed'): Answer {
  return call(name, args, { encoding });
}

/** set writes a set argument in the typed encoding. */
export const set = (...members: unknown[]): unknown => ({ '$airlock.set': members });

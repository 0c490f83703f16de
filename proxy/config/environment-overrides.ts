import { resolve } from 'node:path';

/** Environment is the process environment, or what a test passes instead. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * EnvironmentOverride is one variable that replaces one scalar key of airlock.yaml. `value` turns the variable's text
 * into what the file would hold at that key, so the key's own check reads it exactly as it reads the file.
 */
export interface EnvironmentOverride {
  readonly variable: string;
  /** The key's path in the file: `['approvals', 'public_url']`. */
  readonly key: readonly [string, ...string[]];
  readonly value: (text: string, cwd: string) => unknown;
}

/** A number as YAML writes one unquoted (`2`, `0.5`, `-1`); anything else stays text. */
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** asText: the variable's text, as if quoted in the file. */
const asText = (text: string): string => text;
/** asNumber: a number if the text is one, as YAML reads `workers: 2`; else the text, which the key's check refuses. */
const asNumber = (text: string): number | string => (NUMBER.test(text) ? Number(text) : text);
/** asPath: relative to the working directory the variable was set in, not to the file's directory. */
const asPath = (text: string, cwd: string): string => resolve(cwd, text);

/** STATE_DIR_ENV overrides `state_dir`: where agents, keys and the store are kept. */
export const STATE_DIR_ENV = 'AIRLOCK_STATE_DIR';

/** ENVIRONMENT_OVERRIDES are the keys an operator sets per deployment; each variable wins over the file. */
export const ENVIRONMENT_OVERRIDES: readonly EnvironmentOverride[] = [
  // A bare port is a number in the file (`listen: 8080`), so the variable's text is read the same way.
  { variable: 'AIRLOCK_LISTEN', key: ['listen'], value: asNumber },
  { variable: 'AIRLOCK_API', key: ['api'], value: asNumber },
  { variable: STATE_DIR_ENV, key: ['state_dir'], value: asPath },
  { variable: 'AIRLOCK_POLICY_DIR', key: ['policy', 'dir'], value: asPath },
  { variable: 'AIRLOCK_LOG_LEVEL', key: ['log', 'level'], value: asText },
  { variable: 'AIRLOCK_WORKERS', key: ['workers'], value: asNumber },
  { variable: 'AIRLOCK_PUBLIC_URL', key: ['approvals', 'public_url'], value: asText },
  { variable: 'AIRLOCK_HOLD_SECONDS', key: ['approvals', 'hold_seconds'], value: asNumber },
  { variable: 'AIRLOCK_STORE_SYNC', key: ['store', 'sync'], value: asText },
];

/** OverriddenDocument is the parsed file with the variables' values in place, and which key each variable set. */
export interface OverriddenDocument {
  readonly document: unknown;
  /** Key path (`approvals.public_url`) → the variable that set it, so errors name the variable. */
  readonly variables: ReadonlyMap<string, string>;
}

/**
 * applyEnvironment puts the value of every set variable of ENVIRONMENT_OVERRIDES into the parsed file, replacing the
 * file's. An empty variable counts as unset, as with AIRLOCK_CONFIG. The file's document is not modified.
 */
export function applyEnvironment(document: unknown, env: Environment, cwd: string): OverriddenDocument {
  const variables = new Map<string, string>();
  let overridden = document ?? undefined;
  for (const { variable, key, value } of ENVIRONMENT_OVERRIDES) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const replaced = setKey(overridden, key, value(text, cwd));
    // A section that is not a mapping (`approvals: 5`) is left for the file's own check to refuse.
    if (replaced === undefined) continue;
    overridden = replaced;
    variables.set(key.join('.'), variable);
  }
  return { document: overridden, variables };
}

/** setKey returns a copy of `mapping` with `value` at `key`, or undefined if a mapping on the way is something else. */
function setKey(mapping: unknown, key: readonly string[], value: unknown): Record<string, unknown> | undefined {
  const [first, ...rest] = key;
  if (first === undefined) return undefined;
  if (mapping !== undefined && (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))) {
    return undefined;
  }
  const fields = (mapping ?? {}) as Readonly<Record<string, unknown>>;
  const child = rest.length === 0 ? value : setKey(fields[first], rest, value);
  return child === undefined ? undefined : { ...fields, [first]: child };
}

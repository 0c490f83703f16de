import { type JsonValue, type Params, REDACTED } from '../call.js';

/**
 * redactSensitive replaces, in place, the values at the given param paths with REDACTED. Paths come from the
 * service model's `sensitive` trait (routes.json): arrays on the way are crossed element by element, and `*` stands
 * for every key of a map. Decoded params go to the policy, approval pages and the audit log, none of which should
 * hold a password, secret string or SSE-C key.
 */
export function redactSensitive(params: Params, paths: readonly (readonly string[])[]): void {
  for (const path of paths) redactAt(params, path, 0);
}

function redactAt(value: JsonValue, path: readonly string[], depth: number): void {
  if (Array.isArray(value)) {
    for (const item of value) redactAt(item, path, depth);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const key = path[depth]!;
  const last = depth === path.length - 1;
  const keys = key === '*' ? Object.keys(value) : Object.hasOwn(value, key) ? [key] : [];
  for (const k of keys) {
    if (last) value[k] = REDACTED;
    else redactAt(value[k]!, path, depth + 1);
  }
}

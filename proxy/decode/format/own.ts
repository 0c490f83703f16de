import type { JsonValue } from '../call.js';

/**
 * setOwn sets an own, enumerable property, even for the key `__proto__`: a plain assignment would change the
 * object's prototype instead, and decoded params come from untrusted requests.
 */
export function setOwn(target: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

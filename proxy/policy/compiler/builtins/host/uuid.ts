/*
 * uuid.rfc4122 and uuid.parse (OPA's topdown/uuid.go over google/uuid). uuid.rfc4122 answers the same UUID for the
 * same key within one evaluation, as OPA caches it per query.
 */

import { randomUUID } from 'node:crypto';
import type { HostBuiltinTable } from './builtin.js';
import { stringOperand } from './operands.js';
import { type RegoValue, regoText } from './value.js';

/** GREGORIAN_OFFSET is the number of 100-ns intervals from 1582-10-15 (the UUID epoch) to 1970-01-01. */
const GREGORIAN_OFFSET = 122_192_928_000_000_000n;

/** uuidBytes parses the forms google/uuid accepts: plain, braced, urn:uuid: and 32 hex digits. */
function uuidBytes(text: string): Uint8Array | undefined {
  let s = text;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') s = s.slice(9);
  else if (s.length === 38 && s[0] === '{' && s[37] === '}') s = s.slice(1, 37);
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    s = s.replace(/-/g, '');
  } else if (s.length !== 32) {
    return undefined;
  }
  if (!/^[0-9A-Fa-f]{32}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function variantName(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

function describe(bytes: Uint8Array): Record<string, RegoValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[6]! >> 4;
  const parsed: Record<string, RegoValue> = { version, variant: variantName(bytes[8]!) };
  if (version === 1 || version === 2) {
    const ticks =
      BigInt(view.getUint32(0)) | (BigInt(view.getUint16(4)) << 32n) | (BigInt(view.getUint16(6) & 0x0fff) << 48n);
    const ns = (ticks - GREGORIAN_OFFSET) * 100n;
    parsed.time = Number.isSafeInteger(Number(ns)) ? Number(ns) : ns;
    parsed.nodeid = [...bytes.slice(10)].map((b) => b.toString(16).padStart(2, '0')).join('-');
    parsed.macvariables = macVariables(bytes[10]!);
    parsed.clocksequence = view.getUint16(8) & 0x3fff;
    if (version === 2) {
      parsed.id = view.getUint32(0);
      const domain = bytes[9]!;
      parsed.domain = ['Person', 'Group', 'Org'][domain] ?? `Domain${domain}`;
    }
  }
  return parsed;
}

/** UUID_BUILTINS implements uuid.rfc4122 and uuid.parse. */
export const UUID_BUILTINS: HostBuiltinTable = {
  'uuid.rfc4122': ([key], call) => {
    const cacheKey = regoText(key ?? null);
    const byKey = call.scope.current().uuidsByKey;
    let uuid = byKey.get(cacheKey);
    if (uuid === undefined) {
      uuid = randomUUID();
      byKey.set(cacheKey, uuid);
    }
    return uuid;
  },

  'uuid.parse': ([value]) => {
    const bytes = uuidBytes(stringOperand('uuid.parse', 1, value));
    // OPA answers undefined, not an error, for a string that is not a UUID.
    return bytes === undefined ? undefined : describe(bytes);
  },
};

/*
 * semver.is_valid and semver.compare (OPA's topdown/semver.go over its internal/semver): an optional leading "v",
 * MAJOR.MINOR.PATCH as int64s, optional `-pre.release` and `+build` identifiers, precedence as semver.org §11.
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError } from './errors.js';
import { stringOperand } from './operands.js';
import { compareStrings } from './value.js';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  preRelease: string;
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64 = /^[+-]?\d+$/;
const MAX_INT64 = (1n << 63n) - 1n;

function cut(s: string, separator: string): [string, string] {
  const i = s.indexOf(separator);
  return i === -1 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function parseInt64(text: string): bigint | undefined {
  if (!INT64.test(text)) return undefined;
  const n = BigInt(text);
  return n > MAX_INT64 || n < -MAX_INT64 - 1n ? undefined : n;
}

/** parseVersion parses a semantic version, or undefined if it is not one. */
export function parseVersion(text: string): Version | undefined {
  const [withPreRelease, metadata] = cut(text.startsWith('v') ? text.slice(1) : text, '+');
  if (metadata !== '' && !IDENTIFIERS.test(metadata)) return undefined;
  const [version, preRelease] = cut(withPreRelease, '-');
  if (preRelease !== '' && !IDENTIFIERS.test(preRelease)) return undefined;
  const parts = version.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, preRelease };
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

/** compareVersions orders versions by semver precedence (build metadata ignored). */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] > b[key] ? 1 : -1;
  }
  if (a.preRelease === b.preRelease) return 0;
  if (a.preRelease === '') return 1;
  if (b.preRelease === '') return -1;
  const left = a.preRelease.split('.');
  const right = b.preRelease.split('.');
  for (let i = 0; ; i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return y === undefined ? 0 : -1;
    if (y === undefined) return 1;
    const xNumeric = isNumeric(x);
    const yNumeric = isNumeric(y);
    if (xNumeric && !yNumeric) return -1;
    if (!xNumeric && yNumeric) return 1;
    const c = xNumeric ? (BigInt(x) === BigInt(y) ? 0 : BigInt(x) > BigInt(y) ? 1 : -1) : compareStrings(x, y);
    if (c !== 0) return c;
  }
}

/** SEMVER_BUILTINS implements semver.is_valid and semver.compare. */
export const SEMVER_BUILTINS: HostBuiltinTable = {
  'semver.is_valid': ([value]) => typeof value === 'string' && parseVersion(value) !== undefined,

  'semver.compare': ([first, second]) => {
    const name = 'semver.compare';
    const a = stringOperand(name, 1, first);
    const b = stringOperand(name, 2, second);
    const left = parseVersion(a);
    if (left === undefined)
      throw new BuiltinError(`${name}: operand 1: string ${JSON.stringify(a)} is not a valid SemVer`);
    const right = parseVersion(b);
    if (right === undefined)
      throw new BuiltinError(`${name}: operand 2: string ${JSON.stringify(b)} is not a valid SemVer`);
    return compareVersions(left, right);
  },
};

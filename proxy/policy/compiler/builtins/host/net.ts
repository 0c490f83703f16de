/*
 * net.cidr_* built-ins (OPA's topdown/cidr.go) over Go-compatible address parsing (go-net.ts).
 * net.cidr_expand, net.cidr_merge and net.cidr_contains_matches return sets: their host versions answer only
 * through the typed bridge (the JSON bridge refuses to carry a set; see NATIVE_ONLY).
 */

import type { HostBuiltinTable } from './builtin.js';
import { BuiltinError, HostLimitError } from './errors.js';
import {
  addressRange,
  CidrError,
  compareBytes,
  contains,
  defaultMask,
  type IpBytes,
  type IpNetwork,
  ipString,
  networkString,
  parseCIDR,
  parseIP,
  previousAddress,
  rangeToNetworks,
  to4,
  toBigInt,
  fromBigInt,
} from './go-net.js';
import { stringOperand } from './operands.js';
import { isJsonObject, objectEntries, RegoObject, RegoSet, type RegoValue } from './value.js';

/** MAX_EXPANDED_ADDRESSES bounds net.cidr_expand, so that a policy cannot make the proxy list a /8. */
const MAX_EXPANDED_ADDRESSES = 1n << 16n;

function network(builtin: string, text: string): IpNetwork {
  try {
    return parseCIDR(text).network;
  } catch (error) {
    if (error instanceof CidrError) throw new BuiltinError(`${builtin}: ${error.message}`);
    throw error;
  }
}

/** cidrContains is OPA's builtinNetCIDRContains on two strings. */
function cidrContains(builtin: string, outer: string, inner: string): boolean {
  const a = network(builtin, outer);
  const ip = parseIP(inner);
  if (ip !== undefined) return contains(a, ip);
  let b: IpNetwork;
  try {
    b = parseCIDR(inner).network;
  } catch {
    throw new BuiltinError(`${builtin}: not a valid textual representation of an IP address or CIDR: ${inner}`);
  }
  if (!contains(a, b.ip)) return false;
  return contains(a, addressRange(b).last);
}

/** matchOperands lists (cidr, id) pairs of a net.cidr_contains_matches operand. */
function matchOperands(builtin: string, position: number, value: RegoValue | undefined): [string, RegoValue][] {
  const cidrOf = (element: RegoValue): string => {
    const cidr = Array.isArray(element) ? element[0] : element;
    if (typeof cidr !== 'string') {
      // OPA checks only the shape here; a non-string first element fails later as a type error.
      if (Array.isArray(element) && element.length > 0)
        throw new BuiltinError(`${builtin}: operand ${position} must be string`);
      throw new BuiltinError(`${builtin}: operand ${position}: element must be string or non-empty array`);
    }
    return cidr;
  };
  if (typeof value === 'string') return [[value, value]];
  if (Array.isArray(value)) return value.map((element, i) => [cidrOf(element), i]);
  if (value instanceof RegoSet) return value.members.map((element) => [cidrOf(element), element]);
  if (value instanceof RegoObject || (value !== undefined && isJsonObject(value))) {
    return objectEntries(value).map(([key, element]) => [cidrOf(element), key]);
  }
  return [];
}

function merge(builtin: string, items: readonly RegoValue[]): RegoSet {
  const networks = items.map((item): IpNetwork => {
    if (typeof item !== 'string') throw new BuiltinError(`${builtin}: element must be string`);
    const ip = parseIP(item);
    if (ip === undefined) return network(builtin, item);
    const v4 = to4(ip);
    if (v4 === undefined) throw new BuiltinError(`${builtin}: IPv6 invalid: needs prefix length`);
    // A bare IPv4 address stands for its classful network, unmasked, as Go's IP.DefaultMask gives it.
    return { ip, mask: defaultMask(v4) };
  });
  interface Block {
    first: IpBytes;
    last: IpBytes;
    network: IpNetwork | undefined;
  }
  const blocks: Block[] = networks
    .map((n) => ({ ...addressRange(n), network: n }))
    .sort((x, y) => compareBytes(x.last, y.last) || compareBytes(x.first, y.first));
  for (let i = blocks.length - 1; i > 0; i--) {
    const current = blocks[i]!;
    const previous = blocks[i - 1]!;
    if (compareBytes(previousAddress(current.first), previous.last) <= 0) {
      const first = compareBytes(previous.first, current.first) < 0 ? previous.first : current.first;
      blocks[i - 1] = { first, last: current.last, network: undefined };
      blocks.splice(i, 1);
    }
  }
  const merged = blocks.flatMap((b) => (b.network !== undefined ? [b.network] : rangeToNetworks(b.first, b.last)));
  return new RegoSet(merged.map(networkString));
}

/** NET_BUILTINS implements net.cidr_*; net.lookup_ip_addr is refused (catalogue.ts). */
export const NET_BUILTINS: HostBuiltinTable = {
  'net.cidr_contains': ([cidr, candidate]) =>
    cidrContains(
      'net.cidr_contains',
      stringOperand('net.cidr_contains', 1, cidr),
      stringOperand('net.cidr_contains', 1, candidate),
    ),

  'net.cidr_overlap': ([cidr, candidate]) =>
    cidrContains(
      'net.cidr_overlap',
      stringOperand('net.cidr_overlap', 1, cidr),
      stringOperand('net.cidr_overlap', 1, candidate),
    ),

  'net.cidr_intersects': ([first, second]) => {
    const name = 'net.cidr_intersects';
    const a = network(name, stringOperand(name, 1, first));
    const b = network(name, stringOperand(name, 1, second));
    return contains(a, b.ip) || contains(b, a.ip);
  },

  'net.cidr_is_valid': ([cidr]) => {
    if (typeof cidr !== 'string') return false;
    try {
      parseCIDR(cidr);
      return true;
    } catch {
      return false;
    }
  },

  'net.cidr_expand': ([cidr]) => {
    const name = 'net.cidr_expand';
    const n = network(name, stringOperand(name, 1, cidr));
    const { first, last } = addressRange(n);
    const start = toBigInt(first);
    const end = toBigInt(last);
    if (end - start + 1n > MAX_EXPANDED_ADDRESSES) {
      throw new HostLimitError(`${name}: ${cidr} holds more than ${MAX_EXPANDED_ADDRESSES} addresses`);
    }
    const addresses: string[] = [];
    for (let a = start; a <= end; a++) addresses.push(ipString(fromBigInt(a, first.length)));
    return new RegoSet(addresses);
  },

  'net.cidr_merge': ([addresses]) => {
    const name = 'net.cidr_merge';
    if (Array.isArray(addresses)) return merge(name, addresses);
    if (addresses instanceof RegoSet) return merge(name, addresses.members);
    throw new BuiltinError(`${name}: operand must be an array`);
  },

  'net.cidr_contains_matches': ([cidrs, candidates]) => {
    const name = 'net.cidr_contains_matches';
    const outer = matchOperands(name, 1, cidrs);
    const inner = matchOperands(name, 2, candidates);
    const matches: RegoValue[] = [];
    for (const [cidr, id] of outer) {
      for (const [candidate, candidateId] of inner) {
        if (cidrContains(name, cidr, candidate)) matches.push([id, candidateId]);
      }
    }
    return new RegoSet(matches);
  },
};

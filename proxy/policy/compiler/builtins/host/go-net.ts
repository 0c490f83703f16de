/*
 * IP addresses and networks as Go's net package parses and prints them (ParseIP, ParseCIDR, IP.String,
 * IPNet.Contains), for the net.* built-ins. Addresses are byte arrays: 4 bytes for IPv4 networks, 16 bytes for
 * IPv6 and for addresses parsed by ParseIP (IPv4 as ::ffff:a.b.c.d), exactly as Go keeps them.
 */

export type IpBytes = Uint8Array;

/** IpNetwork is Go's net.IPNet: an address (not necessarily masked) and a mask of the same length. */
export interface IpNetwork {
  ip: IpBytes;
  mask: IpBytes;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    // Go rejects leading zeros ("010") since 1.17, and anything but decimal digits.
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part[0] === '0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined; // zones are not IPs to ParseIP
  let head = s;
  let tailV4: number[] | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon !== -1 && s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (text: string): number[] | undefined => {
    if (text === '') return [];
    const out: number[] = [];
    for (const g of text.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (left === undefined || right === undefined) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    words = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    words = left;
  }
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tailV4 !== undefined) bytes.splice(12, 4, ...tailV4);
  return bytes;
}

/** parseIP is Go's net.ParseIP: a 16-byte address, or undefined. */
export function parseIP(s: string): IpBytes | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return Uint8Array.from([...V4_IN_V6_PREFIX, ...v4]);
  const v6 = s.includes(':') ? parseIPv6(s) : undefined;
  return v6 === undefined ? undefined : Uint8Array.from(v6);
}

/** to4 is Go's IP.To4: the 4-byte form of an IPv4 (or IPv4-mapped) address, else undefined. */
export function to4(ip: IpBytes): IpBytes | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && V4_IN_V6_PREFIX.every((b, i) => ip[i] === b)) return ip.slice(12);
  return undefined;
}

function prefixMask(ones: number, bits: number): IpBytes {
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < ones; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return mask;
}

/** CidrError is Go's ParseError text ("invalid CIDR address: …"). */
export class CidrError extends Error {}

/** parseCIDR is Go's net.ParseCIDR: the address as written and the masked network. */
export function parseCIDR(s: string): { ip: IpBytes; network: IpNetwork } {
  const slash = s.indexOf('/');
  if (slash === -1) throw new CidrError(`invalid CIDR address: ${s}`);
  const address = s.slice(0, slash);
  const length = s.slice(slash + 1);
  const v4 = parseIPv4(address);
  const ip = v4 !== undefined ? Uint8Array.from([...V4_IN_V6_PREFIX, ...v4]) : parseIP(address);
  const bits = v4 !== undefined ? 32 : 128;
  if (ip === undefined || !/^\d+$/.test(length) || (length.length > 1 && length[0] === '0') || Number(length) > bits) {
    throw new CidrError(`invalid CIDR address: ${s}`);
  }
  const mask = prefixMask(Number(length), bits);
  const base = bits === 32 ? ip.slice(12) : ip;
  return { ip, network: { ip: base.map((b, i) => b & mask[i]!), mask } };
}

/** maskSize is Go's IPMask.Size: the prefix length, or undefined for a non-canonical mask. */
export function maskSize(mask: IpBytes): number {
  let ones = 0;
  for (const b of mask) for (let bit = 7; bit >= 0; bit--) if (b & (1 << bit)) ones++;
  return ones;
}

/** contains is Go's IPNet.Contains. */
export function contains(network: IpNetwork, address: IpBytes): boolean {
  let net = to4(network.ip);
  if (net === undefined) {
    net = network.ip;
    if (net.length !== 16) return false;
  }
  let mask = network.mask;
  if (mask.length === 4 && net.length !== 4) return false;
  if (mask.length === 16 && net.length === 4) mask = mask.slice(12);
  if (mask.length !== 4 && mask.length !== 16) return false;
  const ip = to4(address) ?? address;
  if (ip.length !== net.length) return false;
  for (let i = 0; i < ip.length; i++) if ((net[i]! & mask[i]!) !== (ip[i]! & mask[i]!)) return false;
  return true;
}

/** ipString is Go's IP.String. */
export function ipString(ip: IpBytes): string {
  const v4 = to4(ip);
  if (v4 !== undefined) return [...v4].join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip[i]! << 8) | ip[i + 1]!);
  // The longest run of two or more zero words is written "::" (the first such run on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return words.map((w) => w.toString(16)).join(':');
  const left = words.slice(0, bestStart).map((w) => w.toString(16));
  const right = words.slice(bestStart + bestLength).map((w) => w.toString(16));
  return `${left.join(':')}::${right.join(':')}`;
}

/** networkString is Go's IPNet.String. */
export function networkString(network: IpNetwork): string {
  return `${ipString(network.ip)}/${maskSize(network.mask)}`;
}

/** defaultMask is Go's IP.DefaultMask: the classful mask of an IPv4 address. */
export function defaultMask(ip4: IpBytes): IpBytes {
  if (ip4[0]! < 0x80) return prefixMask(8, 32);
  if (ip4[0]! < 0xc0) return prefixMask(16, 32);
  return prefixMask(24, 32);
}

export const toBigInt = (bytes: IpBytes): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

export function fromBigInt(n: bigint, length: number): IpBytes {
  const bytes = new Uint8Array(length);
  let rest = n;
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** addressRange is the first and last address of a network, in the network's own length. */
export function addressRange(network: IpNetwork): { first: IpBytes; last: IpBytes } {
  const ip = network.mask.length === 4 ? (to4(network.ip) ?? network.ip) : network.ip;
  const first = ip.map((b, i) => b & network.mask[i]!);
  const last = first.map((b, i) => b | (~network.mask[i]! & 0xff));
  return { first, last };
}

/** compareBytes is Go's bytes.Compare. */
export function compareBytes(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** rangeToNetworks splits [first, last] into the fewest aligned networks (internal/cidr/merge RangeToCIDRs). */
export function rangeToNetworks(first: IpBytes, last: IpBytes): IpNetwork[] {
  const bits = first.length * 8;
  let start = toBigInt(first);
  const end = toBigInt(last);
  const networks: IpNetwork[] = [];
  while (start <= end) {
    let size = bits;
    // Grow the block while it stays aligned and inside the range.
    while (size > 0) {
      const bigger = 1n << BigInt(bits - size + 1);
      if (start % bigger !== 0n || start + bigger - 1n > end) break;
      size--;
    }
    networks.push({ ip: fromBigInt(start, first.length), mask: prefixMask(size, bits) });
    start += 1n << BigInt(bits - size);
  }
  return networks;
}

/** previousAddress is the address before `ip`, or `ip` itself at the bottom of the space. */
export function previousAddress(ip: IpBytes): IpBytes {
  const n = toBigInt(ip);
  return n === 0n ? ip : fromBigInt(n - 1n, ip.length);
}

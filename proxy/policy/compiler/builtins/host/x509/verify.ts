/*
 * crypto/x509's Certificate.Verify (Go 1.24) as OPA calls it: the first certificate is the only root, the last
 * is the leaf, the rest are intermediates; the first chain found is returned (leaf first). Chain building, name
 * constraints, validity periods, path lengths, policies and extended key usages follow verify.go and cert_pool.go;
 * signatures are checked with node:crypto (signature.ts).
 *
 * Where a later Go security fix changed the answer (a wildcard DNS name against an excluded DNS constraint) and
 * Go 1.24's answer would let the chain through, the host refuses (HostLimitError) rather than pick one.
 */

import { HostLimitError } from '../errors.js';
import { parseIP } from '../go-net.js';
import { unixSeconds } from './asn1-time.js';
import type { Certificate } from './certificate.js';
import { EXT_KEY_USAGE } from './extensions.js';
import { type Oid, sameOid } from './names.js';
import { checkChainNames, Invalid, reject } from './name-constraints.js';
import { policiesValid } from './policies.js';
import { PUBLIC_KEY_ALGORITHM, type PublicKey } from './public-key.js';
import { signatureValid } from './signature.js';

/** Instant is the verification time in nanoseconds: exactly one value, or the range a rounded number stands for. */
export interface Instant {
  readonly earliest: bigint;
  readonly latest: bigint;
}

/** VerifyOptions are the x509.VerifyOptions OPA can set. */
export interface VerifyOptions {
  readonly dnsName: string;
  readonly now: Instant;
  /** ExtKeyUsage numbers; empty means server authentication. */
  readonly keyUsages: readonly number[];
  /** 0 means Go's default of 250000. */
  readonly maxConstraintComparisons: bigint;
}

const OID_NAME_CONSTRAINTS: Oid = [2, 5, 29, 30];
const OID_SUBJECT_ALT_NAME: Oid = [2, 5, 29, 17];
const KEY_USAGE_CERT_SIGN = 32;
const MAX_CHAIN_SIGNATURE_CHECKS = 100;

type CertType = 'leaf' | 'intermediate' | 'root';

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? new Uint8Array(0)).every((v, i) => v === b![i]);

const bytesKey = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const extension = (cert: Certificate, oid: Oid) => cert.extensions?.find((e) => sameOid(e.id, oid));

/** CertPool is x509.CertPool as AddCert fills it: no duplicates, candidates by subject in insertion order. */
class CertPool {
  readonly #certificates: Certificate[] = [];
  readonly #bySubject = new Map<string, Certificate[]>();
  readonly #raw = new Set<string>();

  add(cert: Certificate): void {
    const raw = bytesKey(cert.raw);
    if (this.#raw.has(raw)) return;
    this.#raw.add(raw);
    this.#certificates.push(cert);
    const subject = bytesKey(cert.rawSubject);
    this.#bySubject.set(subject, [...(this.#bySubject.get(subject) ?? []), cert]);
  }

  contains(cert: Certificate): boolean {
    return this.#raw.has(bytesKey(cert.raw));
  }

  /** potentialParents orders the certificates named as `cert`'s issuer: matching key IDs, one missing, mismatched. */
  potentialParents(cert: Certificate): Certificate[] {
    const matching: Certificate[] = [];
    const oneMissing: Certificate[] = [];
    const mismatched: Certificate[] = [];
    for (const candidate of this.#bySubject.get(bytesKey(cert.rawIssuer)) ?? []) {
      const subjectKeyLength = candidate.subjectKeyId?.length ?? 0;
      const authorityKeyLength = cert.authorityKeyId?.length ?? 0;
      if (sameBytes(candidate.subjectKeyId, cert.authorityKeyId)) matching.push(candidate);
      else if ((subjectKeyLength === 0) !== (authorityKeyLength === 0)) oneMissing.push(candidate);
      else mismatched.push(candidate);
    }
    return [...matching, ...oneMissing, ...mismatched];
  }
}

/** Checks hold the state one verification shares: the options and the signature-check budget. */
interface Checks {
  readonly options: VerifyOptions;
  readonly roots: CertPool;
  readonly intermediates: CertPool;
  signatureChecks: number;
}

function assertValidAt(cert: Certificate, now: Instant): void {
  const notBefore = BigInt(unixSeconds(cert.notBefore)) * 1_000_000_000n;
  const notAfter = BigInt(unixSeconds(cert.notAfter)) * 1_000_000_000n;
  if ((now.earliest < notBefore && notBefore <= now.latest) || (now.earliest <= notAfter && notAfter < now.latest)) {
    throw new HostLimitError(
      'crypto.x509.parse_and_verify_certificates_with_options: CurrentTime reached the host rounded, and the validity of a certificate depends on the digits lost',
    );
  }
  if (now.earliest < notBefore || now.earliest > notAfter) reject();
}

/** isValid is Certificate.isValid: may `cert` extend `chain` (whose last element it would have signed)? */
function assertValid(cert: Certificate, type: CertType, chain: readonly Certificate[], checks: Checks): void {
  if (cert.unhandledCriticalExtensions !== null) reject();
  if (chain.length > 0 && !sameBytes(chain[chain.length - 1]!.rawIssuer, cert.rawSubject)) reject();
  assertValidAt(cert, checks.options.now);
  const max = checks.options.maxConstraintComparisons === 0n ? 250000n : checks.options.maxConstraintComparisons;
  if (type !== 'leaf' && extension(cert, OID_NAME_CONSTRAINTS) !== undefined) {
    checkChainNames(cert, chain, { count: 0n, max });
  }
  if (type === 'intermediate' && (!cert.basicConstraintsValid || !cert.isCA)) reject();
  if (cert.basicConstraintsValid && cert.maxPathLen >= 0n && BigInt(chain.length - 1) > cert.maxPathLen) reject();
}

/** signedBy is CheckSignatureFrom. */
function signedBy(child: Certificate, parent: Certificate): boolean {
  if ((parent.version === 3n && !parent.basicConstraintsValid) || (parent.basicConstraintsValid && !parent.isCA)) {
    return false;
  }
  if (parent.keyUsage !== 0 && (parent.keyUsage & KEY_USAGE_CERT_SIGN) === 0) return false;
  if (parent.publicKeyAlgorithm === PUBLIC_KEY_ALGORITHM.UNKNOWN || parent.publicKey === undefined) return false;
  return signatureValid(child.signatureAlgorithm, child.rawTbsCertificate, child.signature, parent.publicKey, false);
}

function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  if (a.kind === 'dsa' || b.kind === 'dsa') {
    // Go 1.24.0 asserts an Equal method, which DSA keys lack, and panics.
    throw new HostLimitError('crypto.x509: chain building compared DSA keys, on which Go 1.24.0 panics');
  }
  if (a.kind === 'rsa' && b.kind === 'rsa') return a.n === b.n && a.e === b.e;
  if (a.kind === 'ecdsa' && b.kind === 'ecdsa') return a.curve === b.curve && a.x === b.x && a.y === b.y;
  if (a.kind === 'ed25519' && b.kind === 'ed25519') return sameBytes(a.key, b.key);
  return false;
}

/** alreadyInChain: same subject, same key, and the same SAN extension (or none on both). */
function alreadyInChain(candidate: Certificate, chain: readonly Certificate[]): boolean {
  const candidateSan = extension(candidate, OID_SUBJECT_ALT_NAME);
  for (const cert of chain) {
    if (!sameBytes(candidate.rawSubject, cert.rawSubject)) continue;
    if (!samePublicKey(candidate.publicKey!, cert.publicKey!)) continue;
    const certSan = extension(cert, OID_SUBJECT_ALT_NAME);
    if (candidateSan === undefined && certSan === undefined) return true;
    if (candidateSan === undefined || certSan === undefined) return false;
    if (sameBytes(candidateSan.value, certSan.value)) return true;
  }
  return false;
}

/** buildChains is Certificate.buildChains: every chain from `chain` (ending in the certificate to sign) to a root. */
function buildChains(chain: readonly Certificate[], checks: Checks): Certificate[][] {
  const cert = chain[chain.length - 1]!;
  const chains: Certificate[][] = [];
  const consider = (type: CertType, candidate: Certificate) => {
    if (candidate.publicKey === undefined || alreadyInChain(candidate, chain)) return;
    checks.signatureChecks++;
    if (checks.signatureChecks > MAX_CHAIN_SIGNATURE_CHECKS) return;
    if (!signedBy(cert, candidate)) return;
    try {
      assertValid(candidate, type, chain, checks);
    } catch (error) {
      if (error instanceof Invalid) return;
      throw error;
    }
    if (type === 'root') chains.push([...chain, candidate]);
    else chains.push(...buildChains([...chain, candidate], checks));
  };
  for (const root of checks.roots.potentialParents(cert)) consider('root', root);
  for (const intermediate of checks.intermediates.potentialParents(cert)) consider('intermediate', intermediate);
  return chains;
}

/** hostnameMatches is VerifyHostname (IP literals against IP SANs, other names against DNS SANs). */
function hostnameMatches(cert: Certificate, host: string): boolean {
  const candidateIp = host.length >= 3 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIP(candidateIp);
  if (ip !== undefined) return (cert.ipAddresses ?? []).some((candidate) => ipEqual(ip, candidate));
  const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const candidateName = lowerAscii(host);
  const validCandidate = validHostname(candidateName, false);
  return (cert.dnsNames ?? []).some((pattern) =>
    validCandidate && validHostname(pattern, true)
      ? matchHostnames(lowerAscii(pattern), lowerAscii(candidateName.replace(/\.$/, '')))
      : matchExactly(lowerAscii(pattern), candidateName),
  );
}

function ipEqual(a: Uint8Array, b: Uint8Array): boolean {
  const v4InV6 = (ip: Uint8Array) => ip.subarray(0, 10).every((x) => x === 0) && ip[10] === 0xff && ip[11] === 0xff;
  if (a.length === b.length) return sameBytes(a, b);
  const [short, long] = a.length === 4 ? [a, b] : [b, a];
  return short.length === 4 && long.length === 16 && v4InV6(long) && sameBytes(short, long.subarray(12));
}

function validHostname(host: string, isPattern: boolean): boolean {
  const name = isPattern ? host : host.replace(/\.$/, '');
  if (name.length === 0 || name === '*') return false;
  return name.split('.').every((part, i) => {
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') return true;
    return [...part].every((c, j) => /[a-zA-Z0-9_]/.test(c) || (c === '-' && j !== 0));
  });
}

function matchExactly(a: string, b: string): boolean {
  if (a === '' || a === '.' || b === '' || b === '.') return false;
  return a === b;
}

function matchHostnames(pattern: string, host: string): boolean {
  if (pattern.length === 0 || host.length === 0) return false;
  const patternParts = pattern.split('.');
  const hostParts = host.split('.');
  if (patternParts.length !== hostParts.length) return false;
  return patternParts.every((part, i) => (i === 0 && part === '*') || part === hostParts[i]);
}

/** chainAllowsUsage is checkChainForKeyUsage: some requested usage survives every certificate's EKU list. */
function chainAllowsUsage(chain: readonly Certificate[], usages: readonly number[]): boolean {
  const remaining = [...usages];
  for (let i = chain.length - 1; i >= 0; i--) {
    const cert = chain[i]!;
    if (cert.extKeyUsage === null && cert.unknownExtKeyUsage === null) continue;
    if ((cert.extKeyUsage ?? []).includes(EXT_KEY_USAGE.ANY)) continue;
    for (let j = remaining.length - 1; j >= 0; j--) {
      if (!(cert.extKeyUsage ?? []).includes(remaining[j]!)) remaining.splice(j, 1);
    }
    if (remaining.length === 0) return false;
  }
  return true;
}

/**
 * verifyChain is OPA's verifyX509CertificateChain: the verified chain, leaf first, or undefined when Go reports
 * an error.
 *
 * @throws {HostLimitError} where the answer depends on what the host cannot know (see the file comment).
 */
export function verifyChain(certs: readonly Certificate[], options: VerifyOptions): Certificate[] | undefined {
  if (certs.length < 2) return undefined;
  const roots = new CertPool();
  roots.add(certs[0]!);
  const intermediates = new CertPool();
  for (const cert of certs.slice(1, -1)) intermediates.add(cert);
  const leaf = certs[certs.length - 1]!;
  const checks: Checks = { options, roots, intermediates, signatureChecks: 0 };
  try {
    assertValid(leaf, 'leaf', [], checks);
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
  if (options.dnsName.length > 0 && !hostnameMatches(leaf, options.dnsName)) return undefined;
  const candidates = roots.contains(leaf) ? [[leaf]] : buildChains([leaf], checks);
  const chains = candidates.filter(policiesValid);
  if (chains.length === 0) return undefined;
  if (options.keyUsages.includes(EXT_KEY_USAGE.ANY)) return chains[0];
  const usages = options.keyUsages.length === 0 ? [EXT_KEY_USAGE.SERVER_AUTH] : options.keyUsages;
  return chains.find((chain) => chainAllowsUsage(chain, usages));
}

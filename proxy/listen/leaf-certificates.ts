import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { LRUCache } from 'lru-cache';
import { InvalidArgumentError } from '../core/errors.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { EC_P256, x509 } from './x509.js';

/**
 * LEAF_VALIDITY_DAYS is how long a leaf is valid. Short, since a leaf is re-minted in milliseconds and a leaked
 * one should not outlive a restart by much; far under the 397 days browsers and Apple clients accept.
 */
export const LEAF_VALIDITY_DAYS = 30;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// X.520 bounds a common name at 64 characters; S3 virtual-host names can be longer, and the SAN names the host anyway.
const MAX_COMMON_NAME_LENGTH = 64;

/** LeafCertificate is a minted server certificate and its private key, both PEM. */
export interface LeafCertificate {
  readonly host: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly notAfter: Date;
}

/**
 * mintLeafCertificate issues a server certificate for one host name or IP address: a fresh P-256 key, a SAN
 * (`dNSName`, or `iPAddress` for an IP literal), EKU serverAuth, valid from an hour ago (clients with a slow clock)
 * for LEAF_VALIDITY_DAYS.
 */
export async function mintLeafCertificate(
  ca: CertificateAuthority,
  host: string,
  now: Date = new Date(),
): Promise<LeafCertificate> {
  const name = host.toLowerCase();
  const keys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const certificate = await ca.issueCertificate({
    subject: name.length <= MAX_COMMON_NAME_LENGTH ? [{ CN: [name] }] : [{ O: ['Airlock'] }],
    publicKey: keys.publicKey,
    notBefore: new Date(now.getTime() - HOUR_MS),
    notAfter: new Date(now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: isIP(name) === 0 ? 'dns' : 'ip', value: name }]),
    ],
  });
  return {
    host: name,
    certificatePem: certificate.toString('pem'),
    privateKeyPem: x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    notAfter: certificate.notAfter,
  };
}

/** LeafCertificateCacheOptions bound the cache. */
export interface LeafCertificateCacheOptions {
  /** Most hosts kept (least recently used evicted first); default 1000. */
  readonly maxHosts?: number;
}

/**
 * LeafCertificateCache hands out a TLS context per host, minting on first use. It stores the promise, so concurrent
 * first connections to one host mint exactly once; a failed mint is dropped so the next connection tries again.
 * Entries expire a day before their certificate does. Building the SecureContext is cached too (~1.7 ms of a mint).
 */
export class LeafCertificateCache {
  readonly #ca: CertificateAuthority;
  readonly #contexts: LRUCache<string, Promise<SecureContext>>;
  #mintCount = 0;

  constructor(ca: CertificateAuthority, options: LeafCertificateCacheOptions = {}) {
    const maxHosts = options.maxHosts ?? 1000;
    if (!Number.isSafeInteger(maxHosts) || maxHosts < 1) {
      throw new InvalidArgumentError('maxHosts must be a positive integer');
    }
    this.#ca = ca;
    this.#contexts = new LRUCache({ max: maxHosts, ttl: (LEAF_VALIDITY_DAYS - 1) * DAY_MS });
  }

  /** mintCount is how many leaves this cache has started minting: for tests and the benchmark. */
  get mintCount(): number {
    return this.#mintCount;
  }

  /** size is how many hosts are cached. */
  get size(): number {
    return this.#contexts.size;
  }

  /** secureContextFor returns the TLS context presenting `host`'s leaf (host names compare case-insensitively). */
  secureContextFor(host: string): Promise<SecureContext> {
    const key = host.toLowerCase();
    const cached = this.#contexts.get(key);
    if (cached !== undefined) return cached;
    const minted = this.#mint(key);
    this.#contexts.set(key, minted);
    minted.catch(() => {
      if (this.#contexts.peek(key) === minted) this.#contexts.delete(key);
    });
    return minted;
  }

  async #mint(host: string): Promise<SecureContext> {
    this.#mintCount += 1;
    const leaf = await mintLeafCertificate(this.#ca, host);
    return createSecureContext({ cert: leaf.certificatePem, key: leaf.privateKeyPem });
  }
}

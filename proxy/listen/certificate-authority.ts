import { createPrivateKey, type KeyObject, X509Certificate as NodeX509Certificate, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CertificateAuthorityError } from '../core/errors.js';
import { EC_P256, ECDSA_SHA256, x509 } from './x509.js';

/** CA_CERTIFICATE_FILE is the CA certificate's name in the state directory: public, what agents must trust. */
export const CA_CERTIFICATE_FILE = 'ca.crt';
/** CA_KEY_FILE is the CA private key's name in the state directory: readable by Airlock's user only. */
export const CA_KEY_FILE = 'ca.key';

const CA_VALIDITY_YEARS = 10;
const HOUR_MS = 3_600_000;
// A second process that loses the race to create the CA waits this long for the winner's certificate to appear.
const PEER_CREATION_WAIT_MS = 3_000;

/** CertificateRequest is what a certificate says about its subject; the CA adds issuer, serial and key identifier. */
export interface CertificateRequest {
  readonly subject: x509.JsonName;
  readonly publicKey: CryptoKey;
  readonly notBefore: Date;
  /** Clamped to the CA's own expiry. */
  readonly notAfter: Date;
  readonly extensions: readonly x509.Extension[];
}

/** CertificateAuthority is Airlock's CA: it signs the leaf certificates agents see, and never lets its key out. */
export interface CertificateAuthority {
  /** The CA certificate in PEM, as agents must install it (`airlock ca export`). */
  readonly certificatePem: string;
  /** `Airlock CA <id>`: the id tells one installation's CA from another's in a trust store. */
  readonly commonName: string;
  readonly notAfter: Date;
  /** True when this call created the CA files (a first run), false when it loaded existing ones. */
  readonly created: boolean;
  /** issueCertificate signs a certificate for `request` with the CA key. */
  issueCertificate(request: CertificateRequest): Promise<x509.X509Certificate>;
}

/** CertificateAuthorityOptions are the collaborators tests replace. */
export interface CertificateAuthorityOptions {
  readonly now?: () => Date;
}

/**
 * loadOrCreateCertificateAuthority loads the CA from `stateDir`, creating it on the first run: an ECDSA P-256 key in
 * `ca.key` (PKCS#8 PEM, mode 0600) and a self-signed certificate valid 10 years in `ca.crt` (PEM, mode 0644). The
 * directory is created with mode 0700 if missing. Two processes starting together create one CA: the key is written
 * with an exclusive create, and the loser loads the winner's files.
 *
 * @throws CertificateAuthorityError when the key is readable by group or others, the certificate is not the key's
 *   pair, either file is missing its partner or unreadable, or the CA has expired
 */
export async function loadOrCreateCertificateAuthority(
  stateDir: string,
  options: CertificateAuthorityOptions = {},
): Promise<CertificateAuthority> {
  const now = options.now?.() ?? new Date();
  const paths = { certificate: join(stateDir, CA_CERTIFICATE_FILE), key: join(stateDir, CA_KEY_FILE) };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const [keyExists, certificateExists] = await Promise.all([fileExists(paths.key), fileExists(paths.certificate)]);
  if (certificateExists && !keyExists) {
    throw new CertificateAuthorityError(
      `${paths.certificate} exists but ${paths.key} does not; restore the key, or delete ${paths.certificate} to ` +
        'create a new CA (agents will then have to trust the new one)',
    );
  }
  const created = !keyExists && (await createCertificateAuthorityFiles(stateDir, paths, now));
  if (!created && !certificateExists) await waitForPeerCertificate(paths);
  return loadCertificateAuthority(paths, now, created);
}

async function createCertificateAuthorityFiles(
  stateDir: string,
  paths: { certificate: string; key: string },
  now: Date,
): Promise<boolean> {
  const keys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const commonName = `Airlock CA ${randomBytes(4).toString('hex')}`;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ O: ['Airlock'] }, { CN: [commonName] }],
    keys,
    notBefore: new Date(now.getTime() - HOUR_MS),
    notAfter,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  try {
    // 'wx' fails if the key exists: whichever process creates it first owns the CA, and nobody overwrites a key.
    await writeFile(paths.key, keyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  // The certificate appears whole or not at all, and only after the key is complete, so a peer that sees it can load.
  const temporary = join(stateDir, `.${CA_CERTIFICATE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temporary, certificate.toString('pem') + '\n', { mode: 0o644, flag: 'wx' });
    await chmod(temporary, 0o644);
    await rename(temporary, paths.certificate);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return true;
}

async function waitForPeerCertificate(paths: { certificate: string; key: string }): Promise<void> {
  const deadline = Date.now() + PEER_CREATION_WAIT_MS;
  while (!(await fileExists(paths.certificate))) {
    if (Date.now() > deadline) {
      throw new CertificateAuthorityError(
        `${paths.key} exists but ${paths.certificate} does not (an earlier start was interrupted?); ` +
          `delete ${paths.key} to create a new CA`,
      );
    }
    await sleep(50);
  }
}

async function loadCertificateAuthority(
  paths: { certificate: string; key: string },
  now: Date,
  created: boolean,
): Promise<CertificateAuthority> {
  const keyPem = await readPrivateKeyFile(paths.key);
  const certificatePem = await readFile(paths.certificate, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CertificateAuthorityError(`${paths.certificate} cannot be read (${error.code ?? 'error'})`, {
      cause: error,
    });
  });
  let privateKey: KeyObject;
  let nodeCertificate: NodeX509Certificate;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (error) {
    throw new CertificateAuthorityError(`${paths.key} is not a PEM private key`, { cause: error });
  }
  try {
    nodeCertificate = new NodeX509Certificate(certificatePem);
  } catch (error) {
    throw new CertificateAuthorityError(`${paths.certificate} is not a PEM certificate`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CertificateAuthorityError(`${paths.key} is not an ECDSA P-256 key`);
  }
  if (!nodeCertificate.checkPrivateKey(privateKey)) {
    throw new CertificateAuthorityError(`${paths.certificate} and ${paths.key} are not a pair`);
  }
  if (!nodeCertificate.ca) {
    throw new CertificateAuthorityError(`${paths.certificate} is not a CA certificate`);
  }
  const notAfter = new Date(nodeCertificate.validTo);
  if (notAfter <= now) {
    throw new CertificateAuthorityError(
      `the CA in ${paths.certificate} expired on ${notAfter.toISOString()}; delete ${paths.certificate} and ` +
        `${paths.key} to create a new one`,
    );
  }
  const signingKey = await crypto.subtle.importKey(
    'pkcs8',
    privateKey.export({ type: 'pkcs8', format: 'der' }),
    EC_P256,
    false,
    ['sign'],
  );
  const certificate = new x509.X509Certificate(certificatePem);
  const keyIdentifier =
    certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
    (await x509.SubjectKeyIdentifierExtension.create(certificate.publicKey)).keyId;
  return new LoadedCertificateAuthority(certificate, signingKey, keyIdentifier, notAfter, created);
}

/** readPrivateKeyFile reads the key through one descriptor, so the mode checked is the file read. */
async function readPrivateKeyFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new CertificateAuthorityError(`${path} is not a regular file`);
    const mode = stats.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CertificateAuthorityError(
        `${path} has mode 0${mode.toString(8)}: a CA key readable by group or others lets them impersonate any ` +
          `host to agents; run chmod 600 ${path}`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

class LoadedCertificateAuthority implements CertificateAuthority {
  readonly certificatePem: string;
  readonly commonName: string;
  readonly notAfter: Date;
  readonly created: boolean;
  readonly #certificate: x509.X509Certificate;
  readonly #signingKey: CryptoKey;
  readonly #authorityKeyIdentifier: x509.AuthorityKeyIdentifierExtension;

  constructor(
    certificate: x509.X509Certificate,
    signingKey: CryptoKey,
    keyIdentifier: string,
    notAfter: Date,
    created: boolean,
  ) {
    this.#certificate = certificate;
    this.#signingKey = signingKey;
    this.#authorityKeyIdentifier = new x509.AuthorityKeyIdentifierExtension(keyIdentifier);
    this.certificatePem = certificate.toString('pem') + '\n';
    this.commonName = certificate.subjectName.getField('CN')[0] ?? certificate.subject;
    this.notAfter = notAfter;
    this.created = created;
  }

  issueCertificate(request: CertificateRequest): Promise<x509.X509Certificate> {
    return x509.X509CertificateGenerator.create({
      subject: request.subject,
      issuer: this.#certificate.subjectName,
      publicKey: request.publicKey,
      signingKey: this.#signingKey,
      signingAlgorithm: ECDSA_SHA256,
      notBefore: request.notBefore,
      notAfter: request.notAfter < this.notAfter ? request.notAfter : this.notAfter,
      extensions: [...request.extensions, this.#authorityKeyIdentifier],
    });
  }
}

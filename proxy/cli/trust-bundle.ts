import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { writeFileAtomically } from '../core/atomic-file.js';

/** TRUST_BUNDLE_FILE is the bundle in the state directory that `SSL_CERT_FILE` and `REQUESTS_CA_BUNDLE` name. */
export const TRUST_BUNDLE_FILE = 'ca-bundle.pem';

/**
 * writeTrustBundle writes TRUST_BUNDLE_FILE into `stateDir`: the public roots Node ships (Mozilla's, so the bundle
 * does not depend on where the OS keeps its own) followed by Airlock's CA, and returns its path.
 *
 * `SSL_CERT_FILE` (OpenSSL, Ruby, Go on Linux) and `REQUESTS_CA_BUNDLE` (Python requests) replace the roots a program
 * trusts rather than adding to them: naming Airlock's CA alone would break every call to a host Airlock tunnels
 * without interception. The file is replaced atomically (mode 0644), so an agent starting meanwhile reads a whole one.
 */
export async function writeTrustBundle(stateDir: string, certificateAuthorityPem: string): Promise<string> {
  const path = join(stateDir, TRUST_BUNDLE_FILE);
  const certificates = [...rootCertificates.map((pem) => pem.trim()), certificateAuthorityPem.trim()];
  await writeFileAtomically(path, `${certificates.join('\n')}\n`, 0o644);
  return path;
}

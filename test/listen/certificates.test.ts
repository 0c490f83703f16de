import { once } from 'node:events';
import { chmod, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { type SecureContext, TLSSocket, connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import t, { type Test } from 'tap';
import {
  type CertificateAuthority,
  LeafCertificateCache,
  loadOrCreateCertificateAuthority,
  mintLeafCertificate,
} from '../../proxy/listen/index.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

t.test('creates the CA once, key 0600 in a 0700 directory, and loads the same CA on the next start', async (t) => {
  const stateDir = join(t.testdir(), 'state');
  const first = await loadOrCreateCertificateAuthority(stateDir);
  t.equal(first.created, true);
  t.match(first.commonName, /^Airlock CA [0-9a-f]{8}$/);
  t.equal(await mode(stateDir), 0o700);
  t.equal(await mode(join(stateDir, 'ca.key')), 0o600);
  t.equal(await mode(join(stateDir, 'ca.crt')), 0o644);
  t.equal(await readFile(join(stateDir, 'ca.crt'), 'utf8'), first.certificatePem);
  t.match(await readFile(join(stateDir, 'ca.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);

  const certificate = new X509Certificate(first.certificatePem);
  t.equal(certificate.ca, true);
  t.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const years = (Date.parse(certificate.validTo) - Date.now()) / (365.25 * 24 * 3_600_000);
  t.ok(years > 9.9 && years < 10.01, `valid about 10 years (${years.toFixed(2)})`);

  const second = await loadOrCreateCertificateAuthority(stateDir);
  t.equal(second.created, false);
  t.equal(second.certificatePem, first.certificatePem);
  t.equal(second.commonName, first.commonName);
});

t.test('two processes starting together end up with one CA', async (t) => {
  const stateDir = join(t.testdir(), 'state');
  const racers = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateCertificateAuthority(stateDir)));
  t.equal(racers.filter((ca) => ca.created).length, 1, 'exactly one created it');
  t.equal(new Set(racers.map((ca) => ca.certificatePem)).size, 1, 'all hold the same certificate');
});

t.test('refuses a CA key that group or others can read', async (t) => {
  const stateDir = join(t.testdir(), 'state');
  await loadOrCreateCertificateAuthority(stateDir);
  await chmod(join(stateDir, 'ca.key'), 0o644);
  await t.rejects(loadOrCreateCertificateAuthority(stateDir), {
    code: 'AIRLOCK_ERR_CERTIFICATE_AUTHORITY',
    message: /mode 0644.*chmod 600/,
  });
  await chmod(join(stateDir, 'ca.key'), 0o640);
  await t.rejects(loadOrCreateCertificateAuthority(stateDir), { code: 'AIRLOCK_ERR_CERTIFICATE_AUTHORITY' });
});

t.test('refuses a certificate that is not the key pair, and half a CA', async (t) => {
  const [one, two] = [join(t.testdir(), 'one'), join(t.testdir(), 'two')];
  await loadOrCreateCertificateAuthority(one);
  await loadOrCreateCertificateAuthority(two);
  await writeFile(join(one, 'ca.crt'), await readFile(join(two, 'ca.crt')));
  await t.rejects(loadOrCreateCertificateAuthority(one), {
    code: 'AIRLOCK_ERR_CERTIFICATE_AUTHORITY',
    message: /are not a pair/,
  });

  const keyOnly = join(t.testdir(), 'key-only');
  await loadOrCreateCertificateAuthority(keyOnly);
  await writeFile(join(keyOnly, 'ca.crt'), 'not a certificate');
  await t.rejects(loadOrCreateCertificateAuthority(keyOnly), { message: /not a PEM certificate/ });

  const certificateOnly = join(t.testdir(), 'certificate-only');
  await loadOrCreateCertificateAuthority(certificateOnly);
  await unlink(join(certificateOnly, 'ca.key'));
  await t.rejects(loadOrCreateCertificateAuthority(certificateOnly), { message: /ca\.key does not/ });
});

t.test('refuses an expired CA', async (t) => {
  const stateDir = join(t.testdir(), 'state');
  await loadOrCreateCertificateAuthority(stateDir);
  const later = () => new Date(Date.now() + 11 * 365 * 24 * 3_600_000);
  await t.rejects(loadOrCreateCertificateAuthority(stateDir, { now: later }), { message: /expired/ });
});

/** handshake runs a TLS server presenting `context` and returns what a verifying client connecting to it sees. */
async function handshake(t: Test, context: SecureContext, client: { ca: string; servername?: string }) {
  const server = createServer((raw) => {
    const socket = new TLSSocket(raw, { isServer: true, secureContext: context });
    socket.on('error', () => raw.destroy());
    socket.once('secure', () => socket.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const socket = tlsConnect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    ca: client.ca,
    ...(client.servername === undefined ? {} : { servername: client.servername }),
  });
  return new Promise<{ authorized: boolean; error?: Error; subjectaltname?: string }>((resolve) => {
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      socket.destroy();
      resolve({ authorized: socket.authorized, subjectaltname: peer.subjectaltname });
    });
    socket.once('error', (error) => resolve({ authorized: false, error }));
  });
}

t.test('a leaf verifies against the CA for its host name, and only for it', async (t) => {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const cache = new LeafCertificateCache(ca);
  const context = await cache.secureContextFor('STS.amazonaws.com');
  const good = await handshake(t, context, { ca: ca.certificatePem, servername: 'sts.amazonaws.com' });
  t.equal(good.authorized, true, good.error?.message ?? 'authorized');
  t.equal(good.subjectaltname, 'DNS:sts.amazonaws.com');

  const wrongName = await handshake(t, context, { ca: ca.certificatePem, servername: 'iam.amazonaws.com' });
  t.match(wrongName.error?.message, /does not match|altnames/);

  const other = await loadOrCreateCertificateAuthority(join(t.testdir(), 'other'));
  const untrusted = await handshake(t, context, {
    ca: other.certificatePem,
    servername: 'sts.amazonaws.com',
  });
  t.match(untrusted.error?.message, /unable to verify|self.signed|issuer/i);
});

t.test('a leaf for an IP address carries an iPAddress SAN', async (t) => {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const context = await new LeafCertificateCache(ca).secureContextFor('127.0.0.1');
  const seen = await handshake(t, context, { ca: ca.certificatePem });
  t.equal(seen.authorized, true, seen.error?.message ?? 'authorized');
  t.equal(seen.subjectaltname, 'IP Address:127.0.0.1');
});

t.test('a leaf profile: EKU serverAuth, not a CA, backdated an hour, short-lived', async (t) => {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const now = new Date();
  const leaf = await mintLeafCertificate(ca, `${'b'.repeat(63)}.s3.us-east-1.amazonaws.com`, now);
  const certificate = new X509Certificate(leaf.certificatePem);
  t.equal(certificate.ca, false);
  t.same(certificate.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  t.equal(Date.parse(certificate.validFrom), Math.floor(now.getTime() / 1000) * 1000 - 3_600_000);
  t.ok(Date.parse(certificate.validTo) - now.getTime() <= 397 * 24 * 3_600_000);
  t.equal(certificate.subject, 'O=Airlock', 'a host over 64 characters is named by the SAN only');
  t.ok(certificate.verify(new X509Certificate(ca.certificatePem).publicKey));
  t.ok(certificate.checkIssued(new X509Certificate(ca.certificatePem)));
});

t.test('concurrent first requests for one host mint once; a failed mint is retried', async (t) => {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const cache = new LeafCertificateCache(ca);
  const contexts = await Promise.all(
    Array.from({ length: 20 }, (_, i) => cache.secureContextFor(i % 2 ? 'A.example' : 'a.example')),
  );
  t.equal(cache.mintCount, 1);
  t.ok(contexts.every((context) => context === contexts[0]));

  let failuresLeft = 1;
  const flaky: CertificateAuthority = {
    ...ca,
    issueCertificate: (request) =>
      failuresLeft-- > 0 ? Promise.reject(new Error('signing failed')) : ca.issueCertificate(request),
  };
  const retrying = new LeafCertificateCache(flaky);
  await t.rejects(retrying.secureContextFor('b.example'), /signing failed/);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(retrying.size, 0, 'the failure is not cached');
  await retrying.secureContextFor('b.example');
  t.equal(retrying.mintCount, 2);
});

t.test('the cache keeps at most maxHosts hosts', async (t) => {
  const ca = await loadOrCreateCertificateAuthority(join(t.testdir(), 'state'));
  const cache = new LeafCertificateCache(ca, { maxHosts: 2 });
  for (const host of ['a.example', 'b.example', 'c.example']) await cache.secureContextFor(host);
  t.equal(cache.size, 2);
  t.throws(() => new LeafCertificateCache(ca, { maxHosts: 0 }), { code: 'AIRLOCK_ERR_INVALID_ARGUMENT' });
});

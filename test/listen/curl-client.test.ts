import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { startProxy } from './helpers.js';

// curl is a non-Node client: OpenSSL on the client side, libcurl's own CONNECT. Skipped where curl is not installed.
const run = promisify(execFile);
const curlPresent = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

async function curl(args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('curl', ['--silent', '--show-error', '--max-time', '5', ...args]);
    return { stdout, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; code?: number };
    return { stdout: failure.stdout ?? '', code: failure.code ?? -1 };
  }
}

t.test(
  'curl through the proxy: intercepted HTTPS, an IP target, and plain HTTP refused',
  { skip: !curlPresent && 'curl is not installed' },
  async (t) => {
    const proxy = await startProxy(t);
    const caFile = join(t.testdir(), 'ca.crt');
    await writeFile(caFile, proxy.ca.certificatePem);
    const common = ['--proxy', proxy.url, '--cacert', caFile, '--noproxy', ''];

    const named = await curl([...common, 'https://sts.amazonaws.com/?Action=GetCallerIdentity']);
    t.equal(named.code, 0);
    t.same(JSON.parse(named.stdout).target, { host: 'sts.amazonaws.com', port: 443 });

    const byAddress = await curl([...common, 'https://127.0.0.1:8443/by-address']);
    t.equal(byAddress.code, 0, 'the leaf for an IP target verifies with curl');
    t.same(JSON.parse(byAddress.stdout).target, { host: '127.0.0.1', port: 8443 });

    const plain = await curl([
      ...common,
      '--write-out',
      '%{http_code}',
      '--output',
      '/dev/null',
      'http://sts.amazonaws.com/',
    ]);
    t.equal(plain.stdout, '400');
  },
);

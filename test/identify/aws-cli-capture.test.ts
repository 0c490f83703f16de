/**
 * Real traffic: the AWS CLI v1 (botocore) is pointed at a capture server on a loopback port, and every request it
 * signed must verify with the agent's secret, and fail once tampered with.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { AgentAuthenticationError } from '../../proxy/core/errors.js';
import { headersFromDistinct, verifyAgentSignature, type WireRequest } from '../../proxy/identify/index.js';
import { AGENT, lookupAgent } from './fixtures/sdk-signer.js';

const run = promisify(execFile);

async function hasAwsCli(): Promise<boolean> {
  try {
    await run('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

interface Capture {
  origin: string;
  requests: WireRequest[];
}

function capture(requests: WireRequest[], port: () => number) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      requests.push({
        method: request.method!,
        host: `127.0.0.1:${port()}`,
        path: request.url!,
        headers: headersFromDistinct(request.headersDistinct),
        body: Buffer.concat(pieces),
      });
      response.writeHead(200, { 'content-type': 'text/xml', etag: '"0"' });
      response.end('<Ok/>');
    });
  };
}

async function listen(server: ReturnType<typeof createHttpServer>, t: Test): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const skip = (await hasAwsCli()) ? false : 'aws CLI v1 is not installed';

t.test('verifies what the AWS CLI signs, and refuses it tampered', { skip }, async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const file = join(directory, 'object.bin');
  writeFileSync(file, randomBytes(200_000));
  writeFileSync(join(directory, 'config'), '[default]\ns3 =\n  signature_version = s3v4\n');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    join(directory, 'key.pem'),
    '-out',
    join(directory, 'cert.pem'),
    '-subj',
    '/CN=127.0.0.1',
  ]);

  const plain: Capture = { origin: '', requests: [] };
  const tls: Capture = { origin: '', requests: [] };
  let plainPort = 0;
  let tlsPort = 0;
  plainPort = await listen(createHttpServer(capture(plain.requests, () => plainPort)), t);
  const httpsServer = createHttpsServer(
    { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) },
    capture(tls.requests, () => tlsPort),
  );
  tlsPort = await listen(httpsServer as unknown as ReturnType<typeof createHttpServer>, t);
  plain.origin = `http://127.0.0.1:${plainPort}`;
  tls.origin = `https://127.0.0.1:${tlsPort}`;

  const env = {
    PATH: process.env.PATH,
    HOME: directory,
    AWS_ACCESS_KEY_ID: AGENT.accessKeyId,
    AWS_SECRET_ACCESS_KEY: AGENT.secretAccessKey,
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_CONFIG_FILE: join(directory, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(directory, 'none'),
  };
  const aws = (origin: string, ...args: string[]) =>
    run('aws', [...args, '--endpoint-url', origin, '--no-verify-ssl'], { env }).then(
      (result) => result.stdout,
      () => '',
    );

  const presignedUrl = await aws(tls.origin, 's3', 'presign', "s3://bk/dir/a b+c~!'().txt", '--expires-in', '600');
  await Promise.all([
    aws(plain.origin, 'sts', 'get-caller-identity'),
    aws(
      plain.origin,
      'iam',
      'create-role',
      '--role-name',
      'app+=,.@x',
      '--assume-role-policy-document',
      '{"Version":"2012-10-17"}',
    ),
    aws(plain.origin, 's3api', 'put-object', '--bucket', 'bk', '--key', "dir/a b+c~!'().txt", '--body', file),
    aws(plain.origin, 's3api', 'list-objects-v2', '--bucket', 'bk', '--prefix', 'env:/a b'),
    aws(plain.origin, 'dynamodb', 'get-item', '--table-name', 'locks', '--key', '{"LockID":{"S":"a"}}'),
    aws(plain.origin, 'lambda', 'get-function', '--function-name', 'arn:aws:lambda:eu-west-1:123456789012:function:f'),
    aws(tls.origin, 's3', 'cp', file, 's3://bk/x y/z.bin'),
  ]);

  const captured = [...plain.requests, ...tls.requests];
  const url = new URL(presignedUrl.trim());
  captured.push({
    method: 'GET',
    host: url.host,
    path: `${url.pathname}${url.search}`,
    headers: { host: url.host, 'user-agent': 'curl/8' },
    body: Buffer.alloc(0),
  });
  t.ok(captured.length >= 8, `captured ${captured.length} requests`);
  const modes = new Set<string>();
  for (const request of captured) {
    const note = `${request.method} ${request.path.slice(0, 70)}`;
    const verified = await verifyAgentSignature(request, lookupAgent, new Date());
    t.equal(verified.authentication.agent.agentId, AGENT.agentId, note);
    modes.add(`${verified.authentication.kind}:${verified.authentication.payload}`);

    const tampered = { ...request, path: request.path.replace(/^\/[^/?]*/, (first) => `${first}x`) };
    const error = await verifyAgentSignature(tampered, lookupAgent, new Date()).catch((caught: unknown) => caught);
    t.type(error, AgentAuthenticationError, `${note}: tampered path refused`);
  }
  // botocore signs hashes over plain HTTP, streams unsigned-trailer uploads over TLS, and presigns with UNSIGNED-PAYLOAD.
  t.ok(modes.has('header:sha256'), 'saw a hex payload hash');
  t.ok(modes.has('header:unsigned-trailer'), 'saw STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  t.ok(modes.has('presigned:unsigned'), 'saw a presigned URL');
  t.ok(modes.has('header:computed-sha256'), 'saw a call without x-amz-content-sha256');
});

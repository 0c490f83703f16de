import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import t, { type Test } from 'tap';
import { CredentialsError } from '../../proxy/core/errors.js';
import { headersFromDistinct, verifyAgentSignature } from '../../proxy/identify/index.js';
import { createCredentialSource } from '../../proxy/sign/index.js';

const BASE = { accessKeyId: 'AKIABASEKEY', secretAccessKey: 'base/Secret+Key=never-shown' };
const ROLE = 'arn:aws:iam::123456789012:role/airlock-prod';

/**
 * startFakeSts answers AssumeRole after checking the caller's signature with Airlock's own verifier, counting calls.
 * Credentials it issues expire `durationSeconds` after the test clock.
 */
async function startFakeSts(t: Test, clock: { now: Date }) {
  const state = { calls: 0, fail: false, delayMs: 30, lastBody: '' };
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', async () => {
      state.calls += 1;
      const body = Buffer.concat(pieces);
      state.lastBody = body.toString();
      await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      const wire = {
        method: request.method!,
        host: request.headers.host!,
        path: request.url!,
        headers: headersFromDistinct(request.headersDistinct),
        body,
      };
      const lookup = (id: string) =>
        id === BASE.accessKeyId ? { secret: BASE.secretAccessKey, agentId: 'base' } : undefined;
      const verified = await verifyAgentSignature(wire, lookup, clock.now).catch(() => undefined);
      if (state.fail || verified === undefined) {
        response.writeHead(verified === undefined ? 403 : 500, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${verified === undefined ? 'SignatureDoesNotMatch' : 'InternalFailure'}</Code><Message>try again</Message></Error></ErrorResponse>`,
        );
        return;
      }
      const duration = Number(new URLSearchParams(state.lastBody).get('DurationSeconds'));
      const expiration = new Date(clock.now.getTime() + duration * 1000).toISOString();
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
          `<AccessKeyId>ASIATEMP${state.calls}</AccessKeyId><SecretAccessKey>temp/secret${state.calls}</SecretAccessKey>` +
          `<SessionToken>token&amp;${state.calls}</SessionToken><Expiration>${expiration}</Expiration>` +
          `</Credentials><AssumedRoleUser><Arn>${ROLE}/airlock</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { state, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function roleSource(endpoint: string, clock: { now: Date }, base = BASE) {
  return createCredentialSource(
    {
      type: 'assume-role',
      roleArn: ROLE,
      externalId: 'ext-1',
      durationSeconds: 3600,
      stsEndpoint: endpoint,
      base: { type: 'static', ...base },
    },
    { now: () => clock.now },
  );
}

t.test('assumes the role with a request signed by Airlock, and caches the result', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const sts = await startFakeSts(t, clock);
  const source = roleSource(sts.endpoint, clock);
  const first = await source.getCredentials();
  t.equal(first.accessKeyId, 'ASIATEMP1');
  t.equal(first.sessionToken, 'token&1', 'XML entities decoded');
  t.same(first.expiration, new Date('2026-11-21T04:00:00Z'));
  t.match(
    sts.state.lastBody,
    /Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fairlock-prod/,
  );
  t.match(sts.state.lastBody, /ExternalId=ext-1/);
  t.equal(await source.getCredentials(), first, 'cached');
  t.equal(sts.state.calls, 1);
});

t.test('deduplicates concurrent refreshes', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const sts = await startFakeSts(t, clock);
  const source = roleSource(sts.endpoint, clock);
  const all = await Promise.all(Array.from({ length: 20 }, () => source.getCredentials()));
  t.equal(sts.state.calls, 1);
  t.ok(all.every((credentials) => credentials === all[0]));
});

t.test('refreshes five minutes before expiry, not earlier', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const sts = await startFakeSts(t, clock);
  const source = roleSource(sts.endpoint, clock);
  await source.getCredentials();
  clock.now = new Date('2026-11-21T03:54:59Z');
  t.equal((await source.getCredentials()).accessKeyId, 'ASIATEMP1');
  clock.now = new Date('2026-11-21T03:55:00Z');
  t.equal((await source.getCredentials()).accessKeyId, 'ASIATEMP2');
  t.equal(sts.state.calls, 2);
});

t.test('keeps serving still-valid credentials while STS fails, then reports the failure', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const sts = await startFakeSts(t, clock);
  const source = roleSource(sts.endpoint, clock);
  await source.getCredentials();
  sts.state.fail = true;
  clock.now = new Date('2026-11-21T03:57:00Z');
  t.equal((await source.getCredentials()).accessKeyId, 'ASIATEMP1', 'still valid for 3 minutes');
  clock.now = new Date('2026-11-21T04:00:01Z');
  const error = await source.getCredentials().catch((caught: unknown) => caught);
  t.type(error, CredentialsError);
  t.match((error as Error).message, /HTTP 500 InternalFailure: try again/);
  for (const text of [inspect(error), String(error), JSON.stringify(error), inspect(source, { showHidden: true })]) {
    t.notMatch(text, BASE.secretAccessKey);
    t.notMatch(text, 'temp/secret');
  }
});

t.test('a wrong base secret is refused by STS and reported without the secret', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const sts = await startFakeSts(t, clock);
  const source = roleSource(sts.endpoint, clock, { ...BASE, secretAccessKey: 'wrong/Secret' });
  const error = await source.getCredentials().catch((caught: unknown) => caught);
  t.type(error, CredentialsError);
  t.match((error as Error).message, /HTTP 403 SignatureDoesNotMatch/);
  t.notMatch(inspect(error), 'wrong/Secret');
});

t.test('an unreachable STS endpoint is a CredentialsError', async (t) => {
  const clock = { now: new Date('2026-11-21T03:00:00Z') };
  const source = roleSource('http://127.0.0.1:9', clock);
  const error = await source.getCredentials().catch((caught: unknown) => caught);
  t.type(error, CredentialsError);
  t.match((error as Error).message, /could not reach http:\/\/127\.0\.0\.1:9/);
});

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import t from 'tap';
import { AirlockProxyAgent } from './harness/agent-client.js';
import { type AgentKeys, type AirlockProcess, startAirlock } from './harness/airlock.js';
import { type Moto, startMoto } from '../harness/moto.js';

// The AWS SDK for JavaScript v3 as an agent. It ignores HTTPS_PROXY, so it gets a proxy agent that trusts only
// Airlock's CA; everything else is stock.

let moto: Moto;
let airlock: AirlockProcess;
let keys: AgentKeys;

t.before(async () => {
  moto = await startMoto();
  airlock = await startAirlock({ upstream: moto.url, credentials: moto.credentials });
  keys = await airlock.addAgent('sdk-bot', 'alice@example.com', ['ci']);
});
t.teardown(async () => {
  await airlock?.stop();
  await moto?.stop();
});

function clientConfig() {
  const httpsAgent = new AirlockProxyAgent(airlock);
  return {
    region: 'us-east-1',
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    requestHandler: new NodeHttpHandler({ httpsAgent }),
    maxAttempts: 1,
  };
}

t.test('STS through Airlock: allowed call signed with the real key, denied call carries the reason', async (t) => {
  const sts = new STSClient(clientConfig());
  t.teardown(() => sts.destroy());
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  t.equal(identity.Arn, 'arn:aws:iam::123456789012:user/airlock');
  const error = await sts.send(new GetSessionTokenCommand({})).then(
    () => undefined,
    (caught: unknown) => caught as { name: string; message: string },
  );
  t.ok(error, 'GetSessionToken is refused');
  t.equal(error?.name, 'AccessDenied');
  t.match(error?.message, /returns credentials, which agents never receive/);
});

const OBJECT_BYTES = 50 * 1024 * 1024;

/** patternedStream yields `size` bytes of a deterministic pattern without ever holding them all. */
function patternedStream(size: number): Readable {
  const block = Buffer.alloc(256 * 1024);
  for (let i = 0; i < block.length; i += 1) block[i] = (i * 31 + 7) & 0xff;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const piece = block.subarray(0, Math.min(block.length, size - sent));
      sent += piece.length;
      this.push(Buffer.from(piece));
    },
  });
}

function sha256Of(size: number): string {
  const hash = createHash('sha256');
  const block = Buffer.alloc(256 * 1024);
  for (let i = 0; i < block.length; i += 1) block[i] = (i * 31 + 7) & 0xff;
  for (let done = 0; done < size; done += block.length)
    hash.update(block.subarray(0, Math.min(block.length, size - done)));
  return hash.digest('hex');
}

/** roundTrip streams `size` patterned bytes up to S3 and reads them back, hashing without holding them. */
async function roundTrip(s3: S3Client, key: string, size: number) {
  await s3.send(
    new PutObjectCommand({ Bucket: 'airlock-sdk-bucket', Key: key, Body: patternedStream(size), ContentLength: size }),
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: 'airlock-sdk-bucket', Key: key }));
  const hash = createHash('sha256');
  let received = 0;
  for await (const piece of got.Body as Readable) {
    received += (piece as Buffer).length;
    hash.update(piece as Buffer);
  }
  return { received, sha256: hash.digest('hex') };
}

t.test('a 50 MiB object put and got through Airlock comes back byte-identical, memory flat', async (t) => {
  const s3 = new S3Client(clientConfig());
  t.teardown(() => s3.destroy());
  await s3.send(new CreateBucketCommand({ Bucket: 'airlock-sdk-bucket' }));
  // A first, smaller round trip lets the allocator and undici's pools reach their working size, so what follows
  // measures whether memory grows with the object.
  await roundTrip(s3, 'warm-up.bin', 8 * 1024 * 1024);

  const rssBefore = airlock.rssBytes();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, airlock.rssBytes());
  }, 20);
  t.teardown(() => clearInterval(sampler));

  const { received, sha256 } = await roundTrip(s3, 'big/object.bin', OBJECT_BYTES);
  clearInterval(sampler);

  t.equal(received, OBJECT_BYTES);
  t.equal(sha256, sha256Of(OBJECT_BYTES), 'byte-identical');
  const growth = rssPeak - rssBefore;
  t.comment(`Airlock RSS before ${(rssBefore / 2 ** 20).toFixed(1)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(1)} MiB`);
  // Buffering the object once, on either leg, would add at least its 50 MiB.
  t.ok(growth < 25 * 1024 * 1024, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB while moving 2 × 50 MiB`);
});

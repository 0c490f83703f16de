import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import t from 'tap';
import { CredentialsError, InvalidArgumentError } from '../../proxy/core/errors.js';
import { AwsCredentials, createCredentialSource } from '../../proxy/sign/index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=';

/** shows collects every way a value is commonly turned into text by accident. */
function shows(value: unknown): string {
  return [
    inspect(value, { depth: 10, showHidden: true, getters: true }),
    inspect({ nested: { value } }, { depth: 10 }),
    JSON.stringify(value),
    String(value),
    `${value}`,
    JSON.stringify({ ...(value as object) }),
  ].join('\n');
}

t.test('AwsCredentials never shows its secret or session token', async (t) => {
  const credentials = new AwsCredentials({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN });
  const text = shows(credentials);
  t.notMatch(text, SECRET);
  t.notMatch(text, TOKEN);
  t.match(text, 'ASIAEXAMPLE');
  t.match(inspect(credentials), /secretAccessKey: \[redacted\]/);
  t.equal(credentials.secretAccessKey, SECRET, 'the signer can still read it');
  t.equal(credentials.sessionToken, TOKEN);
});

t.test('AwsCredentials rejects empty parts without echoing them', async (t) => {
  t.throws(() => new AwsCredentials({ accessKeyId: '', secretAccessKey: SECRET }), InvalidArgumentError);
  const error = t.throws(() => new AwsCredentials({ accessKeyId: 'AKIA', secretAccessKey: '' })) as Error;
  t.notMatch(String(error), SECRET);
});

t.test('reads static keys from environment variables', async (t) => {
  const source = createCredentialSource(
    { type: 'env', prefix: 'AIRLOCK_PROD' },
    { env: { AIRLOCK_PROD_ACCESS_KEY_ID: 'AKIAPROD', AIRLOCK_PROD_SECRET_ACCESS_KEY: SECRET } },
  );
  const credentials = await source.getCredentials();
  t.equal(credentials.accessKeyId, 'AKIAPROD');
  t.equal(credentials.secretAccessKey, SECRET);
  t.equal(credentials.sessionToken, undefined);
  t.notMatch(shows(source), SECRET);
  t.notMatch(source.description, SECRET);

  const error = t.throws(() =>
    createCredentialSource({ type: 'env', prefix: 'AIRLOCK_DEV' }, { env: { AIRLOCK_DEV_SECRET_ACCESS_KEY: SECRET } }),
  ) as CredentialsError;
  t.type(error, CredentialsError);
  t.equal(error.code, 'AIRLOCK_ERR_CREDENTIALS');
  t.match(error.message, 'AIRLOCK_DEV_ACCESS_KEY_ID');
  t.notMatch(shows(error) + inspect(error), SECRET);
});

t.test('reads a shared-credentials file and its profiles', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'airlock-credentials-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, 'credentials');
  writeFileSync(
    path,
    [
      '# real keys',
      '[default]',
      'aws_access_key_id = AKIADEFAULT',
      `aws_secret_access_key = ${SECRET}`,
      '',
      '[profile prod]',
      'aws_access_key_id=ASIAPROD',
      `aws_secret_access_key=${SECRET}x`,
      `aws_session_token=${TOKEN}`,
      '[broken]',
      `aws_secret_access_key = ${SECRET}`,
    ].join('\n'),
  );
  const fallback = await createCredentialSource({ type: 'file', path }).getCredentials();
  t.equal(fallback.accessKeyId, 'AKIADEFAULT');
  t.equal(fallback.secretAccessKey, SECRET);
  const prod = await createCredentialSource({ type: 'file', path, profile: 'prod' }).getCredentials();
  t.equal(prod.sessionToken, TOKEN);

  for (const [profile, message] of [
    ['broken', /needs aws_access_key_id and aws_secret_access_key/],
    ['missing', /has no profile \[missing\]/],
  ] as const) {
    const error = t.throws(() => createCredentialSource({ type: 'file', path, profile })) as Error;
    t.type(error, CredentialsError);
    t.match(error.message, message);
    t.notMatch(shows(error) + inspect(error), SECRET);
  }
  t.throws(() => createCredentialSource({ type: 'file', path: join(directory, 'nope') }), CredentialsError);
});

t.test('rejects configurations that cannot work', async (t) => {
  t.throws(() => createCredentialSource({ type: 'vault' } as never), InvalidArgumentError);
  t.throws(
    () =>
      createCredentialSource({
        type: 'assume-role',
        roleArn: 'not-an-arn',
        base: { type: 'static', accessKeyId: 'AKIA', secretAccessKey: SECRET },
      }),
    InvalidArgumentError,
  );
  t.throws(
    () =>
      createCredentialSource({
        type: 'assume-role',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        durationSeconds: 60,
        base: { type: 'static', accessKeyId: 'AKIA', secretAccessKey: SECRET },
      }),
    InvalidArgumentError,
  );
});

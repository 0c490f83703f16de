import t from 'tap';
import { AUDIT_REDACTED, findSecretLookingKey, isSecretLookingName } from '../../proxy/audit/secret-names.js';

t.test('names that hold credentials look like secrets, in any spelling', async (t) => {
  const secretLooking = [
    'secret',
    'password',
    'token',
    'authorization',
    'Authorization',
    'SecretAccessKey',
    'secret_access_key',
    'aws-secret-access-key',
    'SessionToken',
    'x-amz-security-token',
    'MasterUserPassword',
    'ClientSecret',
    'SecretString',
    'SecretBinary',
    'PrivateKey',
    'apiKey',
    'Cookie',
    'passphrase',
    'refresh_token',
  ];
  for (const name of secretLooking) t.ok(isSecretLookingName(name), name);
});

t.test('AWS parameter names that only mention a secret do not', async (t) => {
  const notSecret = [
    'SecretId',
    'NextToken',
    'ContinuationToken',
    'NextContinuationToken',
    'ClientToken',
    'ClientRequestToken',
    'IdempotencyToken',
    'PaginationToken',
    'MinimumPasswordLength',
    'PasswordResetRequired',
    'AuthorizationType',
    'TokenCode',
    'AccessKeyId',
    'KmsKeyId',
    'RoleName',
    'agent',
  ];
  for (const name of notSecret) t.notOk(isSecretLookingName(name), name);
});

t.test('findSecretLookingKey names the first secret-looking key at any depth', async (t) => {
  const cases: Array<{ note: string; data: unknown; want: string | undefined }> = [
    { note: 'none', data: { agent: 'bot', params: { RoleName: 'app', NextToken: 'abc' } }, want: undefined },
    { note: 'top level', data: { password: 'hunter2' }, want: 'data.password' },
    {
      note: 'inside a response',
      data: { response: { Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'x' } } },
      want: 'data.response.Credentials.SecretAccessKey',
    },
    {
      note: 'inside an array',
      data: { headers: [{ host: 'h' }, { Authorization: 'AWS4' }] },
      want: 'data.headers[1].Authorization',
    },
    { note: 'an odd key', data: { 'x-amz-security-token': 'x' }, want: 'data["x-amz-security-token"]' },
    { note: 'the redaction marker is allowed', data: { params: { Password: AUDIT_REDACTED } }, want: undefined },
    { note: 'a secret-looking key holding an object', data: { token: { value: 1 } }, want: 'data.token' },
    { note: 'null is not the marker', data: { token: null }, want: 'data.token' },
  ];
  for (const { note, data, want } of cases) t.equal(findSecretLookingKey(data), want, note);
});

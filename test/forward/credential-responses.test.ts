import t from 'tap';
import { CREDENTIAL_ACTIONS, isCredentialAction, scrubCredentials, WITHHELD } from '../../proxy/forward/index.js';

const WITHHELD_BASE64 = Buffer.from(WITHHELD).toString('base64');

/** Response bodies as AWS documents them (API references' examples), secrets replaced by recognisable fakes. */
const STS_ASSUME_ROLE = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;

const IAM_CREATE_ACCESS_KEY = `<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
   <CreateAccessKeyResult>
     <AccessKey>
         <UserName>Bob</UserName>
         <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
         <Status>Active</Status>
         <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      </AccessKey>
   </CreateAccessKeyResult>
   <ResponseMetadata>
      <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
   </ResponseMetadata>
</CreateAccessKeyResponse>`;

const IAM_CREATE_VIRTUAL_MFA = `<CreateVirtualMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateVirtualMFADeviceResult>
    <VirtualMFADevice>
      <SerialNumber>arn:aws:iam::123456789012:mfa/ExampleName</SerialNumber>
      <Base32StringSeed>MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3EMVTGO2DJ</Base32StringSeed>
      <QRCodePNG>iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==</QRCodePNG>
    </VirtualMFADevice>
  </CreateVirtualMFADeviceResult>
  <ResponseMetadata><RequestId>307c7dd1-1111-11e1-9e09-EXAMPLE</RequestId></ResponseMetadata>
</CreateVirtualMFADeviceResponse>`;

const EC2_CREATE_KEY_PAIR = `<?xml version="1.0" encoding="UTF-8"?>
<CreateKeyPairResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <keyName>my-key-pair</keyName>
  <keyFingerprint>1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f</keyFingerprint>
  <keyMaterial>-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAuhrGNglwb2Zz/Qcz1zV+l12fJOnWmJxC2GMwQOjAX/L7p01o
-----END RSA PRIVATE KEY-----</keyMaterial>
  <keyPairId>key-0123456789abcdef0</keyPairId>
</CreateKeyPairResponse>`;

const ECR_GET_AUTHORIZATION_TOKEN = `{"authorizationData":[{"authorizationToken":"QVdTOkNpQzErSHF1ZXZPcUR0L3BFWEFNUExF","expiresAt":1.470951892432E9,"proxyEndpoint":"https://012345678910.dkr.ecr.us-east-1.amazonaws.com"}]}`;

const SECRETS_MANAGER_GET_SECRET_VALUE = `{
  "ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-a1b2c3",
  "CreatedDate": 1.523477145713E9,
  "Name": "MyTestSecret",
  "SecretString": "{\\"username\\":\\"david\\",\\"password\\":\\"EXAMPLE-PASSWORD\\"}",
  "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
  "VersionStages": ["AWSPREVIOUS"]
}`;

const SECRETS_MANAGER_BINARY = `{"ARN":"arn:aws:secretsmanager:us-west-2:123456789012:secret:Bin-a1b2c3","Name":"Bin","SecretBinary":"c2VjcmV0IGJ5dGVz","VersionId":"v1","VersionStages":["AWSCURRENT"]}`;

const SSM_GET_PARAMETERS = `{"InvalidParameters":[],"Parameters":[
{"ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/db/password","DataType":"text","LastModifiedDate":1.582657288787E9,"Name":"/db/password","Value":"hunter2","Type":"SecureString","Version":3},
{"ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/db/host","DataType":"text","Name":"/db/host","Type":"String","Value":"db.internal","Version":1},
{"Type":"SecureString","Name":"/api/key","Value":"sk-live-1234","Tags":[{"Key":"Value","Value":"kept"}]}]}`;

const COGNITO_GET_CREDENTIALS = `{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","Expiration":1.7e9,"SecretKey":"cognito/secret","SessionToken":"cognito-token"},"IdentityId":"us-east-1:1234"}`;

const SSO_GET_ROLE_CREDENTIALS = `{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso/secret","sessionToken":"sso-token","expiration":1700000000000}}`;

const COGNITO_INITIATE_AUTH = `{"AuthenticationResult":{"AccessToken":"eyJ.access","ExpiresIn":3600,"IdToken":"eyJ.id","RefreshToken":"eyJ.refresh","TokenType":"Bearer"},"ChallengeParameters":{}}`;

const COGNITO_DESCRIBE_CLIENT = `{"UserPoolClient":{"ClientId":"abc","TokenValidityUnits":{"AccessToken":"hours","IdToken":"hours","RefreshToken":"days"}}}`;

function scrub(text: string, contentType: string | undefined, iamAction?: string) {
  const result = scrubCredentials(Buffer.from(text), contentType, iamAction);
  return { ...result, text: result.body.toString() };
}

t.test('withholds STS AssumeRole credentials from the XML, keeping everything else byte for byte', async (t) => {
  const result = scrub(STS_ASSUME_ROLE, 'text/xml');
  t.equal(result.format, 'xml');
  t.ok(result.scrubbed);
  t.same(result.fields, ['SecretAccessKey', 'SessionToken']);
  const expected = STS_ASSUME_ROLE.replace(
    /<SecretAccessKey>[^<]*<\/SecretAccessKey>/,
    `<SecretAccessKey>${WITHHELD}</SecretAccessKey>`,
  ).replace(/<SessionToken>[^<]*<\/SessionToken>/, `<SessionToken>${WITHHELD}</SessionToken>`);
  t.equal(result.text, expected);
  t.notMatch(result.text, /wJalrXUtnFEMI|AQoDYXdz/);
  t.match(result.text, '<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>', 'the key id is not secret');
});

t.test('withholds the secret of IAM CreateAccessKey', async (t) => {
  const result = scrub(IAM_CREATE_ACCESS_KEY, 'text/xml');
  t.same(result.fields, ['SecretAccessKey']);
  t.notMatch(result.text, 'wJalrXUtnFEMI');
  t.match(result.text, `<SecretAccessKey>${WITHHELD}</SecretAccessKey>`);
});

t.test('withholds an MFA seed as base64, since SDKs decode the blob', async (t) => {
  const result = scrub(IAM_CREATE_VIRTUAL_MFA, 'text/xml');
  t.same(result.fields, ['Base32StringSeed', 'QRCodePNG']);
  t.match(result.text, `<Base32StringSeed>${WITHHELD_BASE64}</Base32StringSeed>`);
  t.match(result.text, `<QRCodePNG>${WITHHELD_BASE64}</QRCodePNG>`);
});

t.test('withholds an EC2 private key (lower camel case XML)', async (t) => {
  const result = scrub(EC2_CREATE_KEY_PAIR, 'text/xml;charset=UTF-8');
  t.same(result.fields, ['keyMaterial']);
  t.notMatch(result.text, 'MIIEow');
  t.match(result.text, '<keyFingerprint>1f:51:ae:28');
});

t.test('withholds the ECR token, leaving the JSON otherwise untouched (numbers as written)', async (t) => {
  const result = scrub(ECR_GET_AUTHORIZATION_TOKEN, 'application/x-amz-json-1.1');
  t.equal(result.format, 'json');
  t.same(result.fields, ['authorizationToken']);
  t.equal(
    result.text,
    ECR_GET_AUTHORIZATION_TOKEN.replace('QVdTOkNpQzErSHF1ZXZPcUR0L3BFWEFNUExF', WITHHELD),
    'expiresAt stays 1.470951892432E9',
  );
});

t.test('withholds Secrets Manager values, string and binary', async (t) => {
  const text = scrub(SECRETS_MANAGER_GET_SECRET_VALUE, 'application/x-amz-json-1.1');
  t.same(text.fields, ['SecretString']);
  t.same(JSON.parse(text.text), { ...JSON.parse(SECRETS_MANAGER_GET_SECRET_VALUE), SecretString: WITHHELD });
  t.match(text.text, '"CreatedDate": 1.523477145713E9', 'formatting kept');
  const binary = scrub(SECRETS_MANAGER_BINARY, 'application/x-amz-json-1.1');
  t.equal(JSON.parse(binary.text).SecretBinary, WITHHELD_BASE64);
});

t.test('withholds decrypted SecureString parameters only', async (t) => {
  const result = scrub(SSM_GET_PARAMETERS, 'application/x-amz-json-1.1');
  t.same(result.fields, ['Value', 'Value']);
  const parameters = JSON.parse(result.text).Parameters as Array<{ Name: string; Value: string; Tags?: unknown }>;
  t.equal(parameters[0]!.Value, WITHHELD, 'SecureString, Type after Value');
  t.equal(parameters[1]!.Value, 'db.internal', 'a String parameter is not secret');
  t.equal(parameters[2]!.Value, WITHHELD, 'SecureString, Type before Value');
  t.same(
    parameters[2]!.Tags,
    [{ Key: 'Value', Value: 'kept' }],
    'a nested object with a Value member is its own object',
  );
});

t.test('withholds Cognito identity and SSO role credentials', async (t) => {
  const cognito = JSON.parse(scrub(COGNITO_GET_CREDENTIALS, 'application/x-amz-json-1.1').text);
  t.same(cognito.Credentials, {
    AccessKeyId: 'ASIAEXAMPLE',
    Expiration: 1.7e9,
    SecretKey: WITHHELD,
    SessionToken: WITHHELD,
  });
  const sso = JSON.parse(scrub(SSO_GET_ROLE_CREDENTIALS, 'application/json').text);
  t.same(sso.roleCredentials, {
    accessKeyId: 'ASIASSO',
    secretAccessKey: WITHHELD,
    sessionToken: WITHHELD,
    expiration: 1700000000000,
  });
});

t.test('withholds names too common to withhold everywhere only for the action that returns them', async (t) => {
  const tokens = scrub(COGNITO_INITIATE_AUTH, 'application/x-amz-json-1.1', 'cognito-idp:InitiateAuth');
  t.same(tokens.fields, ['AccessToken', 'IdToken', 'RefreshToken']);
  const withoutAction = scrub(COGNITO_INITIATE_AUTH, 'application/x-amz-json-1.1');
  t.notOk(withoutAction.scrubbed, 'unknown action: the common names are left');
  const units = scrub(COGNITO_DESCRIBE_CLIENT, 'application/x-amz-json-1.1', 'cognito-idp:DescribeUserPoolClient');
  t.notOk(units.scrubbed, 'TokenValidityUnits.AccessToken is a unit, not a token');
});

t.test('reads escaped JSON keys, namespaced XML names, and sniffs the format without a content type', async (t) => {
  const escaped = scrub('{"Secret\\u0041ccessKey":"s","Other":"\\"SecretAccessKey\\""}', undefined);
  t.equal(escaped.format, 'json');
  t.same(JSON.parse(escaped.text), { SecretAccessKey: WITHHELD, Other: '"SecretAccessKey"' });
  const prefixed = scrub(
    '<r xmlns:a="x"><a:SessionToken a:b="c">tok</a:SessionToken><SessionToken/></r>',
    'application/xml',
  );
  t.equal(prefixed.text, `<r xmlns:a="x"><a:SessionToken a:b="c">${WITHHELD}</a:SessionToken><SessionToken/></r>`);
  t.equal(scrub(' <x><SecretString>s</SecretString></x>', undefined).format, 'xml');
});

t.test('passes clean bodies through as the same buffer', async (t) => {
  const body = Buffer.from('{"Functions":[{"FunctionName":"f","Environment":{"Variables":{"password":"p"}}}]}');
  const result = scrubCredentials(body, 'application/json');
  t.equal(result.body, body, 'the very buffer');
  t.same(
    { scrubbed: result.scrubbed, fields: result.fields, format: result.format },
    { scrubbed: false, fields: [], format: 'json' },
  );
  t.equal(scrubCredentials(Buffer.alloc(0), 'text/xml').format, 'empty');
  t.equal(scrubCredentials(Buffer.from(' \n'), undefined).format, 'empty');
});

t.test('reports what it cannot read, unchanged, so the caller can fail closed', async (t) => {
  const rows = [
    { note: 'malformed JSON', text: '{"SecretAccessKey": "s"', type: 'application/json' },
    { note: 'an element left open', text: '<a><SessionToken>tok</a>', type: 'text/xml' },
    { note: 'neither JSON nor XML', text: 'SecretAccessKey=s', type: 'text/plain' },
    { note: 'CBOR', text: '\u00a1', type: 'application/cbor' },
  ];
  for (const { note, text, type } of rows) {
    const body = Buffer.from(text);
    const result = scrubCredentials(body, type);
    t.equal(result.format, 'unreadable', note);
    t.equal(result.body, body, `${note}: unchanged`);
  }
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
  t.equal(scrubCredentials(invalidUtf8, 'application/json').format, 'unreadable', 'invalid UTF-8');
});

t.test('names the credential actions', async (t) => {
  for (const action of [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:GetSessionToken',
    'sts:GetFederationToken',
    'sts:AssumeRoot',
    'iam:CreateAccessKey',
    'iam:CreateServiceSpecificCredential',
    'iam:ResetServiceSpecificCredential',
    'sso:GetRoleCredentials',
    'ecr:GetAuthorizationToken',
    'ecr-public:GetAuthorizationToken',
    'redshift:GetClusterCredentials',
    'redshift:GetClusterCredentialsWithIAM',
    'cognito-identity:GetCredentialsForIdentity',
    'codeartifact:GetAuthorizationToken',
    'secretsmanager:GetSecretValue',
  ]) {
    t.ok(isCredentialAction(action), action);
  }
  for (const action of [
    'iam:CreateLoginProfile',
    'rds:GenerateDbAuthToken',
    'eks:DescribeCluster',
    'kms:Decrypt',
    'sts:GetCallerIdentity',
    '',
  ]) {
    t.notOk(isCredentialAction(action), action);
  }
  t.notOk(isCredentialAction('ssm:GetParameter', { Name: '/a' }), 'no decryption');
  t.notOk(isCredentialAction('ssm:GetParameter', { Name: '/a', WithDecryption: false }));
  t.ok(isCredentialAction('ssm:GetParameters', { Names: ['/a'], WithDecryption: true }));
  t.ok(isCredentialAction('ssm:GetParametersByPath', { Path: '/', WithDecryption: 'true' }), 'query-style string');
  t.ok(isCredentialAction('ssm:GetParameter'), 'unknown params: the safe answer');
  t.ok(
    [...CREDENTIAL_ACTIONS].every((action) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)),
    'every entry is service:Action',
  );
});

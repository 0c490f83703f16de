import type { Params } from '../decode/index.js';

/**
 * CREDENTIAL_ACTIONS are the IAM actions whose successful response hands out secret material: a policy must release
 * them explicitly, or the agent never sees the response. The list was checked against the output shapes of
 * botocore 1.43.11's service models (members marked `sensitive`, and every member carrying an AWS secret key).
 *
 * What counts:
 * 1. Every call whose response carries AWS credentials (a secret access key): with them an agent signs its own
 *    requests and leaves Airlock's control. STS, IAM access keys, SSO, Cognito identity pools, and the services that
 *    vend role credentials for their own workers (CodePipeline, Deadline, EKS Pod Identity, GameLift, Lake
 *    Formation, DataZone, FinSpace, S3 Express sessions, S3 Access Grants, Lightsail bucket keys, SSM just-in-time
 *    access).
 * 2. Tokens exchangeable for AWS credentials: Cognito OpenID tokens, STS web identity tokens.
 * 3. Calls whose purpose is to hand out some other credential: passwords and tokens (IAM service-specific
 *    credentials, ECR and CodeArtifact tokens, Redshift database credentials, Cognito user-pool and IAM Identity
 *    Center tokens), private keys (EC2 and Lightsail key pairs, IoT device keys), MFA seeds (IAM virtual MFA
 *    devices), and instance passwords.
 * 4. Stored secrets: Secrets Manager values; SSM parameters read with decryption (see `isCredentialAction`).
 *
 * What does not:
 * - `iam:CreateLoginProfile` and `iam:UpdateLoginProfile` take a password and return none.
 * - `rds:GenerateDbAuthToken` and EKS `get-token` are presigned client-side; no call reaches Airlock, and a token
 *   presigned with an Airlock-issued key is worthless to AWS.
 * - `kms:Decrypt`, `kms:GenerateDataKey`: the plaintext is the product of the call, and the key policy plus
 *   Airlock's policy allowing the call are its release.
 * - Descriptions that include a secret among other fields (Cognito `DescribeUserPoolClient`'s client secret, EC2
 *   VPN pre-shared keys, Glue connection passwords, `iam:ListVirtualMFADevices`): Terraform reads them to plan, so
 *   they are left to the policy. The scrubber still withholds the fields it knows by name (`Base32StringSeed`...).
 */
export const CREDENTIAL_ACTIONS: ReadonlySet<string> = new Set([
  // AWS credentials.
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoot',
  'sts:GetSessionToken',
  'sts:GetFederationToken',
  'sts:GetDelegatedAccessToken',
  'iam:CreateAccessKey',
  'sso:GetRoleCredentials',
  'cognito-identity:GetCredentialsForIdentity',
  'ssm:GetAccessToken',
  'signin:CreateOAuth2Token',
  's3express:CreateSession',
  's3:GetDataAccess',
  'lightsail:CreateBucketAccessKey',
  'lightsail:GetBucketAccessKeys',
  'codepipeline:GetJobDetails',
  'codepipeline:GetThirdPartyJobDetails',
  'codepipeline:PollForJobs',
  'deadline:AssumeFleetRoleForRead',
  'deadline:AssumeFleetRoleForWorker',
  'deadline:AssumeQueueRoleForRead',
  'deadline:AssumeQueueRoleForUser',
  'deadline:AssumeQueueRoleForWorker',
  'eks-auth:AssumeRoleForPodIdentity',
  'gamelift:CreateBuild',
  'gamelift:GetComputeAccess',
  'gamelift:RequestUploadCredentials',
  'lakeformation:AssumeDecoratedRoleWithSAML',
  'lakeformation:GetTemporaryDataLocationCredentials',
  'lakeformation:GetTemporaryGluePartitionCredentials',
  'lakeformation:GetTemporaryGlueTableCredentials',
  'datazone:GetConnection',
  'datazone:GetEnvironmentCredentials',
  'finspace-api:GetExternalDataViewAccessDetails',
  'finspace-api:GetProgrammaticAccessCredentials',
  // Tokens exchangeable for AWS credentials.
  'sts:GetWebIdentityToken',
  'cognito-identity:GetOpenIdToken',
  'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
  // Other credentials handed out on purpose.
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'iam:CreateVirtualMFADevice',
  'ecr:GetAuthorizationToken',
  'ecr-public:GetAuthorizationToken',
  'codeartifact:GetAuthorizationToken',
  'redshift:GetClusterCredentials',
  'redshift:GetClusterCredentialsWithIAM',
  'redshift:GetIdentityCenterAuthToken',
  'redshift-serverless:GetCredentials',
  'cognito-idp:AdminInitiateAuth',
  'cognito-idp:AdminRespondToAuthChallenge',
  'cognito-idp:InitiateAuth',
  'cognito-idp:RespondToAuthChallenge',
  'cognito-idp:GetTokensFromRefreshToken',
  'sso-oauth:CreateToken',
  'sso-oauth:CreateTokenWithIAM',
  'ec2:CreateKeyPair',
  'ec2:GetPasswordData',
  'lightsail:CreateKeyPair',
  'lightsail:DownloadDefaultKeyPair',
  'lightsail:GetInstanceAccessDetails',
  'lightsail:GetRelationalDatabaseMasterUserPassword',
  'lightsail:CreateContainerServiceRegistryLogin',
  'iot:CreateKeysAndCertificate',
  'iot:CreateProvisioningClaim',
  // Stored secrets.
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
]);

/** Parameter Store reads that return SecureString values in clear when asked to decrypt. */
const DECRYPTING_READS: ReadonlySet<string> = new Set([
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
]);

/**
 * isCredentialAction tells whether a call's response may carry secret material (`CREDENTIAL_ACTIONS`), including
 * the SSM parameter reads when `WithDecryption` is set. Without params those reads count, as the safe answer.
 */
export function isCredentialAction(iamAction: string, params?: Params): boolean {
  if (CREDENTIAL_ACTIONS.has(iamAction)) return true;
  if (!DECRYPTING_READS.has(iamAction)) return false;
  if (params === undefined) return true;
  const decrypt = params.WithDecryption;
  return decrypt !== undefined && decrypt !== false && decrypt !== 'false';
}

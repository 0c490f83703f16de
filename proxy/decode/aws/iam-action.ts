import type { Params } from '../call.js';
import type { AwsHost } from './host.js';

/**
 * S3_IAM_ACTIONS names the IAM action for S3 operations whose action is not named like the operation (S3 User Guide,
 * "Required permissions for Amazon S3 API operations").
 */
const S3_IAM_ACTIONS: Record<string, string> = {
  CompleteMultipartUpload: 'PutObject',
  CopyObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  UploadPartCopy: 'PutObject',
  DeleteObjects: 'DeleteObject',
  HeadObject: 'GetObject',
  SelectObjectContent: 'GetObject',
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  ListParts: 'ListMultipartUploadParts',
  ListBuckets: 'ListAllMyBuckets',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  PutObjectLockConfiguration: 'PutBucketObjectLockConfiguration',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 'PutAccelerateConfiguration',
  GetBucketAnalyticsConfiguration: 'GetAnalyticsConfiguration',
  ListBucketAnalyticsConfigurations: 'GetAnalyticsConfiguration',
  PutBucketAnalyticsConfiguration: 'PutAnalyticsConfiguration',
  DeleteBucketAnalyticsConfiguration: 'PutAnalyticsConfiguration',
  GetBucketCors: 'GetBucketCORS',
  PutBucketCors: 'PutBucketCORS',
  DeleteBucketCors: 'PutBucketCORS',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  DeleteBucketEncryption: 'PutEncryptionConfiguration',
  GetBucketIntelligentTieringConfiguration: 'GetIntelligentTieringConfiguration',
  ListBucketIntelligentTieringConfigurations: 'GetIntelligentTieringConfiguration',
  PutBucketIntelligentTieringConfiguration: 'PutIntelligentTieringConfiguration',
  DeleteBucketIntelligentTieringConfiguration: 'PutIntelligentTieringConfiguration',
  GetBucketInventoryConfiguration: 'GetInventoryConfiguration',
  ListBucketInventoryConfigurations: 'GetInventoryConfiguration',
  PutBucketInventoryConfiguration: 'PutInventoryConfiguration',
  DeleteBucketInventoryConfiguration: 'PutInventoryConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  DeleteBucketLifecycle: 'PutLifecycleConfiguration',
  GetBucketMetricsConfiguration: 'GetMetricsConfiguration',
  ListBucketMetricsConfigurations: 'GetMetricsConfiguration',
  PutBucketMetricsConfiguration: 'PutMetricsConfiguration',
  DeleteBucketMetricsConfiguration: 'PutMetricsConfiguration',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
  DeleteBucketOwnershipControls: 'PutBucketOwnershipControls',
  GetBucketReplication: 'GetReplicationConfiguration',
  PutBucketReplication: 'PutReplicationConfiguration',
  DeleteBucketReplication: 'PutReplicationConfiguration',
  DeleteBucketTagging: 'PutBucketTagging',
};

/**
 * S3_VERSION_ACTIONS: with a VersionId, these operations act on one object version and IAM asks for the `…Version…`
 * action instead (s3:GetObjectVersion, s3:DeleteObjectVersion).
 */
const S3_VERSION_ACTIONS: Record<string, string> = {
  GetObject: 'GetObjectVersion',
  HeadObject: 'GetObjectVersion',
  DeleteObject: 'DeleteObjectVersion',
  GetObjectAcl: 'GetObjectVersionAcl',
  PutObjectAcl: 'PutObjectVersionAcl',
  GetObjectTagging: 'GetObjectVersionTagging',
  PutObjectTagging: 'PutObjectVersionTagging',
  DeleteObjectTagging: 'DeleteObjectVersionTagging',
  GetObjectAttributes: 'GetObjectVersionAttributes',
  GetObjectTorrent: 'GetObjectVersionTorrent',
};

/** IAM_ACTIONS lists the other services' operations whose IAM action differs from the operation name. */
const IAM_ACTIONS: Record<string, Record<string, string>> = {
  lambda: {
    Invoke: 'InvokeFunction',
    InvokeAsync: 'InvokeFunction',
    InvokeWithResponseStream: 'InvokeFunction',
    GetLayerVersionByArn: 'GetLayerVersion',
  },
};

/** IamAction is the IAM service prefix and action that authorise a call. */
export interface IamAction {
  service: string;
  action: string;
}

/**
 * iamActionFor names the IAM action for an operation: usually `${iamPrefix}:${operation}`, with S3's many renames,
 * S3 object-version actions, S3 Express (directory bucket) hosts, S3 Object Lambda and Lambda's Invoke.
 */
export function iamActionFor(iamPrefix: string, operation: string, params: Params, host: AwsHost): IamAction {
  if (iamPrefix !== 's3') return { service: iamPrefix, action: IAM_ACTIONS[iamPrefix]?.[operation] ?? operation };
  if (operation === 'WriteGetObjectResponse') return { service: 's3-object-lambda', action: operation };
  const kind = host.s3?.kind;
  if (kind === 's3express-control' || kind === 's3express-zonal' || operation === 'CreateSession') {
    // Directory buckets are authorised under the s3express prefix.
    if (operation === 'ListDirectoryBuckets') return { service: 's3express', action: 'ListAllMyDirectoryBuckets' };
    return { service: 's3express', action: S3_IAM_ACTIONS[operation] ?? operation };
  }
  const versioned =
    typeof params.VersionId === 'string' && params.VersionId !== '' ? S3_VERSION_ACTIONS[operation] : undefined;
  return { service: 's3', action: versioned ?? S3_IAM_ACTIONS[operation] ?? operation };
}

/** READ_PREFIX matches operation names that by AWS convention only read: GetX, ListX, DescribeX, HeadX, ... */
const READ_PREFIX = /^(?:Get|List|Describe|Head|BatchGet|Scan|Query|Search|Lookup|Filter)(?:[A-Z]|$)/;

/**
 * NOT_READ_ONLY lists reads that hand out credentials or secret material, or create state despite their names.
 * A rule such as "allow anything read-only" must not let an agent mint credentials or read secrets through them.
 */
const NOT_READ_ONLY: ReadonlySet<string> = new Set([
  'sts:GetSessionToken',
  'sts:GetFederationToken',
  'sts:GetWebIdentityToken',
  'ecr:GetAuthorizationToken',
  'sso:GetRoleCredentials',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'kms:GetParametersForImport',
  'ec2:GetPasswordData',
]);

/** Parameter reads that return decrypted SecureString values when WithDecryption is set. */
const DECRYPTING_READS: ReadonlySet<string> = new Set([
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
]);

/**
 * isReadOnly decides `call.read_only`, conservatively: the operation name must follow a read convention, a REST
 * operation must also use GET or HEAD, and reads that return credentials or secrets do not count.
 */
export function isReadOnly(iamPrefix: string, operation: string, method: string | undefined, params: Params): boolean {
  if (!READ_PREFIX.test(operation)) return false;
  if (method !== undefined && method !== 'GET' && method !== 'HEAD') return false;
  const name = `${iamPrefix}:${operation}`;
  if (NOT_READ_ONLY.has(name)) return false;
  if (
    DECRYPTING_READS.has(name) &&
    params.WithDecryption !== false &&
    params.WithDecryption !== 'false' &&
    params.WithDecryption !== undefined
  ) {
    return false;
  }
  return true;
}

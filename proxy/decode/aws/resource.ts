import type { Params } from '../call.js';
import type { AwsHost } from './host.js';

/** ResourceInput is what resourceArn needs to know about a decoded call. */
export interface ResourceInput {
  /** IAM service prefix (`s3express` for directory buckets). */
  service: string;
  operation: string;
  params: Params;
  region: string;
  host: AwsHost;
}

/**
 * resourceArn makes a best-effort ARN for the resource a call acts on, from the parameters that name it. ARNs the
 * caller passed (PolicyArn, RoleArn, a Lambda function ARN) are kept as given, account included; ARNs built from a
 * name have an empty account field until `withAccount` fills it. Undefined when the call names no single resource.
 */
export function resourceArn(input: ResourceInput): string | undefined {
  const builder = BUILDERS[input.service];
  const partition = partitionOf(input.region);
  const built = builder?.(input, partition);
  if (built !== undefined) return built;
  // Tagging and policy operations of most services take the ARN itself.
  for (const key of [
    'ResourceArn',
    'resourceArn',
    'ResourceARN',
    'resourceARN',
    'Arn',
    'arn',
    'Resource',
    'ResourceId',
  ]) {
    const value = text(input.params, key);
    if (value?.startsWith('arn:')) return value;
  }
  return undefined;
}

/** partitionOf names the ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

type ArnBuilder = (input: ResourceInput, partition: string) => string | undefined;

/** text reads a string param, or the only element of a one-element list (ec2 `InstanceId.1`). */
function text(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && value[0] !== '') return value[0];
  return undefined;
}

/** named returns an ARN given as a param unchanged, or builds one from a name. */
function named(value: string | undefined, build: (name: string) => string): string | undefined {
  if (value === undefined) return undefined;
  return value.startsWith('arn:') ? value : build(value);
}

/** iamPath normalises an IAM Path param (`/division/`) for an ARN; IAM ARNs include the path. */
function iamPath(params: Params): string {
  const path = text(params, 'Path');
  if (path === undefined || path === '/') return '';
  return `${path.replace(/^\/+/, '').replace(/\/+$/, '')}/`;
}

const BUILDERS: Record<string, ArnBuilder> = {
  s3: ({ params, host, region }, p) => {
    const accessPoint = host.s3?.accessPoint;
    const key = text(params, 'Key');
    if (accessPoint !== undefined) {
      const base = `arn:${p}:s3:${region}:${accessPoint.account}:accesspoint/${accessPoint.name}`;
      return key === undefined ? base : `${base}/object/${key}`;
    }
    const bucket = text(params, 'Bucket');
    if (bucket === undefined) return undefined;
    if (bucket.startsWith('arn:')) return key === undefined ? bucket : `${bucket}/object/${key}`;
    return key === undefined ? `arn:${p}:s3:::${bucket}` : `arn:${p}:s3:::${bucket}/${key}`;
  },
  s3express: ({ params, region }, p) => {
    const bucket = text(params, 'Bucket');
    return bucket === undefined ? undefined : `arn:${p}:s3express:${region}::bucket/${bucket}`;
  },
  iam: ({ params, operation }, p) => {
    const iam = (resource: string) => `arn:${p}:iam:::${resource}`;
    const path = operation.startsWith('Create') ? iamPath(params) : '';
    // Where a call names several entities, IAM authorises it on the container: the instance profile a role is
    // added to, the group a user joins, the role or user a policy is attached to.
    const instanceProfile = text(params, 'InstanceProfileName');
    if (instanceProfile !== undefined) return iam(`instance-profile/${path}${instanceProfile}`);
    const group = text(params, 'GroupName');
    if (group !== undefined) return iam(`group/${path}${group}`);
    const role = text(params, 'RoleName');
    if (role !== undefined) return iam(`role/${path}${role}`);
    const user = text(params, 'UserName');
    if (user !== undefined) return iam(`user/${path}${user}`);
    for (const key of ['PolicyArn', 'OpenIDConnectProviderArn', 'SAMLProviderArn', 'SerialNumber']) {
      const value = text(params, key);
      if (value?.startsWith('arn:')) return value;
    }
    const policy = text(params, 'PolicyName');
    if (policy !== undefined && operation === 'CreatePolicy') return iam(`policy/${path}${policy}`);
    const certificate = text(params, 'ServerCertificateName');
    if (certificate !== undefined) return iam(`server-certificate/${path}${certificate}`);
    return undefined;
  },
  sts: ({ params }) => text(params, 'RoleArn'),
  kms: ({ params, region }, p) => {
    const key = text(params, 'KeyId') ?? text(params, 'TargetKeyId') ?? text(params, 'AliasName');
    return named(key, (id) => `arn:${p}:kms:${region}::${id.startsWith('alias/') ? id : `key/${id}`}`);
  },
  dynamodb: ({ params, region }, p) =>
    named(text(params, 'TableName'), (name) => `arn:${p}:dynamodb:${region}::table/${name}`) ??
    text(params, 'StreamArn'),
  lambda: ({ params, region }, p) => {
    const fn = text(params, 'FunctionName');
    if (fn !== undefined) {
      const qualifier = text(params, 'Qualifier');
      let arn: string;
      if (fn.startsWith('arn:')) arn = fn;
      else if (/^\d{12}:function:/.test(fn)) arn = `arn:${p}:lambda:${region}:${fn}`;
      else arn = `arn:${p}:lambda:${region}::function:${fn}`;
      // A qualifier names a version or alias: function:name:prod. Names may already carry one.
      return qualifier !== undefined && arn.split(':').length === 7 ? `${arn}:${qualifier}` : arn;
    }
    return named(text(params, 'LayerName'), (name) => `arn:${p}:lambda:${region}::layer:${name}`);
  },
  eks: ({ params, region }, p) => {
    const cluster = text(params, 'clusterName') ?? text(params, 'name');
    return cluster === undefined ? undefined : `arn:${p}:eks:${region}::cluster/${cluster}`;
  },
  secretsmanager: ({ params, region }, p) =>
    named(
      text(params, 'SecretId') ?? text(params, 'Name'),
      (name) => `arn:${p}:secretsmanager:${region}::secret:${name}`,
    ),
  ssm: ({ params, operation, region }, p) => {
    const name = text(params, 'Name');
    if (name === undefined) return undefined;
    if (name.startsWith('arn:')) return name;
    if (operation.includes('Parameter')) return `arn:${p}:ssm:${region}::parameter/${name.replace(/^\//, '')}`;
    if (operation.includes('Document')) return `arn:${p}:ssm:${region}::document/${name}`;
    return undefined;
  },
  sqs: ({ params, region }, p) => {
    const url = text(params, 'QueueUrl');
    if (url !== undefined) {
      const match = /^https?:\/\/[^/]+\/(\d{12})\/([^/?]+)/.exec(url);
      return match === null ? undefined : `arn:${p}:sqs:${region}:${match[1]}:${match[2]}`;
    }
    const name = text(params, 'QueueName');
    return name === undefined ? undefined : `arn:${p}:sqs:${region}::${name}`;
  },
  sns: ({ params, operation, region }, p) => {
    const arn = text(params, 'TopicArn') ?? text(params, 'TargetArn');
    if (arn !== undefined) return arn;
    const name = text(params, 'Name');
    return name !== undefined && operation === 'CreateTopic' ? `arn:${p}:sns:${region}::${name}` : undefined;
  },
  ecr: ({ params, region }, p) => {
    const repository = text(params, 'repositoryName');
    if (repository === undefined) return undefined;
    return `arn:${p}:ecr:${region}:${text(params, 'registryId') ?? ''}:repository/${repository}`;
  },
  ecs: ({ params, region }, p) => named(text(params, 'cluster'), (name) => `arn:${p}:ecs:${region}::cluster/${name}`),
  logs: ({ params, region }, p) =>
    named(
      text(params, 'logGroupName') ?? text(params, 'logGroupIdentifier'),
      (name) => `arn:${p}:logs:${region}::log-group:${name}`,
    ),
  rds: ({ params, region }, p) => {
    const rds = (resource: string) => `arn:${p}:rds:${region}::${resource}`;
    const instance = text(params, 'DBInstanceIdentifier');
    if (instance !== undefined) return named(instance, (id) => rds(`db:${id}`));
    const cluster = text(params, 'DBClusterIdentifier');
    if (cluster !== undefined) return named(cluster, (id) => rds(`cluster:${id}`));
    return named(text(params, 'DBSnapshotIdentifier'), (id) => rds(`snapshot:${id}`));
  },
  ec2: ({ params, region }, p) => {
    const ec2 = (resource: string) => `arn:${p}:ec2:${region}::${resource}`;
    const pairs: [string, string][] = [
      ['InstanceId', 'instance'],
      ['VolumeId', 'volume'],
      ['SnapshotId', 'snapshot'],
      ['SecurityGroupId', 'security-group'],
      ['GroupId', 'security-group'],
      ['SubnetId', 'subnet'],
      ['VpcId', 'vpc'],
    ];
    for (const [key, type] of pairs) {
      const id = text(params, key);
      if (id !== undefined) return ec2(`${type}/${id}`);
    }
    return undefined;
  },
  cloudtrail: ({ params, region }, p) =>
    named(text(params, 'Name') ?? text(params, 'TrailName'), (name) => `arn:${p}:cloudtrail:${region}::trail/${name}`),
  cloudwatch: ({ params, region }, p) => {
    const alarm = text(params, 'AlarmName') ?? text(params, 'AlarmNames');
    return alarm === undefined ? undefined : `arn:${p}:cloudwatch:${region}::alarm:${alarm}`;
  },
};

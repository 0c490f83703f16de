/**
 * AwsHost is what an AWS API hostname says about the call: the endpoint prefix, the region, and for S3 the
 * bucket of a virtual-hosted request.
 *
 * ```
 * kms-fips.us-east-1.amazonaws.com            endpoint kms, region us-east-1, fips
 * ec2.us-east-1.api.aws                       endpoint ec2, region us-east-1, dual-stack
 * iam.amazonaws.com                           endpoint iam, global (no region)
 * my.bucket.s3.dualstack.eu-west-1.amazonaws.com   S3 virtual host, bucket my.bucket
 * s3-us-west-2.amazonaws.com                  S3 legacy regional path style
 * ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com   S3 access point ap, account 123456789012
 * ```
 */
export interface AwsHost {
  /** Endpoint prefix as in service models (`kms`, `api.ecr`, `streams.dynamodb`, `portal.sso`, `s3`). */
  endpoint: string;
  region: string | undefined;
  fips: boolean;
  dualstack: boolean;
  /** Set for every S3 form of host. */
  s3: S3Host | undefined;
}

/** S3HostKind tells the S3 endpoints apart; some operations exist only on some of them. */
export type S3HostKind = 's3' | 'accesspoint' | 'object-lambda' | 's3express-control' | 's3express-zonal' | 'control';

/** S3Host is the S3-specific part of a host. */
export interface S3Host {
  kind: S3HostKind;
  /** Bucket named by a virtual-hosted request (or the access point or directory bucket label); undefined for path style. */
  bucket: string | undefined;
  /** The access point of an `{name}-{account}.s3-accesspoint` host. */
  accessPoint: { name: string; account: string } | undefined;
}

const SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn', '.api.aws', '.api.amazonwebservices.com.cn'];
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const S3_LEGACY_REGIONAL = /^s3-(?:fips-)?([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})$/;
const S3_EXPRESS_ZONAL = /^s3express-(?:fips-)?[a-z0-9]+-az\d+$/;
const ACCESS_POINT_LABEL = /^(.+)-(\d{12})$/;

/**
 * parseAwsHost reads an AWS API hostname (with or without `:port`). It returns undefined for hosts that are not AWS
 * API endpoints (custom endpoints, IP addresses, VPC endpoint names).
 */
export function parseAwsHost(host: string): AwsHost | undefined {
  let name = host.toLowerCase();
  if (name.startsWith('[')) return undefined; // IPv6 literal
  const colon = name.lastIndexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(name.slice(colon + 1))) return undefined;
    name = name.slice(0, colon);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  if (suffix === undefined) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.some((label) => label === '')) return undefined;

  let region: string | undefined;
  if (labels.length > 1 && REGION.test(labels.at(-1)!)) region = labels.pop();
  let dualstack = false;
  if (labels.length > 1 && labels.at(-1) === 'dualstack') {
    labels.pop();
    dualstack = true;
  }
  if (suffix === '.api.aws' || suffix === '.api.amazonwebservices.com.cn') dualstack = true;

  const s3 = parseS3Label(labels.at(-1)!);
  if (s3 !== undefined) {
    // Leading labels name a bucket on bucket endpoints; elsewhere they are a route token or an account id.
    const bucketKind = s3.kind === 's3' || s3.kind === 'accesspoint' || s3.kind === 's3express-zonal';
    const bucket = labels.length > 1 && bucketKind ? labels.slice(0, -1).join('.') : undefined;
    let accessPoint: S3Host['accessPoint'];
    if (s3.kind === 'accesspoint') {
      const match = bucket === undefined ? null : ACCESS_POINT_LABEL.exec(bucket);
      if (match === null) return undefined;
      accessPoint = { name: match[1]!, account: match[2]! };
    }
    return {
      endpoint: s3.kind === 'control' ? 's3-control' : 's3',
      region: region ?? s3.region,
      fips: s3.fips,
      dualstack,
      s3: { kind: s3.kind, bucket, accessPoint },
    };
  }

  let fips = false;
  if (labels[0] === 'fips' && labels.length > 1) {
    labels.shift();
    fips = true;
  }
  const last = labels.length - 1;
  if (labels[last]!.endsWith('-fips')) {
    labels[last] = labels[last]!.slice(0, -'-fips'.length);
    fips = true;
  }
  return { endpoint: labels.join('.'), region, fips, dualstack, s3: undefined };
}

function parseS3Label(label: string): { kind: S3HostKind; region: string | undefined; fips: boolean } | undefined {
  const fips = label.includes('-fips');
  switch (label) {
    case 's3':
    case 's3-fips':
      return { kind: 's3', region: undefined, fips };
    case 's3-external-1':
      return { kind: 's3', region: 'us-east-1', fips };
    case 's3-accesspoint':
    case 's3-accesspoint-fips':
      return { kind: 'accesspoint', region: undefined, fips };
    case 's3-object-lambda':
    case 's3-object-lambda-fips':
      return { kind: 'object-lambda', region: undefined, fips };
    case 's3-control':
    case 's3-control-fips':
      return { kind: 'control', region: undefined, fips };
    case 's3express-control':
    case 's3express-control-fips':
      return { kind: 's3express-control', region: undefined, fips };
  }
  const legacy = S3_LEGACY_REGIONAL.exec(label);
  if (legacy !== null) return { kind: 's3', region: legacy[1], fips };
  if (S3_EXPRESS_ZONAL.test(label)) return { kind: 's3express-zonal', region: undefined, fips };
  return undefined;
}

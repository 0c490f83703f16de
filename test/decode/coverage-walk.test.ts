/**
 * The coverage walk: for every operation of every service Airlock decodes, build the request an SDK would send,
 * straight from the aws-sdk model (not from routes.json), and check that it decodes to that operation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import t from 'tap';
import { createAwsDecoder, type DecodedCall, isDecodeError, type WireRequest } from '../../proxy/decode/index.js';
import { sigV4, utf8 } from './helpers.js';

const apisDir = join(dirname(createRequire(import.meta.url).resolve('aws-sdk/package.json')), 'apis');

interface Shape {
  type?: string;
  shape?: string;
  members?: Record<string, Shape>;
  required?: string[];
  location?: string;
  locationName?: string;
  payload?: string;
  streaming?: boolean;
}
interface Operation {
  http?: { method?: string; requestUri?: string };
  input?: Shape;
  deprecated?: boolean;
  authtype?: string;
  endpoint?: { hostPrefix?: string };
}
interface Model {
  metadata: {
    endpointPrefix: string;
    signingName?: string;
    protocol: string;
    targetPrefix?: string;
    apiVersion: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

function loadModel(prefix: string): Model {
  const pattern = new RegExp(`^${prefix.replace('.', '\\.')}-\\d{4}-\\d{2}-\\d{2}\\.min\\.json$`);
  const file = readdirSync(apisDir)
    .filter((f) => pattern.test(f))
    .sort()
    .at(-1)!;
  return JSON.parse(readFileSync(join(apisDir, file), 'utf8')) as Model;
}

function resolve(model: Model, s: Shape): Shape {
  return s.shape === undefined ? s : { ...resolve(model, model.shapes[s.shape]!), ...s, shape: undefined };
}

/** sample gives a plausible wire value for a member, by type and name. */
function sample(model: Model, name: string, member: Shape): string {
  const type = resolve(model, member).type ?? 'string';
  if (type === 'integer' || type === 'long') return '1';
  if (type === 'boolean') return 'true';
  if (type === 'timestamp') return '2026-01-01T00:00:00Z';
  if (name === 'Bucket') return 'amzn-s3-demo-bucket';
  if (name === 'Key') return 'dir/sample key+1.txt';
  return `sample-${name.toLowerCase()}`;
}

const REGION = 'eu-west-1';

interface Variant {
  label: string;
  request: WireRequest;
}

/** sdkRequests builds the request(s) an SDK sends for one operation: one per protocol the service speaks. */
function sdkRequests(prefix: string, model: Model, name: string, extraProtocols: string[]): Variant[] {
  const md = model.metadata;
  const signing = md.signingName ?? md.endpointPrefix;
  const op = model.operations[name]!;
  const host = `${md.endpointPrefix}.${REGION}.amazonaws.com`;
  const auth = { authorization: sigV4(signing, REGION) };
  const variants: Variant[] = [];
  const protocols = [md.protocol, ...extraProtocols];
  for (const protocol of protocols) {
    if (protocol === 'query' || protocol === 'ec2') {
      const body = utf8(`Action=${name}&Version=${md.apiVersion}`);
      variants.push({
        label: protocol,
        request: {
          method: 'POST',
          host,
          path: '/',
          headers: {
            ...auth,
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'content-length': String(body.length),
          },
          body,
        },
      });
    } else if (protocol === 'json') {
      const target = md.targetPrefix ?? 'GraniteServiceVersion20100801';
      variants.push({
        label: 'json',
        request: {
          method: 'POST',
          host,
          path: '/',
          headers: { ...auth, 'x-amz-target': `${target}.${name}`, 'content-type': 'application/x-amz-json-1.0' },
          body: utf8('{}'),
        },
      });
    } else if (protocol === 'rpc-v2-cbor') {
      variants.push({
        label: 'rpc-v2-cbor',
        request: {
          method: 'POST',
          host,
          path: `/service/GraniteServiceVersion20100801/operation/${name}`,
          headers: { ...auth, 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
          body: new Uint8Array([0xa0]), // empty map
        },
      });
    } else {
      variants.push(...restRequests(prefix, model, name, op, host, signing));
    }
  }
  return variants;
}

function restRequests(
  prefix: string,
  model: Model,
  name: string,
  op: Operation,
  defaultHost: string,
  signing: string,
): Variant[] {
  const minimal = restRequestsWith(prefix, model, name, op, defaultHost, signing, false);
  const full = restRequestsWith(prefix, model, name, op, defaultHost, signing, true);
  return [...minimal, ...full.map((v) => ({ ...v, label: `${v.label}, every member` }))];
}

/** restRequestsWith builds REST requests with the required members only, or with every query and header member. */
function restRequestsWith(
  prefix: string,
  model: Model,
  name: string,
  op: Operation,
  defaultHost: string,
  signing: string,
  everyMember: boolean,
): Variant[] {
  const input = op.input === undefined ? undefined : resolve(model, op.input);
  const members = input?.members ?? {};
  const required = new Set(input?.required ?? []);
  const method = op.http?.method ?? 'POST';
  const uri = op.http?.requestUri ?? '/';
  const [pathTemplate, queryTemplate] = uri.split('?') as [string, string | undefined];
  const labelValues: Record<string, string> = {};
  for (const [memberName, member] of Object.entries(members)) {
    const m = resolve(model, member);
    if (m.location === 'uri') labelValues[m.locationName ?? memberName] = sample(model, memberName, m);
  }
  const path = pathTemplate.replace(/\{([^}]+)\}/g, (_m, label: string) => {
    const greedy = label.endsWith('+');
    const value = labelValues[greedy ? label.slice(0, -1) : label] ?? 'x';
    return greedy ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
  const query: string[] = queryTemplate === undefined ? [] : queryTemplate.split('&');
  const headers: Record<string, string> = {};
  for (const [memberName, member] of Object.entries(members)) {
    const m = resolve(model, member);
    if (!required.has(memberName) && !everyMember) continue;
    const wireName = m.locationName ?? memberName;
    if (m.location === 'querystring')
      query.push(`${encodeURIComponent(wireName)}=${encodeURIComponent(sample(model, memberName, m))}`);
    if (m.location === 'header') headers[wireName.toLowerCase()] = sample(model, memberName, m);
  }
  let body: Uint8Array = new Uint8Array();
  const payload = input?.payload === undefined ? undefined : resolve(model, members[input.payload]!);
  const hasBodyMembers = Object.entries(members).some(
    ([n, m]) => resolve(model, m).location === undefined && n !== input?.payload,
  );
  if (payload !== undefined) {
    if (payload.type === 'blob' || payload.streaming === true) body = utf8('object bytes');
    else if ((payload.type ?? 'structure') === 'structure' && payload.members !== undefined) {
      body = utf8(model.metadata.protocol === 'rest-xml' ? `<${payload.locationName ?? input!.payload}/>` : '{}');
    } else body = utf8('{"Version":"2012-10-17"}');
  } else if (hasBodyMembers) {
    body = utf8(model.metadata.protocol === 'rest-xml' ? '<Request/>' : '{}');
  }
  if (body.length > 0) headers['content-length'] = String(body.length);

  let host = defaultHost;
  let scopeName = signing;
  if (prefix === 's3') host = `s3.${REGION}.amazonaws.com`;
  if (name === 'WriteGetObjectResponse') {
    host = `route-1.s3-object-lambda.${REGION}.amazonaws.com`;
    scopeName = 's3-object-lambda';
  }
  if (name === 'ListDirectoryBuckets') {
    host = `s3express-control.${REGION}.amazonaws.com`;
    scopeName = 's3express';
  }
  if (op.endpoint?.hostPrefix !== undefined && !op.endpoint.hostPrefix.includes('{'))
    host = op.endpoint.hostPrefix + defaultHost;
  // The SSO portal is not SigV4-signed: it authenticates with a bearer token header.
  if (op.authtype !== 'none') headers.authorization = sigV4(scopeName, REGION);

  const full = (p: string) => (query.length === 0 ? p : `${p}?${query.join('&')}`);
  const variants: Variant[] = [{ label: 'path-style', request: { method, host, path: full(path), headers, body } }];
  if (prefix === 's3' && pathTemplate.startsWith('/{Bucket}')) {
    // The same call, virtual-hosted: the bucket moves from the path to the host.
    const rest = path.slice(1 + encodeURIComponent(labelValues.Bucket!).length);
    variants.push({
      label: 'virtual-host',
      request: {
        method,
        host: `${labelValues.Bucket}.s3.${REGION}.amazonaws.com`,
        path: full(rest === '' ? '/' : rest),
        headers,
        body,
      },
    });
  }
  return variants;
}

/** The services of the brief, with the protocols an SDK may send them beyond the aws-sdk v2 model's own. */
const SERVICES: Record<string, string[]> = {
  iam: [],
  sts: [],
  s3: [],
  ec2: [],
  kms: [],
  dynamodb: [],
  'streams.dynamodb': [],
  lambda: [],
  eks: [],
  rds: [],
  secretsmanager: [],
  ssm: [],
  organizations: [],
  cloudtrail: [],
  monitoring: ['json', 'rpc-v2-cbor'],
  logs: [],
  ecr: [],
  ecs: [],
  sso: [],
  sqs: ['query'],
  sns: [],
};

/** Deprecated S3 operations share their wire route with their successor, so decode as the successor. */
const WIRE_ALIASES: Record<string, string> = {
  GetBucketLifecycle: 'GetBucketLifecycleConfiguration',
  PutBucketLifecycle: 'PutBucketLifecycleConfiguration',
  GetBucketNotification: 'GetBucketNotificationConfiguration',
  PutBucketNotification: 'PutBucketNotificationConfiguration',
};

const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', sso: 'sso', 'streams.dynamodb': 'dynamodb' };

t.test('every operation of every service decodes from the request an SDK would send', async (t) => {
  const decode = createAwsDecoder({ maxBodyBytes: 1 << 20 });
  const summary: string[] = [];
  let total = 0;
  let passed = 0;
  for (const [prefix, extra] of Object.entries(SERVICES)) {
    const model = loadModel(prefix);
    const expectedPrefix = IAM_PREFIX[prefix] ?? model.metadata.signingName ?? model.metadata.endpointPrefix;
    let requests = 0;
    let ok = 0;
    const failures: string[] = [];
    const operations = Object.keys(model.operations);
    for (const name of operations) {
      for (const { label, request } of sdkRequests(prefix, model, name, extra)) {
        requests++;
        const call = decode(request);
        const want = WIRE_ALIASES[name] ?? name;
        if (isDecodeError(call)) {
          failures.push(`${name} (${label}): ${call.reason}: ${call.message}`);
          continue;
        }
        const decoded: DecodedCall = call;
        const iamPrefix = decoded.iam_action.slice(0, decoded.iam_action.indexOf(':'));
        const prefixOk =
          iamPrefix === expectedPrefix || (prefix === 's3' && ['s3express', 's3-object-lambda'].includes(iamPrefix));
        if (decoded.action !== want || !prefixOk || decoded.region !== REGION) {
          failures.push(`${name} (${label}): decoded ${decoded.iam_action} (${decoded.action}) in ${decoded.region}`);
          continue;
        }
        ok++;
      }
    }
    total += requests;
    passed += ok;
    summary.push(
      `${prefix.padEnd(17)} ${String(operations.length).padStart(4)} operations ${String(ok).padStart(4)}/${requests} requests decoded`,
    );
    t.same(failures, [], `${prefix}: all ${operations.length} operations decode`);
  }
  t.comment(`coverage walk\n${summary.join('\n')}\ntotal ${passed}/${total} requests`);
});

/**
 * build-routes generates `proxy/decode/aws/routes.json`, the route tables the AWS decoder matches requests against,
 * from the service models shipped in `aws-sdk@2` (`node_modules/aws-sdk/apis/*.min.json`).
 *
 * The package is frozen (end of support 2025-09-08), so it is read at build time only and the trimmed table is
 * committed. Facts the frozen models do not know (CloudWatch's rpc-v2-cbor and JSON protocols, SQS's legacy query
 * protocol) come from OVERLAYS below, checked against botocore 1.43.11.
 *
 * Run: `tsx scripts/build-routes.ts` (or `tsx scripts/build-routes.ts --check` to fail when the committed file is stale).
 * The file format is described in `proxy/decode/aws/routes.ts`, which is its only reader.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apisDir = join(root, 'node_modules', 'aws-sdk', 'apis');
const outFile = join(root, 'proxy', 'decode', 'aws', 'routes.json');

/** SERVICES lists the aws-sdk model prefixes (file names before the API version) that Airlock decodes. */
const SERVICES = [
  'iam',
  'sts',
  's3',
  'ec2',
  'kms',
  'dynamodb',
  'streams.dynamodb',
  'lambda',
  'eks',
  'rds',
  'secretsmanager',
  'ssm',
  'organizations',
  'cloudtrail',
  'monitoring',
  'logs',
  'ecr',
  'ecs',
  'sso',
  'sqs',
  'sns',
];

/** Overlay corrects or extends what a frozen aws-sdk v2 model says. */
interface Overlay {
  /** Wire protocols the service accepts today, in addition to the model's. */
  extraProtocols?: WireProtocol[];
  /** `X-Amz-Target` prefix when the model has none (a query service that also speaks JSON now). */
  targetPrefix?: string;
  /** Smithy service shape name used in rpc-v2-cbor paths `/service/{name}/operation/{op}`. */
  cborServiceName?: string;
  /** IAM action prefix when it differs from the signing name. */
  iamPrefix?: string;
  /** Operations that only exist on a particular kind of S3 host (same route as another operation elsewhere). */
  hostKinds?: Record<string, string>;
}

const OVERLAYS: Record<string, Overlay> = {
  // botocore 1.43.11: cloudwatch protocols ["smithy-rpc-v2-cbor", "json", "query"], targetPrefix
  // GraniteServiceVersion20100801, jsonVersion 1.0. The Go SDK v2 (Terraform) sends CBOR.
  monitoring: {
    extraProtocols: ['json', 'rpc-v2-cbor'],
    targetPrefix: 'GraniteServiceVersion20100801',
    cborServiceName: 'GraniteServiceVersion20100801',
    iamPrefix: 'cloudwatch',
  },
  // SQS moved from query to JSON 1.0 (`awsQueryCompatible`); older SDKs still send `Action=SendMessage` forms.
  sqs: { extraProtocols: ['query'] },
  // The SSO portal signs as `awsssoportal`; IAM and the notes call its actions `sso:*`.
  sso: { iamPrefix: 'sso' },
  // `GET /` is ListBuckets on S3 hosts and ListDirectoryBuckets on the S3 Express control endpoint.
  s3: { hostKinds: { ListDirectoryBuckets: 's3express-control' } },
};

type WireProtocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml' | 'rpc-v2-cbor';

interface ModelShape {
  type?: string;
  shape?: string;
  members?: Record<string, ModelShape>;
  member?: ModelShape;
  key?: ModelShape;
  value?: ModelShape;
  required?: string[];
  location?: string;
  locationName?: string;
  queryName?: string;
  payload?: string;
  streaming?: boolean;
  sensitive?: boolean;
  flattened?: boolean;
  xmlAttribute?: boolean;
}

interface ModelOperation {
  http?: { method?: string; requestUri?: string };
  input?: ModelShape;
  deprecated?: boolean;
  endpoint?: { hostPrefix?: string };
}

interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    signingName?: string;
    protocol: string;
    targetPrefix?: string;
    globalEndpoint?: string;
  };
  operations: Record<string, ModelOperation>;
  shapes: Record<string, ModelShape>;
}

/** RestOp is one REST operation in routes.json; see proxy/decode/aws/routes.ts for the meaning of each field. */
interface RestOp {
  m: string;
  u: string;
  q?: string[];
  h?: string[];
  b?: number[];
  p?: string;
  body?: 1;
  s?: string[];
  host?: string;
}

interface ServiceEntry {
  signing: string;
  endpoint: string;
  iam: string;
  protocols: WireProtocol[];
  version: string;
  target?: string;
  cbor?: string;
  global?: string;
  hostPrefixes?: string[];
  bindings?: string[];
  xmlWrapped?: string[];
  xmlFlat?: string[];
  ops: Record<string, string[] | RestOp | 0>;
}

function latestModelFile(prefix: string): string {
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}-(\\d{4}-\\d{2}-\\d{2})\\.min\\.json$`);
  const files = readdirSync(apisDir)
    .filter((f) => pattern.test(f))
    .sort();
  const latest = files.at(-1);
  if (latest === undefined) throw new Error(`no model for ${prefix} in ${apisDir}`);
  return latest;
}

/** resolve merges a member's `shape` reference with the member's own traits (location, locationName override). */
function resolve(model: ServiceModel, s: ModelShape, depth = 0): ModelShape {
  if (s.shape === undefined) return s;
  const target = model.shapes[s.shape];
  if (target === undefined) throw new Error(`unknown shape ${s.shape}`);
  const { shape: _ref, ...own } = s;
  return { ...resolve(model, target, depth + 1), ...own };
}

function typeOf(s: ModelShape): string {
  if (s.type !== undefined) return s.type;
  return s.members !== undefined ? 'structure' : 'string';
}

/** Binding type letters: how a string from a path, query or header becomes a JSON value. */
function bindingTypeLetter(s: ModelShape): string {
  switch (typeOf(s)) {
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return ' n';
    case 'boolean':
      return ' b';
    case 'list':
      return ' l';
    default:
      return '';
  }
}

/** wireName gives the key a decoded param carries for a member, which depends on the protocol. */
type WireNamer = (memberName: string, member: ModelShape) => string;

const namers: Record<string, WireNamer> = {
  query: (name, m) => m.locationName ?? name,
  ec2: (name, m) => m.queryName ?? upperFirst(m.locationName ?? name),
  json: (name) => name,
  'rest-json': (name, m) => m.locationName ?? name,
  'rest-xml': (name, m) => m.locationName ?? name,
};

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * sensitivePaths lists the dotted param paths whose values the model marks sensitive (passwords, secret strings,
 * SSE-C keys). Arrays are crossed implicitly; `*` stands for every key of a map.
 */
function sensitivePaths(model: ServiceModel, shape: ModelShape, namer: WireNamer, prefix: string[], out: Set<string>) {
  const seen = new Set<string>();
  const walk = (s: ModelShape, path: string[], depth: number) => {
    if (depth > 12) return;
    const ref = s.shape;
    if (ref !== undefined) {
      if (seen.has(ref)) return; // recursive shapes (nested filters) hold no new members
      seen.add(ref);
    }
    const r = resolve(model, s);
    if (r.sensitive === true) {
      out.add(path.join('.'));
    } else {
      const t = typeOf(r);
      if (t === 'structure') {
        for (const [name, member] of Object.entries(r.members ?? {})) {
          const m = resolve(model, member);
          walk(member, [...path, namer(name, m)], depth + 1);
        }
      } else if (t === 'list' && r.member !== undefined) {
        walk(r.member, path, depth + 1);
      } else if (t === 'map' && r.value !== undefined) {
        walk(r.value, [...path, '*'], depth + 1);
      }
    }
    if (ref !== undefined) seen.delete(ref);
  };
  walk(shape, prefix, 0);
}

/** collectXmlNames records which XML element names are lists, so decoded XML has stable arrays. */
function collectXmlNames(
  model: ServiceModel,
  shape: ModelShape,
  names: { wrapped: Set<string>; flat: Set<string>; plain: Set<string> },
  seen: Set<string>,
) {
  const r = resolve(model, shape);
  if (shape.shape !== undefined) {
    if (seen.has(shape.shape)) return;
    seen.add(shape.shape);
  }
  for (const [name, member] of Object.entries(r.members ?? {})) {
    const m = resolve(model, member);
    if (m.location !== undefined || m.xmlAttribute === true) continue;
    const wire = m.locationName ?? name;
    const t = typeOf(m);
    if (t === 'list') {
      (m.flattened === true ? names.flat : names.wrapped).add(wire);
      if (m.member !== undefined) collectXmlNames(model, m.member, names, seen);
    } else {
      names.plain.add(wire);
      if (t === 'structure') collectXmlNames(model, member, names, seen);
    }
  }
}

function buildService(prefix: string): { entry: ServiceEntry; operations: number; dropped: string[] } {
  const file = latestModelFile(prefix);
  const model = JSON.parse(readFileSync(join(apisDir, file), 'utf8')) as ServiceModel;
  const md = model.metadata;
  const overlay = OVERLAYS[prefix] ?? {};
  const protocol = md.protocol as WireProtocol;
  const signing = md.signingName ?? md.endpointPrefix;
  const entry: ServiceEntry = {
    signing,
    endpoint: md.endpointPrefix,
    iam: overlay.iamPrefix ?? signing,
    protocols: [protocol, ...(overlay.extraProtocols ?? [])],
    version: md.apiVersion,
    ops: {},
  };
  const target = md.targetPrefix ?? overlay.targetPrefix;
  if (target !== undefined) entry.target = target;
  if (overlay.cborServiceName !== undefined) entry.cbor = overlay.cborServiceName;
  if (md.globalEndpoint !== undefined) entry.global = md.globalEndpoint;

  const isRest = protocol === 'rest-json' || protocol === 'rest-xml';
  const namer = namers[protocol] ?? namers.json!;
  const bindings: string[] = [];
  const bindingIndex = new Map<string, number>();
  const hostPrefixes = new Set<string>();
  const xmlNames = { wrapped: new Set<string>(), flat: new Set<string>(), plain: new Set<string>() };
  const routeOwners = new Map<string, string>();
  const dropped: string[] = [];

  const names = Object.keys(model.operations).sort();
  // Non-deprecated operations first, so a deprecated alias on the same wire route is the one dropped.
  names.sort(
    (a, b) => Number(model.operations[a]!.deprecated === true) - Number(model.operations[b]!.deprecated === true),
  );
  for (const name of names) {
    const op = model.operations[name]!;
    const hostPrefix = op.endpoint?.hostPrefix;
    if (hostPrefix !== undefined && !hostPrefix.includes('{')) hostPrefixes.add(hostPrefix);
    const input = op.input === undefined ? undefined : resolve(model, op.input);
    const sensitive = new Set<string>();
    if (!isRest) {
      if (input !== undefined) sensitivePaths(model, op.input!, namer, [], sensitive);
      entry.ops[name] = sensitive.size > 0 ? [...sensitive].sort() : 0;
      continue;
    }

    const method = op.http?.method ?? 'POST';
    const uri = op.http?.requestUri ?? '/';
    const route: RestOp = { m: method, u: uri };
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    const bound: number[] = [];
    let hasBodyMembers = false;
    const required = new Set(input?.required ?? []);
    for (const [memberName, member] of Object.entries(input?.members ?? {})) {
      const m = resolve(model, member);
      const loc = m.location;
      if (loc === undefined) {
        if (memberName !== input?.payload) hasBodyMembers = true;
        continue;
      }
      const wire =
        loc === 'header' || loc === 'headers'
          ? (m.locationName ?? memberName).toLowerCase()
          : (m.locationName ?? memberName);
      const letter = { uri: 'u', querystring: 'q', header: 'h', headers: 'H' }[loc];
      if (letter === undefined) throw new Error(`${prefix} ${name}.${memberName}: unknown location ${loc}`);
      if (letter === 'q' && typeOf(m) === 'map') continue; // free-form query maps: none in these services
      const binding = `${letter} ${wire} ${memberName}${letter === 'H' ? '' : bindingTypeLetter(m)}`;
      let index = bindingIndex.get(binding);
      if (index === undefined) {
        index = bindings.length;
        bindings.push(binding);
        bindingIndex.set(binding, index);
      }
      bound.push(index);
      if (required.has(memberName) && letter === 'q') requiredQuery.push(wire);
      if (required.has(memberName) && letter === 'h') requiredHeaders.push(wire);
      if (m.sensitive === true) sensitive.add(memberName);
    }
    if (requiredQuery.length > 0) route.q = requiredQuery.sort();
    if (requiredHeaders.length > 0) route.h = requiredHeaders.sort();
    if (bound.length > 0) route.b = bound.sort((a, b) => a - b);
    const payloadName = input?.payload;
    if (payloadName !== undefined) {
      const payload = resolve(model, input!.members![payloadName]!);
      const kind = typeOf(payload);
      // x: a structure parsed from the body; s: a string kept as text (S3 bucket policies); b: a blob never parsed.
      const letter = kind === 'structure' ? 'x' : kind === 'string' && payload.streaming !== true ? 's' : 'b';
      route.p = `${payloadName} ${letter}`;
      if (letter === 'x') {
        sensitivePaths(model, input!.members![payloadName]!, namer, [payloadName], sensitive);
        if (protocol === 'rest-xml') collectXmlNames(model, input!.members![payloadName]!, xmlNames, new Set());
      } else if (payload.sensitive === true) {
        sensitive.add(payloadName);
      }
    } else if (hasBodyMembers) {
      route.body = 1;
      for (const [memberName, member] of Object.entries(input!.members ?? {})) {
        const m = resolve(model, member);
        if (m.location !== undefined) continue;
        sensitivePaths(model, member, namer, [namer(memberName, m)], sensitive);
      }
      if (protocol === 'rest-xml') collectXmlNames(model, input!, xmlNames, new Set());
    }
    if (sensitive.size > 0) route.s = [...sensitive].sort();
    const hostKind = overlay.hostKinds?.[name];
    if (hostKind !== undefined) route.host = hostKind;

    // Two operations with the same method, template and required members cannot be told apart on the wire.
    const key = `${method} ${uri} ${route.q?.join('&') ?? ''} ${route.h?.join('&') ?? ''} ${hostKind ?? ''}`;
    const owner = routeOwners.get(key);
    if (owner !== undefined) {
      if (op.deprecated !== true) throw new Error(`${prefix}: ${name} and ${owner} share the route ${key}`);
      dropped.push(`${name} (deprecated alias of ${owner})`);
      continue;
    }
    routeOwners.set(key, name);
    entry.ops[name] = route;
  }
  if (isRest) entry.bindings = bindings;
  if (hostPrefixes.size > 0) entry.hostPrefixes = [...hostPrefixes].sort();
  if (protocol === 'rest-xml') {
    // A name that is a list in one place and something else in another is left to the generic rule (repeats → array).
    entry.xmlWrapped = [...xmlNames.wrapped].filter((n) => !xmlNames.flat.has(n) && !xmlNames.plain.has(n)).sort();
    entry.xmlFlat = [...xmlNames.flat].filter((n) => !xmlNames.wrapped.has(n) && !xmlNames.plain.has(n)).sort();
  }
  return { entry, operations: Object.keys(model.operations).length, dropped };
}

/** render writes one service field or one operation per line: small, and diffs stay readable. */
function render(source: string, services: Record<string, ServiceEntry>): string {
  const lines = ['{', `"source":${JSON.stringify(source)},`, '"services":{'];
  const ids = Object.keys(services);
  ids.forEach((id, i) => {
    const { ops, ...rest } = services[id]!;
    lines.push(`${JSON.stringify(id)}:{`);
    for (const [k, v] of Object.entries(rest)) lines.push(`${JSON.stringify(k)}:${JSON.stringify(v)},`);
    lines.push('"ops":{');
    const opNames = Object.keys(ops);
    opNames.forEach((op, j) => {
      lines.push(`${JSON.stringify(op)}:${JSON.stringify(ops[op])}${j < opNames.length - 1 ? ',' : ''}`);
    });
    lines.push(`}}${i < ids.length - 1 ? ',' : ''}`);
  });
  lines.push('}}');
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const sdkVersion = (
    JSON.parse(readFileSync(join(root, 'node_modules', 'aws-sdk', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const services: Record<string, ServiceEntry> = {};
  for (const prefix of SERVICES) {
    const { entry, operations, dropped } = buildService(prefix);
    services[prefix] = entry;
    const extra = dropped.length > 0 ? `; dropped ${dropped.join(', ')}` : '';
    console.log(
      `${prefix.padEnd(17)} ${entry.protocols.join('+').padEnd(22)} ${String(operations).padStart(4)} operations${extra}`,
    );
  }
  const text = render(`aws-sdk@${sdkVersion}`, services);
  if (process.argv.includes('--check')) {
    const committed = readFileSync(outFile, 'utf8');
    if (committed !== text) {
      console.error(`${outFile} is stale: run tsx scripts/build-routes.ts`);
      process.exit(1);
    }
    console.log(`${outFile} is up to date (${committed.length} bytes)`);
    return;
  }
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile} (${text.length} bytes)`);
}

main();

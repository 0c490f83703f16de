import type { JsonValue, Params } from '../call.js';
import { DecodeError } from '../errors.js';
import { setOwn } from '../format/own.js';
import { decodeUtf8, parseQueryString, type QueryPair } from '../format/url.js';
import { type AwsRequest, type DecodedOperation, findOperation, PRESIGN_QUERY_KEYS, readBody } from './operation.js';

/**
 * decodeQuery decodes an AWS query- or ec2-protocol request: `Action=CreateRole&Version=2010-05-08&RoleName=app`,
 * as a form body (POST) or in the URL (GET, presigned URLs such as the EKS token's sts:GetCallerIdentity).
 *
 * Params keep their wire names; dotted keys become nested values (see `unflattenQueryParams`). Values stay strings:
 * the form carries no types and the route tables keep no shapes for these protocols.
 *
 * @throws DecodeError `unknown-operation` without exactly one Action, `ambiguous-request` when the URL and the body
 * disagree or a key repeats, `malformed-request` for bad encoding.
 */
export function decodeQuery(request: AwsRequest): DecodedOperation {
  const service = request.services.find((s) => s.protocols.has('query') || s.protocols.has('ec2'));
  if (service === undefined)
    throw new DecodeError('unsupported-protocol', 'the service does not speak the query protocol');

  const pairs = parseQueryString(request.rawQuery, true).filter(([key]) => !PRESIGN_QUERY_KEYS.has(key));
  if (isFormBody(request)) {
    const body = readBody(request, 'a query-protocol request');
    if (body !== undefined) pairs.push(...parseQueryString(decodeUtf8(body, 'form body'), true));
  }

  const actions = pairs.filter(([key]) => key === 'Action');
  if (actions.length !== 1) {
    throw new DecodeError(
      actions.length === 0 ? 'unknown-operation' : 'ambiguous-request',
      actions.length === 0
        ? 'query-protocol request has no Action'
        : 'query-protocol request names Action more than once',
    );
  }
  const operation = findOperation(service, actions[0]![1]);
  const params = unflattenQueryParams(pairs.filter(([key]) => key !== 'Action' && key !== 'Version'));
  return { service, operation, protocol: service.protocols.has('ec2') ? 'ec2' : 'query', params };
}

/** isFormBody tells whether the body is an urlencoded form (the query protocol's POST body). */
export function isFormBody(request: AwsRequest): boolean {
  const contentType = request.wire.headers['content-type'];
  return contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true;
}

/** hasQueryAction tells whether the URL names an Action, as query-protocol GETs and presigned URLs do. */
export function hasQueryAction(request: AwsRequest): boolean {
  return request.query.has('Action');
}

/** A node of the tree built from dotted keys before it becomes JSON. */
interface QueryNode {
  leaf?: string;
  object?: Map<string, QueryNode>;
  list?: Map<number, QueryNode>;
}

const INDEX = /^[0-9]{1,7}$/;
const MAX_KEY_SEGMENTS = 24;

/**
 * unflattenQueryParams turns flattened query keys into nested params:
 *
 * ```
 * RoleName=app                                → { RoleName: 'app' }
 * Tags.member.1.Key=team&Tags.member.1.Value=x → { Tags: [{ Key: 'team', Value: 'x' }] }   (query lists)
 * InstanceId.1=i-1&InstanceId.2=i-2           → { InstanceId: ['i-1', 'i-2'] }           (ec2 lists)
 * Attributes.entry.1.key=k&….value=v          → { Attributes: { k: 'v' } }               (query maps)
 * ```
 *
 * Lists are ordered by index with gaps closed; a huge index allocates nothing.
 *
 * @throws DecodeError `ambiguous-request` when a key repeats or is used both as a value and as a container.
 */
export function unflattenQueryParams(pairs: readonly QueryPair[]): Params {
  const root: QueryNode = { object: new Map() };
  for (const [key, value] of pairs) {
    const raw = key.split('.');
    if (raw.length > MAX_KEY_SEGMENTS)
      throw new DecodeError('malformed-request', `query key ${key.slice(0, 100)} is nested too deeply`);
    // `member` only marks a list item in the query protocol: `Tags.member.1` is item 1 of Tags.
    const segments = raw.filter((segment, i) => !(segment === 'member' && i > 0 && INDEX.test(raw[i + 1] ?? '')));
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment === '')
        throw new DecodeError('malformed-request', `query key ${JSON.stringify(key.slice(0, 100))} has an empty part`);
      node = childOf(node, segment, i > 0 && INDEX.test(segment), key);
    }
    if (node.leaf !== undefined || node.object !== undefined || node.list !== undefined) {
      throw new DecodeError(
        'ambiguous-request',
        `query key ${JSON.stringify(key.slice(0, 100))} appears more than once`,
      );
    }
    node.leaf = value;
  }
  // The root is always an object of top-level params, never read as a query map.
  const params: Params = {};
  for (const [key, child] of root.object ?? []) setOwn(params, key, toJson(child));
  return params;
}

/** childOf steps from a node to its child named by one key segment, creating it; a node is a list or an object. */
function childOf(node: QueryNode, segment: string, isIndex: boolean, key: string): QueryNode {
  if (node.leaf !== undefined || (isIndex ? node.object : node.list) !== undefined) {
    throw new DecodeError(
      'ambiguous-request',
      `query key ${JSON.stringify(key.slice(0, 100))} conflicts with another key`,
    );
  }
  if (isIndex) {
    node.list ??= new Map();
    const index = Number(segment);
    const existing = node.list.get(index);
    if (existing !== undefined) return existing;
    const child: QueryNode = {};
    node.list.set(index, child);
    return child;
  }
  node.object ??= new Map();
  const existing = node.object.get(segment);
  if (existing !== undefined) return existing;
  const child: QueryNode = {};
  node.object.set(segment, child);
  return child;
}

function toJson(node: QueryNode): JsonValue {
  if (node.leaf !== undefined) return node.leaf;
  if (node.list !== undefined) {
    return [...node.list.entries()].sort((a, b) => a[0] - b[0]).map(([, child]) => toJson(child));
  }
  const object: { [key: string]: JsonValue } = {};
  const entries = node.object ?? new Map<string, QueryNode>();
  const entry = entries.get('entry');
  if (entries.size === 1 && entry?.list !== undefined) {
    const map = entriesToMap(entry.list);
    if (map !== undefined) return map;
  }
  for (const [key, child] of entries) setOwn(object, key, toJson(child));
  return object;
}

/** entriesToMap reads a query-protocol map (`entry.N.key` / `entry.N.value`), or undefined if it is not one. */
function entriesToMap(list: Map<number, QueryNode>): { [key: string]: JsonValue } | undefined {
  const map: { [key: string]: JsonValue } = {};
  for (const [, item] of [...list.entries()].sort((a, b) => a[0] - b[0])) {
    const fields = item.object;
    const key = fields?.get('key')?.leaf;
    const value = fields?.get('value');
    if (fields?.size !== 2 || key === undefined || value === undefined) return undefined;
    if (Object.hasOwn(map, key))
      throw new DecodeError('ambiguous-request', `query map key ${JSON.stringify(key.slice(0, 100))} repeats`);
    setOwn(map, key, toJson(value));
  }
  return map;
}

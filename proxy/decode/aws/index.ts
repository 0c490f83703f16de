import type { AwsProtocol, DecodedCall } from '../call.js';
import { DecodeError } from '../errors.js';
import { parseQueryString, splitTarget, toQueryMap } from '../format/url.js';
import { type DecodeOptions, type ResolvedDecodeOptions, resolveDecodeOptions, type WireRequest } from '../request.js';
import { decodeRpcV2Cbor } from './cbor.js';
import { type AwsHost, parseAwsHost } from './host.js';
import { iamActionFor, isReadOnly } from './iam-action.js';
import { decodeJson } from './json.js';
import type { AwsRequest, DecodedOperation } from './operation.js';
import { decodeQuery, hasQueryAction, isFormBody } from './query.js';
import { redactSensitive } from './redact.js';
import { resourceArn } from './resource.js';
import { decodeRest } from './rest.js';
import { ROUTES, type ServiceRoutes } from './routes.js';
import { type CredentialScope, parseCredentialScope } from './scope.js';

export { type AwsHost, parseAwsHost } from './host.js';
export type { CredentialScope } from './scope.js';
export { parseCredentialScope } from './scope.js';

/** AwsDecoder turns one HTTP request into a DecodedCall, or says why it cannot. It never throws. */
export type AwsDecoder = (request: WireRequest) => DecodedCall | DecodeError;

/**
 * createAwsDecoder checks the options once and returns `decodeAwsCall`, which decodes AWS API requests of every
 * protocol family:
 *
 * 1. the SigV4 credential scope (Authorization header, or X-Amz-Credential on a presigned URL) gives the signing
 *    name and region; an unsigned request falls back to the host
 * 2. the host must be an endpoint of a service with that signing name, in that region
 * 3. the wire picks the protocol: `X-Amz-Target` → json; `smithy-protocol` → rpc-v2-cbor; an `Action` form or
 *    query → query/ec2; otherwise the REST route tables (rest-json, rest-xml)
 * 4. the protocol decoder finds the operation and its params; then IAM action, resource, read_only and redaction
 *
 * @example
 * const decodeAwsCall = createAwsDecoder({ maxBodyBytes: 8 * 1024 * 1024 });
 * const call = decodeAwsCall({ method: 'POST', host: 'iam.amazonaws.com', path: '/', headers, body });
 * if (isDecodeError(call)) policyInput.call = undecodedCall(call);
 *
 * @throws TypeError from the factory for invalid options; the returned function returns DecodeError instead.
 */
export function createAwsDecoder(options: DecodeOptions): AwsDecoder {
  const resolved = resolveDecodeOptions(options);
  return function decodeAwsCall(request: WireRequest): DecodedCall | DecodeError {
    const context: DecodeError['context'] = {};
    try {
      return decode(request, resolved, context);
    } catch (error) {
      if (error instanceof DecodeError) {
        error.context = { ...context, ...error.context };
        return error;
      }
      // A decoder bug must not take the proxy down or let the call through: refuse it, and say why.
      return new DecodeError(
        'internal',
        `decoder failure: ${error instanceof Error ? error.message : String(error)}`,
        context,
      );
    }
  };
}

function decode(wire: WireRequest, options: ResolvedDecodeOptions, context: DecodeError['context']): DecodedCall {
  const { pathname, rawQuery } = splitTarget(wire.path);
  const query = toQueryMap(parseQueryString(rawQuery, false));
  const scope = parseCredentialScope(wire.headers.authorization, query);
  if (scope !== undefined) {
    context.service = scope.service;
    context.region = scope.region;
  }
  const host = parseAwsHost(wire.host);
  if (host === undefined)
    throw new DecodeError('unknown-host', `${wire.host.slice(0, 200)} is not an AWS API endpoint`);
  const services = servicesFor(scope, host);
  const region = scope?.region ?? host.region ?? 'us-east-1';
  if (host.region !== undefined && host.region !== region) {
    throw new DecodeError(
      'host-mismatch',
      `credential scope region ${region} does not match host region ${host.region}`,
    );
  }
  context.service = services[0]!.iamPrefix;
  context.region = region;

  const request: AwsRequest = { wire, pathname, rawQuery, query, host, scope, services, options };
  const decoded = decodeOperation(request, context);
  const { service, operation, protocol, params } = decoded;
  if (options.redactSensitive) redactSensitive(params, operation.sensitive);
  const iam = iamActionFor(service.iamPrefix, operation.name, params, host);
  return {
    cloud: 'aws',
    service: iam.service,
    action: operation.name,
    iam_action: `${iam.service}:${iam.action}`,
    region,
    account: undefined,
    environment: undefined,
    resource: resourceArn({ service: iam.service, operation: operation.name, params, region, host }),
    read_only: isReadOnly(iam.service, operation.name, operation.rest === undefined ? undefined : wire.method, params),
    params,
    decoded: true,
    protocol,
  };
}

/**
 * servicesFor finds the models a request may address: by signing name when signed (checked against the host), by
 * host when unsigned.
 * @throws DecodeError `unknown-service` or `host-mismatch`.
 */
function servicesFor(scope: CredentialScope | undefined, host: AwsHost): readonly ServiceRoutes[] {
  if (scope === undefined) {
    const byHost = ROUTES.byEndpoint.get(host.endpoint);
    if (byHost === undefined)
      throw new DecodeError(
        'unknown-service',
        `unsigned request to ${host.endpoint}, a service Airlock does not decode`,
      );
    return byHost;
  }
  const bySigning = ROUTES.bySigningName.get(scope.service);
  if (bySigning === undefined) {
    throw new DecodeError('unknown-service', `signing name ${scope.service} is not a service Airlock decodes`);
  }
  const matching = bySigning.filter((service) => service.hostEndpoints.includes(host.endpoint));
  if (matching.length === 0) {
    throw new DecodeError(
      'host-mismatch',
      `credential scope names ${scope.service} but the host is a ${host.endpoint} endpoint`,
    );
  }
  return matching;
}

/** decodeOperation reads the protocol off the wire, not off the model: services change protocols over time. */
function decodeOperation(request: AwsRequest, context: DecodeError['context']): DecodedOperation {
  const headers = request.wire.headers;
  const accepts = (p: AwsProtocol) => request.services.some((s) => s.protocols.has(p));
  const target = headers['x-amz-target'];
  let protocol: AwsProtocol | undefined;
  if (target !== undefined) protocol = 'json';
  else if (headers['smithy-protocol'] !== undefined) protocol = 'rpc-v2-cbor';
  else if ((accepts('query') || accepts('ec2')) && (hasQueryAction(request) || isFormBody(request))) {
    protocol = accepts('ec2') ? 'ec2' : 'query';
  } else if (accepts('rest-xml')) protocol = 'rest-xml';
  else if (accepts('rest-json')) protocol = 'rest-json';
  else if (accepts('query') || accepts('ec2')) protocol = accepts('ec2') ? 'ec2' : 'query';
  context.protocol = protocol;
  if (protocol === undefined || !accepts(protocol)) {
    const spoken = [...new Set(request.services.flatMap((s) => [...s.protocols]))].join(', ');
    throw new DecodeError(
      'unsupported-protocol',
      `request is ${protocol ?? 'in no known protocol'}; ${request.services[0]!.id} speaks ${spoken}`,
    );
  }
  switch (protocol) {
    case 'json':
      return decodeJson(request, target!);
    case 'rpc-v2-cbor':
      return decodeRpcV2Cbor(request);
    case 'query':
    case 'ec2':
      return decodeQuery(request);
    default:
      return decodeRest(request);
  }
}

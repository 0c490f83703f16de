import type { Params } from '../call.js';
import { DecodeError } from '../errors.js';
import { decodeCbor } from '../format/cbor.js';
import { percentDecode } from '../format/url.js';
import { type AwsRequest, type DecodedOperation, findOperation, readBody } from './operation.js';

const RPC_V2_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

/**
 * decodeRpcV2Cbor decodes a Smithy RPC v2 CBOR request: `POST /service/{ServiceName}/operation/{Operation}` with
 * `smithy-protocol: rpc-v2-cbor` and a CBOR map body. Services that speak it (CloudWatch today) are marked in
 * routes.json with their Smithy service shape name.
 *
 * @throws DecodeError `unsupported-protocol` when no service here speaks rpc-v2-cbor, `unknown-operation` for a path
 * that names another service or an unknown operation, `malformed-request` for a body that is not a CBOR map.
 */
export function decodeRpcV2Cbor(request: AwsRequest): DecodedOperation {
  if (request.wire.headers['smithy-protocol'] !== 'rpc-v2-cbor') {
    throw new DecodeError(
      'unsupported-protocol',
      `smithy-protocol ${JSON.stringify(request.wire.headers['smithy-protocol'])} is not rpc-v2-cbor`,
    );
  }
  const speakers = request.services.filter((s) => s.protocols.has('rpc-v2-cbor'));
  if (speakers.length === 0) throw new DecodeError('unsupported-protocol', 'the service does not speak rpc-v2-cbor');
  const match = RPC_V2_PATH.exec(request.pathname);
  if (request.wire.method !== 'POST' || match === null) {
    throw new DecodeError(
      'unknown-operation',
      'rpc-v2-cbor requests are POST /service/{Service}/operation/{Operation}',
    );
  }
  const serviceName = percentDecode(match[1]!, false);
  const service = speakers.find((s) => s.cborServiceName === serviceName);
  if (service === undefined) {
    throw new DecodeError(
      'unknown-operation',
      `rpc-v2-cbor service ${JSON.stringify(serviceName.slice(0, 100))} is not at this endpoint`,
    );
  }
  const operation = findOperation(service, percentDecode(match[2]!, false));
  const body = readBody(request, operation.name);
  let params: Params = {};
  if (body !== undefined) {
    const value = decodeCbor(body);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DecodeError('malformed-request', `${operation.name} body is CBOR but not a map`);
    }
    params = value;
  }
  return { service, operation, protocol: 'rpc-v2-cbor', params };
}

import { randomUUID } from 'node:crypto';
import { type AwsErrorDialect, InvalidArgumentError } from '../core/errors.js';
import type { AwsProtocol } from '../decode/index.js';
import { encodeCborTextMap } from './cbor.js';

/** AwsErrorTarget says which error format a request expects: its protocol and the service it addressed. */
export interface AwsErrorTarget {
  /** The request's wire protocol; undefined when unknown, which gets the query XML shape. */
  readonly protocol: AwsProtocol | undefined;
  /** Signing name or IAM prefix. `s3` (also `s3express`, `s3-object-lambda`) selects S3's own error document. */
  readonly service: string;
  /** The JSON version the request used (`application/x-amz-json-1.0`); 1.1 when not given. SDKs do not check it. */
  readonly jsonVersion?: '1.0' | '1.1' | undefined;
}

/** AwsErrorInput is one error to render. */
export interface AwsErrorInput extends AwsErrorTarget {
  /** The AWS error code (`AccessDenied`, `AccessDeniedException`): what SDKs expose as the error's name or Code. */
  readonly code: string;
  /** HTTP status, 400 to 599. */
  readonly status: number;
  /** Text shown to the agent's user; may hold anything, it is escaped for the format. */
  readonly message: string;
  /** The request id to report (Airlock's call id); a fresh UUID when not given. */
  readonly requestId?: string | undefined;
}

/** AwsErrorReply is a complete HTTP error response, ready for the listen stage to write. */
export interface AwsErrorReply {
  readonly status: number;
  /** Lower-case names, `content-length` included. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const S3_SERVICES: ReadonlySet<string> = new Set(['s3', 's3express', 's3-object-lambda']);

/** Error codes and request ids go into headers and markup unescaped; AWS's own are all of these forms. */
const CODE = /^[A-Za-z][A-Za-z0-9._:#-]{0,127}$/;
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A UTF-16 surrogate without its pair: not a character, so no encoding can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * errorDialect tells which family of error vocabulary and shape a target expects: S3's, EC2's, the JSON protocols'
 * (json, rest-json, rpc-v2-cbor), or the query one (query, non-S3 rest-xml such as Route 53, and anything unknown).
 */
export function errorDialect(target: AwsErrorTarget): AwsErrorDialect {
  const { protocol, service } = target;
  if (S3_SERVICES.has(service) && (protocol === 'rest-xml' || protocol === undefined)) return 's3';
  if (protocol === 'ec2' || (protocol === undefined && service === 'ec2')) return 'ec2';
  if (protocol === 'json' || protocol === 'rest-json' || protocol === 'rpc-v2-cbor') return 'json';
  return 'query';
}

/**
 * renderAwsError renders an error the way the AWS service itself would, so SDKs, the AWS CLI and Terraform raise
 * it with the given code and message (each shape is checked against real SDK parsers in test/respond):
 *
 * | dialect | content-type | body |
 * | --- | --- | --- |
 * | query, non-S3 rest-xml, unknown | `text/xml` | `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>` |
 * | S3 | `application/xml` | `<?xml …?><Error><Code/><Message/><RequestId/></Error>` |
 * | ec2 | `text/xml;charset=UTF-8` | `<?xml …?><Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` |
 * | json | `application/x-amz-json-1.1` (or 1.0) | `{"__type": code, "message": message}` |
 * | rest-json | `application/json` | the same; SDKs read the code from `x-amzn-errortype` first |
 * | rpc-v2-cbor | `application/cbor`, `smithy-protocol: rpc-v2-cbor` | a CBOR map with `__type` and `message` |
 *
 * Every JSON-family reply carries `x-amzn-errortype: <code>`. Every reply carries `x-amzn-requestid`; S3 replies also
 * `x-amz-request-id`. `Type` is `Sender` for 4xx and `Receiver` for 5xx, as AWS reports fault. botocore, the JS SDK
 * v2 and v3 all read `message` before `Message`, so the JSON bodies use the lower-case name only.
 *
 * Lone UTF-16 surrogates in the message become U+FFFD in every format.
 *
 * @throws InvalidArgumentError for a status outside 400–599, or a code or request id that is not a plain token
 */
export function renderAwsError(input: AwsErrorInput): AwsErrorReply {
  const { code, status } = input;
  const message = input.message.replace(LONE_SURROGATE, '\uFFFD');
  const requestId = input.requestId ?? randomUUID();
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new InvalidArgumentError(`an AWS error status must be 400 to 599, not ${status}`);
  }
  if (!CODE.test(code)) throw new InvalidArgumentError('an AWS error code must be a plain token');
  if (!REQUEST_ID.test(requestId)) throw new InvalidArgumentError('a request id must be a plain token');

  const dialect = errorDialect(input);
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  let body: Buffer;
  switch (dialect) {
    case 's3':
      headers['content-type'] = 'application/xml';
      headers['x-amz-request-id'] = requestId;
      body = xml(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>` +
          `<RequestId>${requestId}</RequestId></Error>`,
      );
      break;
    case 'ec2':
      headers['content-type'] = 'text/xml;charset=UTF-8';
      body = xml(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
          `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      );
      break;
    case 'query':
      headers['content-type'] = 'text/xml';
      body = xml(
        `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code>` +
          `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
      break;
    case 'json':
      headers['x-amzn-errortype'] = code;
      if (input.protocol === 'rpc-v2-cbor') {
        headers['content-type'] = 'application/cbor';
        headers['smithy-protocol'] = 'rpc-v2-cbor';
        body = encodeCborTextMap({ __type: code, message });
      } else {
        headers['content-type'] =
          input.protocol === 'rest-json' ? 'application/json' : `application/x-amz-json-${input.jsonVersion ?? '1.1'}`;
        body = Buffer.from(JSON.stringify({ __type: code, message }), 'utf8');
      }
      break;
  }
  headers['content-length'] = String(body.length);
  return { status, headers, body };
}

function xml(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * escapeXml escapes markup and replaces what XML 1.0 cannot carry at all (control characters other than tab and
 * newlines, lone surrogates, U+FFFE, U+FFFF) with U+FFFD, so that no message can make the document unparseable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(LONE_SURROGATE, '\uFFFD');
}

import type { CredentialSourceConfig } from '../sign/credential-source.js';
import { type ConfigReader, join } from './config-reader.js';

/** ResolvePath turns a path from the config file into an absolute one (relative to the file's directory, `~/`). */
export type ResolvePath = (path: string) => string;

const TYPES = ['env', 'file', 'assume-role'] as const;
const ENV_PREFIX = /^[A-Z][A-Z0-9_]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** A chain of assumed roles deeper than this is a mistake (or a YAML alias pointing at itself). */
const MAX_CHAIN = 5;

/**
 * readCredentials reads an account's `credentials` mapping into the sign stage's CredentialSourceConfig.
 * `static` is refused: secret keys do not belong in a file that is committed, copied and shown in reviews.
 * Whether the variables or the credentials file exist is checked when the source is created, not here.
 */
export function readCredentials(
  reader: ConfigReader,
  value: unknown,
  path: string,
  resolvePath: ResolvePath,
  depth = 0,
): CredentialSourceConfig {
  if (value === undefined) reader.fail(path, 'a credentials mapping with a type', value);
  if (depth > MAX_CHAIN) reader.invalid(path, `assumed roles can be chained at most ${MAX_CHAIN} deep`);
  const typePath = join(path, 'type');
  const type = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).type : undefined;
  if (type === 'static') {
    reader.invalid(
      typePath,
      'secret keys are not accepted in the configuration file; use type: env (environment variables) or ' +
        'type: file (an AWS shared-credentials file)',
    );
  }
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    reader.mapping(value, path, ['type']);
    reader.fail(typePath, `one of ${TYPES.join(', ')}`, type);
  }
  switch (type as (typeof TYPES)[number]) {
    case 'env': {
      const fields = reader.mapping(value, path, ['type', 'prefix']);
      const prefix = reader.optionalString(fields.prefix, join(path, 'prefix'));
      if (prefix !== undefined && !ENV_PREFIX.test(prefix)) {
        reader.fail(join(path, 'prefix'), 'upper-case letters, digits and _, starting with a letter', prefix);
      }
      return { type: 'env', ...(prefix === undefined ? {} : { prefix }) };
    }
    case 'file': {
      const fields = reader.mapping(value, path, ['type', 'path', 'profile']);
      const file = resolvePath(reader.string(fields.path, join(path, 'path')));
      const profile = reader.optionalString(fields.profile, join(path, 'profile'));
      return { type: 'file', path: file, ...(profile === undefined ? {} : { profile }) };
    }
    case 'assume-role': {
      const fields = reader.mapping(value, path, [
        'type',
        'role_arn',
        'session_name',
        'external_id',
        'duration_seconds',
        'region',
        'sts_endpoint',
        'base',
      ]);
      const roleArn = matching(reader, fields.role_arn, join(path, 'role_arn'), ROLE_ARN, 'an IAM role ARN');
      const roleSessionName = optionalMatching(
        reader,
        fields.session_name,
        join(path, 'session_name'),
        SESSION_NAME,
        '2 to 64 characters of letters, digits and +=,.@_-',
      );
      const externalId = optionalMatching(
        reader,
        fields.external_id,
        join(path, 'external_id'),
        EXTERNAL_ID,
        '2 to 1224 characters of letters, digits and +=,.@:/_-',
      );
      const durationSeconds = reader.optionalInteger(
        fields.duration_seconds,
        join(path, 'duration_seconds'),
        900,
        43200,
      );
      const region = optionalMatching(reader, fields.region, join(path, 'region'), REGION, 'an AWS region name');
      const stsEndpoint =
        fields.sts_endpoint === undefined
          ? undefined
          : reader.httpOrigin(fields.sts_endpoint, join(path, 'sts_endpoint'));
      const base = readCredentials(reader, fields.base, join(path, 'base'), resolvePath, depth + 1);
      return {
        type: 'assume-role',
        base,
        roleArn,
        ...(roleSessionName === undefined ? {} : { roleSessionName }),
        ...(externalId === undefined ? {} : { externalId }),
        ...(durationSeconds === undefined ? {} : { durationSeconds }),
        ...(region === undefined ? {} : { region }),
        ...(stsEndpoint === undefined ? {} : { stsEndpoint }),
      };
    }
  }
}

function matching(reader: ConfigReader, value: unknown, path: string, pattern: RegExp, expected: string): string {
  const text = reader.string(value, path);
  if (!pattern.test(text)) reader.fail(path, expected, text);
  return text;
}

function optionalMatching(
  reader: ConfigReader,
  value: unknown,
  path: string,
  pattern: RegExp,
  expected: string,
): string | undefined {
  return value === undefined ? undefined : matching(reader, value, path, pattern, expected);
}

import { readFileSync } from 'node:fs';
import { CredentialsError, InvalidArgumentError } from '../core/errors.js';
import { AssumedRoleCredentialSource, type AssumeRoleOptions, type AssumeRoleRuntime } from './assume-role.js';
import { AwsCredentials } from './aws-credentials.js';

/** CredentialSource supplies the real credentials one account or environment is signed with. */
export interface CredentialSource {
  /** Says where the credentials come from, for logs; never contains a secret. */
  readonly description: string;
  getCredentials(): Promise<AwsCredentials>;
}

/**
 * CredentialSourceConfig says where real credentials come from:
 * - `env`: `<prefix>_ACCESS_KEY_ID`, `<prefix>_SECRET_ACCESS_KEY` and optional `<prefix>_SESSION_TOKEN`
 *   (prefix `AWS` by default), read once when the source is created;
 * - `file`: an AWS shared-credentials file (INI: `[profile]` with `aws_access_key_id`, `aws_secret_access_key`,
 *   optional `aws_session_token`), read once when the source is created;
 * - `static`: keys given directly (tests, or a config loader that already read them);
 * - `assume-role`: a role assumed with STS from another source's credentials (chains are allowed).
 */
export type CredentialSourceConfig =
  | { readonly type: 'env'; readonly prefix?: string }
  | { readonly type: 'file'; readonly path: string; readonly profile?: string }
  | {
      readonly type: 'static';
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    }
  | ({ readonly type: 'assume-role'; readonly base: CredentialSourceConfig } & AssumeRoleOptions);

/** CredentialSourceRuntime are the collaborators tests replace: the environment, the STS dispatcher, the clock. */
export interface CredentialSourceRuntime extends AssumeRoleRuntime {
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * createCredentialSource builds a CredentialSource from configuration, validating it at once: a missing variable,
 * file or profile fails here, naming what is missing and never what was found.
 *
 * @throws InvalidArgumentError for a configuration that cannot work
 * @throws CredentialsError when environment variables or the credentials file do not hold usable keys
 */
export function createCredentialSource(
  config: CredentialSourceConfig,
  runtime: CredentialSourceRuntime = {},
): CredentialSource {
  switch (config?.type) {
    case 'static':
      return fixedSource(new AwsCredentials(config), `static keys ${config.accessKeyId}`);
    case 'env':
      return fromEnvironment(config.prefix ?? 'AWS', runtime.env ?? process.env);
    case 'file':
      return fromSharedCredentialsFile(config.path, config.profile ?? 'default');
    case 'assume-role': {
      const { type: _type, base, ...options } = config;
      return new AssumedRoleCredentialSource(createCredentialSource(base, runtime), options, runtime);
    }
    default:
      throw new InvalidArgumentError('credential source type must be one of env, file, static, assume-role');
  }
}

function fixedSource(credentials: AwsCredentials, description: string): CredentialSource {
  return {
    description,
    getCredentials: () => Promise.resolve(credentials),
  };
}

function fromEnvironment(prefix: string, env: Readonly<Record<string, string | undefined>>): CredentialSource {
  if (!/^[A-Z][A-Z0-9_]*$/.test(prefix))
    throw new InvalidArgumentError('env prefix must be upper-case letters, digits, _');
  const names = {
    accessKeyId: `${prefix}_ACCESS_KEY_ID`,
    secretAccessKey: `${prefix}_SECRET_ACCESS_KEY`,
    sessionToken: `${prefix}_SESSION_TOKEN`,
  };
  const accessKeyId = env[names.accessKeyId];
  const secretAccessKey = env[names.secretAccessKey];
  const sessionToken = env[names.sessionToken];
  if (!accessKeyId || !secretAccessKey) {
    throw new CredentialsError(`environment variables ${names.accessKeyId} and ${names.secretAccessKey} must be set`);
  }
  return fixedSource(
    new AwsCredentials({ accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined }),
    `environment ${prefix}_* (${accessKeyId})`,
  );
}

function fromSharedCredentialsFile(path: string, profile: string): CredentialSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CredentialsError(`credentials file ${path} cannot be read (${reason})`);
  }
  const section = parseIniSection(text, profile);
  if (section === undefined) throw new CredentialsError(`credentials file ${path} has no profile [${profile}]`);
  const accessKeyId = section.get('aws_access_key_id');
  const secretAccessKey = section.get('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) {
    throw new CredentialsError(`profile [${profile}] in ${path} needs aws_access_key_id and aws_secret_access_key`);
  }
  return fixedSource(
    new AwsCredentials({ accessKeyId, secretAccessKey, sessionToken: section.get('aws_session_token') || undefined }),
    `file ${path} [${profile}] (${accessKeyId})`,
  );
}

/** parseIniSection reads `key = value` lines of one `[profile]` (or `[profile name]`) section. */
function parseIniSection(text: string, profile: string): Map<string, string> | undefined {
  let inSection = false;
  let section: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line
        .slice(1, -1)
        .trim()
        .replace(/^profile\s+/, '');
      inSection = name === profile;
      if (inSection) section ??= new Map();
      continue;
    }
    if (!inSection) continue;
    const equals = line.indexOf('=');
    if (equals === -1) continue;
    section!.set(line.slice(0, equals).trim().toLowerCase(), line.slice(equals + 1).trim());
  }
  return section;
}

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { type ConfigReader, join } from './config-reader.js';
import type { ResolvePath } from './credentials.js';
import type { Environment } from './environment-overrides.js';

/** SecretSources are where `*_env` and `*_file` keys are looked up. */
export interface SecretSources {
  readonly env: Environment;
  /** Resolves a `*_file` path against the config file's directory, as other paths in the file are. */
  readonly resolvePath: ResolvePath;
}

/** Secret is a secret's value and the key that pointed at it, for messages about the value that follow. */
export interface Secret {
  readonly value: string;
  /** The key's path: `notify.teams.webhook_url_env` or `notify.teams.webhook_url_file`. */
  readonly path: string;
  /** What holds the value, for messages: `the variable` or `the file`. */
  readonly holder: string;
}

/** A secret is a token or a URL; a bigger file is the wrong file, and is not read into memory. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * readSecret reads the secret that `<name>_env` (an environment variable's name) or `<name>_file` (a file holding it,
 * as Docker and Kubernetes mount secrets) points at; giving both is refused. Returns undefined when neither is given.
 * Messages name the key, the variable or the file's path, never the value.
 *
 * @param fields the mapping the two keys are in, at `path`
 * @param name the keys' common stem: `bot_token` for `bot_token_env` and `bot_token_file`
 */
export function readSecret(
  reader: ConfigReader,
  fields: Readonly<Record<string, unknown>>,
  path: string,
  name: string,
  sources: SecretSources,
): Secret | undefined {
  const envKey = `${name}_env`;
  const fileKey = `${name}_file`;
  const variable = fields[envKey];
  const file = fields[fileKey];
  if (variable !== undefined && file !== undefined) {
    reader.invalid(path, `${envKey} and ${fileKey} are both given; give one`);
  }
  if (variable !== undefined) {
    const envPath = join(path, envKey);
    return { value: readSecretFromEnv(reader, variable, envPath, sources.env), path: envPath, holder: 'the variable' };
  }
  if (file !== undefined) {
    const filePath = join(path, fileKey);
    const absolute = sources.resolvePath(reader.string(file, filePath));
    return { value: readSecretFile(reader, absolute, filePath), path: filePath, holder: 'the file' };
  }
  return undefined;
}

/** requireSecret is readSecret for a secret the section cannot work without. */
export function requireSecret(
  reader: ConfigReader,
  fields: Readonly<Record<string, unknown>>,
  path: string,
  name: string,
  sources: SecretSources,
): Secret {
  const secret = readSecret(reader, fields, path, name, sources);
  if (secret === undefined) reader.invalid(path, `needs ${name}_env or ${name}_file`);
  return secret;
}

function readSecretFromEnv(reader: ConfigReader, name: unknown, path: string, env: Environment): string {
  const variable = reader.string(name, path);
  if (!ENV_NAME.test(variable)) reader.fail(path, 'the name of an environment variable (UPPER_CASE)', variable);
  const secret = env[variable];
  if (secret === undefined || secret === '') reader.invalid(path, `environment variable ${variable} is not set`);
  return secret;
}

/**
 * readSecretFile reads a secret file whole, less one trailing newline (`echo token > file` adds one). Its mode is not
 * checked: Kubernetes mounts secrets 0644 by default, in a directory only the pod sees.
 */
function readSecretFile(reader: ConfigReader, file: string, path: string): string {
  let text: string;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) reader.invalid(path, `${file} is not a regular file`);
    if (stats.size > MAX_SECRET_FILE_BYTES) {
      reader.invalid(
        path,
        `${file} is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB; a secret file holds one secret`,
      );
    }
    text = readFileSync(descriptor, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    reader.invalid(path, `${file} cannot be read (${reason})`);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') reader.invalid(path, `${file} is empty`);
  return secret;
}

import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join as joinPath, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.js';
import {
  type AccountConfig,
  type AirlockConfig,
  type LimitsConfig,
  type ListenAddress,
  LOG_LEVELS,
  STORE_SYNCS,
  type UpstreamRoute,
} from './airlock-config.js';
import { parseByteSize } from './byte-size.js';
import { readApprovals, readApprovers, readNotifications } from './approvals-config.js';
import { ConfigReader, join } from './config-reader.js';
import { readCredentials, type ResolvePath } from './credentials.js';
import { applyEnvironment, type Environment } from './environment-overrides.js';
import { isHostPattern, matchesHostPattern } from './host-pattern.js';

/** CONFIG_ENV names the config file when `--config` is not given. */
export const CONFIG_ENV = 'AIRLOCK_CONFIG';
/** DEFAULT_CONFIG_FILE is read from the working directory when neither `--config` nor `AIRLOCK_CONFIG` is given. */
export const DEFAULT_CONFIG_FILE = 'airlock.yaml';

/** LoadConfigOptions are what tests replace. */
export interface LoadConfigOptions {
  /** The directory relative paths outside the file resolve against; default `process.cwd()`. */
  readonly cwd?: string;
}

const TOP_LEVEL_KEYS = [
  'listen',
  'api',
  'state_dir',
  'policy',
  'limits',
  'pass_through',
  'upstreams',
  'accounts',
  'log',
  'workers',
  'approvals',
  'approvers',
  'notify',
  'store',
] as const;
const LIMIT_SIZES = ['max_header_bytes', 'max_decoded_body_bytes', 'max_buffered_body_bytes'] as const;
const LIMIT_SECONDS = [
  'headers_timeout_seconds',
  'request_timeout_seconds',
  'idle_timeout_seconds',
  'upstream_headers_timeout_seconds',
] as const;
const DEFAULT_LIMITS: LimitsConfig = {
  maxHeaderBytes: 16 * 1024,
  maxDecodedBodyBytes: 8 * 1024 * 1024,
  maxBufferedBodyBytes: 70 * 1024 * 1024,
  headersTimeoutSeconds: 30,
  requestTimeoutSeconds: 300,
  idleTimeoutSeconds: 60,
  upstreamHeadersTimeoutSeconds: 60,
};
const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 8080 };
const DEFAULT_API: ListenAddress = { host: '127.0.0.1', port: 8081 };
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ACCOUNT_ID = /^\d{12}$/;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * findConfigFile picks the configuration file: `path` (the `--config` flag), else `AIRLOCK_CONFIG`, else
 * `./airlock.yaml` if there is one. Returns undefined when there is none, and the defaults apply.
 */
export function findConfigFile(path: string | undefined, env: Environment, cwd: string): string | undefined {
  const named = path ?? (env[CONFIG_ENV] || undefined);
  if (named !== undefined) return resolve(cwd, named);
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

/**
 * loadConfig reads airlock.yaml (found by findConfigFile) and returns it validated, defaulted and frozen. An empty
 * or missing file gives the defaults. Relative paths in the file resolve against the file's directory. The variables
 * of ENVIRONMENT_OVERRIDES (`AIRLOCK_LISTEN`, `AIRLOCK_STATE_DIR`, ...) replace the file's keys and are checked the
 * same way; relative paths in them resolve against `cwd`.
 *
 * @param path the `--config` flag, if given
 * @throws ConfigError naming the file and the key's path (or the variable that set the key), what was expected, and
 *   the type found (never the value)
 */
export function loadConfig(
  path: string | undefined,
  env: Environment = process.env,
  options: LoadConfigOptions = {},
): AirlockConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(path, env, cwd);
  const document = file === undefined ? undefined : readYaml(file);
  const baseDir = file === undefined ? cwd : dirname(file);
  const home = env.HOME || homedir();
  const resolvePath: ResolvePath = (relative) =>
    relative === '~' || relative.startsWith('~/') ? joinPath(home, relative.slice(1)) : resolve(baseDir, relative);
  const overridden = applyEnvironment(document, env, cwd);
  const reader = new ConfigReader(file ?? 'defaults', overridden.variables);
  return buildConfig(reader, overridden.document, { file, env, resolvePath });
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`config file ${file} cannot be read (${reason})`, undefined, { cause: error });
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    // The first line of the parser's message, without the excerpt of the file that follows it, which may hold a secret.
    const summary = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
    const position = error.linePos?.[0];
    const where = position === undefined ? '' : `:${position.line}:${position.col}`;
    throw new ConfigError(`${file}${where}: ${summary}`);
  }
  return document.toJS({ maxAliasCount: 100 });
}

interface BuildContext {
  readonly file: string | undefined;
  readonly env: Environment;
  readonly resolvePath: ResolvePath;
}

function buildConfig(reader: ConfigReader, document: unknown, context: BuildContext): AirlockConfig {
  const root = reader.mapping(document ?? undefined, '', TOP_LEVEL_KEYS);
  const listen = readListenAddress(reader, root.listen, 'listen', DEFAULT_LISTEN);
  const api = readListenAddress(reader, root.api, 'api', DEFAULT_API);
  if (sharePort(listen, api)) {
    reader.invalid('api', `must not be the address agents use (${reader.origin('listen')})`);
  }

  const stateDir = context.resolvePath(reader.string(root.state_dir, 'state_dir', '.airlock'));

  const policyFields = reader.mapping(root.policy, 'policy', ['dir', 'watch']);
  const policy = {
    dir: context.resolvePath(reader.string(policyFields.dir, 'policy.dir', 'rego')),
    watch: reader.boolean(policyFields.watch, 'policy.watch', true),
  };

  const limits = readLimits(reader, root.limits);
  const passThrough = readHostPatterns(reader, root.pass_through, 'pass_through');
  const upstreams = reader.list(root.upstreams, 'upstreams').map((entry, index): UpstreamRoute => {
    const path = join('upstreams', index);
    const fields = reader.mapping(entry, path, ['hosts', 'url']);
    const hosts = readHostPatterns(reader, fields.hosts, join(path, 'hosts'));
    if (hosts.length === 0) reader.fail(join(path, 'hosts'), 'a non-empty list of host patterns', fields.hosts);
    return { hosts, url: reader.httpOrigin(fields.url, join(path, 'url')) };
  });
  const accounts = readAccounts(reader, root.accounts, context.resolvePath);
  const workers = reader.optionalInteger(root.workers, 'workers', 1, 64) ?? 1;
  const logFields = reader.mapping(root.log, 'log', ['level']);
  const log = { level: reader.oneOf(logFields.level, 'log.level', LOG_LEVELS, 'info') };
  const approvals = readApprovals(reader, root.approvals, api);
  const secrets = { env: context.env, resolvePath: context.resolvePath };
  const approvers = readApprovers(reader, root.approvers, secrets);
  const notify = readNotifications(reader, root.notify, secrets);
  const storeFields = reader.mapping(root.store, 'store', ['sync']);
  const store = { sync: reader.oneOf(storeFields.sync, 'store.sync', STORE_SYNCS, 'normal') };

  const config: AirlockConfig = {
    file: context.file,
    listen,
    api,
    stateDir,
    policy,
    limits,
    passThrough,
    upstreams,
    accounts,
    log,
    workers,
    approvals,
    approvers,
    notify,
    store,
    accountFor(agentAccount) {
      return agentAccount === undefined
        ? accounts.find((account) => account.default)
        : accounts.find((account) => account.id === agentAccount);
    },
    upstreamFor(host) {
      return upstreams.find((route) => route.hosts.some((pattern) => matchesHostPattern(pattern, host)));
    },
    passesThrough(host) {
      return passThrough.some((pattern) => matchesHostPattern(pattern, host));
    },
  };
  return deepFreeze(config);
}

/** readListenAddress reads `host:port`, `[ipv6]:port`, or a bare port (on 127.0.0.1). */
function readListenAddress(reader: ConfigReader, value: unknown, path: string, fallback: ListenAddress): ListenAddress {
  if (value === undefined) return fallback;
  const expected = 'host:port, [ipv6]:port, or a port number';
  if (typeof value === 'number') return { host: '127.0.0.1', port: readPort(reader, value, path, expected) };
  if (typeof value !== 'string') reader.fail(path, expected, value);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (match === null) reader.fail(path, expected, value);
  const [, ipv6, name] = match;
  const host = ipv6 ?? name ?? '';
  const valid = ipv6 !== undefined ? isIP(ipv6) === 6 : isIP(host) === 4 || HOST_NAME.test(host);
  if (!valid) reader.fail(path, expected, value);
  return { host, port: readPort(reader, Number(match[3]), path, expected) };
}

function readPort(reader: ConfigReader, port: number, path: string, expected: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) reader.fail(path, `${expected} (port 0 to 65535)`, port);
  return port;
}

/** sharePort says whether two addresses would compete for one socket (port 0 picks a free port each time). */
function sharePort(a: ListenAddress, b: ListenAddress): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || WILDCARD_HOSTS.has(a.host) || WILDCARD_HOSTS.has(b.host);
}

function readLimits(reader: ConfigReader, value: unknown): LimitsConfig {
  const fields = reader.mapping(value, 'limits', [...LIMIT_SIZES, ...LIMIT_SECONDS]);
  const size = (key: (typeof LIMIT_SIZES)[number], fallback: number): number => {
    const raw = fields[key];
    if (raw === undefined) return fallback;
    const bytes = parseByteSize(raw);
    if (bytes === undefined || bytes === 0) {
      reader.fail(join('limits', key), 'a positive number of bytes, or a size such as "512KiB" or "8MiB"', raw);
    }
    return bytes;
  };
  const seconds = (key: (typeof LIMIT_SECONDS)[number], fallback: number): number =>
    reader.positiveNumber(fields[key], join('limits', key), fallback);
  return {
    maxHeaderBytes: size('max_header_bytes', DEFAULT_LIMITS.maxHeaderBytes),
    maxDecodedBodyBytes: size('max_decoded_body_bytes', DEFAULT_LIMITS.maxDecodedBodyBytes),
    maxBufferedBodyBytes: size('max_buffered_body_bytes', DEFAULT_LIMITS.maxBufferedBodyBytes),
    headersTimeoutSeconds: seconds('headers_timeout_seconds', DEFAULT_LIMITS.headersTimeoutSeconds),
    requestTimeoutSeconds: seconds('request_timeout_seconds', DEFAULT_LIMITS.requestTimeoutSeconds),
    idleTimeoutSeconds: seconds('idle_timeout_seconds', DEFAULT_LIMITS.idleTimeoutSeconds),
    upstreamHeadersTimeoutSeconds: seconds(
      'upstream_headers_timeout_seconds',
      DEFAULT_LIMITS.upstreamHeadersTimeoutSeconds,
    ),
  };
}

function readHostPatterns(reader: ConfigReader, value: unknown, path: string): string[] {
  return reader.list(value, path).map((entry, index) => {
    const pattern = reader.string(entry, join(path, index)).toLowerCase();
    if (!isHostPattern(pattern)) reader.fail(join(path, index), 'a host name or *.suffix', entry);
    return pattern;
  });
}

function readAccounts(reader: ConfigReader, value: unknown, resolvePath: ResolvePath): AccountConfig[] {
  const entries = reader.list(value, 'accounts');
  const accounts = entries.map((entry, index) => {
    const path = join('accounts', index);
    const fields = reader.mapping(entry, path, ['id', 'environment', 'default', 'credentials']);
    const idPath = join(path, 'id');
    if (typeof fields.id === 'number') {
      reader.fail(
        idPath,
        'a quoted 12-digit string (unquoted, YAML reads it as a number and drops leading zeros)',
        fields.id,
      );
    }
    const id = reader.string(fields.id, idPath);
    if (!ACCOUNT_ID.test(id)) reader.fail(idPath, 'a 12-digit AWS account id', id);
    const environment = reader.string(fields.environment, join(path, 'environment'));
    if (!ENVIRONMENT_NAME.test(environment)) {
      reader.fail(join(path, 'environment'), 'a name of letters, digits, ., _ and -', environment);
    }
    const explicitDefault =
      fields.default === undefined ? undefined : reader.boolean(fields.default, join(path, 'default'), false);
    const credentials = readCredentials(reader, fields.credentials, join(path, 'credentials'), resolvePath);
    return { id, environment, explicitDefault, credentials };
  });
  const seen = new Set<string>();
  let defaultIndex: number | undefined;
  accounts.forEach((account, index) => {
    if (seen.has(account.id)) reader.invalid(join(join('accounts', index), 'id'), 'this account is configured twice');
    seen.add(account.id);
    if (account.explicitDefault !== true) return;
    if (defaultIndex !== undefined) {
      reader.invalid(join(join('accounts', index), 'default'), `accounts[${defaultIndex}] is already the default`);
    }
    defaultIndex = index;
  });
  // A lone account is the default unless it says otherwise: there is nowhere else an agent's calls could go.
  return accounts.map(({ explicitDefault, ...account }) => ({
    ...account,
    default: explicitDefault ?? accounts.length === 1,
  }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

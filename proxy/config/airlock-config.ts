import type { CredentialSourceConfig } from '../sign/credential-source.js';
import type { ApprovalsConfig, NotificationsConfig, OidcConfig } from './approvals-config.js';

/** ListenAddress is where a server listens: a host name or IP address, and a port (0 picks a free one). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** PolicyConfig says where the Rego policy lives and whether it is recompiled when it changes. */
export interface PolicyConfig {
  /** The policy directory, absolute. */
  readonly dir: string;
  readonly watch: boolean;
}

/** LimitsConfig bounds what one request may cost; sizes in bytes, times in seconds. */
export interface LimitsConfig {
  readonly maxHeaderBytes: number;
  /** Largest body decoded into `call.params` for the policy. */
  readonly maxDecodedBodyBytes: number;
  /** Largest body buffered to verify a signature that does not carry the payload hash (identify). */
  readonly maxBufferedBodyBytes: number;
  readonly headersTimeoutSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly idleTimeoutSeconds: number;
  readonly upstreamHeadersTimeoutSeconds: number;
}

/** UpstreamRoute sends calls for some AWS hosts to another server (moto, LocalStack) instead of AWS. */
export interface UpstreamRoute {
  /** Host patterns: exact names or `*.suffix`, lower-case. */
  readonly hosts: readonly string[];
  /** The server's origin, `http://127.0.0.1:5000`. */
  readonly url: string;
}

/** AccountConfig is one AWS account Airlock signs calls for, its environment label, and its real credentials. */
export interface AccountConfig {
  /** 12 digits. */
  readonly id: string;
  /** The label the policy sees as `call.environment` (`prod`, `staging`...). */
  readonly environment: string;
  /** Whether agents registered without an account act in this one. */
  readonly default: boolean;
  readonly credentials: CredentialSourceConfig;
}

/** STORE_SYNCS are the values of `store.sync`: when a write to the embedded database reaches the disk. */
export const STORE_SYNCS = ['normal', 'full'] as const;

/** LOG_LEVELS are the levels `log.level` accepts, most verbose first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LogConfig says how much Airlock logs. */
export interface LogConfig {
  readonly level: LogLevel;
}

/**
 * AirlockConfig is airlock.yaml, validated, with every default filled and every path absolute. It is frozen: the
 * configuration a process started with is the one it keeps.
 */
export interface AirlockConfig {
  /** The file read, absolute; undefined when no file was found and the defaults apply. */
  readonly file: string | undefined;
  /** Where agents reach the proxy (`HTTPS_PROXY`). */
  readonly listen: ListenAddress;
  /** Where the REST API and approval pages listen; never the agents' port. */
  readonly api: ListenAddress;
  /** Absolute. Holds agents.json, secrets.key and the embedded store. */
  readonly stateDir: string;
  readonly policy: PolicyConfig;
  readonly limits: LimitsConfig;
  /** Host patterns tunnelled without interception. */
  readonly passThrough: readonly string[];
  /** Checked in order; the first route with a matching host wins. */
  readonly upstreams: readonly UpstreamRoute[];
  readonly accounts: readonly AccountConfig[];
  readonly log: LogConfig;
  /** Proxy processes sharing the listen address (node:cluster); 1 runs the proxy in this process. */
  readonly workers: number;
  readonly approvals: ApprovalsConfig;
  /** How approvers authenticate besides Airlock's own API tokens. */
  readonly approvers: { readonly oidc?: OidcConfig };
  /** Where held calls are announced. The secrets in it are read from the environment and never logged. */
  readonly notify: NotificationsConfig;
  readonly store: { readonly sync: (typeof STORE_SYNCS)[number] };

  /**
   * accountFor returns the account an agent's calls act in: the agent's own account when it has one (undefined if
   * that account is not configured: never another account in its place), else the default account, if any.
   */
  accountFor(agentAccount: string | undefined): AccountConfig | undefined;
  /** upstreamFor returns the first upstream route whose hosts match `host` (a host name without port). */
  upstreamFor(host: string): UpstreamRoute | undefined;
  /** passesThrough says whether `host` (a host name without port) is tunnelled without interception. */
  passesThrough(host: string): boolean;
}

/**
 * config: airlock.yaml, read once at start into a validated, defaulted, frozen AirlockConfig, with the overrides of
 * ENVIRONMENT_OVERRIDES applied and notification secrets read from the environment or files.
 */
export {
  type AccountConfig,
  type AirlockConfig,
  type LimitsConfig,
  type ListenAddress,
  LOG_LEVELS,
  type LogConfig,
  type LogLevel,
  type PolicyConfig,
  type UpstreamRoute,
} from './airlock-config.js';
export {
  type ApprovalsConfig,
  DEFAULT_HOLD_SECONDS,
  type NotificationsConfig,
  type OidcConfig,
  type SlackConfig,
  type SlackUser,
} from './approvals-config.js';
export { parseByteSize } from './byte-size.js';
export { ENVIRONMENT_OVERRIDES, type EnvironmentOverride, STATE_DIR_ENV } from './environment-overrides.js';
export { isHostPattern, matchesHostPattern } from './host-pattern.js';
export { MAX_SECRET_FILE_BYTES } from './secret-source.js';
export { CONFIG_ENV, DEFAULT_CONFIG_FILE, findConfigFile, type LoadConfigOptions, loadConfig } from './load-config.js';

/**
 * config: airlock.yaml, read once at start into a validated, defaulted, frozen AirlockConfig.
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
export { isHostPattern, matchesHostPattern } from './host-pattern.js';
export {
  CONFIG_ENV,
  DEFAULT_CONFIG_FILE,
  findConfigFile,
  type LoadConfigOptions,
  loadConfig,
  STATE_DIR_ENV,
} from './load-config.js';

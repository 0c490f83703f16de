/**
 * agents: the registry of agents Airlock issued access keys to, with their secrets sealed at rest. identify looks
 * keys up here; decide reads an agent's public record for `input.agent`.
 */
export { ACCESS_KEY_ID_PATTERN, AgentAccessKey, issueAccessKeyId, issueSecretAccessKey } from './access-key.js';
export {
  ACCOUNT_ID_PATTERN,
  AGENT_ID_PATTERN,
  type AgentRecord,
  type AgentListing,
  type NewAgent,
  validateNewAgent,
} from './agent-record.js';
export { AGENTS_FILE, AgentRegistry, type AgentRegistryOptions } from './registry.js';
export { SECRETS_KEY_ENV, SECRETS_KEY_FILE } from './secrets-key.js';

import { InvalidArgumentError } from '../core/errors.js';

/**
 * AgentRecord is the public record of an agent Airlock issued a key to: what the policy sees as `input.agent`, plus the
 * account its calls act in. It holds nothing secret.
 */
export interface AgentRecord {
  /** The agent's name, as given to `airlock agent add`. */
  readonly id: string;
  /** Email of the human responsible for the agent, lower-cased. An owner never approves their own agent's calls. */
  readonly owner: string;
  readonly groups: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** The 12-digit AWS account the agent's calls act in; undefined means the configuration's default account. */
  readonly account?: string;
}

/** AgentListing is what `list()` shows about an agent: its public record and key id, never its secret. */
export interface AgentListing extends AgentRecord {
  readonly accessKeyId: string;
  /** When the agent was added (ISO 8601). */
  readonly createdAt: string;
  readonly disabled: boolean;
}

/** NewAgent is what `add()` needs to register an agent. */
export interface NewAgent {
  readonly id: string;
  readonly owner: string;
  readonly groups?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly account?: string;
}

/** AGENT_ID_PATTERN is the shape of an agent's name: short, lower-case, safe in URLs, file names and logs. */
export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** ACCOUNT_ID_PATTERN is an AWS account id: exactly 12 digits, leading zeros significant. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

// One @, no spaces, quotes or brackets; a domain of at least two dot-separated DNS labels. Looser than RFC 5322 on
// purpose: it only has to catch typos and shell accidents, and quoted local parts have no place in an owner field.
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_EMAIL_LENGTH = 254;
const GROUP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LABEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const MAX_LABEL_VALUE_LENGTH = 256;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const MAX_GROUPS = 32;
const MAX_LABELS = 64;

/**
 * validateNewAgent checks a new agent's fields and returns its public record in canonical form: owner lower-cased,
 * groups de-duplicated in the order given, labels sorted by key (so the record encodes the same way every time).
 *
 * @throws InvalidArgumentError naming the first field that is wrong
 */
export function validateNewAgent(agent: NewAgent): AgentRecord {
  const { id, owner, groups = [], labels = {}, account } = agent;
  if (typeof id !== 'string' || !AGENT_ID_PATTERN.test(id)) {
    throw new InvalidArgumentError(
      'agent name must be 1 to 63 characters of a-z, 0-9 and -, starting with a letter or digit',
    );
  }
  if (typeof owner !== 'string' || owner.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(owner)) {
    throw new InvalidArgumentError('owner must be an email address (name@example.com)');
  }
  if (!Array.isArray(groups) || groups.length > MAX_GROUPS) {
    throw new InvalidArgumentError(`groups must be a list of at most ${MAX_GROUPS} names`);
  }
  for (const group of groups) {
    if (typeof group !== 'string' || !GROUP_PATTERN.test(group)) {
      throw new InvalidArgumentError('a group name must be 1 to 64 characters of A-Z, a-z, 0-9, ., _ and -');
    }
  }
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new InvalidArgumentError('labels must be a map of names to strings');
  }
  const labelEntries = Object.entries(labels);
  if (labelEntries.length > MAX_LABELS) throw new InvalidArgumentError(`an agent has at most ${MAX_LABELS} labels`);
  for (const [key, value] of labelEntries) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      throw new InvalidArgumentError('a label name must be 1 to 63 characters of A-Z, a-z, 0-9, ., _, / and -');
    }
    if (typeof value !== 'string' || value.length > MAX_LABEL_VALUE_LENGTH || CONTROL_CHARACTERS.test(value)) {
      throw new InvalidArgumentError(
        `label ${key} must be a string of at most ${MAX_LABEL_VALUE_LENGTH} characters without control characters`,
      );
    }
  }
  if (account !== undefined && (typeof account !== 'string' || !ACCOUNT_ID_PATTERN.test(account))) {
    throw new InvalidArgumentError('account must be a 12-digit AWS account id');
  }
  return canonicalAgent({ id, owner: owner.toLowerCase(), groups, labels, account });
}

/** canonicalAgent puts an agent's public fields in one fixed form, the form that is stored and authenticated. */
function canonicalAgent(agent: AgentRecord): AgentRecord {
  const labels = Object.fromEntries(Object.entries(agent.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    id: agent.id,
    owner: agent.owner,
    groups: [...new Set(agent.groups)],
    labels,
    ...(agent.account === undefined ? {} : { account: agent.account }),
  };
}

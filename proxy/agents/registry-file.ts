import { AgentRegistryError } from '../core/errors.js';
import { ACCESS_KEY_ID_PATTERN } from './access-key.js';
import { AGENT_ID_PATTERN, ACCOUNT_ID_PATTERN, type AgentRecord } from './agent-record.js';
import type { SealedSecret } from './sealed-secret.js';

/** StoredAgent is one agent as agents.json holds it: its public record, key id, and sealed secret. */
export interface StoredAgent extends AgentRecord {
  readonly accessKeyId: string;
  readonly sealedSecret: SealedSecret;
  readonly createdAt: string;
  readonly disabled?: true;
}

/** RegistryContents is the whole of agents.json. */
export interface RegistryContents {
  /** Fingerprint of the secrets key every sealed secret in the file was sealed with. */
  readonly keyFingerprint: string;
  readonly agents: readonly StoredAgent[];
}

/** REGISTRY_FORMAT tags agents.json, so a later layout can be told apart and migrated. */
export const REGISTRY_FORMAT = 'airlock-agents/1';

/** RegistryFormatError names what is wrong inside agents.json; parseRegistry turns it into an AgentRegistryError. */
class RegistryFormatError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FINGERPRINT = /^[0-9a-f]{16}$/;

/** serializeRegistry renders agents.json: one agent per entry, stable key order, newline at the end. */
export function serializeRegistry(contents: RegistryContents): string {
  return `${JSON.stringify({ format: REGISTRY_FORMAT, keyFingerprint: contents.keyFingerprint, agents: contents.agents }, null, 2)}\n`;
}

/**
 * parseRegistry reads agents.json strictly: any field of the wrong type or shape is an error, never skipped, so a
 * damaged file cannot quietly drop or alter an agent.
 *
 * @param file the file's path, for the message
 * @throws AgentRegistryError naming the file and the first field that is wrong
 */
export function parseRegistry(text: string, file: string): RegistryContents {
  try {
    return parseContents(text);
  } catch (error) {
    if (error instanceof RegistryFormatError) throw new AgentRegistryError(`${file}: ${error.message}`);
    throw error;
  }
}

function parseContents(text: string): RegistryContents {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new RegistryFormatError('is not valid JSON');
  }
  const root = objectAt(document, 'the top level');
  if (root.format !== REGISTRY_FORMAT) throw new RegistryFormatError(`format must be "${REGISTRY_FORMAT}"`);
  const keyFingerprint = root.keyFingerprint;
  if (typeof keyFingerprint !== 'string' || !FINGERPRINT.test(keyFingerprint)) {
    throw new RegistryFormatError('keyFingerprint must be 16 hex characters');
  }
  if (!Array.isArray(root.agents)) throw new RegistryFormatError('agents must be a list');
  const agents = root.agents.map((entry: unknown, index: number) => parseStoredAgent(entry, `agents[${index}]`));
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const agent of agents) {
    if (ids.has(agent.id)) throw new RegistryFormatError(`agent ${agent.id} appears twice`);
    if (keys.has(agent.accessKeyId)) throw new RegistryFormatError(`access key ${agent.accessKeyId} appears twice`);
    ids.add(agent.id);
    keys.add(agent.accessKeyId);
  }
  return { keyFingerprint, agents };
}

function parseStoredAgent(value: unknown, where: string): StoredAgent {
  const entry = objectAt(value, where);
  const id = stringAt(entry.id, `${where}.id`);
  if (!AGENT_ID_PATTERN.test(id)) throw new RegistryFormatError(`${where}.id is not a valid agent name`);
  const accessKeyId = stringAt(entry.accessKeyId, `${where}.accessKeyId`);
  if (!ACCESS_KEY_ID_PATTERN.test(accessKeyId)) {
    throw new RegistryFormatError(`${where}.accessKeyId is not an Airlock access key id`);
  }
  if (!Array.isArray(entry.groups)) throw new RegistryFormatError(`${where}.groups must be a list`);
  const groups = entry.groups.map((group: unknown, index: number) => stringAt(group, `${where}.groups[${index}]`));
  const labelsObject = objectAt(entry.labels, `${where}.labels`);
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(labelsObject)) labels[key] = stringAt(label, `${where}.labels.${key}`);
  const account = entry.account === undefined ? undefined : stringAt(entry.account, `${where}.account`);
  if (account !== undefined && !ACCOUNT_ID_PATTERN.test(account)) {
    throw new RegistryFormatError(`${where}.account must be 12 digits`);
  }
  const sealed = objectAt(entry.sealedSecret, `${where}.sealedSecret`);
  const sealedSecret: SealedSecret = {
    iv: base64At(sealed.iv, `${where}.sealedSecret.iv`),
    ciphertext: base64At(sealed.ciphertext, `${where}.sealedSecret.ciphertext`),
    tag: base64At(sealed.tag, `${where}.sealedSecret.tag`),
  };
  const createdAt = stringAt(entry.createdAt, `${where}.createdAt`);
  if (Number.isNaN(Date.parse(createdAt))) throw new RegistryFormatError(`${where}.createdAt must be a date`);
  if (entry.disabled !== undefined && entry.disabled !== true) {
    throw new RegistryFormatError(`${where}.disabled must be true or absent`);
  }
  return {
    id,
    owner: stringAt(entry.owner, `${where}.owner`),
    groups,
    labels,
    ...(account === undefined ? {} : { account }),
    accessKeyId,
    sealedSecret,
    createdAt,
    ...(entry.disabled === true ? { disabled: true as const } : {}),
  };
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistryFormatError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new RegistryFormatError(`${where} must be a string`);
  return value;
}

function base64At(value: unknown, where: string): string {
  const text = stringAt(value, where);
  if (!BASE64.test(text)) throw new RegistryFormatError(`${where} must be base64`);
  return text;
}

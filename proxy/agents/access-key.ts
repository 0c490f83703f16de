import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { REDACTED } from '../core/redacted.js';

/**
 * ACCESS_KEY_ID_PATTERN is the shape of the access key ids Airlock issues: 20 characters like AWS's own (`AKIA…`),
 * so SDKs accept them, with the prefix `AKAL` so a person or a secret scanner can tell they are Airlock's.
 */
export const ACCESS_KEY_ID_PATTERN = /^AKAL[A-Z2-7]{16}$/;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** issueAccessKeyId returns a fresh access key id: `AKAL` and 16 base32 characters, 80 bits from the CSPRNG. */
export function issueAccessKeyId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'AKAL';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * issueSecretAccessKey returns a fresh 40-character secret: 30 random bytes in standard base64 (no padding, since
 * 30 is a multiple of 3), the same length and alphabet as AWS secret keys ([A-Za-z0-9+/]), so every SDK accepts it.
 */
export function issueSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/**
 * AgentAccessKey is one agent's access key with its secret in clear. `add()` and `rotate()` return one so the CLI
 * can show the secret once; `lookupSecret()` returns one for identify. It will not print the secret: `toString`,
 * `toJSON` and `util.inspect` show the ids alone, and spreading it does not copy the secret.
 */
export class AgentAccessKey {
  readonly agentId: string;
  readonly accessKeyId: string;
  readonly #secret: string;

  constructor(agentId: string, accessKeyId: string, secret: string) {
    this.agentId = agentId;
    this.accessKeyId = accessKeyId;
    this.#secret = secret;
  }

  /** The secret access key, for identify's signature check and for the CLI's one-time display. */
  get secret(): string {
    return this.#secret;
  }

  toString(): string {
    return `AgentAccessKey(${this.agentId}, ${this.accessKeyId})`;
  }

  toJSON(): Record<string, string> {
    return { agentId: this.agentId, accessKeyId: this.accessKeyId, secret: REDACTED };
  }

  [inspect.custom](): string {
    return `AgentAccessKey { agentId: '${this.agentId}', accessKeyId: '${this.accessKeyId}', secret: ${REDACTED} }`;
  }
}

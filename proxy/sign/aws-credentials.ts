import { inspect } from 'node:util';
import { InvalidArgumentError } from '../core/errors.js';
import type { AwsCredentialIdentity } from './sign-wire-request.js';
import { REDACTED } from '../core/redacted.js';

/** AwsCredentialsInit are the parts of a set of credentials. */
export interface AwsCredentialsInit {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working; undefined for long-lived keys. */
  readonly expiration?: Date | undefined;
}

/**
 * AwsCredentials holds real AWS credentials and will not print them: the secret and the session token live in
 * private fields, readable only through their getters (which the signer uses), and `toString`, `toJSON` and
 * `util.inspect` show the access key id alone. Spreading one (`{...credentials}`) does not copy the secret.
 */
export class AwsCredentials implements AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly expiration: Date | undefined;
  readonly #secretAccessKey: string;
  readonly #sessionToken: string | undefined;

  constructor(init: AwsCredentialsInit) {
    if (typeof init.accessKeyId !== 'string' || init.accessKeyId === '') {
      throw new InvalidArgumentError('accessKeyId must be a non-empty string');
    }
    if (typeof init.secretAccessKey !== 'string' || init.secretAccessKey === '') {
      throw new InvalidArgumentError('secretAccessKey must be a non-empty string');
    }
    if (init.sessionToken !== undefined && (typeof init.sessionToken !== 'string' || init.sessionToken === '')) {
      throw new InvalidArgumentError('sessionToken must be a non-empty string when given');
    }
    this.accessKeyId = init.accessKeyId;
    this.#secretAccessKey = init.secretAccessKey;
    this.#sessionToken = init.sessionToken;
    this.expiration = init.expiration;
  }

  /** The secret access key: for the signer only. */
  get secretAccessKey(): string {
    return this.#secretAccessKey;
  }

  /** The session token of temporary credentials. */
  get sessionToken(): string | undefined {
    return this.#sessionToken;
  }

  toString(): string {
    return `AwsCredentials(${this.accessKeyId})`;
  }

  toJSON(): Record<string, string | undefined> {
    return {
      accessKeyId: this.accessKeyId,
      secretAccessKey: REDACTED,
      sessionToken: this.#sessionToken === undefined ? undefined : REDACTED,
      expiration: this.expiration?.toISOString(),
    };
  }

  [inspect.custom](): string {
    const expiration = this.expiration === undefined ? '' : `, expiration: ${this.expiration.toISOString()}`;
    const token = this.#sessionToken === undefined ? '' : `, sessionToken: ${REDACTED}`;
    return `AwsCredentials { accessKeyId: '${this.accessKeyId}', secretAccessKey: ${REDACTED}${token}${expiration} }`;
  }
}

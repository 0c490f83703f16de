import { type Dispatcher, request as undiciRequest } from 'undici';
import { CredentialsError, InvalidArgumentError } from '../core/errors.js';
import { AwsCredentials } from './aws-credentials.js';
import type { CredentialSource } from './credential-source.js';
import { signWireRequest } from './sign-wire-request.js';

/** AssumeRoleOptions configure one role Airlock assumes with STS. */
export interface AssumeRoleOptions {
  readonly roleArn: string;
  /** Default `airlock`. Shows in CloudTrail as the session name. */
  readonly roleSessionName?: string;
  readonly externalId?: string;
  /** 900 to 43200; default 3600. */
  readonly durationSeconds?: number;
  /** Region of the STS endpoint and of the signature; default `us-east-1`. */
  readonly region?: string;
  /** Default `https://sts.<region>.amazonaws.com`. Tests point it at moto. */
  readonly stsEndpoint?: string;
  /** Credentials are renewed this long before they expire; default 300 (5 minutes). */
  readonly refreshBeforeExpirySeconds?: number;
  /** Give up on STS after this long; default 10000. */
  readonly requestTimeoutMs?: number;
}

/** AssumeRoleRuntime are the collaborators tests replace. */
export interface AssumeRoleRuntime {
  readonly dispatcher?: Dispatcher;
  readonly now?: () => Date;
}

const STS_API_VERSION = '2011-06-15';

/**
 * AssumedRoleCredentialSource hands out temporary credentials for a role, assumed with STS `AssumeRole` from base
 * credentials. They are cached until `refreshBeforeExpirySeconds` before they expire. Concurrent callers share one
 * refresh. If a refresh fails while the cached credentials are still valid, those are returned and the next call
 * tries again.
 */
export class AssumedRoleCredentialSource implements CredentialSource {
  readonly description: string;
  readonly #base: CredentialSource;
  readonly #options: Required<Omit<AssumeRoleOptions, 'externalId'>> & { externalId: string | undefined };
  readonly #runtime: AssumeRoleRuntime;
  #current: AwsCredentials | undefined;
  #refreshing: Promise<AwsCredentials> | undefined;

  constructor(base: CredentialSource, options: AssumeRoleOptions, runtime: AssumeRoleRuntime = {}) {
    if (typeof options.roleArn !== 'string' || !options.roleArn.startsWith('arn:')) {
      throw new InvalidArgumentError('roleArn must be an IAM role ARN ("arn:aws:iam::<account>:role/<name>")');
    }
    const region = options.region ?? 'us-east-1';
    const durationSeconds = options.durationSeconds ?? 3600;
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      throw new InvalidArgumentError('durationSeconds must be an integer from 900 to 43200');
    }
    const refreshBeforeExpirySeconds = options.refreshBeforeExpirySeconds ?? 300;
    if (!Number.isInteger(refreshBeforeExpirySeconds) || refreshBeforeExpirySeconds < 0) {
      throw new InvalidArgumentError('refreshBeforeExpirySeconds must be a non-negative integer');
    }
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new InvalidArgumentError('requestTimeoutMs must be a positive integer');
    }
    const stsEndpoint = options.stsEndpoint ?? `https://sts.${region}.amazonaws.com`;
    let endpoint: URL;
    try {
      endpoint = new URL(stsEndpoint);
    } catch {
      throw new InvalidArgumentError('stsEndpoint must be an absolute http(s) URL');
    }
    if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
      throw new InvalidArgumentError('stsEndpoint must be an absolute http(s) URL');
    }
    this.#base = base;
    this.#options = {
      roleArn: options.roleArn,
      roleSessionName: options.roleSessionName ?? 'airlock',
      externalId: options.externalId,
      durationSeconds,
      region,
      stsEndpoint: endpoint.origin,
      refreshBeforeExpirySeconds,
      requestTimeoutMs,
    };
    this.#runtime = runtime;
    this.description = `role ${options.roleArn} assumed from ${base.description}`;
  }

  async getCredentials(): Promise<AwsCredentials> {
    const now = this.#now();
    const current = this.#current;
    if (current !== undefined && !this.#isDue(current, now)) return current;
    this.#refreshing ??= this.#assumeRole().finally(() => {
      this.#refreshing = undefined;
    });
    try {
      return await this.#refreshing;
    } catch (error) {
      if (current?.expiration !== undefined && now.getTime() < current.expiration.getTime()) return current;
      throw error;
    }
  }

  #isDue(credentials: AwsCredentials, now: Date): boolean {
    if (credentials.expiration === undefined) return false;
    return now.getTime() >= credentials.expiration.getTime() - this.#options.refreshBeforeExpirySeconds * 1000;
  }

  #now(): Date {
    return this.#runtime.now?.() ?? new Date();
  }

  async #assumeRole(): Promise<AwsCredentials> {
    const options = this.#options;
    const base = await this.#base.getCredentials();
    const form = new URLSearchParams({
      Action: 'AssumeRole',
      Version: STS_API_VERSION,
      RoleArn: options.roleArn,
      RoleSessionName: options.roleSessionName,
      DurationSeconds: String(options.durationSeconds),
    });
    if (options.externalId !== undefined) form.set('ExternalId', options.externalId);
    const endpoint = new URL(options.stsEndpoint);
    const signed = await signWireRequest(
      {
        method: 'POST',
        host: endpoint.host,
        path: '/',
        headers: {
          host: endpoint.host,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        },
        body: Buffer.from(form.toString()),
      },
      base,
      { service: 'sts', region: options.region },
      { signedHeaders: new Set(['host', 'content-type']), now: this.#now() },
    );

    let statusCode: number;
    let text: string;
    try {
      const response = await undiciRequest(`${options.stsEndpoint}/`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body as Buffer,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
        ...(this.#runtime.dispatcher === undefined ? {} : { dispatcher: this.#runtime.dispatcher }),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new CredentialsError(`STS AssumeRole of ${options.roleArn} could not reach ${options.stsEndpoint}`, {
        cause: error,
      });
    }
    if (statusCode !== 200) {
      const code = xmlText(text, 'Code') ?? 'UnknownError';
      const message = xmlText(text, 'Message') ?? '';
      throw new CredentialsError(
        `STS AssumeRole of ${options.roleArn} failed with HTTP ${statusCode} ${code}: ${message.slice(0, 300)}`,
      );
    }
    const credentialsXml = xmlElement(text, 'Credentials');
    const accessKeyId = credentialsXml === undefined ? undefined : xmlText(credentialsXml, 'AccessKeyId');
    const secretAccessKey = credentialsXml === undefined ? undefined : xmlText(credentialsXml, 'SecretAccessKey');
    const sessionToken = credentialsXml === undefined ? undefined : xmlText(credentialsXml, 'SessionToken');
    const expirationText = credentialsXml === undefined ? undefined : xmlText(credentialsXml, 'Expiration');
    const expiration = expirationText === undefined ? undefined : new Date(expirationText);
    if (
      accessKeyId === undefined ||
      secretAccessKey === undefined ||
      sessionToken === undefined ||
      expiration === undefined ||
      Number.isNaN(expiration.getTime())
    ) {
      throw new CredentialsError(`STS AssumeRole of ${options.roleArn} returned a response without credentials`);
    }
    const credentials = new AwsCredentials({ accessKeyId, secretAccessKey, sessionToken, expiration });
    this.#current = credentials;
    return credentials;
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** xmlElement returns the raw content of the first `<tag>` element. STS answers are small and flat. */
function xmlElement(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
}

/** xmlText returns the text of the first `<tag>` element, entities decoded. */
function xmlText(xml: string, tag: string): string | undefined {
  return xmlElement(xml, tag)
    ?.trim()
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name]!);
}

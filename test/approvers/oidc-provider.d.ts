// The part of oidc-provider v9's API that test/approvers uses, typed by hand because the package ships no types and
// `@types/oidc-provider` is not a dependency. If that package is ever added, delete this file: the two would clash.

declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderAccount {
    readonly accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface ProviderConfiguration {
    readonly clients?: readonly Record<string, unknown>[];
    readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
    readonly cookies?: { readonly keys: readonly string[] };
    readonly claims?: Readonly<Record<string, readonly string[] | null>>;
    readonly scopes?: readonly string[];
    readonly conformIdTokenClaims?: boolean;
    readonly features?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly ttl?: Readonly<Record<string, number>>;
    findAccount?(context: unknown, sub: string): Promise<ProviderAccount | undefined>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  }
}

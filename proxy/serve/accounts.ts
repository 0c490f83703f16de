import type { AgentRecord } from '../agents/index.js';
import type { AccountConfig, AirlockConfig } from '../config/index.js';
import { AirlockError } from '../core/errors.js';
import { type AwsCredentials, type CredentialSource, createCredentialSource } from '../sign/index.js';

/** ResolvedAccount is the account a call acts in, and the real credentials it is signed with. */
export interface ResolvedAccount {
  readonly id: string;
  readonly environment: string;
  credentials(): Promise<AwsCredentials>;
}

/** NoAccountError: an agent's calls map to no configured account, so Airlock has nothing to sign them with. */
export class NoAccountError extends AirlockError {
  override readonly name: string = 'NoAccountError';
  override readonly code: string = 'AIRLOCK_ERR_NO_ACCOUNT';
}

/** AccountCredentials finds, for an agent, the account its calls act in and that account's credential source. */
export interface AccountCredentials {
  /** @throws NoAccountError when the agent's account (or the default) is not configured */
  forAgent(agent: AgentRecord): ResolvedAccount;
}

/**
 * createAccountCredentials builds every account's credential source at start, so a missing environment variable or
 * credentials file stops Airlock then rather than failing the first call.
 */
export function createAccountCredentials(
  config: Pick<AirlockConfig, 'accounts' | 'accountFor'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AccountCredentials {
  const resolved = new Map<AccountConfig, ResolvedAccount>();
  for (const account of config.accounts) {
    const source: CredentialSource = createCredentialSource(account.credentials, { env });
    resolved.set(account, {
      id: account.id,
      environment: account.environment,
      credentials: () => source.getCredentials(),
    });
  }
  return {
    forAgent(agent) {
      const account = config.accountFor(agent.account);
      const found = account === undefined ? undefined : resolved.get(account);
      if (found === undefined) {
        throw new NoAccountError(
          agent.account === undefined
            ? `agent ${agent.id} has no account and no default account is configured`
            : `agent ${agent.id} acts in account ${agent.account}, which is not configured`,
        );
      }
      return found;
    },
  };
}
